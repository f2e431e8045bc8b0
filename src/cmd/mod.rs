//! The subcommands: one file each, wiring only. Each parses nothing (`cli` did), calls the
//! library, prints, and returns what it concluded; `main` turns that into the exit code.

mod baseline;
mod lint;
mod pre_commit;
mod pre_push;
mod rules;
mod scan;
mod setup;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::{self, Command, RuleArgs};
use leakgate::config::Config;
use leakgate::report::Style;
use leakgate::rules::RuleSet;

/// What a command concluded.
pub enum Outcome {
    Clean,
    Findings,
}

impl Outcome {
    /// `Findings` when something blocks (or was found), else `Clean`.
    fn found(found: bool) -> Outcome {
        if found {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }
}

/// Runs the command; a hook's error says that the commit or push is blocked (fail closed).
pub fn run(cli: cli::Cli, style: &Style) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) => scan::run(args, style),
        Command::Rules(cmd) => rules::run(cmd),
        Command::PreCommit(args) => pre_commit::run(args, style).map_err(|e| {
            e.context(
                "leakgate could not check this commit, so it is blocked (fail closed). \
                 Fix the problem above, or commit without the check: git commit --no-verify",
            )
        }),
        Command::Lint(args) => lint::run(args, style),
        Command::Init(args) => setup::init(args.force),
        Command::Baseline(args) => baseline::run(args),
        Command::PrePush(args) => pre_push::run(args, style).map_err(|e| {
            e.context(
                "leakgate could not check this push, so it is blocked (fail closed). \
                 Fix the problem above, or push without the check: git push --no-verify",
            )
        }),
        Command::Completions { shell } => setup::completions(shell),
        Command::Install(args) => setup::install(args),
        Command::Uninstall => setup::uninstall(),
    }
}

/// Standard output or error, where a closed pipe is not an error: once the reader has gone
/// (`git commit 2>&1 | head`), what is written is dropped and the command goes on to its
/// verdict. The exit code is the verdict whether or not the output could be written, so
/// findings still block a commit or a push whose output nobody reads.
pub struct Pipe<W>(W);

impl<W: Write> Write for Pipe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(buf.len()),
            r => r,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            r => r,
        }
    }
}

/// Standard output, buffered: a report is written in one go at the end of a command (each
/// command flushes it, so a write error is seen), not a system call per line (a JSON report
/// of thousands of findings was 200,000 writes to a pipe).
pub fn stdout() -> Pipe<io::BufWriter<io::StdoutLock<'static>>> {
    Pipe(io::BufWriter::with_capacity(64 << 10, io::stdout().lock()))
}

pub fn stderr() -> Pipe<io::StderrLock<'static>> {
    Pipe(io::stderr().lock())
}

/// History's progress line, on standard error when it is a terminal (nothing otherwise):
/// counts and a rate, redrawn in place, cleared at the end.
/// One warning line on stderr per blob a history scan found missing from the object
/// database (the first [`MISSING_SHOWN`], then how many more: a partial clone may lack
/// thousands). The summary line counts them too.
fn warn_missing(report: &leakgate::report::Report) {
    let Some(history) = &report.history else {
        return;
    };
    let missing = &history.missing;
    let mut err = stderr();
    for m in missing.iter().take(MISSING_SHOWN) {
        let _ = writeln!(err, "leakgate: warning: history: {m}");
    }
    if missing.len() > MISSING_SHOWN {
        let _ = writeln!(
            err,
            "leakgate: warning: history: {} more blobs are missing from the object database \
             (not scanned)",
            missing.len() - MISSING_SHOWN
        );
    }
}

/// How many missing blobs are named one by one.
const MISSING_SHOWN: usize = 20;

fn progress_line() -> Option<leakgate::lint::ProgressSink> {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() {
        return None;
    }
    Some(leakgate::lint::ProgressSink::new(|p| {
        let mut err = io::stderr().lock();
        let _ = match p {
            Some(p) => write!(
                err,
                "\r\x1b[2Kleakgate: history: commit {}/{}, {} blobs scanned ({:.0} commits/s)",
                p.commit, p.total, p.blobs_scanned, p.rate
            ),
            None => write!(err, "\r\x1b[2K"),
        };
        let _ = err.flush();
    }))
}

fn load_rules(args: &RuleArgs) -> Result<RuleSet> {
    let mut rules = RuleSet::builtin()?;
    for path in &args.rules {
        rules.extend(leakgate::config::rules_in_file(path)?);
    }
    Ok(rules)
}

/// The rules and configuration in force for the repository (or directory) `root`: one code
/// path for `scan`, `pre-commit` and `lint`. What the configuration names and leakgate does
/// not use is said on stderr.
fn load_setup(
    rule_args: &RuleArgs,
    config: &cli::ConfigArgs,
    root: &Path,
) -> Result<(RuleSet, Config)> {
    let (rules, config) = leakgate::config::load(config.config.as_deref(), root, &rule_args.rules)?;
    let mut err = stderr();
    for w in &config.warnings {
        writeln!(err, "leakgate: warning: {w}")?;
    }
    Ok((rules, config))
}

/// The directory `lint` and `baseline` work in: the given one, a given file's, or the current.
fn lint_dir(path: Option<&Path>) -> Result<PathBuf> {
    Ok(match path {
        Some(p) if p.is_file() => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir().context("reading the current directory")?,
    })
}

/// The repository `lint` and `baseline` work on, opened once for the command (with git's
/// environment overrides), and where they find `.leakgate.toml` and the baseline: the work
/// tree's root; in a bare repository, with `--history-only`, the git directory.
fn lint_repo(dir: &Path, history_only: bool) -> Result<(gix::Repository, PathBuf)> {
    if !history_only {
        let repo = leakgate::git::open_repo(dir)?;
        let root = repo.workdir().expect("checked in open_repo").to_path_buf();
        return Ok((repo, root));
    }
    // History alone needs no work tree: a bare repository (a server) is linted too.
    let repo = leakgate::git::open_any(dir)?;
    let root = repo.workdir().unwrap_or(repo.git_dir()).to_path_buf();
    Ok((repo, root))
}
