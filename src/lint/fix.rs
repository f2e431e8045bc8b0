//! Applying lint's fixes: `.gitignore` appends and untracking, written atomically.

use super::*;

/// Apply the safe fixes, and the unsafe ones too if `unsafe_fixes` (never the display-only
/// ones), to `repo`, the repository linted; returns one line per change made.
pub fn apply(repo: &gix::Repository, lint: &Lint, unsafe_fixes: bool) -> Result<Vec<String>> {
    let mut done = Vec::new();
    // (only the work tree has a `.gitignore` to fix: `--history-only` proposes no fixes)
    let workdir = repo.workdir().unwrap_or(repo.git_dir());
    // Check first, write after: an error leaves everything as it was.
    for fix in &lint.report.fixes {
        if let FixKind::Gitignore { path, old, .. } = &fix.kind {
            let full = workdir.join(path);
            let now = match std::fs::read(&full) {
                Ok(b) => Some(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e).with_context(|| format!("reading {}", full.display())),
            };
            if now != *old {
                bail!(
                    "{}: changed while leakgate was running; run `leakgate lint --fix` again",
                    full.display()
                );
            }
        }
    }
    // The index next: if it is locked (a git command is running), nothing has changed yet.
    let untrack: HashSet<&str> = lint
        .report
        .fixes
        .iter()
        .filter(|f| unsafe_fixes && f.applicability == Applicability::Unsafe)
        .filter_map(|f| match &f.kind {
            FixKind::Untrack { path, .. } => Some(path.as_str()),
            FixKind::Gitignore { .. } => None,
        })
        .collect();
    if !untrack.is_empty() {
        // Lock the index before reading it, as git does: a `git add` running now either
        // finishes first (and its entries are read) or waits; none is lost to our write.
        let index_path = repo.index_path();
        let lock = gix::lock::File::acquire_to_update_resource(
            &index_path,
            gix::lock::acquire::Fail::Immediately,
            None,
            0,
        )
        .with_context(|| {
            format!(
                "{}: locked by another git command (index.lock); nothing was changed: run \
                 `leakgate lint --fix` again when it is done",
                index_path.display()
            )
        })?;
        let mut index = crate::git::staged::read_index(&index_path, repo.object_hash())
            .with_context(|| format!("{}: cannot read the index", index_path.display()))?;
        let before = index.entries().len();
        let mut removed: Vec<String> = Vec::new();
        index.remove_entries(|_, path, _| {
            let p = path.to_str_lossy();
            let hit = untrack.contains(p.as_ref());
            if hit {
                removed.push(p.into_owned());
            }
            hit
        });
        if index.entries().len() != before {
            // The cache-tree would still describe the removed entries: drop it (git rebuilds it).
            index.remove_tree();
            let mut out = std::io::BufWriter::new(lock);
            index
                .write_to(&mut out, gix::index::write::Options::default())
                .with_context(|| format!("writing the index {}", index_path.display()))?;
            let lock = out
                .into_inner()
                .map_err(|e| anyhow::anyhow!("writing the index {}: {e}", index_path.display()))?;
            lock.commit().map_err(|e| {
                anyhow::anyhow!("writing the index {}: {}", index_path.display(), e.error)
            })?;
        }
        // (otherwise the lock is dropped here: index.lock removed, the index untouched)
        removed.sort();
        removed.dedup();
        for p in removed {
            done.push(format!(
                "{p}: no longer tracked (removed from the index; the file is still on disk). Commit the change."
            ));
        }
    }
    for fix in &lint.report.fixes {
        if let FixKind::Gitignore { path, new, .. } = &fix.kind {
            let full = workdir.join(path);
            gitignore::write_atomic_within(workdir, &full, new)
                .with_context(|| format!("writing {}", full.display()))?;
            done.push(format!("{}: {}", path, fix.description));
        }
    }
    Ok(done)
}
