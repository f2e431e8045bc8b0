//! The syntax matrix: every named-value rule's examples rendered in every syntax of
//! `syntax.toml` (Python to Makefile to SQL) must be reported, and the near-misses rendered the
//! same way must give nothing. Each rendered file goes through the scan path as a file of its
//! template's name would (gates, file rules, the match, the findings, the built-in policy), with
//! the bulk scanner and with the hook's. See the table's header.

use crate::check;
use crate::config::Config;
use crate::policy::{Policy, Verdict};
use crate::rules::RuleSet;
use crate::scan::{Scanner, Scratch};

/// The templates, the rules whose examples are the rows, and the near-misses.
const TABLE: &str = include_str!("syntax.toml");

/// Of the generic assignments (a telling name, a value of no fixed format), the share that may
/// be missed, in thousandths; service tokens and near-misses have no allowance.
pub const GENERIC_ALLOWANCE_PER_MILLE: usize = 15;

/// One rendered file: a row (an example's name and value, or a near-miss) in one template.
pub struct Cell {
    /// Its path, relative to where the matrix is written (`c17/config.py`).
    pub path: String,
    pub content: String,
    /// Whether the value must be reported (a rule's example) or must not (a near-miss).
    pub positive: bool,
    /// For a positive cell: whether the row is a generic assignment (or a service token).
    pub generic: bool,
    /// Line (1-based) and byte columns (1-based, end exclusive) of the value.
    pub line: u32,
    pub col: u32,
    pub end: u32,
    /// Where the row came from (`generic-api-key.examples[2]`, `near_misses[4]`) and the
    /// template's id.
    pub origin: String,
    pub template: String,
}

impl Cell {
    /// Whether findings at `(line, column, end column)` report this cell's value.
    pub fn reported_by(&self, found: &[(u32, u32, u32)]) -> bool {
        found
            .iter()
            .any(|&(line, col, end)| line == self.line && col < self.end && self.col < end)
    }

    /// The line that holds the value.
    fn value_line(&self) -> &str {
        self.content
            .lines()
            .nth(self.line as usize - 1)
            .unwrap_or("")
    }
}

/// What the matrix found.
#[derive(Debug, Default)]
pub struct Matrix {
    pub templates: usize,
    pub generic_cells: usize,
    pub service_cells: usize,
    pub near_miss_cells: usize,
    /// One line per cell missed: generic assignments, service tokens; and per near-miss
    /// reported.
    pub misses: Vec<String>,
    pub service_misses: Vec<String>,
    pub loud: Vec<String>,
}

impl Matrix {
    /// More generic assignments missed than the allowance.
    fn over_allowance(&self) -> bool {
        self.misses.len() * 1000 > self.generic_cells * GENERIC_ALLOWANCE_PER_MILLE
    }

    pub fn passed(&self) -> bool {
        !self.over_allowance() && self.service_misses.is_empty() && self.loud.is_empty()
    }

    /// The failures, one line each: every service token missed and every near-miss
    /// reported, and the generic misses when there are more than the allowance.
    pub fn failures(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .service_misses
            .iter()
            .chain(&self.loud)
            .cloned()
            .collect();
        if self.over_allowance() {
            out.extend(self.misses.iter().cloned());
        }
        out
    }

    /// `8844 syntax cells (78 of 5917 generic missed, 1.5% allowed)`
    pub fn summary(&self) -> String {
        format!(
            "{} syntax cells ({} of {} generic missed, {}.{}% allowed)",
            self.generic_cells + self.service_cells + self.near_miss_cells,
            self.misses.len(),
            self.generic_cells,
            GENERIC_ALLOWANCE_PER_MILLE / 10,
            GENERIC_ALLOWANCE_PER_MILLE % 10
        )
    }
}

/// Every cell of the matrix for `rules`; `None` when `rules` lacks a rule the table names (a
/// rules file of one's own: the matrix is about the built-in rules).
pub fn cells(rules: &RuleSet) -> Option<(usize, Vec<Cell>)> {
    let table: toml::Table = TABLE.parse().expect("syntax.toml parses");
    let templates: Vec<Template> = table["template"]
        .as_array()?
        .iter()
        .map(|t| Template {
            id: t["id"].as_str().unwrap_or_default().to_string(),
            file: t["file"].as_str().unwrap_or_default().to_string(),
            text: t["text"].as_str().unwrap_or_default().to_string(),
            kinds: t.get("kinds").map(strs),
        })
        .collect();
    let generic = rows(rules, &strs(&table["rules"]), false)?;
    let services = rows(rules, &strs(&table["services"]), true)?;
    let near_misses: Vec<Row> = table["near_misses"]
        .as_array()?
        .iter()
        .enumerate()
        .map(|(n, t)| Row {
            origin: format!("near_misses[{n}]"),
            by_name: t.get("why").and_then(|w| w.as_str()) == Some("name"),
            skip: t.get("skip").map(strs).unwrap_or_default(),
            kind: "key",
            words: words(t["name"].as_str().unwrap_or_default()),
            value: t["value"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let mut out = Vec::new();
    for (set, positive, is_generic) in [
        (&generic, true, true),
        (&services, true, false),
        (&near_misses, false, false),
    ] {
        for row in set {
            for t in &templates {
                if positive
                    && t.kinds
                        .as_ref()
                        .is_some_and(|k| !k.iter().any(|k| k == row.kind))
                {
                    continue;
                }
                let named = NAME_SHAPES.iter().any(|p| t.text.contains(p));
                if (row.by_name && !named) || row.skip.contains(&t.id) {
                    continue;
                }
                let content = render(&t.text, &row.words, &row.value);
                let (line, col, end) = locate(&content, &row.value);
                out.push(Cell {
                    path: format!("c{}/{}", out.len(), t.file),
                    content,
                    positive,
                    generic: is_generic,
                    line,
                    col,
                    end,
                    origin: row.origin.clone(),
                    template: t.id.clone(),
                });
            }
        }
    }
    Some((templates.len(), out))
}

/// The findings with a line that the scan path reports in `cell` (as `leakgate scan` would
/// for a file of that path, under the built-in policy).
pub fn reported(
    scanner: &Scanner,
    policy: &Policy,
    scratch: &mut Scratch,
    cell: &Cell,
) -> Vec<crate::finding::Finding> {
    let checked = check::whole(
        scanner,
        scratch,
        &[cell.path.as_str()],
        Some(cell.content.as_bytes()),
        u64::MAX,
        true,
    );
    checked
        .findings
        .into_iter()
        .map(|(_, f)| f)
        .filter(|f| f.line.is_some() && policy.verdict(f) == Verdict::Report)
        .collect()
}

/// Runs the matrix for `rules` (`None`: see [`cells`]).
pub fn run(rules: &RuleSet) -> Option<Matrix> {
    let (templates, cells) = cells(rules)?;
    let config = Config::default();
    let policy = Policy::without_baseline(rules, &config);
    let scanners = [Scanner::new(rules), Scanner::new_small(rules)];
    let mut scratch = Scratch::default();
    let mut m = Matrix {
        templates,
        ..Matrix::default()
    };
    for cell in &cells {
        // (reported, rules reporting something) for each scanner
        let verdicts: Vec<(bool, Vec<String>)> = scanners
            .iter()
            .map(|scanner| {
                let found = reported(scanner, &policy, &mut scratch, cell);
                let at: Vec<(u32, u32, u32)> = found
                    .iter()
                    .filter_map(|f| Some((f.line?, f.column?, f.end_column?)))
                    .collect();
                let ok = if cell.positive {
                    cell.reported_by(&at)
                } else {
                    found.is_empty()
                };
                (ok, found.into_iter().map(|f| f.rule_id).collect())
            })
            .collect();
        let which = match (verdicts[0].0, verdicts[1].0) {
            (true, true) => None,
            (false, false) => Some(""),
            (true, false) => Some(" (with the hook's scanner)"),
            (false, true) => Some(" (with the bulk scanner)"),
        };
        if cell.positive {
            if cell.generic {
                m.generic_cells += 1;
            } else {
                m.service_cells += 1;
            }
        } else {
            m.near_miss_cells += 1;
        }
        let Some(which) = which else { continue };
        if cell.positive {
            let line = format!(
                "syntax: miss {:<28} {:<38} {}{which}",
                cell.template,
                cell.origin,
                cell.value_line()
            );
            if cell.generic {
                m.misses.push(line);
            } else {
                m.service_misses.push(line);
            }
        } else {
            let mut rules: Vec<String> = verdicts.into_iter().flat_map(|v| v.1).collect();
            rules.sort();
            rules.dedup();
            m.loud.push(format!(
                "syntax: near-miss reported {:<28} {:<24} {} [{}]{which}",
                cell.template,
                cell.origin,
                cell.value_line(),
                rules.join(",")
            ));
        }
    }
    Some(m)
}

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

/// The placeholders a template writes the name with.
const NAME_SHAPES: [&str; 7] = [
    "{snake}", "{SNAKE}", "{camel}", "{Pascal}", "{kebab}", "{dotted}", "{Train}",
];

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
fn locate(content: &str, value: &str) -> (u32, u32, u32) {
    let at = content.rfind(value).unwrap_or(0);
    let line_start = content[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = content[..at].matches('\n').count() as u32 + 1;
    let col = (at - line_start) as u32 + 1;
    (line, col, col + value.len() as u32)
}

/// Characters a template would have to escape differently per syntax: such values are left out.
fn plain(value: &str) -> bool {
    !value.contains(|c: char| c.is_whitespace() || "\"'\\$`<>&{}#;".contains(c))
}

/// The rows of the rules `ids` (`None` if one is not in `rules`): each example's value, as
/// the rule reports it, under the name in front of it (or `service_token` for `services`).
fn rows(rules: &RuleSet, ids: &[String], services: bool) -> Option<Vec<Row>> {
    let scanner = Scanner::new(rules);
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for id in ids {
        let (i, rule) = rules.rules.iter().enumerate().find(|(_, r)| r.id() == id)?;
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
    Some(out)
}
