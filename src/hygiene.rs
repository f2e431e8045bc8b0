//! `.gitignore` coverage of the files that must never be tracked, checked the way git decides
//! it (gix's exclude stack: nested `.gitignore`, negations, `info/exclude`, `core.excludesFile`).

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::gitignore::{self, probe_name};
use crate::rules::RuleSet;

/// Directories of vendored code (not the repository's own stack).
pub const VENDORED: &[&str] = &[
    "vendor",
    "node_modules",
    "third_party",
    "third-party",
    "bower_components",
    "Pods",
];

/// What kinds of files the repository holds, for the file rules' `stack`: which of the names
/// and extensions the rules ask about (lower-cased) the tracked files have.
#[derive(Debug, Default)]
pub struct Stacks {
    names: std::collections::HashSet<Vec<u8>>,
    exts: std::collections::HashSet<Vec<u8>>,
}

impl Stacks {
    /// From the index's paths: only the names and extensions some rule's `stack` asks about
    /// are looked for, without allocating per entry (an index has 100k entries).
    pub fn of_index(index: &gix::index::State, rules: &RuleSet) -> Stacks {
        let entries = index.entries();
        Stacks::of_paths(entries.len(), |i| &**entries[i].path(index), rules)
    }

    /// [`Stacks::of_index`] of the `n` paths `path_at(0..n)`, sorted as an index sorts them
    /// (by bytes: the paths under a directory are contiguous).
    fn of_paths<'a>(n: usize, path_at: impl Fn(usize) -> &'a [u8], rules: &RuleSet) -> Stacks {
        let (mut want_names, mut want_exts) = (Vec::new(), Vec::new());
        for s in rules.files.iter().flat_map(|r| &r.spec.stack) {
            let s = s.to_ascii_lowercase().into_bytes();
            match s.strip_prefix(b"*.") {
                Some(ext) => want_exts.push(ext.to_vec()),
                None => want_names.push(s),
            };
        }
        for w in [&mut want_names, &mut want_exts] {
            w.sort();
            w.dedup();
        }
        let wanted = |w: &[Vec<u8>], x: &[u8]| w.binary_search_by(|v| v.as_slice().cmp(x)).is_ok();
        let mut s = Stacks::default();
        let (mut name_buf, mut ext_buf) = ([0u8; 64], [0u8; 64]);
        // A path is looked at only if its last three bytes end a name or `.ext` still looked
        // for, and then its name or extension may be one (each lower-cased, hashed to a
        // 4,096-bit table): most are not, and once a kind of file is found, the others of its
        // kind need no look. (Something shorter to look for: its last byte.)
        let suffix =
            if want_names.iter().all(|n| n.len() >= 3) && want_exts.iter().all(|x| x.len() >= 2) {
                3
            } else {
                1
            };
        let ending = |path: &[u8]| {
            let tail = path.get(path.len().checked_sub(suffix)?..)?;
            let bytes = tail
                .iter()
                .fold(0u32, |h, b| h << 8 | u32::from(b.to_ascii_lowercase()));
            // Fibonacci hashing to 12 bits.
            Some((bytes.wrapping_mul(0x9E37_79B1) >> 20) as usize)
        };
        let hash = |b: &[u8]| {
            let h = b.iter().fold(0x811C_9DC5u32, |h, c| {
                (h ^ u32::from(c.to_ascii_lowercase())).wrapping_mul(0x0100_0193)
            });
            (h >> 20) as usize
        };
        let has = |table: &[u64; 64], h: usize| table[h / 64] & (1 << (h % 64)) != 0;
        let (mut name_table, mut ext_table, mut end_table) = ([0u64; 64], [0u64; 64], [0u64; 64]);
        let fill =
            |names: &mut [u64; 64], exts: &mut [u64; 64], ends: &mut [u64; 64], s: &Stacks| {
                *names = [0; 64];
                *exts = [0; 64];
                *ends = [0; 64];
                for (want, found, table) in
                    [(&want_names, &s.names, names), (&want_exts, &s.exts, exts)]
                {
                    for w in want.iter().filter(|w| !found.contains(*w)) {
                        let h = hash(w);
                        table[h / 64] |= 1 << (h % 64);
                        let dotted = if std::ptr::eq(want, &want_exts) {
                            [&b"."[..], w].concat()
                        } else {
                            w.clone()
                        };
                        if let Some(h) = ending(&dotted) {
                            ends[h / 64] |= 1 << (h % 64);
                        }
                    }
                }
            };
        fill(&mut name_table, &mut ext_table, &mut end_table, &s);
        let mut i = 0;
        while i < n {
            let path = path_at(i);
            i += 1;
            if ending(path).is_none_or(|h| !has(&end_table, h)) {
                continue;
            }
            // A vendored top directory (kops's `vendor/` is 70% of its index) counts for
            // nothing: from its first path worth a look, the rest of it is passed over at once
            // (a binary search for its end).
            if let Some(dir) = vendored_top(path) {
                let (mut lo, mut hi) = (i, n);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if path_at(mid).starts_with(dir) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                i = lo;
                continue;
            }
            let name = memchr::memrchr(b'/', path).map_or(path, |i| &path[i + 1..]);
            let ext = memchr::memrchr(b'.', name).map(|i| &name[i + 1..]);
            if !has(&name_table, hash(name)) && !ext.is_some_and(|x| has(&ext_table, hash(x))) {
                continue;
            }
            let ext = ext
                .and_then(|x| lowered(x, &mut ext_buf))
                .filter(|x| wanted(&want_exts, x) && !s.exts.contains(*x));
            let name = lowered(name, &mut name_buf)
                .filter(|n| wanted(&want_names, n) && !s.names.contains(*n));
            if (ext.is_some() || name.is_some()) && !is_vendored(path) {
                s.exts.extend(ext.map(<[u8]>::to_vec));
                s.names.extend(name.map(<[u8]>::to_vec));
                if s.names.len() == want_names.len() && s.exts.len() == want_exts.len() {
                    break;
                }
                fill(&mut name_table, &mut ext_table, &mut end_table, &s);
            }
        }
        s
    }

    /// Whether the repository needs `rule`'s `.gitignore` patterns: a core rule, or one of
    /// its stack's files is there.
    pub fn uses(&self, rule: &crate::rules::FileRule) -> bool {
        rule.spec.stack.is_empty()
            || rule.spec.stack.iter().any(|s| {
                let s = s.to_ascii_lowercase().into_bytes();
                match s.strip_prefix(b"*.") {
                    Some(ext) => self.exts.contains(ext),
                    None => self.names.contains(&s),
                }
            })
    }
}

/// The top directory of `path` with its slash (`vendor/`), if it is one of [`VENDORED`].
fn vendored_top(path: &[u8]) -> Option<&[u8]> {
    if !matches!(path.first(), Some(b'v' | b'n' | b't' | b'b' | b'P')) {
        return None;
    }
    VENDORED.iter().find_map(|v| {
        let v = v.as_bytes();
        (path.len() > v.len() && path.starts_with(v) && path[v.len()] == b'/')
            .then(|| &path[..=v.len()])
    })
}

/// `b` lower-cased into `buf`; `None` if it does not fit (no rule names anything so long).
fn lowered<'b>(b: &[u8], buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    let out = buf.get_mut(..b.len())?;
    for (o, c) in out.iter_mut().zip(b) {
        *o = c.to_ascii_lowercase();
    }
    Some(out)
}

/// Whether `path` lies in vendored code (someone else's stack): a component is in [`VENDORED`].
fn is_vendored(path: &[u8]) -> bool {
    path.split(|&b| b == b'/')
        .any(|c| VENDORED.iter().any(|v| v.as_bytes() == c))
}

/// A must-not-track pattern that the repository's ignore rules do not cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    pub rule_id: String,
    /// The pattern that would cover it (e.g. `.env`).
    pub pattern: String,
    /// Directories (repo-relative, `""` for the root) where such a file would not be ignored.
    pub dirs: Vec<String>,
    /// Covered only by a personal or repo-local exclude file, not by a shared `.gitignore`.
    pub not_shared: Option<String>,
}

#[derive(Debug, Default)]
pub struct Coverage {
    pub uncovered: Vec<Uncovered>,
    /// The patch to the root `.gitignore` that covers everything above and `blocked`, as
    /// text to show (a byte that is not UTF-8 shown as U+FFFD).
    pub patch: Option<String>,
    /// The same patch in the file's own bytes (what `git apply` applies).
    pub patch_bytes: Option<Vec<u8>>,
    /// The root `.gitignore`'s content as read, and its new content (what `--fix` writes):
    /// the same bytes, then the appended patterns.
    pub old_content: Option<Vec<u8>>,
    pub new_content: Option<Vec<u8>>,
    pub gitignore_path: PathBuf,
    /// The `blocked` paths that nothing ignores.
    pub blocked_unignored: Vec<String>,
}

/// The header put above the patterns leakgate adds to a `.gitignore`.
pub const HEADER: &str = "# Secrets and credentials: never commit these (added by leakgate)";

/// Whether an ignore file is shared with every clone: in the work tree (a `.gitignore`), not
/// `.git/info/exclude` or a personal `core.excludesFile`.
fn is_shared(workdir: &std::path::Path, source: &std::path::Path) -> bool {
    source.starts_with(workdir) && !source.starts_with(workdir.join(".git"))
}

/// The work tree and the repository's ignore rules as git decides them (nested
/// `.gitignore` files, `.git/info/exclude`, `core.excludesFile`), for queries by path.
/// Building it reads the configuration and the root's ignore files: build it once for
/// [`coverage_in`] and [`work_tree_in`].
pub struct Excludes<'r> {
    workdir: PathBuf,
    pub(crate) stack: gix::AttributeStack<'r>,
}

impl<'r> Excludes<'r> {
    pub fn new(repo: &'r gix::Repository, index: &gix::index::State) -> Result<Excludes<'r>> {
        let workdir = repo.workdir().context("no work tree")?.to_path_buf();
        // gix reads a `.gitignore` from the index (not the work tree) only for an entry
        // marked skip-worktree (sparse checkout); it finds them by a pass over every path
        // (millions of instructions on 18k entries). Without such an entry, none is read that
        // way: an empty index gives the same stack, without the pass.
        use gix::index::entry::Flags;
        let none = gix::index::State::new(repo.object_hash());
        let sparse = (index.entries().iter()).any(|e| e.flags.contains(Flags::SKIP_WORKTREE));
        let stack = repo
            .excludes(
                if sparse { index } else { &none },
                None,
                gix::worktree::stack::state::ignore::Source::WorktreeThenIdMappingIfNotSkipped,
            )
            .context("reading the repository's ignore rules")?;
        Ok(Excludes { workdir, stack })
    }
}

/// Check which hygiene file rules' patterns the repo's ignore rules miss, in each of `dirs`,
/// and build the root `.gitignore` patch that covers them and the `blocked` paths.
///
/// Only the rules `in_use` says the repository needs are checked (see [`Stacks::uses`]): a
/// repository without Terraform files is not asked to ignore `*.tfstate`.
pub fn coverage(
    repo: &gix::Repository,
    index: &gix::index::State,
    rules: &RuleSet,
    dirs: &[String],
    blocked: &[&str],
    in_use: &dyn Fn(&crate::rules::FileRule) -> bool,
) -> Result<Coverage> {
    coverage_in(
        &mut Excludes::new(repo, index)?,
        rules,
        dirs,
        blocked,
        in_use,
    )
}

/// [`coverage`] with ignore rules already read.
pub fn coverage_in(
    ex: &mut Excludes<'_>,
    rules: &RuleSet,
    dirs: &[String],
    blocked: &[&str],
    in_use: &dyn Fn(&crate::rules::FileRule) -> bool,
) -> Result<Coverage> {
    coverage_with(ex, rules, dirs, blocked, in_use, true)
}

/// [`coverage_in`]; with `patch` false, only what is uncovered (`uncovered`,
/// `blocked_unignored`): no `.gitignore` is read and no patch made (the hook's text output
/// shows no patch, and making one costs more than the probes).
pub fn coverage_with(
    ex: &mut Excludes<'_>,
    rules: &RuleSet,
    dirs: &[String],
    blocked: &[&str],
    in_use: &dyn Fn(&crate::rules::FileRule) -> bool,
    patch: bool,
) -> Result<Coverage> {
    let Excludes { workdir, stack } = ex;
    let workdir = &*workdir;
    let mut is_ignored = |path: &str| -> Result<(bool, Option<String>)> {
        let platform = stack
            .at_path(path, Some(gix::index::entry::Mode::FILE))
            .with_context(|| format!("checking whether {path} is ignored"))?;
        let m = platform.matching_exclude_pattern();
        let excluded = platform.is_excluded();
        let source = m.and_then(|m| m.source.map(|s| s.to_path_buf()));
        let personal = match &source {
            Some(src) if excluded && !is_shared(workdir, src) => Some(src.display().to_string()),
            _ => None,
        };
        Ok((excluded, personal))
    };

    let mut cov = Coverage {
        gitignore_path: workdir.join(".gitignore"),
        ..Coverage::default()
    };
    let mut to_add: Vec<String> = Vec::new();
    for rule in rules.files.iter().filter(|r| r.spec.hygiene && in_use(r)) {
        let patterns = if rule.spec.gitignore.is_empty() {
            &rule.spec.paths
        } else {
            &rule.spec.gitignore
        };
        let mut rule_missing = false;
        for pattern in patterns {
            let Some(name) = probe_name(pattern) else {
                continue;
            };
            let anywhere = !pattern.trim_start_matches("**/").contains('/');
            let mut missing_dirs = Vec::new();
            let mut not_shared = None;
            for dir in dirs {
                if !anywhere && !dir.is_empty() {
                    continue;
                }
                let probe = if dir.is_empty() {
                    name.clone()
                } else {
                    format!("{dir}/{name}")
                };
                // The probe must really be what the rule is about (e.g. not `x.pem` for a
                // rule that only blocks private keys by content — that is still covered).
                let (excluded, personal) = is_ignored(&probe)?;
                if !excluded {
                    missing_dirs.push(dir.clone());
                } else if personal.is_some() && not_shared.is_none() {
                    not_shared = personal;
                }
            }
            if !missing_dirs.is_empty() || not_shared.is_some() {
                rule_missing = true;
                cov.uncovered.push(Uncovered {
                    rule_id: rule.spec.id.clone(),
                    pattern: pattern.clone(),
                    dirs: missing_dirs,
                    not_shared,
                });
            }
        }
        if rule_missing {
            to_add.extend(patterns.iter().cloned());
        }
    }
    // Blocked files that nothing ignores: add their rules' patterns too.
    for path in blocked {
        if is_ignored(path)?.0 {
            continue;
        }
        cov.blocked_unignored.push(path.to_string());
        for rule in rules.files.iter().filter(|r| r.matches_path(path)) {
            let patterns = if rule.spec.gitignore.is_empty() {
                &rule.spec.paths
            } else {
                &rule.spec.gitignore
            };
            to_add.extend(patterns.iter().cloned());
        }
    }
    if patch && !to_add.is_empty() {
        let existing = match std::fs::read(&cov.gitignore_path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(e).with_context(|| format!("reading {}", cov.gitignore_path.display()));
            }
        };
        // (every template negation stays: a `.env.sample` made later must not be ignored)
        let to_add = gitignore::merge_separators(&gitignore::without_subsumed(&to_add));
        if let Some(new) =
            gitignore::append_to_bytes(existing.as_deref().unwrap_or(b""), &to_add, HEADER)
        {
            let patch = gitignore::unified_patch_bytes(".gitignore", existing.as_deref(), &new);
            cov.patch = Some(String::from_utf8_lossy(&patch).into_owned());
            cov.patch_bytes = Some(patch);
            cov.new_content = Some(new);
        }
        cov.old_content = existing;
    }
    Ok(cov)
}

/// Make the `.gitignore` edit of `cov` keep tracked source visible: a tracked path that the
/// appended patterns would newly ignore (the `kubeconfig` pattern ignores a Go package
/// `pkg/kubeconfig/`), and that is not itself a must-not-track file (`reported`), gets a
/// negation after them (`!/pkg/kubeconfig/`, or `!/docs/kubeconfig` for a file), so that a new
/// file there still shows in `git status`. Returns the negations added.
pub fn keep_tracked_visible(
    cov: &mut Coverage,
    tracked: impl Iterator<Item = String>,
    reported: &std::collections::HashSet<String>,
) -> Vec<String> {
    use ignore::gitignore::{Gitignore, GitignoreBuilder};
    let Some(new) = cov.new_content.clone() else {
        return Vec::new();
    };
    let old = cov.old_content.clone().unwrap_or_default();
    let build = |bytes: &[u8]| -> Gitignore {
        let mut b = GitignoreBuilder::new("");
        for line in String::from_utf8_lossy(bytes).lines() {
            let _ = b.add_line(None, line.trim_end_matches('\r'));
        }
        b.build().unwrap_or_else(|_| Gitignore::empty())
    };
    let (before, after) = (build(&old), build(&new));
    let mut negations: Vec<String> = Vec::new();
    for path in tracked {
        if reported.contains(&path)
            || !after.matched_path_or_any_parents(&path, false).is_ignore()
            || before.matched_path_or_any_parents(&path, false).is_ignore()
        {
            continue;
        }
        // The shallowest directory the patterns ignore, or the file itself.
        let mut negation = format!("!/{path}");
        let mut at = 0;
        while let Some(slash) = path[at..].find('/') {
            let dir = &path[..at + slash];
            if after.matched(dir, true).is_ignore() {
                negation = format!("!/{dir}/");
                break;
            }
            at += slash + 1;
        }
        if !negations.contains(&negation) {
            negations.push(negation);
        }
    }
    if negations.is_empty() {
        return negations;
    }
    negations.sort();
    let eol: &[u8] = if new.windows(2).any(|w| w == b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    let mut content = new;
    content.extend_from_slice(b"# Kept visible: tracked source that the patterns above would hide");
    content.extend_from_slice(eol);
    for n in &negations {
        content.extend_from_slice(n.as_bytes());
        content.extend_from_slice(eol);
    }
    let patch = gitignore::unified_patch_bytes(".gitignore", cov.old_content.as_deref(), &content);
    cov.patch = Some(String::from_utf8_lossy(&patch).into_owned());
    cov.patch_bytes = Some(patch);
    cov.new_content = Some(content);
    negations
}

/// Names the root's shared ignore rules must cover: without them the hook says so even when
/// no such file is present (a `.env` is the file most often committed by accident).
pub const ROOT_MUST_IGNORE: &[&str] = &[".env"];

/// Must-not-track files sitting in the work tree that are neither tracked nor ignored (one
/// `git add .` from a commit), looked for cheaply: only the entries of the directories `dirs`
/// (repo-relative, `""` for the root) are read, not the whole work tree.
///
/// Also says which of [`ROOT_MUST_IGNORE`] the root's shared ignore rules do not cover.
#[derive(Debug, Default)]
pub struct WorkTree {
    /// Repo-relative paths, sorted, each with the rule that names it.
    pub unignored: Vec<(String, String)>,
    /// Names of [`ROOT_MUST_IGNORE`] (with a rule in force) the root does not ignore.
    pub root_missing: Vec<String>,
}

/// Content beyond this is not read to decide a content condition (`*.pem` with a private key).
const PEEK_MAX: u64 = 64 * 1024;

pub fn work_tree_in(
    ex: &mut Excludes<'_>,
    index: &gix::index::State,
    policy: &crate::policy::Policy<'_>,
    dirs: &[String],
) -> Result<WorkTree> {
    let rules = policy.rules();
    let Excludes { workdir, stack } = ex;
    let workdir = &*workdir;
    let mut out = WorkTree::default();
    for name in ROOT_MUST_IGNORE {
        if !rules.file_rules_for(name).iter().any(|r| r.spec.hygiene) {
            continue;
        }
        let platform = stack
            .at_path(*name, Some(gix::index::entry::Mode::FILE))
            .with_context(|| format!("checking whether {name} is ignored"))?;
        let shared = platform.is_excluded()
            && platform
                .matching_exclude_pattern()
                .and_then(|m| m.source)
                .is_some_and(|src| is_shared(workdir, src));
        if !shared {
            out.root_missing.push(name.to_string());
        }
    }
    for dir in dirs {
        let full = if dir.is_empty() {
            workdir.to_path_buf()
        } else {
            workdir.join(dir)
        };
        let Ok(entries) = std::fs::read_dir(&full) else {
            continue; // a directory the commit deletes, or unreadable: nothing to say
        };
        let dir_hints = rules.dir_hints(dir);
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if !kind.is_file() {
                continue;
            }
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let rel = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            // A tracked file first (a lookup), then the rules (a pass over every file rule).
            if index.entry_by_path(rel.as_str().into()).is_some() {
                continue;
            }
            let candidates = rules.file_rules_under(&dir_hints, &rel);
            if candidates.is_empty() {
                continue;
            }
            let content = if candidates.iter().any(|r| r.spec.content.is_some()) {
                match entry.metadata() {
                    Ok(md) if md.len() <= PEEK_MAX => std::fs::read(entry.path()).ok(),
                    _ => None,
                }
            } else {
                None
            };
            let found = crate::check::untracked_file_findings(rules, &rel, content.as_deref());
            let Some(f) = found
                .iter()
                .find(|f| policy.verdict(f) == crate::policy::Verdict::Report)
            else {
                continue;
            };
            let platform = stack
                .at_path(rel.as_str(), Some(gix::index::entry::Mode::FILE))
                .with_context(|| format!("checking whether {rel} is ignored"))?;
            // An explicit negation (`!.env.local`) is the repository's choice: not named.
            let negated = platform
                .matching_exclude_pattern()
                .is_some_and(|m| m.pattern.is_negative());
            if !platform.is_excluded() && !negated {
                out.unignored.push((rel, f.rule_id.clone()));
            }
        }
    }
    out.unignored.sort();
    out.unignored.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::gitignore::probe_name;

    #[test]
    fn stacks_are_what_every_path_looked_at_finds() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let mut rng = crate::testrng::Xorshift::new(0x9E37_79B9_7F4A_7C15);
        let mut next = |n: usize| rng.below(n);
        let parts = [
            "src",
            "vendor",
            "Gemfile",
            "main.go",
            "a.TF",
            "x.tfvars",
            "setup.py",
            "pom.xml",
            "Dockerfile",
            "compose.YML",
            "node_modules",
            "b.sql",
            "c.ipynb",
            "d.psafe3",
            "e.gs",
            "README.md",
            "x.ps1",
            "my.cnf",
            "config.ru",
            ".s3cfg",
            "web.config",
            "f.kt",
        ];
        for _ in 0..300 {
            let paths: Vec<String> = (0..next(12))
                .map(|_| {
                    (0..1 + next(3))
                        .map(|_| parts[next(parts.len())])
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .collect();
            let mut sorted = paths.clone();
            sorted.sort();
            let got = super::Stacks::of_paths(sorted.len(), |i| sorted[i].as_bytes(), &rules);
            // Every path's name and extension, lower-cased, outside vendored directories.
            let wanted: Vec<String> = rules
                .files
                .iter()
                .flat_map(|r| &r.spec.stack)
                .map(|s| s.to_ascii_lowercase())
                .collect();
            let mut names = std::collections::HashSet::new();
            let mut exts = std::collections::HashSet::new();
            for p in paths.iter().filter(|p| !super::is_vendored(p.as_bytes())) {
                let name = p.rsplit('/').next().unwrap().to_ascii_lowercase();
                if let Some((_, ext)) = name.rsplit_once('.')
                    && wanted.contains(&format!("*.{ext}"))
                {
                    exts.insert(ext.as_bytes().to_vec());
                }
                if wanted.contains(&name) {
                    names.insert(name.into_bytes());
                }
            }
            assert_eq!((got.names, got.exts), (names, exts), "{paths:?}");
        }
    }

    #[test]
    fn probes() {
        assert_eq!(probe_name(".env").as_deref(), Some(".env"));
        assert_eq!(probe_name("**/.env.*").as_deref(), Some(".env.x"));
        assert_eq!(probe_name("*.pem").as_deref(), Some("x.pem"));
        assert_eq!(
            probe_name("/config/master.key").as_deref(),
            Some("config/master.key")
        );
        assert_eq!(probe_name("!.env.example"), None);
        assert_eq!(probe_name("secrets/"), None);
    }
}
