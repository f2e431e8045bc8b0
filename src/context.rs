//! The run context of a command: which repository (or directory) a scanned path belongs to,
//! whose configuration applies to it, and how its files are named in findings. Decided from
//! what is scanned, not from the current directory: `leakgate scan ../other-repo` applies
//! that repository's `.leakgate.toml`, and `scan src` names `src/app.py` as `scan
//! src/app.py` and `scan .` at the root do, so that path allowlists hold however the path was
//! given.

use std::path::{Path, PathBuf};

use crate::walk::Target;

/// The paths of one command that share a root: one configuration, one set of rules.
#[derive(Debug)]
pub struct Context {
    /// The work tree of the repository the paths are in; for paths outside any repository,
    /// the directory scanned (or the file's directory); for standard input, the repository
    /// around the current directory (or the current directory).
    pub root: PathBuf,
    pub targets: Vec<Target>,
}

/// The work tree of the repository around `dir`, if any (canonical).
fn work_tree_of(dir: &Path) -> Option<PathBuf> {
    crate::git::work_tree_around(dir)?.canonicalize().ok()
}

/// The root of the repository around the current directory, or the current directory.
pub fn current_root() -> PathBuf {
    crate::git::work_tree_around(Path::new(".")).unwrap_or_else(|| PathBuf::from("."))
}

/// Group `paths` (as given on the command line) by the root they belong to, in the order
/// first given.
pub fn scan_contexts(paths: &[PathBuf]) -> Vec<Context> {
    let mut out: Vec<Context> = Vec::new();
    for path in paths {
        let (root, target) = place(path);
        match out.iter_mut().find(|c| c.root == root) {
            Some(c) => c.targets.push(target),
            None => out.push(Context {
                root,
                targets: vec![target],
            }),
        }
    }
    out
}

/// The root of one path and how it is named.
fn place(path: &Path) -> (PathBuf, Target) {
    let given = || (current_root(), Target::as_given(path));
    if path.as_os_str() == "-" {
        return given();
    }
    // A path that cannot be resolved is reported by the scan (with the name given).
    let Ok(abs) = path.canonicalize() else {
        return given();
    };
    let dir = if abs.is_dir() {
        abs.clone()
    } else {
        match abs.parent() {
            Some(p) => p.to_path_buf(),
            None => return given(),
        }
    };
    match work_tree_of(&dir) {
        Some(tree) => {
            let name = abs
                .strip_prefix(&tree)
                .map(|rel| rel.to_string_lossy().replace('\\', "/"))
                .ok();
            let target = Target {
                path: path.to_path_buf(),
                name,
            };
            (tree, target)
        }
        // Not in a repository: that directory's own configuration, names as given.
        None => (dir, Target::as_given(path)),
    }
}
