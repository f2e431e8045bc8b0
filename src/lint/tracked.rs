//! The index side of lint: which tracked blobs to read, and how (from a stat-clean working
//! file or the object database), the ignore query, and the untracked candidates.

use super::*;

/// How the repository's ignore rules treat a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ignored {
    No,
    Yes,
    /// Un-ignored by an explicit negation: (pattern, where it is).
    Negated(String, String),
}

pub(super) fn ignored(
    stack: &mut gix::AttributeStack<'_>,
    workdir: &Path,
    path: &str,
) -> Result<Ignored> {
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

pub(super) fn parent_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(p) => path[..p].to_string(),
        None => String::new(),
    }
}

/// Whether a file name looks like a must-not-track one (`.env.example` next to a real `.env`).
pub(super) fn looks_alike(rules: &RuleSet, path: &str) -> bool {
    // leakgate's own files (the baseline is a `.json`) are not a sign that the repository
    // keeps such files: `leakgate baseline` must not add the findings it accepts.
    if is_own_file(path) {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.starts_with(".env") || !rules.file_rules_for(path).is_empty()
}

/// The files leakgate itself writes at the root: its configuration and its baseline.
pub(super) fn is_own_file(path: &str) -> bool {
    path == crate::config::FILE_NAME || path == crate::baseline::FILE_NAME
}

/// Run `work` over `items` on several threads ([`crate::git::par_map`], lint's object cache).
pub(super) fn parallel<T: Sync, R: Send>(
    repo: &gix::Repository,
    items: &[T],
    work: impl Fn(&gix::Repository, &mut ThreadScratch, &T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    crate::git::par_map_with(repo, items, 16, LINT_CACHES, work)
}

/// The object cache of each of lint's scanning threads' repository handles: none. Each blob
/// is read once: a cache of whole objects only holds memory (4 MiB a thread); delta bases
/// have the pack cache.
pub(super) const LINT_OBJECT_CACHE: usize = 0;

/// The caches of each of lint's scanning threads' handles: [`LINT_OBJECT_CACHE`], and 4 MiB
/// of delta bases (gix's default of 96 MiB a handle was most of lint's memory on a long
/// history; each blob is read once, and what a few of them share fits).
pub(super) const LINT_CACHES: crate::git::Caches = crate::git::Caches {
    object: LINT_OBJECT_CACHE,
    delta: 4 << 20,
};

/// One distinct index blob and the paths that hold it.
pub(super) struct BlobJob {
    pub(super) id: ObjectId,
    pub(super) paths: Vec<String>,
    /// A working-tree file that may hold the blob's content (`None`: read the blob from the
    /// object database).
    pub(super) disk: Option<DiskCopy>,
}

/// A working-tree file of an index entry, read instead of the entry's blob when its stat data
/// still match the entry's.
#[derive(Clone, Copy)]
pub(super) struct DiskCopy {
    /// Which of the job's paths.
    pub(super) path: usize,
    pub(super) stat: gix::index::entry::Stat,
    /// The entry is racily clean (the file was written no earlier than the index, so a change
    /// of the same size within the same timestamp granule keeps its stat data): the file's
    /// content is hashed, and used only if it is the blob's.
    pub(super) verify: bool,
}

/// Which tracked files checking out writes exactly as their blobs.
#[derive(Debug)]
pub(super) enum Verbatim {
    None,
    /// All but those that a line of attributes that may convert applies to: the directory of
    /// its file (`dir/`; empty: the root, for every path) and the line's pattern (`None`: every
    /// path below, for a line this cannot match as git would).
    Except(Vec<(Vec<u8>, Option<gix::glob::Pattern>)>),
}

impl Verbatim {
    pub(super) fn covers(&self, path: &[u8]) -> bool {
        match self {
            Verbatim::None => false,
            Verbatim::Except(lines) => !lines.iter().any(|(dir, pattern)| {
                path.starts_with(dir)
                    && pattern
                        .as_ref()
                        .is_none_or(|p| attribute_pattern_matches(p, &path[dir.len()..]))
            }),
        }
    }
}

/// Whether an attributes line's `pattern` applies to file `rel` (relative to the directory of
/// the attributes file), as git matches it (case folded: matching more is safe).
fn attribute_pattern_matches(pattern: &gix::glob::Pattern, rel: &[u8]) -> bool {
    pattern.matches_repo_relative_path(
        rel.as_bstr(),
        rel.rfind_byte(b'/').map(|p| p + 1),
        Some(false),
        gix::glob::pattern::Case::Fold,
        gix::glob::wildmatch::Mode::NO_MATCH_SLASH_LITERAL,
    )
}

/// Whether checking files out writes them exactly as their blobs (no end-of-line conversion,
/// no `filter`, `ident` or `working-tree-encoding`), so that a stat-clean file can be read
/// instead of its blob. Conservative: any attribute that may convert says no, for the paths
/// its file applies to (a `.gitattributes` file to its directory's, the others to all).
///
/// A `text` file is written with the line ends its `eol` attribute, else `core.autocrlf`,
/// else `core.eol` asks for: LF ones, as in its blob, unless one of them says CRLF. So
/// `text`, `text=auto` and `eol=lf` (common in vendored trees' `.gitattributes`) convert
/// nothing where `core.autocrlf` is unset or false and `core.eol` is LF (`native` off
/// Windows).
pub(super) fn checkout_is_verbatim(repo: &gix::Repository, index: &gix::index::State) -> Verbatim {
    let config = repo.config_snapshot();
    let off = |v: Option<gix::bstr::BString>| match v {
        None => true,
        Some(v) => matches!(
            v.to_str_lossy().to_ascii_lowercase().as_str(),
            "false" | "0" | "no" | "off" | ""
        ),
    };
    if !off(config.string("core.autocrlf")) {
        return Verbatim::None;
    }
    let eol_is_lf = match config.string("core.eol") {
        None => !cfg!(windows),
        Some(v) => match v.to_str_lossy().to_ascii_lowercase().as_str() {
            "lf" => true,
            "native" => !cfg!(windows),
            _ => false,
        },
    };
    let converting = |text: &[u8]| converting_lines(text, eol_is_lf);
    let mut except = Vec::new();
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
    // (their patterns are relative to the root)
    for f in files {
        if let Ok(text) = std::fs::read(&f) {
            except.extend(converting(&text).into_iter().map(|p| (Vec::new(), p)));
        }
    }
    // (read by leakgate's own pack reader: gix's would check the whole pack index first)
    let objects = crate::git::objects::Objects::new(repo).with_delta_cache(LINT_CACHES.delta);
    for entry in index.entries() {
        let path = entry.path(index);
        if path == ".gitattributes" || path.ends_with(b"/.gitattributes") {
            // `dir/` (empty: the root's)
            let dir = path[..path.len() - ".gitattributes".len()].to_vec();
            match objects.find_kind(&entry.id, gix::objs::Kind::Blob) {
                Ok(data) => except.extend(converting(&data).into_iter().map(|p| (dir.clone(), p))),
                Err(_) => except.push((dir, None)),
            }
        }
    }
    Verbatim::Except(except)
}

/// The working-tree file at `path`, if its stat data match `stat` (taken from a non-racy
/// index entry): then it holds the index entry's content, as git's own status assumes.
pub(super) fn read_if_stat_clean(
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
pub(super) struct BlobResult {
    pub(super) findings: Vec<Finding>,
    pub(super) stats: Stats,
}

/// How to read stat-clean working-tree files instead of blobs.
pub(super) struct DiskAccess {
    pub(super) workdir: PathBuf,
    pub(super) opts: gix::index::entry::stat::Options,
    pub(super) hash: gix::hash::Kind,
}

/// What a scanning thread keeps between blobs: the scanner's scratch, and its reader of the
/// object database (made when it first reads an object: see [`thread_objects`]).
#[derive(Default)]
pub(super) struct ThreadScratch {
    pub(super) scan: Scratch,
    pub(super) objects: Option<crate::git::objects::Objects<'static>>,
}

/// The reader of a thread's objects (made in `slot` now if there is none): leakgate's own pack
/// reader, as gix's checks the whole pack index whenever a handle opens it (its pages, 19 MiB
/// on kops, then count in lint's memory, for each thread).
pub(super) fn thread_objects<'s>(
    slot: &'s mut Option<crate::git::objects::Objects<'static>>,
    repo: &gix::Repository,
) -> &'s crate::git::objects::Objects<'static> {
    slot.get_or_insert_with(|| {
        crate::git::objects::Objects::owned(repo.clone()).with_delta_cache(LINT_CACHES.delta)
    })
}

/// The content of `job`'s blob: its working-tree file's if that is known to hold it (see
/// [`DiskCopy`]), else the blob read from the object database.
pub(super) fn index_blob_content(
    repo: &gix::Repository,
    objects: &mut Option<crate::git::objects::Objects<'static>>,
    job: &BlobJob,
    disk: &DiskAccess,
) -> Result<Vec<u8>> {
    let from_disk = job.disk.and_then(|copy| {
        let full = disk.workdir.join(&job.paths[copy.path]);
        let data = read_if_stat_clean(&full, &copy.stat, disk.opts)?;
        let same = !copy.verify
            || gix::objs::compute_hash(disk.hash, gix::objs::Kind::Blob, &data).ok()? == job.id;
        same.then_some(data)
    });
    if let Some(data) = from_disk {
        return Ok(data);
    }
    thread_objects(objects, repo)
        .find_kind(&job.id, gix::objs::Kind::Blob)
        .with_context(|| format!("{}: cannot read blob {}", job.paths[0], job.id))
}

pub(super) fn scan_index_blob(
    repo: &gix::Repository,
    scanner: &Scanner,
    scratch: &mut ThreadScratch,
    job: &BlobJob,
    max_size: u64,
    disk: &DiskAccess,
) -> Result<BlobResult> {
    let mut res = BlobResult::default();
    let data = index_blob_content(repo, &mut scratch.objects, job, disk)?;
    let scratch = &mut scratch.scan;
    let paths: Vec<&str> = job.paths.iter().map(String::as_str).collect();
    let n = paths.len() as u64;
    let c = crate::check::whole(scanner, scratch, &paths, Some(&data), max_size, true);
    match c.skip {
        Some(crate::check::Skip::TooLarge) => {
            res.stats.skipped_too_large += n;
            res.stats.too_large_paths.extend(job.paths.iter().cloned());
        }
        Some(crate::check::Skip::Binary) => res.stats.skipped_binary += n,
        None => {
            res.stats.files_scanned += n;
            res.stats.bytes_scanned += c.bytes;
        }
    }
    res.findings.extend(c.findings.into_iter().map(|(_, f)| f));
    Ok(res)
}

/// Untracked files (not in the index) that the walk does not skip as ignored.
pub(super) fn untracked_candidates(
    workdir: &Path,
    rules: &RuleSet,
    tracked: &HashSet<String>,
) -> Vec<String> {
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

/// The patterns of the attribute lines of `text` that may make checkout convert a file: a
/// `filter`, `ident` or `working-tree-encoding`, or CRLF line ends (`eol=crlf`, or `text`
/// where `core.eol` is not LF: `eol_is_lf` false). `None` for a line whose pattern is not
/// matched here (a macro definition, a quoted pattern): it may apply to any path.
fn converting_lines(text: &[u8], eol_is_lf: bool) -> Vec<Option<gix::glob::Pattern>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with(b"#") {
            continue;
        }
        let mut fields = line.fields();
        let Some(pattern) = fields.next() else {
            continue;
        };
        let converts = fields.any(|tok| {
            if tok.starts_with(b"-") || tok.starts_with(b"!") {
                return false;
            }
            let mut kv = tok.splitn_str(2, "=");
            let (name, value) = (kv.next().unwrap_or_default(), kv.next());
            match name {
                b"filter" | b"ident" | b"working-tree-encoding" => true,
                b"eol" => !eol_is_lf || !value.is_some_and(|v| v.eq_ignore_ascii_case(b"lf")),
                b"text" | b"crlf" => !eol_is_lf,
                _ => false,
            }
        });
        if converts {
            out.push(
                (!pattern.starts_with(b"[attr]") && !pattern.starts_with(b"\""))
                    .then(|| gix::glob::Pattern::from_bytes_without_negation(pattern))
                    .flatten(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes_convert(text: &[u8], eol_is_lf: bool) -> bool {
        !converting_lines(text, eol_is_lf).is_empty()
    }

    /// Only the files a converting line's pattern matches, in its file's directory and below,
    /// are read from their blobs; a line whose pattern is not matched here covers everything.
    #[test]
    fn only_the_paths_a_converting_line_matches_are_excepted() {
        let lines = |dir: &str, text: &str| {
            converting_lines(text.as_bytes(), true)
                .into_iter()
                .map(|p| (dir.as_bytes().to_vec(), p))
                .collect::<Vec<_>>()
        };
        let mut except = lines(
            "vendor/otel/",
            "* text=auto eol=lf\n*.{cmd,[cC][mM][dD]} text eol=crlf\n*.bat eol=crlf\n/top.txt filter=lfs\n",
        );
        assert_eq!(except.len(), 3, "{except:?}");
        let v = Verbatim::Except(except.clone());
        for verbatim in [
            "vendor/otel/a.go",
            "vendor/otel/sub/b.md",
            "vendor/x.bat",
            "top.txt",
            "vendor/otel/sub/top.txt",
        ] {
            assert!(v.covers(verbatim.as_bytes()), "{verbatim}");
        }
        for converted in [
            "vendor/otel/run.bat",
            "vendor/otel/sub/RUN.BAT",
            "vendor/otel/top.txt",
        ] {
            assert!(!v.covers(converted.as_bytes()), "{converted}");
        }
        except.extend(lines("", "[attr]crlf-text text eol=crlf\n"));
        let v = Verbatim::Except(except);
        assert!(
            !v.covers(b"src/main.rs"),
            "a converting macro may apply anywhere"
        );
        assert!(!Verbatim::None.covers(b"a.go"));
    }

    #[test]
    fn lf_text_attributes_do_not_convert_where_core_eol_is_lf() {
        for lf in [
            "*.go text eol=lf",
            "* text=auto",
            "*.md text",
            "* -text",
            "*.sh crlf=input",
        ] {
            assert!(!attributes_convert(lf.as_bytes(), true), "{lf}");
            if !lf.contains("-text") {
                assert!(
                    attributes_convert(lf.as_bytes(), false),
                    "{lf} with core.eol=crlf"
                );
            }
        }
        for converting in [
            "*.bat text eol=crlf",
            "*.bat eol=crlf",
            "*.c filter=lfs",
            "*.c ident",
            "*.txt working-tree-encoding=UTF-16",
        ] {
            assert!(
                attributes_convert(converting.as_bytes(), true),
                "{converting}"
            );
        }
        assert!(!attributes_convert(
            b"# *.c filter=lfs\n*.pb.go -diff -merge linguist-generated=true",
            true
        ));
    }
}
