//! `leakgate baseline`: accept the current findings.

use std::io::Write;

use anyhow::Result;

use super::{Outcome, lint_dir, lint_repo, load_setup, stdout};
use crate::cli;

/// `leakgate baseline`: accept the current findings.
pub fn run(args: cli::BaselineCmdArgs) -> Result<Outcome> {
    use leakgate::baseline::{self, Baseline};
    use leakgate::lint;
    let dir = lint_dir(args.path.as_deref())?;
    let opts = lint::Options {
        max_size: args.max_filesize,
        history: args.history.clone(),
        history_only: false,
        progress: super::progress_line(),
        all_refs: false,
    };
    let (repo, root) = lint_repo(&dir, false)?;
    let (rules, config) = load_setup(&args.rule_args, &args.config, &root)?;
    let mut result = lint::run(&repo, &rules, &opts)?;
    super::warn_missing(&result.report);
    leakgate::policy::Policy::without_baseline(&rules, &config).filter(&mut result.report);
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| root.join(baseline::FILE_NAME));
    let previous = Baseline::load(&path, false).ok();
    let selection = baseline::select(&result.report.findings, &repo)?;
    let new = Baseline::from_entries(selection.entries);
    new.write(&path)?;
    let mut out = stdout();
    let shown = path
        .strip_prefix(&root)
        .unwrap_or(&path)
        .display()
        .to_string();
    let is_coverage = |e: &&baseline::Entry| {
        e.rule_id == leakgate::rules::RULE_GITIGNORE_MISSING
            || e.rule_id == leakgate::rules::RULE_GITIGNORE_NOT_SHARED
    };
    let coverage = new.entries().filter(is_coverage).count();
    let secrets = new
        .entries()
        .filter(|e| e.fingerprint.is_some() && !is_coverage(e))
        .count();
    let files = new.len() - secrets - coverage;
    let count = leakgate::report::plural;
    writeln!(
        out,
        "leakgate: wrote {shown}: {} ({}, {}, {}{})",
        count(new.len(), "entry", "entries"),
        count(secrets, "secret", "secrets"),
        count(files, "must-not-track file", "must-not-track files"),
        count(coverage, ".gitignore gap", ".gitignore gaps"),
        match &result.report.history {
            Some(h) => format!("; history {}", h.range),
            None => String::new(),
        }
    )?;
    if let Some(prev) = previous.filter(|p| p.source.is_some()) {
        let gone = prev.entries().filter(|e| !new.has_entry_for(e)).count();
        if gone > 0 {
            writeln!(
                out,
                "leakgate: {gone} earlier {} no longer found and dropped{}",
                if gone == 1 {
                    "entry was"
                } else {
                    "entries were"
                },
                if args.history.is_none() {
                    " (history findings are kept only with --history)"
                } else {
                    ""
                }
            )?;
        }
    }
    if !selection.left.is_empty() {
        writeln!(
            out,
            "leakgate: not baselined (fix them: `leakgate lint --fix`):"
        )?;
        for f in &selection.left {
            writeln!(out, "  {}", leakgate::report::text_line(f, false))?;
        }
    }
    writeln!(
        out,
        "leakgate: `lint` and `pre-commit` now skip these findings; commit {shown}. \
         A secret that was committed must still be rotated."
    )?;
    out.flush()?;
    Ok(Outcome::Clean)
}
