//! `leakgate rules`: list, explain and test the rules.

use std::io::Write;

use anyhow::{Context, Result};

use super::{Outcome, load_rules, stdout};
use crate::cli::RulesCommand;
use leakgate::rules::RuleSet;

pub fn run(cmd: RulesCommand) -> Result<Outcome> {
    let mut out = stdout();
    let outcome = run_to(cmd, &mut out)?;
    out.flush()?;
    Ok(outcome)
}

fn run_to(cmd: RulesCommand, out: &mut impl Write) -> Result<Outcome> {
    match cmd {
        RulesCommand::List(args) => {
            let rules = load_rules(&args)?;
            let content = rules.rules.iter().map(|r| {
                (
                    r.spec.id.as_str(),
                    &r.spec.severity,
                    r.spec.name.as_str(),
                    "",
                )
            });
            let files = rules.files.iter().map(|r| {
                (
                    r.spec.id.as_str(),
                    &r.spec.severity,
                    r.spec.name.as_str(),
                    " (file)",
                )
            });
            let checks = rules
                .checks
                .iter()
                .map(|c| (c.id, &c.severity, c.name, " (check)"));
            for (id, severity, name, kind) in content.chain(files).chain(checks) {
                writeln!(out, "{id:<40} {severity:<6} {name}{kind}")?;
            }
            writeln!(
                out,
                "{} content rules, {} file rules, {} check rules",
                rules.rules.len(),
                rules.files.len(),
                rules.checks.len()
            )?;
            Ok(Outcome::Clean)
        }
        RulesCommand::Explain { id, rule_args } => {
            let mut rules = RuleSet::builtin_with_examples()?;
            for path in &rule_args.rules {
                rules.extend(leakgate::config::rules_in_file(path)?);
            }
            if let Some(r) = rules.get(&id) {
                let s = &r.spec;
                writeln!(out, "{} [{}] {}\n", s.id, s.severity, s.name)?;
                writeln!(out, "{}\n", s.description)?;
                writeln!(out, "How to fix:\n  {}\n", s.remediation)?;
                writeln!(out, "Keywords: {}", s.keywords.join(", "))?;
                if let Some(e) = s.min_entropy {
                    writeln!(out, "Minimum entropy: {e} bits/byte")?;
                }
                if let Some(v) = &s.validator {
                    writeln!(out, "Validator: {}", v.as_ref())?;
                }
                writeln!(out, "Pattern:\n  {}", s.pattern.as_ref().trim())?;
                for reference in &s.references {
                    writeln!(out, "See: {reference}")?;
                }
                // Examples look like secrets: show them redacted.
                for ex in &s.examples {
                    writeln!(out, "Matches:     {}", redact_example(ex))?;
                }
                for ex in &s.negative_examples {
                    writeln!(out, "Not matched: {}", redact_example(ex))?;
                }
            } else if let Some(r) = rules.get_file(&id) {
                let s = &r.spec;
                writeln!(out, "{} [{}] {} (file rule)\n", s.id, s.severity, s.name)?;
                writeln!(out, "{}\n", s.description)?;
                writeln!(out, "How to fix:\n  {}\n", s.remediation)?;
                writeln!(out, "Paths: {}", s.paths.join(", "))?;
                if !s.except.is_empty() {
                    writeln!(out, "Except: {}", s.except.join(", "))?;
                }
                if let Some(c) = &s.content {
                    writeln!(out, "Only when the content matches: {}", c.as_ref())?;
                }
            } else if let Some(c) = rules.check(&id) {
                writeln!(out, "{} [{}] {} (check rule)\n", c.id, c.severity, c.name)?;
                writeln!(out, "{}\n", c.description)?;
                writeln!(out, "How to fix:\n  {}", c.remediation)?;
            } else {
                anyhow::bail!("no rule with id `{id}` (see `leakgate rules list`)");
            }
            Ok(Outcome::Clean)
        }
        RulesCommand::Test { rules: path } => {
            let rules = match &path {
                Some(p) => leakgate::config::rules_in_file(p)?,
                None => RuleSet::builtin_with_examples()?,
            };
            let mut failures = leakgate::selftest::run(&rules);
            // The built-in rules' examples in every syntax (a rules file of one's own lacks
            // the rules the matrix names: it has none).
            let matrix = leakgate::selftest::syntax::run(&rules);
            if let Some(m) = &matrix {
                failures.extend(m.failures());
            }
            for f in &failures {
                writeln!(out, "{f}")?;
            }
            let examples: usize = rules
                .rules
                .iter()
                .map(|r| r.spec.examples.len() + r.spec.negative_examples.len())
                .chain(
                    rules
                        .files
                        .iter()
                        .map(|r| r.spec.examples.len() + r.spec.negative_examples.len()),
                )
                .sum();
            writeln!(
                out,
                "{} rules, {} examples{}: {} failed",
                rules.rules.len() + rules.files.len(),
                examples,
                matrix
                    .map(|m| format!(", {}", m.summary()))
                    .unwrap_or_default(),
                failures.len()
            )
            .context("writing the result")?;
            Ok(Outcome::found(!failures.is_empty()))
        }
    }
}

/// An example line with anything that looks like a long token shortened.
fn redact_example(ex: &str) -> String {
    let one = ex.replace('\n', "\\n");
    let mut out = String::new();
    for (i, word) in one.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.len() > 16 {
            out.push_str(&leakgate::finding::redact(word.as_bytes()));
        } else {
            out.push_str(word);
        }
    }
    out
}
