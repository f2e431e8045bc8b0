//! A fix attached to findings: what it does, how far it may be applied without asking, and
//! the edit. `lint` makes them (a `.gitignore` append, untracking a file) and applies them with
//! `--fix`; the hook reports the ones that would unblock a commit. Findings refer to fixes by
//! [`Fix::id`].

use serde::Serialize;

/// What a fix does.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FixKind {
    /// Append patterns to a `.gitignore` (created if missing).
    Gitignore {
        /// Repo-relative path of the `.gitignore`.
        path: String,
        /// The unified diff, as text (a byte that is not UTF-8 shown as U+FFFD).
        patch: String,
        /// The same diff in the file's own bytes (what `--diff` prints and `git apply` applies).
        #[serde(skip)]
        patch_bytes: Vec<u8>,
        #[serde(skip)]
        old: Option<Vec<u8>>,
        #[serde(skip)]
        new: Vec<u8>,
    },
    /// Remove a path from the index only; the file stays on disk.
    Untrack {
        path: String,
        /// The equivalent git command.
        command: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    pub id: usize,
    pub description: String,
    /// Whether `--fix` applies it (see [`Applicability`]).
    pub applicability: Applicability,
    #[serde(flatten)]
    pub kind: FixKind,
}

/// How far a fix may be applied without asking (as ruff says it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Changes nothing anyone has: `--fix` applies it (a `.gitignore` append).
    Safe,
    /// Changes what every clone gets: only with `--fix --unsafe-fixes` (untracking a file).
    Unsafe,
    /// Shown, never applied: untracking a test fixture or vendored file could break what
    /// reads it; if it is deliberate, allowlist it.
    DisplayOnly,
}

impl Fix {
    /// The git command that makes the fix (an untrack), if it is one.
    pub fn command(&self) -> Option<&str> {
        match &self.kind {
            FixKind::Untrack { command, .. } => Some(command),
            FixKind::Gitignore { .. } => None,
        }
    }

    /// The unified diff that makes the fix (a `.gitignore` append), if it is one.
    pub fn patch(&self) -> Option<&str> {
        match &self.kind {
            FixKind::Gitignore { patch, .. } => Some(patch),
            FixKind::Untrack { .. } => None,
        }
    }
}
