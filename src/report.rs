//! What a command found ([`Report`]), and its printers: one a format ([`render`] chooses),
//! the same for every command, each command adding its own parts ([`Header`]). Printers
//! write to any `io::Write` and never decide the exit code; `main.rs` does.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use crate::finding::Finding;
use crate::fix::{Applicability, Fix, FixKind};
use crate::rules::RuleSet;

mod json;
mod sarif;
mod text;

pub use json::json;
pub use sarif::{sarif, sarif_log};
pub use text::{HELP_WIDTH, help, summary, text_line};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    Sarif,
}

/// Counts of what was looked at, so that a run that scanned nothing is never taken for a pass.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    /// The paths of the files skipped as too large, for the summary to name.
    #[serde(skip)]
    pub too_large_paths: Vec<String>,
    pub errors: u64,
    /// Findings dropped by the `.leakgate.toml` allowlists.
    pub allowlisted: u64,
    /// Findings below the configuration's `min_severity` (not reported).
    #[serde(skip_serializing_if = "is_zero")]
    pub below_min_severity: u64,
    /// Findings dropped because the baseline (`.leakgate-baseline.json`) accepts them.
    pub baselined: u64,
    /// Lines added by the staged changes (pre-commit only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines_added: Option<u64>,
}

/// `: a.iso, b.bin, c.tar and 2 more` (sorted; empty for no names): which files a summary
/// line's count stands for, briefly.
pub fn name_some(paths: &[String]) -> String {
    if paths.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<&str> = paths.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    format!(": {}", first_few(&sorted, 3))
}

/// `a, b, c and 2 more`: the first `max` of `items`, in their order, and how many are left.
pub fn first_few<S: AsRef<str>>(items: &[S], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(AsRef::as_ref).collect();
    let mut out = shown.join(", ");
    if items.len() > max {
        out.push_str(&format!(" and {} more", items.len() - max));
    }
    out
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Stats {
    /// What was not scanned, for a summary line: `3 binary`, `1 too large`.
    pub fn skipped_parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.skipped_binary > 0 {
            parts.push(format!("{} binary", self.skipped_binary));
        }
        if self.skipped_too_large > 0 {
            parts.push(format!(
                "{} too large{}",
                self.skipped_too_large,
                name_some(&self.too_large_paths)
            ));
        }
        parts
    }

    /// Findings the configuration held back, for a summary line.
    pub fn held_back_parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.allowlisted > 0 {
            parts.push(format!(
                "{} allowlisted by .leakgate.toml",
                self.allowlisted
            ));
        }
        if self.below_min_severity > 0 {
            parts.push(format!("{} below min_severity", self.below_min_severity));
        }
        parts
    }

    pub fn add(&mut self, other: &Stats) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.skipped_binary += other.skipped_binary;
        self.skipped_too_large += other.skipped_too_large;
        self.too_large_paths
            .extend(other.too_large_paths.iter().cloned());
        self.errors += other.errors;
        self.allowlisted += other.allowlisted;
        self.below_min_severity += other.below_min_severity;
        self.baselined += other.baselined;
        if let Some(n) = other.lines_added {
            *self.lines_added.get_or_insert(0) += n;
        }
    }
}

/// What a history scan covered (`lint --history`, `pre-push`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct HistoryStats {
    pub range: String,
    pub commits: u64,
    pub blobs_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    /// A path of each blob skipped as too large, for the summary to name.
    #[serde(skip)]
    pub too_large_paths: Vec<String>,
    /// The blobs the history names that the object database lacks (a partial clone, a
    /// mirror without them), each told: not scanned, and warned about on stderr.
    pub missing: Vec<String>,
}

impl HistoryStats {
    /// `12 commits, 30 blobs`, and the blobs skipped as too large, named
    /// (`, skipped 1 too large: dump.sql`).
    pub fn counts(&self) -> String {
        let mut out = format!(
            "{}, {}",
            plural(self.commits as usize, "commit", "commits"),
            plural(self.blobs_scanned as usize, "blob", "blobs")
        );
        if self.skipped_too_large > 0 {
            out.push_str(&format!(
                ", skipped {} too large{}",
                self.skipped_too_large,
                name_some(&self.too_large_paths)
            ));
        }
        if !self.missing.is_empty() {
            out.push_str(&format!(
                ", {} missing from the object database (not scanned)",
                plural(self.missing.len(), "blob", "blobs")
            ));
        }
        out
    }
}

/// What a command found, for every command and every format: the findings, the fixes they
/// refer to, what was looked at, the history covered, notes and errors. Each command adds its
/// own header (the hook's `.gitignore` check, lint's summary) when it prints it.
#[derive(Debug, Default)]
pub struct Report {
    /// Each names the fixes that fix it by their ids ([`Finding::fixes`]).
    pub findings: Vec<Finding>,
    pub fixes: Vec<Fix>,
    pub stats: Stats,
    /// `Some` when history was scanned.
    pub history: Option<HistoryStats>,
    /// What the reader should know about the run (a push's range, a new branch).
    pub notes: Vec<String>,
    /// Problems that stopped part of the scan (unreadable files); each names its file.
    pub errors: Vec<String>,
}

impl Report {
    /// Take in the findings, errors and counts of another part of the same run (parts without
    /// fixes).
    pub fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.errors.extend(other.errors);
        self.stats.add(&other.stats);
    }

    /// Sort the findings into their one stable order.
    pub fn sort(&mut self) {
        self.findings.sort_by(crate::finding::order);
        self.errors.sort();
    }

    /// Drop the findings `drop` selects, and the fixes that only they needed (the others are
    /// renumbered); returns how many findings were dropped.
    pub fn drop_findings(&mut self, drop: impl Fn(&Finding) -> bool) -> u64 {
        let before = self.findings.len();
        self.findings.retain(|f| !drop(f));
        // Keep only the fixes a remaining finding refers to, renumbered.
        let mut remap = vec![None; self.fixes.len()];
        let mut kept = Vec::new();
        for f in &self.findings {
            for &id in &f.fixes {
                if remap[id].is_none() {
                    remap[id] = Some(kept.len());
                    kept.push(id);
                }
            }
        }
        for f in &mut self.findings {
            for id in f.fixes.iter_mut() {
                *id = remap[*id].expect("kept above");
            }
        }
        let mut old: Vec<Option<Fix>> = std::mem::take(&mut self.fixes)
            .into_iter()
            .map(Some)
            .collect();
        self.fixes = kept
            .into_iter()
            .enumerate()
            .map(|(new_id, id)| {
                let mut fix = old[id].take().expect("each fix kept once");
                fix.id = new_id;
                fix
            })
            .collect();
        (before - self.findings.len()) as u64
    }

    /// Findings that make the run fail (notes on explicit negations do not).
    pub fn problems(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.rule_id != crate::rules::RULE_GITIGNORE_NEGATED)
            .count()
    }

    /// Problems that `--fix` fixes (every fix they need is safe).
    pub fn fixable(&self) -> usize {
        self.fixable_with(&[Applicability::Safe])
    }

    /// Problems that only `--fix --unsafe-fixes` fixes.
    pub fn unsafe_fixable(&self) -> usize {
        self.fixable_with(&[Applicability::Safe, Applicability::Unsafe]) - self.fixable()
    }

    fn fixable_with(&self, allowed: &[Applicability]) -> usize {
        (self.findings.iter())
            .filter(|f| {
                f.rule_id != crate::rules::RULE_GITIGNORE_NEGATED
                    && !f.fixes.is_empty()
                    && (f.fixes.iter()).all(|&id| allowed.contains(&self.fixes[id].applicability))
            })
            .count()
    }

    /// The `.gitignore` patches, concatenated, in the files' bytes (what `--diff` prints).
    pub fn patch(&self) -> Vec<u8> {
        self.fixes
            .iter()
            .filter_map(|f| match &f.kind {
                FixKind::Gitignore { patch_bytes, .. } => Some(patch_bytes.as_slice()),
                FixKind::Untrack { .. } => None,
            })
            .flatten()
            .copied()
            .collect()
    }
}

pub struct Style {
    pub color: bool,
}

/// A command's result as it is printed: its [`Report`], and what the command adds to it (a
/// header before the findings, advice after them, its summary line, JSON fields of its own).
/// The printers ([`render`]) are the same for every command; only these parts differ.
pub trait Header {
    /// The report printed.
    fn report(&self) -> &Report;

    /// Text: the one line printed instead of the report when there was nothing to look at.
    fn nothing_to_say(&self) -> Option<String> {
        None
    }

    /// Text: what comes before the findings (a verdict, notes).
    fn head(&self, _style: &Style, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Text: what each finding's line starts with.
    fn indent(&self) -> &'static str {
        ""
    }

    /// Text: what comes after the findings (how to fix them); by default the remediation of
    /// each rule found, once.
    fn advice(&self, rules: &RuleSet, style: &Style, out: &mut dyn Write) -> io::Result<()> {
        help(&self.report().findings, rules, style, out)
    }

    /// Text: the last line, what was scanned and what was found.
    fn summary(&self) -> String;

    /// Whether the summary line says that all is well (green) or not (red).
    fn passed(&self) -> bool {
        self.report().findings.is_empty()
    }

    /// JSON: the command's own fields (an object), added to the report's.
    fn json_fields(&self) -> serde_json::Value {
        json!({})
    }
}

/// A report as `scan` prints it: the findings, each rule's remediation, the summary.
impl Header for Report {
    fn report(&self) -> &Report {
        self
    }

    fn summary(&self) -> String {
        summary(self)
    }
}

/// Render in the chosen format: the one place where the format is chosen, for every command.
pub fn render(
    format: Format,
    printed: &dyn Header,
    rules: &RuleSet,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::text(printed, rules, style, out),
        Format::Json => json(printed.report(), printed.json_fields(), out),
        Format::Sarif => sarif(printed.report(), rules, out),
    }
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// What to do about a secret found in the staged changes, for that moment: it is not in a
/// commit yet, so it is removed and loaded from the environment, and rotated only if it was
/// shared already. (The rules' `remediation` texts are for a secret in history, which
/// `lint --history` and `pre-push` report.) `files` names the files, `ids` the rules.
pub fn staged_secret_advice(files: &str, ids: &[&str]) -> [String; 2] {
    let how = match ids {
        [id] => format!("`leakgate rules explain {id}`"),
        _ => format!("`leakgate rules explain <id>` for {}", ids.join(", ")),
    };
    [
        format!(
            "Remove the value from {files} and load it from the environment (or a secret \
             manager) instead, then `git add` again."
        ),
        format!(
            "It is not committed yet: rotate it only if it was already shared or pushed \
             (how: {how})."
        ),
    ]
}

pub fn remediation<'a>(rules: &'a RuleSet, id: &str) -> Option<&'a str> {
    rules.metadata(id).map(|(_, _, _, remediation)| remediation)
}

/// Quote a path for a POSIX shell command line, if it needs it.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./+=:@%,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
