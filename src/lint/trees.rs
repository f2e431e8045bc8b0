//! Trees of consecutive commits compared: the blobs a commit added or changed, by path.

use super::*;
use crate::git::objects::Objects;

pub(super) type TreeEntries = std::rc::Rc<[(BString, u16, ObjectId)]>;

/// Decoded trees, by id: consecutive commits share most of their trees (a commit's parent
/// tree is the next commit's own), so each is inflated and decoded once.
#[derive(Default)]
pub(super) struct TreeCache(pub(super) HashMap<ObjectId, TreeEntries>, pub(super) usize);

/// The most tree entries [`TreeCache`] keeps (about 6 MiB): consecutive commits share most
/// trees, and a bounded cache keeps the memory of a long history flat.
pub(super) const TREE_CACHE_ENTRIES: usize = 64 << 10;

impl TreeCache {
    fn entries(&mut self, objects: &Objects<'_>, id: ObjectId) -> Result<TreeEntries> {
        if let Some(e) = self.0.get(&id) {
            return Ok(e.clone());
        }
        let tree = objects
            .find_kind(&id, gix::objs::Kind::Tree)
            .with_context(|| format!("reading tree {id}"))?;
        let decoded = gix::objs::TreeRef::from_bytes(&tree, objects.repo().object_hash())
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

pub(super) const MODE_TREE: u16 = 0o040000;

pub(super) fn is_blob_mode(mode: u16) -> bool {
    crate::git::staged::is_file_mode(mode)
}

/// Git's tree order: names compare bytewise, a tree's name as if it ended in `/`.
pub(super) fn tree_order(a: &[u8], a_mode: u16, b: &[u8], b_mode: u16) -> std::cmp::Ordering {
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
pub(super) fn diff_trees(
    repo: &Objects<'_>,
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

pub(super) fn collect_gone(
    repo: &Objects<'_>,
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

/// The blob at `path` in `tree` (`None`: no file there).
pub(super) fn blob_at(
    objects: &Objects<'_>,
    cache: &mut TreeCache,
    tree: ObjectId,
    path: &str,
) -> Result<Option<ObjectId>> {
    let mut tree = tree;
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        let entries = cache.entries(objects, tree)?;
        let Some((_, mode, id)) = entries.iter().find(|(n, _, _)| n == part.as_bytes()) else {
            return Ok(None);
        };
        if parts.peek().is_none() {
            return Ok(crate::git::staged::is_file_mode(*mode).then_some(*id));
        }
        if *mode != MODE_TREE {
            return Ok(None);
        }
        tree = *id;
    }
    Ok(None)
}
