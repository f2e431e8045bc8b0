//! `leakgate lint`: hygiene, fixes and history, on real git repositories driven by the real `git`.

use crate::util;

use util::{TestRepo, covered_repo, finding_keys, lint_json, run, secret_line};

fn ls_files(repo: &TestRepo) -> Vec<String> {
    repo.git(&["ls-files"])
        .lines()
        .map(str::to_string)
        .collect()
}

/// `lint --diff` (its output, bytes kept), after checking that `git apply --check` takes the
/// patch; and where the patch was written (beside the repository, not in it).
fn diff_that_applies(repo: &TestRepo) -> (std::process::Output, std::path::PathBuf) {
    let out = repo
        .leakgate()
        .args(["lint", "--diff"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let patch = repo.dir.path().join("fix.patch");
    std::fs::write(&patch, &out.stdout).unwrap();
    let check = repo.git_status(&["apply", "--check", patch.to_str().unwrap()]);
    assert_eq!(
        check.code,
        0,
        "{}{}{}",
        String::from_utf8_lossy(&out.stdout),
        check.stdout,
        check.stderr
    );
    (out, patch)
}

/// A repo with a tracked `.env`, no `.gitignore`, and an untracked `services/api/.env`.
fn messy_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.stage("README.md", "hello\n");
    repo.stage(
        ".env",
        util::env_with_secret("DEBUG=1\r\nDB_HOST=localhost\n"),
    )
    .commit("init");
    repo.write("services/api/.env", "PORT=8080\n");
    repo.write("services/api/main.py", "print('hi')\n");
    repo
}

#[test]
fn reports_tracked_untracked_and_missing_gitignore() {
    let repo = messy_repo();
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    let keys = finding_keys(&v);
    assert!(
        keys.contains(&(".env".into(), None, "dotenv-file".into())),
        "{keys:?}"
    );
    assert!(
        keys.contains(&("services/api/.env".into(), None, "dotenv-file".into())),
        "{keys:?}"
    );
    assert!(
        keys.contains(&(".gitignore".into(), None, "gitignore-missing".into())),
        "{keys:?}"
    );
    // Every finding here is fixable, and says which fix.
    for f in v["findings"].as_array().unwrap() {
        assert!(f["line"].is_null());
        assert!(!f["fixes"].as_array().unwrap().is_empty(), "{f:#}");
    }
    let kinds: Vec<&str> = v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"untrack") && kinds.contains(&"gitignore"),
        "{kinds:?}"
    );
    assert_eq!(
        v["summary"]["problems"].as_u64(),
        Some(keys.len() as u64),
        "{v:#}"
    );
    // The gitignore-missing finding names the root, whose answer the nested directory
    // shares (only a directory where the answer differs is listed).
    let missing = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule_id"] == "gitignore-missing" && f["message"].as_str().unwrap().contains("`.env`")
        })
        .unwrap();
    let message = missing["message"].as_str().unwrap();
    assert!(
        message.ends_with("would not be ignored in ."),
        "{missing:#}"
    );
    assert!(!message.contains("services/api"), "{missing:#}");

    let out = run(repo.leakgate().arg("lint"));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("problems, ") && out.stdout.contains("fixable with --fix"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("+++ b/.gitignore"), "{}", out.stdout);
    assert!(
        out.stdout.contains("git rm --cached -- .env"),
        "{}",
        out.stdout
    );
}

#[test]
fn diff_applies_with_git_apply() {
    let repo = messy_repo();
    let (out, _) = diff_that_applies(&repo);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("diff --git a/.gitignore b/.gitignore\n"),
        "{stdout}"
    );
    assert!(stderr.contains("git rm --cached -- .env"), "{stderr}");
}

#[test]
fn fix_untracks_keeps_bytes_and_second_fix_is_a_no_op() {
    let repo = messy_repo();
    let before = std::fs::read(repo.path().join(".env")).unwrap();
    let out = run(repo.leakgate().args(["lint", "--fix", "--unsafe-fixes"]));
    assert!(
        out.stdout.contains("fixed: .env: no longer tracked"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("must be rotated"), "{}", out.stdout);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("no problems found"), "{}", out.stdout);
    // On disk, byte for byte; out of the index; ignored now (both of them).
    assert_eq!(std::fs::read(repo.path().join(".env")).unwrap(), before);
    assert!(!ls_files(&repo).contains(&".env".to_string()));
    assert!(ls_files(&repo).contains(&"README.md".to_string()));
    assert_eq!(repo.git_status(&["check-ignore", "-q", ".env"]).code, 0);
    assert_eq!(
        repo.git_status(&["check-ignore", "-q", "services/api/.env"])
            .code,
        0
    );
    let gitignore = std::fs::read_to_string(repo.path().join(".gitignore")).unwrap();
    assert!(gitignore.contains("\n.env\n"), "{gitignore}");
    assert!(gitignore.contains("!.env*.example\n"), "{gitignore}");
    // The templates stay trackable.
    for t in [".env.example", "services/api/.env.local.sample"] {
        assert_ne!(repo.git_status(&["check-ignore", "-q", t]).code, 0, "{t}");
    }
    assert!(gitignore.ends_with('\n'));
    // git agrees with the written index, and a commit records the untracking.
    let status = repo.git(&["status", "--porcelain"]);
    assert!(status.contains("D  .env"), "{status}");
    repo.git(&["add", ".gitignore"]);
    repo.commit("untrack .env");
    assert!(
        !repo
            .git(&["ls-tree", "-r", "--name-only", "HEAD"])
            .contains(".env\n")
    );

    let index = std::fs::read(repo.path().join(".git/index")).unwrap();
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("nothing to fix"), "{}", out.stdout);
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".gitignore")).unwrap(),
        gitignore
    );
    assert_eq!(
        std::fs::read(repo.path().join(".git/index")).unwrap(),
        index
    );
}

#[test]
fn crlf_gitignore_without_final_newline() {
    let repo = TestRepo::new();
    repo.stage(".gitignore", "target\r\nnode_modules")
        .stage("a.txt", "a\n")
        .commit("init");
    repo.write(".env", util::env_with_secret("X=1\n"));
    diff_that_applies(&repo);

    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let text = std::fs::read_to_string(repo.path().join(".gitignore")).unwrap();
    assert!(text.starts_with("target\r\nnode_modules\r\n"), "{text:?}");
    assert!(text.ends_with("\r\n"), "{text:?}");
    assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    assert_eq!(repo.git_status(&["check-ignore", "-q", ".env"]).code, 0);
}

/// A `.gitignore` that is not UTF-8 keeps its bytes: `--diff` prints a patch `git apply`
/// applies (its context lines are the file's bytes), and `--fix` appends after the bytes as
/// they were (a pattern like `build-\xff/` stays as it is).
#[test]
fn gitignore_bytes_that_are_not_utf8_are_kept() {
    let repo = TestRepo::new();
    let original: &[u8] = b"build-\xff/\nnode_modules\ncach\xe9";
    repo.stage(".gitignore", original)
        .stage("a.txt", "a\n")
        .commit("init");
    repo.write(".env", util::env_with_secret("X=1\n"));
    let (_, patch) = diff_that_applies(&repo);

    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let bytes = std::fs::read(repo.path().join(".gitignore")).unwrap();
    assert!(bytes.starts_with(original), "{bytes:?}");
    assert_eq!(repo.git_status(&["check-ignore", "-q", ".env"]).code, 0);
    // What `--diff` showed is what `--fix` wrote.
    repo.git(&["checkout", "--", ".gitignore"]);
    assert_eq!(repo.git_status(&["apply", patch.to_str().unwrap()]).code, 0);
    assert_eq!(
        std::fs::read(repo.path().join(".gitignore")).unwrap(),
        bytes
    );
}

#[test]
fn user_negation_is_respected() {
    let repo = TestRepo::new();
    repo.stage(".gitignore", "!.env.local\n")
        .stage("a.txt", "a\n")
        .commit("init");
    repo.write(".env.local", "X=1\n");
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    let negated: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "gitignore-negated")
        .collect();
    assert_eq!(negated.len(), 1, "{v:#}");
    assert_eq!(negated[0]["path"], ".env.local");
    assert_eq!(negated[0]["severity"], "low");
    assert!(negated[0]["fixes"].as_array().unwrap().is_empty());

    let out = run(repo.leakgate().args(["lint", "--fix"]));
    // Only the note remains: exit 0.
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 note"), "{}", out.stdout);
    assert_eq!(repo.git_status(&["check-ignore", "-q", ".env"]).code, 0);
    assert_eq!(
        repo.git_status(&["check-ignore", "-q", ".env.prod"]).code,
        0
    );
    // The user's exception still holds.
    assert_eq!(
        repo.git_status(&["check-ignore", "-q", ".env.local"]).code,
        1
    );
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert!(out.stdout.contains("nothing to fix"), "{}", out.stdout);
}

#[test]
fn secrets_in_the_index_not_the_working_tree() {
    let repo = covered_repo();
    repo.stage("app.py", format!("import os\n{}", secret_line()));
    repo.write("app.py", "import os\n");
    repo.write("notes.txt", secret_line());
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    let keys = finding_keys(&v);
    assert!(
        keys.contains(&("app.py".into(), Some(2), "github-classic-token".into())),
        "{keys:?}"
    );
    // Untracked notes.txt is not the index's content.
    assert!(!keys.iter().any(|k| k.0 == "notes.txt"), "{keys:?}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "app.py")
        .unwrap();
    assert!(f["fixes"].as_array().unwrap().is_empty());
    // Not auto-edited, but the remediation is shown.
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("help[github-classic-token]"),
        "{}",
        out.stdout
    );
}

/// Give a working-tree file an old modification time, so that the index written after it
/// is not racy for it (lint may then read the file instead of its blob).
fn backdate(repo: &TestRepo, path: &str) {
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(repo.path().join(path))
        .unwrap();
    f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000))
        .unwrap();
}

#[test]
fn stat_clean_files_and_unstaged_changes_are_judged_by_the_index() {
    let repo = covered_repo();
    let secret = secret_line();
    // Staged with a secret, then edited in the working tree only: the staged secret counts.
    repo.write("edited.py", format!("import os\n{secret}"));
    // Staged clean, then given a secret in the working tree, its old modification time put
    // back: the working tree is not what the next commit holds.
    repo.write("sneaky.py", "import os\n");
    // Staged with a secret and untouched since (stat-clean: may be read from disk).
    repo.write("clean.py", format!("import os\n{secret}"));
    for p in ["edited.py", "sneaky.py", "clean.py"] {
        backdate(&repo, p);
    }
    repo.git(&["add", "edited.py", "sneaky.py", "clean.py"]);
    repo.write("edited.py", "import os\n");
    repo.write("sneaky.py", format!("import os\n{secret}"));
    backdate(&repo, "sneaky.py");
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    let keys = finding_keys(&v);
    for p in ["edited.py", "clean.py"] {
        assert!(
            keys.contains(&(p.into(), Some(2), "github-classic-token".into())),
            "{p}: {keys:?}"
        );
    }
    assert!(!keys.iter().any(|k| k.0 == "sneaky.py"), "{keys:?}");
    assert_eq!(v["stats"]["files_scanned"], 4, "{v:#}"); // and .gitignore
}

/// Give a working-tree file a modification time `secs` seconds from now.
fn set_mtime_from_now(repo: &TestRepo, path: &str, secs: u64) -> std::time::SystemTime {
    let t = std::time::SystemTime::now() + std::time::Duration::from_secs(secs);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(repo.path().join(path))
        .unwrap();
    f.set_modified(t).unwrap();
    t
}

/// Racily clean entries (their files written no earlier than the index: here, dated after
/// it) are read from the working tree only when the file's content is the entry's blob: a
/// change of the same size that kept the stat data is not what the next commit holds.
#[test]
fn racily_clean_files_are_judged_by_the_index() {
    let repo = covered_repo();
    // ctime is not compared (as on file systems where it cannot be trusted): a rewrite in
    // place then keeps every stat field that is compared.
    repo.git(&["config", "core.trustctime", "false"]);
    let secret = secret_line();
    let with = format!("import os\n{secret}\n");
    let without = format!("import os\n{}\n", "#".repeat(secret.len()));
    assert_eq!(with.len(), without.len());
    // Staged with a secret, then rewritten without it: same size, same modification time.
    repo.write("rewritten.py", &with);
    let t = set_mtime_from_now(&repo, "rewritten.py", 3600);
    // Staged clean, then given a secret the same way: not in the next commit.
    repo.write("sneaky.py", &without);
    let t2 = set_mtime_from_now(&repo, "sneaky.py", 3600);
    // Staged with a secret and untouched since (racy, and the file is the blob).
    repo.write("same.py", &with);
    set_mtime_from_now(&repo, "same.py", 3600);
    repo.git(&["add", "rewritten.py", "sneaky.py", "same.py"]);
    repo.write("rewritten.py", &without);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(repo.path().join("rewritten.py"))
        .unwrap();
    f.set_modified(t).unwrap();
    repo.write("sneaky.py", &with);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(repo.path().join("sneaky.py"))
        .unwrap();
    f.set_modified(t2).unwrap();
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    let keys = finding_keys(&v);
    for p in ["rewritten.py", "same.py"] {
        assert!(
            keys.contains(&(p.into(), Some(2), "github-classic-token".into())),
            "{p}: {keys:?}"
        );
    }
    assert!(!keys.iter().any(|k| k.0 == "sneaky.py"), "{keys:?}");
}

#[test]
fn history_finds_a_deleted_key_with_its_commit() {
    let repo = covered_repo();
    repo.stage("README.md", "x\n").commit("init");
    repo.stage("config.py", format!("DEBUG = True\n{}", secret_line()))
        .commit("add config");
    let added = repo
        .git(&["rev-parse", "--short=7", "HEAD"])
        .trim()
        .to_string();
    repo.stage("config.py", "DEBUG = True\n")
        .commit("remove key");
    repo.write(".env", util::env_with_secret("X=1\n"));
    repo.git(&["add", "-f", ".env"]);
    repo.commit("oops");
    let env_commit = repo
        .git(&["rev-parse", "--short=7", "HEAD"])
        .trim()
        .to_string();
    repo.git(&["rm", "-q", "--cached", ".env"]);
    repo.commit("untrack");

    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");

    let (code, v) = lint_json(&repo, &["--history"]);
    assert_eq!(code, 1, "{v:#}");
    let found = v["findings"].as_array().unwrap();
    let key = found
        .iter()
        .find(|f| f["rule_id"] == "github-classic-token")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(key["path"], "config.py");
    assert_eq!(key["line"], 2);
    assert_eq!(key["commit"], added.as_str());
    assert_eq!(key["date"], "2026-01-01T00:00:00+00:00");
    let env = found
        .iter()
        .find(|f| f["rule_id"] == "dotenv-file")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(env["commit"], env_commit.as_str());
    assert!(env["line"].is_null());
    assert!(
        env["message"].as_str().unwrap().contains(&format!(
            "was committed in {env_commit} and is still in history"
        )),
        "{env:#}"
    );
    assert_eq!(found.len(), 2, "{v:#}");
    assert_eq!(v["history"]["commits"], 6);

    // A range: only the commits after `init`..`add config` are excluded.
    let (_, v) = lint_json(&repo, &["--history", "HEAD~2..HEAD"]);
    let keys = finding_keys(&v);
    assert_eq!(
        keys,
        vec![(".env".into(), None, "dotenv-file".into())],
        "{v:#}"
    );

    let out = run(repo.leakgate().args(["lint", "--history"]));
    assert!(
        out.stdout.contains(&format!("{added}:config.py:2:")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("must be rotated"), "{}", out.stdout);
}

#[test]
fn history_finds_a_secret_added_by_a_merge_resolution() {
    let repo = covered_repo();
    repo.stage("app.py", "a = 1\n").commit("init");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.stage("app.py", "a = 2\n").commit("side");
    repo.git(&["checkout", "-q", "main"]);
    repo.stage("app.py", "a = 3\n").commit("main");
    let out = repo.git_status(&["merge", "-q", "side"]);
    assert_ne!(out.code, 0, "expected a conflict");
    repo.stage("app.py", format!("a = 4\n{}", secret_line()));
    repo.commit("merge");
    let merge = repo
        .git(&["rev-parse", "--short=7", "HEAD"])
        .trim()
        .to_string();
    // The secret is gone from the tip, so only history has it.
    repo.stage("app.py", "a = 4\n").commit("clean");
    let (code, v) = lint_json(&repo, &["--history"]);
    assert_eq!(code, 1, "{v:#}");
    let keys = finding_keys(&v);
    assert_eq!(
        keys,
        vec![("app.py".into(), Some(2), "github-classic-token".into())],
        "{v:#}"
    );
    assert_eq!(v["findings"][0]["commit"], merge.as_str());
}

#[test]
fn history_merge_taking_a_side_reports_the_side_commit_only() {
    let repo = covered_repo();
    repo.stage("app.py", "a = 1\n").commit("init");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.stage("key.py", secret_line()).commit("side secret");
    let side = repo
        .git(&["rev-parse", "--short=7", "HEAD"])
        .trim()
        .to_string();
    repo.git(&["checkout", "-q", "main"]);
    repo.stage("b.py", "b = 1\n").commit("main");
    repo.git(&["merge", "-q", "--no-edit", "side"]);
    let (_, v) = lint_json(&repo, &["--history"]);
    let found = v["findings"].as_array().unwrap();
    let hist: Vec<_> = found.iter().filter(|f| !f["commit"].is_null()).collect();
    assert_eq!(hist.len(), 1, "{v:#}");
    assert_eq!(hist[0]["commit"], side.as_str());
}

#[test]
fn history_range_with_missing_base_is_a_clear_error() {
    let repo = covered_repo();
    repo.stage("a.txt", "1\n").commit("one");
    repo.stage("a.txt", "2\n").commit("two");
    repo.stage("a.txt", "3\n").commit("three");
    let out = run(repo.leakgate().args(["lint", "--history", "nosuch..HEAD"]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("base `nosuch`"), "{}", out.stderr);

    // A shallow clone: the base is outside the fetched history.
    let shallow = repo.dir.path().join("shallow");
    let url = format!("file://{}", repo.path().display());
    let out = run(repo
        .git_cmd_in("")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&shallow));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out =
        run(repo
            .leakgate()
            .current_dir(&shallow)
            .args(["lint", "--history", "HEAD~2..HEAD"]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("shallow clone"), "{}", out.stderr);
    // The whole (shallow) history still scans.
    let out = run(repo
        .leakgate()
        .current_dir(&shallow)
        .args(["lint", "--history"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn sarif_carries_fixes() {
    let repo = messy_repo();
    let out = run(repo.leakgate().args(["lint", "--format", "sarif"]));
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let with_fix = results
        .iter()
        .find(|r| r["ruleId"] == "gitignore-missing")
        .unwrap();
    let change = &with_fix["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], ".gitignore");
    let text = change["replacements"][0]["insertedContent"]["text"]
        .as_str()
        .unwrap();
    assert!(text.contains(".env\n"), "{text}");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let r = rules
        .iter()
        .find(|r| r["id"] == "gitignore-missing")
        .unwrap();
    assert_eq!(r["defaultConfiguration"]["level"], "warning");
}

#[test]
fn clean_repo_exits_zero_and_lint_path_argument() {
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("init");
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = run(repo.leakgate().args(["lint"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("no problems found"), "{}", out.stdout);
    // PATH: lint another repository from outside it.
    let other = messy_repo();
    let out = run(repo
        .leakgate()
        .args(["lint", "--format", "json"])
        .arg(other.path().join("services")));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("\"path\": \"services/api/.env\""),
        "{}",
        out.stdout
    );
}

#[test]
fn history_range_from_a_remote_branch_and_an_abbreviated_id() {
    let upstream = covered_repo();
    upstream.stage("old.py", secret_line()).commit("old secret");
    let first = upstream
        .git(&["rev-parse", "--short=9", "HEAD"])
        .trim()
        .to_string();
    let clone = upstream.dir.path().join("clone");
    let url = format!("file://{}", upstream.path().display());
    let out = run(upstream
        .git_cmd_in("")
        .args(["clone", "-q", &url])
        .arg(&clone));
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::write(clone.join("new.py"), secret_line()).unwrap();
    let out = run(upstream
        .git_cmd_in("")
        .current_dir(&clone)
        .args(["add", "new.py"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out =
        run(upstream
            .git_cmd_in("")
            .current_dir(&clone)
            .args(["commit", "-q", "-m", "new secret"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let history = |range: &str| {
        let out = run(upstream.leakgate().current_dir(&clone).args([
            "lint",
            "--format",
            "json",
            "--history",
            range,
        ]));
        let v: serde_json::Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
        let mut paths: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["commit"].is_null())
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        paths.sort();
        paths
    };
    assert_eq!(history("origin/main..HEAD"), vec!["new.py"]);
    assert_eq!(history(&format!("{first}..")), vec!["new.py"]);
    assert_eq!(history("HEAD"), vec!["new.py", "old.py"]);
}

#[test]
fn coverage_only_in_info_exclude_is_not_shared() {
    let repo = covered_repo();
    let gitignore = std::fs::read_to_string(repo.path().join(".gitignore")).unwrap();
    let without: String = gitignore
        .lines()
        .filter(|l| *l != ".env" && *l != ".env.*")
        .map(|l| format!("{l}\n"))
        .collect();
    repo.stage(".gitignore", without).commit("drop .env");
    std::fs::write(repo.path().join(".git/info/exclude"), ".env\n.env.*\n").unwrap();
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    let keys = finding_keys(&v);
    assert_eq!(
        keys,
        vec![(".gitignore".into(), None, "gitignore-not-shared".into())],
        "{v:#}"
    );
    let f = &v["findings"][0];
    assert_eq!(f["severity"], "low");
    assert!(
        f["message"].as_str().unwrap().contains("info/exclude"),
        "{f:#}"
    );
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let text = std::fs::read_to_string(repo.path().join(".gitignore")).unwrap();
    assert!(text.contains("\n.env\n.env.*\n"), "{text}");
}

#[test]
fn nested_repositories_are_not_walked() {
    let repo = covered_repo();
    let inner = repo.path().join("vendor/lib");
    std::fs::create_dir_all(&inner).unwrap();
    let out = run(repo.git_cmd_in("").current_dir(&inner).args(["init", "-q"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // An .npmrc with a literal token is a must-not-track file that .gitignore does not list.
    let npmrc = "//registry.npmjs.org/:_authToken=s3cr3tvalue123\n";
    repo.write("pkg/.npmrc", npmrc);
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        finding_keys(&v),
        vec![("pkg/.npmrc".into(), None, "npmrc-auth-token".into())]
    );
    std::fs::remove_file(repo.path().join("pkg/.npmrc")).unwrap();
    std::fs::write(inner.join(".npmrc"), npmrc).unwrap();
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
}

#[test]
fn fix_with_a_locked_index_changes_nothing() {
    let repo = messy_repo();
    let lock = repo.path().join(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    let index = std::fs::read(repo.path().join(".git/index")).unwrap();
    let out = run(repo.leakgate().args(["lint", "--fix", "--unsafe-fixes"]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("index"), "{}", out.stderr);
    assert!(!repo.path().join(".gitignore").exists());
    assert_eq!(
        std::fs::read(repo.path().join(".git/index")).unwrap(),
        index
    );
    // The other process's lock is left alone; ours is released on every path.
    assert!(lock.exists());
    std::fs::remove_file(&lock).unwrap();
    let out = run(repo
        .leakgate()
        .args(["lint", "--fix", "--unsafe-fixes", "--history"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(!lock.exists());
    // What is left is the history: .env was committed.
    assert!(out.stdout.contains("is still in history"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 problem, 0 fixable"),
        "{}",
        out.stdout
    );
}

#[test]
fn nested_negation_is_a_note_not_missing_coverage() {
    let repo = covered_repo();
    repo.stage("services/api/.gitignore", "!.env\n")
        .stage("services/api/main.py", "x = 1\n")
        .commit("api");
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        finding_keys(&v),
        vec![("services/api/.env".into(), None, "gitignore-negated".into())],
        "{v:#}"
    );
    assert!(v["fixes"].as_array().unwrap().is_empty(), "{v:#}");
}

#[test]
fn leakgate_toml_allowlist_drops_findings_and_their_fixes() {
    let repo = util::TestRepo::new();
    repo.stage(".gitignore", ".env\n");
    repo.stage(
        "fixtures/app.yml",
        format!("t: {}\n", util::fake_github_token("ghp_")),
    );
    repo.commit("fixture");
    let out = util::run(repo.leakgate().args(["lint", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stdout);
    repo.write(".leakgate.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n");
    let out = util::run(repo.leakgate().args(["lint", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        !util::finding_keys(&v)
            .iter()
            .any(|(p, _, _)| p.starts_with("fixtures/")),
        "{}",
        out.stdout
    );
    assert_eq!(v["stats"]["allowlisted"], 1, "{}", out.stdout);
}

#[test]
fn history_only_reports_what_the_range_added_and_nothing_of_the_tree() {
    // No .gitignore (coverage would be a problem), a tracked .env and a tracked secret from
    // before the range: `--history-only` with a range reports only what the range added.
    let repo = TestRepo::new();
    repo.stage("old.py", secret_line()).commit("old secret");
    repo.write(".env", util::env_with_secret("X=1\n"));
    repo.git(&["add", "-f", ".env"]);
    repo.commit("env");
    repo.stage("new.py", format!("# new\n{}", secret_line()))
        .commit("new secret");
    let new_commit = repo
        .git(&["rev-parse", "--short=7", "HEAD"])
        .trim()
        .to_string();

    let (code, v) = lint_json(&repo, &["--history-only", "--history", "HEAD~1..HEAD"]);
    assert_eq!(code, 1, "{v:#}");
    let found = v["findings"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{v:#}");
    assert_eq!(found[0]["path"], "new.py");
    assert_eq!(found[0]["line"], 2);
    assert_eq!(found[0]["commit"], new_commit.as_str());
    assert_eq!(v["history"]["commits"], 1);

    // Without a range: the whole history, still nothing of the tree (no coverage problem).
    let (code, v) = lint_json(&repo, &["--history-only"]);
    assert_eq!(code, 1, "{v:#}");
    let rules = util::path_rules(&v);
    assert_eq!(
        rules,
        vec![
            (".env".to_string(), "dotenv-file".to_string()),
            ("new.py".to_string(), "github-classic-token".to_string()),
            ("old.py".to_string(), "github-classic-token".to_string()),
        ],
        "{v:#}"
    );
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["commit"].is_null())
    );

    let out = run(repo.leakgate().args(["lint", "--history-only", "--fix"]));
    assert_eq!(
        out.code, 2,
        "--fix has nothing to fix in history: {}",
        out.stderr
    );
}

#[test]
fn a_closed_pipe_keeps_lints_verdict() {
    let repo = TestRepo::new();
    repo.stage("app.py", util::secret_line()).commit("init");
    let code = util::run_into_closed_pipe(repo.leakgate().arg("lint"));
    assert_eq!(code, Some(1));
    let code = util::run_into_closed_pipe(repo.leakgate().args(["lint", "--history-only"]));
    assert_eq!(code, Some(1));
}

#[test]
fn check_rules_are_rules_like_the_others() {
    let repo = TestRepo::new();
    repo.stage("app.py", "x = 1\n");
    // `rules list` and `rules explain` show them.
    let out = run(repo.leakgate().args(["rules", "list"]));
    assert_eq!(out.code, 0);
    for id in [
        "gitignore-missing",
        "gitignore-not-shared",
        "gitignore-negated",
    ] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with(id) && l.ends_with("(check)")),
            "{id}:\n{}",
            out.stdout
        );
    }
    let out = run(repo
        .leakgate()
        .args(["rules", "explain", "gitignore-missing"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("gitignore-missing [medium]"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("leakgate lint --fix"), "{}", out.stdout);
    // SARIF takes their metadata from the same place.
    let out = run(repo.leakgate().args(["lint", "--format", "sarif"]));
    let v = out.json();
    let rule = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "gitignore-missing")
        .expect("gitignore-missing in the SARIF rules")
        .clone();
    assert_eq!(
        rule["shortDescription"]["text"],
        ".gitignore does not cover a must-not-track name"
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "warning");
    // `[rules] disable` turns one off, in lint and in the hook, with no warning.
    let (_, v) = lint_json(&repo, &[]);
    assert!(
        v["findings"].to_string().contains("gitignore-missing"),
        "{v}"
    );
    repo.write(
        ".leakgate.toml",
        "[rules]\ndisable = [\"gitignore-missing\"]\n",
    );
    let out = run(repo.leakgate().args(["lint", "--format", "json"]));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert!(
        !out.json()["findings"]
            .to_string()
            .contains("gitignore-missing"),
        "{}",
        out.stdout
    );
    let out = repo.pre_commit();
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout.lines().count() + out.stderr.lines().count(),
        1,
        "{}",
        out.stdout
    );
    // The configuration's must_not_track is a rule too.
    repo.write(".leakgate.toml", "must_not_track = [\"*.keystore\"]\n");
    let out = run(repo.leakgate().args([
        "rules",
        "explain",
        "config-must-not-track",
        "--rules",
        ".leakgate.toml",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("*.keystore"), "{}", out.stdout);
}

#[test]
fn history_all_finds_a_token_on_an_unmerged_branch_and_in_a_bare_clone() {
    let repo = TestRepo::new();
    repo.stage("README.md", "hello\n").commit("init");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.stage("deploy.sh", secret_line())
        .commit("on a branch never merged");
    repo.git(&["tag", "v1"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.stage("other.txt", "x\n").commit("main goes on");
    // HEAD's history does not hold it; every ref's does, and says which refs.
    let (code, v) = lint_json(&repo, &["--history-only"]);
    assert_eq!(code, 0, "{v}");
    let (code, v) = lint_json(&repo, &["--history-only", "--all"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        finding_keys(&v),
        vec![("deploy.sh".into(), Some(1), "github-classic-token".into())]
    );
    assert_eq!(v["findings"][0]["refs"], serde_json::json!(["side", "v1"]));
    assert_eq!(v["history"]["commits"], 3);
    let out = run(repo.leakgate().args(["lint", "--history-only", "--all"]));
    assert!(out.stdout.contains("; in side, v1)"), "{}", out.stdout);
    // `--all` alone lints the tree and every ref's history.
    let (code, v) = lint_json(&repo, &["--all"]);
    assert_eq!(code, 1, "{v}");
    // A range and --all do not go together.
    let out = run(repo
        .leakgate()
        .args(["lint", "--history", "main~1..main", "--all"]));
    assert_eq!(out.code, 2, "{}", out.stderr);

    // The same in a bare clone (where a server-side check runs): history only.
    let bare = repo.dir.path().join("bare.git");
    repo.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let mut lg = util::leakgate();
    lg.current_dir(&bare);
    let out = run(lg.args(["lint", "--history-only", "--all", "--format", "json"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        finding_keys(&out.json()),
        vec![("deploy.sh".into(), Some(1), "github-classic-token".into())]
    );
    let mut lg = util::leakgate();
    let out = run(lg.current_dir(&bare).arg("lint"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--history-only"), "{}", out.stderr);
}

#[test]
fn history_of_a_revision_or_a_range_names_the_refs_that_contain_the_commit() {
    // As `--all` does: every reference that contains the commit, also those outside the
    // range (a branch that went on from it, a tag on a later commit).
    let repo = TestRepo::new();
    repo.stage("README.md", "hello\n").commit("init");
    repo.stage("deploy.sh", secret_line()).commit("the token");
    repo.git(&["branch", "later"]);
    repo.git(&["checkout", "-q", "later"]);
    repo.stage("other.txt", "x\n").commit("later goes on");
    repo.git(&["tag", "v2"]);
    repo.git(&["checkout", "-q", "-b", "apart", "main~1"]);
    repo.stage("apart.txt", "y\n").commit("a branch without it");
    repo.git(&["checkout", "-q", "main"]);
    // A remote's `HEAD` names its branch: listed once, as the branch.
    repo.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    repo.git(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/main",
    ]);
    for args in [
        &["--history-only"][..],
        &["--history-only", "--history", "main"],
        &["--history-only", "--history", "main~1..main"],
    ] {
        let (code, v) = lint_json(&repo, args);
        assert_eq!(code, 1, "{args:?}: {v}");
        assert_eq!(
            finding_keys(&v),
            vec![("deploy.sh".into(), Some(1), "github-classic-token".into())]
        );
        let f = &v["findings"][0];
        assert_eq!(
            f["refs"],
            serde_json::json!(["later", "main", "origin/main", "v2"]),
            "{args:?}: {v}"
        );
        assert!(f["commit"].as_str().is_some_and(|c| c.len() == 7), "{v}");
        assert!(f["date"].as_str().is_some_and(|d| !d.is_empty()), "{v}");
    }
    let out = run(repo
        .leakgate()
        .args(["lint", "--history-only", "--history", "main~1..main"]));
    assert!(
        out.stdout
            .contains("; in later, main, origin/main and 1 more)"),
        "{}",
        out.stdout
    );
}

#[test]
fn history_is_scanned_in_batches_with_the_same_findings() {
    // More new blobs than one batch holds: a secret blob seen again later (a revert and
    // re-add) is still reported once, at the oldest commit that added it.
    let repo = TestRepo::new();
    let secret = secret_line();
    repo.stage("a/key.txt", &secret).commit("first");
    for i in 0..2100 {
        repo.write(&format!("many/f{i}.txt"), format!("{i}\n"));
    }
    repo.git(&["add", "many"]);
    repo.commit("many blobs");
    repo.git(&["rm", "-q", "a/key.txt"]);
    repo.commit("removed");
    repo.stage("a/key.txt", &secret).commit("re-added");
    repo.stage("b/copy.txt", &secret).commit("copied");
    let (code, v) = lint_json(&repo, &["--history-only"]);
    assert_eq!(code, 1, "{v}");
    let keys = finding_keys(&v);
    assert_eq!(
        keys,
        vec![
            ("a/key.txt".into(), Some(1), "github-classic-token".into()),
            ("b/copy.txt".into(), Some(1), "github-classic-token".into()),
        ],
        "{v}"
    );
    let first = repo.git(&["rev-list", "--max-parents=0", "HEAD"]);
    assert_eq!(v["findings"][0]["commit"], first.trim()[..7]);
    assert_eq!(v["history"]["blobs_scanned"], 2101, "{v}");
}

#[test]
fn fix_keeps_a_gitignore_symlink_and_never_writes_outside_the_repository() {
    // A .gitignore that links to a shared file inside the repository: the link stays a link,
    // the shared file gets the patterns.
    let repo = TestRepo::new();
    repo.stage("config/gitignore.shared", "node_modules/\n");
    std::os::unix::fs::symlink("config/gitignore.shared", repo.path().join(".gitignore")).unwrap();
    repo.git(&["add", ".gitignore"]);
    repo.commit("linked .gitignore");
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert!(out.code <= 1, "{}{}", out.stdout, out.stderr);
    let link = repo.path().join(".gitignore");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let shared = std::fs::read_to_string(repo.path().join("config/gitignore.shared")).unwrap();
    assert!(
        shared.starts_with("node_modules/\n") && shared.contains("\n.env\n"),
        "{shared}"
    );

    // A link that leads outside the repository: refused, nothing written anywhere.
    let repo = TestRepo::new();
    let outside = repo.dir.path().join("outside-gitignore");
    std::fs::write(&outside, "dist/\n").unwrap();
    std::os::unix::fs::symlink(&outside, repo.path().join(".gitignore")).unwrap();
    repo.stage("app.py", "x = 1\n").commit("init");
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("is a symbolic link to"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("not written through"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "dist/\n");
    let link = repo.path().join(".gitignore");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn init_does_not_write_through_a_symlink_to_outside_the_repository() {
    let repo = TestRepo::new();
    let outside = repo.dir.path().join("elsewhere.toml");
    std::os::unix::fs::symlink(&outside, repo.path().join(".leakgate.toml")).unwrap();
    // A dangling link is there: not overwritten without --force.
    let out = run(repo.leakgate().arg("init"));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert!(!outside.exists());
    // With --force: refused, not written through.
    let out = run(repo.leakgate().args(["init", "--force"]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("not written through"), "{}", out.stderr);
    assert!(!outside.exists());
    std::fs::write(&outside, "# mine\n").unwrap();
    let out = run(repo.leakgate().args(["init", "--force"]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "# mine\n");
}

/// The `.gitignore` patch fits the repository: the core block (dotenv files, private keys,
/// credential files every stack has) and only the blocks of the stacks it uses. Vendored
/// code is not the repository's stack.
#[test]
fn the_gitignore_patch_is_tailored_to_the_stacks_in_use() {
    let repo = TestRepo::new();
    repo.stage("app.py", "print(1)\n")
        .stage("vendor/x/main.tf", "terraform {}\n")
        .stage("vendor/y/Pom.java", "class Pom {}\n")
        .commit("init");
    let patch = |repo: &TestRepo| {
        let out = run(repo.leakgate().args(["lint", "--diff"]));
        out.stdout
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++") && l.len() > 1)
            .map(|l| l[1..].to_string())
            .collect::<Vec<_>>()
    };
    let core = patch(&repo);
    for p in [
        ".env",
        "*_rsa",
        "*.key",
        "[._]netrc",
        ".aws/",
        "credentials.json",
        "!.env*.example",
    ] {
        assert!(core.iter().any(|l| l == p), "{p} missing: {core:?}");
    }
    // `id_rsa` is `*_rsa`'s already.
    for p in [
        "id_rsa",
        "*.tfstate",
        "*.jks",
        "**/config/master.key",
        ".docker/",
        ".netrc",
    ] {
        assert!(
            !core.iter().any(|l| l == p),
            "{p} in a Python repo's patch: {core:?}"
        );
    }
    assert!(core.len() <= 24, "{} lines: {core:?}", core.len());
    repo.stage("infra/main.tf", "terraform {}\n")
        .stage("Dockerfile", "FROM scratch\n")
        .commit("infra");
    let more = patch(&repo);
    for p in ["*.tfstate", "*.tfvars", ".docker/"] {
        assert!(more.iter().any(|l| l == p), "{p} missing: {more:?}");
    }
    assert!(!more.iter().any(|l| l == "*.jks"), "{more:?}");
    // Read by a person: no line of the report is long (help is wrapped at 100 columns).
    repo.write(".env", "A=1\n");
    let out = run(repo.leakgate().arg("lint"));
    assert!(out.stdout.contains("help[dotenv-file]"), "{}", out.stdout);
    for line in out.stdout.lines() {
        assert!(line.chars().count() < 200, "{} chars: {line}", line.len());
    }
    // The merged lines (`[._]netrc`, `*[-.]key.pem`) ignore, for git, what the lines they
    // replace did, and no more.
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for (path, ignored) in [
        (".netrc", true),
        ("home/_netrc", true),
        ("netrc", false),
        ("certs/server-key.pem", true),
        ("certs/server.key.pem", true),
        ("certs/serverkey.pem", false),
    ] {
        let code = repo
            .git_status(&["check-ignore", "-q", "--no-index", path])
            .code;
        assert_eq!(code == 0, ignored, "{path}");
    }
}

/// `--fix` applies only safe fixes (the `.gitignore` append); untracking changes what every
/// clone gets and needs `--unsafe-fixes`; a tracked test fixture is never untracked, only
/// named. A re-run after `--fix` has no fixable problem left.
#[test]
fn fix_is_safe_unsafe_fixes_untrack_and_fixtures_stay() {
    let repo = messy_repo();
    let key = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        util::random_base62(64)
    );
    repo.stage("spec/support/cert/key.pem", &key)
        .commit("fixture");
    let (_, v) = lint_json(&repo, &[]);
    let applicability = |path: &str| -> String {
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path && f["line"].is_null())
            .unwrap_or_else(|| panic!("{path}: {v:#}"));
        let id = f["fixes"][0].as_u64().unwrap() as usize;
        v["fixes"][id]["applicability"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(applicability(".env"), "unsafe");
    assert_eq!(applicability("spec/support/cert/key.pem"), "display-only");
    assert_eq!(v["summary"]["unsafe_fixable"], 1, "{v:#}");

    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        ls_files(&repo).contains(&".env".to_string()),
        "{}",
        out.stdout
    );
    assert!(
        std::fs::read_to_string(repo.path().join(".gitignore"))
            .unwrap()
            .contains("\n.env\n")
    );
    assert!(
        out.stdout
            .contains("0 fixable with --fix (1 more with --unsafe-fixes)"),
        "{}",
        out.stdout
    );
    let again = run(repo.leakgate().args(["lint", "--fix"]));
    assert!(again.stdout.contains("nothing to fix"), "{}", again.stdout);

    let out = run(repo.leakgate().args(["lint", "--fix", "--unsafe-fixes"]));
    assert!(
        !ls_files(&repo).contains(&".env".to_string()),
        "{}",
        out.stdout
    );
    assert!(
        ls_files(&repo).contains(&"spec/support/cert/key.pem".to_string()),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("[not applied]"), "{}", out.stdout);
}

/// A fix never hides source: on a kops-shaped tree (a Go package `pkg/kubeconfig/` and
/// Kubernetes manifests), the `kubeconfig` pattern would make git ignore the package; the
/// patch keeps it visible with a negation after the patterns, and says so.
#[test]
fn the_gitignore_fix_never_hides_tracked_source() {
    let repo = TestRepo::new();
    repo.stage("pkg/kubeconfig/config.go", "package kubeconfig\n")
        .stage("deploy/kustomization.yaml", "resources: []\n")
        .stage("main.go", "package main\n")
        .commit("init");
    let (_, v) = lint_json(&repo, &[]);
    let fix = v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "gitignore")
        .unwrap();
    let patch = fix["patch"].as_str().unwrap();
    assert!(patch.contains("\n+kubeconfig\n"), "{patch}");
    assert!(patch.contains("\n+!/pkg/kubeconfig/\n"), "{patch}");
    assert!(
        fix["description"]
            .as_str()
            .unwrap()
            .contains("keeps tracked source visible: !/pkg/kubeconfig/"),
        "{fix:#}"
    );
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // A new file in the package shows in `git status`; a stray kubeconfig is ignored.
    repo.write("pkg/kubeconfig/new.go", "package kubeconfig\n");
    assert_ne!(
        repo.git_status(&["check-ignore", "-q", "pkg/kubeconfig/new.go"])
            .code,
        0
    );
    assert_eq!(
        repo.git_status(&["check-ignore", "-q", "kubeconfig"]).code,
        0
    );
    assert_eq!(
        repo.git_status(&["check-ignore", "-q", "deploy/kubeconfig"])
            .code,
        0
    );
    assert!(
        repo.git(&["ls-files", "-ci", "--exclude-standard"])
            .is_empty()
    );
}

/// The same command in a server-side `pre-receive` hook: git keeps the pushed objects in a
/// quarantine directory (`GIT_OBJECT_DIRECTORY`) until the hook accepts them, and leakgate
/// reads them there. A clean push is accepted (a new branch, then an update); a push of a
/// token is rejected; nothing is left behind.
#[test]
fn a_pre_receive_hook_rejects_a_pushed_token_and_accepts_a_clean_push() {
    let repo = TestRepo::new();
    let server = repo.dir.path().join("server.git");
    repo.git(&["init", "-q", "--bare", server.to_str().unwrap()]);
    let hook = server.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nwhile read old new ref; do\n  range=\"$old..$new\"\n  case \"$old\" in \
             0000000000000000000000000000000000000000) range=\"$new\";; esac\n  \
             '{}' lint --history-only --history \"$range\" || exit 1\ndone\n",
            env!("CARGO_BIN_EXE_leakgate")
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let push = |repo: &TestRepo| repo.git_status(&["push", server.to_str().unwrap(), "HEAD:main"]);
    repo.stage("a.txt", "a\n").commit("init");
    let out = push(&repo);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    repo.stage("a.txt", "b\n").commit("more");
    let out = push(&repo);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    repo.stage("b.py", util::secret_line()).commit("token");
    let out = push(&repo);
    assert_ne!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("github-classic-token"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("pre-receive hook declined"),
        "{}",
        out.stderr
    );
}

/// Negation notes only where git agrees: `!.devcontainer` after `.*` re-includes the
/// directory, not the files in it (a Django project's `.gitignore`); the files would be
/// ignored by patterns of their own, so the names are missing coverage, not exceptions.
#[test]
fn a_negated_directory_is_not_an_exception_for_the_files_in_it() {
    let repo = TestRepo::new();
    repo.stage(".gitignore", ".*\n!.devcontainer\n!.gitignore\n")
        .stage(".devcontainer/devcontainer.json", "{}\n")
        .stage("app.py", "print(1)\n")
        .commit("init");
    let (_, v) = lint_json(&repo, &[]);
    let negated = util::paths_of(&v, "gitignore-negated");
    assert!(negated.is_empty(), "{negated:?}");
    // After the fix, git ignores such a file there.
    let out = run(repo.leakgate().args(["lint", "--fix"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        repo.git_status(&["check-ignore", "-q", ".devcontainer/credentials.json"])
            .code,
        0
    );
}

/// A blob the history names but the object database lacks (a partial clone, a mirror
/// without it) is a warning that names it, not an error: the rest of the history is scanned.
#[test]
fn history_with_a_missing_blob_warns_and_scans_the_rest() {
    let repo = TestRepo::new();
    repo.stage("kept.py", secret_line()).commit("kept secret");
    repo.stage("lost.txt", "this blob will be lost\n")
        .commit("lost blob");
    let lost = repo.git(&["rev-parse", "HEAD:lost.txt"]).trim().to_string();
    let loose = repo
        .path()
        .join(".git/objects")
        .join(&lost[..2])
        .join(&lost[2..]);
    std::fs::remove_file(&loose).unwrap();

    let out = run(repo
        .leakgate()
        .args(["lint", "--history-only", "--format", "json"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "warning: history: blob {} (lost.txt, commit ",
            &lost[..12]
        )) && out.stderr.contains("missing from the object database"),
        "{}",
        out.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found = v["findings"].as_array().unwrap();
    assert!(
        found.iter().any(|f| f["path"] == "kept.py"),
        "{}",
        out.stdout
    );
    assert_eq!(v["history"]["missing"].as_array().map(Vec::len), Some(1));
    let text = run(repo.leakgate().args(["lint", "--history-only"]));
    assert!(
        text.stdout
            .contains("1 blob missing from the object database (not scanned)"),
        "{}",
        text.stdout
    );
}

#[test]
fn history_progress_line_on_a_terminal_only() {
    // The progress line (counts and a rate) goes to a terminal's stderr; a pipe gets none.
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("one");
    repo.stage("b.txt", "b\n").commit("two");
    let out = run(repo.leakgate().args(["lint", "--history-only"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("commits/s"), "{}", out.stderr);
    // `script` (util-linux) gives the command a terminal.
    let lg = repo.leakgate();
    let mut script = std::process::Command::new("script");
    script
        .args([
            "-qec",
            &format!(
                "'{}' lint --history-only --all 2>&1 >/dev/null",
                lg.get_program().to_str().unwrap()
            ),
            "/dev/null",
        ])
        .current_dir(repo.path())
        .stdin(std::process::Stdio::null());
    for (k, v) in lg.get_envs() {
        match v {
            Some(v) => script.env(k, v),
            None => script.env_remove(k),
        };
    }
    let Ok(out) = script.output() else {
        eprintln!("no `script` on this machine: the terminal case is not checked");
        return;
    };
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("leakgate: history: commit 1/2, 0 blobs scanned (")
            && shown.contains("commits/s)"),
        "{shown:?}"
    );
}
