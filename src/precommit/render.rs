//! What the hook prints: text and JSON.

use std::io::{self, Write};

use owo_colors::OwoColorize;

use super::*;
use crate::report::Style;

/// The one line that always says what was scanned.
pub fn scanned_line(o: &Outcome) -> String {
    let s = &o.report.stats;
    let files = if o.whole_files {
        plural(o.files, "file in the index", "files in the index")
    } else {
        plural(o.files, "staged file", "staged files")
    };
    let mut line = format!(
        "scanned {files}, +{}",
        plural(s.lines_added.unwrap_or(0) as usize, "line", "lines")
    );
    let mut skipped = s.skipped_parts();
    if o.not_in_index > 0 {
        skipped.push(format!("{} not in the index", o.not_in_index));
    }
    if o.skipped_links > 0 {
        skipped.push(plural(o.skipped_links, "submodule", "submodules"));
    }
    if !skipped.is_empty() {
        line.push_str(&format!(" (skipped {})", skipped.join(", ")));
    }
    for part in s.held_back_parts() {
        line.push_str(&format!(" ({part})"));
    }
    if s.baselined > 0 {
        line.push_str(&format!(" ({} baselined)", s.baselined));
    }
    line
}

/// The `.gitignore` note (or block), at most two lines; `None` when there is nothing to say.
pub fn gitignore_note(g: &GitignoreCheck) -> Option<[String; 2]> {
    if !g.shown {
        return None;
    }
    let head = if g.blocks { "commit blocked:" } else { "note:" };
    let first = if g.unignored.is_empty() {
        format!(
            "{head} .gitignore does not ignore {}",
            crate::report::first_few(&g.missing, 5)
        )
    } else {
        let (verb, them) = if g.unignored.len() == 1 {
            ("is", "it")
        } else {
            ("are", "them")
        };
        format!(
            "{head} {} {verb} not ignored: one `git add .` would commit {them}",
            crate::report::first_few(&g.unignored, 5)
        )
    };
    let others = g
        .missing
        .iter()
        .filter(|m| !g.unignored.iter().any(|u| u == *m))
        .count();
    let it = if g.unignored.len() == 1 { "it" } else { "them" };
    let fix = match (g.unignored.is_empty(), others) {
        (true, _) => "`leakgate lint --fix` adds them".to_string(),
        (false, 0) => format!("`leakgate lint --fix` ignores {it}"),
        (false, n) => format!(
            "`leakgate lint --fix` ignores {it} and {}",
            plural(n, "other must-not-track name", "other must-not-track names")
        ),
    };
    Some([
        first,
        format!("  {fix} (`leakgate lint --diff` shows the patch)"),
    ])
}

/// What the hook prints: one line when all is well; when blocked, the findings, then what to
/// do about each, in a few lines; in JSON, the `.gitignore` check that took part in the exit
/// code, the patch that would cover what is missing, and the verdict.
impl crate::report::Header for Outcome {
    fn report(&self) -> &Report {
        &self.report
    }

    fn nothing_to_say(&self) -> Option<String> {
        if self.files != 0 || !self.report.findings.is_empty() || self.gitignore.blocks {
            return None;
        }
        Some(if self.whole_files {
            format!(
                "leakgate: nothing to scan ({} not in the index, {}): ok",
                self.not_in_index,
                plural(self.skipped_links, "submodule", "submodules")
            )
        } else {
            format!(
                "leakgate: nothing staged to scan ({} deleted, {} changed): ok",
                self.deleted,
                plural(self.skipped_links, "submodule", "submodules")
            )
        })
    }

    fn head(&self, style: &Style, out: &mut dyn Write) -> io::Result<()> {
        let n = self.report.findings.len();
        if n == 0 {
            return Ok(());
        }
        let place = if self.whole_files {
            "in the files"
        } else {
            "in the staged changes"
        };
        writeln!(
            out,
            "{} {} {place}",
            paint(style, "leakgate: commit blocked:", red),
            plural(n, "problem", "problems")
        )?;
        writeln!(out)
    }

    fn indent(&self) -> &'static str {
        "  "
    }

    fn advice(&self, _rules: &RuleSet, style: &Style, out: &mut dyn Write) -> io::Result<()> {
        let findings = &self.report.findings;
        if !findings.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", paint(style, "How to fix:", bold))?;
            let secrets: Vec<&Finding> = findings.iter().filter(|f| f.line.is_some()).collect();
            let mut files: Vec<&str> = secrets.iter().map(|f| f.path.as_str()).collect();
            files.dedup();
            if !files.is_empty() {
                let files: Vec<String> = files.iter().map(|f| f.to_string()).collect();
                let mut ids: Vec<&str> = secrets.iter().map(|f| f.rule_id.as_str()).collect();
                ids.sort();
                ids.dedup();
                for line in
                    crate::report::staged_secret_advice(&crate::report::first_few(&files, 3), &ids)
                {
                    writeln!(out, "  - {line}")?;
                }
                writeln!(
                    out,
                    "  - Not a secret? Put `leakgate:allow` in a comment on its line."
                )?;
            }
            // What takes each blocked file out of the commit: the report's fixes.
            for fix in &self.report.fixes {
                if let crate::fix::FixKind::Untrack { command, .. } = &fix.kind {
                    writeln!(out, "  - {}: {command}", fix.description)?;
                }
            }
            if !self.blocked_unignored.is_empty() {
                writeln!(
                    out,
                    "  - Then keep {} out of git: `leakgate lint --fix` adds it to .gitignore",
                    crate::report::first_few(&self.blocked_unignored, 3)
                )?;
            }
            writeln!(
                out,
                "  To commit anyway (not recommended): git commit --no-verify"
            )?;
        }
        if let Some([first, second]) = gitignore_note(&self.gitignore) {
            let label = if self.gitignore.blocks {
                paint(style, "leakgate:", red)
            } else {
                paint(style, "leakgate:", yellow)
            };
            writeln!(out, "{label} {first}")?;
            writeln!(out, "{second}")?;
        }
        Ok(())
    }

    fn summary(&self) -> String {
        let summary = format!("leakgate: {}", scanned_line(self));
        match self.report.findings.len() {
            0 => format!("{summary}: no secrets found"),
            n => format!("{summary}: {}", plural(n, "finding", "findings")),
        }
    }

    fn json_fields(&self) -> serde_json::Value {
        serde_json::json!({
            "gitignore": self.gitignore,
            "gitignore_patch": self.gitignore_patch,
            "blocked": !self.report.findings.is_empty() || self.gitignore.blocks,
        })
    }
}

/// `s`, painted with `f` when the output is in color.
fn paint(style: &Style, s: &str, f: fn(&str) -> String) -> String {
    if style.color { f(s) } else { s.to_string() }
}

fn red(s: &str) -> String {
    s.red().bold().to_string()
}

fn yellow(s: &str) -> String {
    s.yellow().bold().to_string()
}

fn bold(s: &str) -> String {
    s.bold().to_string()
}
