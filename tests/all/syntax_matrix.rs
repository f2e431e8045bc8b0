//! The syntax matrix: every named-value rule's examples, rendered in every syntax of
//! `fixtures/syntax.toml` (Python to Makefile to SQL), must be reported by the real binary, and
//! the near-misses rendered the same way must give nothing. See the fixture's header.

use crate::util;

use leakgate::rules::RuleSet;
use leakgate::scan::{Scanner, Scratch};
use std::collections::HashMap;
use std::fmt::Write as _;
use util::{leakgate, run};

struct Template {
    id: String,
    file: String,
    text: String,
    kinds: Option<Vec<String>>,
}

/// One row: a name (as words) and a value, and where it came from.
struct Row {
    origin: String,
    /// For a near-miss: only the name makes it one (templates without a name skip it).
    by_name: bool,
    skip: Vec<String>,
    kind: &'static str,
    words: Vec<String>,
    value: String,
}

fn strs(v: &toml::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `X-API-Key` → [x, api, key]; `awsSecretKey` → [aws, secret, key]; `APIKey` → [api, key].
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut cur = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = c.is_ascii_uppercase()
                && prev.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                });
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(c.to_ascii_lowercase());
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// The name an example gives its value: the last identifier in front of it.
fn name_before(prefix: &str) -> Option<String> {
    let trimmed = prefix.trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .last()
        .map(|(i, _)| i)?;
    let name = trimmed[start..].trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    (!name.is_empty()).then(|| name.to_string())
}

fn cap(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn render(text: &str, words: &[String], value: &str) -> String {
    let camel: String = words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == 0 { w.clone() } else { cap(w) })
        .collect();
    let pascal: String = words.iter().map(|w| cap(w)).collect();
    text.replace("{snake}", &words.join("_"))
        .replace("{SNAKE}", &words.join("_").to_ascii_uppercase())
        .replace("{camel}", &camel)
        .replace("{Pascal}", &pascal)
        .replace("{kebab}", &words.join("-"))
        .replace("{dotted}", &words.join("."))
        .replace(
            "{Train}",
            &words.iter().map(|w| cap(w)).collect::<Vec<_>>().join("-"),
        )
        .replace("{value}", value)
}

/// Line (1-based) and byte columns (1-based, end exclusive) of the value in a rendered file.
fn locate(content: &str, value: &str) -> (u64, u64, u64) {
    let at = content.rfind(value).expect("the value is in the file");
    let line_start = content[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = content[..at].matches('\n').count() as u64 + 1;
    let col = (at - line_start) as u64 + 1;
    (line, col, col + value.len() as u64)
}

/// Characters a template would have to escape differently per syntax: such values are left out.
fn plain(value: &str) -> bool {
    !value.contains(|c: char| c.is_whitespace() || "\"'\\$`<>&{}#;".contains(c))
}

fn rows(rules: &RuleSet, ids: &[String], services: bool) -> Vec<Row> {
    let scanner = Scanner::new(rules);
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for id in ids {
        let (i, rule) = rules
            .rules
            .iter()
            .enumerate()
            .find(|(_, r)| r.id() == id)
            .unwrap_or_else(|| panic!("syntax.toml names an unknown rule {id}"));
        for (n, ex) in rule.spec.examples.iter().enumerate() {
            let found = scanner.scan(ex.as_bytes(), &mut scratch);
            let Some(m) = found.iter().find(|m| m.rule == i && m.decoded.is_none()) else {
                continue;
            };
            let value = ex[m.secret.clone()].to_string();
            let name = if services {
                Some("service_token".to_string())
            } else {
                name_before(&ex[..m.secret.start])
            };
            let Some(name) = name else { continue };
            if !plain(&value) {
                continue;
            }
            let kind = if id.starts_with("password") {
                "password"
            } else {
                "key"
            };
            out.push(Row {
                origin: format!("{id}.examples[{n}]"),
                by_name: false,
                skip: Vec::new(),
                kind,
                words: words(&name),
                value,
            });
        }
    }
    out
}

struct Finding {
    line: u64,
    col: u64,
    end: u64,
    rule: String,
}

fn scan_dir(dir: &std::path::Path) -> HashMap<String, Vec<Finding>> {
    let out = run(leakgate()
        .arg("scan")
        .arg(dir)
        .args(["--format", "json"])
        .current_dir(dir));
    let json = out.json();
    let mut by_path: HashMap<String, Vec<Finding>> = HashMap::new();
    for f in json["findings"].as_array().unwrap() {
        let (Some(line), Some(col), Some(end)) = (
            f["line"].as_u64(),
            f["column"].as_u64(),
            f["end_column"].as_u64(),
        ) else {
            continue;
        };
        let path = f["path"].as_str().unwrap().replace('\\', "/");
        by_path.entry(path).or_default().push(Finding {
            line,
            col,
            end,
            rule: f["rule_id"].as_str().unwrap().to_string(),
        });
    }
    by_path
}

#[test]
fn named_values_are_found_in_every_syntax_and_near_misses_in_none() {
    let fixture: toml::Table = include_str!("../fixtures/syntax.toml").parse().unwrap();
    let templates: Vec<Template> = fixture["template"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| Template {
            id: t["id"].as_str().unwrap().to_string(),
            file: t["file"].as_str().unwrap().to_string(),
            text: t["text"].as_str().unwrap().to_string(),
            kinds: t.get("kinds").map(strs),
        })
        .collect();
    let rules = RuleSet::builtin_with_examples().unwrap();
    let mut positives = rows(&rules, &strs(&fixture["rules"]), false);
    let generic = positives.len();
    positives.extend(rows(&rules, &strs(&fixture["services"]), true));
    let negatives: Vec<Row> = fixture["near_misses"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(n, t)| Row {
            origin: format!("near_misses[{n}]"),
            by_name: t.get("why").and_then(|w| w.as_str()) == Some("name"),
            skip: t.get("skip").map(strs).unwrap_or_default(),
            kind: "key",
            words: words(t["name"].as_str().unwrap()),
            value: t["value"].as_str().unwrap().to_string(),
        })
        .collect();
    assert!(generic >= 30, "only {generic} generic rows");

    // cell directory -> (template, row, positive?, expected location)
    let dir = util::tempdir().unwrap();
    let mut cells = Vec::new();
    for (pos, set) in [(true, &positives), (false, &negatives)] {
        for (r, row) in set.iter().enumerate() {
            for t in &templates {
                if pos
                    && t.kinds
                        .as_ref()
                        .is_some_and(|k| !k.iter().any(|k| k == row.kind))
                {
                    continue;
                }
                let named = [
                    "{snake}", "{SNAKE}", "{camel}", "{Pascal}", "{kebab}", "{dotted}",
                ]
                .iter()
                .chain(&["{Train}"])
                .any(|p| t.text.contains(p));
                if (row.by_name && !named) || row.skip.contains(&t.id) {
                    continue;
                }
                let content = render(&t.text, &row.words, &row.value);
                let cell = format!("c{}", cells.len());
                let path = dir.path().join(&cell).join(&t.file);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &content).unwrap();
                let at = locate(&content, &row.value);
                cells.push((format!("{cell}/{}", t.file), t, r, pos, at, content));
            }
        }
    }
    let found = scan_dir(dir.path());

    let (mut pos_cells, mut gen_miss, mut svc_miss, mut neg_cells, mut loud) = (0, 0, 0, 0, 0);
    let mut report = String::new();
    for (path, t, r, pos, (line, col, end), content) in &cells {
        let hits = found.get(path).map(Vec::as_slice).unwrap_or(&[]);
        if *pos {
            pos_cells += 1;
            let row = &positives[*r];
            let ok = hits
                .iter()
                .any(|f| f.line == *line && f.col < *end && *col < f.end);
            if !ok {
                if *r < generic {
                    gen_miss += 1;
                } else {
                    svc_miss += 1;
                }
                let _ = writeln!(
                    report,
                    "miss  {:<28} {:<38} {}",
                    t.id,
                    row.origin,
                    content.lines().nth(*line as usize - 1).unwrap_or("")
                );
            }
        } else {
            neg_cells += 1;
            if !hits.is_empty() {
                loud += 1;
                let rules: Vec<&str> = hits.iter().map(|f| f.rule.as_str()).collect();
                let _ = writeln!(
                    report,
                    "loud  {:<28} {:<38} {} [{}]",
                    t.id,
                    negatives[*r].origin,
                    content.lines().nth(hits[0].line as usize - 1).unwrap_or(""),
                    rules.join(",")
                );
            }
        }
    }
    let gen_cells = cells.iter().filter(|c| c.3 && c.2 < generic).count().max(1);
    let summary = format!(
        "{} templates; {pos_cells} positive cells: {gen_miss} of {gen_cells} generic missed, \
         {svc_miss} service tokens missed; {neg_cells} near-miss cells: {loud} reported",
        templates.len()
    );
    eprintln!("{summary}");
    // Service tokens and near-misses: no exception. Generic assignments: at most 1.5% missed
    // (the ones left are listed on failure, and by a passing run with --nocapture).
    eprint!("{report}");
    assert!(
        gen_miss * 200 <= gen_cells * 3 && svc_miss == 0 && loud == 0,
        "{summary}\n{report}"
    );
}
