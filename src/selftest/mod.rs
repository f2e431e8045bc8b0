//! Every rule carries examples that must match and near-misses that must not. This runs them
//! all through the real scan path; `leakgate rules test` and `cargo test` both call it, and
//! the syntax matrix ([`syntax`]) beside it.

pub mod syntax;

use crate::rules::RuleSet;
use crate::scan::{Scanner, Scratch};

/// Failures, one line each (`rule-id: negative_examples[2] matched: …`). Empty means all pass.
pub fn run(rules: &RuleSet) -> Vec<String> {
    let mut failures = rules.compile_all();
    let bulk = check_content_rules(rules, &Scanner::new(rules));
    // The hook's scanner (`new_small`) gates windows and matches with other engines: it must
    // agree. Its failures are listed only where they differ.
    let hook = check_content_rules(rules, &Scanner::new_small(rules));
    for f in &hook {
        if !bulk.contains(f) {
            failures.push(format!("{f} (with the hook's scanner)"));
        }
    }
    failures.extend(bulk);
    check_file_rules(rules, &mut failures);
    failures
}

fn show(s: &str) -> String {
    let one: String = s.chars().take(60).collect::<String>().replace('\n', "\\n");
    if s.chars().count() > 60 {
        format!("{one}…")
    } else {
        one
    }
}

fn check_content_rules(rules: &RuleSet, scanner: &Scanner) -> Vec<String> {
    let mut failures = Vec::new();
    let mut scratch = Scratch::default();
    for (i, rule) in rules.rules.iter().enumerate() {
        let id = rule.id();
        for (n, ex) in rule.spec.examples.iter().enumerate() {
            let found = scanner.scan(ex.as_bytes(), &mut scratch);
            let mine = found.iter().filter(|m| m.rule == i).count();
            if mine != 1 {
                let others: Vec<&str> = found.iter().map(|m| rules.rules[m.rule].id()).collect();
                failures.push(format!(
                    "{id}: examples[{n}] gave {mine} findings of this rule (want 1; all: [{}]): {}",
                    others.join(", "),
                    show(ex)
                ));
            }
        }
        for (n, ex) in rule.spec.negative_examples.iter().enumerate() {
            let found = scanner.scan(ex.as_bytes(), &mut scratch);
            if found.iter().any(|m| m.rule == i) {
                failures.push(format!(
                    "{id}: negative_examples[{n}] matched: {}",
                    show(ex)
                ));
            }
        }
    }
    failures
}

fn check_file_rules(rules: &RuleSet, failures: &mut Vec<String>) {
    for rule in &rules.files {
        let id = &rule.spec.id;
        let split = |ex: &str| -> (String, Option<Vec<u8>>) {
            match ex.split_once('\n') {
                Some((p, c)) => (p.to_string(), Some(c.as_bytes().to_vec())),
                None => (ex.to_string(), None),
            }
        };
        for (n, ex) in rule.spec.examples.iter().enumerate() {
            let (path, content) = split(ex);
            if !rule.matches(&path, Some(content.as_deref().unwrap_or(b""))) {
                failures.push(format!("{id}: examples[{n}] did not match: {}", show(ex)));
            }
        }
        for (n, ex) in rule.spec.negative_examples.iter().enumerate() {
            let (path, content) = split(ex);
            if rule.matches(&path, Some(content.as_deref().unwrap_or(b""))) {
                failures.push(format!(
                    "{id}: negative_examples[{n}] matched: {}",
                    show(ex)
                ));
            }
        }
    }
}
