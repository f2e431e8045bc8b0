//! The code that opens repositories: discovered as git hooks expect, with the environment
//! overrides, quarantined push objects and a delta cache. `staged` reads the index against
//! `HEAD`.

use std::path::Path;

use anyhow::{Context, Result, bail};

pub mod objects;
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

/// The work tree of the repository that holds `dir`, if there is one. Found from the path
/// alone, without git's environment (`GIT_DIR` in a hook names the repository the hook runs
/// for, not the one a scanned path is in).
pub fn work_tree_around(dir: &Path) -> Option<std::path::PathBuf> {
    gix::discover(dir).ok()?.workdir().map(Path::to_path_buf)
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
/// on the same chain of bases, which are then decoded once. (gix's default, 96 MiB for each
/// handle.)
pub fn with_delta_cache(repo: &mut gix::Repository) {
    with_delta_cache_of(repo, 96 << 20);
}

/// [`with_delta_cache`] holding at most `bytes` of inflated entries.
pub fn with_delta_cache_of(repo: &mut gix::Repository, bytes: usize) {
    repo.objects.set_pack_cache(move || {
        Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::new(
            bytes,
        ))
    });
}

/// Give the memory freed since the last call back to the system, where the allocator keeps
/// it (glibc keeps what the threads of a batch freed in their arenas, for the next threads to
/// reuse: a long history would hold the largest blobs' worth for each arena).
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: glibc's malloc_trim takes no pointer and only releases free memory.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Make glibc's allocator keep less memory that the program freed: at most two arenas (each
/// thread that allocates while the others hold theirs would get another, and keep what it
/// freed), and blocks of 256 KiB or more mapped on their own and given back when freed (glibc
/// otherwise raises this threshold to the largest block freed so far, and a history's large
/// blobs then stay in the arenas). Called before the threads start; elsewhere, nothing.
pub fn limit_allocator_caches() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        const M_MMAP_THRESHOLD: i32 = -3;
        const M_ARENA_MAX: i32 = -8;
        // SAFETY: glibc's mallopt takes no pointer and only changes its tuning parameters.
        unsafe {
            mallopt(M_ARENA_MAX, 2);
            mallopt(M_MMAP_THRESHOLD, 256 << 10);
        }
    }
}

/// What it takes to open the repository again, with an object database of its own (whose
/// mapped pack pages go when it is dropped): its git directory, open options, work tree and
/// object directories (a push's quarantine included).
#[derive(Clone)]
pub struct Reopen {
    git_dir: std::path::PathBuf,
    options: gix::open::Options,
    workdir: Option<std::path::PathBuf>,
    objects: std::path::PathBuf,
    hash: gix::hash::Kind,
}

impl Reopen {
    pub fn of(repo: &gix::Repository) -> Reopen {
        Reopen {
            git_dir: repo.git_dir().to_path_buf(),
            options: repo.open_options().clone(),
            workdir: repo.workdir().map(Path::to_path_buf),
            objects: repo.objects.store_ref().path().to_path_buf(),
            hash: repo.object_hash(),
        }
    }

    /// The other handle, with an object cache of `object_cache` bytes (0: none) and the
    /// delta cache.
    pub fn open(&self, object_cache: usize) -> Result<gix::Repository> {
        self.open_with(Caches {
            object: object_cache,
            delta: 96 << 20,
        })
    }

    /// The other handle, with these caches.
    pub fn open_with(&self, caches: Caches) -> Result<gix::Repository> {
        let mut repo = gix::open_opts(&self.git_dir, self.options.clone())
            .with_context(|| format!("{}: cannot open", self.git_dir.display()))?;
        if let Some(dir) = &self.workdir
            && repo.workdir() != Some(dir.as_path())
        {
            repo.set_workdir(dir.clone())
                .with_context(|| format!("{}: cannot use as the work tree", dir.display()))?;
        }
        if repo.objects.store_ref().path() != self.objects {
            let handle = gix::odb::at(&self.objects, self.hash)
                .with_context(|| format!("{}: cannot open", self.objects.display()))?;
            repo.objects = gix::OdbHandle::from(handle);
        }
        repo.object_cache_size(caches.object);
        with_delta_cache_of(&mut repo, caches.delta);
        Ok(repo)
    }
}

/// The caches of a handle: whole objects and inflated pack entries (delta bases), in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Caches {
    pub object: usize,
    pub delta: usize,
}

/// Run `work` over `items`, in the order of `items`: on this thread with `repo` when there
/// are fewer than `min_parallel` items (or one core), otherwise on up to eight threads, each
/// with its own handle on `repo`'s object database (an object cache of `object_cache` bytes)
/// and its own scratch state `S`.
pub fn par_map<T: Sync, R: Send, S: Default>(
    repo: &gix::Repository,
    items: &[T],
    min_parallel: usize,
    object_cache: usize,
    work: impl Fn(&gix::Repository, &mut S, &T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let caches = Caches {
        object: object_cache,
        delta: 96 << 20,
    };
    par_map_with(repo, items, min_parallel, caches, work)
}

/// [`par_map`] with the handles' caches given.
pub fn par_map_with<T: Sync, R: Send, S: Default>(
    repo: &gix::Repository,
    items: &[T],
    min_parallel: usize,
    caches: Caches,
    work: impl Fn(&gix::Repository, &mut S, &T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if items.len() < min_parallel || threads == 1 {
        let mut scratch = S::default();
        return items.iter().map(|t| work(repo, &mut scratch, t)).collect();
    }
    // One object database for every thread: the pack index and the pack pages are mapped (and
    // count in memory) once, not once for each thread's handle, and the index is not validated
    // again for each.
    let shared = repo.clone().into_sync();
    let next = AtomicUsize::new(0);
    let parts: Vec<Result<Vec<(usize, R)>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut repo = shared.to_thread_local();
                    repo.object_cache_size(caches.object);
                    with_delta_cache_of(&mut repo, caches.delta);
                    let mut scratch = S::default();
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(t) = items.get(i) else { break };
                        mine.push((i, work(&repo, &mut scratch, t)?));
                    }
                    Ok(mine)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    });
    let mut all = Vec::with_capacity(items.len());
    for p in parts {
        all.extend(p?);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, r)| r).collect())
}
