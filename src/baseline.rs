//! The baseline: findings a team has looked at and accepted, so that `lint` and `pre-commit`
//! report only new ones (`.leakgate-baseline.json` at the repository root).
//!
//! An entry is keyed by the rule, the path and the SHA-1 of the secret — never by line — so
//! editing or moving lines keeps it valid, while a different secret on the same line is still
//! reported. File-level findings (a tracked `.env`) have no secret: their entry has a `null`
//! fingerprint and stands for the rule and the path. An entry with a `commit` is something found
//! only in history (a key committed and deleted since, a `.env` once committed): it suppresses
//! history findings only, so adding that secret or file back to the tree is reported again.
//!
//! The file is written sorted, one entry per line, without timestamps: regenerating it changes
//! only the lines of entries that changed, and it merges like source code. It never holds a
//! secret (not even the redacted prefix): only rule ids, paths, fingerprints and commit ids.
//!
//! ```json
//! {
//!   "version": 1,
//!   "entries": [
//!     {"rule_id": "dotenv-file", "path": ".env", "fingerprint": null},
//!     {"rule_id": "github-classic-token", "path": "config.py", "fingerprint": "5c0b9d…"},
//!     {"rule_id": "aws-access-key-id", "path": "old.py", "fingerprint": "0a1b2c…", "commit": "a1b2c3d"}
//!   ]
//! }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Deserializer, Serialize};

use crate::finding::Finding;

/// The default baseline file, at the repository root.
pub const FILE_NAME: &str = ".leakgate-baseline.json";
/// The format version written and accepted.
pub const VERSION: u64 = 1;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule_id: String,
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    /// SHA-1 of the secret (hex); `null` for a file-level finding.
    #[serde(deserialize_with = "fingerprint")]
    pub fingerprint: Option<String>,
    /// Set when the finding is only in history (the short id of the commit that added it):
    /// the entry then suppresses history findings only.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "commit"
    )]
    pub commit: Option<String>,
}

type Key = (String, String, Option<String>);

impl Entry {
    fn key(&self) -> Key {
        (
            self.path.clone(),
            self.rule_id.clone(),
            self.fingerprint.clone(),
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    #[serde(deserialize_with = "version")]
    #[allow(dead_code)] // checked while parsing
    version: u64,
    entries: Vec<Entry>,
}

fn version<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = u64::deserialize(d)?;
    if v != VERSION {
        return Err(serde::de::Error::custom(format!(
            "unsupported baseline version {v} (this leakgate reads version {VERSION}; \
             regenerate the file with `leakgate baseline`)"
        )));
    }
    Ok(v)
}

/// A fingerprint as `finding::fingerprint` makes it.
fn is_fingerprint(s: &str) -> bool {
    let hex = |t: &str| {
        t.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    (s.len() == 40 && hex(s))
        || s.strip_prefix("len").is_some_and(|rest| {
            rest.split_once('-').is_some_and(|(n, crc)| {
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && crc.len() == 8 && hex(crc)
            })
        })
}

fn fingerprint<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<String>::deserialize(d)?;
    if let Some(s) = &v
        && !is_fingerprint(s)
    {
        return Err(serde::de::Error::custom(format!(
            "`{}` is not a fingerprint (40 lowercase hex digits: the SHA-1 of the secret)",
            crate::finding::redact(s.as_bytes())
        )));
    }
    Ok(v)
}

fn commit<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<String>::deserialize(d)?;
    if let Some(s) = &v
        && (s.len() < 4 || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(serde::de::Error::custom(format!(
            "`{s}` is not a commit id"
        )));
    }
    Ok(v)
}

/// Which baseline a command reads.
#[derive(Debug, Clone, Default)]
pub enum Choice {
    /// `.leakgate-baseline.json` at the repository root, if it exists.
    #[default]
    Default,
    /// `--baseline FILE`: must exist.
    File(PathBuf),
    /// `--no-baseline`.
    Ignore,
}

/// A set of accepted findings.
#[derive(Debug, Default)]
pub struct Baseline {
    /// Where it was read from (`None`: no baseline).
    pub source: Option<PathBuf>,
    /// Entries by (path, rule, fingerprint).
    entries: BTreeMap<Key, Entry>,
}

impl Baseline {
    /// The baseline `choice` names, for the repository whose work tree is `workdir`.
    pub fn resolve(choice: &Choice, workdir: &Path) -> Result<Baseline> {
        match choice {
            Choice::Default => Baseline::load(&workdir.join(FILE_NAME), false),
            Choice::File(p) => Baseline::load(p, true),
            Choice::Ignore => Ok(Baseline::default()),
        }
    }

    /// Read `path`; a missing file is an empty baseline only when `required` is false.
    pub fn load(path: &Path, required: bool) -> Result<Baseline> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Baseline::default());
            }
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("{}: cannot read the baseline", path.display()));
            }
        };
        let spec: FileSpec = serde_json::from_str(&text).map_err(|e| {
            let msg = e.to_string();
            // serde_json appends " at line L column C": say it the compiler's way instead.
            let msg = msg
                .rsplit_once(" at line ")
                .map_or(msg.as_str(), |(m, _)| m)
                .to_string();
            anyhow::anyhow!(
                "{}:{}:{}: invalid baseline: {msg} (regenerate it with `leakgate baseline`)",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        let mut b = Baseline::from_entries(spec.entries);
        b.source = Some(path.to_path_buf());
        Ok(b)
    }

    /// A baseline of these entries; of two entries for the same finding, the one that is not
    /// history-only is kept (it covers both).
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Baseline {
        let mut map: BTreeMap<Key, Entry> = BTreeMap::new();
        for e in entries {
            match map.get_mut(&e.key()) {
                Some(old) => {
                    if e.commit.is_none() {
                        old.commit = None;
                    }
                }
                None => {
                    map.insert(e.key(), e);
                }
            }
        }
        Baseline {
            source: None,
            entries: map,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// Whether an entry for the same finding (rule, path, fingerprint) is here.
    pub fn has_entry_for(&self, e: &Entry) -> bool {
        self.entries.contains_key(&e.key())
    }

    /// Whether `f` is an accepted finding.
    pub fn contains(&self, f: &Finding) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let key = (f.path.clone(), f.rule_id.clone(), f.fingerprint.clone());
        self.entries
            .get(&key)
            .is_some_and(|e| e.commit.is_none() || f.commit.is_some())
    }

    /// The file's text: sorted by path, rule and fingerprint, one entry per line.
    pub fn render(&self) -> String {
        let mut out = format!("{{\n  \"version\": {VERSION},\n  \"entries\": [");
        let n = self.entries.len();
        for (i, e) in self.entries.values().enumerate() {
            let s = |v: &str| serde_json::to_string(v).expect("a string serializes");
            out.push_str("\n    {\"rule_id\": ");
            out.push_str(&s(&e.rule_id));
            out.push_str(", \"path\": ");
            out.push_str(&s(&e.path));
            out.push_str(", \"fingerprint\": ");
            match &e.fingerprint {
                Some(fp) => out.push_str(&s(fp)),
                None => out.push_str("null"),
            }
            if let Some(c) = &e.commit {
                out.push_str(", \"commit\": ");
                out.push_str(&s(c));
            }
            out.push('}');
            if i + 1 < n {
                out.push(',');
            }
        }
        if n > 0 {
            out.push_str("\n  ");
        }
        out.push_str("]\n}\n");
        out
    }

    /// Write the file atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        crate::gitignore::write_atomic(path, self.render().as_bytes())
            .with_context(|| format!("{}: cannot write the baseline", path.display()))
    }
}

/// The entry that accepts `f`; `in_tree` says whether the finding is in the current tree
/// (otherwise a history finding's entry is history-only).
pub fn entry_of(f: &Finding, in_tree: bool) -> Entry {
    Entry {
        rule_id: f.rule_id.clone(),
        path: f.path.clone(),
        fingerprint: f.fingerprint.clone(),
        commit: if in_tree { None } else { f.commit.clone() },
    }
}

/// What `leakgate baseline` accepts from a lint run, and what it leaves to be fixed.
pub struct Selection {
    pub entries: Vec<Entry>,
    /// Problems a baseline does not accept: untracked must-not-track files that nothing
    /// ignores (`lint --fix` ignores them). Accepting one would let the hook commit it.
    pub left: Vec<Finding>,
}

/// Select the entries of a baseline from a lint run (allowlisted findings already dropped):
/// secrets, tracked must-not-track files and, with history, what history holds. `repo` is the
/// repository linted (its index says what is tracked).
pub fn select(findings: &[Finding], repo: &gix::Repository) -> Result<Selection> {
    use crate::rules::{RULE_GITIGNORE_MISSING, RULE_GITIGNORE_NEGATED, RULE_GITIGNORE_NOT_SHARED};
    use gix::bstr::ByteSlice;
    let index = repo.index_or_empty().context("reading the index")?;
    let mut sel = Selection {
        entries: Vec::new(),
        left: Vec::new(),
    };
    for f in findings {
        match f.rule_id.as_str() {
            RULE_GITIGNORE_NEGATED => continue, // a note: never a failure
            // Accepted as it stands (its fingerprint names the kind, patterns and directories).
            RULE_GITIGNORE_MISSING | RULE_GITIGNORE_NOT_SHARED => {
                sel.entries.push(entry_of(f, true))
            }
            _ if f.commit.is_some() => sel.entries.push(entry_of(f, false)),
            _ if f.fingerprint.is_some() => sel.entries.push(entry_of(f, true)),
            _ if index.entry_by_path(f.path.as_bytes().as_bstr()).is_some() => {
                sel.entries.push(entry_of(f, true))
            }
            _ => sel.left.push(f.clone()),
        }
    }
    Ok(sel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Severity;

    fn finding(path: &str, fp: Option<&str>, commit: Option<&str>) -> Finding {
        Finding {
            rule_id: "r".into(),
            severity: Severity::High,
            path: path.into(),
            line: Some(3),
            column: Some(1),
            end_line: Some(3),
            end_column: Some(9),
            secret: Some("ab…(8)".into()),
            fingerprint: fp.map(str::to_string),
            message: "m".into(),
            commit: commit.map(str::to_string),
            date: None,
            refs: Vec::new(),
            context: None,
            fixes: Vec::new(),
            allowed: Default::default(),
        }
    }

    const FP1: &str = "0123456789abcdef0123456789abcdef01234567";
    const FP2: &str = "fedcba9876543210fedcba9876543210fedcba98";

    #[test]
    fn render_is_sorted_and_reads_back() {
        let b = Baseline::from_entries([
            entry_of(&finding("b.py", Some(FP1), None), true),
            entry_of(&finding("a.py", Some(FP2), Some("abc1234")), false),
            entry_of(&finding(".env", None, None), true),
        ]);
        let text = b.render();
        assert_eq!(
            text,
            format!(
                "{{\n  \"version\": 1,\n  \"entries\": [\n    \
                 {{\"rule_id\": \"r\", \"path\": \".env\", \"fingerprint\": null}},\n    \
                 {{\"rule_id\": \"r\", \"path\": \"a.py\", \"fingerprint\": \"{FP2}\", \"commit\": \"abc1234\"}},\n    \
                 {{\"rule_id\": \"r\", \"path\": \"b.py\", \"fingerprint\": \"{FP1}\"}}\n  ]\n}}\n"
            )
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        b.write(&p).unwrap();
        let again = Baseline::load(&p, true).unwrap();
        assert_eq!(again.render(), text);
        assert_eq!(
            Baseline::default().render(),
            "{\n  \"version\": 1,\n  \"entries\": []\n}\n"
        );
    }

    #[test]
    fn matching_ignores_lines_and_history_only_entries_match_history_only() {
        let b = Baseline::from_entries([
            entry_of(&finding("a.py", Some(FP1), None), true),
            entry_of(&finding("old.py", Some(FP2), Some("abc1234")), false),
        ]);
        let mut moved = finding("a.py", Some(FP1), None);
        moved.line = Some(40);
        assert!(b.contains(&moved));
        assert!(!b.contains(&finding("a.py", Some(FP2), None)));
        assert!(!b.contains(&finding("b.py", Some(FP1), None)));
        assert!(b.contains(&finding("old.py", Some(FP2), Some("fff0000"))));
        assert!(!b.contains(&finding("old.py", Some(FP2), None)));
        // An entry for the tree covers history too, and wins over a history-only duplicate.
        let b = Baseline::from_entries([
            entry_of(&finding("a.py", Some(FP1), Some("abc1234")), false),
            entry_of(&finding("a.py", Some(FP1), None), true),
        ]);
        assert_eq!(b.len(), 1);
        assert!(b.contains(&finding("a.py", Some(FP1), None)));
    }

    #[test]
    fn malformed_files_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        let cases = [
            (
                "{\n  \"version\": 1,\n  \"entries\": [\n    {\"rule_id\": \"r\"\n",
                ":5:",
            ),
            ("{\n  \"version\": 2,\n  \"entries\": []\n}\n", ":2:"),
            (
                "{\"version\": 1, \"entries\": [\n{\"rule_id\": \"r\", \"path\": \"a\", \"fingerprint\": \"xyz\"}]}",
                ":2:",
            ),
            (
                "{\"version\": 1, \"entries\": [\n\n{\"rule_id\": \"r\", \"path\": \"a\", \"line\": 3}]}",
                ":3:",
            ),
        ];
        for (text, at) in cases {
            std::fs::write(&p, text).unwrap();
            let e = format!("{:#}", Baseline::load(&p, true).unwrap_err());
            assert!(e.contains(&format!("{FILE_NAME}{at}")), "{e}");
            assert!(e.contains("invalid baseline"), "{e}");
        }
        assert!(
            Baseline::load(&dir.path().join("nope.json"), false)
                .unwrap()
                .source
                .is_none()
        );
        assert!(Baseline::load(&dir.path().join("nope.json"), true).is_err());
    }
}
