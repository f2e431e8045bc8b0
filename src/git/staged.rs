//! What a commit would add: the index compared with `HEAD`'s tree, read through gix.
//!
//! The diff is guided by the index's cache-tree extension: a directory whose cached tree id
//! equals `HEAD`'s subtree id is skipped without reading anything, so a commit in a large
//! repository costs about one index read. Content is always read from the object database
//! (the staged blob), never from the working tree.

use std::collections::HashMap;

use anyhow::{Context, Result};
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use gix::index::entry::{Flags, Stage};
use gix::objs::tree::EntryMode;

use super::objects::Objects;

/// How a staged path differs from `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new path: every line is added.
    Added,
    /// The same path with other content: only the diff's added lines count.
    Modified { old: ObjectId },
    /// A path whose content came from a path this commit deletes. `old` is that content:
    /// identical for a pure rename (no added lines), similar for a rename with edits.
    Renamed { from: BString, old: ObjectId },
}

#[derive(Debug, Clone)]
pub struct Staged {
    /// Repo-relative path, `/`-separated (bytes: not necessarily UTF-8).
    pub path: BString,
    pub id: ObjectId,
    pub change: Change,
}

/// What the diff found, and what it passed over.
#[derive(Debug, Default)]
pub struct StagedSet {
    pub files: Vec<Staged>,
    /// Submodules (gitlinks) changed: not scanned, counted.
    pub skipped_links: usize,
    /// Deleted paths (nothing to scan).
    pub deleted: usize,
}

/// Whether a tree entry's mode names content to scan: anything but a directory or a
/// submodule. Git writes `100644` and `100755`, but older trees hold `100664`, and plumbing
/// (`git hash-object -t tree --literally`, other implementations) can write any mode: what
/// such an entry points to is still content that reaches the remote, so it is scanned like a
/// regular file (and not mistaken for a deletion or a type change). A symlink (`120000`) is a
/// blob holding its target's path: that text reaches the remote too (`ln -s "$TOKEN" x`).
pub fn is_file_mode(mode: u16) -> bool {
    !matches!(mode & 0o170000, 0o040000 | 0o160000)
}

fn is_file(mode: EntryMode) -> bool {
    is_file_mode(mode.value())
}

struct HeadEntry {
    name: BString,
    mode: EntryMode,
    id: ObjectId,
}

struct Differ<'r> {
    objects: &'r Objects<'r>,
    backing: &'r gix::index::PathStorageRef,
    out: StagedSet,
    added: Vec<(BString, ObjectId)>,
    deleted: Vec<(BString, ObjectId)>,
}

fn tree_entries(objects: &Objects<'_>, id: Option<ObjectId>) -> Result<Vec<HeadEntry>> {
    let Some(id) = id else { return Ok(Vec::new()) };
    let tree = objects
        .find_kind(&id, gix::objs::Kind::Tree)
        .with_context(|| format!("reading tree {id}"))?;
    let decoded = gix::objs::TreeRef::from_bytes(&tree, id.kind())
        .with_context(|| format!("decoding tree {id}"))?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| HeadEntry {
            name: e.filename.to_owned(),
            mode: e.mode,
            id: e.oid.to_owned(),
        })
        .collect())
}

fn join(prefix: &BStr, name: &BStr) -> BString {
    let mut p = BString::from(prefix.to_vec());
    if !p.is_empty() {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

impl Differ<'_> {
    /// Diff the index entries `entries` (all under `prefix/`, `skip` bytes of their path are the
    /// prefix and its slash) against `head` (the HEAD tree of that directory, if any).
    fn dir(
        &mut self,
        prefix: &BStr,
        head: Option<ObjectId>,
        cache: Option<&gix::index::extension::Tree>,
        entries: &[gix::index::Entry],
        skip: usize,
    ) -> Result<()> {
        if let (Some(h), Some(c)) = (head, cache)
            && c.num_entries.is_some()
            && c.id == h
        {
            return Ok(()); // unchanged directory
        }
        let head_entries = tree_entries(self.objects, head)?;
        let mut by_name: HashMap<&[u8], usize> = HashMap::with_capacity(head_entries.len());
        for (i, e) in head_entries.iter().enumerate() {
            by_name.insert(e.name.as_slice(), i);
        }
        let mut seen = vec![false; head_entries.len()];
        // The cache's subtrees come in the index's order: each is looked for from the last.
        let mut child_at = 0;
        let mut i = 0;
        while i < entries.len() {
            let entry = &entries[i];
            let path = entry.path_in(self.backing);
            let rest = &path[skip..];
            match rest.find_byte(b'/') {
                Some(slash) if slash + 1 < rest.len() => {
                    // A subdirectory: its entries are contiguous in the sorted index.
                    let name: &[u8] = &rest[..slash];
                    let sub_cache = cache.and_then(|c| {
                        let children = &c.children;
                        let k = (child_at..children.len())
                            .chain(0..child_at)
                            .find(|&k| children[k].name.as_slice() == name)?;
                        child_at = k + 1;
                        Some(&children[k])
                    });
                    let under = |j: usize| {
                        let r = &entries[j].path_in(self.backing)[skip..];
                        r.len() > slash && r[..slash] == *name && r[slash] == b'/'
                    };
                    // A valid cache entry counts the subtree's entries: the subtree ends
                    // there if the entries say so (else they are walked to its end).
                    let counted = sub_cache
                        .and_then(|c| c.num_entries)
                        .map(|n| i + n as usize)
                        .filter(|&j| {
                            j > i
                                && j <= entries.len()
                                && under(j - 1)
                                && (j == entries.len() || !under(j))
                        });
                    // Otherwise a binary search: the paths under `name/` are contiguous in the
                    // sorted index and start at `i` (a walk would read every path of a
                    // changed `vendor/`, at each level down).
                    let j = counted.unwrap_or_else(|| {
                        i + 1
                            + entries[i + 1..].partition_point(|e| {
                                let r = &e.path_in(self.backing)[skip..];
                                r.len() > slash && r[..slash] == *name && r[slash] == b'/'
                            })
                    });
                    let head_sub = by_name.get(name).and_then(|&k| {
                        seen[k] = true;
                        head_entries[k].mode.is_tree().then_some(head_entries[k].id)
                    });
                    if let Some(&k) = by_name.get(name)
                        && !head_entries[k].mode.is_tree()
                    {
                        self.delete(prefix, &head_entries[k])?;
                    }
                    let sub_prefix = join(prefix, name.as_bstr());
                    self.dir(
                        sub_prefix.as_bstr(),
                        head_sub,
                        sub_cache,
                        &entries[i..j],
                        skip + slash + 1,
                    )?;
                    i = j;
                }
                _ => {
                    // A file, a link, or a sparse directory entry (`dir/`).
                    let name: &[u8] = rest.strip_suffix(b"/").unwrap_or(rest);
                    let k = by_name.get(name).copied();
                    if let Some(k) = k {
                        seen[k] = true;
                    }
                    self.file(prefix, path, entry, k.map(|k| &head_entries[k]))?;
                    i += 1;
                }
            }
        }
        for (k, e) in head_entries.iter().enumerate() {
            if !seen[k] {
                self.delete(prefix, e)?;
            }
        }
        Ok(())
    }

    fn file(
        &mut self,
        prefix: &BStr,
        path: &BStr,
        entry: &gix::index::Entry,
        head: Option<&HeadEntry>,
    ) -> Result<()> {
        if entry.stage() != Stage::Unconflicted || entry.flags.contains(Flags::INTENT_TO_ADD) {
            // Unmerged (git refuses to commit those) or intent-to-add (not staged content).
            return Ok(());
        }
        if entry.mode.is_sparse() {
            // A sparse-index directory entry: diff the two trees it stands for.
            let head_tree = head.filter(|h| h.mode.is_tree()).map(|h| h.id);
            if head_tree == Some(entry.id) {
                return Ok(());
            }
            return self.tree_vs_tree(
                path.strip_suffix(b"/").unwrap_or(path).as_bstr(),
                head_tree,
                entry.id,
            );
        }
        let is_blob = is_file_mode(entry.mode.bits() as u16);
        match head {
            Some(h) if h.id == entry.id && u32::from(h.mode.value()) == entry.mode.bits() => {}
            Some(h) if h.mode.is_tree() => {
                // A directory replaced by a file.
                let sub = join(prefix, h.name.as_bstr());
                self.delete_tree(sub.as_bstr(), h.id)?;
                self.added_file(path, entry.id, is_blob);
            }
            Some(h) if is_blob && is_file(h.mode) => {
                self.out.files.push(Staged {
                    path: path.to_owned(),
                    id: entry.id,
                    change: Change::Modified { old: h.id },
                });
            }
            Some(h) => {
                // A type change (file <-> submodule): the new side counts as new content.
                if is_file(h.mode) {
                    self.deleted.push((path.to_owned(), h.id));
                }
                self.added_file(path, entry.id, is_blob);
            }
            None => self.added_file(path, entry.id, is_blob),
        }
        Ok(())
    }

    fn added_file(&mut self, path: &BStr, id: ObjectId, is_blob: bool) {
        if is_blob {
            self.added.push((path.to_owned(), id));
        } else {
            self.out.skipped_links += 1;
        }
    }

    fn delete(&mut self, prefix: &BStr, e: &HeadEntry) -> Result<()> {
        let path = join(prefix, e.name.as_bstr());
        if e.mode.is_tree() {
            self.delete_tree(path.as_bstr(), e.id)
        } else {
            self.out.deleted += 1;
            if is_file(e.mode) {
                self.deleted.push((path, e.id));
            }
            Ok(())
        }
    }

    fn delete_tree(&mut self, prefix: &BStr, id: ObjectId) -> Result<()> {
        for e in tree_entries(self.objects, Some(id))? {
            self.delete(prefix, &e)?;
        }
        Ok(())
    }

    /// Both sides are trees (sparse index): compare them recursively.
    fn tree_vs_tree(&mut self, prefix: &BStr, old: Option<ObjectId>, new: ObjectId) -> Result<()> {
        let old_entries = tree_entries(self.objects, old)?;
        let mut by_name: HashMap<&[u8], &HeadEntry> = HashMap::new();
        for e in &old_entries {
            by_name.insert(e.name.as_slice(), e);
        }
        for e in tree_entries(self.objects, Some(new))? {
            let path = join(prefix, e.name.as_bstr());
            let before = by_name.remove(e.name.as_slice());
            match before {
                Some(b) if b.id == e.id && b.mode == e.mode => {}
                Some(b) if b.mode.is_tree() && e.mode.is_tree() => {
                    self.tree_vs_tree(path.as_bstr(), Some(b.id), e.id)?
                }
                _ if e.mode.is_tree() => {
                    if let Some(b) = before {
                        self.delete(prefix, b)?;
                    }
                    self.tree_vs_tree(path.as_bstr(), None, e.id)?
                }
                Some(b) if is_file(b.mode) && is_file(e.mode) => self.out.files.push(Staged {
                    path,
                    id: e.id,
                    change: Change::Modified { old: b.id },
                }),
                other => {
                    if let Some(b) = other {
                        self.delete(prefix, b)?;
                    }
                    self.added_file(path.as_bstr(), e.id, is_file(e.mode));
                }
            }
        }
        let rest: Vec<&HeadEntry> = by_name.into_values().collect();
        for b in rest {
            self.delete(prefix, b)?;
        }
        Ok(())
    }
}

/// The index file at `path`, or an empty index if there is none yet. The trailing checksum is
/// not verified (git does not either, by default): decoding checks the structure, and
/// verifying costs a SHA-1 over the whole file on every commit.
///
/// An entry whose path is 4,095 bytes or longer stores `0xFFF` as its length and the name
/// NUL-terminated, then padded like any entry; gix (0.58) reads the name but not the padding,
/// and every later entry would be misread. Such an index is decoded from a copy with that
/// padding removed (see [`unpad_long_paths`]).
pub fn read_index(path: &std::path::Path, hash: gix::hash::Kind) -> Result<gix::index::File> {
    use gix::index::{File, State, decode::Options};
    // gix maps the file and decodes it; only when that fails is the file read again, for
    // the one thing gix gets wrong (the padding after a path of 4,095 bytes or more).
    // On one thread, as before gix's `parallel` feature was on (with it, an index that has
    // git's entry offsets is decoded on every core: not measured for the hook).
    let opts = Options {
        thread_limit: Some(1),
        ..Options::default()
    };
    let error = match File::at(path, hash, true, opts) {
        Ok(file) => return Ok(file),
        Err(e) => e,
    };
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(File::from_state(State::new(hash), path.to_path_buf()));
        }
        Err(e) => return Err(e.into()),
    };
    let Some((fixed, long)) = unpad_long_paths(&data, hash.len_in_bytes())? else {
        return Err(error.into());
    };
    let prefix = String::from_utf8_lossy(&long[..long.len().min(60)]).into_owned();
    // The index file's time, as gix takes it: `lint`'s racy-clean checks use it.
    let mtime =
        std::fs::metadata(path).map(|md| filetime::FileTime::from_last_modification_time(&md))?;
    let (state, _) = State::from_bytes(&fixed, mtime, hash, opts).with_context(|| {
        format!(
            "gix cannot decode the entry for a path of {} bytes (`{prefix}…`): \
                 git's limit for an index path length is 4,095 bytes",
            long.len()
        )
    })?;
    Ok(File::from_state(state, path.to_path_buf()))
}

/// For a version 2 or 3 index holding a path of 4,095 bytes or more: the index with the
/// padding after each such NUL-terminated name removed (only the NUL kept), and without the
/// `EOIE` and `IEOT` extensions (offsets into the entries, which no longer hold), with the
/// first such path. `None` when there is no such entry (or it is a version 4 index, whose
/// names are always NUL-terminated and unpadded).
pub fn unpad_long_paths(data: &[u8], hash_len: usize) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
    let u32_at = |p: usize| -> Option<u32> {
        Some(u32::from_be_bytes(data.get(p..p + 4)?.try_into().ok()?))
    };
    let corrupt = || anyhow::anyhow!("corrupt index: an entry runs past the end of the file");
    if data.len() < 12 + hash_len || &data[..4] != b"DIRC" {
        return Ok(None); // gix says what is wrong
    }
    let version = u32_at(4).ok_or_else(corrupt)?;
    if version != 2 && version != 3 {
        return Ok(None);
    }
    let entries = u32_at(8).ok_or_else(corrupt)? as usize;
    let end = data.len() - hash_len;
    // Pass 1: find the entries; most indexes have no long path and are left to gix.
    let mut spans: Vec<(usize, usize, Option<usize>)> = Vec::with_capacity(entries);
    let mut pos = 12;
    let mut first_long: Option<Vec<u8>> = None;
    for _ in 0..entries {
        let flags_at = pos + 40 + hash_len;
        let flags = data
            .get(flags_at..flags_at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(corrupt)?;
        let name = flags_at + 2 + if flags & 0x4000 != 0 { 2 } else { 0 };
        let (name_len, long) = if flags & 0xFFF == 0xFFF {
            let n =
                memchr::memchr(0, data.get(name..end).ok_or_else(corrupt)?).ok_or_else(corrupt)?;
            if first_long.is_none() {
                first_long = Some(data[name..name + n].to_vec());
            }
            (n, true)
        } else {
            (usize::from(flags & 0xFFF), false)
        };
        let len = ((name - pos) + name_len + 8) & !7;
        if pos + len > end {
            return Err(corrupt());
        }
        spans.push((pos, len, long.then_some(name + name_len + 1)));
        pos += len;
    }
    let Some(long) = first_long else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&data[..12]);
    for (start, len, cut) in spans {
        match cut {
            Some(cut) => out.extend_from_slice(&data[start..cut]),
            None => out.extend_from_slice(&data[start..start + len]),
        }
    }
    // The extensions: kept, but for the two that hold offsets into the entries.
    while pos + 8 <= end {
        let size = u32_at(pos + 4).ok_or_else(corrupt)? as usize;
        let next = (pos + 8)
            .checked_add(size)
            .filter(|&n| n <= end)
            .ok_or_else(corrupt)?;
        if !matches!(&data[pos..pos + 4], b"EOIE" | b"IEOT") {
            out.extend_from_slice(&data[pos..next]);
        }
        pos = next;
    }
    out.extend_from_slice(&data[end..]);
    Ok(Some((out, long)))
}

/// The staged changes of `repo`: its index against `HEAD` (the empty tree on an unborn branch).
pub fn staged_changes(repo: &gix::Repository, index: &gix::index::State) -> Result<StagedSet> {
    let objects = Objects::new(repo);
    staged_changes_from(&objects, index, objects.head_tree()?)
}

/// The staged changes of `objects`' repository against `head` (`HEAD`'s tree, as
/// [`Objects::head_tree`] reads it).
pub fn staged_changes_from(
    objects: &Objects<'_>,
    index: &gix::index::State,
    head: Option<ObjectId>,
) -> Result<StagedSet> {
    let mut d = Differ {
        objects,
        backing: index.path_backing(),
        out: StagedSet::default(),
        added: Vec::new(),
        deleted: Vec::new(),
    };
    d.dir(BStr::new(""), head, index.tree(), index.entries(), 0)?;
    let Differ {
        mut out,
        added,
        deleted,
        ..
    } = d;
    pair_renames(objects, &mut out, added, deleted);
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Match added paths with deleted ones: the same blob is a pure rename; a similar blob (by
/// line similarity, preferring the same file name) is a rename with edits.
fn pair_renames(
    objects: &Objects<'_>,
    out: &mut StagedSet,
    added: Vec<(BString, ObjectId)>,
    mut deleted: Vec<(BString, ObjectId)>,
) {
    let mut by_id: HashMap<ObjectId, usize> = HashMap::new();
    for (i, (_, id)) in deleted.iter().enumerate() {
        by_id.entry(*id).or_insert(i);
    }
    let mut used = vec![false; deleted.len()];
    let mut inexact = Vec::new();
    for (path, id) in added {
        match by_id.get(&id) {
            Some(&k) if !used[k] => {
                used[k] = true;
                out.files.push(Staged {
                    path,
                    id,
                    change: Change::Renamed {
                        from: deleted[k].0.clone(),
                        old: id,
                    },
                });
            }
            _ => inexact.push((path, id)),
        }
    }
    let remaining: Vec<usize> = (0..deleted.len()).filter(|&k| !used[k]).collect();
    for (path, id) in inexact {
        let change = if remaining.is_empty() || remaining.len() > 64 {
            Change::Added
        } else {
            best_similar(objects, path.as_bstr(), id, &remaining, &deleted, &used)
                .map(|k| {
                    used[k] = true;
                    Change::Renamed {
                        from: deleted[k].0.clone(),
                        old: deleted[k].1,
                    }
                })
                .unwrap_or(Change::Added)
        };
        out.files.push(Staged { path, id, change });
    }
    deleted.clear();
}

fn file_name(p: &[u8]) -> &[u8] {
    p.rsplit(|&b| b == b'/').next().unwrap_or(p)
}

fn best_similar(
    objects: &Objects<'_>,
    path: &BStr,
    id: ObjectId,
    candidates: &[usize],
    deleted: &[(BString, ObjectId)],
    used: &[bool],
) -> Option<usize> {
    let new = objects.find(&id).ok()?.data;
    let mut best: Option<(f32, usize)> = None;
    for &k in candidates {
        if used[k] {
            continue;
        }
        let Ok(old) = objects.find(&deleted[k].1) else {
            continue;
        };
        let old = &old.data;
        if old.len() > new.len() * 2 + 1024 || new.len() > old.len() * 2 + 1024 {
            continue;
        }
        let mut ratio = line_ratio(old, &new);
        if file_name(&deleted[k].0) == file_name(path) {
            ratio += 0.1;
        }
        if best.is_none_or(|(r, _)| ratio > r) {
            best = Some((ratio, k));
        }
    }
    best.filter(|(r, _)| *r >= 0.5).map(|(_, k)| k)
}

/// The lines of `data` as git numbers them: only `\n` ends a line (a lone `\r` is part of
/// its line, as in a progress bar's `10%\r100%` or a CR-only file), each line with its `\n`;
/// the last line may lack one. `similar`'s own line splitting also ends a line at a lone
/// `\r`, which would shift every later line number: every diff of blob content goes through
/// this one model.
pub fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split_inclusive(|&b| b == b'\n')
}

/// How many lines `data` has, as git counts them (see [`lines`]).
pub fn line_count(data: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', data).count() as u64;
    n + u64::from(data.last().is_some_and(|&b| b != b'\n'))
}

/// A line diff of `old` against `new` in git's line model ([`lines`]).
struct LineDiff {
    /// The ops over the lines between the common prefix and suffix.
    ops: Vec<similar::DiffOp>,
    /// Lines both start with, and end with (left out of `ops`).
    prefix: usize,
    suffix: usize,
    old_len: usize,
    new_len: usize,
}

/// The common prefix and suffix of lines are trimmed first (as git's xdiff does): an edit of
/// a big file then costs a pass over its bytes, not a Myers diff of all of its lines. The
/// lines between are compared as interned ids.
fn line_diff<'a>(old: &'a [u8], new: &'a [u8]) -> LineDiff {
    let old: Vec<&'a [u8]> = lines(old).collect();
    let new: Vec<&'a [u8]> = lines(new).collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_mid, new_mid) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let mut ids: HashMap<&'a [u8], u32> = HashMap::new();
    let mut intern = |side: &[&'a [u8]]| -> Vec<u32> {
        side.iter()
            .map(|l| {
                let next = ids.len() as u32;
                *ids.entry(*l).or_insert(next)
            })
            .collect()
    };
    let (o, n) = (intern(old_mid), intern(new_mid));
    LineDiff {
        ops: similar::capture_diff_slices(similar::Algorithm::Myers, &o, &n),
        prefix,
        suffix,
        old_len: old.len(),
        new_len: new.len(),
    }
}

/// How similar `old` and `new` are, by lines (0 to 1).
fn line_ratio(old: &[u8], new: &[u8]) -> f32 {
    let d = line_diff(old, new);
    let equal: usize = d
        .ops
        .iter()
        .map(|op| match *op {
            similar::DiffOp::Equal { len, .. } => len,
            _ => 0,
        })
        .sum();
    let total = d.old_len + d.new_len;
    if total == 0 {
        1.0
    } else {
        2.0 * (d.prefix + d.suffix + equal) as f32 / total as f32
    }
}

/// 1-based line ranges (inclusive start, exclusive end) of the lines `new` adds to `old`,
/// numbered as git numbers them ([`lines`]).
pub fn added_lines(old: &[u8], new: &[u8]) -> Vec<std::ops::Range<u32>> {
    let d = line_diff(old, new);
    let mut out: Vec<std::ops::Range<u32>> = Vec::new();
    for op in &d.ops {
        let r = op.new_range();
        if matches!(
            op.tag(),
            similar::DiffTag::Insert | similar::DiffTag::Replace
        ) && !r.is_empty()
        {
            let (s, e) = (
                (d.prefix + r.start) as u32 + 1,
                (d.prefix + r.end) as u32 + 1,
            );
            match out.last_mut() {
                Some(last) if last.end == s => last.end = e,
                _ => out.push(s..e),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_of_an_edit() {
        let old = b"a\nb\nc\n";
        let new = b"a\nx\nb\nc\ny\nz\n";
        assert_eq!(added_lines(old, new), vec![2..3, 5..7]);
    }

    #[test]
    fn added_lines_with_crlf_and_no_final_newline() {
        let old = b"a\r\nb";
        let new = b"a\r\nb\r\nc";
        // `b` gained a line ending, so git too shows it as changed.
        assert_eq!(added_lines(old, new), vec![2..4]);
    }

    #[test]
    fn only_a_newline_ends_a_line() {
        // A lone CR is part of its line: git numbers `done` line 2, and the line added
        // below it line 3.
        assert_eq!(
            lines(b"progress 10%\rprogress 100%\ndone\n").collect::<Vec<_>>(),
            vec![&b"progress 10%\rprogress 100%\n"[..], b"done\n"]
        );
        let old = b"progress 10%\rprogress 100%\ndone\n";
        let new = b"progress 10%\rprogress 100%\ndone\nTOKEN=x\n";
        assert_eq!(added_lines(old, new), vec![3..4]);
        // A CR-only file is one line; an edit anywhere in it changes that line.
        assert_eq!(added_lines(b"a\rb\rc", b"a\rb\rc\rd"), vec![1..2]);
        assert_eq!(line_count(b"a\rb\rc"), 1);
        // `\r\r\n` in a CRLF file is one line ending in `\r\r\n`, not two.
        let old = b"a\r\r\nb\r\n";
        assert_eq!(added_lines(old, b"a\r\r\nb\r\nc\r\n"), vec![3..4]);
        assert_eq!(line_count(old), 2);
        // A CSV field holding a CR.
        let old = b"id,note\n1,\"x\ry\"\n";
        assert_eq!(added_lines(old, b"id,note\n1,\"x\ry\"\n2,z\n"), vec![3..4]);
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a\nb"), 2);
    }

    #[test]
    fn common_ends_are_trimmed_before_the_diff() {
        assert_eq!(added_lines(b"a\na\na\n", b"a\na\na\na\n"), vec![4..5]);
        assert_eq!(added_lines(b"a\nb\nc\n", b"x\na\nb\nc\n"), vec![1..2]);
        assert_eq!(added_lines(b"a\nb\nc\n", b"a\nx\ny\nc\n"), vec![2..4]);
        assert!((line_ratio(b"a\nb\nc\nd\n", b"a\nb\nc\nx\n") - 0.75).abs() < 1e-6);
        assert_eq!(line_ratio(b"", b""), 1.0);
    }

    #[test]
    fn nothing_added() {
        assert!(added_lines(b"a\nb\n", b"a\n").is_empty());
    }
}
