//! Lint's printers: text, JSON and SARIF.

use super::*;

/// `3 problems, 2 fixable with --fix`.
pub fn summary(l: &Lint) -> String {
    let n = l.problems();
    let s = &l.report.stats;
    let mut parts = Vec::new();
    if l.tree_checked {
        let mut tree = format!(
            "scanned {}, {}",
            plural(s.files_scanned as usize, "tracked file", "tracked files"),
            crate::report::human_bytes(s.bytes_scanned)
        );
        let skipped = s.skipped_parts();
        if !skipped.is_empty() {
            tree.push_str(&format!(" (skipped {})", skipped.join(", ")));
        }
        parts.push(tree);
    }
    parts.extend(s.held_back_parts());
    if let Some(h) = &l.history {
        parts.push(format!("history {}: {}", h.range, h.counts()));
    }
    if s.baselined > 0 {
        parts.push(format!("{} baselined", s.baselined));
    }
    let scanned = parts.join("; ");
    let notes = l.report.findings.len() - n;
    let notes = if notes > 0 {
        format!(", {notes} {}", if notes == 1 { "note" } else { "notes" })
    } else {
        String::new()
    };
    if n == 0 {
        format!("no problems found{notes} ({scanned})")
    } else {
        let more = match l.unsafe_fixable() {
            0 => String::new(),
            m => format!(" ({m} more with --unsafe-fixes)"),
        };
        format!(
            "{n} {}, {} fixable with --fix{more}{notes} ({scanned})",
            if n == 1 { "problem" } else { "problems" },
            l.fixable()
        )
    }
}

pub(super) fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

pub fn render_text(
    l: &Lint,
    rules: &RuleSet,
    style: &crate::report::Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use owo_colors::OwoColorize;
    for f in &l.report.findings {
        writeln!(out, "{}", crate::report::text_line(f, style.color))?;
    }
    crate::report::help(&l.report.findings, rules, style, out)?;
    if !l.fixes.is_empty() {
        let head = "Fixes (`leakgate lint --fix` applies the safe ones; `leakgate lint --diff` prints the patch):";
        writeln!(
            out,
            "\n{}",
            if style.color {
                head.bold().to_string()
            } else {
                head.to_string()
            }
        )?;
        for fix in &l.fixes {
            let when = match fix.applicability {
                Applicability::Safe => "",
                Applicability::Unsafe => " [unsafe: with --unsafe-fixes]",
                Applicability::DisplayOnly => " [not applied]",
            };
            match &fix.kind {
                FixKind::Untrack { command, .. } => {
                    writeln!(out, "  - {} (like `{command}`){when}", fix.description)?
                }
                FixKind::Gitignore { patch, .. } => {
                    writeln!(out, "  - {}:", fix.description)?;
                    write!(out, "{}", indent(patch, "      "))?;
                }
            }
        }
        writeln!(out)?;
    }
    if l.report.findings.iter().any(|f| f.commit.is_some()) {
        writeln!(
            out,
            "Secrets found in history must be rotated: deleting them in a later commit does not remove them from history."
        )?;
    }
    let line = summary(l);
    let line = match (style.color, l.problems() == 0) {
        (true, true) => line.green().to_string(),
        (true, false) => line.red().bold().to_string(),
        _ => line,
    };
    writeln!(out, "{line}")
}

pub(super) fn findings_json(l: &Lint) -> Vec<serde_json::Value> {
    l.report
        .findings
        .iter()
        .zip(&l.finding_fixes)
        .map(|(f, fx)| {
            let mut v = serde_json::to_value(f).expect("a finding serializes");
            v["fixes"] = serde_json::json!(fx);
            v
        })
        .collect()
}

pub fn render_json(l: &Lint, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut value = serde_json::json!({
        "version": 1,
        "findings": findings_json(l),
        "fixes": l.fixes,
        "summary": {"problems": l.problems(), "fixable": l.fixable(), "unsafe_fixable": l.unsafe_fixable()},
        "stats": l.report.stats,
        "errors": l.report.errors,
    });
    if let Some(h) = &l.history {
        value["history"] = serde_json::json!(h);
    }
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

pub fn render_sarif(
    l: &Lint,
    rules: &RuleSet,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut log = crate::report::sarif_log(&l.report, rules);
    let run = &mut log["runs"][0];
    if let Some(results) = run["results"].as_array_mut() {
        for (result, fx) in results.iter_mut().zip(&l.finding_fixes) {
            let mut sarif_fixes = Vec::new();
            let mut other = Vec::new();
            for &i in fx {
                let fix = &l.fixes[i];
                match &fix.kind {
                    FixKind::Gitignore { path, old, new, .. } => {
                        let old_len = old.as_deref().map_or(0, <[u8]>::len);
                        let inserted = String::from_utf8_lossy(&new[old_len..]);
                        sarif_fixes.push(serde_json::json!({
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
                result["fixes"] = serde_json::json!(sarif_fixes);
            }
            if !other.is_empty() {
                result["properties"]["indexFixes"] = serde_json::json!(other);
            }
        }
    }
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Render in the chosen format.
pub fn render(
    format: crate::report::Format,
    l: &Lint,
    rules: &RuleSet,
    style: &crate::report::Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        crate::report::Format::Text => render_text(l, rules, style, out),
        crate::report::Format::Json => render_json(l, out),
        crate::report::Format::Sarif => render_sarif(l, rules, out),
    }
}
