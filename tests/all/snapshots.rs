//! What each command prints, in each format, pinned with snapshots (insta): a change to what a
//! user reads, or to the JSON and SARIF that tools parse, shows up as a snapshot diff to review
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --release snapshots`).
//!
//! The repository is the same every run: tokens come from a seeded generator (fake values in
//! the right format; only their redacted forms and fingerprints reach the output), commit dates
//! are fixed by the test environment, and the temporary directory is filtered out.

use crate::util::{Rng, TestRepo, run};

/// A seeded GitHub-style token with a valid checksum.
fn seeded_github_token(rng: &mut Rng) -> String {
    loop {
        let random = rng.base62(30);
        let check = leakgate::validate::base62_6(leakgate::validate::crc32(random.as_bytes()));
        let token = format!("ghp_{random}{}", std::str::from_utf8(&check).unwrap());
        if !leakgate::validate::is_placeholder_or_reference(token.as_bytes()) {
            return token;
        }
    }
}

/// A repository with one commit, and staged on top of it: a token in source, a tracked `.env`
/// with a password, and a clean file.
fn staged_repo() -> TestRepo {
    let mut rng = Rng::new(0x5eed_1eaf);
    let token = seeded_github_token(&mut rng);
    let password = format!("{}4{}7{}", rng.base62(6), rng.base62(4), rng.base62(6));
    let repo = TestRepo::new();
    repo.stage("README.md", "# demo\n").commit("init");
    repo.stage(
        "src/settings.py",
        format!("DEBUG = False\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    repo.stage(".env", format!("DATABASE_PASSWORD={password}\n"));
    repo.stage("src/app.py", "print('hello')\n");
    repo
}

/// The output with the temporary directory replaced, and the exit code on the first line.
fn shown(repo: &TestRepo, out: &crate::util::Output) -> String {
    let tmp = repo.dir.path().to_string_lossy().to_string();
    format!("exit {}\n{}", out.code, out.stdout.replace(&tmp, "[TMP]"))
}

const FORMATS: [&str; 3] = ["text", "json", "sarif"];

#[test]
fn pre_commit_outputs() {
    let repo = staged_repo();
    for format in FORMATS {
        let out = run(repo.leakgate().args(["pre-commit", "--format", format]));
        insta::assert_snapshot!(format!("pre_commit_{format}"), shown(&repo, &out));
    }
    // A clean commit: one line.
    let clean = TestRepo::new();
    clean.stage(".gitignore", ".env\n").commit("init");
    clean.stage("src/app.py", "print('hello')\n");
    let out = clean.pre_commit();
    insta::assert_snapshot!("pre_commit_clean_text", shown(&clean, &out));
}

#[test]
fn scan_outputs() {
    let repo = staged_repo();
    for format in FORMATS {
        let out = run(repo.leakgate().args(["scan", ".", "--format", format]));
        insta::assert_snapshot!(format!("scan_{format}"), shown(&repo, &out));
    }
}

#[test]
fn lint_outputs() {
    let repo = staged_repo();
    repo.commit("add settings");
    for format in FORMATS {
        let out = run(repo
            .leakgate()
            .args(["lint", "--history", "--format", format]));
        insta::assert_snapshot!(format!("lint_history_{format}"), shown(&repo, &out));
    }
    let out = run(repo.leakgate().args(["lint", "--diff"]));
    insta::assert_snapshot!("lint_diff", shown(&repo, &out));
}

#[test]
fn pre_push_outputs() {
    let repo = staged_repo();
    repo.commit("add settings");
    let head = repo.git(&["rev-parse", "HEAD"]);
    let input = format!(
        "refs/heads/main {} refs/heads/main {}\n",
        head.trim(),
        "0".repeat(40)
    );
    for format in FORMATS {
        let out = crate::util::run_stdin(
            repo.leakgate()
                .args(["pre-push", "origin", "unused-url", "--format", format]),
            input.as_bytes(),
        );
        insta::assert_snapshot!(format!("pre_push_{format}"), shown(&repo, &out));
    }
}
