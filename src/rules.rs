//! Rules as data: `rules.toml` (compiled into the binary) and user rule files.
//!
//! A [`RuleSpec`] is what the TOML says; a [`Rule`] is what the scanner uses. Parsing is strict
//! (`deny_unknown_fields`) and every error names the file, the rule and the line. Regexes are
//! checked for syntax at load time (cheap) and compiled lazily on the first keyword hit, so that
//! start-up stays in single milliseconds however many rules there are.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use regex_automata::util::captures::Captures;
use serde::Deserialize;
use toml::Spanned;

use crate::validate::Validator;

/// The built-in rule file, embedded at compile time.
pub const BUILTIN_RULES: &str = include_str!("../rules.toml");
/// The built-in rules as Rust data, without their examples (made by `build.rs` from
/// `rules.toml`): what scanning loads, with no TOML to parse at start-up.
mod generated {
    pub(crate) struct GenRule {
        pub id: &'static str,
        pub name: &'static str,
        pub severity: &'static str,
        pub pattern: &'static str,
        pub keywords: &'static [&'static str],
        pub min_entropy: Option<f64>,
        pub validator: Option<&'static str>,
        pub multiline: bool,
        pub window_lines: u8,
        pub context: Option<&'static str>,
        pub decode: Option<&'static str>,
        pub allow: &'static [&'static str],
        pub fallback: bool,
        pub description: &'static str,
        pub remediation: &'static str,
        pub references: &'static [&'static str],
        pub shape: Option<crate::shape::Shape>,
        /// The gate's DFA: a range of [`GATES`] (see `build.rs`).
        pub gate: Option<std::ops::Range<usize>>,
    }

    /// The built-in rules' gates, compiled to sparse DFAs at build time.
    pub(crate) static GATES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gates.bin"));

    pub(crate) struct GenFile {
        pub id: &'static str,
        pub name: &'static str,
        pub severity: &'static str,
        pub paths: &'static [&'static str],
        pub except: &'static [&'static str],
        pub content: Option<&'static str>,
        pub gitignore: &'static [&'static str],
        pub hygiene: bool,
        pub stack: &'static [&'static str],
        pub description: &'static str,
        pub remediation: &'static str,
        pub references: &'static [&'static str],
    }

    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

fn severity_of(s: &str) -> Severity {
    match s {
        "high" => Severity::High,
        "medium" => Severity::Medium,
        _ => Severity::Low,
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn spanned(s: &str) -> Spanned<String> {
    Spanned::new(0..0, s.to_string())
}
/// The name used for the built-in rule file in error messages.
pub const BUILTIN_NAME: &str = "rules.toml (built-in)";

pub use crate::finding::Severity;

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

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<u32>,
    #[serde(default, rename = "rule")]
    rules: Vec<Spanned<RuleSpec>>,
    #[serde(default, rename = "file")]
    files: Vec<Spanned<FileRuleSpec>>,
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

/// A DFA as `build.rs` serialized it (no copy: it reads the binary's own bytes).
type GateDfa = regex_automata::dfa::sparse::DFA<&'static [u8]>;

/// The DFA `build.rs` serialized into `bytes` (a range of `generated::GATES`), read without
/// validating its transitions, which costs more than a commit's whole scan; `None` if its
/// header does not fit this build (it always does).
fn prebuilt_dfa(bytes: &'static [u8]) -> Option<GateDfa> {
    // SAFETY: the bytes were written by `to_bytes_*_endian` of the same regex-automata (one
    // version in Cargo.lock serves the build script and this crate), for this target's byte
    // order, and are embedded unchanged (`include_bytes!`); `tests::prebuilt_dfas_are_valid`
    // checks every one of them with the validating `from_bytes`.
    unsafe { regex_automata::dfa::sparse::DFA::from_bytes_unchecked(bytes) }
        .ok()
        .map(|(dfa, _)| dfa)
}

/// Whether a prebuilt DFA matches somewhere in `input`; one that gives up (none can: they
/// have no Unicode word boundary) says yes.
fn dfa_matches(dfa: &GateDfa, input: regex_automata::Input<'_>) -> bool {
    use regex_automata::dfa::Automaton;
    dfa.try_search_fwd(&input.earliest(true))
        .map_or(true, |m| m.is_some())
}

/// A rule's gate: what a window must match for the rule's pattern to be tried on it.
#[derive(Debug, Clone, Copy)]
pub enum Gate<'r> {
    Dfa(&'r GateDfa),
    Regex(&'r regex_automata::meta::Regex),
}

impl Gate<'_> {
    /// Whether `input` (a window, with the bytes before it for look-behind) may hold a match.
    /// A DFA that gives up (it cannot) lets the window through.
    pub fn is_match(&self, input: regex_automata::Input<'_>) -> bool {
        match self {
            Gate::Dfa(dfa) => dfa_matches(dfa, input),
            Gate::Regex(re) => re.is_match(input),
        }
    }
    /// [`Gate::is_match`] with a search cache of `caches` (see [`crate::scan::RegexCaches`]).
    pub fn is_match_with(
        &self,
        caches: &mut crate::scan::RegexCaches,
        input: regex_automata::Input<'_>,
    ) -> bool {
        match self {
            Gate::Dfa(dfa) => dfa_matches(dfa, input),
            Gate::Regex(re) => re.is_match_with(caches.get(re), &input),
        }
    }
}

/// A rule ready to scan with.
#[derive(Debug)]
pub struct Rule {
    pub spec: RuleSpec,
    pub validator: Option<Validator>,
    pub decode_base64: bool,
    /// Which part of a match is the secret.
    pub secret_group: SecretGroup,
    /// A regex the finding's path must match (gitleaks' rule `path`); checked on findings.
    pub path: Option<Regex>,
    regex: OnceLock<regex_automata::meta::Regex>,
    light: OnceLock<Option<crate::light::Light>>,
    gate: OnceLock<Option<regex_automata::meta::Regex>>,
    /// A built-in rule's gate compiled at build time (a serialized sparse DFA).
    prebuilt: Option<&'static [u8]>,
    prebuilt_gate: OnceLock<Option<GateDfa>>,
    dfa_gate: OnceLock<Option<regex_automata::meta::Regex>>,
    allow: OnceLock<std::sync::Arc<AllowSet>>,
    shape: OnceLock<Option<crate::shape::Shape>>,
}

impl Rule {
    /// A rule made from a spec by an importer (a gitleaks configuration): no keyword is
    /// required (such a rule runs on every blob), and the pattern's syntax is checked here.
    pub(crate) fn imported(
        spec: RuleSpec,
        secret_group: SecretGroup,
        path: Option<Regex>,
    ) -> Result<Rule, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(spec.pattern.get_ref())
            .map_err(|e| format!("bad regex: {}", first_line(&e.to_string())))?;
        let groups = hir.properties().explicit_captures_len();
        if let SecretGroup::Group(n) = secret_group
            && n > groups
        {
            return Err(format!(
                "secretGroup {n}, but the regex has {groups} capture group{}",
                if groups == 1 { "" } else { "s" }
            ));
        }
        Ok(Rule {
            spec,
            validator: None,
            decode_base64: false,
            secret_group,
            path,
            regex: OnceLock::new(),
            gate: OnceLock::new(),
            prebuilt: None,
            prebuilt_gate: OnceLock::new(),
            dfa_gate: OnceLock::new(),
            light: OnceLock::new(),
            allow: OnceLock::new(),
            shape: OnceLock::new(),
        })
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The byte range of the secret within a match, if that group took part.
    pub fn secret_range(&self, caps: &Captures) -> Option<Range<usize>> {
        self.secret_of(|g| caps.get_group(g).map(|s| s.range()), caps.group_len())
    }

    /// The byte range of the secret within a match whose capture group `g` is `group(g)`
    /// (of `groups`, group 0 included).
    pub fn secret_of(
        &self,
        group: impl Fn(usize) -> Option<Range<usize>>,
        groups: usize,
    ) -> Option<Range<usize>> {
        match self.secret_group {
            SecretGroup::Group(n) => group(n),
            SecretGroup::FirstNonEmpty => (1..groups)
                .filter_map(&group)
                .find(|s| !s.is_empty())
                .or_else(|| group(0)),
        }
    }

    /// The compiled pattern (compiled on first use; the syntax was checked at load time).
    pub fn regex(&self) -> &regex_automata::meta::Regex {
        self.regex.get_or_init(|| {
            build_pattern(self.spec.pattern.get_ref(), Engine::Full)
                .expect("pattern checked at load (syntax and size)")
        })
    }

    /// The pattern compiled for a little input: the same matches as [`Rule::regex`], found by
    /// an NFA simulation, which builds a few times faster than the lazy DFA's reverse NFA and
    /// prefilters pay off, from a pattern whose long runs are unbounded (`light.rs`); `None`
    /// if it cannot be built (then [`Rule::regex`] is used).
    pub fn light_regex(&self) -> Option<&crate::light::Light> {
        self.light
            .get_or_init(|| crate::light::Light::new(self.spec.pattern.get_ref(), light_build))
            .as_ref()
    }

    /// A cheap stand-in for the pattern that rules windows out before the pattern itself is
    /// needed, for a few windows: the DFA compiled at build time for a built-in rule, else an
    /// NFA (see [`build_gate`]); `None` if neither can be had.
    pub fn gate(&self) -> Option<Gate<'_>> {
        let prebuilt = self.prebuilt.and_then(|bytes| {
            self.prebuilt_gate
                .get_or_init(|| prebuilt_dfa(bytes))
                .as_ref()
        });
        if let Some(dfa) = prebuilt {
            return Some(Gate::Dfa(dfa));
        }
        self.gate
            .get_or_init(|| {
                build_gate(
                    self.spec.pattern.get_ref(),
                    self.secret_group,
                    Engine::Light,
                )
            })
            .as_ref()
            .map(Gate::Regex)
    }

    /// The gate searched by a lazy DFA, for bulk input (see [`build_gate`]).
    pub fn dfa_gate(&self) -> Option<Gate<'_>> {
        self.dfa_gate
            .get_or_init(|| {
                build_gate(self.spec.pattern.get_ref(), self.secret_group, Engine::Full)
            })
            .as_ref()
            .map(Gate::Regex)
    }

    /// Whether the gates or a compiled pattern were built (for tests of what matching builds).
    #[cfg(test)]
    pub(crate) fn any_engine_built(&self) -> bool {
        self.gate.get().is_some()
            || self.dfa_gate.get().is_some()
            || self.light.get().is_some()
            || self.regex.get().is_some()
    }

    /// What the secret looks like at the least (see `shape.rs`); worked out at build time
    /// for the built-in rules.
    pub fn shape(&self) -> Option<&crate::shape::Shape> {
        self.shape
            .get_or_init(|| match self.secret_group {
                SecretGroup::Group(n) => {
                    crate::shape::Shape::of(self.spec.pattern.get_ref(), n as u32)
                }
                SecretGroup::FirstNonEmpty => None,
            })
            .as_ref()
    }

    /// Whether one of the rule's `allow` regexes marks the secret as not a secret.
    pub fn allows(&self, secret: &[u8]) -> bool {
        if self.spec.allow.is_empty() {
            return false;
        }
        self.allow
            .get_or_init(|| shared_allow_set(&self.spec.allow))
            .is_match(secret)
    }
}

/// A rule's `allow` regexes, compiled once. A built-in one is a DFA compiled at build time;
/// another is searched by the light engine (quick to build) for the first candidates, and a
/// blob with many (a long line of near-misses) moves it on to a lazy DFA (one per regex: a
/// combined one thrashes its cache on a stream of different secrets).
#[derive(Debug)]
pub struct AllowSet {
    prebuilt: Vec<GateDfa>,
    /// The other patterns, with their light regexes.
    patterns: Vec<String>,
    light: Vec<regex_automata::meta::Regex>,
    full: OnceLock<Vec<regex_automata::meta::Regex>>,
    calls: std::sync::atomic::AtomicU32,
}

/// Candidates searched with the light engine before the lazy DFAs are built.
const ALLOW_LIGHT_CALLS: u32 = 512;

impl AllowSet {
    fn new(patterns: Vec<String>) -> AllowSet {
        let mut prebuilt = Vec::new();
        let mut others = Vec::new();
        for p in patterns {
            let dfa = generated::ALLOWS
                .binary_search_by(|(a, _)| (*a).cmp(p.as_str()))
                .ok()
                .and_then(|i| generated::ALLOWS[i].1.clone())
                .and_then(|r| prebuilt_dfa(&generated::GATES[r]));
            match dfa {
                Some(dfa) => prebuilt.push(dfa),
                None => others.push(p),
            }
        }
        let light = others
            .iter()
            .map(|p| build_pattern(p, Engine::Light).expect("allow regex checked at load"))
            .collect();
        AllowSet {
            prebuilt,
            patterns: others,
            light,
            full: OnceLock::new(),
            calls: std::sync::atomic::AtomicU32::new(0),
        }
    }

    fn is_match(&self, secret: &[u8]) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        if self
            .prebuilt
            .iter()
            .any(|dfa| dfa_matches(dfa, regex_automata::Input::new(secret)))
        {
            return true;
        }
        if self.patterns.is_empty() {
            return false;
        }
        let res = if self.calls.load(Relaxed) < ALLOW_LIGHT_CALLS {
            self.calls.fetch_add(1, Relaxed);
            &self.light
        } else {
            self.full.get_or_init(|| {
                self.patterns
                    .iter()
                    .zip(&self.light)
                    .map(|(p, light)| {
                        build_pattern(p, Engine::Full).unwrap_or_else(|| light.clone())
                    })
                    .collect()
            })
        };
        res.iter().any(|re| re.is_match(secret))
    }
}

/// The allow set of a list of `allow` regexes, built once per process: the generic rules
/// carry the same list, and a candidate several of them report is checked against it by each.
fn shared_allow_set(patterns: &[Spanned<String>]) -> std::sync::Arc<AllowSet> {
    type Cache = std::sync::Mutex<HashMap<Vec<String>, std::sync::Arc<AllowSet>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key: Vec<String> = patterns.iter().map(|p| p.get_ref().clone()).collect();
    let cache = CACHE.get_or_init(Default::default);
    let lock = || {
        cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some(set) = lock().get(&key) {
        return set.clone();
    }
    // (Compiled outside the lock; two threads may both compile a set, and one copy is kept.)
    let set = std::sync::Arc::new(AllowSet::new(key.clone()));
    lock().entry(key).or_insert(set).clone()
}

/// A compiled `[[file]]` rule.
#[derive(Debug)]
pub struct FileRule {
    pub spec: FileRuleSpec,
    /// The path globs (lower-cased), compiled on first use: most paths are ruled out by
    /// `hints` without them.
    globs: OnceLock<ignore::gitignore::Gitignore>,
    /// What the last component of each path glob asks of a path component.
    hints: Vec<NameHint>,
    /// Instead of `globs`: a regex on the path, as written (a gitleaks rule with only `path`).
    pub path_regex: Option<Regex>,
    content: OnceLock<Option<Regex>>,
}

impl FileRule {
    /// A file rule that names paths by a regex (a gitleaks rule with `path` and no `regex`).
    pub(crate) fn by_path_regex(spec: FileRuleSpec, re: Regex) -> FileRule {
        FileRule {
            spec,
            globs: OnceLock::from(ignore::gitignore::Gitignore::empty()),
            hints: vec![NameHint::any()],
            path_regex: Some(re),
            content: OnceLock::new(),
        }
    }

    /// Whether the repo-relative path (with `/` separators) is named by this rule.
    pub fn matches_path(&self, path: &str) -> bool {
        match &self.path_regex {
            Some(re) => re.is_match(path.as_bytes()),
            None => {
                let lower = path.to_lowercase();
                let names: Vec<&str> = lower.split('/').collect();
                self.matches_lower(&lower, &names)
            }
        }
    }

    /// `names` are the components of `lower`, split once by the caller for all rules.
    fn matches_lower(&self, lower: &str, names: &[&str]) -> bool {
        names
            .iter()
            .any(|name| self.hints.iter().any(|h| h.admits(name)))
            && self.matches_glob(lower)
    }

    /// Whether the globs name the lower-cased path or a directory above it.
    fn matches_glob(&self, lower: &str) -> bool {
        let globs = self.globs.get_or_init(|| {
            build_globs(&self.spec).expect("path globs checked when the rule was loaded")
        });
        matches!(
            globs.matched_path_or_any_parents(lower, false),
            ignore::Match::Ignore(_)
        )
    }

    /// Whether the path and (when the rule has a content condition) the content make a finding.
    pub fn matches(&self, path: &str, content: Option<&[u8]>) -> bool {
        self.matches_path(path) && self.content_matches(content)
    }

    /// Whether the content condition (if any) holds.
    pub fn content_matches(&self, content: Option<&[u8]>) -> bool {
        let re = self.content.get_or_init(|| {
            self.spec
                .content
                .as_ref()
                .map(|c| build_regex(c.get_ref()).expect("content regex checked at load"))
        });
        match (re, content) {
            (None, _) => true,
            (Some(re), Some(bytes)) => re.is_match(bytes),
            // Content unknown (over the size cap): a content condition cannot be decided, and
            // reporting every large `*.json` would be noise.
            (Some(_), None) => false,
        }
    }
}

/// A rule that one of leakgate's checks reports (the `.gitignore` coverage of the
/// must-not-track names), not a pattern: its metadata, kept with the other rules' so that
/// `rules list`, `rules explain`, `[rules] disable` and SARIF treat it like them.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckRule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub description: &'static str,
    pub remediation: &'static str,
}

/// A must-not-track pattern the shared ignore rules do not cover.
pub const RULE_GITIGNORE_MISSING: &str = "gitignore-missing";
/// A must-not-track pattern covered only by `.git/info/exclude` or a personal excludes file.
pub const RULE_GITIGNORE_NOT_SHARED: &str = "gitignore-not-shared";
/// A must-not-track file the user explicitly un-ignored (`!.env.local`): a note, kept as is.
pub const RULE_GITIGNORE_NEGATED: &str = "gitignore-negated";

/// The check rules (their ids are reported by `lint` and decide the hook's `.gitignore` note).
pub const CHECK_RULES: &[CheckRule] = &[
    CheckRule {
        id: RULE_GITIGNORE_MISSING,
        name: ".gitignore does not cover a must-not-track name",
        severity: Severity::Medium,
        description: "The repository's ignore rules would not ignore a file that must never be \
                      committed (.env, private keys, terraform state...), so `git add .` would \
                      stage it.",
        remediation: "Add the patterns to .gitignore: `leakgate lint --fix` appends them (or \
                      apply the patch that `leakgate lint --diff` prints).",
    },
    CheckRule {
        id: RULE_GITIGNORE_NOT_SHARED,
        name: "Must-not-track name ignored only locally",
        severity: Severity::Low,
        description: "The name is ignored only by .git/info/exclude or a personal \
                      core.excludesFile, which are not shared: a teammate's clone does not \
                      ignore it.",
        remediation: "Add the patterns to the repository's .gitignore: `leakgate lint --fix`.",
    },
    CheckRule {
        id: RULE_GITIGNORE_NEGATED,
        name: "Must-not-track file explicitly un-ignored",
        severity: Severity::Low,
        description: "A negation in the repository's ignore rules (e.g. `!.env.local`) \
                      un-ignores a file that usually holds secrets. leakgate respects the \
                      choice and does not change it.",
        remediation: "Make sure the file holds no secrets, or remove the negation from \
                      .gitignore.",
    },
];

/// All rules in force.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub files: Vec<FileRule>,
    /// The check rules in force (see [`CHECK_RULES`]).
    pub checks: Vec<&'static CheckRule>,
    /// The configuration's allowlists (see `allowlist.rs`); empty costs nothing.
    pub allowlists: Vec<crate::allowlist::Allowlist>,
    /// The name hints of `files`, by the byte a name they admit must start or end with; built
    /// on first use (`remove` and `extend` drop it; a set whose `files` changed otherwise is
    /// answered without it).
    hint_index: OnceLock<HintIndex>,
}

/// Every file rule's name hints, bucketed so that a path component is tried against the few
/// hints it could pass, not all of them (a hint is (rule, hint) indices).
#[derive(Debug)]
struct HintIndex {
    /// How many file rules the index was built over.
    rules: usize,
    /// Hints whose name ends with a known byte (a literal suffix, or an exact name).
    by_last: Vec<Vec<(u32, u32)>>,
    /// Hints with no literal suffix whose name starts with a known byte.
    by_first: Vec<Vec<(u32, u32)>>,
    /// Hints that admit names with any first and last byte (`*key*`, a path regex).
    any: Vec<(u32, u32)>,
}

impl HintIndex {
    fn new(files: &[FileRule]) -> HintIndex {
        let mut ix = HintIndex {
            rules: files.len(),
            by_last: vec![Vec::new(); 256],
            by_first: vec![Vec::new(); 256],
            any: Vec::new(),
        };
        for (r, f) in files.iter().enumerate() {
            for (h, hint) in f.hints.iter().enumerate() {
                let at = (r as u32, h as u32);
                let last = if hint.exact {
                    &hint.prefix
                } else {
                    &hint.suffix
                };
                if let Some(&b) = last.as_bytes().last() {
                    ix.by_last[usize::from(b)].push(at);
                } else if let Some(&b) = hint.prefix.as_bytes().first().filter(|_| !hint.exact) {
                    ix.by_first[usize::from(b)].push(at);
                } else {
                    ix.any.push(at);
                }
            }
        }
        ix
    }

    /// Mark in `out` (one flag per file rule) the rules with a hint that admits `name`.
    fn admit(&self, files: &[FileRule], name: &str, out: &mut [bool]) {
        let (first, last) = match (name.as_bytes().first(), name.as_bytes().last()) {
            (Some(&f), Some(&l)) => (
                &self.by_first[usize::from(f)],
                &self.by_last[usize::from(l)],
            ),
            _ => (&self.any, &self.any),
        };
        for &(r, h) in first.iter().chain(last).chain(&self.any) {
            let r = r as usize;
            if !out[r] && files[r].hints[h as usize].admits(name) {
                out[r] = true;
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A user's file: every pattern's syntax is checked, examples are required.
    Checked,
    /// The built-in lean copy: checked by the test suite already.
    Trusted,
}

/// A rule file that could not be loaded. The message names the file, the rule and the line.
#[derive(Debug)]
pub struct RuleError(pub String);

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

pub(crate) fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(32 << 20)
        .dfa_size_limit(512 << 10)
        .build()
}

/// How a rule's pattern is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    /// As `regex::bytes::Regex` does (`build_regex`): a lazy DFA, forward and reverse, with
    /// literal prefilters. The fastest search, the slowest build.
    Full,
    /// An NFA searched by the PikeVM or the bounded backtracker, with capture groups: the same
    /// matches, slower per byte, a few times faster to build. For a few windows of a commit.
    Light,
}

/// How [`Rule::light_regex`] compiles a pattern.
pub fn light_build(hir: &regex_syntax::hir::Hir) -> Option<regex_automata::meta::Regex> {
    build_hir(hir, Engine::Light, meta_config(Engine::Light))
}

/// `None` only if the pattern is too big for the engine (its syntax was checked at load).
fn build_pattern(pattern: &str, engine: Engine) -> Option<regex_automata::meta::Regex> {
    let hir = regex_automata::util::syntax::parse_with(pattern, &syntax_config()).ok()?;
    build_hir(&hir, engine, meta_config(engine))
}

/// The regex of `hir` with `config` (made from `engine`'s settings).
///
/// With the `Full` engine, a pattern without a fast literal prefix is searched by the lazy
/// DFA alone: the meta regex would otherwise pick its "reverse inner literal" strategy,
/// which on a long line full of that literal detects quadratic work and falls back to the
/// PikeVM for the whole search (100× slower per byte).
fn build_hir(
    hir: &regex_syntax::hir::Hir,
    engine: Engine,
    config: regex_automata::meta::Config,
) -> Option<regex_automata::meta::Regex> {
    use regex_automata::util::prefilter::Prefilter;
    let fast_prefix = || {
        Prefilter::from_hir_prefix(regex_automata::MatchKind::LeftmostFirst, hir)
            .is_some_and(|p| p.is_fast())
    };
    let config = if engine == Engine::Full && !fast_prefix() {
        config.auto_prefilter(false)
    } else {
        config
    };
    regex_automata::meta::Builder::new()
        .configure(config)
        .build_from_hir(hir)
        .ok()
}

/// How every rule pattern is parsed: ASCII classes, matching bytes (not only UTF-8).
fn syntax_config() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false)
}

/// The regex engine settings of `engine`.
fn meta_config(engine: Engine) -> regex_automata::meta::Config {
    use regex_automata::{MatchKind, meta};
    let config = meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(false)
        .nfa_size_limit(Some(32 << 20))
        .hybrid_cache_capacity(512 << 10);
    match engine {
        Engine::Full => config,
        Engine::Light => config
            .hybrid(false)
            .dfa(false)
            .onepass(false)
            .auto_prefilter(false),
    }
}

/// A rule's gate: a cheap stand-in for its pattern that lets through every window holding a
/// finding, and few others.
/// - Each long bounded repetition (`{16,1024}`) is made unbounded: a superset of the
///   language, with far fewer NFA states; it builds some 20-50× faster than the `Full`
///   regex, whose size grows with those bounds.
/// - The top-level alternatives that cannot capture the secret are dropped: a rule has them
///   to consume what must not be reported (`next_token = …`), so a window where only they
///   match holds no finding.
/// - No capture groups.
///
/// With the `Light` engine, it is searched by an NFA: in a commit, where a rule's keyword is
/// common and its pattern rarely matches, it saves most of the compiling. With `Full`, by a
/// lazy DFA, for bulk input: most windows (a keyword in a line) hold no match, and this
/// answers them at DFA speed with far smaller automata and caches than the `Full` regex; the
/// few windows it lets through are then matched with the `Light` regex.
fn build_gate(
    pattern: &str,
    secret: SecretGroup,
    engine: Engine,
) -> Option<regex_automata::meta::Regex> {
    use regex_automata::nfa::thompson::WhichCaptures;
    let hir = regex_automata::util::syntax::parse_with(pattern, &syntax_config()).ok()?;
    let group = match secret {
        SecretGroup::Group(n) => Some(n),
        SecretGroup::FirstNonEmpty => None,
    };
    let how = crate::gate::Widening {
        max_bound: 32,
        min_cap: None,
    };
    build_hir(
        &crate::gate::gate_hir(&hir, group, how),
        engine,
        meta_config(engine).which_captures(WhichCaptures::None),
    )
}

/// 1-based line numbers of byte offsets in a source file.
struct Lines(Vec<usize>);

impl Lines {
    fn new(src: &str) -> Lines {
        Lines(memchr::memchr_iter(b'\n', src.as_bytes()).collect())
    }

    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}

/// The id of the `[[rule]]`/`[[file]]` table that contains `offset`, found textually (used
/// to name the rule in a TOML syntax error, where no parsed value exists).
fn rule_at(src: &str, offset: usize) -> Option<String> {
    let before = &src[..offset.min(src.len())];
    let start = before
        .rfind("[[rule]]")
        .into_iter()
        .chain(before.rfind("[[file]]"))
        .max()?;
    let table = &src[start..];
    let end = table[8..].find("\n[").map_or(table.len(), |e| e + 8);
    table[..end].lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("id")?.trim_start().strip_prefix('=')?.trim();
        Some(rest.trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

impl RuleSet {
    /// The built-in rules, without their examples (fast to load: the hook pays this on every
    /// commit). Their patterns were checked by the test suite, so only parsing happens here.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        if let Some(e) = generated::BUILD_ERROR {
            return Err(RuleError(format!("{BUILTIN_NAME}: {e}")));
        }
        let rules = generated::RULES
            .iter()
            .map(|g| {
                let spec = RuleSpec {
                    id: g.id.to_string(),
                    name: g.name.to_string(),
                    severity: severity_of(g.severity),
                    pattern: spanned(g.pattern),
                    keywords: strings(g.keywords),
                    min_entropy: g.min_entropy,
                    validator: g.validator.map(spanned),
                    multiline: g.multiline,
                    window_lines: g.window_lines,
                    context: g.context.map(spanned),
                    decode: g.decode.map(spanned),
                    allow: g.allow.iter().map(|a| spanned(a)).collect(),
                    fallback: g.fallback,
                    description: g.description.to_string(),
                    remediation: g.remediation.to_string(),
                    references: strings(g.references),
                    examples: Vec::new(),
                    negative_examples: Vec::new(),
                };
                (0, spec)
            })
            .collect();
        let files = generated::FILES
            .iter()
            .map(|g| {
                let spec = FileRuleSpec {
                    id: g.id.to_string(),
                    name: g.name.to_string(),
                    severity: severity_of(g.severity),
                    paths: strings(g.paths),
                    except: strings(g.except),
                    content: g.content.map(spanned),
                    gitignore: strings(g.gitignore),
                    hygiene: g.hygiene,
                    stack: strings(g.stack),
                    description: g.description.to_string(),
                    remediation: g.remediation.to_string(),
                    references: strings(g.references),
                    examples: Vec::new(),
                    negative_examples: Vec::new(),
                };
                (0, spec)
            })
            .collect();
        let mut set = RuleSet::from_specs(
            rules,
            files,
            BUILTIN_NAME,
            &Lines(Vec::new()),
            Mode::Trusted,
        )?;
        set.checks = CHECK_RULES.iter().collect();
        set.attach_prebuilt();
        Ok(set)
    }

    /// What `build.rs` worked out for the built-in rules (shapes, gate DFAs), given to the
    /// rules here that are those rules (same id and pattern, in the same order).
    fn attach_prebuilt(&mut self) {
        for (rule, g) in self.rules.iter_mut().zip(generated::RULES) {
            if rule.id() == g.id && rule.spec.pattern.get_ref() == g.pattern {
                let _ = rule.shape.set(g.shape);
                rule.prebuilt = g.gate.clone().map(|r| &generated::GATES[r]);
            }
        }
    }

    /// The built-in rules with their examples (for `rules test` and `rules explain`).
    pub fn builtin_with_examples() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::from_toml(BUILTIN_RULES, BUILTIN_NAME)?;
        set.checks = CHECK_RULES.iter().collect();
        set.attach_prebuilt();
        Ok(set)
    }

    /// Load a rule file from disk.
    pub fn from_path(path: &Path) -> Result<RuleSet, RuleError> {
        let src = std::fs::read_to_string(path)
            .map_err(|e| RuleError(format!("{}: cannot read rule file: {e}", path.display())))?;
        RuleSet::from_toml(&src, &path.display().to_string())
    }

    /// Parse and check a rule file. `name` is used in error messages.
    pub fn from_toml(src: &str, name: &str) -> Result<RuleSet, RuleError> {
        RuleSet::parse(src, name, Mode::Checked)
    }

    fn parse(src: &str, name: &str, mode: Mode) -> Result<RuleSet, RuleError> {
        let lines = Lines::new(src);
        let file: RulesFile = toml::from_str(src).map_err(|e| {
            let (line, rule) = match e.span() {
                Some(span) => (lines.of(span.start), rule_at(src, span.start)),
                None => (0, None),
            };
            let msg = e.message().trim_end().to_string();
            match rule {
                Some(id) => RuleError(format!("{name}:{line}: rule `{id}`: {msg}")),
                None => RuleError(format!("{name}:{line}: {msg}")),
            }
        })?;
        let rules = file
            .rules
            .into_iter()
            .map(|s| (s.span().start, s.into_inner()))
            .collect();
        let files = file
            .files
            .into_iter()
            .map(|s| (s.span().start, s.into_inner()))
            .collect();
        RuleSet::from_specs(rules, files, name, &lines, mode)
    }

    /// Check and compile specs; `(offset, spec)` pairs locate each rule in its source file.
    fn from_specs(
        rules: Vec<(usize, RuleSpec)>,
        files: Vec<(usize, FileRuleSpec)>,
        name: &str,
        lines: &Lines,
        mode: Mode,
    ) -> Result<RuleSet, RuleError> {
        let checked = mode == Mode::Checked;
        let line_of = |offset: usize| lines.of(offset);
        let mut set = RuleSet {
            checks: Vec::new(),
            rules: Vec::with_capacity(rules.len()),
            files: Vec::with_capacity(files.len()),
            allowlists: Vec::new(),
            hint_index: OnceLock::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for (offset, mut spec) in rules {
            let line = line_of(offset);
            if let Some(p) = crate::expand::keywords_in(spec.pattern.get_ref(), &spec.keywords) {
                let span = spec.pattern.span();
                spec.pattern = Spanned::new(span, p);
            }
            let err =
                |what: String| RuleError(format!("{name}:{line}: rule `{}`: {what}", spec.id));
            if !is_kebab(&spec.id) {
                return Err(err("id must be kebab-case (a-z, 0-9, -)".into()));
            }
            if !seen.insert(spec.id.clone()) {
                return Err(err("duplicate rule id".into()));
            }
            if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.len() < 2) {
                return Err(err(
                    "needs at least one keyword of two or more characters (the prefilter)".into(),
                ));
            }
            let pline = |s: &Spanned<String>| line_of(s.span().start);
            if checked {
                check_pattern(spec.pattern.get_ref(), true).map_err(|m| {
                    RuleError(format!(
                        "{name}:{}: rule `{}`: bad pattern: {m}",
                        pline(&spec.pattern),
                        spec.id
                    ))
                })?;
            }
            if let Some(c) = spec.context.as_ref().filter(|_| checked) {
                check_pattern(c.get_ref(), false).map_err(|m| {
                    RuleError(format!(
                        "{name}:{}: rule `{}`: bad context: {m}",
                        pline(c),
                        spec.id
                    ))
                })?;
            }
            for a in spec.allow.iter().filter(|_| checked) {
                check_pattern(a.get_ref(), false).map_err(|m| {
                    RuleError(format!(
                        "{name}:{}: rule `{}`: bad allow regex: {m}",
                        pline(a),
                        spec.id
                    ))
                })?;
            }
            let validator = match &spec.validator {
                Some(v) => Some(Validator::from_name(v.get_ref()).ok_or_else(|| {
                    RuleError(format!(
                        "{name}:{}: rule `{}`: unknown validator `{}` (known: {})",
                        pline(v),
                        spec.id,
                        v.as_ref(),
                        Validator::ALL
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?),
                None => None,
            };
            let decode_base64 = match &spec.decode {
                None => false,
                Some(d) if d.as_ref() == "base64" => true,
                Some(d) => {
                    return Err(RuleError(format!(
                        "{name}:{}: rule `{}`: unknown decode `{}` (known: base64)",
                        pline(d),
                        spec.id,
                        d.as_ref()
                    )));
                }
            };
            if checked && spec.examples.is_empty() {
                return Err(err("needs at least one example".into()));
            }
            set.rules.push(Rule {
                spec,
                validator,
                decode_base64,
                secret_group: SecretGroup::Group(1),
                path: None,
                regex: OnceLock::new(),
                gate: OnceLock::new(),
                prebuilt: None,
                prebuilt_gate: OnceLock::new(),
                dfa_gate: OnceLock::new(),
                light: OnceLock::new(),
                allow: OnceLock::new(),
                shape: OnceLock::new(),
            });
        }
        for (offset, spec) in files {
            let line = line_of(offset);
            set.files
                .push(compile_file_rule(spec, name, line, &mut seen, checked)?);
        }
        Ok(set)
    }

    /// A set with no rules.
    pub fn empty() -> RuleSet {
        RuleSet {
            rules: Vec::new(),
            files: Vec::new(),
            checks: Vec::new(),
            allowlists: Vec::new(),
            hint_index: OnceLock::new(),
        }
    }

    /// Rules parsed from a file that holds other tables too (`.leakgate.toml`): the same
    /// checks as a rule file. `src` is the whole file, to give line numbers.
    /// `files` are `(offset, spec)` pairs.
    pub(crate) fn from_parsed(
        rules: Vec<Spanned<RuleSpec>>,
        files: Vec<(usize, FileRuleSpec)>,
        src: &str,
        name: &str,
    ) -> Result<RuleSet, RuleError> {
        let rules = rules
            .into_iter()
            .map(|s| (s.span().start, s.into_inner()))
            .collect();
        RuleSet::from_specs(rules, files, name, &Lines::new(src), Mode::Checked)
    }

    /// Remove the rule (content, file or check rule) with this id; whether there was one.
    pub fn remove(&mut self, id: &str) -> bool {
        self.hint_index = OnceLock::new();
        let before = self.rules.len() + self.files.len() + self.checks.len();
        self.rules.retain(|r| r.id() != id);
        self.files.retain(|f| f.spec.id != id);
        self.checks.retain(|c| c.id != id);
        self.rules.len() + self.files.len() + self.checks.len() < before
    }

    /// Whether the finding's rule has a path condition (gitleaks' `path`) that its path fails:
    /// such a finding is not a match at all.
    pub fn fails_path_condition(&self, f: &crate::finding::Finding) -> bool {
        f.line.is_some()
            && self
                .get(&f.rule_id)
                .and_then(|r| r.path.as_ref())
                .is_some_and(|re| !re.is_match(f.path.as_bytes()))
    }

    /// Whether an allowlist of the configuration allowlists the finding.
    pub fn allowlisted(&self, f: &crate::finding::Finding) -> bool {
        !self.allowlists.is_empty() && crate::allowlist::is_allowlisted(&self.allowlists, f)
    }

    /// Add another set's rules; a rule with an id already present replaces it.
    pub fn extend(&mut self, other: RuleSet) {
        self.hint_index = OnceLock::new();
        self.allowlists.extend(other.allowlists);
        for c in other.checks {
            if self.check(c.id).is_none() {
                self.checks.push(c);
            }
        }
        for rule in other.rules {
            match self.rules.iter_mut().find(|r| r.id() == rule.id()) {
                Some(slot) => *slot = rule,
                None => self.rules.push(rule),
            }
        }
        for file in other.files {
            match self.files.iter_mut().find(|f| f.spec.id == file.spec.id) {
                Some(slot) => *slot = file,
                None => self.files.push(file),
            }
        }
    }

    /// The file rules whose path globs name `path` (content conditions not checked yet).
    pub fn file_rules_for(&self, path: &str) -> Vec<&FileRule> {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        self.file_rules_under(&self.dir_hints(dir), path)
    }

    /// For each file rule, whether a component of the directory `dir` (repo-relative, `/`
    /// separators) could be what its globs name: worked out once for the entries of a
    /// directory, for [`RuleSet::file_rules_under`].
    pub fn dir_hints(&self, dir: &str) -> Vec<bool> {
        let lower = dir.to_lowercase();
        let mut out = vec![false; self.files.len()];
        for name in lower.split('/').filter(|n| !n.is_empty()) {
            self.admit(name, &mut out);
        }
        out
    }

    /// Mark in `out` (one flag per file rule) the rules with a name hint that admits the
    /// (lower-cased) path component `name`.
    fn admit(&self, name: &str, out: &mut [bool]) {
        let ix = self.hint_index.get_or_init(|| HintIndex::new(&self.files));
        if ix.rules == self.files.len() {
            ix.admit(&self.files, name, out);
            return;
        }
        for (f, o) in self.files.iter().zip(out.iter_mut()) {
            *o = *o || f.hints.iter().any(|h| h.admits(name));
        }
    }

    /// [`RuleSet::file_rules_for`] of a path in a directory whose [`RuleSet::dir_hints`] are
    /// `dir_hints`.
    pub fn file_rules_under(&self, dir_hints: &[bool], path: &str) -> Vec<&FileRule> {
        if self.files.is_empty() {
            return Vec::new();
        }
        let lower = path.to_lowercase();
        let base = lower.rsplit('/').next().unwrap_or(&lower);
        let mut named = vec![false; self.files.len()];
        for (n, &d) in named.iter_mut().zip(dir_hints) {
            *n = d;
        }
        // (a rule past `dir_hints` counts as admitted by the directory, as before)
        for n in named.iter_mut().skip(dir_hints.len()) {
            *n = true;
        }
        self.admit(base, &mut named);
        self.files
            .iter()
            .zip(named)
            .filter(|(f, named)| match &f.path_regex {
                Some(re) => re.is_match(path.as_bytes()),
                None => *named && f.matches_glob(&lower),
            })
            .map(|(f, _)| f)
            .collect()
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id() == id)
    }

    pub fn get_file(&self, id: &str) -> Option<&FileRule> {
        self.files.iter().find(|r| r.spec.id == id)
    }

    /// The check rule with this id, if it is in force.
    pub fn check(&self, id: &str) -> Option<&'static CheckRule> {
        self.checks.iter().find(|c| c.id == id).copied()
    }

    /// Id, name, severity, description and remediation of any rule in force.
    pub fn metadata(&self, id: &str) -> Option<(&str, Severity, &str, &str)> {
        if let Some(r) = self.get(id) {
            let s = &r.spec;
            Some((&s.name, s.severity, &s.description, &s.remediation))
        } else if let Some(r) = self.get_file(id) {
            let s = &r.spec;
            Some((&s.name, s.severity, &s.description, &s.remediation))
        } else {
            self.check(id)
                .map(|c| (c.name, c.severity, c.description, c.remediation))
        }
    }

    /// Compile every pattern now (the self-test and `rules test` use this to surface
    /// compile-size problems that the syntax check cannot see).
    pub fn compile_all(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut check = |id: &str, what: &str, pattern: &str| {
            if let Err(e) = build_regex(pattern) {
                errors.push(format!(
                    "{id}: {what} does not compile: {}",
                    first_line(&e.to_string())
                ));
            }
        };
        for rule in &self.rules {
            let s = &rule.spec;
            check(&s.id, "pattern", s.pattern.get_ref());
            for a in &s.allow {
                check(&s.id, "allow regex", a.get_ref());
            }
            if let Some(c) = &s.context {
                check(&s.id, "context", c.get_ref());
            }
        }
        for rule in &self.files {
            if let Some(c) = &rule.spec.content {
                check(&rule.spec.id, "content regex", c.get_ref());
            }
        }
        errors
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// Check a pattern's syntax without compiling it, and (for rule patterns) that it has
/// capture group 1.
fn check_pattern(pattern: &str, needs_group: bool) -> Result<(), String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| first_line(&e.to_string()))?;
    if needs_group && hir.properties().explicit_captures_len() < 1 {
        return Err("no capture group 1 (the secret)".into());
    }
    Ok(())
}

/// A `stack` entry: `*.ext` or a plain file name (see [`FileRuleSpec::stack`]).
fn is_stack_glob(s: &str) -> bool {
    let plain = |t: &str| !t.is_empty() && !t.contains(['*', '?', '[', ']', '/', '\\']);
    match s.strip_prefix("*.") {
        Some(ext) => plain(ext) && !ext.contains('.'),
        None => plain(s),
    }
}

fn compile_file_rule(
    spec: FileRuleSpec,
    name: &str,
    line: usize,
    seen: &mut std::collections::HashSet<String>,
    checked: bool,
) -> Result<FileRule, RuleError> {
    let err = |what: String| RuleError(format!("{name}:{line}: file rule `{}`: {what}", spec.id));
    if !is_kebab(&spec.id) {
        return Err(err("id must be kebab-case (a-z, 0-9, -)".into()));
    }
    if !seen.insert(spec.id.clone()) {
        return Err(err("duplicate rule id".into()));
    }
    if spec.paths.is_empty() {
        return Err(err("needs at least one path glob".into()));
    }
    if let Some(bad) = spec.stack.iter().find(|s| !is_stack_glob(s)) {
        return Err(err(format!(
            "stack entry `{bad}` must be an extension (`*.tf`) or a file name (`Gemfile`)"
        )));
    }
    // The globs are compiled when first needed; a user's rule file has them checked now.
    let globs = OnceLock::new();
    if checked {
        let _ = globs.set(build_globs(&spec).map_err(err)?);
    }
    if let Some(c) = spec.content.as_ref().filter(|_| checked) {
        check_pattern(c.get_ref(), false).map_err(|m| err(format!("bad content regex: {m}")))?;
    }
    let hints = spec.paths.iter().map(|g| NameHint::of(g)).collect();
    Ok(FileRule {
        spec,
        globs,
        hints,
        path_regex: None,
        content: OnceLock::new(),
    })
}

/// A file rule's path globs as one matcher. Paths are matched lower-cased (`matches_lower`),
/// so the globs are lower-cased too, rather than compiled case-insensitively: that would make
/// every glob a regex to compile, where most lower-case globs are literals, names or extensions.
fn build_globs(spec: &FileRuleSpec) -> Result<ignore::gitignore::Gitignore, String> {
    let mut builder = ignore::gitignore::GitignoreBuilder::new("");
    for glob in &spec.paths {
        builder
            .add_line(None, &glob.to_lowercase())
            .map_err(|e| format!("bad path glob `{glob}`: {e}"))?;
    }
    for glob in &spec.except {
        builder
            .add_line(None, &format!("!{}", glob.to_lowercase()))
            .map_err(|e| format!("bad except glob `{glob}`: {e}"))?;
    }
    builder.build().map_err(|e| format!("bad path globs: {e}"))
}

/// What the last component of a path glob requires of the name it matches: a literal start
/// and end (`*.pem`: ends with `.pem`; `.env.*`: starts with `.env.`; `id_rsa`: is `id_rsa`).
/// A path is named by a glob only if one of its components (its own name or a parent's)
/// passes, so this rules out most paths before any glob is compiled or run.
#[derive(Debug, Clone)]
struct NameHint {
    prefix: String,
    suffix: String,
    /// Literals between the wildcards, in order (each must occur in the name).
    inner: Vec<String>,
    /// The least length of a name the glob matches.
    min_len: usize,
    /// No wildcard: the name is `prefix`.
    exact: bool,
}

impl NameHint {
    fn any() -> NameHint {
        NameHint {
            prefix: String::new(),
            suffix: String::new(),
            inner: Vec::new(),
            min_len: 0,
            exact: false,
        }
    }

    /// The literal pieces of the last component of `glob` (lower-cased): a class of one
    /// letter in either case (`[pP]`) is that letter; other classes and `?` stand for one
    /// character, `*` for any run.
    fn of(glob: &str) -> NameHint {
        let glob = glob.to_lowercase();
        let glob = glob.trim_end_matches('/');
        let name = glob.rsplit('/').next().unwrap_or(glob);
        if name.is_empty() || name.contains('\\') || name.contains("**") {
            return NameHint::any();
        }
        // Pieces: Some(literal run) or None (a wildcard), with the least length.
        let mut pieces: Vec<Option<String>> = vec![Some(String::new())];
        let mut min_len = 0;
        let mut wild = false;
        let mut chars = name.chars().peekable();
        while let Some(c) = chars.next() {
            let one = match c {
                '*' => {
                    pieces.push(None);
                    wild = true;
                    continue;
                }
                '?' => None,
                '[' => {
                    let mut class = String::new();
                    let mut closed = false;
                    for d in chars.by_ref() {
                        if d == ']' && !class.is_empty() {
                            closed = true;
                            break;
                        }
                        class.push(d);
                    }
                    if !closed {
                        return NameHint::any();
                    }
                    let mut distinct: Vec<char> = class.chars().collect();
                    distinct.dedup();
                    match distinct.as_slice() {
                        [c] if !matches!(c, '!' | '^' | '-') => Some(*c),
                        _ => None,
                    }
                }
                c => Some(c),
            };
            min_len += 1;
            match one {
                Some(c) => match pieces.last_mut() {
                    Some(Some(run)) => run.push(c),
                    _ => pieces.push(Some(c.to_string())),
                },
                None => {
                    pieces.push(None);
                    wild = true;
                }
            }
        }
        if !wild {
            return NameHint {
                prefix: name.to_string(),
                suffix: String::new(),
                inner: Vec::new(),
                min_len: name.len(),
                exact: true,
            };
        }
        let starts_literal = matches!(pieces.first(), Some(Some(r)) if !r.is_empty());
        let ends_literal = matches!(pieces.last(), Some(Some(r)) if !r.is_empty());
        let mut runs: Vec<String> = pieces.into_iter().flatten().collect();
        runs.retain(|r| !r.is_empty());
        let prefix = if starts_literal && !runs.is_empty() {
            runs.remove(0)
        } else {
            String::new()
        };
        let suffix = if ends_literal && !runs.is_empty() {
            runs.pop().unwrap_or_default()
        } else {
            String::new()
        };
        NameHint {
            prefix,
            suffix,
            inner: runs,
            min_len,
            exact: false,
        }
    }

    /// Whether a (lower-cased) path component could match the glob.
    fn admits(&self, name: &str) -> bool {
        if self.exact {
            return name == self.prefix;
        }
        if name.len() < self.min_len.max(self.prefix.len() + self.suffix.len())
            || !name.starts_with(&self.prefix)
            || !name.ends_with(&self.suffix)
        {
            return false;
        }
        let mut rest = &name[self.prefix.len()..name.len() - self.suffix.len()];
        for lit in &self.inner {
            match rest.find(lit.as_str()) {
                Some(at) => rest = &rest[at + lit.len()..],
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod name_hint_tests {
    use super::NameHint;

    #[test]
    fn hints_admit_what_the_glob_names_and_rule_out_the_rest() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("*.pem", &["server.pem", ".pem"], &["pem", "server.pem.txt"]),
            (".env.*", &[".env.local", ".env."], &[".env", "x.env.local"]),
            ("id_rsa", &["id_rsa"], &["id_rsa.pub", "xid_rsa"]),
            ("**/.aws/credentials", &["credentials"], &[".aws"]),
            (
                "ssh_host_*_key",
                &["ssh_host_rsa_key"],
                &["ssh_host_key", "host_rsa_key"],
            ),
            ("*.[Pp]12", &["cert.p12"], &["cert.p13"]),
            (
                "*.[pP][fF][xX]",
                &["a.pfx", ".pfx"],
                &["a.pem", "pfx", "readme.md"],
            ),
            (
                "*.tfstate.*",
                &["x.tfstate.backup", ".tfstate."],
                &["main.tf", "x.tfstate"],
            ),
            (
                ".*_history.*",
                &[".bash_history.old"],
                &[".gitignore", ".bash_history"],
            ),
            ("secring.*", &["secring.gpg"], &["secring"]),
            ("*.[a-z]key", &["x.pkey"], &["x.kex", "key"]),
            (
                ".aider.*history*",
                &[".aider.chat.history.md"],
                &[".aider.conf.yml"],
            ),
            ("private-keys-v1.d/", &["private-keys-v1.d"], &["keys"]),
            ("foo/**", &["anything"], &[]),
        ];
        for (glob, yes, no) in cases {
            let h = NameHint::of(glob);
            for name in *yes {
                assert!(h.admits(name), "{glob} should admit {name}");
            }
            for name in *no {
                assert!(!h.admits(name), "{glob} should rule out {name}");
            }
        }
    }
    /// The bucketed hint index answers as trying every hint of every rule does.
    #[test]
    fn the_hint_index_admits_what_every_hint_admits() {
        let set = super::RuleSet::builtin().unwrap();
        let brute = |path: &str| -> Vec<String> {
            let lower = path.to_lowercase();
            let names: Vec<&str> = lower.split('/').collect();
            set.files
                .iter()
                .filter(|f| f.matches_lower(&lower, &names))
                .map(|f| f.spec.id.clone())
                .collect()
        };
        let paths = [
            ".env",
            "app/.env.local",
            "deploy/id_rsa",
            "keys/server.PEM",
            "infra/prod.tfstate",
            "infra/prod.tfstate.backup",
            "home/.aws/credentials",
            "config/master.key",
            "pkg/kubeconfig/config.go",
            "x/.bash_history",
            "private-keys-v1.d/abc.key",
            "vendor/github.com/x/y.go",
            "README.md",
            "a",
            "",
        ];
        for path in paths {
            let indexed: Vec<String> = set
                .file_rules_for(path)
                .iter()
                .map(|f| f.spec.id.clone())
                .collect();
            assert_eq!(indexed, brute(path), "{path}");
        }
        assert!(!set.file_rules_for("deploy/id_rsa").is_empty());
    }
}

#[cfg(test)]
mod validator_name_tests {
    use super::RuleSet;

    #[test]
    fn an_unknown_validator_is_an_error_that_lists_every_known_one() {
        let src = r#"
[[rule]]
id = "acme-key"
name = "Acme key"
severity = "high"
pattern = '''\b(acme_[a-z0-9]{32})\b'''
keywords = ["acme_"]
validator = "crc64"
description = "d"
remediation = "r"
"#;
        let err = RuleSet::from_toml(src, "extra.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown validator `crc64`"), "{err}");
        for (name, v) in crate::validate::Validator::ALL {
            assert!(err.contains(name), "{name} missing: {err}");
            assert_eq!(crate::validate::Validator::from_name(name), Some(*v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `prebuilt_dfa` skips validation: every DFA `build.rs` embedded must pass it.
    #[test]
    fn prebuilt_dfas_are_valid() {
        let ranges = generated::RULES
            .iter()
            .filter_map(|g| g.gate.clone())
            .chain(generated::ALLOWS.iter().filter_map(|(_, r)| r.clone()));
        let mut n = 0;
        for r in ranges {
            regex_automata::dfa::sparse::DFA::from_bytes(&generated::GATES[r])
                .expect("a valid DFA");
            n += 1;
        }
        // Nearly every rule has its gate compiled (a build that compiled none would pass
        // every other test, slowly).
        let rules = generated::RULES.len();
        let gated = generated::RULES.iter().filter(|g| g.gate.is_some()).count();
        assert!(
            gated * 100 >= rules * 95,
            "{gated} of {rules} rules have a gate DFA"
        );
        let allows = generated::ALLOWS.len();
        let compiled = generated::ALLOWS
            .iter()
            .filter(|(_, r)| r.is_some())
            .count();
        assert!(
            compiled * 100 >= allows * 95,
            "{compiled} of {allows} allow DFAs"
        );
        assert!(n > 0);
    }

    /// The rules `rules test` checks are the ones with the gate DFAs.
    #[test]
    fn the_rules_with_examples_have_the_prebuilt_gates() {
        let set = RuleSet::builtin_with_examples().unwrap();
        let with = set.rules.iter().filter(|r| r.prebuilt.is_some()).count();
        let builtin = RuleSet::builtin().unwrap();
        let expected = builtin
            .rules
            .iter()
            .filter(|r| r.prebuilt.is_some())
            .count();
        assert_eq!(with, expected);
        for r in set.rules.iter().filter(|r| r.prebuilt.is_some()) {
            assert!(matches!(r.gate(), Some(Gate::Dfa(_))), "{}", r.id());
        }
    }
}
