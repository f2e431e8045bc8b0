//! The repository's configuration, `.leakgate.toml` at the repository root (or `--config FILE`).
//!
//! It turns into two things: the [`RuleSet`] in force (the built-in rules minus the disabled
//! ones, plus the configuration's own rules, an imported gitleaks configuration and `--rules`
//! files), with the allowlists attached, and a [`Config`] that decides which findings are
//! reported ([`Config::verdict`]). `scan`, `pre-commit` and `lint` all load it through [`load`].
//!
//! ```toml
//! [rules]
//! disable = ["generic-secret"]     # rule ids
//! replace = false                  # true: no built-in rules, only the ones below
//!
//! [[rule]]                         # same format as rules.toml
//! [[file]]
//!
//! [allowlist]
//! paths = ["tests/fixtures/**"]    # gitignore-style globs
//! secrets = ['''^EXAMPLE''']       # regexes on the secret
//! lines = ['''# fake''']           # regexes on the line
//! stopwords = ["dummy"]            # words in the secret (case-insensitive)
//!
//! must_not_track = ["*.keystore"]  # extra must-not-track globs
//! min_severity = "medium"          # findings below are not reported
//!
//! [extend]
//! gitleaks = "gitleaks.toml"       # import a gitleaks v8 configuration
//! ```
//!
//! Parsing is strict: an unknown key is an error naming the file and the line. A file passed
//! with `--config` that is a gitleaks configuration is imported as if `[extend] gitleaks` named
//! it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use toml::Spanned;

use crate::allowlist::{Allowlist, Condition, Target};
use crate::rules::{FileRuleSpec, RuleSet, RuleSpec, Severity, build_regex};

/// Reading a gitleaks configuration (`.gitleaks.toml`) as leakgate's.
pub mod gitleaks;

pub const FILE_NAME: &str = ".leakgate.toml";

/// The id of the file rule made from `must_not_track`.
pub const MUST_NOT_TRACK_ID: &str = "config-must-not-track";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSpec {
    /// Accepted so that a rule file is a valid configuration.
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<u32>,
    #[serde(default)]
    rules: RulesSpec,
    #[serde(default)]
    rule: Vec<Spanned<RuleSpec>>,
    #[serde(default)]
    file: Vec<Spanned<FileRuleSpec>>,
    #[serde(default)]
    allowlist: AllowlistSpec,
    #[serde(default)]
    must_not_track: Vec<Spanned<String>>,
    #[serde(default)]
    min_severity: Option<Severity>,
    #[serde(default)]
    extend: ExtendSpec,
    #[serde(default)]
    hook: HookSpec,
}

/// `[hook]`: how `pre-commit` behaves.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HookSpec {
    /// What `.gitignore` coverage does in the hook.
    #[serde(default)]
    gitignore: Option<GitignoreMode>,
}

/// What the pre-commit hook does about `.gitignore` coverage of the must-not-track names
/// (`[hook] gitignore` in `.leakgate.toml`, `git config leakgate.gitignore`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GitignoreMode {
    /// No check.
    Off,
    /// A short note, only when it matters: a must-not-track file in the work tree that nothing
    /// ignores, or a root `.gitignore` that does not ignore `.env`.
    #[default]
    Note,
    /// Any missing coverage blocks the commit.
    Block,
}

impl GitignoreMode {
    pub fn as_str(self) -> &'static str {
        match self {
            GitignoreMode::Off => "off",
            GitignoreMode::Note => "note",
            GitignoreMode::Block => "block",
        }
    }

    pub fn parse(s: &str) -> Option<GitignoreMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Some(GitignoreMode::Off),
            "note" => Some(GitignoreMode::Note),
            "block" => Some(GitignoreMode::Block),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSpec {
    /// Rule ids (content or file rules) not to use.
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    /// Do not load the built-in rules.
    #[serde(default)]
    replace: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowlistSpec {
    /// Paths (gitignore-style globs, relative to the repository root) never reported.
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    /// Regexes on the secret.
    #[serde(default)]
    secrets: Vec<Spanned<String>>,
    /// Regexes on the line the secret is on.
    #[serde(default)]
    lines: Vec<Spanned<String>>,
    /// Words that mark a secret as not one (substring, case-insensitive).
    #[serde(default)]
    stopwords: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtendSpec {
    /// A gitleaks v8 configuration to import (relative to this file).
    #[serde(default)]
    gitleaks: Option<Spanned<String>>,
}

/// What the configuration decides about findings, besides the rules.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from (`None`: no config file).
    pub source: Option<PathBuf>,
    /// Findings below this severity are not reported.
    pub min_severity: Option<Severity>,
    /// What was read but not used (fields of a gitleaks configuration leakgate does not map,
    /// disabled ids that name no rule): one line each, for stderr.
    pub warnings: Vec<String>,
    /// `[hook] gitignore` (`None`: not set).
    pub hook_gitignore: Option<GitignoreMode>,
}

/// `file:line: message` for a TOML error.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
    anyhow!("{}:{line}: {}", path.display(), e.message().trim_end())
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The configuration file: `--config FILE`, or `.leakgate.toml` in `root` if there is one.
fn config_path(explicit: Option<&Path>, root: &Path) -> (PathBuf, bool) {
    match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => (root.join(FILE_NAME), false),
    }
}

/// The rules in force and the configuration for the repository (or directory) `root`: the
/// configuration file (`explicit`, or `root/.leakgate.toml` if present) and `--rules` files.
pub fn load(
    explicit: Option<&Path>,
    root: &Path,
    rule_files: &[PathBuf],
) -> Result<(RuleSet, Config)> {
    let (path, required) = config_path(explicit, root);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => None,
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
    };
    let mut config = Config::default();
    let mut rules;
    match text {
        None => rules = RuleSet::builtin()?,
        Some(text) if crate::config::gitleaks::looks_like_gitleaks(&text) => {
            rules = RuleSet::builtin()?;
            import_gitleaks(&path, &mut rules, &mut config)?;
            config.source = Some(path);
        }
        Some(text) => {
            let spec: ConfigSpec =
                toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
            rules = if spec.rules.replace {
                RuleSet::empty()
            } else {
                RuleSet::builtin()?
            };
            apply_spec(spec, &text, &path, &mut rules, &mut config, rule_files)?;
            config.source = Some(path);
            return Ok((rules, config));
        }
    }
    for p in rule_files {
        rules.extend(rules_in_file(p)?);
    }
    Ok((rules, config))
}

fn import_gitleaks(path: &Path, rules: &mut RuleSet, config: &mut Config) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let import = crate::config::gitleaks::import(&text, &path.display().to_string())?;
    config.warnings.extend(import.warnings);
    rules.extend(import.rules);
    for id in import.disabled {
        if !rules.remove(&id) {
            config.warnings.push(format!(
                "{}: [extend] disabledRules: no rule `{id}` (see `leakgate rules list`)",
                path.display()
            ));
        }
    }
    Ok(())
}

/// The file rule `must_not_track` makes (`config-must-not-track`), with the offset of its
/// first glob; `None` when the list is empty.
fn must_not_track_rule(globs: &[Spanned<String>]) -> Option<(usize, FileRuleSpec)> {
    let first = globs.first()?;
    let globs: Vec<String> = globs.iter().map(|g| g.get_ref().clone()).collect();
    Some((
        first.span().start,
        FileRuleSpec {
            id: MUST_NOT_TRACK_ID.to_string(),
            name: format!("File that {FILE_NAME} says must not be tracked"),
            severity: Severity::High,
            paths: globs.clone(),
            except: Vec::new(),
            content: None,
            covers: Vec::new(),
            gitignore: globs,
            hygiene: true,
            stack: Vec::new(),
            description: format!(
                "The repository's {FILE_NAME} lists this path under `must_not_track`."
            ),
            remediation: "Remove the file from the index (the file stays on disk) and add \
                          it to .gitignore; if it held credentials, rotate them."
                .to_string(),
            references: Vec::new(),
            examples: Vec::new(),
            negative_examples: Vec::new(),
        },
    ))
}

fn apply_spec(
    spec: ConfigSpec,
    text: &str,
    path: &Path,
    rules: &mut RuleSet,
    config: &mut Config,
    rule_files: &[PathBuf],
) -> Result<()> {
    let name = path.display().to_string();
    config.min_severity = spec.min_severity;
    config.hook_gitignore = spec.hook.gitignore;
    // Must-not-track globs: one file rule.
    let mut files: Vec<(usize, FileRuleSpec)> = spec
        .file
        .into_iter()
        .map(|s| (s.span().start, s.into_inner()))
        .collect();
    files.extend(must_not_track_rule(&spec.must_not_track));
    rules.extend(RuleSet::from_parsed(spec.rule, files, text, &name).map_err(|e| anyhow!("{e}"))?);
    if let Some(gl) = &spec.extend.gitleaks {
        let base = path.parent().unwrap_or(Path::new(""));
        let gl_path = base.join(gl.get_ref());
        if !gl_path.is_file() {
            anyhow::bail!(
                "{name}:{}: [extend] gitleaks: {}: no such file",
                line_of(text, gl.span().start),
                gl_path.display()
            );
        }
        import_gitleaks(&gl_path, rules, config)?;
    }
    for p in rule_files {
        rules.extend(rules_in_file(p)?);
    }
    for id in &spec.rules.disable {
        if !rules.remove(id.get_ref()) {
            config.warnings.push(format!(
                "{name}:{}: [rules] disable: no rule `{}` (see `leakgate rules list`)",
                line_of(text, id.span().start),
                id.get_ref()
            ));
        }
    }
    // The allowlist: one list of checks, any of which allowlists a finding.
    let a = &spec.allowlist;
    let mut list = Allowlist {
        rules: Vec::new(),
        path_globs: None,
        path_regexes: Vec::new(),
        regexes: Vec::new(),
        stopwords: a.stopwords.iter().map(|w| w.to_ascii_lowercase()).collect(),
        condition: Condition::Or,
        never: false,
    };
    if let Some(w) = a.stopwords.iter().find(|w| w.is_empty()) {
        anyhow::bail!(
            "{name}: [allowlist] stopwords: an empty word ({w:?}) would match every secret"
        );
    }
    if !a.paths.is_empty() {
        let mut b = ignore::gitignore::GitignoreBuilder::new("");
        for glob in &a.paths {
            b.add_line(None, glob.get_ref()).map_err(|e| {
                anyhow!(
                    "{name}:{}: allowlist path `{}`: {e}",
                    line_of(text, glob.span().start),
                    glob.get_ref()
                )
            })?;
        }
        list.path_globs = Some(
            b.build()
                .with_context(|| format!("{name}: allowlist paths"))?,
        );
    }
    for (target, key, res) in [
        (Target::Secret, "secrets", &a.secrets),
        (Target::Line, "lines", &a.lines),
    ] {
        for re in res {
            let compiled = build_regex(re.get_ref()).map_err(|e| {
                anyhow!(
                    "{name}:{}: [allowlist] {key}: bad regex `{}`: {}",
                    line_of(text, re.span().start),
                    re.get_ref(),
                    e.to_string().lines().last().unwrap_or("").trim()
                )
            })?;
            list.regexes.push((target, compiled));
        }
    }
    if list.has_paths() || list.has_content() {
        rules.allowlists.push(list);
    }
    Ok(())
}

/// The rules of one file given with `--rules` (or to `rules test --rules`): a rule file
/// (`rules.toml` format), the `[[rule]]`/`[[file]]` tables of a leakgate configuration, or the
/// rules of a gitleaks configuration.
pub fn rules_in_file(path: &Path) -> Result<RuleSet> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read rule file", path.display()))?;
    let name = path.display().to_string();
    if crate::config::gitleaks::looks_like_gitleaks(&text) {
        return Ok(crate::config::gitleaks::import(&text, &name)?.rules);
    }
    let is_config = text.parse::<toml::Table>().is_ok_and(|t| {
        t.keys()
            .any(|k| !matches!(k.as_str(), "version" | "rule" | "file"))
    });
    if !is_config {
        return RuleSet::from_toml(&text, &name).map_err(|e| anyhow!("{e}"));
    }
    let spec: ConfigSpec = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    let mut files: Vec<(usize, FileRuleSpec)> = spec
        .file
        .into_iter()
        .map(|s| (s.span().start, s.into_inner()))
        .collect();
    files.extend(must_not_track_rule(&spec.must_not_track));
    RuleSet::from_parsed(spec.rule, files, &text, &name).map_err(|e| anyhow!("{e}"))
}

/// The starter configuration `leakgate init` writes: every option, commented out.
pub const STARTER: &str = r#"# leakgate configuration (see "Configuration" in leakgate's README).
# Every option is commented out (`#key = ...`): as it is, this file changes nothing.
# Parsing is strict: an unknown key is an error that names this file and the line.

# Top-level keys first: in TOML, a key after a [table] header belongs to that table.
# Findings below this severity (low < medium < high) are not reported and do not fail the
# run; they are counted in the summary.
#min_severity = "low"

# Extra files that must never be tracked (gitignore-style globs): `pre-commit` blocks them,
# `lint` reports them (tracked, or untracked and not ignored) and checks .gitignore covers them.
#must_not_track = ["*.keystore", "secrets/**"]

#[rules]
# Rule ids not to use (see `leakgate rules list`); an id that names no rule is a warning.
#disable = ["generic-secret", "dotenv-file"]
# true: do not load the built-in rules; only the rules below (and imported ones) are used.
#replace = false

# Findings never reported (counted as "allowlisted" in the summary). Any one check suffices.
#[allowlist]
#paths = ["tests/fixtures/**", "docs/examples/*.md"]  # gitignore-style globs, from the repo root
#secrets = ['''^AKIA[0-9A-Z]{12}EXAMPLE$''']          # regexes on the secret itself
#lines = ['''# fake credential''']                   # regexes on the line the secret is on
#stopwords = ["dummy", "sample"]                      # words in the secret (case-insensitive)

# Import a gitleaks v8 configuration (path relative to this file): its rules and allowlists
# are added to leakgate's; fields leakgate does not map are named on stderr.
#[extend]
#gitleaks = ".gitleaks.toml"

# The pre-commit hook. gitignore: what .gitignore coverage of the must-not-track names does:
# "note" (default) says it in at most two lines, only when a must-not-track file in the work
# tree is not ignored or the root .gitignore does not ignore .env; "block" blocks the commit
# on any missing coverage; "off" does not check. `git config leakgate.gitignore` overrides it.
#[hook]
#gitignore = "note"

# Your own rules, in the format of leakgate's rules.toml; a rule with the id of a built-in
# rule replaces it. Check them with `leakgate rules test --rules .leakgate.toml`.
#[[rule]]
#id = "acme-api-key"
#name = "Acme API key"
#severity = "high"                          # high | medium | low
#pattern = '''\b(acme_[A-Za-z0-9]{32})\b'''  # capture group 1 is the secret
#keywords = ["acme_"]                       # literal, case-insensitive prefilter
#min_entropy = 3.0                          # optional: Shannon bits per byte of the secret
#description = "Acme API key: full access to the Acme account."
#remediation = "Revoke the key in the Acme console and issue a new one."
#examples = ['ACME_KEY=acme_...']           # each must give exactly one finding
#negative_examples = ['ACME_KEY=acme_xxxxxxxx']

# A file that must never be tracked, with full control (see rules.toml's [[file]] rules).
#[[file]]
#id = "acme-credentials-file"
#name = "Acme credentials file"
#severity = "high"
#paths = ["acme-credentials.json"]
#description = "Acme service-account credentials."
#remediation = "Untrack it, add it to .gitignore and rotate the credentials."
#examples = ["config/acme-credentials.json"]
#negative_examples = ["acme-credentials.json.example"]
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Finding;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join(FILE_NAME);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn allowlist_and_strictness() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[allowlist]\npaths = [\"tests/**\", \"rules.toml\"]\n",
        );
        let (rules, _) = load(Some(&p), dir.path(), &[]).unwrap();
        let finding = |path: &str| Finding::file_level("x", Severity::High, path, String::new());
        assert!(rules.allowlisted(&finding("tests/fixtures/a.txt")));
        assert!(rules.allowlisted(&finding("rules.toml")));
        assert!(!rules.allowlisted(&finding("src/main.rs")));
        write(dir.path(), "[allowlist]\npath = []\n");
        let e = load(Some(&p), dir.path(), &[]).unwrap_err().to_string();
        assert!(e.contains(".leakgate.toml:2:"), "{e}");
        assert!(e.contains("unknown field `path`"), "{e}");
        let (_, c) = load(None, &dir.path().join("nope"), &[]).unwrap();
        assert!(c.source.is_none());
        assert!(load(Some(&dir.path().join("nope.toml")), dir.path(), &[]).is_err());
    }

    #[test]
    fn the_starter_is_a_valid_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), STARTER);
        let (rules, c) = load(Some(&p), dir.path(), &[]).unwrap();
        let builtin = RuleSet::builtin().unwrap();
        assert_eq!(rules.rules.len(), builtin.rules.len());
        assert_eq!(rules.files.len(), builtin.files.len());
        assert!(rules.allowlists.is_empty());
        assert!(c.min_severity.is_none() && c.warnings.is_empty());
        // Uncommented, every option parses (the example rule's example is a placeholder).
        let on: String = STARTER
            .lines()
            .filter_map(|l| l.strip_prefix('#'))
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase() || c == '['))
            .collect::<Vec<_>>()
            .join("\n");
        let spec: Result<ConfigSpec, _> = toml::from_str(&on);
        assert!(spec.is_ok(), "{on}\n{spec:?}");
    }
}
