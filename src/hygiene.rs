//! `.gitignore` coverage of the files that must never be tracked, checked the way git decides
//! it (gix's exclude stack: nested `.gitignore`, negations, `info/exclude`, `core.excludesFile`).

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::gitignore;
use crate::rules::RuleSet;

/// A must-not-track pattern that the repository's ignore rules do not cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    pub rule_id: String,
    /// The pattern that would cover it (e.g. `.env`).
    pub pattern: String,
    /// Directories (repo-relative, `""` for the root) where such a file would not be ignored.
    pub dirs: Vec<String>,
    /// Covered only by a personal or repo-local exclude file, not by a shared `.gitignore`.
    pub not_shared: Option<String>,
}

#[derive(Debug, Default)]
pub struct Coverage {
    pub uncovered: Vec<Uncovered>,
    /// The patch to the root `.gitignore` that covers everything above and `blocked`.
    pub patch: Option<String>,
    /// The root `.gitignore`'s new content (what `--fix` writes).
    pub new_content: Option<String>,
    pub gitignore_path: PathBuf,
}

/// A file name that the gitignore `pattern` matches, to probe the exclude stack with.
/// `None` for patterns that cannot be probed with one name (directories, classes, negations).
pub fn probe_name(pattern: &str) -> Option<String> {
    let p = pattern.trim();
    if p.is_empty() || p.starts_with('!') || p.starts_with('#') || p.ends_with('/') {
        return None;
    }
    if p.contains('[') || p.contains('\\') {
        return None;
    }
    let p = p.strip_prefix("**/").unwrap_or(p);
    let p = p.strip_prefix('/').unwrap_or(p);
    Some(p.replace("**", "x").replace(['*', '?'], "x"))
}

/// The header put above the patterns leakgate adds to a `.gitignore`.
pub const HEADER: &str = "# Secrets and credentials: never commit these (added by leakgate)";

/// Check which hygiene file rules' patterns the repo's ignore rules miss, in each of `dirs`,
/// and build the root `.gitignore` patch that covers them and the `blocked` paths.
pub fn coverage(
    repo: &gix::Repository,
    index: &gix::index::State,
    rules: &RuleSet,
    dirs: &[String],
    blocked: &[&str],
) -> Result<Coverage> {
    let workdir = repo.workdir().context("no work tree")?.to_path_buf();
    let mut stack = repo
        .excludes(
            index,
            None,
            gix::worktree::stack::state::ignore::Source::WorktreeThenIdMappingIfNotSkipped,
        )
        .context("reading the repository's ignore rules")?;
    let mut is_ignored = |path: &str| -> Result<(bool, Option<String>)> {
        let platform = stack
            .at_path(path, Some(gix::index::entry::Mode::FILE))
            .with_context(|| format!("checking whether {path} is ignored"))?;
        let m = platform.matching_exclude_pattern();
        let excluded = platform.is_excluded();
        let source = m.and_then(|m| m.source.map(|s| s.to_path_buf()));
        let personal = match &source {
            Some(src) if excluded && !src.starts_with(&workdir) => Some(src.display().to_string()),
            Some(src) if excluded && src.starts_with(workdir.join(".git")) => {
                Some(src.display().to_string())
            }
            _ => None,
        };
        Ok((excluded, personal))
    };

    let mut cov = Coverage {
        gitignore_path: workdir.join(".gitignore"),
        ..Coverage::default()
    };
    let mut to_add: Vec<String> = Vec::new();
    for rule in rules.files.iter().filter(|r| r.spec.hygiene) {
        let patterns = if rule.spec.gitignore.is_empty() {
            &rule.spec.paths
        } else {
            &rule.spec.gitignore
        };
        let mut rule_missing = false;
        for pattern in patterns {
            let Some(name) = probe_name(pattern) else {
                continue;
            };
            let anywhere = !pattern.trim_start_matches("**/").contains('/');
            let mut missing_dirs = Vec::new();
            let mut not_shared = None;
            for dir in dirs {
                if !anywhere && !dir.is_empty() {
                    continue;
                }
                let probe = if dir.is_empty() {
                    name.clone()
                } else {
                    format!("{dir}/{name}")
                };
                // The probe must really be what the rule is about (e.g. not `x.pem` for a
                // rule that only blocks private keys by content — that is still covered).
                let (excluded, personal) = is_ignored(&probe)?;
                if !excluded {
                    missing_dirs.push(dir.clone());
                } else if personal.is_some() && not_shared.is_none() {
                    not_shared = personal;
                }
            }
            if !missing_dirs.is_empty() || not_shared.is_some() {
                rule_missing = true;
                cov.uncovered.push(Uncovered {
                    rule_id: rule.spec.id.clone(),
                    pattern: pattern.clone(),
                    dirs: missing_dirs,
                    not_shared,
                });
            }
        }
        if rule_missing {
            to_add.extend(patterns.iter().cloned());
        }
    }
    // Blocked files that nothing ignores: add their rules' patterns too.
    for path in blocked {
        if is_ignored(path)?.0 {
            continue;
        }
        for rule in rules.files.iter().filter(|r| r.matches_path(path)) {
            let patterns = if rule.spec.gitignore.is_empty() {
                &rule.spec.paths
            } else {
                &rule.spec.gitignore
            };
            to_add.extend(patterns.iter().cloned());
        }
    }
    if !to_add.is_empty() {
        let existing = match std::fs::read(&cov.gitignore_path) {
            Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(e).with_context(|| format!("reading {}", cov.gitignore_path.display()));
            }
        };
        if let Some(new) = gitignore::append_patterns_keeping_negations(
            existing.as_deref().unwrap_or(""),
            &to_add,
            HEADER,
        ) {
            cov.patch = Some(gitignore::unified_patch(
                ".gitignore",
                existing.as_deref(),
                &new,
            ));
            cov.new_content = Some(new);
        }
    }
    Ok(cov)
}

#[cfg(test)]
mod tests {
    use super::probe_name;

    #[test]
    fn probes() {
        assert_eq!(probe_name(".env").as_deref(), Some(".env"));
        assert_eq!(probe_name("**/.env.*").as_deref(), Some(".env.x"));
        assert_eq!(probe_name("*.pem").as_deref(), Some("x.pem"));
        assert_eq!(
            probe_name("/config/master.key").as_deref(),
            Some("config/master.key")
        );
        assert_eq!(probe_name("!.env.example"), None);
        assert_eq!(probe_name("secrets/"), None);
    }
}
