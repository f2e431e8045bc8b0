//! What the hook prints: text and JSON.

use super::*;

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
        plural(o.added_lines as usize, "line", "lines")
    );
    let mut skipped = s.skipped_parts();
    if o.not_in_index > 0 {
        skipped.push(format!("{} not in the index", o.not_in_index));
    }
    if o.skipped_links > 0 {
        skipped.push(format!("{} submodule/symlink", o.skipped_links));
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

/// Human output of a pre-commit run: one line when all is well; when blocked, the findings,
/// then what to do about each, in a few lines.
pub fn render_text(
    o: &Outcome,
    style: &crate::report::Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use owo_colors::OwoColorize;
    let paint = |s: &str, f: fn(&str) -> String| if style.color { f(s) } else { s.to_string() };
    let red = |s: &str| s.red().bold().to_string();
    let yellow = |s: &str| s.yellow().bold().to_string();
    let green = |s: &str| s.green().to_string();
    let bold = |s: &str| s.bold().to_string();

    if o.files == 0 && o.report.findings.is_empty() && !o.gitignore.blocks {
        if o.whole_files {
            writeln!(
                out,
                "leakgate: nothing to scan ({} not in the index, {} submodule/symlink): ok",
                o.not_in_index, o.skipped_links
            )?;
        } else {
            writeln!(
                out,
                "leakgate: nothing staged to scan ({} deleted, {} submodule/symlink changes): ok",
                o.deleted, o.skipped_links
            )?;
        }
        return Ok(());
    }
    let findings = &o.report.findings;
    if !findings.is_empty() {
        let n = findings.len();
        let place = if o.whole_files {
            "in the files"
        } else {
            "in the staged changes"
        };
        writeln!(
            out,
            "{} {} {place}",
            paint("leakgate: commit blocked:", red),
            plural(n, "problem", "problems")
        )?;
        writeln!(out)?;
        for f in findings {
            writeln!(out, "  {}", crate::report::text_line(f, style.color))?;
        }
        writeln!(out)?;
        writeln!(out, "{}", paint("How to fix:", bold))?;
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
        for u in &o.unstage {
            writeln!(
                out,
                "  - {} {} (the file stays on disk): {}",
                u.path,
                u.advice(),
                u.command()
            )?;
        }
        if !o.blocked_unignored.is_empty() {
            writeln!(
                out,
                "  - Then keep {} out of git: `leakgate lint --fix` adds it to .gitignore",
                crate::report::first_few(&o.blocked_unignored, 3)
            )?;
        }
        writeln!(
            out,
            "  To commit anyway (not recommended): git commit --no-verify"
        )?;
    }
    if let Some([first, second]) = gitignore_note(&o.gitignore) {
        let label = if o.gitignore.blocks {
            paint("leakgate:", red)
        } else {
            paint("leakgate:", yellow)
        };
        writeln!(out, "{label} {first}")?;
        writeln!(out, "{second}")?;
    }
    let summary = format!("leakgate: {}", scanned_line(o));
    if findings.is_empty() {
        writeln!(
            out,
            "{}",
            paint(&format!("{summary}: no secrets found"), green)
        )
    } else {
        writeln!(
            out,
            "{}",
            paint(
                &format!(
                    "{summary}: {}",
                    plural(findings.len(), "finding", "findings")
                ),
                red
            )
        )
    }
}

/// `--format json`: the report (with the fixes of the blocked files), the `.gitignore` check
/// that took part in the exit code, the patch that would cover what is missing, the verdict.
pub fn render_json(o: &Outcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let header = serde_json::json!({
        "gitignore": o.gitignore,
        "gitignore_patch": o.gitignore_patch,
        "blocked": !o.report.findings.is_empty() || o.gitignore.blocks,
    });
    crate::report::json(&o.report, header, out)
}
