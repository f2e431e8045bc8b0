//! leakgate: parse the command line, run, and turn the outcome into an exit code
//! (0 nothing found, 1 findings, 2 usage or runtime error).

mod cli;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use cli::{Cli, ColorChoice, Command, RuleArgs, RulesCommand};
use leakgate::config::Config;
use leakgate::report::{self, Format, Style};
use leakgate::rules::RuleSet;
use leakgate::scan::Scanner;
use leakgate::walk::{self, WalkOptions};

/// What a command concluded.
enum Outcome {
    Clean,
    Findings,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let style = Style {
        color: use_color(cli.color),
    };
    let result = run(cli, &style);
    leakgate::precommit::remove_scratch();
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(err) => {
            let _ = writeln!(stderr(), "leakgate: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Standard output or error, where a closed pipe is not an error: once the reader has gone
/// (`git commit 2>&1 | head`), what is written is dropped and the command goes on to its
/// verdict. The exit code is the verdict whether or not the output could be written, so
/// findings still block a commit or a push whose output nobody reads.
struct Pipe<W>(W);

impl<W: Write> Write for Pipe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(buf.len()),
            r => r,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            r => r,
        }
    }
}

fn stdout() -> Pipe<io::StdoutLock<'static>> {
    Pipe(io::stdout().lock())
}

fn stderr() -> Pipe<io::StderrLock<'static>> {
    Pipe(io::stderr().lock())
}

fn use_color(choice: ColorChoice) -> bool {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal(),
    }
}

fn load_rules(args: &RuleArgs) -> Result<RuleSet> {
    let mut rules = RuleSet::builtin()?;
    for path in &args.rules {
        rules.extend(leakgate::config::rules_in_file(path)?);
    }
    Ok(rules)
}

/// The rules and configuration in force for the repository (or directory) `root`: one code
/// path for `scan`, `pre-commit` and `lint`. What the configuration names and leakgate does
/// not use is said on stderr.
fn load_setup(
    rule_args: &RuleArgs,
    config: &cli::ConfigArgs,
    root: &Path,
) -> Result<(RuleSet, Config)> {
    let (rules, config) = leakgate::config::load(config.config.as_deref(), root, &rule_args.rules)?;
    let mut err = stderr();
    for w in &config.warnings {
        writeln!(err, "leakgate: warning: {w}")?;
    }
    Ok((rules, config))
}

fn run(cli: Cli, style: &Style) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) => {
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
                config.filter(&rules, &mut part);
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
            Ok(if report.findings.is_empty() {
                Outcome::Clean
            } else {
                Outcome::Findings
            })
        }
        Command::Rules(cmd) => rules_command(cmd),
        Command::PreCommit(args) => pre_commit(args, style).map_err(|e| {
            e.context(
                "leakgate could not check this commit, so it is blocked (fail closed). \
                 Fix the problem above, or commit without the check: git commit --no-verify",
            )
        }),
        Command::Lint(args) => lint(args, style),
        Command::Init(args) => init(args.force),
        Command::Baseline(args) => baseline(args),
        Command::PrePush(args) => pre_push(args, style).map_err(|e| {
            e.context(
                "leakgate could not check this push, so it is blocked (fail closed). \
                 Fix the problem above, or push without the check: git push --no-verify",
            )
        }),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            // (generate panics on a write error: render to memory, then write)
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "leakgate", &mut script);
            let mut out = stdout();
            out.write_all(&script)?;
            out.flush()?;
            Ok(Outcome::Clean)
        }
        Command::Install(args) => {
            let repo = leakgate::precommit::open_repo(Path::new("."))?;
            for line in leakgate::install::install(&repo, args.force, args.pre_push)? {
                writeln!(stdout(), "leakgate: {line}")?;
            }
            Ok(Outcome::Clean)
        }
        Command::Uninstall => {
            let repo = leakgate::precommit::open_repo(Path::new("."))?;
            for line in leakgate::install::uninstall(&repo)? {
                writeln!(stdout(), "leakgate: {line}")?;
            }
            Ok(Outcome::Clean)
        }
    }
}

/// `leakgate init`: the starter configuration at the repository root (or here).
fn init(force: bool) -> Result<Outcome> {
    let root = leakgate::context::current_root();
    let path = root.join(leakgate::config::FILE_NAME);
    // (symlink_metadata: a link, even a dangling one, is there)
    if std::fs::symlink_metadata(&path).is_ok() && !force {
        anyhow::bail!(
            "{}: already exists; not overwritten (--force replaces it)",
            path.display()
        );
    }
    leakgate::gitignore::write_atomic_within(&root, &path, leakgate::config::STARTER.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    writeln!(
        stdout(),
        "leakgate: wrote {} (every option commented out)",
        path.display()
    )?;
    Ok(Outcome::Clean)
}

fn pre_commit(args: cli::PreCommitArgs, style: &Style) -> Result<Outcome> {
    let t = std::time::Instant::now();
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let repo = leakgate::precommit::open_repo(&cwd)?;
    let root = repo.workdir().expect("checked in open_repo").to_path_buf();
    let (rules, config) = load_setup(&args.rule_args, &args.config, &root)?;
    if std::env::var_os("LEAKGATE_TIMINGS").is_some() {
        let _ = writeln!(
            stderr(),
            "leakgate: timing: load rules: {:.2} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let gitignore = gitignore_mode(&args, &repo, &config)?;
    let allow_unscannable = repo
        .config_snapshot()
        .boolean("leakgate.allowUnscannable")
        .unwrap_or(false);
    let opts = leakgate::precommit::Options {
        max_size: args.max_filesize,
        allow_unscannable,
        gitignore,
        files: args.files.clone(),
        baseline: args.baseline.choice(),
        full_gitignore: args.output.format == Format::Json,
    };
    let mut outcome = leakgate::precommit::run(&cwd, repo, &rules, &config, &opts)?;
    outcome.report.stats.lines_added = Some(outcome.added_lines);
    let mut out = stdout();
    match args.output.format {
        Format::Text => leakgate::precommit::render_text(&outcome, style, &mut out)?,
        Format::Json => leakgate::precommit::render_json(&outcome, &mut out)?,
        f => report::render(f, &outcome.report, &rules, style, &mut out)?,
    }
    out.flush()?;
    let blocked = !outcome.report.findings.is_empty() || outcome.gitignore.blocks;
    // The process ends next: freeing hundreds of compiled automata would only delay the commit.
    std::mem::forget((rules, config, outcome));
    Ok(if blocked {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// What the hook does about `.gitignore` coverage: the command line, then
/// `git config leakgate.gitignore` (or the older `leakgate.requireGitignore`), then
/// `[hook] gitignore` in the configuration, then `note`.
fn gitignore_mode(
    args: &cli::PreCommitArgs,
    repo: &gix::Repository,
    config: &Config,
) -> Result<leakgate::config::GitignoreMode> {
    use gix::bstr::ByteSlice;
    use leakgate::config::GitignoreMode;
    if let Some(m) = args.gitignore.as_deref().and_then(GitignoreMode::parse) {
        return Ok(m);
    }
    if args.require_gitignore {
        return Ok(GitignoreMode::Block);
    }
    if args.no_gitignore_check {
        return Ok(GitignoreMode::Off);
    }
    let git = repo.config_snapshot();
    if let Some(v) = git.string("leakgate.gitignore") {
        let v = v.to_str_lossy();
        return GitignoreMode::parse(&v).with_context(|| {
            format!("git config leakgate.gitignore: `{v}` is not one of off, note, block")
        });
    }
    if git.boolean("leakgate.requireGitignore").unwrap_or(false) {
        return Ok(GitignoreMode::Block);
    }
    Ok(config.hook_gitignore.unwrap_or_default())
}

fn lint(args: cli::LintArgs, style: &Style) -> Result<Outcome> {
    use leakgate::lint;
    let dir = lint_dir(args.path.as_deref())?;
    let root = lint_root(&dir, args.history_only)?;
    let (rules, config) = load_setup(&args.rule_args, &args.config, &root)?;
    let opts = lint::Options {
        max_size: args.max_filesize,
        history: match (&args.history, args.history_only, args.all) {
            (Some(h), _, true) if h != "HEAD" => {
                anyhow::bail!("--all scans every reference's history: it takes no range (`{h}`)")
            }
            (_, _, true) => Some("--all".to_string()),
            (None, true, _) => Some("HEAD".to_string()),
            (h, _, _) => h.clone(),
        },
        history_only: args.history_only,
        progress: io::stderr().is_terminal(),
        all_refs: args.all,
    };
    let mut result = lint::run(&dir, &rules, &opts)?;
    lint_filter(&mut result, &rules, &config);
    let baseline = leakgate::baseline::Baseline::resolve(&args.baseline.choice(), &result.workdir)?;
    result.report.stats.baselined = result.drop_findings(|f| baseline.contains(f));
    if args.diff {
        let mut out = stdout();
        out.write_all(&result.patch())?;
        out.flush()?;
        let untrack = |a: lint::Applicability| -> Vec<&str> {
            result
                .fixes
                .iter()
                .filter(|f| f.applicability == a)
                .filter_map(|f| match &f.kind {
                    lint::FixKind::Untrack { command, .. } => Some(command.as_str()),
                    lint::FixKind::Gitignore { .. } => None,
                })
                .collect()
        };
        let (unsafe_ones, shown) = (
            untrack(lint::Applicability::Unsafe),
            untrack(lint::Applicability::DisplayOnly),
        );
        let mut err = stderr();
        if !unsafe_ones.is_empty() {
            if args.unsafe_fixes {
                writeln!(
                    err,
                    "leakgate: the patch covers .gitignore only; `leakgate lint --fix \
                     --unsafe-fixes` also untracks (an index change): {}",
                    unsafe_ones.join("; ")
                )?;
            } else {
                writeln!(
                    err,
                    "leakgate: {} more with --unsafe-fixes (untracking, an index change): {}",
                    unsafe_ones.len(),
                    unsafe_ones.join("; ")
                )?;
            }
        }
        if !shown.is_empty() {
            writeln!(
                err,
                "leakgate: not applied (test fixtures or vendored files; allowlist them if \
                 deliberate): {}",
                shown.join("; ")
            )?;
        }
        return Ok(if result.problems() == 0 {
            Outcome::Clean
        } else {
            Outcome::Findings
        });
    }
    if args.fix {
        let done = lint::apply(&dir, &result, args.unsafe_fixes)?;
        let text = args.output.format == Format::Text;
        let mut msg: Box<dyn Write> = if text {
            Box::new(stdout())
        } else {
            Box::new(stderr())
        };
        if done.is_empty() {
            writeln!(msg, "leakgate: nothing to fix")?;
        } else {
            for line in &done {
                writeln!(msg, "leakgate: fixed: {line}")?;
            }
            writeln!(
                msg,
                "leakgate: a secret that was ever committed must be rotated: untracking or \
                 ignoring a file does not remove it from history (see `leakgate lint --history`)."
            )?;
            writeln!(msg)?;
        }
        drop(msg);
        if !done.is_empty() {
            // Report what is left (history did not change: keep its findings).
            let again = lint::Options {
                history: None,
                ..opts.clone()
            };
            result = lint::run(&dir, &rules, &again)?.with_history_of(result);
            lint_filter(&mut result, &rules, &config);
            result.report.stats.baselined = result.drop_findings(|f| baseline.contains(f));
        }
    }
    let mut out = stdout();
    lint::render(args.output.format, &result, &rules, style, &mut out)?;
    out.flush()?;
    Ok(if result.problems() == 0 {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// The configuration's verdicts on a lint result (the fixes only dropped findings needed go).
fn lint_filter(result: &mut leakgate::lint::Lint, rules: &RuleSet, config: &Config) {
    let d = config.apply(rules, |drop| {
        result.drop_findings(drop);
    });
    result.report.stats.allowlisted = d.allowlisted;
    result.report.stats.below_min_severity = d.below_min_severity;
}

/// `leakgate pre-push`: scan what a push sends (the refs on standard input).
fn pre_push(args: cli::PrePushArgs, style: &Style) -> Result<Outcome> {
    use std::io::Read;
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let mut input = String::new();
    let mut remote = args.remote.clone();
    // The pre-commit framework passes the range in the environment, and nothing on stdin.
    if let Some(env) = leakgate::framework::PushEnv::from_env() {
        input = env.input(&leakgate::precommit::open_repo(&cwd)?)?;
        remote = env.remote_name.unwrap_or(remote);
    } else {
        io::stdin()
            .read_to_string(&mut input)
            .context("reading the refs to push from standard input")?;
    }
    let root = work_tree_root(&cwd)?;
    let (rules, config) = load_setup(&args.rule_args, &args.config, &root)?;
    let opts = leakgate::prepush::Options {
        max_size: args.max_filesize,
        baseline: args.baseline.choice(),
        progress: io::stderr().is_terminal(),
    };
    let outcome = leakgate::prepush::run(&cwd, &rules, &config, &remote, &input, &opts)?;
    let blocked = !outcome.findings.is_empty();
    let mut out = stdout();
    match args.output.format {
        Format::Text => leakgate::prepush::render_text(&outcome, &rules, style, &mut out)?,
        f => leakgate::lint::render(
            f,
            &leakgate::prepush::as_lint(outcome),
            &rules,
            style,
            &mut out,
        )?,
    }
    out.flush()?;
    Ok(if blocked {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The directory `lint` and `baseline` work in: the given one, a given file's, or the current.
fn lint_dir(path: Option<&Path>) -> Result<PathBuf> {
    Ok(match path {
        Some(p) if p.is_file() => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir().context("reading the current directory")?,
    })
}

/// The root of the work tree of the repository around `dir` (where its config lives).
fn work_tree_root(dir: &Path) -> Result<PathBuf> {
    Ok(leakgate::precommit::open_repo(dir)?
        .workdir()
        .expect("checked in open_repo")
        .to_path_buf())
}

/// Where `lint` finds `.leakgate.toml` and the baseline: the work tree's root; in a bare
/// repository, with `--history-only`, the git directory.
fn lint_root(dir: &Path, history_only: bool) -> Result<PathBuf> {
    if !history_only {
        return work_tree_root(dir);
    }
    let repo = leakgate::precommit::open_any(dir)?;
    Ok(repo.workdir().unwrap_or(repo.git_dir()).to_path_buf())
}

/// `leakgate baseline`: accept the current findings.
fn baseline(args: cli::BaselineCmdArgs) -> Result<Outcome> {
    use leakgate::baseline::{self, Baseline};
    use leakgate::lint;
    let dir = lint_dir(args.path.as_deref())?;
    let opts = lint::Options {
        max_size: args.max_filesize,
        history: args.history.clone(),
        history_only: false,
        progress: io::stderr().is_terminal(),
        all_refs: false,
    };
    let root = work_tree_root(&dir)?;
    let (rules, config) = load_setup(&args.rule_args, &args.config, &root)?;
    let mut result = lint::run(&dir, &rules, &opts)?;
    lint_filter(&mut result, &rules, &config);
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| result.workdir.join(baseline::FILE_NAME));
    let previous = Baseline::load(&path, false).ok();
    let selection = baseline::select(&result)?;
    let new = Baseline::from_entries(selection.entries);
    new.write(&path)?;
    let mut out = stdout();
    let shown = path
        .strip_prefix(&result.workdir)
        .unwrap_or(&path)
        .display()
        .to_string();
    let is_coverage = |e: &&baseline::Entry| {
        e.rule_id == lint::RULE_GITIGNORE_MISSING || e.rule_id == lint::RULE_GITIGNORE_NOT_SHARED
    };
    let coverage = new.entries().filter(is_coverage).count();
    let secrets = new
        .entries()
        .filter(|e| e.fingerprint.is_some() && !is_coverage(e))
        .count();
    let files = new.len() - secrets - coverage;
    let count = leakgate::report::plural;
    writeln!(
        out,
        "leakgate: wrote {shown}: {} ({}, {}, {}{})",
        count(new.len(), "entry", "entries"),
        count(secrets, "secret", "secrets"),
        count(files, "must-not-track file", "must-not-track files"),
        count(coverage, ".gitignore gap", ".gitignore gaps"),
        match &result.history {
            Some(h) => format!("; history {}", h.range),
            None => String::new(),
        }
    )?;
    if let Some(prev) = previous.filter(|p| p.source.is_some()) {
        let gone = prev.entries().filter(|e| !new.has_entry_for(e)).count();
        if gone > 0 {
            writeln!(
                out,
                "leakgate: {gone} earlier {} no longer found and dropped{}",
                if gone == 1 {
                    "entry was"
                } else {
                    "entries were"
                },
                if args.history.is_none() {
                    " (history findings are kept only with --history)"
                } else {
                    ""
                }
            )?;
        }
    }
    if !selection.left.is_empty() {
        writeln!(
            out,
            "leakgate: not baselined (fix them: `leakgate lint --fix`):"
        )?;
        for f in &selection.left {
            writeln!(out, "  {}", leakgate::report::text_line(f, false))?;
        }
    }
    writeln!(
        out,
        "leakgate: `lint` and `pre-commit` now skip these findings; commit {shown}. \
         A secret that was committed must still be rotated."
    )?;
    out.flush()?;
    Ok(Outcome::Clean)
}

fn rules_command(cmd: RulesCommand) -> Result<Outcome> {
    let mut out = stdout();
    match cmd {
        RulesCommand::List(args) => {
            let rules = load_rules(&args)?;
            for r in &rules.rules {
                writeln!(
                    out,
                    "{:<40} {:<6} {}",
                    r.spec.id, r.spec.severity, r.spec.name
                )?;
            }
            for r in &rules.files {
                writeln!(
                    out,
                    "{:<40} {:<6} {} (file)",
                    r.spec.id, r.spec.severity, r.spec.name
                )?;
            }
            for c in &rules.checks {
                writeln!(out, "{:<40} {:<6} {} (check)", c.id, c.severity, c.name)?;
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
            let failures = leakgate::selftest::run(&rules);
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
                "{} rules, {} examples: {} failed",
                rules.rules.len() + rules.files.len(),
                examples,
                failures.len()
            )
            .context("writing the result")?;
            Ok(if failures.is_empty() {
                Outcome::Clean
            } else {
                Outcome::Findings
            })
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn format_names() {
        let cli = Cli::try_parse_from(["leakgate", "scan", "--format", "sarif", "x"]).unwrap();
        match cli.command {
            Command::Scan(a) => assert_eq!(a.output.format, Format::Sarif),
            _ => panic!("scan expected"),
        }
    }
}
