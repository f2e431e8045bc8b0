//! `leakgate scan`: files, directories (walked in parallel with the `ignore` crate) and stdin.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::{self, Skip};
use crate::finding::Finding;
use crate::report::{Report, Stats};
use crate::scan::{Scanner, Scratch};

pub const DEFAULT_MAX_SIZE: u64 = 10 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Scan files that `.gitignore` and friends would skip.
    pub no_ignore: bool,
    /// Files larger than this are skipped and counted.
    pub max_size: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            no_ignore: false,
            max_size: DEFAULT_MAX_SIZE,
            threads: 0,
        }
    }
}

/// How a path given on the command line is shown: as given, `/`-separated, without `./`.
fn named(path: &Path) -> String {
    let shown = path.to_string_lossy().replace('\\', "/");
    shown.strip_prefix("./").unwrap_or(&shown).to_string()
}

fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

struct Shared<'a> {
    scanner: &'a Scanner<'a>,
    opts: &'a WalkOptions,
    findings: Mutex<Vec<Finding>>,
    errors: Mutex<Vec<String>>,
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
    /// The files skipped as too large, for the summary to name.
    large_paths: Mutex<Vec<String>>,
}

impl Shared<'_> {
    fn scan_file(&self, scratch: &mut Scratch, full: &Path, shown: &str, len_hint: Option<u64>) {
        if let Some(len) = len_hint
            && len > self.opts.max_size
        {
            // Not read; a must-not-track name is still reported, whatever its size.
            self.check(scratch, shown, None, true);
            return;
        }
        let bytes = match std::fs::read(full) {
            Ok(b) => b,
            Err(e) => {
                self.error(format!("{}: {e}", full.display()));
                return;
            }
        };
        self.check(scratch, shown, Some(&bytes), true);
    }

    fn check(&self, scratch: &mut Scratch, shown: &str, bytes: Option<&[u8]>, file_rules: bool) {
        let c = check::whole(
            self.scanner,
            scratch,
            &[shown],
            bytes,
            self.opts.max_size,
            file_rules,
        );
        match c.skip {
            Some(Skip::TooLarge) => {
                self.large.fetch_add(1, Ordering::Relaxed);
                self.large_paths.lock().unwrap().push(shown.to_string());
            }
            Some(Skip::Binary) => {
                self.binary.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                self.files.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(c.bytes, Ordering::Relaxed);
            }
        }
        self.push(c.findings.into_iter().map(|(_, f)| f).collect());
    }

    fn push(&self, found: Vec<Finding>) {
        if !found.is_empty() {
            self.findings.lock().unwrap().extend(found);
        }
    }

    fn error(&self, msg: String) {
        self.errors.lock().unwrap().push(msg);
    }
}

/// Scan the given paths (`-` is standard input).
/// A path to scan, and how its files are named in findings.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    /// The path's own name under the run's root (`""` for the root itself, `src` for
    /// `scan src`, `src/app.py` for that file), which its files' names start with; `None`:
    /// named as given on the command line.
    pub name: Option<String>,
}

impl Target {
    /// A path named as given.
    pub fn as_given(path: impl Into<PathBuf>) -> Target {
        Target {
            path: path.into(),
            name: None,
        }
    }

    /// The name of a file found at `entry` under this (directory) target.
    fn name_of(&self, entry: &Path) -> String {
        let rel = rel_path(&self.path, entry);
        match self.name.as_deref() {
            None => rel,
            Some("") => rel,
            Some(dir) => format!("{dir}/{rel}"),
        }
    }

    /// The name of this target itself (a file).
    fn own_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| named(&self.path))
    }
}

pub fn scan_paths(scanner: &Scanner, targets: &[Target], opts: &WalkOptions) -> Report {
    let shared = Shared {
        scanner,
        opts,
        findings: Mutex::new(Vec::new()),
        errors: Mutex::new(Vec::new()),
        files: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        binary: AtomicU64::new(0),
        large: AtomicU64::new(0),
        large_paths: Mutex::new(Vec::new()),
    };
    let mut scratch = Scratch::default();
    for target in targets {
        let root = &target.path;
        if root.as_os_str() == "-" {
            let mut buf = Vec::new();
            match std::io::stdin().lock().read_to_end(&mut buf) {
                Ok(_) => shared.check(&mut scratch, "<stdin>", Some(&buf), false),
                Err(e) => shared.error(format!("<stdin>: {e}")),
            }
            continue;
        }
        match std::fs::metadata(root) {
            Err(e) => shared.error(format!("{}: {e}", root.display())),
            Ok(md) if md.is_file() => {
                shared.scan_file(&mut scratch, root, &target.own_name(), Some(md.len()));
            }
            Ok(md) if md.is_dir() => walk_dir(&shared, target),
            // A FIFO, `/dev/stdin`, a process substitution `<(cmd)`: read it as a stream, up
            // to the size cap (one byte more tells that it is over).
            Ok(_) => {
                let read = std::fs::File::open(root).and_then(|f| {
                    let mut buf = Vec::new();
                    f.take(opts.max_size.saturating_add(1))
                        .read_to_end(&mut buf)
                        .map(|_| buf)
                });
                match read {
                    Ok(bytes) => shared.check(&mut scratch, &target.own_name(), Some(&bytes), true),
                    Err(e) => shared.error(format!("{}: {e}", root.display())),
                }
            }
        }
    }
    let mut report = Report {
        findings: shared.findings.into_inner().unwrap(),
        errors: shared.errors.into_inner().unwrap(),
        stats: Stats {
            files_scanned: shared.files.into_inner(),
            bytes_scanned: shared.bytes.into_inner(),
            skipped_binary: shared.binary.into_inner(),
            skipped_too_large: shared.large.into_inner(),
            too_large_paths: shared.large_paths.into_inner().unwrap(),
            errors: 0,
            allowlisted: 0,
            below_min_severity: 0,
            baselined: 0,
            lines_added: None,
        },
        ..Report::default()
    };
    report.stats.errors = report.errors.len() as u64;
    report.sort();
    report
}

fn walk_dir(shared: &Shared, target: &Target) {
    let root = &target.path;
    let on = !shared.opts.no_ignore;
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .ignore(on)
        .git_ignore(on)
        .git_global(on)
        .git_exclude(on)
        .parents(on)
        .require_git(false)
        .follow_links(false)
        .threads(shared.opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    builder.build_parallel().run(|| {
        let mut scratch = Scratch::default();
        Box::new(move |entry| {
            use ignore::WalkState::Continue;
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    shared.error(e.to_string());
                    return Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return Continue;
            }
            let shown = target.name_of(entry.path());
            let len = entry.metadata().ok().map(|m| m.len());
            shared.scan_file(&mut scratch, entry.path(), &shown, len);
            Continue
        })
    });
}
