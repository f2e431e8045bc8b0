//! What is reported: [`Finding`], with the secret already redacted. The raw secret never
//! leaves `scan.rs` and `check.rs`: a `Finding` holds only a short prefix, the length and a
//! hash. A data type, with its severity and allowlist verdicts: it imports nothing of the
//! crate.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    /// Relative to the scanned root (or the repository root), `/`-separated.
    pub path: String,
    /// 1-based; `None` for file-level findings (a file that must not be tracked).
    pub line: Option<u32>,
    /// 1-based, in characters.
    pub column: Option<u32>,
    pub end_line: Option<u32>,
    pub end_column: Option<u32>,
    /// The redacted secret (`ghp_XI…(40)`), never the secret.
    pub secret: Option<String>,
    /// SHA-1 of the secret bytes, hex.
    pub fingerprint: Option<String>,
    pub message: String,
    /// History findings: the commit (short id) and its author date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// History findings of `lint --history --all`: the references whose history holds the
    /// commit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
    /// Where the file sits, when it is not the product's own code: `test` (tests, fixtures,
    /// specs), `docs` (documentation, examples) or `vendor` (vendored dependencies), from
    /// its path. Whether it is found does not depend on it: a team filters or baselines on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<&'static str>,
    /// The ids of the fixes (in the report's `fixes`) that fix it; empty when there are none.
    pub fixes: Vec<usize>,
    /// What the configuration's allowlists decided on the raw secret (never serialized).
    #[serde(skip)]
    pub allowed: Allowed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdicts of the content checks, decided where the raw secret was at hand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowed {
    /// An allowlist without path checks allowlisted the finding.
    pub yes: bool,
    /// `AND` allowlists (indices into `RuleSet::allowlists`) whose content checks passed and
    /// whose path checks are still to be made.
    pub pending: Vec<u16>,
}

/// The [`Finding::context`] of a repo-relative path: its innermost telling directory (or a
/// test file's own name: `foo_test.go`, `test_foo.py`, `foo.spec.ts`) decides.
pub fn context_of(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or("");
    for dir in parts.iter().rev() {
        let found = match *dir {
            "vendor" | "vendored" | "node_modules" | "third_party" | "third-party"
            | "bower_components" | "pods" | "external" => Some("vendor"),
            "test" | "tests" | "testing" | "spec" | "specs" | "__tests__" | "__mocks__"
            | "testdata" | "test-data" | "test_data" | "fixtures" | "fixture" | "cassettes"
            | "mocks" | "e2e" | "integration" | "integration-test" | "integration-tests"
            | "integration_tests" | "testfixture" | "testfixtures" | "test-fixtures"
            | "test_fixtures" => Some("test"),
            // A .NET test project: `Api.Test`, `Core.UnitTests`, `Identity.IntegrationTest`.
            d if [
                ".test",
                ".tests",
                ".unittests",
                ".integrationtest",
                ".integrationtests",
            ]
            .iter()
            .any(|t| d.ends_with(t)) =>
            {
                Some("test")
            }
            "docs" | "doc" | "documentation" | "examples" | "example" | "samples" | "sample"
            | "demo" | "demos" | "tutorial" | "tutorials" => Some("docs"),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    let stem = name.split('.').next().unwrap_or(name);
    if stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || name.contains(".test.")
        || name.contains(".spec.")
        || class_test(path, name)
    {
        return Some("test");
    }
    if name.ends_with(".md") || name.ends_with(".rst") || name.ends_with(".adoc") {
        return Some("docs");
    }
    None
}

/// A test class's file, named in its own case (`FooTest.java`, `StripeTests.cs`; not
/// `Latest.cs`).
fn class_test(path: &str, lower_name: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let base = stem
        .strip_suffix("Tests")
        .or_else(|| stem.strip_suffix("Test"));
    base.is_some_and(|b| !b.is_empty())
        && [".java", ".cs", ".kt", ".php"]
            .iter()
            .any(|e| lower_name.ends_with(e))
}

impl Finding {
    /// A file-level finding (`"line": null`, no secret): a file that must not be tracked, or a
    /// repository-level problem such as missing `.gitignore` coverage.
    pub fn file_level(rule_id: &str, severity: Severity, path: &str, message: String) -> Finding {
        Finding {
            rule_id: rule_id.to_string(),
            severity,
            path: path.to_string(),
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            secret: None,
            fingerprint: None,
            message,
            commit: None,
            date: None,
            refs: Vec::new(),
            context: context_of(path),
            fixes: Vec::new(),
            allowed: Allowed::default(),
        }
    }

    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (
            &self.path,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            &self.rule_id,
        )
    }
}

/// The findings' one stable order (path, line, column, rule, then commit).
pub fn order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    a.sort_key()
        .cmp(&b.sort_key())
        .then_with(|| a.commit.cmp(&b.commit))
}

/// A short, printable prefix of the secret and its length: `ghp_XI…(40)`.
/// At most a quarter of the secret, and never more than six characters, is shown.
pub fn redact(secret: &[u8]) -> String {
    use std::fmt::Write;
    if secret.is_ascii() {
        // The common case, without decoding: one byte is one character.
        let n = secret.len();
        let mut out = String::with_capacity(16);
        out.extend(secret[..(n / 4).min(6)].iter().map(|&b| {
            if b.is_ascii_control() {
                '?'
            } else {
                char::from(b)
            }
        }));
        let _ = write!(out, "…({n})");
        return out;
    }
    let text = String::from_utf8_lossy(secret);
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let show = (n / 4).min(6);
    let prefix: String = chars[..show]
        .iter()
        .map(|&c| if c.is_control() { '?' } else { c })
        .collect();
    format!("{prefix}…({n})")
}

/// Hex SHA-1 of the secret bytes.
pub fn fingerprint(secret: &[u8]) -> String {
    let mut h = gix::hash::hasher(gix::hash::Kind::Sha1);
    h.update(secret);
    match h.try_finalize() {
        Ok(id) => id.to_hex().to_string(),
        // A collision attack pattern detected by sha1dc: still hash deterministically.
        Err(_) => format!("len{}-{:08x}", secret.len(), crate::validate::crc32(secret)),
    }
}

/// Maps byte offsets of one blob to 1-based lines and columns.
pub struct LineIndex<'a> {
    hay: &'a [u8],
    starts: Vec<usize>,
    /// The last position asked for (offset, column): the next one on the same line is
    /// counted from there, so that thousands of findings on one long line cost one pass.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(hay: &'a [u8]) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', hay).map(|p| p + 1));
        LineIndex {
            hay,
            starts,
            last: std::cell::Cell::new((usize::MAX, 0)),
        }
    }

    /// (line, column), both 1-based; the column counts characters (UTF-8 code points).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let chars =
            |r: std::ops::Range<usize>| self.hay[r].iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        let end = self.starts.get(line).copied().unwrap_or(usize::MAX);
        let (at, at_col) = self.last.get();
        let col = if !(start..end).contains(&at) || offset.abs_diff(at) > offset - start {
            chars(start..offset) + 1
        } else if at <= offset {
            at_col + chars(at..offset)
        } else {
            at_col - chars(offset..at)
        };
        self.last.set((offset, col));
        (line as u32, col as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_shows_a_short_prefix_only() {
        assert_eq!(
            redact(b"ghp_XIxB7KMNdAr3zqWtQqhE94qglHqOzn1D1stg"),
            "ghp_XI…(40)"
        );
        assert_eq!(redact(b"hunter22"), "hu…(8)");
        assert_eq!(redact(b"abc"), "…(3)");
    }

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let hay = "a\nxé = KEY\n".as_bytes();
        let idx = LineIndex::new(hay);
        assert_eq!(idx.position(0), (1, 1));
        let off = hay.windows(3).position(|w| w == b"KEY").unwrap();
        assert_eq!(idx.position(off), (2, 6));
    }

    #[test]
    fn context_comes_from_the_innermost_telling_directory_or_the_name() {
        let cases = [
            ("src/app.py", None),
            ("tests/fixtures/key.pem", Some("test")),
            ("pkg/foo/foo_test.go", Some("test")),
            ("web/src/api.spec.ts", Some("test")),
            ("src/test/java/FooTest.java", Some("test")),
            ("docs/setup.md", Some("docs")),
            ("README.md", Some("docs")),
            ("examples/app/config.yaml", Some("docs")),
            ("vendor/github.com/x/y/creds.go", Some("vendor")),
            ("node_modules/pkg/test/key.pem", Some("test")),
            ("latest/contest.py", None),
            ("internal/ns/v1/testfixture/id_rsa", Some("test")),
            ("src/Core.Tests/Keys.cs", Some("test")),
            ("src/Billing/StripeTests.cs", Some("test")),
            ("src/Feed/Latest.cs", None),
        ];
        for (path, want) in cases {
            assert_eq!(context_of(path), want, "{path}");
        }
    }

    #[test]
    fn fingerprint_is_stable_and_not_the_secret() {
        let f = fingerprint(b"s3cr3t-value");
        assert_eq!(f.len(), 40);
        assert_eq!(f, fingerprint(b"s3cr3t-value"));
        assert!(!f.contains("s3cr3t"));
    }
}
