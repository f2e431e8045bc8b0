//! Allowlists from the configuration: findings that are not reported, by path, by a regex on
//! the secret, the match or the line, or by a stop word in the secret.
//!
//! The checks on the content need the raw secret, which a [`Finding`] never holds: they run in
//! [`crate::check::findings`], where the bytes are at hand, and their verdict travels
//! with the finding ([`Allowed`]). The checks on the path run later, on the finding, because a
//! blob is matched once for every path that holds it. [`RuleSet::allowlisted`] decides.
//!
//! [`RuleSet::allowlisted`]: crate::rules::RuleSet::allowlisted

use regex::bytes::Regex;

use crate::finding::Finding;

/// What a regex of an allowlist is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The secret (the rule's secret group).
    Secret,
    /// The whole match of the rule's pattern.
    Match,
    /// The line(s) the match is on.
    Line,
}

/// How the checks of one allowlist combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Any check that matches allowlists the finding.
    Or,
    /// Every check the allowlist has must match.
    And,
}

/// One allowlist. Empty lists are checks it does not have.
#[derive(Debug)]
pub struct Allowlist {
    /// The rules it applies to (empty: every rule).
    pub rules: Vec<String>,
    /// gitignore-style globs on the repository-relative path.
    pub path_globs: Option<ignore::gitignore::Gitignore>,
    /// Regexes on the path (gitleaks' `paths`).
    pub path_regexes: Vec<Regex>,
    /// Regexes on the secret, the match or the line.
    pub regexes: Vec<(Target, Regex)>,
    /// Lower-case words; the finding is allowlisted if its secret contains one
    /// (case-insensitively).
    pub stopwords: Vec<String>,
    pub condition: Condition,
    /// An `AND` allowlist with a check leakgate cannot decide (gitleaks' `commits`): it never
    /// matches, so that nothing is hidden that the author did not mean to hide.
    pub never: bool,
}

pub use crate::finding::Allowed;

impl Allowlist {
    pub fn applies_to(&self, rule_id: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r == rule_id)
    }

    pub fn has_paths(&self) -> bool {
        self.path_globs.is_some() || !self.path_regexes.is_empty()
    }

    pub fn has_content(&self) -> bool {
        !self.regexes.is_empty() || !self.stopwords.is_empty()
    }

    /// Whether the path checks match `path` (false when there are none).
    pub fn path_matches(&self, path: &str) -> bool {
        self.path_globs.as_ref().is_some_and(|g| {
            matches!(
                g.matched_path_or_any_parents(path, false),
                ignore::Match::Ignore(_)
            )
        }) || self
            .path_regexes
            .iter()
            .any(|re| re.is_match(path.as_bytes()))
    }

    /// Whether the content checks hold: any of them (`OR`), or each kind present (`AND`: a
    /// regex matches and a stop word is in the secret).
    pub fn content_matches(&self, secret: &[u8], matched: &[u8], line: &[u8]) -> bool {
        let regex = || {
            self.regexes.iter().any(|(t, re)| {
                re.is_match(match t {
                    Target::Secret => secret,
                    Target::Match => matched,
                    Target::Line => line,
                })
            })
        };
        let stop = || {
            let lower = secret.to_ascii_lowercase();
            self.stopwords
                .iter()
                .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
        };
        match self.condition {
            Condition::Or => regex() || stop(),
            Condition::And => {
                (self.regexes.is_empty() || regex()) && (self.stopwords.is_empty() || stop())
            }
        }
    }
}

/// The content stage: the verdicts for one match of `rule_id`.
pub fn check_content(
    lists: &[Allowlist],
    rule_id: &str,
    secret: &[u8],
    matched: &[u8],
    line: &[u8],
) -> Allowed {
    let mut out = Allowed::default();
    for (i, a) in lists.iter().enumerate() {
        if a.never || !a.has_content() || !a.applies_to(rule_id) {
            continue;
        }
        if !a.content_matches(secret, matched, line) {
            continue;
        }
        match (a.condition, a.has_paths()) {
            (Condition::Or, _) | (Condition::And, false) => {
                out.yes = true;
                out.pending.clear();
                return out;
            }
            (Condition::And, true) => out.pending.push(i as u16),
        }
    }
    out
}

/// The path stage: whether `f` is allowlisted, given the content verdicts it carries.
pub fn is_allowlisted(lists: &[Allowlist], f: &Finding) -> bool {
    if f.allowed.yes {
        return true;
    }
    lists.iter().enumerate().any(|(i, a)| {
        !a.never
            && a.has_paths()
            && a.applies_to(&f.rule_id)
            && match a.condition {
                Condition::Or => a.path_matches(&f.path),
                // A finding without a secret (a must-not-track file) has no content to check.
                Condition::And => {
                    (!a.has_content() || f.allowed.pending.contains(&(i as u16)))
                        && a.path_matches(&f.path)
                }
            }
    })
}
