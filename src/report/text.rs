//! The text printer: a command's head, the findings one a line, its advice (each rule's
//! remediation, wrapped), its summary line.

use std::io::{self, Write};

use owo_colors::OwoColorize;

use super::{Header, Report, Style, first_few, human_bytes, plural, remediation};
use crate::finding::Finding;
use crate::rules::{RuleSet, Severity};

fn severity_colored(s: Severity, color: bool) -> String {
    let t = format!("[{}]", s.as_str());
    if !color {
        return t;
    }
    match s {
        Severity::High => t.red().bold().to_string(),
        Severity::Medium => t.yellow().to_string(),
        Severity::Low => t.blue().to_string(),
    }
}

/// One finding as a line: `path:line:col: rule-id [severity] name: ghp_XI…(40)`.
pub fn text_line(f: &Finding, color: bool) -> String {
    use std::fmt::Write;
    // One string written in place: a blob with many findings prints many of these.
    let mut loc = String::with_capacity(f.path.len() + 64);
    if let Some(commit) = &f.commit {
        loc.push_str(commit);
        loc.push(':');
    }
    loc.push_str(&f.path);
    if let (Some(l), Some(c)) = (f.line, f.column) {
        let _ = write!(loc, ":{l}:{c}");
    }
    let mut line = if color {
        format!("{}: {}", loc.bold(), f.rule_id.cyan())
    } else {
        loc.push_str(": ");
        loc.push_str(&f.rule_id);
        loc
    };
    let _ = write!(
        line,
        " {} {}",
        severity_colored(f.severity, color),
        f.message
    );
    if let Some(s) = &f.secret {
        line.push_str(": ");
        line.push_str(s);
    }
    if let Some(d) = &f.date {
        let _ = write!(line, " ({d}");
        if !f.refs.is_empty() {
            let _ = write!(line, "; in {}", first_few(&f.refs, 3));
        }
        line.push(')');
    }
    line
}

/// The summary line: what was scanned and what was found.
pub fn summary(report: &Report) -> String {
    let s = &report.stats;
    let mut scanned = format!(
        "scanned {}, {}",
        plural(s.files_scanned as usize, "file", "files"),
        human_bytes(s.bytes_scanned)
    );
    let skipped = s.skipped_parts();
    if !skipped.is_empty() {
        scanned.push_str(&format!("; skipped {}", skipped.join(", ")));
    }
    for part in s.held_back_parts() {
        scanned.push_str(&format!("; {part}"));
    }
    if !report.errors.is_empty() {
        scanned.push_str(&format!(
            "; {}",
            plural(report.errors.len(), "error", "errors")
        ));
    }
    let n = report.findings.len();
    if n == 0 {
        format!("no secrets found ({scanned})")
    } else {
        let files: std::collections::BTreeSet<&str> =
            report.findings.iter().map(|f| f.path.as_str()).collect();
        format!(
            "{} in {} ({scanned})",
            plural(n, "finding", "findings"),
            plural(files.len(), "file", "files")
        )
    }
}

/// How to fix, once per rule (`help[rule-id]: ...`), wrapped at [`HELP_WIDTH`] columns with the
/// continuation lines indented, so that no line is long however long the advice.
pub fn help(
    findings: &[Finding],
    rules: &RuleSet,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for f in findings {
        if !seen.insert(f.rule_id.as_str()) {
            continue;
        }
        let Some(rem) = remediation(rules, &f.rule_id) else {
            continue;
        };
        let head = format!("help[{}]:", f.rule_id);
        let mut lines = wrap(&format!("{head} {rem}"), HELP_WIDTH).into_iter();
        if let Some(first) = lines.next() {
            let rest = &first[head.len()..];
            if style.color {
                writeln!(out, "{}{rest}", head.green())?;
            } else {
                writeln!(out, "{first}")?;
            }
        }
        for line in lines {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

/// The width help text is wrapped at.
pub const HELP_WIDTH: usize = 100;

/// `text` in lines of at most `width` characters (continuation lines 2 narrower, for their
/// indent), broken at spaces; a word longer than that stays whole.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let limit = if lines.is_empty() { width } else { width - 2 };
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > limit {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The text printer: the command's head, the findings, its advice, its summary line.
pub(super) fn text(
    printed: &dyn Header,
    rules: &RuleSet,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    if let Some(line) = printed.nothing_to_say() {
        return writeln!(out, "{line}");
    }
    printed.head(style, out)?;
    let indent = printed.indent();
    for f in &printed.report().findings {
        writeln!(out, "{indent}{}", text_line(f, style.color))?;
    }
    printed.advice(rules, style, out)?;
    let line = printed.summary();
    let line = match (style.color, printed.passed()) {
        (true, true) => line.green().to_string(),
        (true, false) => line.red().bold().to_string(),
        _ => line,
    };
    writeln!(out, "{line}")
}
