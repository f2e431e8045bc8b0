//! `leakgate pre-commit`: scan what the commit would add (the index against `HEAD`).

use std::path::Path;

use anyhow::{Context, Result, bail};
use gix::bstr::ByteSlice;

use crate::check::{self, Plan};
use crate::config::GitignoreMode;
use crate::finding::Finding;
use crate::git::objects::Objects;
use crate::git::staged::{self, Change, Staged};
use crate::git::with_delta_cache;
use crate::hygiene::{self, Uncovered};
use crate::policy::Policy;
use crate::report::{Report, Stats, plural};
use crate::rules::RuleSet;
use crate::scan::{Scanner, Scratch};

mod render;

pub use render::{gitignore_note, scanned_line};

#[derive(Debug)]
pub struct Options {
    /// Staged blobs larger than this are not read: they cannot be scanned, and block the
    /// commit unless `allow_unscannable`. Every smaller blob is scanned whole, in chunks.
    pub max_size: u64,
    /// Let blobs above `max_size` through unscanned (named in the summary) instead of
    /// blocking the commit (`git config leakgate.allowUnscannable true`).
    pub allow_unscannable: bool,
    /// What `.gitignore` coverage of the must-not-track names does.
    pub gitignore: GitignoreMode,
    /// File names given on the command line (the pre-commit framework's), relative to the
    /// current directory. Empty: the staged changes. When every name is a staged change, only
    /// those changes are scanned; otherwise the index content of the named files, whole.
    pub files: Vec<String>,
    /// Work out the `.gitignore` names missing even when the note is not shown (JSON lists
    /// them); otherwise, with `gitignore = "note"`, only when the note is shown.
    pub full_gitignore: bool,
    /// Make the `.gitignore` patch (`gitignore_patch`: JSON shows it, text does not).
    pub gitignore_patch: bool,
}

/// A staged must-not-track file and how to take it out of the commit.
#[derive(Debug, Clone)]
pub struct Unstage {
    pub path: String,
    /// Whether the path is already in `HEAD` (then `git rm --cached` untracks it).
    pub tracked_in_head: bool,
}

impl Unstage {
    /// What the hook says of the file, and how to take it out.
    pub fn advice(&self) -> &'static str {
        if self.tracked_in_head {
            "must not be tracked; untrack it"
        } else {
            "must not be committed; unstage it"
        }
    }

    /// The command that takes it out of the commit, the file staying on disk
    /// (`git rm --cached` also unstages a new file, and works on a first commit).
    pub fn command(&self) -> String {
        format!(
            "git rm --cached -- {}",
            crate::report::shell_quote(&self.path)
        )
    }

    /// As a [`Fix`](crate::fix::Fix) numbered `id`: unstaging a new file changes only this
    /// commit (safe); untracking a file `HEAD` has changes what every clone gets (unsafe).
    pub fn fix(&self, id: usize) -> crate::fix::Fix {
        use crate::fix::{Applicability, Fix, FixKind};
        Fix {
            id,
            description: format!("{} {} (the file stays on disk)", self.path, self.advice()),
            applicability: if self.tracked_in_head {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            },
            kind: FixKind::Untrack {
                path: self.path.clone(),
                command: self.command(),
            },
        }
    }
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub report: Report,
    /// Staged paths that carry content (added, modified, renamed).
    pub files: usize,
    pub deleted: usize,
    pub skipped_links: usize,
    /// `.gitignore` patch that would keep the blocked files (and uncovered names) out.
    pub gitignore_patch: Option<String>,
    /// Must-not-track names the repo's ignore rules do not cover.
    pub uncovered: Vec<Uncovered>,
    /// What the `.gitignore` check concluded (and whether it blocks).
    pub gitignore: GitignoreCheck,
    /// The named files' index content was scanned whole (not the staged diff).
    pub whole_files: bool,
    /// Named files that are not in the index (nothing to scan).
    pub not_in_index: usize,
    /// Blocked must-not-track files that nothing ignores.
    pub blocked_unignored: Vec<String>,
    /// Phase timings (`timing: read index: 0.31 ms`), when `LEAKGATE_TIMINGS` is set.
    pub timings: Vec<String>,
}

/// The hook's `.gitignore` check: what is missing, and what it leads to.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct GitignoreCheck {
    pub mode: GitignoreMode,
    /// Must-not-track files in the work tree (the root and the staged files' directories)
    /// that are neither tracked nor ignored.
    pub unignored: Vec<String>,
    /// Must-not-track patterns the shared ignore rules do not cover, most important first
    /// (the root's `.env` first, then by the rule's severity), without duplicates.
    pub missing: Vec<String>,
    /// Whether the root's shared ignore rules leave `.env` out.
    pub root_lacks_env: bool,
    /// Whether the note is shown (`note`: only when something above matters).
    pub shown: bool,
    /// Whether it blocks the commit (`block` and anything missing).
    pub blocks: bool,
}

/// Phase timings when `LEAKGATE_TIMINGS` is set (for benchmarks), kept for the outcome
/// ([`Outcome::timings`]): the command prints them.
struct Timer {
    start: Option<std::time::Instant>,
    lines: Vec<String>,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            start: std::env::var_os("LEAKGATE_TIMINGS").map(|_| std::time::Instant::now()),
            lines: Vec::new(),
        }
    }

    fn mark(&mut self, what: &str) {
        if let Some(t) = self.start {
            self.lines.push(format!(
                "timing: {what}: {:.2} ms",
                t.elapsed().as_secs_f64() * 1e3
            ));
            self.start = Some(std::time::Instant::now());
        }
    }

    /// Take in the timings of another timer (another thread's, or a step's).
    fn absorb(&mut self, other: Timer) {
        self.lines.extend(other.lines);
    }
}

/// The index of `repo`, read on another thread (see [`run`]) while the rules load.
pub struct IndexRead<'scope>(std::thread::ScopedJoinHandle<'scope, Result<gix::index::File>>);

impl<'scope> IndexRead<'scope> {
    /// Start reading the index of `repo` on a thread of `scope`.
    pub fn start<'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        repo: &gix::Repository,
    ) -> IndexRead<'scope> {
        let (path, hash) = (repo.index_path(), repo.object_hash());
        IndexRead(scope.spawn(move || {
            staged::read_index(&path, hash)
                .with_context(|| format!("{}: cannot read the index", path.display()))
        }))
    }

    fn join(self) -> Result<gix::index::File> {
        self.0.join().expect("reading the index does not panic")
    }
}

/// Scan the staged changes of the repository around `dir` with `rules`; `policy` decides which
/// findings are reported.
/// `repo` is the repository `open_repo(dir)` found, and `index` its index, being read.
pub fn run(
    dir: &Path,
    repo: gix::Repository,
    index: IndexRead<'_>,
    rules: &RuleSet,
    policy: &Policy<'_>,
    opts: &Options,
) -> Result<Outcome> {
    // The keyword automaton takes a few milliseconds to build: build it on another core while
    // this one reads HEAD and diffs the index against it.
    std::thread::scope(|s| {
        let small = s.spawn(|| Scanner::new_small(rules));
        run_with(dir, repo, index, rules, policy, opts, || {
            small.join().expect("building the matcher does not panic")
        })
    })
}

fn run_with<'r>(
    dir: &Path,
    mut repo: gix::Repository,
    index: IndexRead<'_>,
    rules: &'r RuleSet,
    policy: &Policy<'_>,
    opts: &Options,
    small_scanner: impl FnOnce() -> Scanner<'r>,
) -> Result<Outcome> {
    let mut timer = Timer::new();
    repo.object_cache_size(0);
    with_delta_cache(&mut repo);
    let index_path = repo.index_path();
    // HEAD's commit is read while the index is read; the diff needs both. An error here is
    // the diff's, below. (Objects are read without gix's opening of the pack indexes, which
    // checks each one's whole offset table: see `git::objects`.)
    let objects = Objects::new(&repo);
    let head = objects.head_tree();
    timer.mark("read HEAD");
    let index = index.join()?;
    timer.mark("read index (on another core)");
    let set = head
        .and_then(|head| staged::staged_changes_from(&objects, &index, head))
        .with_context(|| {
            format!(
                "{}: cannot diff the index against HEAD",
                index_path.display()
            )
        })?;
    timer.mark("diff index against HEAD");
    let workdir = repo.workdir().expect("checked in open_repo").to_path_buf();
    let (set, whole_files, not_in_index) = select_named(set, &index, dir, &workdir, &opts.files);
    let scanner = if set.files.len() < 64 {
        small_scanner()
    } else {
        Scanner::new(rules)
    };
    timer.mark("build matcher");

    // .gitignore coverage of the usual names needs no scan result: check it on another core
    // meanwhile (with its own handle on the repository).
    let dirs = coverage_dirs(&index, set.files.iter().map(|f| f.path.to_str_lossy()));
    // Where to look for must-not-track files nothing ignores: the root and the staged files'
    // directories (their entries only: no walk of the work tree). Named files' directories
    // can be every directory (`run --all-files`): then the root only.
    let near = (!whole_files).then_some(&set.files).into_iter().flatten();
    let mut tree_dirs: Vec<String> = std::iter::once(String::new())
        .chain(near.map(|f| parent_dir(&f.path.to_str_lossy())))
        .collect();
    tree_dirs.sort();
    tree_dirs.dedup();
    let (results, early_coverage) = std::thread::scope(|s| {
        let coverage = (opts.gitignore != GitignoreMode::Off).then(|| {
            let (index, dirs, tree_dirs) = (&index, &dirs, &tree_dirs);
            // (a handle of its own on the command's repository: the repository is opened
            // once per command)
            let repo = repo.clone();
            let full = opts.gitignore == GitignoreMode::Block || opts.full_gitignore;
            s.spawn(move || {
                let mut timer = Timer::new();
                let mut ex = hygiene::Excludes::new(&repo, index)?;
                let tree = hygiene::work_tree_in(&mut ex, index, policy, tree_dirs)?;
                timer.mark("unignored files near the staged ones (on another core)");
                // The names missing count only in a note that is shown (or a block).
                let shown = !tree.unignored.is_empty() || !tree.root_missing.is_empty();
                let cov = if full || shown {
                    // The note names a few patterns: the root's coverage says which.
                    let root = [String::new()];
                    let dirs = if full { dirs } else { &root[..] };
                    let stacks = hygiene::Stacks::of_index(index, rules);
                    let in_use = |r: &crate::rules::FileRule| stacks.uses(r);
                    let patch = opts.gitignore_patch;
                    let cov = hygiene::coverage_with(&mut ex, rules, dirs, &[], &in_use, patch)?;
                    timer.mark(".gitignore coverage (on another core)");
                    cov
                } else {
                    hygiene::Coverage::default()
                };
                Ok::<_, anyhow::Error>((cov, tree, timer))
            })
        });
        let results = scan_staged(&objects, &set.files, &scanner, opts, &mut timer);
        timer.mark("scan the staged blobs");
        let coverage = coverage.map(|h| {
            let r = h.join().expect("the coverage check does not panic");
            r.map(|(cov, tree, t)| {
                timer.absorb(t);
                (cov, tree)
            })
        });
        (results, coverage)
    });
    let results = results?;
    timer.mark("wait for the .gitignore coverage");
    let mut out = Outcome {
        files: set.files.len(),
        deleted: set.deleted,
        skipped_links: set.skipped_links,
        whole_files,
        not_in_index,
        ..Outcome::default()
    };
    let mut stats = Stats::default();
    let mut added_lines = 0;
    let mut unstage: Vec<Unstage> = Vec::new();
    for r in results {
        stats.add(&r.stats);
        added_lines += r.added_lines;
        if r.file_level {
            unstage.push(Unstage {
                path: r.path.clone(),
                // A named file's index content is what `git rm --cached` untracks.
                tracked_in_head: r.tracked_in_head || whole_files,
            });
        }
        out.report.findings.extend(r.findings);
    }
    stats.lines_added = Some(added_lines);
    out.report.stats = stats;
    // The configuration's allowlists and minimum severity, then accepted findings
    // (`leakgate baseline`); a must-not-track file whose finding is not reported is not
    // blocked either.
    policy.filter(&mut out.report);
    let findings = &out.report.findings;
    unstage.retain(|u| {
        findings
            .iter()
            .any(|f| f.line.is_none() && f.path == u.path)
    });
    out.report.sort();
    unstage.sort_by(|a, b| a.path.cmp(&b.path));
    // What takes each blocked file out of the commit, as fixes of its findings.
    out.report.fixes = unstage.iter().enumerate().map(|(i, u)| u.fix(i)).collect();
    for f in &mut out.report.findings {
        f.fixes = (unstage.iter())
            .position(|u| f.line.is_none() && u.path == f.path)
            .into_iter()
            .collect();
    }

    // .gitignore: what would keep the blocked files out, and coverage of the usual names.
    let blocked: Vec<&str> = unstage.iter().map(|u| u.path.as_str()).collect();
    let early = early_coverage.transpose()?;
    let tree = early.as_ref().map(|(_, t)| t);
    let cov = match &early {
        Some((cov, _)) if blocked.is_empty() => Some(cov),
        _ => None,
    };
    let blocked_cov;
    let cov = match cov {
        Some(cov) => Some(cov),
        None if early.is_some() || !blocked.is_empty() => {
            let stacks = hygiene::Stacks::of_index(&index, rules);
            let in_use = |r: &crate::rules::FileRule| stacks.uses(r);
            let mut ex = hygiene::Excludes::new(&repo, &index)?;
            let patch = opts.gitignore_patch;
            blocked_cov = hygiene::coverage_with(&mut ex, rules, &dirs, &blocked, &in_use, patch)?;
            timer.mark(".gitignore coverage of the blocked files");
            Some(&blocked_cov)
        }
        None => None,
    };
    if let Some(cov) = cov {
        out.uncovered = cov.uncovered.clone();
        out.gitignore_patch = cov.patch.clone();
        out.blocked_unignored = cov.blocked_unignored.clone();
    }
    out.gitignore = gitignore_check(opts.gitignore, rules, &out.uncovered, tree);
    // A finding blocks already, and its output is about the finding: the note waits.
    if !out.report.findings.is_empty() {
        out.gitignore.shown = out.gitignore.blocks;
    }
    // The hook's process ends next: freeing the index (its tree cache is thousands of
    // allocations) and the compiled automata would only delay the commit.
    std::mem::forget((index, scanner));
    out.timings = timer.lines;
    Ok(out)
}

/// What the `.gitignore` check concludes from the coverage and the work tree.
fn gitignore_check(
    mode: GitignoreMode,
    rules: &RuleSet,
    uncovered: &[Uncovered],
    tree: Option<&hygiene::WorkTree>,
) -> GitignoreCheck {
    let mut check = GitignoreCheck {
        mode,
        ..GitignoreCheck::default()
    };
    let (Some(tree), false) = (tree, mode == GitignoreMode::Off) else {
        return check;
    };
    check.unignored = tree.unignored.iter().map(|(p, _)| p.clone()).collect();
    // The check rules decide what counts (`[rules] disable` turns them off).
    let (missing_on, not_shared_on) = (
        rules.check(crate::rules::RULE_GITIGNORE_MISSING).is_some(),
        rules
            .check(crate::rules::RULE_GITIGNORE_NOT_SHARED)
            .is_some(),
    );
    let root_missing: Vec<String> = if missing_on {
        tree.root_missing.clone()
    } else {
        Vec::new()
    };
    check.root_lacks_env = root_missing.iter().any(|n| n == ".env");
    let severity = |id: &str| rules.get_file(id).map(|r| r.spec.severity);
    let mut by_importance: Vec<(bool, &Uncovered)> = Vec::new();
    for u in uncovered {
        if (missing_on && !u.dirs.is_empty()) || (not_shared_on && u.not_shared.is_some()) {
            let first_of_rule = !by_importance.iter().any(|(_, p)| p.rule_id == u.rule_id);
            by_importance.push((first_of_rule, u));
        }
    }
    // One name per kind of file first (`.env`, `id_rsa`, `*.pem`, ...), high severity first;
    // stable, so the rules' own order among equals.
    by_importance.sort_by_key(|(first, u)| (!first, std::cmp::Reverse(severity(&u.rule_id))));
    let by_importance = by_importance.into_iter().map(|(_, u)| u);
    let mut missing: Vec<String> = root_missing.clone();
    for u in by_importance {
        if !missing.contains(&u.pattern) {
            missing.push(u.pattern.clone());
        }
    }
    check.missing = missing;
    let matters = !check.unignored.is_empty() || !root_missing.is_empty();
    check.blocks = mode == GitignoreMode::Block && (matters || !check.missing.is_empty());
    check.shown = check.blocks || (mode == GitignoreMode::Note && matters);
    check
}

/// Narrow the staged changes to the named files (the pre-commit framework passes them), or,
/// when a name is not a staged change (`pre-commit run --all-files`, `--files`), take the
/// index content of the named files, whole. Returns the set, whether it is whole files, and
/// how many names are not in the index.
fn select_named(
    set: staged::StagedSet,
    index: &gix::index::State,
    cwd: &Path,
    workdir: &Path,
    names: &[String],
) -> (staged::StagedSet, bool, usize) {
    if names.is_empty() {
        return (set, false, 0);
    }
    // Names are relative to the current directory (the framework runs at the root).
    let prefix = cwd
        .strip_prefix(workdir)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let (c, w) = (cwd.canonicalize().ok()?, workdir.canonicalize().ok()?);
            c.strip_prefix(&w).ok().map(|p| p.to_path_buf())
        })
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let names: std::collections::BTreeSet<String> = names
        .iter()
        .map(|n| normalize(&prefix, n))
        .filter(|n| !n.is_empty())
        .collect();
    let staged: std::collections::HashSet<&[u8]> =
        set.files.iter().map(|f| f.path.as_slice()).collect();
    if names.iter().all(|n| staged.contains(n.as_bytes())) {
        let mut set = set;
        set.files
            .retain(|f| names.contains(&*f.path.to_str_lossy()));
        set.deleted = 0;
        set.skipped_links = 0;
        return (set, false, 0);
    }
    let mut out = staged::StagedSet::default();
    let mut not_in_index = 0;
    for name in &names {
        match index.entry_by_path(name.as_str().into()) {
            Some(e) if e.mode.is_submodule() => out.skipped_links += 1,
            Some(e) => out.files.push(Staged {
                path: name.as_str().into(),
                id: e.id,
                change: Change::Added,
            }),
            None => not_in_index += 1,
        }
    }
    (out, true, not_in_index)
}

/// A repo-relative `/` path for `name` given in the directory `prefix` (`./` and `..` resolved).
fn normalize(prefix: &str, name: &str) -> String {
    let mut parts: Vec<&str> = prefix.split('/').filter(|p| !p.is_empty()).collect();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The directories whose coverage is worth probing: the root, and each staged file's
/// directory that has a `.gitignore` of its own at or above it (below the root). Elsewhere
/// the root's answer holds, so a commit of thousands of files costs a few probes, not
/// thousands.
fn coverage_dirs<'a>(
    index: &gix::index::State,
    staged: impl Iterator<Item = std::borrow::Cow<'a, str>>,
) -> Vec<String> {
    let nested: std::collections::HashSet<String> = index
        .entries()
        .iter()
        .map(|e| e.path(index))
        .filter(|p| p.ends_with(b"/.gitignore"))
        .map(|p| parent_dir(&p.to_str_lossy()))
        .collect();
    let mut dirs = vec![String::new()];
    if !nested.is_empty() {
        for path in staged {
            let dir = parent_dir(&path);
            let mut d = dir.as_str();
            let covered_below_root = loop {
                if nested.contains(d) {
                    break true;
                }
                match d.rfind('/') {
                    Some(p) => d = &d[..p],
                    None => break false,
                }
            };
            if covered_below_root {
                dirs.push(dir);
            }
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

fn parent_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(p) => path[..p].to_string(),
        None => String::new(),
    }
}

struct FileResult {
    path: String,
    findings: Vec<Finding>,
    stats: Stats,
    added_lines: u64,
    file_level: bool,
    tracked_in_head: bool,
}

fn scan_one(
    objects: &Objects<'_>,
    file: &Staged,
    scanner: &Scanner,
    scratch: &mut Scratch,
    opts: &Options,
) -> Result<FileResult> {
    Ok(prepare(objects, file, scanner, opts)?.finish(scanner, scratch))
}

/// A staged file read and diffed, ready to match.
struct Prepared {
    res: FileResult,
    /// The staged blob's text, when it is to be matched at all, and what to match of it.
    data: Option<(Vec<u8>, Plan)>,
    /// The added lines (1-based, end exclusive); `None`: the whole blob is new.
    added: Option<Vec<std::ops::Range<u32>>>,
}

/// Read a staged file's blob (and HEAD's), make its file-level findings, and work out what
/// to match: the whole blob when it is new or small, otherwise the regions around its added
/// lines.
fn prepare(
    objects: &Objects<'_>,
    file: &Staged,
    scanner: &Scanner,
    opts: &Options,
) -> Result<Prepared> {
    let path = file.path.to_str_lossy().into_owned();
    let mut res = FileResult {
        path: path.clone(),
        findings: Vec::new(),
        stats: Stats::default(),
        added_lines: 0,
        file_level: false,
        tracked_in_head: matches!(file.change, Change::Modified { .. }),
    };
    let skip = |res| Prepared {
        res,
        data: None,
        added: None,
    };
    // A staged file is part of the commit whatever its size: it is scanned unless it is too
    // large to read at all, and then the commit is blocked unless configured otherwise.
    // (gix inflates a blob whole, from a pack or loose: the blob is in memory once, the
    // matcher only ever works on a chunk of it.)
    let size = objects
        .size(&file.id)
        .with_context(|| format!("{path}: cannot read staged blob {}", file.id))?;
    if size > opts.max_size {
        if !opts.allow_unscannable {
            bail!(
                "{path}: cannot be scanned: the staged blob is {size} bytes, over the \
                 --max-filesize of {} bytes; scan it with a larger --max-filesize, or let such \
                 files through unscanned: git config leakgate.allowUnscannable true",
                opts.max_size
            );
        }
        let file_level = check::gate(scanner.rules, &[&path], None, opts.max_size).file_level;
        res.file_level = !file_level.is_empty();
        res.findings.extend(file_level.into_iter().map(|(_, f)| f));
        res.stats.skipped_too_large += 1;
        res.stats.too_large_paths.push(path);
        return Ok(skip(res));
    }
    let new = objects
        .find(&file.id)
        .with_context(|| format!("{path}: cannot read staged blob {}", file.id))?;
    let gated = check::gate(scanner.rules, &[&path], Some(&new.data), u64::MAX);
    if !gated.file_level.is_empty() {
        res.file_level = true;
        res.findings
            .extend(gated.file_level.into_iter().map(|(_, f)| f));
    }
    let blob: Vec<u8> = match gated.text {
        Err(_) => {
            res.stats.skipped_binary += 1;
            return Ok(skip(res));
        }
        Ok(std::borrow::Cow::Owned(decoded)) => decoded,
        Ok(std::borrow::Cow::Borrowed(_)) => new.data,
    };
    let data = &blob;
    let old_id = match &file.change {
        Change::Added => None,
        Change::Modified { old } | Change::Renamed { old, .. } => Some(*old),
    };
    // Which lines this commit adds: all of a new file, the diff's inserts otherwise.
    let added: Option<Vec<std::ops::Range<u32>>> = match old_id {
        None => None,
        Some(old) if old == file.id => Some(Vec::new()),
        Some(old) => {
            let old = objects
                .find(&old)
                .with_context(|| format!("{path}: cannot read HEAD's blob {old}"))?;
            check::text_of(&old.data).map(|old| staged::added_lines(&old, data))
        }
    };
    res.stats.files_scanned = 1;
    res.stats.bytes_scanned = data.len() as u64;
    res.added_lines = match &added {
        None => staged::line_count(data),
        Some(r) => r.iter().map(|r| u64::from(r.end - r.start)).sum(),
    };
    if added.as_ref().is_some_and(|r| r.is_empty()) {
        return Ok(skip(res));
    }
    let plan = Plan::new(scanner, data, added.as_deref());
    Ok(Prepared {
        res,
        data: Some((blob, plan)),
        added,
    })
}

impl Prepared {
    fn parts(&self) -> impl Iterator<Item = (&[u8], crate::scan::Part<'_>)> {
        self.data.iter().flat_map(|(text, plan)| plan.parts(text))
    }

    /// Match the planned regions; keep the findings that touch an added line.
    fn finish(self, scanner: &Scanner, scratch: &mut Scratch) -> FileResult {
        let Prepared {
            mut res,
            data,
            added,
        } = self;
        if let Some((text, plan)) = data {
            res.findings.extend(plan.findings(
                scanner,
                scratch,
                &res.path,
                &text,
                added.as_deref(),
            ));
        }
        res
    }
}

/// The default `--max-filesize` of the hook: a staged blob is read whole (gix inflates
/// objects in memory), so past this a blob is refused rather than risking the memory.
pub const HOOK_MAX_SIZE: u64 = 1 << 30;

/// Scan the staged files, on several threads when there are many.
fn scan_staged(
    objects: &Objects<'_>,
    files: &[Staged],
    scanner: &Scanner,
    opts: &Options,
    timer: &mut Timer,
) -> Result<Vec<FileResult>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if files.len() < 32 || threads == 1 {
        // Few files: read and diff them, compile the patterns their regions need on all
        // cores, then match in turn.
        let mut t = Timer::new();
        let prepared = files
            .iter()
            .map(|f| prepare(objects, f, scanner, opts))
            .collect::<Result<Vec<_>>>()?;
        t.mark("read and diff the staged blobs");
        // (The keyword hits found for compiling are kept in `scratch` for matching: the
        // blobs stay where they are, in `prepared`.)
        let mut scratch = Scratch::default();
        if threads > 1 {
            let parts: Vec<_> = prepared.iter().flat_map(Prepared::parts).collect();
            scanner.precompile(&parts, &mut scratch);
        }
        t.mark("compile what their windows need (on all cores)");
        let r = prepared
            .into_iter()
            .map(|p| p.finish(scanner, &mut scratch))
            .collect();
        t.mark("match");
        timer.absorb(t);
        return Ok(r);
    }
    // Many files: each thread reads, diffs and matches the ones it takes.
    // (Each thread's handle reads through gix: its pack indexes are opened once, shared.)
    crate::git::par_map(objects.repo(), files, 0, 0, |repo, scratch, f| {
        scan_one(&Objects::through_gix(repo), f, scanner, scratch, opts)
    })
}
