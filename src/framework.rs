//! The pre-commit framework (<https://pre-commit.com>) runs a `pre-push` hook with the range
//! in its environment (`PRE_COMMIT_FROM_REF`, `PRE_COMMIT_TO_REF`, ...), not on standard
//! input as git does: turn it into the line git would have passed.

use anyhow::{Context, Result};

/// What the framework says about the push, from its environment.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PushEnv {
    pub from_ref: Option<String>,
    pub to_ref: Option<String>,
    pub local_branch: Option<String>,
    pub remote_branch: Option<String>,
    pub remote_name: Option<String>,
}

impl PushEnv {
    /// The framework's variables, if it set any (`None`: not run by the framework).
    pub fn from_env() -> Option<PushEnv> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let env = PushEnv {
            from_ref: var("PRE_COMMIT_FROM_REF"),
            to_ref: var("PRE_COMMIT_TO_REF"),
            local_branch: var("PRE_COMMIT_LOCAL_BRANCH"),
            remote_branch: var("PRE_COMMIT_REMOTE_BRANCH"),
            remote_name: var("PRE_COMMIT_REMOTE_NAME"),
        };
        (env.to_ref.is_some() || env.local_branch.is_some()).then_some(env)
    }

    /// The pre-push input line git would have passed: `<local ref> <local sha> <remote ref>
    /// <remote sha>`. Without a from-ref (the framework's "whole history" case: a new branch
    /// whose root commit is pushed) the remote sha is the null id, as for a new branch.
    pub fn input(&self, repo: &gix::Repository) -> Result<String> {
        let resolve = |name: &str, spec: &str| -> Result<gix::ObjectId> {
            crate::lint::resolve_rev(repo, spec)
                .with_context(|| format!("{name}: `{spec}` is not a revision of this repository"))
        };
        let (to_name, to) = match (&self.to_ref, &self.local_branch) {
            (Some(t), _) => ("PRE_COMMIT_TO_REF", t.as_str()),
            (None, Some(l)) => ("PRE_COMMIT_LOCAL_BRANCH", l.as_str()),
            (None, None) => ("PRE_COMMIT_TO_REF", "HEAD"),
        };
        let to = resolve(to_name, to)?;
        let from = match &self.from_ref {
            Some(f) => resolve("PRE_COMMIT_FROM_REF", f)?,
            None => gix::ObjectId::null(repo.object_hash()),
        };
        let local = self.local_branch.as_deref().unwrap_or("HEAD");
        let remote = self.remote_branch.as_deref().unwrap_or(local);
        Ok(format!("{local} {to} {remote} {from}\n"))
    }
}
