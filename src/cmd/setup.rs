//! Setting leakgate up: `init`, `install`, `uninstall`, `completions`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::{Outcome, stdout};
use crate::cli::{Cli, InstallArgs};

/// `leakgate init`: the starter configuration at the repository root (or here).
pub fn init(force: bool) -> Result<Outcome> {
    let root = leakgate::context::current_root();
    let path = root.join(leakgate::config::FILE_NAME);
    // (symlink_metadata: a link, even a dangling one, is there)
    if std::fs::symlink_metadata(&path).is_ok() && !force {
        anyhow::bail!(
            "{}: already exists; not overwritten (--force replaces it)",
            path.display()
        );
    }
    leakgate::gitignore::write_atomic_within(&root, &path, leakgate::config::STARTER.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    let mut out = stdout();
    writeln!(
        out,
        "leakgate: wrote {} (every option commented out)",
        path.display()
    )?;
    out.flush()?;
    Ok(Outcome::Clean)
}

/// `leakgate completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    use clap::CommandFactory;
    // (generate panics on a write error: render to memory, then write)
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "leakgate", &mut script);
    let mut out = stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Outcome::Clean)
}

/// `leakgate install`: the git hooks.
pub fn install(args: InstallArgs) -> Result<Outcome> {
    let repo = leakgate::git::open_repo(Path::new("."))?;
    let mut out = stdout();
    for line in leakgate::install::install(&repo, args.force, args.pre_push)? {
        writeln!(out, "leakgate: {line}")?;
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

/// `leakgate uninstall`: the hooks leakgate installed.
pub fn uninstall() -> Result<Outcome> {
    let repo = leakgate::git::open_repo(Path::new("."))?;
    let mut out = stdout();
    for line in leakgate::install::uninstall(&repo)? {
        writeln!(out, "leakgate: {line}")?;
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
