//! `leakgate lint`: repository hygiene, with fixes.
//!
//! One report of: tracked files that must never be tracked (read from the index), `.gitignore`
//! coverage of the must-not-track names, untracked must-not-track files that nothing ignores,
//! and secrets in the index (what the next commit would contain). With `--history`, every
//! commit reachable from `HEAD` (or a range) is scanned too. Fixable findings carry fixes: a
//! `.gitignore` append and untracking a file from the index (the file stays on disk).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

use crate::finding::Finding;
use crate::gitignore;
use crate::hygiene;
use crate::report::{Report, Stats, plural};
use crate::rules::{
    RULE_GITIGNORE_MISSING, RULE_GITIGNORE_NEGATED, RULE_GITIGNORE_NOT_SHARED, RuleSet, Severity,
};
use crate::scan::{Scanner, Scratch};

mod fix;
mod history;
mod render;
mod revs;
mod tracked;
mod trees;

pub use fix::apply;
pub use history::scan_history_between;
use history::*;
pub use render::summary;
pub use revs::UNSHALLOW_HINT;
pub(crate) use revs::resolve_rev;
use revs::*;
use tracked::*;
use trees::*;

#[derive(Debug, Clone)]
pub struct Options {
    /// Blobs larger than this are skipped (and counted).
    pub max_size: u64,
    /// Scan history: a revision (`HEAD`) or a range (`origin/main..HEAD`).
    pub history: Option<String>,
    /// Only the history: no check of the index, the working tree or `.gitignore` (a CI job
    /// on a pull request, which asks what its commits add).
    pub history_only: bool,
    /// Where history reports how far it has got (the command draws a line on a terminal;
    /// `None`: nothing is reported).
    pub progress: Option<ProgressSink>,
    /// History of every reference (branches, tags, remote branches, …), not of `history`.
    pub all_refs: bool,
}

pub use crate::fix::{Applicability, Fix, FixKind};

/// How far a history scan has got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryProgress {
    /// The commit being read (1-based), of `total`.
    pub commit: usize,
    pub total: usize,
    pub blobs_scanned: u64,
    /// Commits read a second, since the start.
    pub rate: f64,
}

/// Where a history scan reports its progress: every 64 commits, then `None` when it ends. The
/// library writes nothing itself: the command decides whether (a terminal) and how to show it.
#[derive(Clone)]
pub struct ProgressSink(std::sync::Arc<ProgressFn>);

/// What a [`ProgressSink`] calls.
type ProgressFn = dyn Fn(Option<&HistoryProgress>) + Send + Sync;

impl ProgressSink {
    pub fn new(f: impl Fn(Option<&HistoryProgress>) + Send + Sync + 'static) -> ProgressSink {
        ProgressSink(std::sync::Arc::new(f))
    }

    pub(crate) fn report(&self, p: Option<&HistoryProgress>) {
        (self.0)(p)
    }
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

pub use crate::report::HistoryStats;

/// A lint run: its report (findings, fixes, history), and what it looked at.
#[derive(Debug, Default)]
pub struct Lint {
    pub report: Report,
    /// Whether the index and the working tree were checked (not with `--history-only`).
    pub tree_checked: bool,
}

impl Lint {
    /// Take the history findings (and stats) of an earlier run of the same repository, so that
    /// the report after `--fix` need not scan history again.
    pub fn with_history_of(mut self, earlier: Lint) -> Lint {
        self.report.findings.extend(
            earlier
                .report
                .findings
                .into_iter()
                .filter(|f| f.commit.is_some()),
        );
        self.report.history = earlier.report.history;
        self.report.sort();
        self
    }
}

fn negated_note(mut f: Finding, kind: &str, pattern: &str, src: &str) -> Finding {
    f.rule_id = RULE_GITIGNORE_NEGATED.to_string();
    f.severity = Severity::Low;
    f.message = format!(
        "{} ({kind}; explicitly un-ignored by `{pattern}` in {src}: kept)",
        f.message
    );
    f
}

/// Lint `repo` (opened with [`crate::git::open_repo`], or [`crate::git::open_any`] for
/// `history_only`: history alone needs no work tree, a bare repository is linted too).
pub fn run(repo: &gix::Repository, rules: &RuleSet, opts: &Options) -> Result<Lint> {
    crate::git::limit_allocator_caches();
    // (a handle of this run's own, with its own object cache)
    let mut repo = repo.clone();
    repo.object_cache_size_if_unset(4 << 20);
    let scanner = Scanner::new(rules);
    if opts.history_only {
        let range = opts.history.as_deref().unwrap_or("HEAD");
        let (findings, hstats) = scan_history(&repo, &scanner, range, opts)?;
        let mut report = Report {
            findings,
            history: Some(hstats),
            ..Report::default()
        };
        report.sort();
        return Ok(Lint {
            report,
            tree_checked: false,
        });
    }
    let workdir = repo.workdir().expect("checked in open_repo").to_path_buf();
    let index_path = repo.index_path();
    let index = crate::git::staged::read_index(&index_path, repo.object_hash())
        .with_context(|| format!("{}: cannot read the index", index_path.display()))?;
    // Stat-clean files are read from the working tree (cheaper than inflating blobs out of
    // packs), unless checking out may convert content or the stat options are unknown.
    let stat_opts = repo.stat_options().ok();
    let verbatim = match stat_opts {
        Some(_) => checkout_is_verbatim(&repo, &index),
        None => tracked::Verbatim::None,
    };
    let index_time = index.timestamp();
    let disk = DiskAccess {
        workdir: workdir.clone(),
        opts: stat_opts.unwrap_or_default(),
        hash: repo.object_hash(),
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
        // A symlink's blob is its target's path (text that reaches every clone); read from
        // the object database, never through the link on disk.
        let link = mode == gix::index::entry::Mode::SYMLINK;
        if !crate::git::staged::is_file_mode(mode.bits() as u16) {
            continue; // submodules (and a sparse index's directories): no content to scan
        }
        // A file of a racily clean entry (written no earlier than the index) may hide a change
        // of the same size within the same second: its content is read only if it hashes to
        // the entry's blob.
        let usable = !link
            && verbatim.covers(path.as_bytes())
            && !entry.flags.intersects(
                gix::index::entry::Flags::ASSUME_VALID | gix::index::entry::Flags::SKIP_WORKTREE,
            );
        let verify = entry.stat.is_racy(index_time, disk.opts);
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
        // (a file that needs no hashing is preferred)
        if usable && jobs[k].disk.is_none_or(|d| d.verify && !verify) {
            jobs[k].disk = Some(DiskCopy {
                path: jobs[k].paths.len() - 1,
                stat: entry.stat,
                verify,
            });
        }
    }
    let results = parallel(&repo, &jobs, |r, scratch, job| {
        scan_index_blob(r, &scanner, scratch, job, opts.max_size, &disk)
    })?;

    // One exclude stack for every ignore query, the coverage check's included.
    let mut excludes = hygiene::Excludes::new(&repo, &index)?;

    // Findings (with the ids of their fixes), each with whether the `.gitignore` fix fixes it
    // too: that fix, if there is one, is made at the end.
    let mut found: Vec<(Finding, bool)> = Vec::new();
    let mut fixes: Vec<Fix> = Vec::new();
    let mut stats = Stats::default();
    let mut blocked: Vec<String> = Vec::new();
    let mut dirs: Vec<String> = vec![String::new()];

    for r in results {
        stats.add(&r.stats);
        for mut f in r.findings {
            if f.line.is_some() {
                found.push((f, false));
                continue;
            }
            dirs.push(parent_dir(&f.path));
            match ignored(&mut excludes.stack, &workdir, &f.path)? {
                Ignored::Negated(pattern, src) => {
                    found.push((negated_note(f, "tracked", &pattern, &src), false))
                }
                state => {
                    f.message = format!("{} (tracked: it must not be)", f.message);
                    let id = match fixes.iter().position(
                        |x| matches!(&x.kind, FixKind::Untrack { path, .. } if *path == f.path),
                    ) {
                        Some(i) => i,
                        None => {
                            let q = crate::report::shell_quote(&f.path);
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
                    f.fixes = vec![id];
                    if state == Ignored::No {
                        blocked.push(f.path.clone());
                    }
                    found.push((f, state == Ignored::No));
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
        let ff = crate::check::untracked_file_findings(rules, &path, content.as_deref());
        if ff.is_empty() {
            continue;
        }
        let state = ignored(&mut excludes.stack, &workdir, &path)?;
        for mut f in ff {
            match &state {
                Ignored::Yes => {}
                Ignored::Negated(pattern, src) => {
                    found.push((negated_note(f, "untracked", pattern, src), false))
                }
                Ignored::No => {
                    f.message = format!(
                        "{} (untracked and not ignored: `git add .` would commit it)",
                        f.message
                    );
                    blocked.push(f.path.clone());
                    found.push((f, true));
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
    let mut cov = hygiene::coverage_in(&mut excludes, rules, &dirs, &blocked_refs, &in_use)?;
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
            let added = crate::git::staged::line_count(new)
                .saturating_sub(old.as_deref().map_or(0, crate::git::staged::line_count));
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
                            // One name, then a count: the patch itself lists them all, and
                            // the line stays short (a vendored path can be long).
                            crate::report::first_few(&kept, 1)
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
        if let Some(name) = gitignore::probe_name(&u.pattern) {
            let mut kept = Vec::new();
            for d in u.dirs.drain(..) {
                let probe = if d.is_empty() {
                    name.clone()
                } else {
                    format!("{d}/{name}")
                };
                match ignored(&mut excludes.stack, &workdir, &probe)? {
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
        let mut f = Finding::file_level(rule_id, severity, ".gitignore", message);
        f.fingerprint = Some(crate::finding::fingerprint(identity.as_bytes()));
        f.context = None;
        found.push((f, true));
    }
    drop(excludes);
    for (probe, pattern, src) in negated_dirs {
        if found.iter().any(|(f, _)| f.path == probe) {
            continue; // the file itself is reported already
        }
        let mut f = Finding::file_level(
            RULE_GITIGNORE_NEGATED,
            Severity::Low,
            &probe,
            format!(
                "such a file would not be ignored: explicitly un-ignored by `{pattern}` in {src} (kept)"
            ),
        );
        f.context = None;
        found.push((f, false));
    }
    let mut findings: Vec<Finding> = (found.into_iter())
        .map(|(mut f, gitignore)| {
            f.fixes.extend(gitignore_fix.filter(|_| gitignore));
            f
        })
        .collect();

    let mut history = None;
    if let Some(range) = &opts.history {
        let (hist, hstats) = scan_history(&repo, &scanner, range, opts)?;
        findings.extend(hist);
        history = Some(hstats);
    }

    let mut report = Report {
        findings,
        fixes,
        stats,
        history,
        ..Report::default()
    };
    report.sort();
    Ok(Lint {
        report,
        tree_checked: true,
    })
}
