//! `leakgate pre-push`: what a push sends.

use std::io::{self, Write};

use anyhow::{Context, Result};

use super::{Outcome, load_setup, stdout};
use crate::cli;
use leakgate::report::Style;

/// `leakgate pre-push`: scan what a push sends (the refs on standard input).
pub fn run(args: cli::PrePushArgs, style: &Style) -> Result<Outcome> {
    use std::io::Read;
    let cwd = std::env::current_dir().context("reading the current directory")?;
    // The repository, opened once for the command.
    let repo = leakgate::git::open_repo(&cwd)?;
    let mut input = String::new();
    let mut remote = args.remote.clone();
    // The pre-commit framework passes the range in the environment, and nothing on stdin.
    if let Some(env) = leakgate::framework::PushEnv::from_env() {
        input = env.input(&repo)?;
        remote = env.remote_name.unwrap_or(remote);
    } else {
        io::stdin()
            .read_to_string(&mut input)
            .context("reading the refs to push from standard input")?;
    }
    let root = repo.workdir().expect("checked in open_repo").to_path_buf();
    let (rules, config) = load_setup(&args.rule_args, &args.config, &root)?;
    let opts = leakgate::prepush::Options {
        max_size: args.max_filesize,
        progress: super::progress_line(),
    };
    let policy = leakgate::policy::Policy::new(&rules, &config, &args.baseline.choice(), &root)?;
    let outcome = leakgate::prepush::run(repo, &policy, &remote, &input, &opts)?;
    super::warn_missing(&outcome.report);
    let blocked = !outcome.report.findings.is_empty();
    let mut out = stdout();
    leakgate::report::render(args.output.format, &outcome, &rules, style, &mut out)?;
    out.flush()?;
    Ok(Outcome::found(blocked))
}
