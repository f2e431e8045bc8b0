//! `leakgate lint`: the repository as it is (and its history), and `--fix`.

use std::io::Write;

use anyhow::Result;

use super::{Outcome, lint_dir, lint_repo, load_setup, stderr, stdout};
use crate::cli;
use leakgate::policy::Policy;
use leakgate::report::{Format, Style};

pub fn run(args: cli::LintArgs, style: &Style) -> Result<Outcome> {
    use leakgate::lint;
    let dir = lint_dir(args.path.as_deref())?;
    let (repo, root) = lint_repo(&dir, args.history_only)?;
    let (rules, config) = load_setup(&args.rule_args, &args.config, &root)?;
    let opts = lint::Options {
        max_size: args.max_filesize,
        history: match (&args.history, args.history_only, args.all) {
            (Some(h), _, true) if h != "HEAD" => {
                anyhow::bail!("--all scans every reference's history: it takes no range (`{h}`)")
            }
            (_, _, true) => Some("--all".to_string()),
            (None, true, _) => Some("HEAD".to_string()),
            (h, _, _) => h.clone(),
        },
        history_only: args.history_only,
        progress: super::progress_line(),
        all_refs: args.all,
    };
    let mut result = lint::run(&repo, &rules, &opts)?;
    super::warn_missing(&result.report);
    let policy = Policy::new(&rules, &config, &args.baseline.choice(), &root)?;
    policy.filter(&mut result.report);
    if args.diff {
        let mut out = stdout();
        out.write_all(&result.report.patch())?;
        out.flush()?;
        let untrack = |a: lint::Applicability| -> Vec<&str> {
            result
                .report
                .fixes
                .iter()
                .filter(|f| f.applicability == a)
                .filter_map(lint::Fix::command)
                .collect()
        };
        let (unsafe_ones, shown) = (
            untrack(lint::Applicability::Unsafe),
            untrack(lint::Applicability::DisplayOnly),
        );
        let mut err = stderr();
        if !unsafe_ones.is_empty() {
            if args.unsafe_fixes {
                writeln!(
                    err,
                    "leakgate: the patch covers .gitignore only; `leakgate lint --fix \
                     --unsafe-fixes` also untracks (an index change): {}",
                    unsafe_ones.join("; ")
                )?;
            } else {
                writeln!(
                    err,
                    "leakgate: {} more with --unsafe-fixes (untracking, an index change): {}",
                    unsafe_ones.len(),
                    unsafe_ones.join("; ")
                )?;
            }
        }
        if !shown.is_empty() {
            writeln!(
                err,
                "leakgate: not applied (test fixtures or vendored files; allowlist them if \
                 deliberate): {}",
                shown.join("; ")
            )?;
        }
        return Ok(Outcome::found(result.report.problems() != 0));
    }
    if args.fix {
        let done = lint::apply(&repo, &result, args.unsafe_fixes)?;
        let text = args.output.format == Format::Text;
        let mut msg: Box<dyn Write> = if text {
            Box::new(stdout())
        } else {
            Box::new(stderr())
        };
        if done.is_empty() {
            writeln!(msg, "leakgate: nothing to fix")?;
        } else {
            for line in &done {
                writeln!(msg, "leakgate: fixed: {line}")?;
            }
            writeln!(
                msg,
                "leakgate: a secret that was ever committed must be rotated: untracking or \
                 ignoring a file does not remove it from history (see `leakgate lint --history`)."
            )?;
            writeln!(msg)?;
        }
        msg.flush()?;
        drop(msg);
        if !done.is_empty() {
            // Report what is left (history did not change: keep its findings).
            let again = lint::Options {
                history: None,
                ..opts.clone()
            };
            result = lint::run(&repo, &rules, &again)?.with_history_of(result);
            policy.filter(&mut result.report);
        }
    }
    let mut out = stdout();
    leakgate::report::render(args.output.format, &result, &rules, style, &mut out)?;
    out.flush()?;
    Ok(Outcome::found(result.report.problems() != 0))
}
