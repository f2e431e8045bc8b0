//! Helpers shared by the integration tests: run the real binary, make fake tokens.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    fn of(out: std::process::Output) -> Output {
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Standard output parsed as JSON; a panic showing both streams if it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", self.stdout, self.stderr))
    }
}

/// The leakgate binary under test, with colour and the user's git config kept out.
pub fn leakgate() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leakgate"));
    c.env_remove("NO_COLOR")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    c
}

pub fn run(cmd: &mut Command) -> Output {
    Output::of(cmd.stdin(Stdio::null()).output().expect("run leakgate"))
}

pub fn run_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn leakgate");
    child.stdin.take().unwrap().write_all(input).unwrap();
    Output::of(child.wait_with_output().unwrap())
}

/// xorshift64 (not cryptographic: test data only). Seeded, it repeats its data, so a failing
/// test reproduces.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// Seeded from the clock and a counter: different data on every call.
    pub fn fresh() -> Rng {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        Rng::new(nanos ^ count.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn base62(&mut self, n: usize) -> String {
        const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        (0..n).map(|_| *self.pick(A) as char).collect()
    }
}

/// A fresh pseudo-random base62 string.
pub fn random_base62(n: usize) -> String {
    Rng::fresh().base62(n)
}

/// A random password for generic `NAME = value` rules, with digits inside it. A random
/// all-letter value can split into words (`octmBiyuKlCruv`) or read as a human password
/// (`word…7`), which those rules deliberately leave alone; digits in the middle rule both out,
/// so a test that uses this cannot fail by chance.
pub fn random_password(n: usize) -> String {
    assert!(n >= 8);
    let half = (n - 2) / 2;
    format!(
        "{}4{}7{}",
        random_base62(half),
        random_base62(n - 2 - half - half),
        random_base62(half)
    )
}

/// A fake GitHub-style token with a valid checksum, made fresh for each test.
pub fn fake_github_token(prefix: &str) -> String {
    loop {
        let random = random_base62(30);
        let check = leakgate::validate::base62_6(leakgate::validate::crc32(random.as_bytes()));
        let token = format!("{prefix}{random}{}", std::str::from_utf8(&check).unwrap());
        // Keep clear of the placeholder filter's words (vanishingly rare, but deterministic tests).
        if !leakgate::validate::is_placeholder_or_reference(token.as_bytes()) {
            return token;
        }
    }
}

/// A temporary git repository driven by the real `git`, isolated from the user's config.
pub struct TestRepo {
    pub dir: tempfile::TempDir,
}

fn isolate(c: &mut Command, home: &std::path::Path) {
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
        "NO_COLOR",
        "LEAKGATE",
    ] {
        c.env_remove(var);
    }
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_leakgate"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin_dir];
    paths.extend(std::env::split_paths(&path));
    c.env("PATH", std::env::join_paths(paths).unwrap())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_TERMINAL_PROMPT", "0");
}

/// A temporary directory for a test, in memory where the machine has a tmpfs (`/dev/shm`):
/// the tests make thousands of files and git repositories, and on a disk-backed temp
/// directory removing them waits on the disk (measured: the whole suite 94 s against 68 s
/// of wall time, the syntax matrix alone 34 s against 2 s). `LEAKGATE_TEST_TMPDIR` picks
/// another place.
pub fn tempdir() -> std::io::Result<tempfile::TempDir> {
    static BASE: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    let base = BASE.get_or_init(|| {
        if let Some(dir) = std::env::var_os("LEAKGATE_TEST_TMPDIR") {
            return Some(dir.into());
        }
        let shm = std::path::Path::new("/dev/shm");
        let writable = shm.is_dir() && tempfile::tempdir_in(shm).is_ok();
        writable.then(|| shm.to_path_buf())
    });
    match base {
        Some(base) => tempfile::Builder::new()
            .prefix("leakgate-test.")
            .tempdir_in(base),
        None => tempfile::tempdir(),
    }
}

impl TestRepo {
    pub fn new() -> TestRepo {
        let dir = tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("repo")).unwrap();
        std::fs::write(
            dir.path().join("home/.gitconfig"),
            "[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n",
        )
        .unwrap();
        let r = TestRepo { dir };
        r.git(&["init", "-q"]);
        r
    }

    pub fn home(&self) -> std::path::PathBuf {
        self.dir.path().join("home")
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("repo")
    }

    /// A `git` command in `dir` (relative to the repo root), isolated.
    pub fn git_cmd_in(&self, dir: &str) -> Command {
        let mut c = Command::new("git");
        isolate(&mut c, &self.home());
        c.current_dir(self.path().join(dir));
        c
    }

    /// Run git; panic with its output if it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = run(self.git_cmd_in("").args(args));
        assert_eq!(
            out.code, 0,
            "git {args:?} failed:\n{}{}",
            out.stdout, out.stderr
        );
        out.stdout
    }

    /// Run git and return its output whatever the exit code.
    pub fn git_status(&self, args: &[&str]) -> Output {
        run(self.git_cmd_in("").args(args))
    }

    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
        self
    }

    pub fn stage(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        self.write(path, contents);
        self.git(&["add", "--", path]);
        self
    }

    pub fn commit(&self, msg: &str) -> &Self {
        self.git(&["commit", "-q", "--no-verify", "-m", msg]);
        self
    }

    /// leakgate, run in `dir` (relative to the repo root), with the same isolation.
    pub fn leakgate_in(&self, dir: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_leakgate"));
        isolate(&mut c, &self.home());
        c.current_dir(self.path().join(dir));
        c
    }

    pub fn leakgate(&self) -> Command {
        self.leakgate_in("")
    }

    pub fn pre_commit(&self) -> Output {
        run(self.leakgate().arg("pre-commit"))
    }

    pub fn pre_commit_json(&self) -> (i32, serde_json::Value) {
        let out = run(self.leakgate().args(["pre-commit", "--format", "json"]));
        (out.code, out.json())
    }
}

/// `(path, rule_id)` of each finding in a JSON report, sorted.
pub fn path_rules(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["rule_id"].as_str().unwrap().into(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `(path, line, rule_id)` of each finding in a JSON report.
pub fn finding_keys(v: &serde_json::Value) -> Vec<(String, Option<u64>, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A line that assigns a fresh fake GitHub token: one finding of `github-pat`.
pub fn secret_line() -> String {
    format!("GITHUB_TOKEN = \"{}\"\n", fake_github_token("ghp_"))
}

/// A repo whose committed `.gitignore` covers every must-not-track name (made by `lint --fix`).
pub fn covered_repo() -> TestRepo {
    let repo = TestRepo::new();
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    repo.git(&["add", ".gitignore"]);
    repo.commit("gitignore");
    repo
}

/// `leakgate lint --format json` with `extra` arguments: exit code and parsed report.
pub fn lint_json(repo: &TestRepo, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = run(repo
        .leakgate()
        .args(["lint", "--format", "json"])
        .args(extra));
    (out.code, out.json())
}

/// Run `cmd` with its stdout and stderr on a pipe whose reader is already closed (`| true`
/// that has exited, `| head` that has read enough): every write gets EPIPE. Returns the exit
/// code (`None`: killed by a signal).
pub fn run_into_closed_pipe(cmd: &mut Command) -> Option<i32> {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let err = writer.try_clone().unwrap();
    cmd.stdin(Stdio::null())
        .stdout(writer)
        .stderr(err)
        .status()
        .expect("run")
        .code()
}

/// The target directory the tests were built in (`<target>/debug/leakgate` is under test).
pub fn target_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_BIN_EXE_leakgate"))
        .ancestors()
        .nth(2)
        .expect("the binary is in <target>/<profile>/")
        .to_path_buf()
}

/// A repository with `origin` (a bare repository beside it in the temp dir) and leakgate's
/// pre-commit and pre-push hooks installed.
pub fn repo_with_remote() -> TestRepo {
    let repo = TestRepo::new();
    add_origin(&repo);
    let out = run(repo.leakgate().args(["install", "--pre-push"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("pre-push: installed"), "{}", out.stdout);
    repo
}

/// Give `repo` an `origin`: a new bare repository beside it in the temp dir.
pub fn add_origin(repo: &TestRepo) {
    let bare = repo.dir.path().join("remote.git");
    let out = run(repo
        .git_cmd_in("")
        .args(["init", "-q", "--bare"])
        .arg(&bare));
    assert_eq!(out.code, 0, "{}", out.stderr);
    repo.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
}

/// The paths of a JSON report's findings of `rule_id`, in report order.
pub fn paths_of<'a>(v: &'a serde_json::Value, rule_id: &str) -> Vec<&'a str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule_id)
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

/// A dotenv file's text: `config` and then a random-looking value (no rule's telling name,
/// so only `dotenv-file` reports the file). `dotenv-file` reports a `.env` by what it holds
/// (#13): flags, ports and hosts alone are configuration.
pub fn env_with_secret(config: &str) -> String {
    format!("{config}SIGNING_SEED={}\n", random_password(24))
}
