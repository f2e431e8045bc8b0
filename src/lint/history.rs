//! `lint --history` and pre-push: the commits of a range, their trees diffed, and the blobs
//! they added scanned once each.

use super::*;
use crate::git::objects::Objects;

pub(super) struct CommitInfo {
    pub(super) short: String,
    pub(super) date: String,
    pub(super) time: i64,
}

/// One path whose content a commit introduced, against each parent's version (`None`: absent).
pub(super) struct Occurrence {
    pub(super) commit: usize,
    pub(super) path: String,
    pub(super) olds: Vec<Option<ObjectId>>,
}

pub(super) struct HistJob {
    pub(super) id: ObjectId,
    pub(super) occurrences: Vec<Occurrence>,
}

#[derive(Default)]
pub(super) struct HistResult {
    /// (occurrence index in the job, finding)
    pub(super) findings: Vec<(usize, Finding)>,
    pub(super) bytes: u64,
    pub(super) binary: bool,
    pub(super) too_large: bool,
    /// Not a blob (an entry with a file mode naming another kind of object): nothing to scan.
    pub(super) not_blob: bool,
    /// Absent from the object database (a partial clone, a mirror that lacks it): not scanned.
    pub(super) missing: bool,
    /// Its content matched nothing (before the added-lines filter of each occurrence): another
    /// occurrence of this blob adds nothing either.
    pub(super) clean: bool,
}

pub(super) fn scan_history(
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
        // Peeling every reference touches much of the pack index: done through a handle that
        // is dropped (and its pages unmapped) before the history is read.
        let refs = all_refs(&crate::git::Reopen::of(repo).open_with(HISTORY_CACHES)?)?;
        let tips = refs.iter().map(|(_, id)| *id).collect();
        let names = RefNames::Walked(&refs);
        return scan_commits(repo, scanner, hstats, tips, Vec::new(), opts, names);
    }
    if range == "HEAD" && repo.head().context("reading HEAD")?.is_unborn() {
        return Ok((Vec::new(), hstats));
    }
    // (through a handle that is dropped: resolving revisions opens the pack index, whose pages
    // would stay mapped)
    let (tips, hidden) = parse_range(
        &crate::git::Reopen::of(repo).open_with(HISTORY_CACHES)?,
        range,
    )?;
    scan_commits(repo, scanner, hstats, tips, hidden, opts, RefNames::Lookup)
}

/// Which references a history finding names (those that contain its commit).
#[derive(Clone, Copy)]
pub(super) enum RefNames<'a> {
    /// None (pre-push: what a push sends is in no reference yet, but the one pushed).
    None,
    /// These, whose history is the one walked (`--all`).
    Walked(&'a [(String, ObjectId)]),
    /// Every reference of the repository, looked up when there are findings (a revision or a
    /// range: references outside it may contain its commits too).
    Lookup,
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
    scan_commits(repo, &scanner, hstats, tips, hidden, opts, RefNames::None)
}

pub(super) fn scan_commits(
    repo: &gix::Repository,
    scanner: &Scanner,
    mut hstats: HistoryStats,
    tips: Vec<ObjectId>,
    hidden: Vec<ObjectId>,
    opts: &Options,
    refs: RefNames<'_>,
) -> Result<(Vec<Finding>, HistoryStats)> {
    let range = hstats.range.clone();
    if tips.is_empty() {
        return Ok((Vec::new(), hstats));
    }
    let has_base = !hidden.is_empty();
    // The history is read through handles of its own, opened again every so often: the pack
    // pages (and index pages) a handle has touched stay mapped, and count in memory, until it
    // is dropped; a long history touches all of its packs.
    let reopen = crate::git::Reopen::of(repo);
    let walker = reopen.open_with(HISTORY_CACHES)?;
    let mut commits: Vec<(ObjectId, Vec<ObjectId>)> = Vec::new();
    {
        let walk = walker
            .rev_walk(tips)
            .with_hidden(hidden.iter().copied())
            .all()
            .context("walking the history")?;
        for info in walk {
            let info = info.context("walking the history (a shallow clone is missing commits?)")?;
            commits.push((info.id, info.parent_ids.iter().copied().collect()));
        }
    }
    // The walk touched every commit (and, with a base, every commit it hides): let go of
    // those pages. Commits, trees and blobs are then read by leakgate's own pack reader
    // (which lets go of the pages it touched as it goes).
    drop(walker);
    let mut objects =
        Objects::owned(reopen.open_with(HISTORY_CACHES)?).with_delta_cache(LINT_CACHES.delta);
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
    let sink = opts.progress.as_ref();
    let total = commits.len();
    let started = std::time::Instant::now();
    let mut infos: Vec<CommitInfo> = Vec::with_capacity(total);
    let mut trees = TreeCache::default();
    // Commits are read and their new blobs scanned in batches, so memory stays flat however
    // long the history: what is kept is the blobs seen (and whether their content matched
    // nothing), the commits' ids and dates, and the findings.
    let mut seen: HashMap<ObjectId, bool> = HashMap::new();
    let mut batch: Vec<HistJob> = Vec::new();
    let mut in_batch: HashMap<ObjectId, usize> = HashMap::new();
    // (rule, fingerprint, path) -> (time, commit index, finding): the oldest introduction.
    let mut best: BTreeMap<(String, String, String), (i64, usize, Finding)> = BTreeMap::new();
    let mut flush = |repo: &gix::Repository,
                     batch: &mut Vec<HistJob>,
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
            // Nothing in its content can be found again: it matched nothing, or it is not text
            // that is matched at all.
            let clean = res.clean || res.missing || res.not_blob || res.too_large || res.binary;
            let first = match seen.get_mut(&job.id) {
                Some(known) => {
                    *known |= clean;
                    false
                }
                None => {
                    seen.insert(job.id, clean);
                    true
                }
            };
            if !first {
                // scanned again for another occurrence: counted once
            } else if res.missing {
                if let Some(occ) = job.occurrences.first() {
                    let info = &infos[occ.commit];
                    hstats.missing.push(format!(
                        "blob {} ({}, commit {}) is missing from the object database: not scanned",
                        job.id.to_hex_with_len(12),
                        occ.path,
                        info.short
                    ));
                }
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
        crate::git::release_freed_memory();
        Ok(())
    };
    let mut since_reopen = 0usize;
    for (n, (id, parents)) in commits.iter().enumerate() {
        if let Some(sink) = sink
            && n % 64 == 0
        {
            sink.report(Some(&HistoryProgress {
                commit: n + 1,
                total,
                blobs_scanned: hstats.blobs_scanned,
                rate: n as f64 / started.elapsed().as_secs_f64().max(1e-3),
            }));
        }
        if since_reopen >= REOPEN_EVERY {
            objects = Objects::owned(reopen.open_with(HISTORY_CACHES)?)
                .with_delta_cache(LINT_CACHES.delta);
            since_reopen = 0;
        }
        since_reopen += 1;
        let hash = objects.repo().object_hash();
        let data = objects
            .find_kind(id, gix::objs::Kind::Commit)
            .with_context(|| format!("reading commit {id}"))?;
        let commit = gix::objs::CommitRef::from_bytes(&data, hash)
            .with_context(|| format!("reading commit {id}"))?;
        let tree = commit.tree();
        let (date, time) = match commit.author().ok().and_then(|a| a.time().ok()) {
            Some(t) => (
                t.format(gix::date::time::format::ISO8601_STRICT)
                    .unwrap_or_default(),
                t.seconds,
            ),
            None => (String::new(), 0),
        };
        drop(commit);
        drop(data);
        infos.push(CommitInfo {
            short: id.to_hex_with_len(7).to_string(),
            date,
            time,
        });
        // Parent trees; a parent outside a shallow clone counts as absent.
        let mut parent_trees: Vec<Option<ObjectId>> = Vec::new();
        for p in parents {
            parent_trees.push(
                (objects.find_kind(p, gix::objs::Kind::Commit).ok())
                    .and_then(|d| Some(gix::objs::CommitRef::from_bytes(&d, hash).ok()?.tree())),
            );
        }
        let first = parent_trees.first().copied().flatten();
        let mut changed = Vec::new();
        let mut gone = HashSet::new();
        diff_trees(
            &objects,
            &mut trees,
            "",
            first,
            tree,
            &mut changed,
            &mut gone,
        )?;
        'paths: for (path, new, old) in changed {
            if old.is_none() && gone.contains(&new) {
                continue; // a pure rename or copy of content the parent had
            }
            // A blob whose content matched nothing needs no second look, unless a file rule
            // names this path (a `.env` committed with content seen elsewhere).
            if seen.get(&new) == Some(&true) && scanner.rules.file_rules_for(&path).is_empty() {
                continue;
            }
            let mut olds = vec![old];
            for t in parent_trees.iter().skip(1) {
                let other = match t {
                    Some(t) => blob_at(&objects, &mut trees, *t, &path)?,
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
            flush(
                objects.repo(),
                &mut batch,
                &mut in_batch,
                &mut seen,
                &infos,
                &mut hstats,
            )?;
            // The batch's threads read through this handle's object database: let go of the
            // pack pages they touched.
            since_reopen = REOPEN_EVERY;
        }
    }
    flush(
        objects.repo(),
        &mut batch,
        &mut in_batch,
        &mut seen,
        &infos,
        &mut hstats,
    )?;
    drop(objects);
    hstats.commits = total as u64;
    if let Some(sink) = sink {
        sink.report(None);
    }

    let mut out: Vec<Finding> = Vec::with_capacity(best.len());
    let found: Vec<usize> = best.values().map(|(_, n, _)| *n).collect();
    let names = match refs {
        RefNames::None => None,
        _ if best.is_empty() => None,
        RefNames::Walked(refs) => ref_membership(&commits, refs).map(|bits| {
            found
                .iter()
                .map(|&n| refs_of(&bits, refs, n))
                .collect::<Vec<_>>()
        }),
        RefNames::Lookup => {
            let ids: Vec<ObjectId> = found.iter().map(|&n| commits[n].0).collect();
            drop(commits);
            refs_containing(&reopen, &ids, &hidden)?
        }
    };
    for (k, (_, _, mut f)) in best.into_values().enumerate() {
        if let Some(names) = &names {
            f.refs = names[k].clone();
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

/// How many new blobs are collected before they are scanned (and forgotten). The batch's
/// threads read through the history handle's object database, which is opened again after
/// each batch: the pack pages a batch touched (the kernel maps 64 KiB around each page read)
/// are what its size costs in memory. On kops HEAD~1000..HEAD, 128 instead of 512: peak
/// 159 MiB instead of 183, CPU 14.2 s instead of 13.2.
pub(super) const HISTORY_BATCH: usize = 128;

/// How many commits history reads through one handle (if no batch was scanned meanwhile)
/// before it opens another (and drops the pack pages the old one mapped).
const REOPEN_EVERY: usize = 128;

/// The caches of history's handle for commits and trees: no object cache (trees have their
/// own cache of decoded entries), lint's delta cache.
const HISTORY_CACHES: crate::git::Caches = LINT_CACHES;

pub(super) fn scan_history_blob(
    repo: &gix::Repository,
    scanner: &Scanner,
    scratch: &mut ThreadScratch,
    job: &HistJob,
    max_size: u64,
) -> Result<HistResult> {
    let mut res = HistResult::default();
    let ThreadScratch { scan, objects } = scratch;
    let (scratch, objects) = (scan, thread_objects(objects, repo));
    let Some(obj) = objects
        .try_find(&job.id)
        .with_context(|| format!("reading blob {}", job.id))?
    else {
        res.missing = true;
        return Ok(res);
    };
    if obj.kind != gix::object::Kind::Blob {
        res.not_blob = true;
        return Ok(res);
    }
    let paths: Vec<&str> = job.occurrences.iter().map(|o| o.path.as_str()).collect();
    let gated = crate::check::gate(scanner.rules, &paths, Some(&obj.data), max_size);
    res.findings = gated.file_level;
    let data = match gated.text {
        Ok(t) => t,
        Err(crate::check::Skip::TooLarge) => {
            res.too_large = true;
            return Ok(res);
        }
        Err(crate::check::Skip::Binary) => {
            res.binary = true;
            return Ok(res);
        }
    };
    let data = &*data;
    res.bytes = data.len() as u64;
    let matches = scanner.scan(data, scratch);
    if matches.is_empty() {
        res.clean = true;
        return Ok(res);
    }
    for (k, occ) in job.occurrences.iter().enumerate() {
        let found = crate::check::findings(scanner.rules, &occ.path, data, &matches);
        if found.is_empty() {
            continue;
        }
        // A line is this commit's if it is added against every parent (a parent without the
        // file, or with a binary version, adds every line).
        let mut per_parent: Vec<Vec<std::ops::Range<u32>>> = Vec::new();
        for old in occ.olds.iter().flatten() {
            // A parent's version that is missing counts as absent: every line is added.
            let Some(old) = objects
                .try_find(old)
                .with_context(|| format!("reading blob {old}"))?
            else {
                continue;
            };
            if old.kind != gix::object::Kind::Blob {
                continue; // nothing of this parent's: every line is added against it
            }
            if let Some(old) = crate::check::text_of(&old.data) {
                per_parent.push(crate::git::staged::added_lines(&old, data));
            }
        }
        for mut f in found {
            if per_parent
                .iter()
                .all(|ranges| crate::check::touches(ranges, &f))
            {
                f.path = occ.path.clone();
                res.findings.push((k, f));
            }
        }
    }
    Ok(res)
}
