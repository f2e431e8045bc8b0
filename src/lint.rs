//! `leakgate lint`: repository hygiene, with fixes.
//!
//! One report of: tracked files that must never be tracked (read from the index), `.gitignore`
//! coverage of the must-not-track names, untracked must-not-track files that nothing ignores,
//! and secrets in the index (what the next commit would contain). With `--history`, every
//! commit reachable from `HEAD` (or a range) is scanned too. Fixable findings carry fixes: a
//! `.gitignore` append and untracking a file from the index (the file stays on disk).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use serde::Serialize;

use crate::finding::Finding;
use crate::gitignore;
use crate::hygiene;
use crate::report::{Report, Stats, plural};
use crate::rules::{RuleSet, Severity};
use crate::scan::{Scanner, Scratch};
use crate::walk::{file_findings, text_of};

/// A must-not-track pattern the shared ignore rules do not cover.
pub const RULE_GITIGNORE_MISSING: &str = "gitignore-missing";
/// A must-not-track pattern covered only by `.git/info/exclude` or a personal excludes file.
pub const RULE_GITIGNORE_NOT_SHARED: &str = "gitignore-not-shared";
/// A must-not-track file the user explicitly un-ignored (`!.env.local`): a note, kept as is.
pub const RULE_GITIGNORE_NEGATED: &str = "gitignore-negated";

#[derive(Debug, Clone)]
pub struct Options {
    /// Blobs larger than this are skipped (and counted).
    pub max_size: u64,
    /// Scan history: a revision (`HEAD`) or a range (`origin/main..HEAD`).
    pub history: Option<String>,
    /// Only the history: no check of the index, the working tree or `.gitignore` (a CI job
    /// on a pull request, which asks what its commits add).
    pub history_only: bool,
    /// Show a progress line on stderr (only set on a terminal).
    pub progress: bool,
    /// History of every reference (branches, tags, remote branches, …), not of `history`.
    pub all_refs: bool,
}

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

#[derive(Debug, Clone, Default, Serialize)]
pub struct HistoryStats {
    pub range: String,
    pub commits: u64,
    pub blobs_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    /// A path of each blob skipped as too large, for the summary to name.
    #[serde(skip)]
    pub too_large_paths: Vec<String>,
}

impl HistoryStats {
    /// `12 commits, 30 blobs`, and the blobs skipped as too large, named
    /// (`, skipped 1 too large: dump.sql`).
    pub fn counts(&self) -> String {
        let mut out = format!(
            "{}, {}",
            plural(self.commits as usize, "commit", "commits"),
            plural(self.blobs_scanned as usize, "blob", "blobs")
        );
        if self.skipped_too_large > 0 {
            out.push_str(&format!(
                ", skipped {} too large{}",
                self.skipped_too_large,
                crate::report::name_some(&self.too_large_paths)
            ));
        }
        out
    }
}

#[derive(Debug, Default)]
pub struct Lint {
    pub report: Report,
    /// For each finding of `report.findings` (same order), the ids of the fixes that fix it.
    pub finding_fixes: Vec<Vec<usize>>,
    pub fixes: Vec<Fix>,
    pub workdir: PathBuf,
    pub history: Option<HistoryStats>,
    /// Whether the index and the working tree were checked (not with `--history-only`).
    pub tree_checked: bool,
}

impl Lint {
    /// Drop the findings `allowed` says are allowlisted, and the fixes that only they needed;
    /// returns how many findings were dropped.
    pub fn drop_findings(&mut self, allowed: impl Fn(&Finding) -> bool) -> u64 {
        let findings = std::mem::take(&mut self.report.findings);
        let finding_fixes = std::mem::take(&mut self.finding_fixes);
        let before = findings.len();
        for (f, ids) in findings.into_iter().zip(finding_fixes) {
            if !allowed(&f) {
                self.report.findings.push(f);
                self.finding_fixes.push(ids);
            }
        }
        // Keep only the fixes a remaining finding refers to, renumbered.
        let mut remap = vec![None; self.fixes.len()];
        let mut kept = Vec::new();
        for ids in &self.finding_fixes {
            for &id in ids {
                if remap[id].is_none() {
                    remap[id] = Some(kept.len());
                    kept.push(id);
                }
            }
        }
        for ids in &mut self.finding_fixes {
            for id in ids.iter_mut() {
                *id = remap[*id].expect("kept above");
            }
        }
        let mut old: Vec<Option<Fix>> = std::mem::take(&mut self.fixes)
            .into_iter()
            .map(Some)
            .collect();
        self.fixes = kept
            .into_iter()
            .map(|id| old[id].take().expect("each fix kept once"))
            .collect();
        (before - self.report.findings.len()) as u64
    }

    /// Findings that make the run fail (notes on explicit negations do not).
    pub fn problems(&self) -> usize {
        self.report
            .findings
            .iter()
            .filter(|f| f.rule_id != RULE_GITIGNORE_NEGATED)
            .count()
    }

    /// Problems that `--fix` fixes (every fix they need is safe).
    pub fn fixable(&self) -> usize {
        self.fixable_with(&[Applicability::Safe])
    }

    /// Problems that only `--fix --unsafe-fixes` fixes.
    pub fn unsafe_fixable(&self) -> usize {
        self.fixable_with(&[Applicability::Safe, Applicability::Unsafe]) - self.fixable()
    }

    fn fixable_with(&self, allowed: &[Applicability]) -> usize {
        self.report
            .findings
            .iter()
            .zip(&self.finding_fixes)
            .filter(|(f, fx)| {
                f.rule_id != RULE_GITIGNORE_NEGATED
                    && !fx.is_empty()
                    && fx
                        .iter()
                        .all(|&i| allowed.contains(&self.fixes[i].applicability))
            })
            .count()
    }

    /// Take the history findings (and stats) of an earlier run of the same repository, so that
    /// the report after `--fix` need not scan history again.
    pub fn with_history_of(mut self, earlier: Lint) -> Lint {
        let mut all: Vec<(Finding, Vec<usize>)> = self
            .report
            .findings
            .drain(..)
            .zip(self.finding_fixes.drain(..))
            .collect();
        all.extend(
            earlier
                .report
                .findings
                .into_iter()
                .filter(|f| f.commit.is_some())
                .map(|f| (f, Vec::new())),
        );
        sort_with_fixes(&mut all);
        (self.report.findings, self.finding_fixes) = all.into_iter().unzip();
        self.history = earlier.history;
        self
    }

    /// The `.gitignore` patches, concatenated, in the files' bytes (what `--diff` prints).
    pub fn patch(&self) -> Vec<u8> {
        self.fixes
            .iter()
            .filter_map(|f| match &f.kind {
                FixKind::Gitignore { patch_bytes, .. } => Some(patch_bytes.as_slice()),
                FixKind::Untrack { .. } => None,
            })
            .flatten()
            .copied()
            .collect()
    }
}

fn sort_with_fixes(found: &mut [(Finding, Vec<usize>)]) {
    found.sort_by(|(a, _), (b, _)| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.commit.cmp(&b.commit))
    });
}

/// How the repository's ignore rules treat a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ignored {
    No,
    Yes,
    /// Un-ignored by an explicit negation: (pattern, where it is).
    Negated(String, String),
}

fn ignored(stack: &mut gix::AttributeStack<'_>, workdir: &Path, path: &str) -> Result<Ignored> {
    let platform = stack
        .at_path(path, Some(gix::index::entry::Mode::FILE))
        .with_context(|| format!("checking whether {path} is ignored"))?;
    let matched = platform
        .matching_exclude_pattern()
        .map(|m| (m.source.map(Path::to_path_buf), m.sequence_number));
    // A negation that re-includes a directory above the file (`!.devcontainer` after `.*`)
    // is not one of the file: git would ignore the file by a pattern of its own, and none
    // matches it now. Reported as not ignored, not as the user's exception.
    if let Some((source, seq)) = &matched {
        let mut at = 0;
        while let Some(slash) = path[at..].find('/') {
            let dir = &path[..at + slash];
            let p = stack
                .at_path(dir, Some(gix::index::entry::Mode::DIR))
                .with_context(|| format!("checking whether {dir} is ignored"))?;
            if let Some(m) = p.matching_exclude_pattern()
                && m.pattern.is_negative()
                && m.sequence_number == *seq
                && m.source.map(Path::to_path_buf) == *source
            {
                return Ok(Ignored::No);
            }
            at += slash + 1;
        }
    }
    let platform = stack
        .at_path(path, Some(gix::index::entry::Mode::FILE))
        .with_context(|| format!("checking whether {path} is ignored"))?;
    Ok(match platform.matching_exclude_pattern() {
        None => Ignored::No,
        Some(m) if m.pattern.is_negative() => {
            let src = m
                .source
                .map(|s| {
                    let rel = s.strip_prefix(workdir).unwrap_or(s);
                    format!("{}:{}", rel.display(), m.sequence_number)
                })
                .unwrap_or_default();
            Ignored::Negated(format!("!{}", m.pattern.text), src)
        }
        Some(_) => Ignored::Yes,
    })
}

fn parent_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(p) => path[..p].to_string(),
        None => String::new(),
    }
}

/// Whether a file name looks like a must-not-track one (`.env.example` next to a real `.env`).
fn looks_alike(rules: &RuleSet, path: &str) -> bool {
    // leakgate's own files (the baseline is a `.json`) are not a sign that the repository
    // keeps such files: `leakgate baseline` must not add the findings it accepts.
    if is_own_file(path) {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.starts_with(".env") || !rules.file_rules_for(path).is_empty()
}

/// The files leakgate itself writes at the root: its configuration and its baseline.
fn is_own_file(path: &str) -> bool {
    path == crate::config::FILE_NAME || path == crate::baseline::FILE_NAME
}

/// Run `work` over `items` on several threads, each with its own repository handle (gix is
/// built without its `parallel` feature). Results keep the order of `items`.
fn parallel<T: Sync, R: Send>(
    repo: &gix::Repository,
    items: &[T],
    work: impl Fn(&gix::Repository, &mut Scratch, &T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if items.len() < 16 || threads == 1 {
        let mut scratch = Scratch::default();
        return items.iter().map(|t| work(repo, &mut scratch, t)).collect();
    }
    let git_dir = repo.git_dir().to_path_buf();
    let next = AtomicUsize::new(0);
    let parts: Vec<Result<Vec<(usize, R)>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut repo = gix::open(&git_dir)
                        .with_context(|| format!("{}: cannot open", git_dir.display()))?;
                    repo.object_cache_size_if_unset(4 << 20);
                    let mut scratch = Scratch::default();
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
            .map(|h| h.join().expect("lint thread panicked"))
            .collect()
    });
    let mut all = Vec::with_capacity(items.len());
    for p in parts {
        all.extend(p?);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, r)| r).collect())
}

/// One distinct index blob and the paths that hold it.
struct BlobJob {
    id: ObjectId,
    paths: Vec<String>,
    /// A path whose working-tree file is known to hold the blob's content if its stat data
    /// still match the index entry's (`None`: read the blob from the object database).
    disk: Option<(usize, gix::index::entry::Stat)>,
}

/// Whether checking files out writes them exactly as their blobs (no end-of-line conversion,
/// no `filter`, `ident` or `working-tree-encoding`), so that a stat-clean file can be read
/// instead of its blob. Conservative: any attribute that may convert says no.
fn checkout_is_verbatim(repo: &gix::Repository, index: &gix::index::State) -> bool {
    let config = repo.config_snapshot();
    match config.string("core.autocrlf") {
        None => {}
        Some(v)
            if matches!(
                v.to_str_lossy().to_ascii_lowercase().as_str(),
                "false" | "0" | "no" | "off" | ""
            ) => {}
        Some(_) => return false,
    }
    let converts = |text: &[u8]| {
        text.lines().any(|line| {
            let line = line.trim();
            if line.starts_with(b"#") {
                return false;
            }
            line.fields().skip(1).any(|tok| {
                if tok.starts_with(b"-") || tok.starts_with(b"!") {
                    return false;
                }
                let name = tok.split_str("=").next().unwrap_or_default();
                matches!(
                    name,
                    b"text" | b"eol" | b"crlf" | b"filter" | b"ident" | b"working-tree-encoding"
                )
            })
        })
    };
    let mut files: Vec<PathBuf> = vec![repo.git_dir().join("info").join("attributes")];
    if let Some(p) = config.trusted_path("core.attributesFile").ok().flatten() {
        files.push(p);
    }
    if let Some(home) = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
    {
        files.push(home.join("git").join("attributes"));
    }
    for f in files {
        if let Ok(text) = std::fs::read(&f)
            && converts(&text)
        {
            return false;
        }
    }
    for entry in index.entries() {
        let path = entry.path(index);
        if path == ".gitattributes" || path.ends_with(b"/.gitattributes") {
            match repo.find_object(entry.id) {
                Ok(obj) if !converts(&obj.data) => {}
                _ => return false,
            }
        }
    }
    true
}

/// The working-tree file at `path`, if its stat data match `stat` (taken from a non-racy
/// index entry): then it holds the index entry's content, as git's own status assumes.
fn read_if_stat_clean(
    full: &Path,
    stat: &gix::index::entry::Stat,
    opts: gix::index::entry::stat::Options,
) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(full).ok()?;
    let md = gix::index::fs::Metadata::from_file(&file).ok()?;
    if !md.is_file() {
        return None;
    }
    let now = gix::index::entry::Stat::from_fs(&md).ok()?;
    if !stat.matches(&now, opts) {
        return None;
    }
    let mut buf = Vec::with_capacity(md.len() as usize + 1);
    file.read_to_end(&mut buf).ok()?;
    (buf.len() as u64 == md.len()).then_some(buf)
}

#[derive(Default)]
struct BlobResult {
    findings: Vec<Finding>,
    stats: Stats,
}

/// How to read stat-clean working-tree files instead of blobs.
struct DiskAccess {
    workdir: PathBuf,
    opts: gix::index::entry::stat::Options,
}

fn scan_index_blob(
    repo: &gix::Repository,
    scanner: &Scanner,
    scratch: &mut Scratch,
    job: &BlobJob,
    max_size: u64,
    disk: &DiskAccess,
) -> Result<BlobResult> {
    let mut res = BlobResult::default();
    let from_disk = job.disk.and_then(|(k, stat)| {
        read_if_stat_clean(&disk.workdir.join(&job.paths[k]), &stat, disk.opts)
    });
    let obj;
    let data = match &from_disk {
        Some(d) => d,
        None => {
            obj = repo
                .find_object(job.id)
                .with_context(|| format!("{}: cannot read blob {}", job.paths[0], job.id))?;
            &obj.data
        }
    };
    let content = (data.len() as u64 <= max_size).then_some(data.as_slice());
    for p in &job.paths {
        res.findings
            .extend(file_findings(scanner.rules, p, content));
    }
    if data.len() as u64 > max_size {
        res.stats.skipped_too_large += job.paths.len() as u64;
        res.stats.too_large_paths.extend(job.paths.iter().cloned());
        return Ok(res);
    }
    let Some(data) = text_of(data) else {
        res.stats.skipped_binary += job.paths.len() as u64;
        return Ok(res);
    };
    let data = &*data;
    res.stats.files_scanned += job.paths.len() as u64;
    res.stats.bytes_scanned += data.len() as u64;
    let matches = scanner.scan(data, scratch);
    if !matches.is_empty() {
        let found = crate::finding::from_matches(scanner.rules, &job.paths[0], data, &matches);
        for p in &job.paths {
            res.findings.extend(found.iter().cloned().map(|mut f| {
                f.path = p.clone();
                f
            }));
        }
    }
    Ok(res)
}

/// Untracked files (not in the index) that the walk does not skip as ignored.
fn untracked_candidates(workdir: &Path, rules: &RuleSet, tracked: &HashSet<String>) -> Vec<String> {
    let mut builder = ignore::WalkBuilder::new(workdir);
    builder
        .hidden(false)
        .ignore(false)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        // Like git, do not look inside nested repositories (submodules, vendored clones).
        .filter_entry(|e| {
            e.file_name() != ".git"
                && !(e.depth() > 0
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && e.path().join(".git").exists())
        });
    let mut out = Vec::new();
    for entry in builder.build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = entry.path().strip_prefix(workdir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if tracked.contains(&rel) || !looks_alike(rules, &rel) {
            continue;
        }
        out.push(rel);
    }
    out.sort();
    out
}

/// Lint the repository that contains `dir`.
pub fn run(dir: &Path, rules: &RuleSet, opts: &Options) -> Result<Lint> {
    // History alone needs no work tree: a bare repository (a server) is linted too.
    let mut repo = if opts.history_only {
        crate::precommit::open_any(dir)?
    } else {
        crate::precommit::open_repo(dir).map_err(|e| {
            e.context("the index and work tree are linted; for the history alone: --history-only")
        })?
    };
    repo.object_cache_size_if_unset(4 << 20);
    let scanner = Scanner::new(rules);
    if opts.history_only {
        let workdir = repo.workdir().unwrap_or(repo.git_dir()).to_path_buf();
        let range = opts.history.as_deref().unwrap_or("HEAD");
        let (hist, hstats) = scan_history(&repo, &scanner, range, opts)?;
        let mut found: Vec<(Finding, Vec<usize>)> =
            hist.into_iter().map(|f| (f, Vec::new())).collect();
        sort_with_fixes(&mut found);
        let (findings, finding_fixes): (Vec<Finding>, Vec<Vec<usize>>) = found.into_iter().unzip();
        return Ok(Lint {
            report: Report {
                findings,
                stats: Stats::default(),
                errors: Vec::new(),
            },
            finding_fixes,
            fixes: Vec::new(),
            workdir,
            history: Some(hstats),
            tree_checked: false,
        });
    }
    let workdir = repo.workdir().expect("checked in open_repo").to_path_buf();
    let index_path = repo.index_path();
    let index = crate::staged::read_index(&index_path, repo.object_hash())
        .with_context(|| format!("{}: cannot read the index", index_path.display()))?;
    // Stat-clean files are read from the working tree (cheaper than inflating blobs out of
    // packs), unless checking out may convert content or the stat options are unknown.
    let stat_opts = repo.stat_options().ok();
    let verbatim = stat_opts.is_some() && checkout_is_verbatim(&repo, &index);
    let index_time = index.timestamp();
    let disk = DiskAccess {
        workdir: workdir.clone(),
        opts: stat_opts.unwrap_or_default(),
    };

    // Tracked files: every distinct blob of the index, once.
    let mut tracked: HashSet<String> = HashSet::new();
    let mut by_blob: HashMap<ObjectId, usize> = HashMap::new();
    let mut jobs: Vec<BlobJob> = Vec::new();
    for entry in index.entries() {
        let path = entry.path(&index).to_str_lossy().into_owned();
        tracked.insert(path.clone());
        if entry.stage() != gix::index::entry::Stage::Unconflicted
            || entry
                .flags
                .contains(gix::index::entry::Flags::INTENT_TO_ADD)
        {
            continue;
        }
        let mode = entry.mode;
        if mode != gix::index::entry::Mode::FILE && mode != gix::index::entry::Mode::FILE_EXECUTABLE
        {
            continue; // submodules and symlinks: no content to scan
        }
        // Racily clean entries (written no earlier than the index) may hide a change of the
        // same size within the same second: git re-reads those, and so does the blob path.
        let clean = verbatim
            && !entry.flags.intersects(
                gix::index::entry::Flags::ASSUME_VALID | gix::index::entry::Flags::SKIP_WORKTREE,
            )
            && !entry.stat.is_racy(index_time, disk.opts);
        let k = match by_blob.get(&entry.id) {
            Some(&k) => {
                jobs[k].paths.push(path);
                k
            }
            None => {
                by_blob.insert(entry.id, jobs.len());
                jobs.push(BlobJob {
                    id: entry.id,
                    paths: vec![path],
                    disk: None,
                });
                jobs.len() - 1
            }
        };
        if clean && jobs[k].disk.is_none() {
            jobs[k].disk = Some((jobs[k].paths.len() - 1, entry.stat));
        }
    }
    let results = parallel(&repo, &jobs, |r, scratch, job| {
        scan_index_blob(r, &scanner, scratch, job, opts.max_size, &disk)
    })?;

    let mut stack = repo
        .excludes(
            &index,
            None,
            gix::worktree::stack::state::ignore::Source::WorktreeThenIdMappingIfNotSkipped,
        )
        .context("reading the repository's ignore rules")?;

    // Findings with their fixes; the `.gitignore` fix (if any) is resolved at the end.
    const GITIGNORE: usize = usize::MAX;
    let mut found: Vec<(Finding, Vec<usize>)> = Vec::new();
    let mut fixes: Vec<Fix> = Vec::new();
    let mut stats = Stats::default();
    let mut blocked: Vec<String> = Vec::new();
    let mut dirs: Vec<String> = vec![String::new()];

    for r in results {
        stats.add(&r.stats);
        for mut f in r.findings {
            if f.line.is_some() {
                found.push((f, Vec::new()));
                continue;
            }
            dirs.push(parent_dir(&f.path));
            match ignored(&mut stack, &workdir, &f.path)? {
                Ignored::Negated(pattern, src) => {
                    f.rule_id = RULE_GITIGNORE_NEGATED.to_string();
                    f.severity = Severity::Low;
                    f.message = format!(
                        "{} (tracked; explicitly un-ignored by `{pattern}` in {src}: kept)",
                        f.message
                    );
                    found.push((f, Vec::new()));
                }
                state => {
                    f.message = format!("{} (tracked: it must not be)", f.message);
                    let id = match fixes.iter().position(
                        |x| matches!(&x.kind, FixKind::Untrack { path, .. } if *path == f.path),
                    ) {
                        Some(i) => i,
                        None => {
                            let q = crate::precommit::shell_quote(&f.path);
                            // A fixture that a test suite reads, or someone else's code:
                            // shown, not applied.
                            let fixture = matches!(f.context, Some("test" | "vendor"));
                            let (applicability, note) = if fixture {
                                (
                                    Applicability::DisplayOnly,
                                    "; a test fixture or vendored file: if it is deliberate, \
                                     keep it and allowlist its path in .leakgate.toml",
                                )
                            } else {
                                (Applicability::Unsafe, "")
                            };
                            fixes.push(Fix {
                                id: fixes.len(),
                                applicability,
                                description: format!(
                                    "stop tracking {} (removed from the index only; the file stays on disk{note})",
                                    f.path
                                ),
                                kind: FixKind::Untrack {
                                    path: f.path.clone(),
                                    command: format!("git rm --cached -- {q}"),
                                },
                            });
                            fixes.len() - 1
                        }
                    };
                    let mut ids = vec![id];
                    if state == Ignored::No {
                        blocked.push(f.path.clone());
                        ids.push(GITIGNORE);
                    }
                    found.push((f, ids));
                }
            }
        }
    }
    let mut present: HashSet<String> = HashSet::new();
    let mut note_present = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
        if name.starts_with(".env") {
            present.insert("dotenv-file".to_string());
        }
        // A rule with a content condition (`*.json` holding a service-account key) is not
        // evidenced by the name alone: every `package.json` would count.
        for r in rules.file_rules_for(p) {
            if r.spec.content.is_none() {
                present.insert(r.spec.id.clone());
            }
        }
    };
    for job in &jobs {
        for p in &job.paths {
            if p == ".gitignore" || p.ends_with("/.gitignore") {
                dirs.push(parent_dir(p)); // where nested rules (and negations) live
            }
            if looks_alike(rules, p) {
                dirs.push(parent_dir(p));
                note_present(p);
            }
        }
    }

    // Untracked must-not-track files that nothing ignores.
    for path in untracked_candidates(&workdir, rules, &tracked) {
        dirs.push(parent_dir(&path));
        note_present(&path);
        let full = workdir.join(&path);
        let content = match std::fs::metadata(&full) {
            Ok(md) if md.len() <= opts.max_size => std::fs::read(&full).ok(),
            _ => None,
        };
        let ff = file_findings(rules, &path, content.as_deref());
        if ff.is_empty() {
            continue;
        }
        let state = ignored(&mut stack, &workdir, &path)?;
        for mut f in ff {
            match &state {
                Ignored::Yes => {}
                Ignored::Negated(pattern, src) => {
                    f.rule_id = RULE_GITIGNORE_NEGATED.to_string();
                    f.severity = Severity::Low;
                    f.message = format!(
                        "{} (untracked; explicitly un-ignored by `{pattern}` in {src}: kept)",
                        f.message
                    );
                    found.push((f, Vec::new()));
                }
                Ignored::No => {
                    f.message = format!(
                        "{} (untracked and not ignored: `git add .` would commit it)",
                        f.message
                    );
                    blocked.push(f.path.clone());
                    found.push((f, vec![GITIGNORE]));
                }
            }
        }
    }

    // .gitignore coverage of the must-not-track names, at the root and where such files are.
    dirs.sort();
    dirs.dedup();
    blocked.sort();
    blocked.dedup();
    let blocked_refs: Vec<&str> = blocked.iter().map(String::as_str).collect();
    // The rules this repository needs: the core ones, those of its stacks, those of the
    // files it holds.
    // A file reported by a rule is evidence of it, content condition and all.
    for (f, _) in &found {
        if rules.get_file(&f.rule_id).is_some() {
            present.insert(f.rule_id.clone());
        }
    }
    let stacks = hygiene::Stacks::of_index(&index, rules);
    let in_use = |r: &crate::rules::FileRule| stacks.uses(r) || present.contains(&r.spec.id);
    let mut cov = hygiene::coverage(&repo, &index, rules, &dirs, &blocked_refs, &in_use)?;
    // The patch must not hide tracked source (a `pkg/kubeconfig/` Go package).
    let reported: HashSet<String> = found
        .iter()
        .filter(|(f, _)| f.line.is_none())
        .map(|(f, _)| f.path.clone())
        .collect();
    let kept = hygiene::keep_tracked_visible(
        &mut cov,
        index
            .entries()
            .iter()
            .map(|e| e.path(&index).to_str_lossy().into_owned()),
        &reported,
    );
    let gitignore_fix = match (&cov.patch, &cov.patch_bytes, &cov.new_content) {
        (Some(patch), Some(patch_bytes), Some(new)) => {
            let old = cov.old_content.clone();
            let added = crate::staged::line_count(new)
                .saturating_sub(old.as_deref().map_or(0, crate::staged::line_count));
            fixes.push(Fix {
                id: fixes.len(),
                applicability: Applicability::Safe,
                description: format!(
                    "append {added} lines to .gitignore (must-not-track patterns{}{})",
                    if kept.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; keeps tracked source visible: {}",
                            crate::report::first_few(&kept, 3)
                        )
                    },
                    if old.is_none() {
                        "; creates the file"
                    } else {
                        ""
                    }
                ),
                kind: FixKind::Gitignore {
                    path: ".gitignore".to_string(),
                    patch: patch.clone(),
                    patch_bytes: patch_bytes.clone(),
                    old,
                    new: new.clone(),
                },
            });
            Some(fixes.len() - 1)
        }
        _ => None,
    };
    // One finding per rule and kind (missing / only local), listing its patterns.
    let mut negated_dirs: Vec<(String, String, String)> = Vec::new();
    // One finding per rule whose files are in the repository (tracked, untracked or
    // look-alikes such as `.env.example`), and one for all the other rules; missing coverage
    // and coverage that is only local are told apart.
    // (rule or OTHERS, missing) -> (patterns, directories, local exclude file)
    const OTHERS: &str = "~others"; // sorts after every rule id
    type Group = (Vec<String>, Vec<String>, Option<String>);
    let mut grouped: BTreeMap<(String, bool), Group> = BTreeMap::new();
    let mut others: Vec<String> = Vec::new();
    for u in &cov.uncovered {
        // A directory where the user explicitly un-ignores the name (a nested `!.env`) is
        // their choice: a note, not missing coverage.
        let mut u = u.clone();
        if let Some(name) = hygiene::probe_name(&u.pattern) {
            let mut kept = Vec::new();
            for d in u.dirs.drain(..) {
                let probe = if d.is_empty() {
                    name.clone()
                } else {
                    format!("{d}/{name}")
                };
                match ignored(&mut stack, &workdir, &probe)? {
                    Ignored::Negated(pattern, src) => {
                        if !negated_dirs.iter().any(|(p, _, _)| *p == probe) {
                            negated_dirs.push((probe, pattern, src));
                        }
                    }
                    _ => kept.push(d),
                }
            }
            u.dirs = kept;
            if u.dirs.is_empty() && u.not_shared.is_none() {
                continue;
            }
        }
        let missing = !u.dirs.is_empty();
        let key = if present.contains(&u.rule_id) {
            u.rule_id.clone()
        } else {
            if !others.contains(&u.rule_id) {
                others.push(u.rule_id.clone());
            }
            OTHERS.to_string()
        };
        // Where the answer differs from the root's: when the root misses it, the root says
        // it for every directory below that inherits it; vendored trees are not listed.
        let vendored = |d: &str| d.split('/').any(|c| hygiene::VENDORED.contains(&c));
        if u.dirs.iter().any(String::is_empty) {
            u.dirs = vec![String::new()];
        } else {
            u.dirs.retain(|d| !vendored(d));
        }
        let g = grouped.entry((key, missing)).or_default();
        g.0.push(format!("`{}`", u.pattern));
        for d in &u.dirs {
            let d = if d.is_empty() { "." } else { d.as_str() };
            if !g.1.iter().any(|x| x == d) {
                g.1.push(d.to_string());
            }
        }
        if g.2.is_none() {
            g.2.clone_from(&u.not_shared);
        }
    }
    for ((rule, missing), (patterns, where_, local)) in grouped {
        // The other kinds name their first five patterns; every list of directories stops
        // at five ("and N more").
        let first_few = crate::report::first_few;
        let patterns = first_few(&patterns, if rule == OTHERS { 5 } else { usize::MAX });
        let where_ = first_few(&where_, 5);
        let rule = if rule == OTHERS {
            format!(
                "{} other must-not-track {}",
                others.len(),
                if others.len() == 1 { "kind" } else { "kinds" }
            )
        } else {
            rule
        };
        let (rule_id, severity, message) = if missing {
            (
                RULE_GITIGNORE_MISSING,
                Severity::Medium,
                format!("{patterns} ({rule}) would not be ignored in {where_}"),
            )
        } else {
            (
                RULE_GITIGNORE_NOT_SHARED,
                Severity::Low,
                format!(
                    "{patterns} ({rule}) is ignored only by {}, which is not shared with the team",
                    local.as_deref().unwrap_or("a local exclude file")
                ),
            )
        };
        // What identifies the problem (the kind, its patterns and where): a baseline entry
        // accepts it, and a new kind or directory is a new problem.
        let identity = format!("{rule_id}\n{rule}\n{patterns}\n{where_}");
        let f = Finding {
            rule_id: rule_id.to_string(),
            severity,
            path: ".gitignore".to_string(),
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            secret: None,
            fingerprint: Some(crate::finding::fingerprint(identity.as_bytes())),
            message,
            commit: None,
            date: None,
            refs: Vec::new(),
            context: None,
            allowed: Default::default(),
        };
        found.push((f, vec![GITIGNORE]));
    }
    drop(stack);
    for (probe, pattern, src) in negated_dirs {
        if found.iter().any(|(f, _)| f.path == probe) {
            continue; // the file itself is reported already
        }
        let f = Finding {
            rule_id: RULE_GITIGNORE_NEGATED.to_string(),
            severity: Severity::Low,
            path: probe,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            secret: None,
            fingerprint: None,
            message: format!(
                "such a file would not be ignored: explicitly un-ignored by `{pattern}` in {src} (kept)"
            ),
            commit: None,
            date: None,
            refs: Vec::new(),
            context: None,
            allowed: Default::default(),
        };
        found.push((f, Vec::new()));
    }
    for (_, ids) in &mut found {
        ids.retain(|&i| i != GITIGNORE || gitignore_fix.is_some());
        for i in ids.iter_mut() {
            if *i == GITIGNORE {
                *i = gitignore_fix.expect("checked");
            }
        }
    }

    let mut history = None;
    if let Some(range) = &opts.history {
        let (hist, hstats) = scan_history(&repo, &scanner, range, opts)?;
        found.extend(hist.into_iter().map(|f| (f, Vec::new())));
        history = Some(hstats);
    }

    sort_with_fixes(&mut found);
    let (findings, finding_fixes): (Vec<Finding>, Vec<Vec<usize>>) = found.into_iter().unzip();
    let mut report = Report {
        findings,
        stats,
        errors: Vec::new(),
    };
    report.errors.sort();
    Ok(Lint {
        report,
        finding_fixes,
        fixes,
        workdir,
        history,
        tree_checked: true,
    })
}

// ---------------------------------------------------------------------------------------------
// History

struct CommitInfo {
    short: String,
    date: String,
    time: i64,
}

/// One path whose content a commit introduced, against each parent's version (`None`: absent).
struct Occurrence {
    commit: usize,
    path: String,
    olds: Vec<Option<ObjectId>>,
}

struct HistJob {
    id: ObjectId,
    occurrences: Vec<Occurrence>,
}

#[derive(Default)]
struct HistResult {
    /// (occurrence index in the job, finding)
    findings: Vec<(usize, Finding)>,
    bytes: u64,
    binary: bool,
    too_large: bool,
    /// Not a blob (an entry with a file mode naming another kind of object): nothing to scan.
    not_blob: bool,
    /// The content matched a rule (before the added-lines filter of each occurrence): another
    /// occurrence of this blob must be judged again.
    matched: bool,
}

/// A commit named by `spec`: `HEAD`, a reference (`main`, `origin/main`, `v1.0`), a full or
/// abbreviated commit id, each optionally followed by `~N`, `^N`, `^` or `~`. (gix is built
/// without its `revision` feature, so this small subset of git's syntax is resolved here.)
pub(crate) fn resolve_rev(repo: &gix::Repository, spec: &str) -> Result<ObjectId> {
    let cut = spec.find(['~', '^']).unwrap_or(spec.len());
    let (base, mut suffix) = spec.split_at(cut);
    let mut id = if base.is_empty() || base == "HEAD" {
        repo.head_id()
            .context("HEAD does not point to a commit")?
            .detach()
    } else if let Some(r) = repo.try_find_reference(base).ok().flatten() {
        r.into_fully_peeled_id()
            .with_context(|| format!("cannot peel the reference `{base}`"))?
            .detach()
    } else if base.len() >= 4 && base.len() <= 40 && base.bytes().all(|b| b.is_ascii_hexdigit()) {
        if base.len() == 40 {
            ObjectId::from_hex(base.as_bytes()).context("a commit id")?
        } else {
            let prefix = gix::hash::Prefix::from_hex(base).context("a commit id prefix")?;
            match repo
                .objects
                .lookup_prefix(prefix, None)
                .context("looking up an abbreviated id")?
            {
                Some(Ok(id)) => id,
                Some(Err(())) => bail!("the abbreviated id `{base}` is ambiguous"),
                None => bail!("no commit `{base}` in this repository"),
            }
        }
    } else {
        bail!("no reference or commit `{base}` in this repository");
    };
    let commit_of = |id: ObjectId| -> Result<gix::Commit<'_>> {
        let obj = repo
            .find_object(id)
            .with_context(|| format!("commit {id} is not in this repository"))?;
        obj.peel_to_commit()
            .with_context(|| format!("{id} does not name a commit"))
    };
    id = commit_of(id)?.id;
    while let Some(op) = suffix.chars().next() {
        let rest = &suffix[1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = if digits == 0 {
            1
        } else {
            rest[..digits].parse().context("a number in a revision")?
        };
        suffix = &rest[digits..];
        let steps: Vec<usize> = match op {
            '~' => vec![0; n],
            '^' if n == 0 => Vec::new(),
            '^' => vec![n - 1],
            _ => bail!("unsupported revision syntax `{spec}`"),
        };
        for k in steps {
            let commit = commit_of(id)?;
            let parent = commit
                .parent_ids()
                .nth(k)
                .with_context(|| format!("`{spec}`: commit {id} has no parent {}", k + 1))?
                .detach();
            id = commit_of(parent)?.id;
        }
    }
    Ok(id)
}

/// How to get the history a shallow clone lacks (named in errors).
pub const UNSHALLOW_HINT: &str = "fetch the full history with `git fetch --unshallow` \
     (GitHub Actions: `actions/checkout` with `fetch-depth: 0`; GitLab CI: `GIT_DEPTH: \"0\"`), \
     or enough of it with `git fetch --deepen=N`";

/// `(tips, hidden)` of a revision or an `A..B` range.
fn parse_range(repo: &gix::Repository, range: &str) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
    let shallow = repo.is_shallow().unwrap_or(false);
    let resolve = |spec: &str, what: &str| -> Result<ObjectId> {
        let spec = if spec.is_empty() { "HEAD" } else { spec };
        resolve_rev(repo, spec).map_err(|e| {
            let mut msg =
                format!("cannot resolve the {what} `{spec}` of the history range `{range}`: {e:#}");
            if shallow {
                msg.push_str(&format!(
                    ". This is a shallow clone: `{spec}` may be outside the fetched history; \
                     {UNSHALLOW_HINT}"
                ));
            }
            // `origin/main` missing: the branch was not fetched.
            if let Some((remote, branch)) = spec.split_once('/')
                && !branch.is_empty()
                && repo.remote_names().contains(remote.as_bytes().as_bstr())
            {
                let branch = branch.split(['~', '^']).next().unwrap_or(branch);
                msg.push_str(&format!(
                    "{}fetch the branch: `git fetch {remote} {branch}`",
                    if shallow { "; or " } else { " (" }
                ));
                if !shallow {
                    msg.push(')');
                }
            }
            anyhow::anyhow!(msg)
        })
    };
    if range.contains("...") {
        bail!("history range `{range}`: use `A..B` (symmetric ranges `A...B` are not supported)");
    }
    if let Some((a, b)) = range.split_once("..") {
        Ok((vec![resolve(b, "tip")?], vec![resolve(a, "base")?]))
    } else {
        Ok((vec![resolve(range, "revision")?], Vec::new()))
    }
}

type TreeEntries = std::rc::Rc<[(BString, u16, ObjectId)]>;

/// Decoded trees, by id: consecutive commits share most of their trees (a commit's parent
/// tree is the next commit's own), so each is inflated and decoded once.
#[derive(Default)]
struct TreeCache(HashMap<ObjectId, TreeEntries>, usize);

/// The most tree entries [`TreeCache`] keeps (about 6 MiB): consecutive commits share most
/// trees, and a bounded cache keeps the memory of a long history flat.
const TREE_CACHE_ENTRIES: usize = 64 << 10;

impl TreeCache {
    fn entries(&mut self, repo: &gix::Repository, id: ObjectId) -> Result<TreeEntries> {
        if let Some(e) = self.0.get(&id) {
            return Ok(e.clone());
        }
        let tree = repo
            .find_tree(id)
            .with_context(|| format!("reading tree {id}"))?;
        let decoded = tree
            .decode()
            .with_context(|| format!("decoding tree {id}"))?;
        let entries: TreeEntries = decoded
            .entries
            .iter()
            .map(|e| (e.filename.to_owned(), e.mode.value(), e.oid.to_owned()))
            .collect();
        if self.1 + entries.len() > TREE_CACHE_ENTRIES {
            self.0.clear();
            self.1 = 0;
        }
        self.1 += entries.len();
        self.0.insert(id, entries.clone());
        Ok(entries)
    }
}

const MODE_TREE: u16 = 0o040000;

fn is_blob_mode(mode: u16) -> bool {
    crate::staged::is_file_mode(mode)
}

/// Git's tree order: names compare bytewise, a tree's name as if it ended in `/`.
fn tree_order(a: &[u8], a_mode: u16, b: &[u8], b_mode: u16) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end = |name: &[u8], mode: u16| {
            name.get(n)
                .copied()
                .unwrap_or(if mode == MODE_TREE { b'/' } else { 0 })
        };
        end(a, a_mode).cmp(&end(b, b_mode))
    })
}

/// Blobs added or changed from `old` to `new` (`(path, new id, old id at that path)`), and the
/// ids of blobs that went away (to recognise pure renames).
fn diff_trees(
    repo: &gix::Repository,
    cache: &mut TreeCache,
    prefix: &str,
    old: Option<ObjectId>,
    new: ObjectId,
    changed: &mut Vec<(String, ObjectId, Option<ObjectId>)>,
    gone: &mut HashSet<ObjectId>,
) -> Result<()> {
    if old == Some(new) {
        return Ok(());
    }
    let old_entries = match old {
        Some(o) => cache.entries(repo, o)?,
        None => TreeEntries::from([]),
    };
    let new_entries = cache.entries(repo, new)?;
    let join = |name: &BString| {
        if prefix.is_empty() {
            name.to_str_lossy().into_owned()
        } else {
            format!("{prefix}/{}", name.to_str_lossy())
        }
    };
    // Both lists are in tree order: walk them side by side. A name whose kind changed (file
    // to directory) sorts apart, as a removal and an addition.
    let (mut i, mut j) = (0, 0);
    loop {
        let o = old_entries.get(i);
        let n = new_entries.get(j);
        let ord = match (o, n) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((on, om, _)), Some((nn, nm, _))) => {
                if (*om == MODE_TREE) == (*nm == MODE_TREE) && on == nn {
                    std::cmp::Ordering::Equal
                } else {
                    tree_order(on, *om, nn, *nm)
                }
            }
        };
        match ord {
            std::cmp::Ordering::Less => {
                let (_, m, id) = &old_entries[i];
                if *m == MODE_TREE {
                    collect_gone(repo, cache, *id, gone)?;
                } else {
                    gone.insert(*id);
                }
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                let (name, m, id) = &new_entries[j];
                if *m == MODE_TREE {
                    diff_trees(repo, cache, &join(name), None, *id, changed, gone)?;
                } else if is_blob_mode(*m) {
                    changed.push((join(name), *id, None));
                }
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (name, nm, nid) = &new_entries[j];
                let (_, om, oid) = &old_entries[i];
                if nid != oid || nm != om {
                    if *nm == MODE_TREE {
                        diff_trees(repo, cache, &join(name), Some(*oid), *nid, changed, gone)?;
                    } else if is_blob_mode(*nm) {
                        if is_blob_mode(*om) {
                            if nid != oid {
                                changed.push((join(name), *nid, Some(*oid)));
                            }
                        } else {
                            changed.push((join(name), *nid, None));
                        }
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }
    Ok(())
}

fn collect_gone(
    repo: &gix::Repository,
    cache: &mut TreeCache,
    tree: ObjectId,
    gone: &mut HashSet<ObjectId>,
) -> Result<()> {
    for (_, m, i) in cache.entries(repo, tree)?.iter() {
        if *m == MODE_TREE {
            collect_gone(repo, cache, *i, gone)?;
        } else {
            gone.insert(*i);
        }
    }
    Ok(())
}

fn blob_at(repo: &gix::Repository, tree: ObjectId, path: &str) -> Result<Option<ObjectId>> {
    let tree = repo.find_tree(tree)?;
    Ok(tree
        .lookup_entry_by_path(path)?
        .filter(|e| crate::staged::is_file_mode(e.mode().value()))
        .map(|e| e.object_id()))
}

fn progress(on: bool, msg: &str) {
    if on {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{msg}");
        let _ = err.flush();
    }
}

fn scan_history(
    repo: &gix::Repository,
    scanner: &Scanner,
    range: &str,
    opts: &Options,
) -> Result<(Vec<Finding>, HistoryStats)> {
    let hstats = HistoryStats {
        range: range.to_string(),
        ..HistoryStats::default()
    };
    if opts.all_refs {
        let refs = all_refs(repo)?;
        let tips = refs.iter().map(|(_, id)| *id).collect();
        return scan_commits(repo, scanner, hstats, tips, Vec::new(), opts, Some(&refs));
    }
    if range == "HEAD" && repo.head().context("reading HEAD")?.is_unborn() {
        return Ok((Vec::new(), hstats));
    }
    let (tips, hidden) = parse_range(repo, range)?;
    scan_commits(repo, scanner, hstats, tips, hidden, opts, None)
}

/// Every reference that leads to a commit, `(short name, commit)`: local branches, then
/// remote branches, tags and the others (`refs/stash`, notes, …), each group by name; and
/// `HEAD` when it is detached. A tag of something else than a commit is passed over.
fn all_refs(repo: &gix::Repository) -> Result<Vec<(String, ObjectId)>> {
    let mut refs: Vec<(u8, String, ObjectId)> = Vec::new();
    let platform = repo.references().context("reading the references")?;
    for r in platform.all().context("reading the references")? {
        let mut r = r.map_err(|e| anyhow::anyhow!("reading a reference: {e}"))?;
        let full = r.name().as_bstr().to_str_lossy().into_owned();
        let Ok(commit) = r.peel_to_commit() else {
            continue;
        };
        let group = match full.split('/').nth(1) {
            Some("heads") => 0,
            Some("remotes") => 1,
            Some("tags") => 2,
            _ => 3,
        };
        refs.push((
            group,
            r.name().shorten().to_str_lossy().into_owned(),
            commit.id,
        ));
    }
    if let Ok(head) = repo.head()
        && head.is_detached()
        && let Some(id) = head.id()
    {
        refs.push((4, "HEAD".to_string(), id.detach()));
    }
    refs.sort();
    Ok(refs.into_iter().map(|(_, n, id)| (n, id)).collect())
}

/// For each commit (by index in `commits`, which lists each commit with its parents), the refs
/// that contain it, as bit sets over `refs`; `None` when that would take more than 32 MiB.
fn ref_membership(
    commits: &[(ObjectId, Vec<ObjectId>)],
    refs: &[(String, ObjectId)],
) -> Option<Vec<u64>> {
    let words = refs.len().div_ceil(64);
    if words == 0 || commits.len().saturating_mul(words) > 4 << 20 {
        return None;
    }
    let index: HashMap<ObjectId, usize> = commits
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut bits = vec![0u64; commits.len() * words];
    for (k, (_, id)) in refs.iter().enumerate() {
        if let Some(&i) = index.get(id) {
            bits[i * words + k / 64] |= 1 << (k % 64);
        }
    }
    // Children before parents (Kahn's order): a commit's refs flow to its parents.
    let mut children = vec![0u32; commits.len()];
    for (_, parents) in commits {
        for p in parents {
            if let Some(&i) = index.get(p) {
                children[i] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = (0..commits.len()).filter(|&i| children[i] == 0).collect();
    while let Some(c) = ready.pop() {
        for p in &commits[c].1 {
            let Some(&pi) = index.get(p) else { continue };
            for w in 0..words {
                bits[pi * words + w] |= bits[c * words + w];
            }
            children[pi] -= 1;
            if children[pi] == 0 {
                ready.push(pi);
            }
        }
    }
    Some(bits)
}

/// Scan the commits reachable from `tips` and from none of `hidden` (commits; `hidden` may be
/// empty), as `lint --history` does, with the same rules and options; `label` names the
/// range in the stats and in errors. For `pre-push`, which computes its own range.
pub fn scan_history_between(
    repo: &gix::Repository,
    rules: &RuleSet,
    label: &str,
    tips: Vec<ObjectId>,
    hidden: Vec<ObjectId>,
    opts: &Options,
) -> Result<(Vec<Finding>, HistoryStats)> {
    let scanner = Scanner::new(rules);
    let hstats = HistoryStats {
        range: label.to_string(),
        ..HistoryStats::default()
    };
    scan_commits(repo, &scanner, hstats, tips, hidden, opts, None)
}

fn scan_commits(
    repo: &gix::Repository,
    scanner: &Scanner,
    mut hstats: HistoryStats,
    tips: Vec<ObjectId>,
    hidden: Vec<ObjectId>,
    opts: &Options,
    refs: Option<&[(String, ObjectId)]>,
) -> Result<(Vec<Finding>, HistoryStats)> {
    let range = hstats.range.clone();
    if tips.is_empty() {
        return Ok((Vec::new(), hstats));
    }
    let has_base = !hidden.is_empty();
    let walk = repo
        .rev_walk(tips)
        .with_hidden(hidden)
        .all()
        .context("walking the history")?;
    let mut commits: Vec<(ObjectId, Vec<ObjectId>)> = Vec::new();
    for info in walk {
        let info = info.context("walking the history (a shallow clone is missing commits?)")?;
        commits.push((info.id, info.parent_ids.iter().copied().collect()));
    }
    // In a shallow clone, a range whose walk reaches the clone's boundary before its base cannot
    // be scanned exactly: the commits in between are missing, and the boundary commit would
    // look as if it added its whole tree.
    if has_base
        && let Some(boundary) = repo
            .shallow_commits()
            .context("reading the shallow clone's boundary")?
        && let Some((id, _)) = commits
            .iter()
            .find(|(id, _)| boundary.iter().any(|b| b == id))
    {
        bail!(
            "the history range `{range}` reaches the shallow clone's boundary at commit {} \
             before reaching its base: the commits in between were not fetched, so the range \
             cannot be scanned; {UNSHALLOW_HINT}",
            id.to_hex_with_len(12)
        );
    }
    let show = opts.progress;
    let total = commits.len();
    let started = std::time::Instant::now();
    let mut infos: Vec<CommitInfo> = Vec::with_capacity(total);
    let mut trees = TreeCache::default();
    // The blobs scanned so far, and whether their content matched a rule. Commits are read
    // and their new blobs scanned in batches, so memory stays flat however long the history:
    // what is kept is this map, the commits' ids and dates, and the findings.
    let mut seen: HashMap<ObjectId, bool> = HashMap::new();
    let mut batch: Vec<HistJob> = Vec::new();
    let mut in_batch: HashMap<ObjectId, usize> = HashMap::new();
    // (rule, fingerprint, path) -> (time, commit index, finding): the oldest introduction.
    let mut best: BTreeMap<(String, String, String), (i64, usize, Finding)> = BTreeMap::new();
    let mut flush = |batch: &mut Vec<HistJob>,
                     in_batch: &mut HashMap<ObjectId, usize>,
                     seen: &mut HashMap<ObjectId, bool>,
                     infos: &[CommitInfo],
                     hstats: &mut HistoryStats|
     -> Result<()> {
        let max_size = opts.max_size;
        let results = parallel(repo, batch, |r, scratch, job| {
            scan_history_blob(r, scanner, scratch, job, max_size)
        })?;
        for (job, res) in batch.iter().zip(results) {
            let first = seen.insert(job.id, res.matched).is_none();
            if !first {
                // scanned again for another occurrence: counted once
            } else if res.not_blob {
                // an entry with a file mode that names no blob: nothing was read
            } else if res.too_large {
                hstats.skipped_too_large += 1;
                if let Some(occ) = job.occurrences.first() {
                    hstats.too_large_paths.push(occ.path.clone());
                }
            } else if res.binary {
                hstats.skipped_binary += 1;
            } else {
                hstats.blobs_scanned += 1;
                hstats.bytes_scanned += res.bytes;
            }
            for (k, mut f) in res.findings {
                let occ = &job.occurrences[k];
                let info = &infos[occ.commit];
                f.commit = Some(info.short.clone());
                f.date = Some(info.date.clone());
                let key = (
                    f.rule_id.clone(),
                    f.fingerprint.clone().unwrap_or_default(),
                    f.path.clone(),
                );
                let older = best
                    .get(&key)
                    .is_none_or(|(t, n, _)| info.time < *t || (info.time == *t && occ.commit > *n));
                if older {
                    best.insert(key, (info.time, occ.commit, f));
                }
            }
        }
        batch.clear();
        in_batch.clear();
        Ok(())
    };
    for (n, (id, parents)) in commits.iter().enumerate() {
        if show && n % 64 == 0 {
            let rate = n as f64 / started.elapsed().as_secs_f64().max(1e-3);
            progress(
                true,
                &format!(
                    "leakgate: history: commit {}/{total}, {} blobs scanned ({rate:.0} commits/s)",
                    n + 1,
                    hstats.blobs_scanned
                ),
            );
        }
        let commit = repo
            .find_commit(*id)
            .with_context(|| format!("reading commit {id}"))?;
        let tree = commit
            .tree_id()
            .with_context(|| format!("reading the tree of {id}"))?
            .detach();
        let (date, time) = match commit.author().ok().and_then(|a| a.time().ok()) {
            Some(t) => (
                t.format(gix::date::time::format::ISO8601_STRICT)
                    .unwrap_or_default(),
                t.seconds,
            ),
            None => (String::new(), 0),
        };
        infos.push(CommitInfo {
            short: id.to_hex_with_len(7).to_string(),
            date,
            time,
        });
        // Parent trees; a parent outside a shallow clone counts as absent.
        let mut parent_trees: Vec<Option<ObjectId>> = Vec::new();
        for p in parents {
            parent_trees.push(
                repo.find_commit(*p)
                    .ok()
                    .and_then(|c| c.tree_id().ok())
                    .map(|t| t.detach()),
            );
        }
        let first = parent_trees.first().copied().flatten();
        let mut changed = Vec::new();
        let mut gone = HashSet::new();
        diff_trees(repo, &mut trees, "", first, tree, &mut changed, &mut gone)?;
        'paths: for (path, new, old) in changed {
            if old.is_none() && gone.contains(&new) {
                continue; // a pure rename or copy of content the parent had
            }
            // A blob whose content matched nothing needs no second look, unless a file rule
            // names this path (a `.env` committed with content seen elsewhere).
            if seen.get(&new) == Some(&false) && scanner.rules.file_rules_for(&path).is_empty() {
                continue;
            }
            let mut olds = vec![old];
            for t in parent_trees.iter().skip(1) {
                let other = match t {
                    Some(t) => blob_at(repo, *t, &path)?,
                    None => None,
                };
                if other == Some(new) {
                    continue 'paths; // the merge took this parent's version
                }
                olds.push(other);
            }
            let occ = Occurrence {
                commit: n,
                path,
                olds,
            };
            match in_batch.get(&new) {
                Some(&k) => batch[k].occurrences.push(occ),
                None => {
                    in_batch.insert(new, batch.len());
                    batch.push(HistJob {
                        id: new,
                        occurrences: vec![occ],
                    });
                }
            }
        }
        if batch.len() >= HISTORY_BATCH {
            flush(&mut batch, &mut in_batch, &mut seen, &infos, &mut hstats)?;
        }
    }
    flush(&mut batch, &mut in_batch, &mut seen, &infos, &mut hstats)?;
    hstats.commits = total as u64;
    progress(show, "");

    let membership = match refs {
        Some(refs) if !best.is_empty() => ref_membership(&commits, refs),
        _ => None,
    };
    let mut out: Vec<Finding> = Vec::with_capacity(best.len());
    for (_, n, mut f) in best.into_values() {
        if let (Some(bits), Some(refs)) = (&membership, refs) {
            let words = refs.len().div_ceil(64);
            f.refs = (0..refs.len())
                .filter(|k| bits[n * words + k / 64] & (1 << (k % 64)) != 0)
                .map(|k| refs[k].0.clone())
                .collect();
        }
        out.push(f);
    }
    for f in &mut out {
        if f.line.is_none() {
            f.message = format!(
                "{}: `{}` was committed in {} and is still in history",
                f.message,
                f.path,
                f.commit.as_deref().unwrap_or("?")
            );
        }
    }
    Ok((out, hstats))
}

/// How many new blobs are collected before they are scanned (and forgotten).
const HISTORY_BATCH: usize = 2048;

fn scan_history_blob(
    repo: &gix::Repository,
    scanner: &Scanner,
    scratch: &mut Scratch,
    job: &HistJob,
    max_size: u64,
) -> Result<HistResult> {
    let mut res = HistResult::default();
    let obj = repo
        .find_object(job.id)
        .with_context(|| format!("reading blob {}", job.id))?;
    if obj.kind != gix::object::Kind::Blob {
        res.not_blob = true;
        return Ok(res);
    }
    let data = &obj.data;
    let content = (data.len() as u64 <= max_size).then_some(data.as_slice());
    for (k, occ) in job.occurrences.iter().enumerate() {
        for f in file_findings(scanner.rules, &occ.path, content) {
            res.findings.push((k, f));
        }
    }
    if data.len() as u64 > max_size {
        res.too_large = true;
        return Ok(res);
    }
    let Some(data) = text_of(data) else {
        res.binary = true;
        return Ok(res);
    };
    let data = &*data;
    res.bytes = data.len() as u64;
    let matches = scanner.scan(data, scratch);
    if matches.is_empty() {
        return Ok(res);
    }
    let found = crate::finding::from_matches(scanner.rules, "", data, &matches);
    res.matched = !found.is_empty();
    for (k, occ) in job.occurrences.iter().enumerate() {
        // A line is this commit's if it is added against every parent (a parent without the
        // file, or with a binary version, adds every line).
        let mut per_parent: Vec<Vec<std::ops::Range<u32>>> = Vec::new();
        for old in occ.olds.iter().flatten() {
            let old = repo
                .find_object(*old)
                .with_context(|| format!("reading blob {old}"))?;
            if old.kind != gix::object::Kind::Blob {
                continue; // nothing of this parent's: every line is added against it
            }
            if let Some(old) = text_of(&old.data) {
                per_parent.push(crate::staged::added_lines(&old, data));
            }
        }
        for f in &found {
            let (s, e) = (f.line.unwrap_or(0), f.end_line.unwrap_or(0));
            let keep = per_parent
                .iter()
                .all(|ranges| ranges.iter().any(|r| s < r.end && e >= r.start));
            if keep {
                let mut f = f.clone();
                f.path = occ.path.clone();
                res.findings.push((k, f));
            }
        }
    }
    Ok(res)
}

// ---------------------------------------------------------------------------------------------
// Applying fixes

/// Apply the fixes; returns one line per change made.
/// Apply the safe fixes, and the unsafe ones too if `unsafe_fixes` (never the display-only
/// ones); returns what was done.
pub fn apply(dir: &Path, lint: &Lint, unsafe_fixes: bool) -> Result<Vec<String>> {
    let mut done = Vec::new();
    // Check first, write after: an error leaves everything as it was.
    for fix in &lint.fixes {
        if let FixKind::Gitignore { path, old, .. } = &fix.kind {
            let full = lint.workdir.join(path);
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
        .fixes
        .iter()
        .filter(|f| unsafe_fixes && f.applicability == Applicability::Unsafe)
        .filter_map(|f| match &f.kind {
            FixKind::Untrack { path, .. } => Some(path.as_str()),
            FixKind::Gitignore { .. } => None,
        })
        .collect();
    if !untrack.is_empty() {
        let repo = crate::precommit::open_repo(dir)?;
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
        let mut index = crate::staged::read_index(&index_path, repo.object_hash())
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
    for fix in &lint.fixes {
        if let FixKind::Gitignore { path, new, .. } = &fix.kind {
            let full = lint.workdir.join(path);
            gitignore::write_atomic_within(&lint.workdir, &full, new)
                .with_context(|| format!("writing {}", full.display()))?;
            done.push(format!("{}: {}", path, fix.description));
        }
    }
    Ok(done)
}

// ---------------------------------------------------------------------------------------------
// Output

/// `3 problems, 2 fixable with --fix`.
pub fn summary(l: &Lint) -> String {
    let n = l.problems();
    let s = &l.report.stats;
    let mut parts = Vec::new();
    if l.tree_checked {
        let mut tree = format!(
            "scanned {}, {}",
            plural(s.files_scanned as usize, "tracked file", "tracked files"),
            crate::report::human_bytes(s.bytes_scanned)
        );
        let skipped = s.skipped_parts();
        if !skipped.is_empty() {
            tree.push_str(&format!(" (skipped {})", skipped.join(", ")));
        }
        parts.push(tree);
    }
    parts.extend(s.held_back_parts());
    if let Some(h) = &l.history {
        parts.push(format!("history {}: {}", h.range, h.counts()));
    }
    if s.baselined > 0 {
        parts.push(format!("{} baselined", s.baselined));
    }
    let scanned = parts.join("; ");
    let notes = l.report.findings.len() - n;
    let notes = if notes > 0 {
        format!(", {notes} {}", if notes == 1 { "note" } else { "notes" })
    } else {
        String::new()
    };
    if n == 0 {
        format!("no problems found{notes} ({scanned})")
    } else {
        let more = match l.unsafe_fixable() {
            0 => String::new(),
            m => format!(" ({m} more with --unsafe-fixes)"),
        };
        format!(
            "{n} {}, {} fixable with --fix{more}{notes} ({scanned})",
            if n == 1 { "problem" } else { "problems" },
            l.fixable()
        )
    }
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

pub fn render_text(
    l: &Lint,
    rules: &RuleSet,
    style: &crate::report::Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use owo_colors::OwoColorize;
    for f in &l.report.findings {
        writeln!(out, "{}", crate::report::text_line(f, style.color))?;
    }
    crate::report::help(&l.report.findings, rules, style, out)?;
    if !l.fixes.is_empty() {
        let head = "Fixes (`leakgate lint --fix` applies the safe ones; `leakgate lint --diff` prints the patch):";
        writeln!(
            out,
            "\n{}",
            if style.color {
                head.bold().to_string()
            } else {
                head.to_string()
            }
        )?;
        for fix in &l.fixes {
            let when = match fix.applicability {
                Applicability::Safe => "",
                Applicability::Unsafe => " [unsafe: with --unsafe-fixes]",
                Applicability::DisplayOnly => " [not applied]",
            };
            match &fix.kind {
                FixKind::Untrack { command, .. } => {
                    writeln!(out, "  - {} (like `{command}`){when}", fix.description)?
                }
                FixKind::Gitignore { patch, .. } => {
                    writeln!(out, "  - {}:", fix.description)?;
                    write!(out, "{}", indent(patch, "      "))?;
                }
            }
        }
        writeln!(out)?;
    }
    if l.report.findings.iter().any(|f| f.commit.is_some()) {
        writeln!(
            out,
            "Secrets found in history must be rotated: deleting them in a later commit does not remove them from history."
        )?;
    }
    let line = summary(l);
    let line = match (style.color, l.problems() == 0) {
        (true, true) => line.green().to_string(),
        (true, false) => line.red().bold().to_string(),
        _ => line,
    };
    writeln!(out, "{line}")
}

fn findings_json(l: &Lint) -> Vec<serde_json::Value> {
    l.report
        .findings
        .iter()
        .zip(&l.finding_fixes)
        .map(|(f, fx)| {
            let mut v = serde_json::to_value(f).expect("a finding serializes");
            v["fixes"] = serde_json::json!(fx);
            v
        })
        .collect()
}

pub fn render_json(l: &Lint, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut value = serde_json::json!({
        "version": 1,
        "findings": findings_json(l),
        "fixes": l.fixes,
        "summary": {"problems": l.problems(), "fixable": l.fixable(), "unsafe_fixable": l.unsafe_fixable()},
        "stats": l.report.stats,
        "errors": l.report.errors,
    });
    if let Some(h) = &l.history {
        value["history"] = serde_json::json!(h);
    }
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

pub fn render_sarif(
    l: &Lint,
    rules: &RuleSet,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut log = crate::report::sarif_log(&l.report, rules);
    let run = &mut log["runs"][0];
    if let Some(results) = run["results"].as_array_mut() {
        for (result, fx) in results.iter_mut().zip(&l.finding_fixes) {
            let mut sarif_fixes = Vec::new();
            let mut other = Vec::new();
            for &i in fx {
                let fix = &l.fixes[i];
                match &fix.kind {
                    FixKind::Gitignore { path, old, new, .. } => {
                        let old_len = old.as_deref().map_or(0, <[u8]>::len);
                        let inserted = String::from_utf8_lossy(&new[old_len..]);
                        sarif_fixes.push(serde_json::json!({
                            "description": {"text": fix.description},
                            "artifactChanges": [{
                                "artifactLocation": {"uri": path},
                                "replacements": [{
                                    "deletedRegion": {"byteOffset": old_len, "byteLength": 0},
                                    "insertedContent": {"text": inserted},
                                }],
                            }],
                        }));
                    }
                    FixKind::Untrack { command, .. } => {
                        other.push(format!("{} (`{command}`)", fix.description))
                    }
                }
            }
            if !sarif_fixes.is_empty() {
                result["fixes"] = serde_json::json!(sarif_fixes);
            }
            if !other.is_empty() {
                result["properties"]["indexFixes"] = serde_json::json!(other);
            }
        }
    }
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Render in the chosen format.
pub fn render(
    format: crate::report::Format,
    l: &Lint,
    rules: &RuleSet,
    style: &crate::report::Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        crate::report::Format::Text => render_text(l, rules, style, out),
        crate::report::Format::Json => render_json(l, out),
        crate::report::Format::Sarif => render_sarif(l, rules, out),
    }
}
