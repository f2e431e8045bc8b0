//! The check rules: what leakgate's own checks report (the `.gitignore` coverage of the
//! must-not-track names), kept with the other rules so that `rules list`, `rules explain`,
//! `[rules] disable`, baselines and SARIF treat them alike.

use super::*;

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
