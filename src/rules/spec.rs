//! What a rule file says: the `[[rule]]` and `[[file]]` tables as written in TOML.

use super::*;

/// One `[[rule]]` table as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable kebab-case id, used in allow comments, configs and baselines.
    pub id: String,
    pub name: String,
    pub severity: Severity,
    /// Regex (ASCII semantics, bytes API). Capture group 1 is the secret.
    pub pattern: Spanned<String>,
    /// Literal, ASCII case-insensitive prefilter: the rule runs only near a keyword hit.
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// A named check done in code (see `validate.rs`).
    #[serde(default)]
    pub validator: Option<Spanned<String>>,
    /// Run the regex over the whole blob (for secrets that span lines, such as private keys)
    /// instead of a window around each keyword hit.
    #[serde(default)]
    pub multiline: bool,
    /// Widen the window around a keyword hit by this many lines before and after it (for
    /// secrets a line or two away from their keyword, such as nested YAML).
    #[serde(default)]
    pub window_lines: u8,
    /// The rule applies only to blobs in which this regex matches somewhere.
    #[serde(default)]
    pub context: Option<Spanned<String>>,
    /// Decoding applied to the secret before it is checked (`base64`): the decoded bytes are
    /// scanned with every other rule, and reported under this rule if none matches.
    #[serde(default)]
    pub decode: Option<Spanned<String>>,
    /// Regexes on the secret that mark it as not a secret (hashes, UUIDs, known non-secrets).
    #[serde(default)]
    pub allow: Vec<Spanned<String>>,
    /// A fallback rule (generic assignments): its finding is dropped when a specific rule
    /// reports the same bytes.
    #[serde(default)]
    pub fallback: bool,
    pub description: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A `[[file]]` table: a file that must never be tracked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRuleSpec {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    /// gitignore-style globs matched against the repo-relative path.
    pub paths: Vec<String>,
    /// Globs that exempt a path (templates such as `.env.example`).
    #[serde(default)]
    pub except: Vec<String>,
    /// The file is reported only if its content matches this regex.
    #[serde(default)]
    pub content: Option<Spanned<String>>,
    /// Content rules that find the material this rule reports the file for (a `.pem` file's
    /// private key): in a file this rule reports, their findings are this one's, and are not
    /// reported again (one finding per secret location).
    #[serde(default)]
    pub covers: Vec<String>,
    /// Patterns to add to `.gitignore` to keep such files out (defaults to `paths`).
    #[serde(default)]
    pub gitignore: Vec<String>,
    /// Whether `.gitignore` coverage is checked for this rule.
    #[serde(default = "yes")]
    pub hygiene: bool,
    /// Which repositories need its `.gitignore` patterns: those with a tracked file named so
    /// (`*.tf`, `Gemfile`: an extension or a file name). Empty: every repository (the core
    /// block). A repository that holds such a file needs them whatever its stack.
    #[serde(default)]
    pub stack: Vec<String>,
    pub description: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    /// Paths (optionally `path\ncontent`) that must be reported.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Paths (optionally `path\ncontent`) that must not be reported.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A `[[published_example]]` table: credentials a provider or SDK publishes as samples (in its
/// documentation, quickstarts or test apps), which every copy of the code carries and which no
/// rule should report. Values are listed by the SHA-1 of the secret (a finding's fingerprint),
/// so the rule file holds no key; a family is a regex on the secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedSpec {
    /// Who publishes them, and where.
    pub source: String,
    /// SHA-1 (40 hex digits) of each published value.
    #[serde(default)]
    pub sha1: Vec<String>,
    /// A regex on the secret naming a family of published values.
    #[serde(default)]
    pub pattern: Option<String>,
}

pub(crate) fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RulesFile {
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) version: Option<u32>,
    #[serde(default, rename = "rule")]
    pub(crate) rules: Vec<Spanned<RuleSpec>>,
    #[serde(default, rename = "file")]
    pub(crate) files: Vec<Spanned<FileRuleSpec>>,
    #[serde(default, rename = "published_example")]
    pub(crate) published: Vec<PublishedSpec>,
}

/// Which part of a match is the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretGroup {
    /// Capture group `n` (leakgate's rules: group 1).
    Group(usize),
    /// The first capture group that matched something, or the whole match if none did or the
    /// pattern has no group (a gitleaks rule without `secretGroup`).
    FirstNonEmpty,
}
