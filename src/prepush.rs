//! `leakgate pre-push`: scan the commits a push sends — the safety net for commits made with
//! `git commit --no-verify`.
//!
//! git runs the `pre-push` hook as `pre-push <remote> <url>`, with one line per ref to update on
//! standard input: `<local ref> <local sha> <remote ref> <remote sha>`. The commits scanned are
//! those reachable from the local shas and from none of: the remote shas (when this repository
//! has them) and the remote-tracking branches of that remote (`refs/remotes/<remote>/*`), which
//! are on the remote already. A deleted ref sends nothing. A remote sha this repository does not
//! have (someone pushed since the last fetch) is said so, and what no remote-tracking branch has
//! is scanned. The scan is `lint --history`'s.

use std::io::{self, Write};

use anyhow::{Context, Result, bail};
use gix::ObjectId;
use gix::bstr::ByteSlice;

use crate::lint;
use crate::report::{HistoryStats, Report, Style};
use crate::rules::RuleSet;

/// One line of the hook's standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub local_ref: String,
    pub local: ObjectId,
    pub remote_ref: String,
    pub remote: ObjectId,
}

/// Parse the hook's standard input (blank lines are ignored).
pub fn parse_updates(input: &str) -> Result<Vec<Update>> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(' ').collect();
        let parse = |s: &str| {
            ObjectId::from_hex(s.as_bytes()).with_context(|| {
                format!("standard input, line {}: `{s}` is not an object id", n + 1)
            })
        };
        if fields.len() != 4 {
            bail!(
                "standard input, line {}: expected `<local ref> <local sha> <remote ref> <remote sha>` \
                 (what git passes to a pre-push hook), got `{line}`",
                n + 1
            );
        }
        out.push(Update {
            local_ref: fields[0].to_string(),
            local: parse(fields[1])?,
            remote_ref: fields[2].to_string(),
            remote: parse(fields[3])?,
        });
    }
    Ok(out)
}

/// What to scan.
#[derive(Debug, Default)]
pub struct Plan {
    pub tips: Vec<ObjectId>,
    pub hidden: Vec<ObjectId>,
    /// What the user should know about the range (said on every run).
    pub notes: Vec<String>,
    /// The refs pushed, for the summary.
    pub refs: Vec<String>,
}

fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(7).to_string()
}

fn short_ref(r: &str) -> &str {
    r.strip_prefix("refs/heads/")
        .or_else(|| r.strip_prefix("refs/tags/"))
        .unwrap_or(r)
}

/// The commit `id` peels to, if this repository has it and it is one.
fn commit_of(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    repo.find_object(id)
        .ok()
        .and_then(|o| o.peel_to_commit().ok())
        .map(|c| c.id)
}

/// Work out the commits to scan for a push to `remote` (a remote's name, or a URL).
pub fn plan(repo: &gix::Repository, remote: &str, updates: &[Update]) -> Result<Plan> {
    let mut plan = Plan::default();
    let mut unknown_remote_tip = false;
    for u in updates {
        if u.local.is_null() {
            plan.notes.push(format!(
                "{}: deleted on {remote}, nothing to scan",
                short_ref(&u.remote_ref)
            ));
            continue;
        }
        plan.refs.push(short_ref(&u.remote_ref).to_string());
        if repo.find_object(u.local).is_err() {
            bail!(
                "{}: the pushed object {} is not in this repository",
                u.local_ref,
                u.local
            );
        }
        match commit_of(repo, u.local) {
            Some(c) => plan.tips.push(c),
            None => plan.notes.push(format!(
                "{}: {} is not a commit (a tag of a tree or blob): not scanned",
                u.local_ref,
                short(&u.local)
            )),
        }
        if !u.remote.is_null() {
            match commit_of(repo, u.remote) {
                Some(c) => plan.hidden.push(c),
                None => {
                    unknown_remote_tip = true;
                    plan.notes.push(format!(
                        "{} on {remote} is at {}, which this repository does not have (pushed \
                         since your last fetch?): scanning every pushed commit that no \
                         remote-tracking branch of {remote} has",
                        short_ref(&u.remote_ref),
                        short(&u.remote)
                    ));
                }
            }
        }
    }
    // Commits on any remote-tracking branch of this remote are there already.
    let mut tracking = 0usize;
    if repo.remote_names().contains(remote.as_bytes().as_bstr()) {
        let prefix = format!("refs/remotes/{remote}/");
        let refs = repo.references().context("reading the references")?;
        let iter = refs
            .prefixed(prefix.as_str())
            .with_context(|| format!("listing {prefix}*"))?;
        for r in iter {
            let mut r =
                r.map_err(|e| anyhow::anyhow!("reading a reference under {prefix}: {e}"))?;
            if let Ok(id) = r.peel_to_id()
                && let Some(c) = commit_of(repo, id.detach())
            {
                plan.hidden.push(c);
                tracking += 1;
            }
        }
    }
    if unknown_remote_tip && tracking == 0 {
        plan.notes.push(format!(
            "no remote-tracking branch of {remote} is known: every commit reachable from the \
             pushed refs is scanned (`git fetch {remote}` makes this faster)"
        ));
    }
    plan.hidden.sort();
    plan.hidden.dedup();
    plan.tips.sort();
    plan.tips.dedup();
    Ok(plan)
}

/// What a pre-push run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The findings, the history covered (always there) and the notes on the refs pushed.
    pub report: Report,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub max_size: u64,
    /// Where history reports its progress ([`lint::ProgressSink`]).
    pub progress: Option<lint::ProgressSink>,
}

/// Scan what a push to `remote` sends, `input` being the hook's standard input.
pub fn run(
    mut repo: gix::Repository,
    policy: &crate::policy::Policy<'_>,
    remote: &str,
    input: &str,
    opts: &Options,
) -> Result<Outcome> {
    repo.object_cache_size_if_unset(4 << 20);
    let updates = parse_updates(input)?;
    let plan = plan(&repo, remote, &updates)?;
    let label = if plan.refs.is_empty() {
        format!("push to {remote}")
    } else {
        format!("push to {remote}: {}", plan.refs.join(", "))
    };
    let lint_opts = lint::Options {
        max_size: opts.max_size,
        history: None,
        history_only: false,
        progress: opts.progress.clone(),
        all_refs: false,
    };
    let rules = policy.rules();
    let (findings, history) =
        lint::scan_history_between(&repo, rules, &label, plan.tips, plan.hidden, &lint_opts)?;
    let mut report = Report {
        findings,
        history: Some(history),
        notes: plan.notes,
        ..Report::default()
    };
    policy.filter(&mut report);
    report.sort();
    Ok(Outcome { report })
}

/// The summary line.
pub fn summary(o: &Outcome) -> String {
    let none = HistoryStats::default();
    let h = o.report.history.as_ref().unwrap_or(&none);
    let s = &o.report.stats;
    let mut line = format!("scanned {} ({})", h.counts(), h.range);
    if s.allowlisted > 0 {
        line.push_str(&format!(
            " ({} allowlisted by .leakgate.toml)",
            s.allowlisted
        ));
    }
    if s.baselined > 0 {
        line.push_str(&format!(" ({} baselined)", s.baselined));
    }
    line
}

/// What the hook prints: why a push is blocked and how to fix it (JSON and SARIF: the report
/// alone).
impl crate::report::Header for Outcome {
    fn report(&self) -> &Report {
        &self.report
    }

    fn head(&self, style: &Style, out: &mut dyn Write) -> io::Result<()> {
        for n in &self.report.notes {
            writeln!(out, "leakgate: note: {n}")?;
        }
        let n = self.report.findings.len();
        if n > 0 {
            writeln!(
                out,
                "{} {} in the commits being pushed\n",
                paint(style, "leakgate: push blocked:"),
                if n == 1 {
                    "1 problem".to_string()
                } else {
                    format!("{n} problems")
                }
            )?;
        }
        Ok(())
    }

    fn indent(&self) -> &'static str {
        "  "
    }

    fn advice(&self, rules: &RuleSet, _style: &Style, out: &mut dyn Write) -> io::Result<()> {
        if self.report.findings.is_empty() {
            return Ok(());
        }
        writeln!(out, "\nHow to fix:")?;
        let mut seen = std::collections::BTreeSet::new();
        for f in &self.report.findings {
            if seen.insert(f.rule_id.as_str())
                && let Some(rem) = crate::report::remediation(rules, &f.rule_id)
            {
                writeln!(out, "  - {}: {rem}", f.rule_id)?;
            }
        }
        writeln!(
            out,
            "  - The problem is in a commit: a later commit that removes it does not take it out \
             of the push. Rewrite the unpushed commits (`git commit --amend` for the last one, \
             `git rebase -i` for older ones), then push again."
        )?;
        writeln!(
            out,
            "  - Not a secret? Put `leakgate:allow` in a comment on its line, or accept it in the \
             baseline (`leakgate baseline --history`) and commit that."
        )?;
        writeln!(
            out,
            "  To push anyway (not recommended): git push --no-verify\n"
        )
    }

    fn summary(&self) -> String {
        match self.report.findings.len() {
            0 => format!("leakgate: {}: no secrets found", summary(self)),
            n => format!(
                "leakgate: {}: {n} {}",
                summary(self),
                if n == 1 { "finding" } else { "findings" }
            ),
        }
    }
}

/// `s` in bold red when the output is in color.
fn paint(style: &Style, s: &str) -> String {
    use owo_colors::OwoColorize;
    if style.color {
        s.red().bold().to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_git_passes() {
        let a = "1".repeat(40);
        let z = "0".repeat(40);
        let input = format!(
            "refs/heads/main {a} refs/heads/main {z}\n\nrefs/heads/x {z} refs/heads/x {a}\n"
        );
        let u = parse_updates(&input).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].local_ref, "refs/heads/main");
        assert!(u[0].remote.is_null() && !u[0].local.is_null());
        assert!(u[1].local.is_null());
        let e = parse_updates("refs/heads/main abc\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1"), "{e}");
        let e = format!(
            "{:#}",
            parse_updates(&format!("a {a} b nothex\n")).unwrap_err()
        );
        assert!(e.contains("`nothex` is not an object id"), "{e}");
        assert!(parse_updates("").unwrap().is_empty());
    }
}
