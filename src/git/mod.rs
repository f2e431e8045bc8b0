//! The code that opens repositories: discovered as git hooks expect, with the environment
//! overrides, quarantined push objects and a delta cache. `staged` reads the index against
//! `HEAD`.

use std::path::Path;

use anyhow::{Context, Result, bail};

pub mod staged;

/// Open the repository the way git hooks expect: discovered from the working directory,
/// honouring `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE`.
pub fn open_repo(dir: &Path) -> Result<gix::Repository> {
    let repo = open_any(dir)?;
    if repo.workdir().is_none() {
        bail!(
            "{}: is a bare repository: it has no index or staged changes to scan \
             (run leakgate in a work tree, `leakgate lint --history-only` for its history, \
             or `leakgate scan` on files)",
            repo.git_dir().display()
        );
    }
    Ok(repo)
}

/// [`open_repo`], bare repositories included (history needs no work tree).
pub fn open_any(dir: &Path) -> Result<gix::Repository> {
    let mut repo = gix::discover_with_environment_overrides(dir)
        .with_context(|| format!("{}: not in a git repository", dir.display()))?;
    if repo.workdir().is_none() && cwd_is_work_tree(&repo) {
        // As git does: with `GIT_DIR` set (git sets it for hooks) and neither `GIT_WORK_TREE`
        // nor `core.worktree`, the current directory is the top of the work tree, unless the
        // repository says it is bare. gix only infers a work tree from a `.git` directory's
        // parent, so a repository made with `git init --separate-git-dir` looked bare.
        let cwd = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        repo.set_workdir(cwd)
            .with_context(|| format!("{}: cannot use as the work tree", dir.display()))?;
    }
    see_quarantined_objects(&mut repo)?;
    Ok(repo)
}

/// In a server-side `pre-receive` hook, the pushed objects sit in a quarantine directory that
/// git names in `GIT_OBJECT_DIRECTORY` (the repository's own objects in
/// `GIT_ALTERNATE_OBJECT_DIRECTORIES`) until the hook accepts them; gix reads only the
/// repository's object directory. Then the repository reads its objects through a scratch
/// object directory whose only content is an `info/alternates` naming the quarantine, the
/// alternates and the repository's own objects (nothing is written into the repository);
/// it is removed when the command ends ([`remove_scratch`]).
fn see_quarantined_objects(repo: &mut gix::Repository) -> Result<()> {
    let Some(quarantine) = std::env::var_os("GIT_OBJECT_DIRECTORY") else {
        return Ok(());
    };
    let own = repo.common_dir().join("objects");
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let quarantine = abs(Path::new(&quarantine));
    if quarantine == abs(&own) {
        return Ok(());
    }
    let mut dirs = vec![quarantine];
    if let Some(alt) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        dirs.extend(std::env::split_paths(&alt).map(|p| abs(&p)));
    }
    dirs.push(abs(&own));
    let scratch = std::env::temp_dir().join(format!(
        "leakgate-objects-{}-{}",
        std::process::id(),
        SCRATCH.lock().map(|v| v.len()).unwrap_or(0)
    ));
    let make = || -> std::io::Result<()> {
        std::fs::create_dir_all(scratch.join("info"))?;
        std::fs::create_dir_all(scratch.join("pack"))?;
        let list: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        std::fs::write(scratch.join("info/alternates"), list.join("\n") + "\n")
    };
    make().with_context(|| format!("{}: cannot create", scratch.display()))?;
    if let Ok(mut v) = SCRATCH.lock() {
        v.push(scratch.clone());
    }
    let handle = gix::odb::at(&scratch, repo.object_hash()).with_context(|| {
        format!(
            "cannot read the quarantined objects of this push ({})",
            dirs[0].display()
        )
    })?;
    repo.objects = gix::OdbHandle::from(handle);
    Ok(())
}

/// Scratch object directories made by [`see_quarantined_objects`].
static SCRATCH: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Remove the scratch object directories (called when the command ends).
pub fn remove_scratch() {
    if let Ok(mut v) = SCRATCH.lock() {
        for dir in v.drain(..) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Whether git would take the current directory as the work tree of `repo`, which gix
/// opened without one: `GIT_DIR` is set, `GIT_WORK_TREE` is not, and `core.bare` is not true.
fn cwd_is_work_tree(repo: &gix::Repository) -> bool {
    std::env::var_os("GIT_DIR").is_some_and(|d| !d.is_empty())
        && std::env::var_os("GIT_WORK_TREE").is_none()
        && repo.config_snapshot().boolean("core.bare") != Some(true)
}

/// A cache of inflated pack entries: a modified file's old and new blobs are usually deltas
/// on the same chain of bases, which are then decoded once.
pub fn with_delta_cache(repo: &mut gix::Repository) {
    repo.objects
        .set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::default()));
}
