//! `leakgate pre-commit`: the staged changes (the git hook, and the framework's hook).

use std::io::Write;

use anyhow::{Context, Result};

use super::{Outcome, load_setup, stderr, stdout};
use crate::cli;
use leakgate::config::Config;
use leakgate::policy::Policy;
use leakgate::report::{self, Format, Style};

pub fn run(args: cli::PreCommitArgs, style: &Style) -> Result<Outcome> {
    let t = std::time::Instant::now();
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let repo = leakgate::git::open_repo(&cwd)?;
    // The index is read on another core meanwhile (it is all the hook needs of the work tree).
    std::thread::scope(|s| {
        let index = leakgate::precommit::IndexRead::start(s, &repo);
        check(args, style, &cwd, repo, index, t)
    })
}

fn check(
    args: cli::PreCommitArgs,
    style: &Style,
    cwd: &std::path::Path,
    repo: gix::Repository,
    index: leakgate::precommit::IndexRead<'_>,
    t: std::time::Instant,
) -> Result<Outcome> {
    let root = repo.workdir().expect("checked in open_repo").to_path_buf();
    let (rules, config) = load_setup(&args.rule_args, &args.config, &root)?;
    if std::env::var_os("LEAKGATE_TIMINGS").is_some() {
        let _ = writeln!(
            stderr(),
            "leakgate: timing: load rules: {:.2} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let gitignore = gitignore_mode(&args, &repo, &config)?;
    let allow_unscannable = repo
        .config_snapshot()
        .boolean("leakgate.allowUnscannable")
        .unwrap_or(false);
    let opts = leakgate::precommit::Options {
        max_size: args.max_filesize,
        allow_unscannable,
        gitignore,
        files: args.files.clone(),
        full_gitignore: args.output.format == Format::Json,
        gitignore_patch: args.output.format == Format::Json,
    };
    let policy = Policy::new(&rules, &config, &args.baseline.choice(), &root)?;
    let outcome = leakgate::precommit::run(cwd, repo, index, &rules, &policy, &opts)?;
    let mut err = stderr();
    for t in &outcome.timings {
        let _ = writeln!(err, "leakgate: {t}");
    }
    drop(err);
    let mut out = stdout();
    report::render(args.output.format, &outcome, &rules, style, &mut out)?;
    out.flush()?;
    let blocked = !outcome.report.findings.is_empty() || outcome.gitignore.blocks;
    // The process ends next: freeing hundreds of compiled automata would only delay the commit.
    std::mem::forget((policy, outcome));
    std::mem::forget((rules, config));
    Ok(Outcome::found(blocked))
}

/// What the hook does about `.gitignore` coverage: the command line, then
/// `git config leakgate.gitignore` (or the older `leakgate.requireGitignore`), then
/// `[hook] gitignore` in the configuration, then `note`.
fn gitignore_mode(
    args: &cli::PreCommitArgs,
    repo: &gix::Repository,
    config: &Config,
) -> Result<leakgate::config::GitignoreMode> {
    use gix::bstr::ByteSlice;
    use leakgate::config::GitignoreMode;
    if let Some(m) = args.gitignore.as_deref().and_then(GitignoreMode::parse) {
        return Ok(m);
    }
    if args.require_gitignore {
        return Ok(GitignoreMode::Block);
    }
    if args.no_gitignore_check {
        return Ok(GitignoreMode::Off);
    }
    let git = repo.config_snapshot();
    if let Some(v) = git.string("leakgate.gitignore") {
        let v = v.to_str_lossy();
        return GitignoreMode::parse(&v).with_context(|| {
            format!("git config leakgate.gitignore: `{v}` is not one of off, note, block")
        });
    }
    if git.boolean("leakgate.requireGitignore").unwrap_or(false) {
        return Ok(GitignoreMode::Block);
    }
    Ok(config.hook_gitignore.unwrap_or_default())
}
