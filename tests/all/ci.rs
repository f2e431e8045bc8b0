//! CI use: `lint --history RANGE` in shallow clones, deterministic reports, shell completions.

use crate::util;

use util::{TestRepo, covered_repo, run, secret_line};

/// `git` in another directory, with the test repo's isolation.
fn git_in(repo: &TestRepo, dir: &std::path::Path, args: &[&str]) -> String {
    let out = run(repo.git_cmd_in("").current_dir(dir).args(args));
    assert_eq!(out.code, 0, "git {args:?}: {}{}", out.stdout, out.stderr);
    out.stdout
}

#[test]
fn shallow_clone_with_the_base_outside_the_fetched_history() {
    let upstream = covered_repo();
    upstream.stage("a.txt", "1\n").commit("one");
    let base = upstream.git(&["rev-parse", "HEAD"]).trim().to_string();
    upstream.stage("a.txt", "2\n").commit("two");
    upstream.stage("a.txt", "3\n").commit("three");
    let shallow = upstream.dir.path().join("shallow");
    let url = format!("file://{}", upstream.path().display());
    git_in(
        &upstream,
        upstream.dir.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    // Like GitLab's `$CI_MERGE_REQUEST_DIFF_BASE_SHA..HEAD` in a shallow checkout.
    let range = format!("{base}..HEAD");
    let out = run(upstream.leakgate().current_dir(&shallow).args([
        "lint",
        "--history",
        &range,
        "--format",
        "sarif",
    ]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    for needle in [
        format!("base `{base}`"),
        format!("commit {base} is not in this repository"),
        "shallow clone".to_string(),
        "git fetch --unshallow".to_string(),
        "fetch-depth: 0".to_string(),
    ] {
        assert!(out.stderr.contains(&needle), "{needle}: {}", out.stderr);
    }
    // Once the history is there, the range scans.
    git_in(&upstream, &shallow, &["fetch", "-q", "--unshallow"]);
    let out = run(upstream
        .leakgate()
        .current_dir(&shallow)
        .args(["lint", "--history", &range]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("2 commits"), "{}", out.stdout);
}

#[test]
fn shallow_range_that_reaches_the_boundary_before_its_base_is_an_error() {
    // main: gitignore - one; feature: one - secret - two. A depth-1 clone of feature, then
    // main fetched at depth 1 too: both ends are there, the commits between are not.
    let upstream = covered_repo();
    upstream.stage("a.txt", "1\n").commit("one");
    upstream.git(&["checkout", "-q", "-b", "feature"]);
    upstream.stage("key.py", secret_line()).commit("secret");
    upstream.stage("a.txt", "2\n").commit("two");
    upstream.git(&["checkout", "-q", "main"]);
    upstream.stage("b.txt", "b\n").commit("main moves on");
    let url = format!("file://{}", upstream.path().display());
    git_in(
        &upstream,
        upstream.dir.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "shallow",
        ],
    );
    let shallow = upstream.dir.path().join("shallow");
    git_in(
        &upstream,
        &shallow,
        &[
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let lint = |range: &str| {
        run(upstream.leakgate().current_dir(&shallow).args([
            "lint",
            "--history",
            range,
            "--format",
            "json",
        ]))
    };
    let out = lint("origin/main..HEAD");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("shallow clone's boundary")
            && out.stderr.contains("fetch-depth: 0")
            && out.stderr.contains("origin/main..HEAD"),
        "{}",
        out.stderr
    );
    git_in(&upstream, &shallow, &["fetch", "-q", "--unshallow"]);
    let out = lint("origin/main..HEAD");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["history"]["commits"], 2, "{v:#}");
    assert_eq!(v["findings"][0]["path"], "key.py", "{v:#}");
}

#[test]
fn a_missing_remote_branch_says_how_to_fetch_it() {
    let upstream = covered_repo();
    upstream.stage("a.txt", "1\n").commit("one");
    let url = format!("file://{}", upstream.path().display());
    git_in(
        &upstream,
        upstream.dir.path(),
        &["clone", "-q", &url, "clone"],
    );
    let out = run(upstream
        .leakgate()
        .current_dir(upstream.dir.path().join("clone"))
        .args(["lint", "--history", "origin/release..HEAD"]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("base `origin/release`")
            && out.stderr.contains("git fetch origin release"),
        "{}",
        out.stderr
    );
}

#[test]
fn reports_are_byte_for_byte_deterministic() {
    // Enough blobs for the parallel scan (16 and more), in several commits, with history.
    let repo = covered_repo();
    for i in 0..24 {
        repo.stage(
            &format!("svc{}/config.py", i % 5),
            format!("# {i}\n{}", secret_line()),
        );
        repo.stage(&format!("f{i}.py"), secret_line());
        if i % 6 == 5 {
            repo.commit(&format!("batch {i}"));
        }
    }
    repo.write("keys/.env", "A=1\n");
    repo.git(&["add", "-f", "keys/.env"]);
    repo.commit("env");
    for format in ["json", "sarif", "text"] {
        let once = run(repo
            .leakgate()
            .args(["lint", "--history", "--format", format]));
        assert_eq!(once.code, 1, "{}{}", once.stdout, once.stderr);
        assert!(once.stdout.len() > 1000, "{}", once.stdout);
        for _ in 0..2 {
            let again = run(repo
                .leakgate()
                .args(["lint", "--history", "--format", format]));
            assert!(again.stdout == once.stdout, "{format}: two runs differ");
        }
    }
    // Sorted: path, then line.
    let out = run(repo.leakgate().args(["lint", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let keys: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.len() >= 25, "{keys:?}");
}

#[test]
fn shell_completions() {
    let repo = TestRepo::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = run(repo.leakgate().args(["completions", shell]));
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for word in ["pre-commit", "pre-push", "baseline", "history", "format"] {
            assert!(out.stdout.contains(word), "{shell}: no {word}");
        }
        if shell == "bash" {
            let script = repo.dir.path().join("leakgate.bash");
            std::fs::write(&script, &out.stdout).unwrap();
            let check = run(std::process::Command::new("bash").arg("-n").arg(&script));
            assert_eq!(check.code, 0, "bash -n: {}", check.stderr);
        }
    }
    let out = run(repo.leakgate().args(["completions", "tcsh"]));
    assert_eq!(out.code, 2);
}
