//! The objects a commit's check reads (`HEAD`'s commit, the trees along the staged paths, the
//! staged and the old blobs), found without opening the pack indexes as gix opens them.
//!
//! gix checks a pack index's whole offset table when it opens the index (a pass over 4 bytes
//! for each object in the pack: 800k objects and 10% of the hook on kops); git only maps the
//! file. Here each pack index is mapped and only its fan-out table is read, then an object is
//! found by a binary search, as git does, and its entry is decoded by gix's pack reader.
//! Anything this does not find (an object stored elsewhere, a delta whose base is in another
//! pack, an index of another version) or cannot read is looked up through the repository's
//! own object database, which then says what is wrong.

use std::cell::RefCell;
use std::path::Path;

use anyhow::{Context, Result};
use gix::ObjectId;
use gix::objs::Kind;
use gix::odb::pack;

/// A pack: its index (mapped, only the fan-out table read) and its data file.
struct Pack {
    idx: pack::MMap,
    data: pack::data::File,
    /// Objects in the pack.
    count: usize,
    hash_len: usize,
}

/// The offset of the version 2 index's tables: signature, version, fan-out.
const FAN_AT: usize = 8;
const TABLES_AT: usize = FAN_AT + 256 * 4;

impl Pack {
    /// The pack whose index is `idx_path`, if its index is a version 2 one whose size fits its
    /// object count (`None` otherwise: its objects are left to gix).
    fn open(idx_path: &Path, hash: gix::hash::Kind) -> Option<Pack> {
        let file = std::fs::File::open(idx_path).ok()?;
        // SAFETY: as gix maps pack indexes: git writes a new file and renames it, and never
        // writes into an index in place.
        let idx = unsafe { pack::MMap::map(&file) }.ok()?;
        let hash_len = hash.len_in_bytes();
        if idx.len() < TABLES_AT + 2 * hash_len || idx[..8] != [0xff, b't', b'O', b'c', 0, 0, 0, 2]
        {
            return None;
        }
        let count = u32_at(&idx, FAN_AT + 255 * 4)? as usize;
        // Object ids, CRCs, 32-bit offsets, then the 64-bit offsets (any number) and the
        // two checksums.
        let least = TABLES_AT + count.checked_mul(hash_len + 8)? + 2 * hash_len;
        if idx.len() < least || !(idx.len() - least).is_multiple_of(8) {
            return None;
        }
        let data = pack::data::File::at(idx_path.with_extension("pack"), hash).ok()?;
        Some(Pack {
            idx,
            data,
            count,
            hash_len,
        })
    }

    /// The pack offset of `id`'s entry, if the pack has it (a binary search in the range of
    /// ids that start with its first byte, as git looks it up).
    fn offset_of(&self, id: &gix::hash::oid) -> Option<u64> {
        let id = id.as_bytes();
        let first = usize::from(id[0]);
        let lo = match first {
            0 => 0,
            _ => u32_at(&self.idx, FAN_AT + (first - 1) * 4)? as usize,
        };
        let hi = (u32_at(&self.idx, FAN_AT + first * 4)? as usize).min(self.count);
        let ids = &self.idx[TABLES_AT..TABLES_AT + self.count * self.hash_len];
        let (mut lo, mut hi) = (lo.min(hi), hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match ids[mid * self.hash_len..(mid + 1) * self.hash_len].cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.offset_at(mid),
            }
        }
        None
    }

    /// The pack offset of the `i`th object of the index.
    fn offset_at(&self, i: usize) -> Option<u64> {
        let small = TABLES_AT + self.count * (self.hash_len + 4);
        let v = u32_at(&self.idx, small + i * 4)?;
        if v & 0x8000_0000 == 0 {
            return Some(u64::from(v));
        }
        let large = small + self.count * 4 + (v & 0x7fff_ffff) as usize * 8;
        // (Past the 64-bit table is the checksums' room: an offset read there is refused.)
        if large + 8 > self.idx.len() - 2 * self.hash_len {
            return None;
        }
        Some(u64::from_be_bytes(
            self.idx[large..large + 8].try_into().ok()?,
        ))
    }

    fn entry(&self, id: &gix::hash::oid) -> Option<pack::data::Entry> {
        self.data.entry(self.offset_of(id)?).ok()
    }
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// What a pack entry's decoding needs between calls.
struct Scratch {
    inflate: gix::zlib::Inflate,
    /// Inflated delta bases (a modified file's old blob and its neighbours are usually deltas
    /// on the same chain), as the repository's handle keeps them.
    cache: pack::cache::lru::StaticLinkedList<64>,
}

/// Reads objects of `repo` (see the module documentation). Used on one thread.
pub struct Objects<'r> {
    /// Borrowed, or owned (a thread's handle kept with the thread's other scratch state).
    repo: std::borrow::Cow<'r, gix::Repository>,
    /// The packs of the repository and its alternates; `None` until first needed, and empty
    /// when they are left to gix.
    packs: std::cell::OnceCell<Vec<Pack>>,
    /// The pack indexes of the object directories, by path, when every one of them was opened
    /// here (`None`: some are left to gix, or not read yet).
    listed: std::cell::OnceCell<Option<Vec<std::path::PathBuf>>>,
    /// The loose objects of the same directories.
    loose: std::cell::OnceCell<Vec<gix::odb::loose::Store>>,
    own: bool,
    scratch: RefCell<Option<Scratch>>,
    /// The most memory the cache of inflated delta bases may hold.
    delta_cache: usize,
    /// Objects read from the packs since mapped files were last looked at.
    reads: std::cell::Cell<usize>,
}

/// How many objects are read from the packs between two looks at how much of the process's
/// memory is mapped files (see [`FILE_PAGES_BUDGET`]).
const LOOK_EVERY: usize = 32;

/// When mapped files (the packs, their indexes, the program itself) hold more of the process's
/// memory than this, a reader lets go of the pages of the packs it has touched. A mapped page
/// that was read counts until it is released, and the kernel maps 16 pages around each one
/// read (an index lookup touches three such runs): a long history's reads would otherwise
/// map most of its packs and their indexes. Released pages stay in the page cache: mapping
/// them again costs a page fault.
const FILE_PAGES_BUDGET: usize = 24 << 20;

/// How much of the process's memory is mapped files, if the system says.
fn file_pages() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        unsafe extern "C" {
            fn sysconf(name: i32) -> i64;
        }
        const SC_PAGESIZE: i32 = 30;
        // (`statm`'s third field: resident pages backed by a file)
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let pages: usize = statm.split_whitespace().nth(2)?.parse().ok()?;
        // SAFETY: sysconf takes no pointer and only reads a system constant.
        let size = unsafe { sysconf(SC_PAGESIZE) };
        Some(pages * usize::try_from(size).ok()?)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Let the kernel take back the pages of the read-only file mapping `map` that this process
/// has touched: the page cache keeps them, and a later read maps them again.
fn release_pages(map: &[u8]) {
    #[cfg(target_os = "linux")]
    {
        unsafe extern "C" {
            fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
        }
        const MADV_DONTNEED: i32 = 4;
        if map.is_empty() {
            return;
        }
        // SAFETY: `map` is the whole of a read-only mapping of a file (page-aligned, as mmap
        // returns it) that is never written through: what is read from it after this is read
        // from the file again, the same bytes (git never rewrites a pack or an index in place).
        unsafe {
            madvise(
                map.as_ptr() as *mut std::ffi::c_void,
                map.len(),
                MADV_DONTNEED,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = map;
}

/// An object read: its kind and content.
pub struct Object {
    pub kind: Kind,
    pub data: Vec<u8>,
}

impl Objects<'static> {
    /// The objects of `repo`, which they keep (a thread's own handle).
    pub fn owned(repo: gix::Repository) -> Objects<'static> {
        Objects::of(std::borrow::Cow::Owned(repo))
    }
}

impl<'r> Objects<'r> {
    /// The objects of `repo`, its packs read here.
    pub fn new(repo: &'r gix::Repository) -> Objects<'r> {
        Objects::of(std::borrow::Cow::Borrowed(repo))
    }

    fn of(repo: std::borrow::Cow<'r, gix::Repository>) -> Objects<'r> {
        Objects {
            repo,
            packs: Default::default(),
            listed: Default::default(),
            loose: Default::default(),
            own: true,
            scratch: RefCell::new(None),
            delta_cache: 96 << 20,
            reads: std::cell::Cell::new(0),
        }
    }

    /// With a cache of inflated delta bases of at most `bytes` (96 MiB otherwise): for a
    /// reader of many blobs that share few bases, where memory matters more.
    pub fn with_delta_cache(mut self, bytes: usize) -> Objects<'r> {
        self.delta_cache = bytes;
        self
    }

    /// The objects of `repo`, all read through gix (for a handle whose pack indexes gix has
    /// opened already).
    pub fn through_gix(repo: &'r gix::Repository) -> Objects<'r> {
        Objects {
            own: false,
            ..Objects::new(repo)
        }
    }

    pub fn repo(&self) -> &gix::Repository {
        &self.repo
    }

    /// The object directories: the repository's, then its alternates'.
    fn dirs(&self) -> Vec<std::path::PathBuf> {
        let own = self.repo.objects.store_ref().path().to_path_buf();
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut dirs = vec![own.clone()];
        if let Ok(alt) = gix::odb::alternate::resolve(own, &cwd) {
            dirs.extend(alt);
        }
        dirs
    }

    /// The pack indexes of the object directories, sorted.
    fn pack_indexes(&self) -> Vec<std::path::PathBuf> {
        let mut all = Vec::new();
        for dir in self.dirs() {
            let Ok(list) = std::fs::read_dir(dir.join("pack")) else {
                continue;
            };
            let mut idx: Vec<std::path::PathBuf> = list
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                .collect();
            idx.sort();
            all.extend(idx);
        }
        all
    }

    fn packs(&self) -> &[Pack] {
        self.packs.get_or_init(|| {
            if !self.own {
                return Vec::new();
            }
            let hash = self.repo.object_hash();
            let idx = self.pack_indexes();
            let packs: Vec<Pack> = idx.iter().filter_map(|p| Pack::open(p, hash)).collect();
            let _ = self.listed.set((packs.len() == idx.len()).then_some(idx));
            packs
        })
    }

    /// Whether an object that neither the packs read here nor the loose objects have is
    /// missing from the object database: every pack index was opened here, and the object
    /// directories hold no other now (a pack written since is left to gix), and no index
    /// lists `id` (an entry that could not be read is gix's to report).
    fn lacks_for_sure(&self, id: &gix::hash::oid) -> bool {
        if self.packs().iter().any(|p| p.offset_of(id).is_some()) {
            return false;
        }
        self.listed
            .get()
            .and_then(Option::as_ref)
            .is_some_and(|listed| *listed == self.pack_indexes())
    }

    fn loose(&self) -> &[gix::odb::loose::Store] {
        self.loose.get_or_init(|| {
            if !self.own {
                return Vec::new();
            }
            let hash = self.repo.object_hash();
            (self.dirs().into_iter())
                .map(|d| gix::odb::loose::Store::at(d, hash))
                .collect()
        })
    }

    fn with_scratch<T>(&self, f: impl FnOnce(&mut Scratch) -> T) -> T {
        let mut s = self.scratch.borrow_mut();
        let s = s.get_or_insert_with(|| Scratch {
            inflate: gix::zlib::Inflate::default(),
            cache: pack::cache::lru::StaticLinkedList::<64>::new(self.delta_cache),
        });
        f(s)
    }

    /// Count a read from the packs; every [`LOOK_EVERY`], release their mapped pages if mapped
    /// files hold more than [`FILE_PAGES_BUDGET`].
    fn count_read(&self) {
        let n = self.reads.get() + 1;
        if n < LOOK_EVERY {
            self.reads.set(n);
            return;
        }
        self.reads.set(0);
        if file_pages().is_none_or(|held| held <= FILE_PAGES_BUDGET) {
            return;
        }
        for p in self.packs.get().into_iter().flatten() {
            release_pages(&p.idx);
            let len = p.data.data_len() as u64;
            if let Some(data) = p.data.entry_slice(0..len) {
                release_pages(data);
            }
        }
    }

    /// The object `id`, found in a pack, then loose; `None` if neither has it (or it could not
    /// be read so).
    fn find_here(&self, id: &gix::hash::oid) -> Option<Object> {
        self.count_read();
        for p in self.packs() {
            let Some(entry) = p.entry(id) else { continue };
            let mut out = Vec::new();
            let decoded = self.with_scratch(|s| {
                p.data.decode_entry(
                    entry,
                    &mut out,
                    &mut s.inflate,
                    &|base, _| {
                        Ok(p.entry(base)
                            .map(pack::data::decode::entry::ResolvedBase::InPack))
                    },
                    &mut s.cache,
                )
            });
            return decoded.ok().map(|o| Object {
                kind: o.kind,
                data: out,
            });
        }
        for l in self.loose() {
            let mut out = Vec::new();
            if let Ok(Some(d)) = l.try_find(id, &mut out) {
                let kind = d.kind;
                return Some(Object { kind, data: out });
            }
        }
        None
    }

    /// The object `id`.
    pub fn find(&self, id: &gix::hash::oid) -> Result<Object> {
        if let Some(o) = self.find_here(id) {
            return Ok(o);
        }
        let o = self.repo.find_object(id)?;
        Ok(Object {
            kind: o.kind,
            data: o.detach().data,
        })
    }

    /// The object `id`, or `None` if the object database lacks it.
    pub fn try_find(&self, id: &gix::hash::oid) -> Result<Option<Object>> {
        if let Some(o) = self.find_here(id) {
            return Ok(Some(o));
        }
        // (gix would open every pack index again, and check each whole: 19 MiB of pages on
        // kops, for each thread that meets a blob a partial clone lacks)
        if self.lacks_for_sure(id) {
            return Ok(None);
        }
        Ok(self.repo.try_find_object(id)?.map(|o| Object {
            kind: o.kind,
            data: o.detach().data,
        }))
    }

    /// The object `id`, which must be of `kind`.
    pub fn find_kind(&self, id: &gix::hash::oid, kind: Kind) -> Result<Vec<u8>> {
        let o = self.find(id)?;
        anyhow::ensure!(o.kind == kind, "object {id} is a {}, not a {kind}", o.kind);
        Ok(o.data)
    }

    /// The size of object `id`'s content (read from its header where that can be had).
    pub fn size(&self, id: &gix::hash::oid) -> Result<u64> {
        self.count_read();
        for p in self.packs() {
            let Some(entry) = p.entry(id) else { continue };
            let header = self.with_scratch(|s| {
                p.data.decode_header(entry, &mut s.inflate, &|base| {
                    Ok(p.entry(base)
                        .map(pack::data::decode::header::ResolvedBase::InPack))
                })
            });
            if let Ok(h) = header {
                return Ok(h.object_size);
            }
            break;
        }
        if self.own {
            for l in self.loose() {
                if let Ok(Some((size, _))) = l.try_header(id) {
                    return Ok(size);
                }
            }
        }
        Ok(self.repo.find_header(id)?.size())
    }

    /// `HEAD`'s tree, or `None` on an unborn branch. The reference is read by gix; the commit
    /// here (a tag or anything else `HEAD` may point to is peeled by gix).
    pub fn head_tree(&self) -> Result<Option<ObjectId>> {
        let head = self.repo.head().context("reading HEAD")?;
        let Some(id) = head.id().map(|id| id.detach()) else {
            return if head.is_unborn() {
                Ok(None)
            } else {
                head_tree_of(&self.repo)
            };
        };
        match self.find_here(&id) {
            Some(o) if o.kind == Kind::Commit => {
                let commit = gix::objs::CommitRef::from_bytes(&o.data, self.repo.object_hash())
                    .context("HEAD does not point to a commit")?;
                Ok(Some(commit.tree()))
            }
            _ => head_tree_of(&self.repo),
        }
    }
}

/// `HEAD`'s tree id, or `None` on an unborn branch, read by gix.
pub(crate) fn head_tree_of(repo: &gix::Repository) -> Result<Option<ObjectId>> {
    let mut head = repo.head().context("reading HEAD")?;
    if head.is_unborn() {
        return Ok(None);
    }
    let commit = head
        .peel_to_commit()
        .context("HEAD does not point to a commit")?;
    Ok(Some(
        commit.tree_id().context("reading HEAD's tree")?.detach(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// Every object of a repository whose history is in two packs (with deltas), some loose,
    /// and in a clone that borrows them (alternates) reads as gix reads it, kind, content and
    /// size; most of them from the packs read here.
    #[test]
    fn objects_read_as_gix_reads_them() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("repo");
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        git(&dir, &["init", "-q"]);
        let mut text = String::new();
        for round in 0..12 {
            for i in 0..40 {
                text.push_str(&format!(
                    "line {i} of round {round}: some text to delta against\n"
                ));
            }
            std::fs::write(dir.join("a/b/file.txt"), &text).unwrap();
            std::fs::write(dir.join(format!("a/f{round}.txt")), format!("{round}\n")).unwrap();
            git(&dir, &["add", "-A"]);
            git(&dir, &["commit", "-q", "-m", &format!("round {round}")]);
            match round {
                5 => git(&dir, &["gc", "-q"]),
                9 => git(&dir, &["repack", "-q"]),
                _ => String::new(),
            };
        }
        let clone = tmp.path().join("clone");
        git(tmp.path(), &["clone", "-q", "--shared", "repo", "clone"]);
        for at in [&dir, &clone] {
            let repo = gix::open(at).unwrap();
            let objects = Objects::new(&repo);
            assert!(
                objects.packs().len() >= 2,
                "{} packs",
                objects.packs().len()
            );
            let list = git(at, &["rev-list", "--objects", "--all"]);
            let mut packed = 0;
            for line in list.lines() {
                let id = ObjectId::from_hex(&line.as_bytes()[..40]).unwrap();
                let want = repo.find_object(id).unwrap();
                packed += usize::from(objects.packs().iter().any(|p| p.entry(&id).is_some()));
                let got = objects.find(&id).unwrap();
                assert_eq!(
                    (got.kind, &got.data[..]),
                    (want.kind, &want.data[..]),
                    "{id}"
                );
                assert_eq!(objects.size(&id).unwrap(), want.data.len() as u64, "{id}");
            }
            assert!(packed > 30, "{packed} objects read from the packs");
            let head = repo.head_commit().unwrap().tree_id().unwrap().detach();
            assert_eq!(objects.head_tree().unwrap(), Some(head));
        }
        // An object nobody has is an error, as gix says.
        let repo = gix::open(&dir).unwrap();
        let missing = ObjectId::from_hex(b"0123456789012345678901234567890123456789").unwrap();
        assert!(Objects::new(&repo).find(&missing).is_err());
        // ... and `try_find` says it is missing. An object in a pack written after the reader
        // listed the packs is still found.
        let objects = Objects::new(&repo);
        assert!(objects.try_find(&missing).unwrap().is_none());
        std::fs::write(
            dir.join("late.txt"),
            "written after the packs were listed\n",
        )
        .unwrap();
        let late = git(&dir, &["hash-object", "-w", "late.txt"]);
        let late = ObjectId::from_hex(late.trim().as_bytes()).unwrap();
        git(&dir, &["repack", "-q"]);
        git(&dir, &["prune-packed"]);
        let got = objects
            .try_find(&late)
            .unwrap()
            .expect("found in the new pack");
        assert_eq!(got.data, b"written after the packs were listed\n");
    }
}
