//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use leakgate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "leakgate",
    version,
    about = "Keep credentials out of git: a fast pre-commit gate and repository linter.",
    long_about = "Keep credentials out of git: a fast pre-commit gate and repository linter.\n\n\
        leakgate finds credentials (API keys, tokens, private keys, passwords in config and \
        URLs) with a set of rules kept as data (`leakgate rules list`), and never prints a \
        secret whole: findings show a short prefix and the length.",
    after_help = "Exit status: 0 nothing found, 1 findings, 2 usage or runtime error.\n\
        Colour is used only on a terminal, never when NO_COLOR is set."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, directories or standard input (`-`) for credentials.
    ///
    /// Directories are walked in parallel, honouring .gitignore; hidden files (.env, .github/,
    /// .npmrc) are scanned, only .git/ is skipped. Binary files and files above the size cap
    /// are skipped and counted in the summary.
    Scan(ScanArgs),
    /// Scan what the next commit would add (what the installed git hook runs).
    ///
    /// Compares the index with HEAD through gix (the empty tree on a first commit), reads each
    /// staged blob from the object database (never the working tree, so `git add -p` is
    /// honoured), and reports credentials on the added lines and staged files that must never
    /// be tracked (.env, private keys, terraform.tfstate, ...). Exit 1 blocks the commit; an
    /// internal error exits 2 and blocks it too.
    PreCommit(PreCommitArgs),
    /// Lint a repository: must-not-track files, .gitignore coverage, secrets in the index,
    /// and (with --history) in every commit. Prints the fixes as a patch.
    ///
    /// Reports tracked files that must never be tracked (.env, private keys, ...), untracked
    /// ones that nothing ignores, .gitignore coverage of those names (at the root and where such
    /// files are), and secrets in the index (what the next commit would contain). --fix appends
    /// the missing patterns to .gitignore and untracks such files from the index only (they
    /// stay on disk); --diff prints only the .gitignore patch.
    Lint(LintArgs),
    /// Accept the current findings: write them to .leakgate-baseline.json, which `lint` and
    /// `pre-commit` read, so that they report only new findings.
    ///
    /// Entries are keyed by rule, path and the fingerprint (SHA-1) of the secret, not by line:
    /// editing or moving lines keeps them valid, and a different secret on the same line is still
    /// reported. The file is sorted, has no timestamps and never holds a secret. It lists
    /// secrets in tracked files and tracked must-not-track files, and with --history those
    /// found in history; .gitignore coverage and untracked files are left to `lint --fix`.
    Baseline(BaselineCmdArgs),
    /// Install the leakgate git hooks (pre-commit and pre-merge-commit; with --pre-push,
    /// pre-push too) in this repository.
    ///
    /// Honours core.hooksPath; linked worktrees share the main repository's hooks. A hook that
    /// is already there is kept and runs first (it is renamed to <hook>.pre-leakgate).
    Install(InstallArgs),
    /// Scan the commits a push sends (what the installed pre-push hook runs).
    ///
    /// Reads the refs to push from standard input, as git passes them to a pre-push hook
    /// (`<local ref> <local sha> <remote ref> <remote sha>` per line), and scans the commits
    /// reachable from the local shas that the remote does not have (neither the remote shas nor
    /// any remote-tracking branch of REMOTE), as `lint --history` does. Exit 1 blocks the push.
    PrePush(PrePushArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    ///
    /// bash: `leakgate completions bash > ~/.local/share/bash-completion/completions/leakgate`;
    /// zsh: into a directory of your $fpath as `_leakgate`; fish:
    /// `leakgate completions fish > ~/.config/fish/completions/leakgate.fish`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Remove the leakgate git hooks (and put back any hook they had chained).
    Uninstall,
    /// Write a starter configuration, .leakgate.toml, at the repository root (or here).
    ///
    /// Every option is in it, commented out and explained: as written, it changes nothing.
    /// An existing file is not overwritten without --force.
    Init(InitArgs),
    /// List, explain or self-test the rules.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, Args)]
pub struct PreCommitArgs {
    /// Files to scan, relative to the current directory (what the pre-commit framework
    /// passes). When they are all staged changes, only those changes are scanned; otherwise
    /// (`pre-commit run --all-files`, `--files`) their whole content in the index is.
    /// Default: every staged change.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,

    /// Staged blobs larger than this many bytes cannot be scanned: they block the commit
    /// (`git config leakgate.allowUnscannable true` lets them through, named in the summary).
    #[arg(long, value_name = "BYTES", default_value_t = leakgate::precommit::HOOK_MAX_SIZE)]
    pub max_filesize: u64,

    /// What .gitignore coverage of must-not-track names (.env, keys...) does: `note` says it
    /// in two lines when it matters (such a file in the work tree is not ignored, or the root
    /// does not ignore .env), `block` blocks the commit on any missing coverage, `off` skips
    /// the check. Default: `git config leakgate.gitignore`, then `[hook] gitignore` in
    /// .leakgate.toml, then `note`.
    #[arg(long, value_name = "MODE", value_parser = ["off", "note", "block"])]
    pub gitignore: Option<String>,

    /// The same as `--gitignore block` (also `git config leakgate.requireGitignore true`).
    #[arg(long, conflicts_with = "gitignore")]
    pub require_gitignore: bool,

    /// The same as `--gitignore off`.
    #[arg(long, conflicts_with_all = ["require_gitignore", "gitignore"])]
    pub no_gitignore_check: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub rule_args: RuleArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub baseline: BaselineArgs,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// A directory in the repository to lint. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Print only the patch that fixes the .gitignore problems (`git apply` applies it).
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,

    /// Apply the safe fixes: append missing patterns to .gitignore. Untracking a tracked
    /// must-not-track file changes what every clone gets: that needs --unsafe-fixes too.
    #[arg(long)]
    pub fix: bool,

    /// With --fix (or --diff): also the unsafe fixes, untracking must-not-track files from the
    /// index (the files stay on disk). Test fixtures and vendored files are never untracked:
    /// they are named, to allowlist if they are deliberate.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Also scan history: every commit reachable from HEAD, or from RANGE (`origin/main..HEAD`).
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "HEAD")]
    pub history: Option<String>,

    /// Only the commits of --history (HEAD's whole history if --history is not given): skip
    /// the checks of the index, the working tree and .gitignore. For a CI job on a pull
    /// request: `lint --history-only --history origin/main..HEAD`.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub history_only: bool,

    /// With --history or --history-only (implied): the history of every reference — local
    /// and remote branches, tags, stash — not only HEAD's, as gitleaks scans by default. A
    /// token committed on a branch that was never merged is found; each finding names the
    /// references that contain its commit.
    #[arg(long)]
    pub all: bool,

    /// Skip blobs larger than this many bytes (they are counted in the summary).
    #[arg(long, value_name = "BYTES", default_value_t = leakgate::walk::DEFAULT_MAX_SIZE)]
    pub max_filesize: u64,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub rule_args: RuleArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub baseline: BaselineArgs,
}

#[derive(Debug, Args)]
pub struct BaselineCmdArgs {
    /// A directory in the repository. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Also accept what is in history: every commit reachable from HEAD, or from RANGE.
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "HEAD")]
    pub history: Option<String>,

    /// Where to write. Default: .leakgate-baseline.json at the repository root.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Skip blobs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = leakgate::walk::DEFAULT_MAX_SIZE)]
    pub max_filesize: u64,

    #[command(flatten)]
    pub rule_args: RuleArgs,

    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Baseline file of accepted findings (default: .leakgate-baseline.json at the repository
    /// root, if present; `leakgate baseline` writes it).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Report every finding, ignoring the baseline.
    #[arg(long, conflicts_with = "baseline")]
    pub no_baseline: bool,
}

impl BaselineArgs {
    pub fn choice(&self) -> leakgate::baseline::Choice {
        use leakgate::baseline::Choice;
        match (&self.baseline, self.no_baseline) {
            (_, true) => Choice::Ignore,
            (Some(p), false) => Choice::File(p.clone()),
            (None, false) => Choice::Default,
        }
    }
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Replace an existing hook instead of chaining it.
    #[arg(long)]
    pub force: bool,

    /// Also install a pre-push hook that scans the commits being pushed (a safety net for
    /// commits made with `git commit --no-verify`).
    #[arg(long)]
    pub pre_push: bool,
}

#[derive(Debug, Args)]
pub struct PrePushArgs {
    /// The remote's name (or URL), as git passes it to the hook. Default: origin.
    #[arg(value_name = "REMOTE", default_value = "origin")]
    pub remote: String,

    /// The remote's URL, as git passes it (not used).
    #[arg(value_name = "URL")]
    pub url: Option<String>,

    /// Skip blobs larger than this many bytes (they are counted in the summary).
    #[arg(long, value_name = "BYTES", default_value_t = leakgate::walk::DEFAULT_MAX_SIZE)]
    pub max_filesize: u64,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub rule_args: RuleArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub baseline: BaselineArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing .leakgate.toml.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Configuration file (default: .leakgate.toml at the repository root, or in the current
    /// directory for `scan` outside a repository): rules to disable or add, allowlists,
    /// must-not-track paths, a minimum severity (`leakgate init` writes a commented one). A
    /// gitleaks v8 configuration is imported.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Extra rule file (same format as rules.toml, or a .leakgate.toml's or gitleaks
    /// configuration's rules); its rules extend the built-in ones, and a rule with the same id
    /// replaces the built-in one.
    #[arg(long, value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Also scan files that .gitignore (and .ignore, .git/info/exclude) would skip.
    #[arg(long)]
    pub no_ignore: bool,

    /// Skip files larger than this many bytes (they are counted in the summary).
    #[arg(long, value_name = "BYTES", default_value_t = leakgate::walk::DEFAULT_MAX_SIZE)]
    pub max_filesize: u64,

    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub rule_args: RuleArgs,

    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: id, severity and name.
    List(RuleArgs),
    /// Show a rule's description, remediation, references and examples.
    Explain {
        /// The rule id (see `leakgate rules list`).
        id: String,
        #[command(flatten)]
        rule_args: RuleArgs,
    },
    /// Run every rule's examples (must match) and negative examples (must not).
    ///
    /// Prints one line per failure and exits 1 if any. With --rules, tests only the rules in
    /// that file.
    Test {
        /// Test the rules of this file instead of the built-in ones (a rule file, or the
        /// `[[rule]]`/`[[file]]` tables of a .leakgate.toml).
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
}
