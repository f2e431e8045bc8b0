//! Import a gitleaks v8 configuration (`gitleaks.toml`): its rules and allowlists become
//! leakgate rules and allowlists, so that a team keeps its rule pack without rewriting it.
//!
//! Mapped: `[[rules]]` `id`, `description`, `regex`, `secretGroup`, `entropy`, `keywords`,
//! `path`, `[[rules.allowlists]]` (and the older `[rules.allowlist]`), the global
//! `[[allowlists]]` / `[allowlist]` with `targetRules`, and allowlist `condition`, `paths`,
//! `regexes`, `regexTarget`, `stopwords`; `[extend] disabledRules`. Everything else is named in
//! one warning line per field and otherwise ignored.
//!
//! The semantics follow gitleaks': a rule's regex runs over the whole blob when one of its
//! keywords (case-insensitive) occurs in it, or always if it has none; without `secretGroup`
//! the secret is the first capture group that matched something, or the whole match; a
//! finding needs entropy strictly above `entropy`; `path` and allowlist `paths` are regexes on
//! the path.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use toml::Spanned;

use crate::allowlist::{Allowlist, Condition, Target};
use crate::rules::{FileRule, FileRuleSpec, Rule, RuleSet, RuleSpec, SecretGroup, Severity};

#[derive(Debug, Default, Deserialize)]
struct GlFile {
    #[serde(default)]
    extend: Option<GlExtend>,
    #[serde(default)]
    rules: Vec<Spanned<GlRule>>,
    #[serde(default)]
    allowlist: Option<Spanned<GlAllowlist>>,
    #[serde(default)]
    allowlists: Vec<Spanned<GlAllowlist>>,
}

#[derive(Debug, Default, Deserialize)]
struct GlExtend {
    #[serde(default, rename = "disabledRules", alias = "disabledrules")]
    disabled_rules: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct GlRule {
    #[serde(default)]
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default, rename = "secretGroup", alias = "secretgroup")]
    secret_group: i64,
    #[serde(default)]
    entropy: f64,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    allowlist: Option<GlAllowlist>,
    #[serde(default)]
    allowlists: Vec<GlAllowlist>,
}

#[derive(Debug, Default, Deserialize)]
struct GlAllowlist {
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default, rename = "regexTarget", alias = "regextarget")]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default, alias = "stopWords")]
    stopwords: Vec<String>,
    #[serde(default, rename = "targetRules", alias = "targetrules")]
    target_rules: Vec<String>,
}

/// What an import gives.
pub struct Import {
    /// The rules, path-only rules (as file rules) and allowlists.
    pub rules: RuleSet,
    /// `[extend] disabledRules`: ids to remove from the rules in force.
    pub disabled: Vec<String>,
    /// One line per field that was read and not used.
    pub warnings: Vec<String>,
}

/// Whether a TOML text is a gitleaks configuration rather than a leakgate one: `[[rules]]`
/// tables, a `title`, global `[[allowlists]]`, gitleaks' `[extend]` keys, or an `[allowlist]`
/// with regexes.
pub fn looks_like_gitleaks(text: &str) -> bool {
    let Ok(t) = text.parse::<toml::Table>() else {
        return false;
    };
    let has = |table: Option<&toml::Value>, keys: &[&str]| {
        table
            .and_then(|v| v.as_table())
            .is_some_and(|t| keys.iter().any(|k| t.contains_key(*k)))
    };
    t.get("rules").is_some_and(|v| v.is_array())
        || t.contains_key("title")
        || t.contains_key("allowlists")
        || has(
            t.get("extend"),
            &["useDefault", "path", "url", "disabledRules"],
        )
        || has(
            t.get("allowlist"),
            &["regexes", "regexTarget", "commits", "description"],
        )
}

/// Why a field is ignored, for the warning.
fn why(field: &str) -> &'static str {
    match field {
        "[[rules]] tags" => "leakgate has no tags",
        "[[rules]] required" => "composite rules are not supported; the rule reports alone",
        "[[rules]] skipReport" => "composite rules are not supported; the rule reports alone",
        "[extend] useDefault" => {
            "leakgate's built-in rules are used (unless .leakgate.toml says `[rules] replace = true`)"
        }
        "[extend] path" | "[extend] url" => {
            "extending another gitleaks configuration is not supported"
        }
        f if f.ends_with("commits") => {
            "commit allowlists are not supported (an AND allowlist with commits never matches)"
        }
        _ => "not a gitleaks v8 field leakgate knows",
    }
}

/// The fields read and not used, with how many times each occurs.
fn ignored_fields(text: &str) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    let Ok(t) = text.parse::<toml::Table>() else {
        return out;
    };
    let mut note = |table: &str, key: &str| {
        *out.entry(format!("{table} {key}")).or_default() += 1;
    };
    let allow_keys =
        |a: &toml::Table, where_: &str, global: bool, note: &mut dyn FnMut(&str, &str)| {
            for k in a.keys() {
                let mapped = matches!(
                    k.as_str(),
                    "description"
                        | "condition"
                        | "paths"
                        | "regexTarget"
                        | "regextarget"
                        | "regexes"
                        | "stopwords"
                        | "stopWords"
                ) || (global && matches!(k.as_str(), "targetRules" | "targetrules"));
                if !mapped {
                    note(where_, k);
                }
            }
        };
    for (k, v) in &t {
        match k.as_str() {
            "title" | "description" | "minVersion" => {}
            "extend" => {
                for k in v.as_table().into_iter().flat_map(|t| t.keys()) {
                    if !matches!(k.as_str(), "disabledRules" | "disabledrules") {
                        note("[extend]", k);
                    }
                }
            }
            "rules" => {
                for rule in v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.as_table())
                {
                    for (k, v) in rule {
                        match k.as_str() {
                            "id" | "description" | "regex" | "secretGroup" | "secretgroup"
                            | "entropy" | "keywords" | "path" => {}
                            "allowlist" => {
                                if let Some(a) = v.as_table() {
                                    allow_keys(a, "[rules.allowlist]", false, &mut note);
                                }
                            }
                            "allowlists" => {
                                for a in v.as_array().into_iter().flatten() {
                                    if let Some(a) = a.as_table() {
                                        allow_keys(a, "[[rules.allowlists]]", false, &mut note);
                                    }
                                }
                            }
                            _ => note("[[rules]]", k),
                        }
                    }
                }
            }
            "allowlist" => {
                if let Some(a) = v.as_table() {
                    allow_keys(a, "[allowlist]", true, &mut note);
                }
            }
            "allowlists" => {
                for a in v.as_array().into_iter().flatten() {
                    if let Some(a) = a.as_table() {
                        allow_keys(a, "[[allowlists]]", true, &mut note);
                    }
                }
            }
            _ => note("", k),
        }
    }
    out
}

/// A Go (RE2) regex in the syntax of Rust's `regex`: where RE2 reads a character literally
/// and `regex` would not, escape it. Outside a class, a `{` that does not start a repetition
/// (`{{ var }}`); inside a class, `[` (RE2 has no nested classes; `[:alpha:]` is kept) and the
/// class-set operators `&&`, `--`, `~~`.
pub(crate) fn from_go(pattern: &str) -> String {
    let b: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    while i < b.len() {
        let c = b[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = b.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if in_class {
            match c {
                ']' => in_class = false,
                '[' if b.get(i + 1) == Some(&':') => {
                    // A POSIX class, `[:alpha:]`: copy it whole.
                    let end = (i + 2..b.len().saturating_sub(1))
                        .find(|&j| b[j] == ':' && b[j + 1] == ']');
                    if let Some(end) = end {
                        out.extend(&b[i..end + 2]);
                        i = end + 2;
                        continue;
                    }
                    out.push('\\');
                }
                '[' => out.push('\\'),
                '&' | '~' | '-' if b.get(i + 1) == Some(&c) => out.push('\\'),
                _ => {}
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push(c);
                i += 1;
                // `[]...]` and `[^]...]`: a leading `]` is a literal.
                if b.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if b.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                continue;
            }
            '{' => {
                let rest: String = b[i..].iter().take(24).collect();
                let repetition = rest.find('}').filter(|&end| {
                    let inner = &rest[1..end];
                    let (lo, hi) = inner.split_once(',').unwrap_or((inner, "0"));
                    !lo.is_empty()
                        && lo.bytes().all(|d| d.is_ascii_digit())
                        && hi.bytes().all(|d| d.is_ascii_digit())
                });
                match repetition {
                    // Copy the repetition through its `}`.
                    Some(end) => {
                        out.push_str(&rest[..=end]);
                        i += end + 1;
                        continue;
                    }
                    None => out.push('\\'),
                }
            }
            // A `}` that closes no repetition (those are copied above).
            '}' => out.push('\\'),
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

fn regex(pattern: &str) -> Result<regex::bytes::Regex, String> {
    crate::rules::build_regex(&from_go(pattern)).map_err(|e| {
        let e = e.to_string();
        let last = e.lines().rfind(|l| !l.trim().is_empty()).unwrap_or(&e);
        format!("bad regex `{pattern}`: {}", last.trim())
    })
}

fn allowlist(a: &GlAllowlist, rules: Vec<String>) -> Result<Option<Allowlist>, String> {
    let condition = match a
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("") | Some("OR") | Some("||") => Condition::Or,
        Some("AND") | Some("&&") => Condition::And,
        Some(_) => {
            return Err(format!(
                "unknown allowlist condition `{}` (expected `OR` or `AND`)",
                a.condition.as_deref().unwrap_or("")
            ));
        }
    };
    let target = match a.regex_target.as_deref() {
        None | Some("") | Some("secret") => Target::Secret,
        Some("match") => Target::Match,
        Some("line") => Target::Line,
        Some(t) => {
            return Err(format!(
                "unknown allowlist regexTarget `{t}` (expected `secret`, `match` or `line`)"
            ));
        }
    };
    if a.commits.is_empty() && a.paths.is_empty() && a.regexes.is_empty() && a.stopwords.is_empty()
    {
        return Err(
            "an allowlist must contain at least one check: commits, paths, regexes or stopwords"
                .into(),
        );
    }
    let list = Allowlist {
        rules,
        path_globs: None,
        path_regexes: a.paths.iter().map(|p| regex(p)).collect::<Result<_, _>>()?,
        regexes: a
            .regexes
            .iter()
            .map(|r| Ok((target, regex(r)?)))
            .collect::<Result<_, String>>()?,
        stopwords: a
            .stopwords
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .collect(),
        condition,
        never: condition == Condition::And && !a.commits.is_empty(),
    };
    // Only commits (ignored): nothing left to check.
    Ok((list.has_paths() || list.has_content()).then_some(list))
}

/// Import the gitleaks configuration `text`; `name` (its path) is used in messages.
pub fn import(text: &str, name: &str) -> Result<Import> {
    let line = |offset: usize| crate::config::line_of(text, offset);
    let file: GlFile = toml::from_str(text).map_err(|e| {
        let l = e.span().map_or(0, |s| line(s.start));
        anyhow!(
            "{name}:{l}: {} (in a gitleaks configuration)",
            e.message().trim_end()
        )
    })?;
    let mut set = RuleSet::empty();
    for spanned in &file.rules {
        let l = line(spanned.span().start);
        let r = spanned.get_ref();
        let id = r.id.trim();
        if id.is_empty() {
            bail!("{name}:{l}: a [[rules]] table without an `id`");
        }
        let err = |m: String| anyhow!("{name}:{l}: rule `{id}`: {m}");
        let path = r
            .path
            .as_deref()
            .map(regex)
            .transpose()
            .map_err(|m| err(format!("path: {m}")))?;
        let label = if r.description.trim().is_empty() {
            id.to_string()
        } else {
            r.description.trim().to_string()
        };
        let description = format!("{label} (rule `{id}` of the gitleaks configuration {name}).");
        let remediation = "Revoke or rotate the credential, then remove it from the code; a \
                           secret that was committed stays in history."
            .to_string();
        match (&r.regex, path) {
            (None, None) => {
                return Err(err(
                    "both `regex` and `path` are empty: the rule would have no effect".into(),
                ));
            }
            (None, Some(path)) => {
                // A path-only rule: a file that must not be there.
                let spec = FileRuleSpec {
                    id: id.to_string(),
                    name: label,
                    severity: Severity::High,
                    paths: Vec::new(),
                    except: Vec::new(),
                    content: None,
                    covers: Vec::new(),
                    gitignore: Vec::new(),
                    hygiene: false,
                    stack: Vec::new(),
                    description,
                    remediation,
                    references: Vec::new(),
                    examples: Vec::new(),
                    negative_examples: Vec::new(),
                };
                set.files.retain(|f| f.spec.id != id);
                set.files.push(FileRule::by_path_regex(spec, path));
            }
            (Some(pattern), path) => {
                let spec = RuleSpec {
                    id: id.to_string(),
                    name: label,
                    severity: Severity::High,
                    pattern: Spanned::new(0..0, from_go(pattern)),
                    keywords: r
                        .keywords
                        .iter()
                        .map(|k| k.to_ascii_lowercase())
                        .filter(|k| !k.is_empty())
                        .collect(),
                    // gitleaks drops entropy <= `entropy`; leakgate drops entropy < min.
                    min_entropy: (r.entropy > 0.0).then(|| r.entropy.next_up()),
                    validator: None,
                    // gitleaks runs the regex over the whole fragment.
                    multiline: true,
                    window_lines: 0,
                    context: None,
                    decode: None,
                    allow: Vec::new(),
                    fallback: false,
                    description,
                    remediation,
                    references: Vec::new(),
                    examples: Vec::new(),
                    negative_examples: Vec::new(),
                };
                let group = match r.secret_group {
                    n if n < 0 => return Err(err(format!("secretGroup {n} is negative"))),
                    0 => SecretGroup::FirstNonEmpty,
                    n => SecretGroup::Group(n as usize),
                };
                let rule = Rule::imported(spec, group, path).map_err(err)?;
                set.rules.retain(|x| x.id() != id);
                set.rules.push(rule);
            }
        }
        for a in r.allowlist.iter().chain(&r.allowlists) {
            if let Some(list) = allowlist(a, vec![id.to_string()]).map_err(err)? {
                set.allowlists.push(list);
            }
        }
    }
    for a in file.allowlist.iter().chain(&file.allowlists) {
        let l = line(a.span().start);
        let a = a.get_ref();
        if let Some(list) = allowlist(a, a.target_rules.clone())
            .map_err(|m| anyhow!("{name}:{l}: global allowlist: {m}"))?
        {
            set.allowlists.push(list);
        }
    }
    let warnings = ignored_fields(text)
        .into_iter()
        .map(|(field, n)| {
            let field = field.trim().to_string();
            format!(
                "{name}: ignored gitleaks field `{field}`{}: {}",
                if n > 1 {
                    format!(" ({n} times)")
                } else {
                    String::new()
                },
                why(&field)
            )
        })
        .collect();
    Ok(Import {
        rules: set,
        disabled: file.extend.map(|e| e.disabled_rules).unwrap_or_default(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::from_go;

    #[test]
    fn go_regexes_become_rust_regexes() {
        for (go, rust) in [
            (r"a{2,}b{3}c{1,4}", r"a{2,}b{3}c{1,4}"),
            (r"\$?{{[^}]+}}", r"\$?\{\{[^}]+\}\}"),
            (r"x{,3}", r"x\{,3\}"),
            (r"[[:alnum:]_-]", r"[[:alnum:]_-]"),
            (r"[a[b]", r"[a\[b]"),
            (r"[]a]", r"[\]a]"),
            (r"[a&&b]", r"[a\&&b]"),
            (r"\{\}", r"\{\}"),
            (r"\\{2}", r"\\{2}"),
        ] {
            assert_eq!(from_go(go), rust, "{go}");
            assert!(crate::rules::build_regex(&from_go(go)).is_ok(), "{go}");
        }
    }
}
