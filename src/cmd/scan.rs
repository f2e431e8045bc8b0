//! `leakgate scan`: files, directories or standard input, each under the configuration of
//! the repository it is in.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use super::{Outcome, load_setup, stderr, stdout};
use crate::cli::ScanArgs;
use leakgate::policy::Policy;
use leakgate::report::{self, Style};
use leakgate::rules::RuleSet;
use leakgate::scan::Scanner;
use leakgate::walk::{self, WalkOptions};

pub fn run(args: ScanArgs, style: &Style) -> Result<Outcome> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let opts = WalkOptions {
        no_ignore: args.no_ignore,
        max_size: args.max_filesize,
        threads: args.threads,
    };
    // Each scanned path under the configuration of the repository it is in.
    let mut report = report::Report::default();
    let mut first_rules = None;
    for ctx in leakgate::context::scan_contexts(&paths) {
        let (rules, config) = load_setup(&args.rule_args, &args.config, &ctx.root)?;
        let scanner = Scanner::new(&rules);
        let mut part = walk::scan_paths(&scanner, &ctx.targets, &opts);
        let policy = Policy::without_baseline(&rules, &config);
        policy.filter(&mut part);
        report.merge(part);
        first_rules.get_or_insert(rules);
    }
    report.sort();
    let rules = first_rules.unwrap_or_else(RuleSet::empty);
    let mut out = stdout();
    report::render(args.output.format, &report, &rules, style, &mut out)?;
    out.flush()?;
    if !report.errors.is_empty() {
        let mut err = stderr();
        for e in &report.errors {
            writeln!(err, "leakgate: error: {e}")?;
        }
        anyhow::bail!(
            "{} could not be scanned (see above); the scan is incomplete",
            if report.errors.len() == 1 {
                "1 path".to_string()
            } else {
                format!("{} paths", report.errors.len())
            }
        );
    }
    Ok(Outcome::found(!report.findings.is_empty()))
}
