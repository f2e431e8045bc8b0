//! What lint adds to its report when it is printed: its fixes and its summary.

use super::*;

/// `3 problems, 2 fixable with --fix`.
pub fn summary(l: &Lint) -> String {
    let n = l.report.problems();
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
    if let Some(h) = &l.report.history {
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
        let more = match l.report.unsafe_fixable() {
            0 => String::new(),
            m => format!(" ({m} more with --unsafe-fixes)"),
        };
        format!(
            "{n} {}, {} fixable with --fix{more}{notes} ({scanned})",
            if n == 1 { "problem" } else { "problems" },
            l.report.fixable()
        )
    }
}

pub(super) fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

/// What lint prints: the findings, each rule's remediation, the fixes, and a summary that
/// counts what `--fix` would fix (JSON: that count as `summary`).
impl crate::report::Header for Lint {
    fn report(&self) -> &Report {
        &self.report
    }

    fn advice(
        &self,
        rules: &RuleSet,
        style: &crate::report::Style,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        use owo_colors::OwoColorize;
        crate::report::help(&self.report.findings, rules, style, out)?;
        if !self.report.fixes.is_empty() {
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
            for fix in &self.report.fixes {
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
        if self.report.findings.iter().any(|f| f.commit.is_some()) {
            writeln!(
                out,
                "Secrets found in history must be rotated: deleting them in a later commit does not remove them from history."
            )?;
        }
        Ok(())
    }

    fn summary(&self) -> String {
        summary(self)
    }

    fn passed(&self) -> bool {
        self.report.problems() == 0
    }

    fn json_fields(&self) -> serde_json::Value {
        let r = &self.report;
        serde_json::json!({"summary": {
            "problems": r.problems(),
            "fixable": r.fixable(),
            "unsafe_fixable": r.unsafe_fixable(),
        }})
    }
}
