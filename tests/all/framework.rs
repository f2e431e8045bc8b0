//! The real pre-commit framework (from PyPI) running leakgate's hooks from this checkout.
//! A `pre-commit` on PATH is used; without one, the framework is installed from PyPI into a
//! virtual environment in the target directory, once.

use crate::util;

use std::path::PathBuf;

use util::{TestRepo, fake_github_token, run};

/// The pre-commit executable: the one on PATH, else one installed from PyPI into a virtual
/// environment under the target directory (`python3 -m venv`, then pip: no system-wide
/// install, which Debian's Python refuses), made once and kept across runs.
fn pre_commit_exe() -> PathBuf {
    static EXE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    EXE.get_or_init(|| {
        let works = |exe: &std::path::Path| {
            std::process::Command::new(exe)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let on_path = PathBuf::from("pre-commit");
        if works(&on_path) {
            return on_path;
        }
        let venv = util::target_dir().join("pre-commit-venv");
        let exe = venv.join("bin/pre-commit");
        if !works(&exe) {
            let ok = |c: &mut std::process::Command| c.status().is_ok_and(|s| s.success());
            assert!(
                ok(std::process::Command::new("python3")
                    .args(["-m", "venv"])
                    .arg(&venv)),
                "the pre-commit framework is needed: python3 -m venv failed (Debian: apt-get \
                 install python3-venv), and no pre-commit is on PATH"
            );
            assert!(
                ok(std::process::Command::new(venv.join("bin/python"))
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check"
                    ])
                    .arg("pre-commit")),
                "could not install the pre-commit framework from PyPI into {}",
                venv.display()
            );
        }
        assert!(works(&exe), "{} does not run", exe.display());
        exe
    })
    .clone()
}

fn pre_commit_available() {
    pre_commit_exe();
}

fn real_home() -> std::path::PathBuf {
    std::env::var_os("HOME").map(Into::into).unwrap_or_default()
}

/// `pre-commit`/`git` in the test repo, with cargo reachable although HOME is isolated.
fn with_toolchain(mut c: std::process::Command) -> std::process::Command {
    let home = real_home();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| home.join(".cargo"));
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| home.join(".rustup"));
    let current = c
        .get_envs()
        .find(|(k, _)| *k == "PATH")
        .and_then(|(_, v)| v.map(|v| v.to_os_string()))
        .or_else(|| std::env::var_os("PATH"))
        .unwrap_or_default();
    let mut paths = std::env::split_paths(&current).collect::<Vec<_>>();
    paths.push(cargo_home.join("bin"));
    // First on PATH: the store's `cargo`, which installs with the lock file (see `locked_cargo`).
    paths.insert(0, locked_cargo(&paths));
    c.env("CARGO_HOME", &cargo_home)
        .env("RUSTUP_HOME", &rustup_home)
        .env("PATH", std::env::join_paths(paths).unwrap())
        // The hook is compiled from source: in the tests' own target directory, whose release
        // dependencies are the ones `.ci/run` and install.sh build.
        .env("CARGO_TARGET_DIR", util::target_dir())
        // One framework store for every test and run: the hook's environment is built once
        // per commit of this checkout (the store locks itself).
        .env("PRE_COMMIT_HOME", pre_commit_home());
    c
}

/// The framework's store, where it clones this checkout and runs `cargo install` in the clone.
/// The clone's path differs from this checkout's, so cargo builds the leakgate crate once more
/// (its dependencies are reused from the shared target directory). A cargo configuration in
/// the store, which cargo finds above the clone, builds that one crate unoptimised: the hook
/// behaves the same (the matching runs in the optimised regex dependencies) and the build costs
/// about 18 s of CPU instead of about 210 s. Users' installs are not affected: the file lives
/// only in the tests' store.
fn pre_commit_home() -> PathBuf {
    static HOME: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    HOME.get_or_init(|| {
        let home = util::target_dir().join("pre-commit-home");
        // A store left by an earlier run holds clones of earlier commits: cargo, building the
        // hook for this commit in the shared target directory with the same lock file, would
        // take the build script it compiled from such a clone (its sources are there and
        // unchanged) for this commit's, and run the old one. The store starts empty; only
        // its cargo configuration and `cargo` are written again below.
        if let Ok(entries) = std::fs::read_dir(&home) {
            for e in entries.flatten() {
                let path = e.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
        let dir = home.join(".cargo");
        std::fs::create_dir_all(&dir).expect("create the framework store");
        std::fs::write(
            dir.join("config.toml"),
            "# Written by tests/all/framework.rs: the hook's crate unoptimised in the tests' store.\n\
             [profile.release.package.leakgate]\nopt-level = 0\ncodegen-units = 16\n",
        )
        .expect("write the framework store's cargo configuration");
        home
    })
    .clone()
}

/// A directory holding a `cargo` that runs the real one (the first on `path`) and adds
/// `--locked` to `cargo install`. The framework installs a `language: rust` hook with a plain
/// `cargo install --path .`, which resolves the dependencies afresh: whenever a dependency has
/// had a release since `Cargo.lock` was written, the versions differ from the tests' build and
/// cargo rebuilds all of gix in release for the hook, beside the tests. With the lock file, the
/// hook's build reuses the dependencies of the tests' target directory, and the tests do not
/// depend on what crates.io published today. The framework's steps are unchanged: its `cargo install`
/// builds and installs the hook from its clone of this checkout.
fn locked_cargo(path: &[PathBuf]) -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let real = path
            .iter()
            .map(|d| d.join("cargo"))
            .find(|c| c.is_file())
            .expect("cargo on PATH or in CARGO_HOME/bin");
        let dir = pre_commit_home().join("bin");
        std::fs::create_dir_all(&dir).expect("create the store's bin directory");
        let script = dir.join("cargo");
        // Written to a new name and renamed: a test may run it while another writes it.
        let tmp = dir.join(format!("cargo.{}", std::process::id()));
        std::fs::write(
            &tmp,
            format!(
                "#!/bin/sh\n# Written by tests/all/framework.rs: `cargo install` with the lock file.\n\
                 if [ \"$1\" = install ]; then shift; exec '{0}' install --locked \"$@\"; fi\n\
                 exec '{0}' \"$@\"\n",
                real.display()
            ),
        )
        .expect("write the store's cargo");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .expect("make the store's cargo executable");
        std::fs::rename(&tmp, &script).expect("put the store's cargo in place");
        dir
    })
    .clone()
}

fn this_checkout_head() -> String {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git rev-parse in this checkout");
    assert!(
        out.status.success(),
        "this checkout must be a git repository with a commit"
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn pre_commit_cmd(repo: &TestRepo, args: &[&str]) -> util::Output {
    let mut c = std::process::Command::new(pre_commit_exe());
    // Same isolation as git (HOME, config), plus the toolchain.
    let mut g = repo.git_cmd_in("");
    for (k, v) in g.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.current_dir(repo.path()).args(args);
    let _ = &mut g;
    let mut c = with_toolchain(c);
    run(&mut c)
}

fn git_commit(repo: &TestRepo) -> util::Output {
    git_cmd(repo, &["commit", "-q", "-m", "change"])
}

/// git with the toolchain reachable (the hooks it runs build and run leakgate); stdout and
/// stderr together.
fn git_cmd(repo: &TestRepo, args: &[&str]) -> util::Output {
    let c = repo.git_cmd_in("");
    let mut c = with_toolchain(c);
    c.args(args);
    let mut out = run(&mut c);
    out.stdout.push_str(&out.stderr);
    out
}

fn config(hooks: &str) -> String {
    format!(
        "repos:\n- repo: {}\n  rev: {}\n  hooks:\n{hooks}",
        env!("CARGO_MANIFEST_DIR"),
        this_checkout_head()
    )
}

#[test]
fn framework_language_rust_blocks_a_secret_and_passes_a_clean_commit() {
    pre_commit_available();
    let repo = TestRepo::new();
    repo.stage(
        ".pre-commit-config.yaml",
        config("  - id: leakgate\n  - id: leakgate-files\n    stages: [manual]\n"),
    )
    .commit("config");
    let out = pre_commit_cmd(&repo, &["install", "--hook-type", "pre-commit"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);

    repo.stage(
        "app.py",
        format!("TOKEN = \"{}\"\n", fake_github_token("ghp_")),
    );
    let out = git_commit(&repo);
    assert_ne!(
        out.code, 0,
        "a secret must block the commit:\n{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("app.py:1:10: github-classic-token"),
        "{}",
        out.stdout
    );

    repo.stage("app.py", "TOKEN = os.environ[\"TOKEN\"]\n");
    let out = git_commit(&repo);
    assert_eq!(out.code, 0, "a clean commit must pass:\n{}", out.stdout);
    // pre-commit shows a passing hook's output only with --verbose.
    assert!(
        out.stdout.contains("leakgate (staged changes)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Passed"), "{}", out.stdout);

    // `run --all-files` passes every file, not the staged diff: the `leakgate` hook scans
    // their content in the index, so a committed token fails.
    repo.stage("old.yml", format!("t: {}\n", fake_github_token("ghp_")));
    repo.commit("sneaked in with --no-verify");
    let out = pre_commit_cmd(&repo, &["run", "--all-files", "leakgate"]);
    assert_ne!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("old.yml:1:4: github-classic-token"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("files in the index"), "{}", out.stdout);
    // `--files` names one: only that one is scanned.
    let out = pre_commit_cmd(&repo, &["run", "leakgate", "--files", "app.py"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = pre_commit_cmd(&repo, &["run", "leakgate", "--files", "old.yml"]);
    assert_ne!(out.code, 0, "{}{}", out.stdout, out.stderr);

    // The files hook scans the files themselves.
    let out = pre_commit_cmd(
        &repo,
        &[
            "run",
            "--all-files",
            "--hook-stage",
            "manual",
            "leakgate-files",
        ],
    );
    assert_ne!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("old.yml:1:4: github-classic-token"),
        "{}",
        out.stdout
    );
}

#[test]
fn framework_system_hook_uses_the_binary_on_path() {
    pre_commit_available();
    let repo = TestRepo::new();
    repo.stage(
        ".pre-commit-config.yaml",
        config("  - id: leakgate-system\n"),
    )
    .commit("config");
    let out = pre_commit_cmd(&repo, &["install"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    repo.stage(".env", util::env_with_secret("DEBUG=1\n"));
    let out = git_commit(&repo);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains(".env: dotenv-file"), "{}", out.stdout);
    repo.git(&["rm", "-q", "--cached", ".env"]);
    std::fs::remove_file(repo.path().join(".env")).unwrap();
    repo.stage("ok.txt", "fine\n");
    let out = git_commit(&repo);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn framework_pre_push_hook_blocks_a_no_verify_commit() {
    pre_commit_available();
    let repo = TestRepo::new();
    let remote = repo.dir.path().join("remote.git");
    let remote = remote.to_str().unwrap();
    repo.git(&["init", "-q", "--bare", remote]);
    repo.git(&["remote", "add", "origin", remote]);
    repo.stage(
        ".pre-commit-config.yaml",
        config("  - id: leakgate-pre-push\n"),
    )
    .commit("config");
    let out = pre_commit_cmd(&repo, &["install", "--hook-type", "pre-push"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // A new branch: the framework passes no range (its "all files" case); clean, it passes.
    let out = git_cmd(&repo, &["push", "-q", "origin", "main"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    // A secret committed past the pre-commit hook: the push is blocked.
    repo.stage(
        "deploy.sh",
        format!("export GH={}\n", fake_github_token("ghp_")),
    );
    repo.commit("sneaky");
    let out = git_cmd(&repo, &["push", "-q", "origin", "main"]);
    assert_ne!(out.code, 0, "the push must be blocked:\n{}", out.stdout);
    assert!(
        out.stdout.contains("deploy.sh:1:") && out.stdout.contains("github-classic-token"),
        "{}",
        out.stdout
    );
    let out = repo.git_status(&["--git-dir", remote, "log", "--oneline", "main"]);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
}
