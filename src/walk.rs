//! `leakgate scan`: files, directories (walked in parallel with the `ignore` crate) and stdin.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::finding::{self, Finding};
use crate::report::{Report, Stats};
use crate::rules::RuleSet;
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

/// Whether a blob looks binary: a NUL byte in its first 8 KiB (git's and ripgrep's heuristic).
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

/// The text a blob holds, as the matcher reads it: the blob itself when it is text; UTF-8
/// decoded from UTF-16 when the blob starts with a UTF-16 byte-order mark (PowerShell scripts,
/// `.reg` exports and Visual Studio files are often saved so, and their NUL bytes would
/// otherwise make them "binary" and unscanned); `None` for binary content. Lines are the
/// same in both: only `\n` ends one.
pub fn text_of(bytes: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    if let Some(text) = decode_utf16(bytes) {
        return Some(std::borrow::Cow::Owned(text));
    }
    (!is_binary(bytes)).then_some(std::borrow::Cow::Borrowed(bytes))
}

fn decode_utf16(bytes: &[u8]) -> Option<Vec<u8>> {
    let (little, body) = match bytes {
        // (FF FE 00 00 is UTF-32's mark)
        [0xFF, 0xFE, rest @ ..] if !rest.starts_with(&[0, 0]) => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    // A binary file that happens to start with the mark decodes to NULs and stray characters.
    (!is_binary(text.as_bytes())).then(|| text.into_bytes())
}

/// Scan one blob's bytes as `path`: secrets, then the must-not-track file rules.
pub fn scan_blob(
    scanner: &Scanner,
    scratch: &mut Scratch,
    path: &str,
    bytes: &[u8],
    file_rules: bool,
) -> Vec<Finding> {
    let matches = scanner.scan(bytes, scratch);
    let mut out = finding::from_matches(scanner.rules, path, bytes, &matches);
    if file_rules {
        out.extend(file_findings(scanner.rules, path, Some(bytes)));
    }
    out
}

/// File-level findings (`"line": null`) for a path that must not be tracked.
/// A key store whatever its name (#12): a PKCS#12 bundle saved as `private.key`, a JKS store
/// as `store.bin` are what `*.p12` and `*.jks` name, so they are reported under those rules.
pub fn file_findings(rules: &RuleSet, path: &str, content: Option<&[u8]>) -> Vec<Finding> {
    let mut hit: Vec<&crate::rules::FileRule> = rules
        .file_rules_for(path)
        .into_iter()
        .filter(|r| r.content_matches(content))
        .collect();
    // Android's per-machine debug key store is exempt by name (see java-keystore-file).
    let debug_keystore = path.rsplit('/').next() == Some("debug.keystore");
    if let Some(id) = content.and_then(keystore_by_content)
        && !debug_keystore
        && !hit.iter().any(|r| r.spec.id == id)
        && let Some(r) = rules.get_file(id)
    {
        hit.push(r);
    }
    hit.into_iter()
        .map(|r| Finding {
            rule_id: r.spec.id.clone(),
            severity: r.spec.severity,
            path: path.to_string(),
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            secret: None,
            fingerprint: None,
            message: r.spec.name.clone(),
            commit: None,
            date: None,
            refs: Vec::new(),
            context: finding::context_of(path),
            allowed: Default::default(),
        })
        .collect()
}

/// The file rule for a key store recognised by its first bytes: a Java key store (JKS magic
/// `FE ED FE ED`, JCEKS `CE CE CE CE`, then format version 1 or 2), or a PKCS#12 PFX (RFC 7292:
/// a DER or BER SEQUENCE of INTEGER 3 and a ContentInfo whose type is pkcs7-data).
pub fn keystore_by_content(content: &[u8]) -> Option<&'static str> {
    if content.len() >= 8
        && (content.starts_with(&[0xFE, 0xED, 0xFE, 0xED]) || content.starts_with(&[0xCE; 4]))
        && content[4..7] == [0, 0, 0]
        && matches!(content[7], 1 | 2)
    {
        return Some("java-keystore-file");
    }
    // The length octets after a tag: short form, long form of 1-4 bytes, or indefinite (BER).
    let len_octets = |b: &[u8]| -> Option<usize> {
        match *b.first()? {
            n @ 0x81..=0x84 => Some(1 + usize::from(n - 0x80)),
            n if n <= 0x80 => Some(1),
            _ => None,
        }
    };
    let mut i = 0;
    for part in [&[0x30u8][..], &[0x02, 0x01, 0x03], &[0x30]] {
        if content.get(i..i + part.len())? != part {
            return None;
        }
        i += part.len();
        if part == [0x30] {
            i += len_octets(content.get(i..)?)?;
        }
    }
    const PKCS7_DATA: [u8; 11] = [
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01,
    ];
    (content.get(i..i + PKCS7_DATA.len())? == PKCS7_DATA).then_some("pkcs12-keystore-file")
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
            self.large.fetch_add(1, Ordering::Relaxed);
            self.large_paths.lock().unwrap().push(shown.to_string());
            // A must-not-track name is still reported, whatever its size.
            self.push(file_findings(self.scanner.rules, shown, None));
            return;
        }
        let bytes = match std::fs::read(full) {
            Ok(b) => b,
            Err(e) => {
                self.error(format!("{}: {e}", full.display()));
                return;
            }
        };
        self.scan_bytes(scratch, shown, &bytes, true);
    }

    fn scan_bytes(&self, scratch: &mut Scratch, shown: &str, bytes: &[u8], file_rules: bool) {
        if bytes.len() as u64 > self.opts.max_size {
            self.large.fetch_add(1, Ordering::Relaxed);
            self.large_paths.lock().unwrap().push(shown.to_string());
            if file_rules {
                self.push(file_findings(self.scanner.rules, shown, None));
            }
            return;
        }
        let Some(bytes) = text_of(bytes) else {
            self.binary.fetch_add(1, Ordering::Relaxed);
            if file_rules {
                self.push(file_findings(self.scanner.rules, shown, Some(bytes)));
            }
            return;
        };
        let bytes = &*bytes;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.push(scan_blob(self.scanner, scratch, shown, bytes, file_rules));
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
                Ok(_) => shared.scan_bytes(&mut scratch, "<stdin>", &buf, false),
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
                    Ok(bytes) => shared.scan_bytes(&mut scratch, &target.own_name(), &bytes, true),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_mark_is_text() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a=1\nb=2\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("a=1\nb=2\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for blob in [le, be] {
            assert!(is_binary(&blob));
            assert_eq!(text_of(&blob).as_deref(), Some(&b"a=1\nb=2\n"[..]));
        }
        assert_eq!(text_of(b"plain\n").as_deref(), Some(&b"plain\n"[..]));
        // UTF-32's mark, and binary data that starts like UTF-16's, stay binary.
        assert!(text_of(&[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]).is_none());
        assert!(text_of(&[0xFF, 0xFE, 0, 0, 0, 0, 1, 2, 3, 0]).is_none());
        assert!(text_of(b"\x7fELF\0\0").is_none());
    }
}
