//! One blob → findings, for every input: `scan`'s files and standard input, the hook's staged
//! blobs, `lint`'s tracked blobs and its history. Sources decide which bytes to read and
//! which paths (and commits) a blob stands for; this decides what is found in it:
//!
//! 1. [`gate`]: the size and binary gates, and the must-not-track file rules of each path;
//! 2. [`Plan`]: what to match, the whole text, or (a commit's change to a large blob) the
//!    regions around its added lines, in bounded chunks;
//! 3. [`findings`]: matches to findings for one path, and [`touches`], the added-line filter.
//!
//! [`whole`] puts the three together for the sources that match a blob whole.

use std::borrow::Cow;
use std::ops::Range;

use crate::finding::{Finding, LineIndex, context_of, fingerprint, redact};
use crate::rules::RuleSet;
use crate::scan::{Match, Part, Scanner, Scratch};

/// Why a blob's content is not matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Over the size limit (or not read at all for its size).
    TooLarge,
    /// Binary content (a NUL byte near its start, and no UTF-16 mark).
    Binary,
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
pub fn text_of(bytes: &[u8]) -> Option<Cow<'_, [u8]>> {
    if let Some(text) = decode_utf16(bytes) {
        return Some(Cow::Owned(text));
    }
    (!is_binary(bytes)).then_some(Cow::Borrowed(bytes))
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

/// File-level findings (`"line": null`) for a path that must not be tracked; `content` is
/// `None` when the blob was not read (too large), for the rules that look at content.
/// A key store whatever its name (#12): a PKCS#12 bundle saved as `private.key`, a JKS store
/// as `store.bin` are what `*.p12` and `*.jks` name, so they are reported under those rules.
pub fn file_findings(rules: &RuleSet, path: &str, content: Option<&[u8]>) -> Vec<Finding> {
    file_findings_as(rules, path, content, false)
}

/// [`file_findings`] for an untracked file that nothing ignores: a rule that reads values
/// (`dotenv-file`) names it by its path, since it is one `git add .` from a commit whatever
/// it holds today (the commit itself is judged by its content).
pub fn untracked_file_findings(
    rules: &RuleSet,
    path: &str,
    content: Option<&[u8]>,
) -> Vec<Finding> {
    file_findings_as(rules, path, content, true)
}

fn file_findings_as(
    rules: &RuleSet,
    path: &str,
    content: Option<&[u8]>,
    untracked: bool,
) -> Vec<Finding> {
    let mut hit: Vec<&crate::rules::FileRule> = rules
        .file_rules_for(path)
        .into_iter()
        .filter(|r| {
            if untracked {
                r.matches_by_name(content)
            } else {
                r.content_matches(content)
            }
        })
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
        .map(|r| Finding::file_level(&r.spec.id, r.spec.severity, path, r.spec.name.clone()))
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

/// A blob through the gates: the file-level findings of each path it stands for (by index
/// into the paths), and its text to match or why there is none.
pub struct Gated<'d> {
    pub file_level: Vec<(usize, Finding)>,
    pub text: Result<Cow<'d, [u8]>, Skip>,
}

/// The gates and the file rules. `data` is `None` when the blob was not read because of its
/// size (its file rules then see no content); a blob over `max_size` is not matched; nor is a
/// binary one. The file rules apply to each of `paths` (none: the input has no name, e.g.
/// standard input).
pub fn gate<'d>(
    rules: &RuleSet,
    paths: &[&str],
    data: Option<&'d [u8]>,
    max_size: u64,
) -> Gated<'d> {
    let data = data.filter(|d| d.len() as u64 <= max_size);
    let file_level = paths
        .iter()
        .enumerate()
        .flat_map(|(k, p)| {
            file_findings(rules, p, data)
                .into_iter()
                .map(move |f| (k, f))
        })
        .collect();
    let text = match data {
        None => Err(Skip::TooLarge),
        Some(d) => text_of(d).ok_or(Skip::Binary),
    };
    Gated { file_level, text }
}

/// A blob matched whole: its findings for each of `paths` (by index), or why it was not
/// matched.
pub struct Checked {
    pub findings: Vec<(usize, Finding)>,
    /// `Some` when the content was not matched.
    pub skip: Option<Skip>,
    /// The bytes matched (of the decoded text).
    pub bytes: u64,
}

/// The whole of a blob that stands for `paths`: gates, the file rules (when `file_rules`:
/// standard input has no name for them to judge), then every match, as a finding of each path.
pub fn whole(
    scanner: &Scanner,
    scratch: &mut Scratch,
    paths: &[&str],
    data: Option<&[u8]>,
    max_size: u64,
    file_rules: bool,
) -> Checked {
    let named = if file_rules { paths } else { &[] };
    let Gated {
        mut file_level,
        text,
    } = gate(scanner.rules, named, data, max_size);
    let text = match text {
        Ok(t) => t,
        Err(skip) => {
            return Checked {
                findings: file_level,
                skip: Some(skip),
                bytes: 0,
            };
        }
    };
    let matches = scanner.scan(&text, scratch);
    if !matches.is_empty() {
        for (k, p) in paths.iter().enumerate() {
            let found = findings(scanner.rules, p, &text, &matches);
            file_level.extend(found.into_iter().map(|f| (k, f)));
        }
    }
    Checked {
        findings: file_level,
        skip: None,
        bytes: text.len() as u64,
    }
}

/// The findings of `matches` in `hay`, named `path` (which decides, for instance, whether a
/// fallback rule's match is a documentation sample): the secret redacted, and the
/// allowlists' content checks decided while the raw secret is at hand.
pub fn findings(rules: &RuleSet, path: &str, hay: &[u8], matches: &[Match]) -> Vec<Finding> {
    if matches.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(hay);
    let doc = crate::example::is_markup_doc(path);
    // One finding per secret location: a file reported for its material (a `.pem` file for its
    // private key) is that material's finding; the content rules it covers add none.
    let covered: Vec<&str> = rules
        .file_rules_for(path)
        .into_iter()
        .filter(|r| !r.spec.covers.is_empty() && r.content_matches(Some(hay)))
        .flat_map(|r| r.spec.covers.iter().map(String::as_str))
        .collect();
    matches
        .iter()
        .filter(|m| !covered.contains(&rules.rules[m.rule].id()))
        .filter(|m| {
            !(doc
                && rules.rules[m.rule].spec.fallback
                && crate::example::in_doc_sample(path, hay, m.secret.start))
        })
        .map(|m| {
            let rule = &rules.rules[m.rule];
            let secret = m.secret_bytes(hay);
            let (line, column) = index.position(m.secret.start);
            let (end_line, end_column) = index.position(m.secret.end);
            let allowed = if rules.allowlists.is_empty() {
                Default::default()
            } else {
                let matched = &hay[m.matched.clone()];
                let start = memchr::memrchr(b'\n', &hay[..m.matched.start]).map_or(0, |p| p + 1);
                let end = memchr::memchr(b'\n', &hay[m.matched.end..])
                    .map_or(hay.len(), |p| m.matched.end + p);
                crate::allowlist::check_content(
                    &rules.allowlists,
                    &rule.spec.id,
                    secret,
                    matched,
                    &hay[start..end],
                )
            };
            let message = if m.decoded.is_some() && !rule.decode_base64 {
                format!("{} (in a base64-encoded value)", rule.spec.name)
            } else {
                rule.spec.name.clone()
            };
            Finding {
                rule_id: rule.spec.id.clone(),
                severity: rule.spec.severity,
                path: path.to_string(),
                line: Some(line),
                column: Some(column),
                end_line: Some(end_line),
                end_column: Some(end_column),
                secret: Some(redact(secret)),
                fingerprint: Some(fingerprint(secret)),
                message,
                commit: None,
                date: None,
                refs: Vec::new(),
                context: context_of(path),
                fixes: Vec::new(),
                allowed,
            }
        })
        .collect()
}

/// Whether a finding touches one of the added line ranges (1-based, end exclusive). A
/// file-level finding (no line) touches none.
pub fn touches(ranges: &[Range<u32>], f: &Finding) -> bool {
    let (s, e) = (f.line.unwrap_or(0), f.end_line.unwrap_or(0));
    ranges.iter().any(|r| s < r.end && e >= r.start)
}

/// The most bytes matched at once: a longer region (a big new file, or a big rewrite) is
/// matched in chunks of this size, each overlapping the next by [`SCAN_OVERLAP`], so the
/// matcher's memory and its whole-span passes (multiline rules) stay bounded.
pub const SCAN_CHUNK: usize = 4 << 20;
/// How far a chunk reaches into the next: longer than any secret or key block, so a match
/// that starts in a chunk ends inside it.
pub const SCAN_OVERLAP: usize = 64 << 10;

/// Blobs above this size are matched only around their added lines.
const REGION_MIN_BLOB: usize = 32 * 1024;
/// Lines of context matched on each side of an added hunk: more than a PEM or PGP private
/// key block spans, so a key touching the hunk is matched whole.
const REGION_CONTEXT_LINES: usize = 200;

/// What to match of a text that a change adds lines to.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The byte ranges to match, at most [`SCAN_CHUNK`] and an overlap long.
    regions: Vec<Range<usize>>,
    /// For each region, where the matches it reports must start: a chunk of a long region
    /// overlaps the next one, and a match starting in the overlap is the next chunk's.
    territories: Vec<Range<usize>>,
    /// Where single-line rules' keywords count: the added lines and a window's reach around
    /// them (`None`: everywhere).
    focus: Option<Vec<Range<usize>>>,
}

impl Plan {
    /// The plan for `text` when `added` (1-based line ranges, end exclusive) are its added
    /// lines, or all of it is new (`None`): a new or small text is matched whole; in a large
    /// one a three-line edit should not cost a match of the whole text, so only the regions
    /// around the added lines are, with generous context (a key straddling a hunk edge is still
    /// whole). Single-line rules only need their keywords on and near the added lines: a match
    /// touching line `a` has its keyword within a window's reach of `a`.
    pub fn new(scanner: &Scanner, text: &[u8], added: Option<&[Range<u32>]>) -> Plan {
        let (regions, focus) = match added {
            Some(ranges) => {
                let regions = if text.len() > REGION_MIN_BLOB {
                    regions_around(text, ranges, REGION_CONTEXT_LINES)
                } else {
                    std::iter::once(0..text.len()).collect()
                };
                let reach = usize::from(scanner.max_window_lines) + 1;
                (regions, Some(regions_around(text, ranges, reach)))
            }
            None => (std::iter::once(0..text.len()).collect(), None),
        };
        let (regions, territories) = chunked(text, regions);
        Plan {
            regions,
            territories,
            focus,
        }
    }

    /// The parts of `text` to match, for [`Scanner::precompile`].
    pub fn parts<'a>(&'a self, text: &'a [u8]) -> impl Iterator<Item = (&'a [u8], Part<'a>)> {
        let focus = self.focus.as_deref();
        self.regions.iter().map(move |r| {
            let part = Part {
                span: r.clone(),
                focus,
            };
            (text, part)
        })
    }

    /// The matches of the planned regions, each reported once.
    pub fn matches(&self, scanner: &Scanner, scratch: &mut Scratch, text: &[u8]) -> Vec<Match> {
        self.parts(text)
            .zip(&self.territories)
            .flat_map(|((data, part), own)| {
                let found = scanner.scan_part(data, &part, scratch);
                found
                    .into_iter()
                    .filter(move |m| own.contains(&m.matched.start))
            })
            .collect()
    }

    /// The findings of the planned regions that touch an added line (all of them when the
    /// whole text is new).
    pub fn findings(
        &self,
        scanner: &Scanner,
        scratch: &mut Scratch,
        path: &str,
        text: &[u8],
        added: Option<&[Range<u32>]>,
    ) -> Vec<Finding> {
        let matches = self.matches(scanner, scratch, text);
        let mut found = findings(scanner.rules, path, text, &matches);
        if let Some(ranges) = added {
            found.retain(|f| touches(ranges, f));
        }
        found
    }
}

/// What a change from `old` to `new` adds, as `path`: the findings of `new` that touch a line
/// the change adds (every line when there is no `old`, or it is binary), through the same
/// [`Plan`] as the hook. Gates and file rules are the caller's.
pub fn added(
    scanner: &Scanner,
    scratch: &mut Scratch,
    path: &str,
    old: Option<&[u8]>,
    new: &[u8],
) -> Vec<Finding> {
    let added = old
        .and_then(text_of)
        .map(|old| crate::git::staged::added_lines(&old, new));
    let plan = Plan::new(scanner, new, added.as_deref());
    plan.findings(scanner, scratch, path, new, added.as_deref())
}

/// Split each region longer than a chunk into chunks (cut at a line start when there is one
/// near, so that windows clipped to a line are the same as in a whole scan) that overlap the
/// next by [`SCAN_OVERLAP`]; with each chunk, the part of it whose matches it reports.
fn chunked(data: &[u8], regions: Vec<Range<usize>>) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut spans = Vec::with_capacity(regions.len());
    let mut owns = Vec::with_capacity(regions.len());
    for r in regions {
        if r.len() <= SCAN_CHUNK + SCAN_OVERLAP {
            spans.push(r.clone());
            owns.push(r);
            continue;
        }
        let mut start = r.start;
        while start < r.end {
            let mut end = (start + SCAN_CHUNK).min(r.end);
            if end < r.end {
                let near = (end + SCAN_OVERLAP / 2).min(r.end);
                if let Some(p) = memchr::memchr(b'\n', &data[end..near]) {
                    end += p + 1;
                }
            }
            spans.push(start..(end + SCAN_OVERLAP).min(r.end));
            owns.push(start..end);
            start = end;
        }
    }
    (spans, owns)
}

/// The byte regions of `data` around the 1-based line `ranges`, with `context` lines of
/// context, merged.
fn regions_around(data: &[u8], ranges: &[Range<u32>], context: usize) -> Vec<Range<usize>> {
    let mut starts = vec![0usize];
    starts.extend(memchr::memchr_iter(b'\n', data).map(|p| p + 1));
    let line_start = |i: usize| starts.get(i).copied().unwrap_or(data.len());
    let mut regions: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        let first = (r.start as usize).saturating_sub(1 + context);
        let last = (r.end as usize).saturating_sub(1) + context;
        let region = line_start(first)..line_start(last).min(data.len());
        match regions.last_mut() {
            Some(prev) if region.start <= prev.end => prev.end = prev.end.max(region.end),
            _ => regions.push(region),
        }
    }
    regions
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
