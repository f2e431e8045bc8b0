//! The SARIF 2.1.0 printer, fixes included.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;

use super::Report;
use crate::fix::FixKind;
use crate::rules::{RuleSet, Severity};

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::High => "8.9",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
    }
}

/// Percent-encode a repo-relative path for a SARIF URI (keeps `/`).
fn uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// `--format sarif`: the SARIF 2.1.0 log, fixes included.
pub fn sarif(report: &Report, rules: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let mut log = sarif_log(report, rules);
    if let Some(results) = log["runs"][0]["results"].as_array_mut() {
        for (i, result) in results.iter_mut().enumerate() {
            let ids = report.findings.get(i).map_or(&[][..], |f| &f.fixes);
            sarif_fixes(report, ids, result);
        }
    }
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A result's fixes: a `.gitignore` append as a SARIF fix (an insertion at the file's end);
/// an index change, which SARIF cannot express, as the `indexFixes` property.
fn sarif_fixes(report: &Report, ids: &[usize], result: &mut serde_json::Value) {
    let mut sarif_fixes = Vec::new();
    let mut other = Vec::new();
    for &i in ids {
        let fix = &report.fixes[i];
        match &fix.kind {
            FixKind::Gitignore { path, old, new, .. } => {
                let old_len = old.as_deref().map_or(0, <[u8]>::len);
                let inserted = String::from_utf8_lossy(&new[old_len..]);
                sarif_fixes.push(json!({
                    "description": {"text": fix.description},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": path},
                        "replacements": [{
                            "deletedRegion": {"byteOffset": old_len, "byteLength": 0},
                            "insertedContent": {"text": inserted},
                        }],
                    }],
                }));
            }
            FixKind::Untrack { command, .. } => {
                other.push(format!("{} (`{command}`)", fix.description))
            }
        }
    }
    if !sarif_fixes.is_empty() {
        result["fixes"] = json!(sarif_fixes);
    }
    if !other.is_empty() {
        result["properties"]["indexFixes"] = json!(other);
    }
}

/// The SARIF 2.1.0 log of a report, as a JSON value (results in the order of the findings).
pub fn sarif_log(report: &Report, rules: &RuleSet) -> serde_json::Value {
    // Rules that appear in the results, in a stable order, and their indexes.
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        let n = ids.len();
        ids.entry(f.rule_id.as_str()).or_insert(n);
    }
    let mut ordered: Vec<(&str, usize)> = ids.iter().map(|(k, v)| (*k, *v)).collect();
    ordered.sort_by_key(|(_, v)| *v);
    let driver_rules: Vec<serde_json::Value> = ordered
        .iter()
        .map(|(id, _)| {
            let (name, description, remediation, severity, references) =
                if let Some(r) = rules.get(id) {
                    (
                        r.spec.name.as_str(),
                        r.spec.description.as_str(),
                        r.spec.remediation.as_str(),
                        r.spec.severity,
                        &r.spec.references,
                    )
                } else if let Some(r) = rules.get_file(id) {
                    (
                        r.spec.name.as_str(),
                        r.spec.description.as_str(),
                        r.spec.remediation.as_str(),
                        r.spec.severity,
                        &r.spec.references,
                    )
                } else if let Some(c) = rules.check(id) {
                    (c.name, c.description, c.remediation, c.severity, &Vec::new())
                } else {
                    (
                        *id,
                        *id,
                        "Remove the secret and rotate it.",
                        Severity::High,
                        &Vec::new(),
                    )
                };
            let mut rule = json!({
                "id": id,
                "name": id,
                "shortDescription": {"text": clip(name, 1024)},
                "fullDescription": {"text": clip(description, 1024)},
                "help": {"text": remediation, "markdown": remediation},
                "defaultConfiguration": {"level": sarif_level(severity)},
                "properties": {
                    "tags": ["security", if rules.check(id).is_some() { "hygiene" } else { "secret" }],
                    "precision": "high",
                    "security-severity": security_severity(severity),
                },
            });
            if let Some(first) = references.first() {
                rule["helpUri"] = json!(first);
            }
            rule
        })
        .collect();
    let results: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut region = json!({});
            match (f.line, f.column, f.end_line, f.end_column) {
                (Some(l), Some(c), Some(el), Some(ec)) => {
                    region = json!({"startLine": l, "startColumn": c, "endLine": el, "endColumn": ec.max(1)});
                }
                _ => region["startLine"] = json!(1),
            }
            let key = format!(
                "{}:{}:{}",
                f.rule_id,
                f.path,
                f.fingerprint.as_deref().unwrap_or("file")
            );
            let mut message = match &f.secret {
                Some(s) => format!("{}: {s}", f.message),
                None => f.message.clone(),
            };
            if let Some(c) = &f.commit {
                message.push_str(&format!(" (commit {c})"));
            }
            let mut result = json!({
                "ruleId": f.rule_id,
                "ruleIndex": ids[f.rule_id.as_str()],
                "level": sarif_level(f.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.path)},
                        "region": region,
                    }
                }],
                "partialFingerprints": {
                    "primaryLocationLineHash": crate::finding::fingerprint(key.as_bytes()),
                },
            });
            if let Some(c) = &f.commit {
                result["properties"] = json!({"commit": c, "date": f.date});
            }
            if let Some(context) = f.context {
                result["properties"]["context"] = json!(context);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "leakgate",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/leakgate/leakgate",
                "rules": driver_rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max - 3;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}
