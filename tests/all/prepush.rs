//! `leakgate install --pre-push`: the pre-push hook scans the commits a push sends, through the
//! real `git push` to a local bare remote.

use crate::util;

use util::{TestRepo, run, secret_line};

/// `git push`, with the hook's output (git sends it to stderr) in `stdout` too.
fn push(repo: &TestRepo, args: &[&str]) -> util::Output {
    let mut out = repo.git_status(&[&["push", "-q"][..], args].concat());
    out.stdout.push_str(&out.stderr);
    out
}

fn remote_rev(repo: &TestRepo, rev: &str) -> String {
    let bare = repo.dir.path().join("remote.git");
    let out = run(repo.git_cmd_in("").arg("--git-dir").arg(&bare).args([
        "rev-parse",
        "--verify",
        "-q",
        rev,
    ]));
    out.stdout.trim().to_string()
}

fn head(repo: &TestRepo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

#[test]
fn blocks_a_no_verify_commit_and_lets_a_clean_push_through() {
    let repo = util::repo_with_remote();
    repo.stage("a.txt", "a\n");
    repo.git(&["commit", "-q", "-m", "clean"]); // through the pre-commit hook
    let out = push(&repo, &["-u", "origin", "main"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "leakgate: scanned 1 commit, 1 blob (push to origin: main): no secrets found"
        ),
        "{}",
        out.stdout
    );
    let clean = head(&repo);
    assert_eq!(remote_rev(&repo, "main"), clean);

    // Committed past the pre-commit hook.
    repo.stage("key.py", secret_line());
    repo.git(&["commit", "-q", "--no-verify", "-m", "sneaky"]);
    let sneaky = repo
        .git(&["rev-parse", "--short=7", "HEAD"])
        .trim()
        .to_string();
    let out = push(&repo, &[]);
    assert_ne!(out.code, 0, "push should be blocked:\n{}", out.stdout);
    assert!(out.stdout.contains("push blocked"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("{sneaky}:key.py:1:")),
        "{}",
        out.stdout
    );
    assert_eq!(remote_rev(&repo, "main"), clean, "the remote must not move");

    // Deleting the secret in a later commit does not take it out of the push.
    repo.git(&["rm", "-q", "key.py"]);
    repo.git(&["commit", "-q", "-m", "remove"]);
    let out = push(&repo, &[]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("key.py:1:"), "{}", out.stdout);
    assert!(out.stdout.contains("scanned 2 commits"), "{}", out.stdout);

    // Rewritten: only the new commit is scanned (the remote has the rest), and it passes.
    repo.git(&["reset", "-q", "--hard", &clean]);
    repo.stage("b.txt", "b\n");
    repo.git(&["commit", "-q", "-m", "clean again"]);
    let out = push(&repo, &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("scanned 1 commit,"), "{}", out.stdout);
    assert_eq!(remote_rev(&repo, "main"), head(&repo));
}

#[test]
fn new_branches_deleted_branches_and_remotes_without_tracking_branches() {
    let repo = util::repo_with_remote();
    repo.stage("old.py", secret_line());
    repo.git(&["commit", "-q", "--no-verify", "-m", "old secret"]);
    // Pushed past the hook: the remote (and origin/main) has it.
    let out = push(&repo, &["--no-verify", "-u", "origin", "main"]);
    assert_eq!(out.code, 0, "{}", out.stdout);

    // A new branch: only what the remote lacks is scanned.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.stage("f.txt", "f\n");
    repo.git(&["commit", "-q", "-m", "feature"]);
    let out = push(&repo, &["origin", "feature"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("scanned 1 commit, 1 blob (push to origin: feature): no secrets found"),
        "{}",
        out.stdout
    );
    // A deletion sends nothing.
    let out = push(&repo, &["origin", ":feature"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("feature: deleted on origin"),
        "{}",
        out.stdout
    );
    assert_eq!(remote_rev(&repo, "feature"), "");

    // A remote with no remote-tracking branches (a URL): every commit is scanned.
    let other = repo.dir.path().join("other.git");
    let out = run(repo
        .git_cmd_in("")
        .args(["init", "-q", "--bare"])
        .arg(&other));
    assert_eq!(out.code, 0);
    let out = push(&repo, &[other.to_str().unwrap(), "feature"]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("old.py:1:"), "{}", out.stdout);
    assert!(out.stdout.contains("scanned 2 commits"), "{}", out.stdout);
}

#[test]
fn a_remote_tip_this_clone_does_not_have_is_said_and_the_push_still_scanned() {
    let repo = util::repo_with_remote();
    repo.stage("a.txt", "a\n").commit("init");
    let out = push(&repo, &["-u", "origin", "main"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    // Someone else pushes.
    let bare = repo.dir.path().join("remote.git");
    let other = repo.dir.path().join("other");
    let out = run(repo
        .git_cmd_in("")
        .arg("clone")
        .arg("-q")
        .arg(&bare)
        .arg(&other));
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::write(other.join("b.txt"), "b\n").unwrap();
    for args in [
        &["add", "b.txt"][..],
        &["commit", "-q", "-m", "theirs"],
        &["push", "-q", "origin", "main"],
    ] {
        let out = run(repo.git_cmd_in("").current_dir(&other).args(args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let theirs = remote_rev(&repo, "main");

    // Here, without fetching: a commit made with --no-verify, force-pushed.
    repo.stage("key.py", secret_line());
    repo.git(&["commit", "-q", "--no-verify", "-m", "sneaky"]);
    let out = push(&repo, &["--force"]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!(
            "main on origin is at {}, which this repository does not have",
            &theirs[..7]
        )),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("key.py:1:"), "{}", out.stdout);
    assert!(out.stdout.contains("scanned 1 commit,"), "{}", out.stdout);
    assert_eq!(remote_rev(&repo, "main"), theirs);
}

#[test]
fn a_foreign_pre_push_hook_is_chained_and_gets_the_refs() {
    let repo = TestRepo::new();
    let bare = repo.dir.path().join("remote.git");
    let out = run(repo
        .git_cmd_in("")
        .args(["init", "-q", "--bare"])
        .arg(&bare));
    assert_eq!(out.code, 0);
    repo.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    let hooks = repo.path().join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let seen = repo.dir.path().join("seen.txt");
    let foreign = format!(
        "#!/bin/sh\ncat > '{}'\necho \"foreign $1\"\n",
        seen.display()
    );
    std::fs::write(hooks.join("pre-push"), &foreign).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        let p = hooks.join("pre-push");
        let mut perms = std::fs::metadata(&p).unwrap().permissions();
        perms.set_mode(0o755);
        std::fs::set_permissions(&p, perms).unwrap();
    }
    let out = run(repo.leakgate().args(["install", "--pre-push"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("pre-push.pre-leakgate"),
        "{}",
        out.stdout
    );
    repo.stage("key.py", secret_line()).commit("secret");
    let out = push(&repo, &["origin", "main"]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("foreign origin"), "{}", out.stdout);
    assert!(out.stdout.contains("key.py:1:"), "{}", out.stdout);
    let refs = std::fs::read_to_string(&seen).unwrap();
    assert!(
        refs.starts_with(&format!("refs/heads/main {} refs/heads/main ", head(&repo))),
        "{refs}"
    );
    // Uninstall puts the foreign hook back.
    let out = run(repo.leakgate().arg("uninstall"));
    assert_eq!(out.code, 0);
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-push")).unwrap(),
        foreign
    );
}

#[test]
fn malformed_input_and_a_missing_object_fail_closed() {
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("init");
    let out = util::run_stdin(repo.leakgate().arg("pre-push"), b"refs/heads/main 123\n");
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("line 1"), "{}", out.stderr);
    assert!(
        out.stderr.contains("git push --no-verify"),
        "{}",
        out.stderr
    );
    let missing = "ab".repeat(20);
    let zero = "0".repeat(40);
    let input = format!("refs/heads/main {missing} refs/heads/main {zero}\n");
    let out = util::run_stdin(repo.leakgate().arg("pre-push"), input.as_bytes());
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(&missing), "{}", out.stderr);
    // JSON: the history object says what was scanned.
    let input = format!("refs/heads/main {} refs/heads/main {zero}\n", head(&repo));
    let out = util::run_stdin(
        repo.leakgate()
            .args(["pre-push", "origin", "--format", "json"]),
        input.as_bytes(),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["history"]["commits"], 1, "{v:#}");
}

#[test]
fn a_closed_pipe_does_not_let_a_push_through() {
    // `git push 2>&1 | true`: the hook's output cannot be written; the push is still blocked.
    let repo = util::repo_with_remote();
    repo.stage("a.txt", "a\n").commit("clean");
    let out = push(&repo, &["-u", "origin", "main"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let clean = head(&repo);
    repo.stage("key.py", secret_line()).commit("sneaky");
    let code = util::run_into_closed_pipe(repo.git_cmd_in("").args(["push", "-q"]));
    assert_ne!(code, Some(0));
    assert_eq!(remote_rev(&repo, "main"), clean, "the token was pushed");
}
