//! The syntax matrix (`src/selftest/syntax.toml`): every named-value rule's examples, rendered
//! in every syntax (Python to Makefile to SQL), must be reported, and the near-misses rendered
//! the same way must give nothing. `leakgate rules test` runs it in-process; here the real
//! binary scans every cell as a file and must agree with it finding for finding.

use crate::util;

use leakgate::config::Config;
use leakgate::policy::Policy;
use leakgate::rules::RuleSet;
use leakgate::scan::{Scanner, Scratch};
use leakgate::selftest::syntax;
use std::collections::{BTreeSet, HashMap};
use util::{leakgate, run};

#[test]
fn named_values_are_found_in_every_syntax_and_near_misses_in_none() {
    let rules = RuleSet::builtin_with_examples().unwrap();
    let m = syntax::run(&rules).expect("the built-in rules hold the matrix's rules");
    // Listed by a passing run too, with --nocapture.
    eprintln!("{}", m.summary());
    for line in m.misses.iter().chain(&m.service_misses).chain(&m.loud) {
        eprintln!("{line}");
    }
    assert!(m.templates >= 40, "only {} templates", m.templates);
    assert!(m.generic_cells >= 30 * m.templates, "{}", m.summary());
    assert!(m.service_cells > 0 && m.near_miss_cells > 0, "{m:?}");
    assert!(m.passed(), "{}\n{}", m.summary(), m.failures().join("\n"));
}

#[test]
fn rules_test_runs_the_matrix() {
    let out = run(leakgate().args(["rules", "test"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let last = out.stdout.lines().last().unwrap_or("");
    assert!(
        last.contains(" syntax cells (") && last.ends_with(": 0 failed"),
        "{last}"
    );
}

/// (line, column, end column, rule) of each finding with a line.
type Spots = BTreeSet<(u64, u64, u64, String)>;

#[test]
fn the_binary_reports_what_the_matrix_counts_cell_by_cell() {
    let rules = RuleSet::builtin_with_examples().unwrap();
    let (_, cells) = syntax::cells(&rules).unwrap();
    let dir = util::tempdir().unwrap();
    for c in &cells {
        let path = dir.path().join(&c.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &c.content).unwrap();
    }
    let out = run(leakgate()
        .arg("scan")
        .arg(".")
        .args(["--format", "json"])
        .current_dir(dir.path()));
    let json = out.json();
    let mut by_path: HashMap<String, Spots> = HashMap::new();
    for f in json["findings"].as_array().unwrap() {
        let (Some(line), Some(col), Some(end)) = (
            f["line"].as_u64(),
            f["column"].as_u64(),
            f["end_column"].as_u64(),
        ) else {
            continue;
        };
        let path = f["path"].as_str().unwrap().replace('\\', "/");
        by_path.entry(path).or_default().insert((
            line,
            col,
            end,
            f["rule_id"].as_str().unwrap().to_string(),
        ));
    }
    let config = Config::default();
    let policy = Policy::without_baseline(&rules, &config);
    let scanner = Scanner::new(&rules);
    let mut scratch = Scratch::default();
    let mut differ = Vec::new();
    for c in &cells {
        let mine: Spots = syntax::reported(&scanner, &policy, &mut scratch, c)
            .into_iter()
            .map(|f| {
                (
                    u64::from(f.line.unwrap()),
                    u64::from(f.column.unwrap_or(0)),
                    u64::from(f.end_column.unwrap_or(0)),
                    f.rule_id,
                )
            })
            .collect();
        let cli = by_path.remove(&c.path).unwrap_or_default();
        if mine != cli {
            differ.push(format!(
                "{} ({} {}): in-process {mine:?}, binary {cli:?}",
                c.path, c.template, c.origin
            ));
        }
    }
    assert!(
        differ.is_empty() && by_path.is_empty(),
        "{} cells differ:\n{}\nonly the binary: {by_path:?}",
        differ.len(),
        differ.join("\n")
    );
}
