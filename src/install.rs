//! `leakgate install` / `uninstall`: the git hooks that run `leakgate pre-commit`.
//!
//! The hooks directory is found with gix (`core.hooksPath`, relative or absolute; linked
//! worktrees share the common directory's hooks). A hook that is already there and is not
//! ours is kept: it is renamed to `<hook>.pre-leakgate` and our hook runs it first.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The hook script, from this repository's `hooks/` folder.
pub const HOOK_SCRIPT: &str = include_str!("../hooks/pre-commit");
/// The line that marks a hook as ours.
pub const MARKER: &str = "# leakgate-hook v";
/// The hooks leakgate installs: a clean merge runs `pre-merge-commit`, not `pre-commit`.
pub const HOOKS: &[&str] = &["pre-commit", "pre-merge-commit"];
/// The `pre-push` hook script (`install --pre-push`): scans the commits a push sends.
pub const PRE_PUSH_SCRIPT: &str = include_str!("../hooks/pre-push");
pub const PRE_PUSH: &str = "pre-push";

/// The script of the hook `name`, naming the binary that installs it (`installed_by=`) as
/// the one to run when `leakgate` is not on the hook's PATH.
fn script(name: &str) -> String {
    let template = if name == PRE_PUSH {
        PRE_PUSH_SCRIPT
    } else {
        HOOK_SCRIPT
    };
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(crate::report::shell_quote));
    match exe {
        Some(exe) => template.replacen("\ninstalled_by=\n", &format!("\ninstalled_by={exe}\n"), 1),
        None => template.to_string(),
    }
}
const CHAINED_SUFFIX: &str = ".pre-leakgate";

/// The directory git runs hooks from.
pub fn hooks_dir(repo: &gix::Repository) -> Result<PathBuf> {
    let config = repo.config_snapshot();
    if let Some(p) = config.string("core.hooksPath") {
        let p = gix::path::from_bstring(p).context("core.hooksPath is not a valid path")?;
        let p = expand_home(&p);
        if p.is_absolute() {
            return Ok(p);
        }
        // Relative to where hooks run: the work tree's root (the git dir in a bare repo).
        let base = repo.workdir().unwrap_or_else(|| repo.git_dir());
        return Ok(base.join(p));
    }
    Ok(repo.common_dir().join("hooks"))
}

fn expand_home(p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    p.to_path_buf()
}

fn is_ours(content: &str) -> bool {
    content.lines().take(3).any(|l| l.starts_with(MARKER))
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut perms = std::fs::metadata(path)?.permissions();
    perms.set_mode(0o755);
    std::fs::set_permissions(path, perms)?;
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}

/// Install the hooks (with `pre_push`, the `pre-push` hook too); one line per hook for the user.
pub fn install(repo: &gix::Repository, force: bool, pre_push: bool) -> Result<Vec<String>> {
    let dir = hooks_dir(repo)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let mut done = Vec::new();
    for name in HOOKS.iter().copied().chain(pre_push.then_some(PRE_PUSH)) {
        let hook_script = script(name);
        let hook_script = hook_script.as_str();
        let path = dir.join(name);
        let chained = dir.join(format!("{name}{CHAINED_SUFFIX}"));
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                if text == hook_script {
                    done.push(format!("{}: already installed", path.display()));
                    continue;
                }
                if is_ours(&text) {
                    crate::gitignore::write_atomic(&path, hook_script.as_bytes())?;
                    make_executable(&path)?;
                    done.push(format!("{}: updated", path.display()));
                    continue;
                }
                if force {
                    crate::gitignore::write_atomic(&path, hook_script.as_bytes())?;
                    make_executable(&path)?;
                    done.push(format!("{}: replaced (--force)", path.display()));
                    continue;
                }
                if chained.exists() {
                    bail!(
                        "{}: a hook is there and {} exists too; not touching either \
                         (move one away, or use --force to replace the hook)",
                        path.display(),
                        chained.display()
                    );
                }
                std::fs::rename(&path, &chained).with_context(|| {
                    format!("{}: cannot move to {}", path.display(), chained.display())
                })?;
                crate::gitignore::write_atomic(&path, hook_script.as_bytes())?;
                make_executable(&path)?;
                done.push(format!(
                    "{}: installed; the existing hook was kept as {} and still runs first",
                    path.display(),
                    chained.display()
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                crate::gitignore::write_atomic(&path, hook_script.as_bytes())
                    .with_context(|| format!("{}: cannot write", path.display()))?;
                make_executable(&path)?;
                done.push(format!("{}: installed", path.display()));
            }
            Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
        }
    }
    Ok(done)
}

/// Remove our hooks and put back any hook they had chained.
pub fn uninstall(repo: &gix::Repository) -> Result<Vec<String>> {
    let dir = hooks_dir(repo)?;
    let mut done = Vec::new();
    for name in HOOKS.iter().copied().chain([PRE_PUSH]) {
        let path = dir.join(name);
        let chained = dir.join(format!("{name}{CHAINED_SUFFIX}"));
        let ours = std::fs::read(&path)
            .map(|b| is_ours(&String::from_utf8_lossy(&b)))
            .unwrap_or(false);
        if !ours {
            if name == PRE_PUSH && !path.exists() {
                continue; // optional (`install --pre-push`): not worth a line
            }
            if path.exists() {
                done.push(format!(
                    "{}: not a leakgate hook, left alone",
                    path.display()
                ));
            } else {
                done.push(format!("{}: not installed", path.display()));
            }
            continue;
        }
        std::fs::remove_file(&path)
            .with_context(|| format!("{}: cannot remove", path.display()))?;
        if chained.exists() {
            std::fs::rename(&chained, &path).with_context(|| {
                format!(
                    "{}: cannot move back to {}",
                    chained.display(),
                    path.display()
                )
            })?;
            done.push(format!(
                "{}: removed; the previous hook is back",
                path.display()
            ));
        } else {
            done.push(format!("{}: removed", path.display()));
        }
    }
    Ok(done)
}
