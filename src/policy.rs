//! What a command reports of what it found, decided in one place for every command: a rule's
//! path condition and the check rules turned off, then the configuration's allowlists and
//! minimum severity, then the findings a baseline accepted (`leakgate baseline`). Each command
//! builds one [`Policy`] and applies it once to its result; the reasons a finding was dropped
//! are counted in the report's [`Stats`].

use std::cell::Cell;
use std::path::Path;

use anyhow::Result;

use crate::baseline::{Baseline, Choice};
use crate::config::Config;
use crate::finding::Finding;
use crate::report::{Report, Stats};
use crate::rules::RuleSet;

/// What happens to one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Report,
    /// The rule's path condition (gitleaks `path`) does not hold, or the check rule is turned
    /// off: not a match at all, not counted.
    NotAMatch,
    Allowlisted,
    BelowMinSeverity,
    /// Accepted by the baseline.
    Baselined,
}

/// How many findings a policy dropped, by reason.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    pub allowlisted: u64,
    pub below_min_severity: u64,
    pub baselined: u64,
}

impl Dropped {
    /// Record the counts in a report's stats (a later application of the same policy, after
    /// `lint --fix`, replaces the earlier counts).
    pub fn record(self, stats: &mut Stats) {
        stats.allowlisted = self.allowlisted;
        stats.below_min_severity = self.below_min_severity;
        stats.baselined = self.baselined;
    }
}

/// The rules, the configuration and the baseline in force for one command.
pub struct Policy<'a> {
    rules: &'a RuleSet,
    config: &'a Config,
    baseline: Baseline,
}

impl<'a> Policy<'a> {
    /// With the baseline `choice` names for the repository whose root is `root`.
    pub fn new(
        rules: &'a RuleSet,
        config: &'a Config,
        choice: &Choice,
        root: &Path,
    ) -> Result<Policy<'a>> {
        Ok(Policy {
            rules,
            config,
            baseline: Baseline::resolve(choice, root)?,
        })
    }

    /// No baseline (`scan`, and `leakgate baseline` itself, which writes one).
    pub fn without_baseline(rules: &'a RuleSet, config: &'a Config) -> Policy<'a> {
        Policy {
            rules,
            config,
            baseline: Baseline::default(),
        }
    }

    pub fn rules(&self) -> &'a RuleSet {
        self.rules
    }

    pub fn verdict(&self, f: &Finding) -> Verdict {
        let rules = self.rules;
        let disabled_check = || {
            crate::rules::CHECK_RULES.iter().any(|c| c.id == f.rule_id)
                && rules.check(&f.rule_id).is_none()
        };
        if rules.fails_path_condition(f) || disabled_check() {
            Verdict::NotAMatch
        } else if rules.allowlisted(f) {
            Verdict::Allowlisted
        } else if self.config.min_severity.is_some_and(|m| f.severity < m) {
            Verdict::BelowMinSeverity
        } else if self.baseline.contains(f) {
            Verdict::Baselined
        } else {
            Verdict::Report
        }
    }

    /// Drop the findings that are not reported. `drop` removes the findings its predicate
    /// selects (from a list, or from a result that keeps its fixes aligned with them).
    pub fn apply(&self, drop: impl FnOnce(&dyn Fn(&Finding) -> bool)) -> Dropped {
        let (allowlisted, below, baselined) = (Cell::new(0), Cell::new(0), Cell::new(0));
        let bump = |c: &Cell<u64>| {
            c.set(c.get() + 1);
            true
        };
        drop(&|f| match self.verdict(f) {
            Verdict::Report => false,
            Verdict::NotAMatch => true,
            Verdict::Allowlisted => bump(&allowlisted),
            Verdict::BelowMinSeverity => bump(&below),
            Verdict::Baselined => bump(&baselined),
        });
        Dropped {
            allowlisted: allowlisted.get(),
            below_min_severity: below.get(),
            baselined: baselined.get(),
        }
    }

    /// [`Policy::apply`] on a report (the fixes only dropped findings needed go too),
    /// counted in its stats.
    pub fn filter(&self, report: &mut Report) {
        self.apply(|drop| {
            report.drop_findings(drop);
        })
        .record(&mut report.stats);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn finding(rule: &str, path: &str, severity: Severity) -> Finding {
        Finding::file_level(rule, severity, path, String::new())
    }

    #[test]
    fn each_finding_is_counted_under_its_first_reason() {
        let rules = RuleSet::builtin().unwrap();
        let config = Config {
            min_severity: Some(Severity::Medium),
            ..Config::default()
        };
        let accepted = finding("generic-secret", "b.py", Severity::High);
        let baseline = Baseline::from_entries([crate::baseline::entry_of(&accepted, true)]);
        let policy = Policy {
            rules: &rules,
            config: &config,
            baseline,
        };
        let mut report = Report {
            findings: vec![
                finding("generic-secret", "a.py", Severity::High),
                accepted,
                finding("generic-secret", "c.py", Severity::Low),
            ],
            ..Report::default()
        };
        policy.filter(&mut report);
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].path, "a.py");
        let s = &report.stats;
        assert_eq!(
            (s.allowlisted, s.below_min_severity, s.baselined),
            (0, 1, 1)
        );
    }
}
