//! The repository's own configuration, `.leakgate.toml` at the repository root.
//!
//! For now it holds path allowlists (the repo's own fixtures and examples look like secrets):
//!
//! ```toml
//! [allowlist]
//! paths = ["rules.toml", "tests/fixtures/**"]   # gitignore-style globs
//! ```
//!
//! Parsing is strict: an unknown key is an error naming the file and the line.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

pub const FILE_NAME: &str = ".leakgate.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSpec {
    #[serde(default)]
    allowlist: AllowlistSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowlistSpec {
    /// Paths (gitignore-style globs, relative to the repository root) never reported.
    #[serde(default)]
    paths: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from (`None`: no config file).
    pub source: Option<PathBuf>,
    paths: Option<ignore::gitignore::Gitignore>,
}

impl Config {
    /// Read `path`; a missing file is an empty config only when `required` is false.
    pub fn load(path: &Path, required: bool) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config::default());
            }
            Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
        };
        let spec: ConfigSpec = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0);
            anyhow::anyhow!("{}:{line}: {}", path.display(), e.message().trim_end())
        })?;
        let mut paths = None;
        if !spec.allowlist.paths.is_empty() {
            let mut b = ignore::gitignore::GitignoreBuilder::new("");
            for glob in &spec.allowlist.paths {
                b.add_line(None, glob).map_err(|e| {
                    anyhow::anyhow!("{}: allowlist path `{glob}`: {e}", path.display())
                })?;
            }
            paths = Some(
                b.build()
                    .with_context(|| format!("{}: allowlist paths", path.display()))?,
            );
        }
        Ok(Config {
            source: Some(path.to_path_buf()),
            paths,
        })
    }

    /// Whether findings in this repo-relative path are allowlisted.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.paths.as_ref().is_some_and(|g| {
            matches!(
                g.matched_path_or_any_parents(path, false),
                ignore::Match::Ignore(_)
            )
        })
    }

    /// Drop allowlisted findings; returns how many were dropped.
    pub fn filter(&self, findings: &mut Vec<crate::finding::Finding>) -> u64 {
        let before = findings.len();
        findings.retain(|f| !self.path_allowed(&f.path));
        (before - findings.len()) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_and_strictness() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, "[allowlist]\npaths = [\"tests/**\", \"rules.toml\"]\n").unwrap();
        let c = Config::load(&p, true).unwrap();
        assert!(c.path_allowed("tests/fixtures/a.txt"));
        assert!(c.path_allowed("rules.toml"));
        assert!(!c.path_allowed("src/main.rs"));
        std::fs::write(&p, "[allowlist]\npath = []\n").unwrap();
        let e = Config::load(&p, true).unwrap_err().to_string();
        assert!(e.contains(".leakgate.toml:2:"), "{e}");
        assert!(e.contains("unknown field `path`"), "{e}");
        assert!(
            Config::load(&dir.path().join("nope.toml"), false)
                .unwrap()
                .source
                .is_none()
        );
        assert!(Config::load(&dir.path().join("nope.toml"), true).is_err());
    }
}
