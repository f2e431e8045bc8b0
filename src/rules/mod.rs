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
pub const BUILTIN_RULES: &str = include_str!("../../rules.toml");
/// The built-in rules as Rust data, without their examples (made by `build.rs` from
/// `rules.toml`): what scanning loads, with no TOML to parse at start-up.
mod generated;

/// The keyword tries `build.rs` built for the built-in rules (a commit's scanner's).
pub(crate) fn prebuilt_tries() -> &'static [crate::keywords::StaticTrie] {
    generated::TRIES
}

/// The keyword index (`keywords::index`) of `rules`' keywords (the multiline rules' only if
/// `multiline_only`) as `build.rs` made it, if `rules` have the built-in rules' keywords, in
/// the same order (checked here: a few thousand instructions, against 0.8M to make it).
pub(crate) fn prebuilt_keyword_index(
    rules: &RuleSet,
    multiline_only: bool,
) -> Option<(Vec<String>, Vec<Vec<u32>>)> {
    let (keywords, by_keyword) = generated::KEYWORD_INDEX.get(usize::from(multiline_only))?;
    let same = rules.rules.len() == generated::RULES.len()
        && rules.rules.iter().zip(generated::RULES).all(|(r, g)| {
            r.spec.multiline == g.multiline
                && (r.spec.keywords.iter().map(String::as_str)).eq(g.keywords.iter().copied())
        });
    same.then(|| {
        (
            keywords.iter().map(|k| k.to_string()).collect(),
            by_keyword.iter().map(|r| r.to_vec()).collect(),
        )
    })
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

mod check;
mod compile;
mod file;
mod globs;
mod rule;
mod spec;

pub use check::*;
pub use compile::*;
pub use file::*;
pub(crate) use globs::PathGlobs;
pub use rule::*;
pub use spec::*;

/// All rules in force.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub files: Vec<FileRule>,
    /// The check rules in force (see [`CHECK_RULES`]).
    pub checks: Vec<&'static CheckRule>,
    /// The configuration's allowlists (see `allowlist.rs`); empty costs nothing.
    pub allowlists: Vec<crate::allowlist::Allowlist>,
    /// Published example credentials (`[[published_example]]`): never reported.
    pub published: Published,
    /// The name hints of `files`, by the byte a name they admit must start or end with; built
    /// on first use (`remove` and `extend` drop it; a set whose `files` changed otherwise is
    /// answered without it).
    hint_index: OnceLock<HintIndex>,
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
                    covers: strings(g.covers),
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
        set.published = Published::new(
            generated::PUBLISHED
                .iter()
                .map(|(source, sha1, pattern)| PublishedSpec {
                    source: source.to_string(),
                    sha1: strings(sha1),
                    pattern: pattern.map(str::to_string),
                })
                .collect(),
            BUILTIN_NAME,
        )?;
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
                rule.split =
                    g.split
                        .clone()
                        .map(|(main, check, max_len, exclusions)| PrebuiltSplit {
                            main,
                            check: &generated::GATES[check],
                            max_len,
                            exclusions: &generated::LIGHTS[exclusions],
                        });
                rule.prebuilt_light =
                    g.light
                        .clone()
                        .map(|(of_main, hir, checks, groups)| PrebuiltLight {
                            of_main,
                            hir: &generated::LIGHTS[hir],
                            checks,
                            groups,
                        });
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
        let mut set = RuleSet::from_specs(rules, files, name, &lines, mode)?;
        set.published = Published::new(file.published, name)?;
        Ok(set)
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
            published: Published::default(),
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
                split: None,
                prebuilt_light: None,
                prebuilt_gate: OnceLock::new(),
                dfa_gate: OnceLock::new(),
                light: OnceLock::new(),
                allow: OnceLock::new(),
                shape: OnceLock::new(),
                prefixed: OnceLock::new(),
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
            published: Published::default(),
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
        self.published.extend(other.published);
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

/// The published example credentials of a rule set: their SHA-1s, and the families' regexes.
#[derive(Debug, Default)]
pub struct Published {
    sha1: std::collections::HashSet<[u8; 20]>,
    patterns: Vec<Regex>,
    /// The patterns `build.rs` compiled (the built-in ones): no regex to build at start-up.
    prebuilt: Vec<rule::GateDfa>,
}

impl Published {
    fn new(specs: Vec<PublishedSpec>, name: &str) -> Result<Published, RuleError> {
        let mut p = Published::default();
        for spec in specs {
            let err = |what: String| {
                RuleError(format!(
                    "{name}: published_example `{}`: {what}",
                    spec.source
                ))
            };
            for h in &spec.sha1 {
                let digit = |c: u8| (c as char).to_digit(16);
                let bytes: Option<Vec<u8>> = (h.len() == 40)
                    .then(|| {
                        h.as_bytes()
                            .chunks(2)
                            .map(|d| Some((digit(d[0])? * 16 + digit(d[1])?) as u8))
                            .collect()
                    })
                    .flatten();
                let bytes = bytes
                    .and_then(|b| <[u8; 20]>::try_from(b).ok())
                    .ok_or_else(|| err(format!("`{h}` is not a SHA-1 (40 hex digits)")))?;
                p.sha1.insert(bytes);
            }
            if let Some(pat) = &spec.pattern {
                match rule::prebuilt_allow(pat) {
                    Some(dfa) => p.prebuilt.push(dfa),
                    None => p
                        .patterns
                        .push(build_regex(pat).map_err(|e| err(format!("bad pattern: {e}")))?),
                }
            }
        }
        Ok(p)
    }

    fn extend(&mut self, other: Published) {
        self.sha1.extend(other.sha1);
        self.patterns.extend(other.patterns);
        self.prebuilt.extend(other.prebuilt);
    }

    /// Whether the secret is a published example.
    pub fn contains(&self, secret: &[u8]) -> bool {
        if self.patterns.iter().any(|re| re.is_match(secret))
            || self
                .prebuilt
                .iter()
                .any(|dfa| rule::dfa_matches(dfa, regex_automata::Input::new(secret)))
        {
            return true;
        }
        if self.sha1.is_empty() {
            return false;
        }
        let mut h = gix::hash::hasher(gix::hash::Kind::Sha1);
        h.update(secret);
        h.try_finalize()
            .is_ok_and(|id| self.sha1.contains(id.as_bytes()))
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

#[cfg(test)]
mod validator_name_tests;

#[cfg(test)]
mod tests;
