//! `leakgate pre-commit` and the installed hooks, on real git repositories driven by the real
//! `git` (and `git commit` running the hook).

use crate::util;

use util::{TestRepo, finding_keys, run, secret_line};

fn keys(repo: &TestRepo) -> Vec<(String, Option<u64>, String)> {
    let (_, v) = repo.pre_commit_json();
    finding_keys(&v)
}

#[test]
fn first_commit_on_unborn_branch() {
    let repo = TestRepo::new();
    repo.stage("README.md", "hello\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("scanned 1 staged file, +1 line"),
        "{}",
        out.stdout
    );
    repo.stage("app.py", format!("import os\n{}", secret_line()));
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1);
    assert_eq!(
        finding_keys(&v),
        vec![("app.py".into(), Some(2), "github-classic-token".into())]
    );
    assert_eq!(v["stats"]["lines_added"], 3);
}

#[test]
fn nothing_staged_says_so() {
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("init");
    let out = repo.pre_commit();
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("nothing staged"), "{}", out.stdout);
}

#[test]
fn secret_only_in_working_tree_passes() {
    let repo = TestRepo::new();
    repo.stage("app.py", "x = 1\n").commit("init");
    repo.stage("app.py", "x = 1\ny = 2\n");
    // Like `git add -p` leaving a hunk unstaged: the secret is only in the working tree.
    repo.write("app.py", format!("x = 1\ny = 2\n{}", secret_line()));
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("+1 line"), "{}", out.stdout);
}

#[test]
fn secret_staged_then_removed_from_working_tree_is_blocked() {
    let repo = TestRepo::new();
    repo.stage("app.py", "x = 1\n").commit("init");
    repo.stage("app.py", format!("x = 1\n{}", secret_line()));
    repo.write("app.py", "x = 1\n");
    assert_eq!(
        keys(&repo),
        vec![("app.py".into(), Some(2), "github-classic-token".into())]
    );
}

#[test]
fn pre_existing_secret_with_unrelated_line_passes() {
    let repo = TestRepo::new();
    repo.stage("app.py", format!("x = 1\n{}z = 3\n", secret_line()))
        .commit("old secret");
    let old = std::fs::read_to_string(repo.path().join("app.py")).unwrap();
    repo.stage("app.py", format!("{old}w = 4\n"));
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    // A new secret next to the old one is this commit's.
    repo.stage("app.py", format!("{old}{}", secret_line()));
    assert_eq!(
        keys(&repo),
        vec![("app.py".into(), Some(4), "github-classic-token".into())]
    );
}

#[test]
fn private_key_straddling_a_hunk_edge_is_caught() {
    let repo = TestRepo::new();
    let key_head = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n";
    repo.stage(
        "key.txt",
        format!("{key_head}VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"),
    )
    .commit("half a key");
    repo.stage(
        "key.txt",
        format!("{key_head}VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----\n"),
    );
    assert_eq!(
        keys(&repo),
        vec![("key.txt".into(), Some(1), "private-key".into())]
    );
}

#[test]
fn staged_env_blocked_and_example_passes() {
    let repo = TestRepo::new();
    repo.stage("README.md", "x\n").commit("init");
    repo.stage(".env.example", "API_KEY=\nDB_PASSWORD=\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    // A .env of configuration only (flags, ports, hosts, URLs without a password, empty
    // values, references) is no secret (#13): it passes.
    repo.stage(
        ".env",
        "DEBUG=1\nPORT=8080\nDATABASE_URL=postgres://db:5432/app\nAPI_KEY=\nSECRET=${SECRET}\n",
    );
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    // A secret-looking value in it blocks the commit, and the file is named.
    repo.stage(".env", util::env_with_secret("DEBUG=1\n"));
    let out = repo.pre_commit();
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(".env: dotenv-file [high]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("git rm --cached -- .env"),
        "{}",
        out.stdout
    );
    // Nothing ignores it: the fix is named, not a patch.
    assert!(
        out.stdout
            .contains("keep .env out of git: `leakgate lint --fix`"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("+++ b/.gitignore"), "{}", out.stdout);
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1);
    let f = &v["findings"][0];
    assert_eq!(f["path"], ".env");
    assert!(f["line"].is_null());
    // JSON carries what the text advises: the command that unstages it (a new file: safe),
    // and the .gitignore patch that would keep it out.
    let fix = &v["fixes"][0];
    assert_eq!(fix["kind"], "untrack", "{v:#}");
    assert_eq!(fix["command"], "git rm --cached -- .env");
    assert_eq!(fix["applicability"], "safe");
    let patch = v["gitignore_patch"].as_str().unwrap_or_default();
    assert!(patch.contains("+.env"), "{v:#}");
    assert_eq!(v["blocked"], true);

    // Once in HEAD, the same file is untracked: that changes every clone, an unsafe fix.
    repo.commit("env");
    repo.stage(".env", util::env_with_secret("DEBUG=2\n"));
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1);
    assert_eq!(v["fixes"][0]["applicability"], "unsafe", "{v:#}");
}

#[test]
fn public_certificate_passes_private_key_pem_blocked() {
    let repo = TestRepo::new();
    repo.stage(
        "certs/ca.pem",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----\n",
    );
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    repo.stage(
        "certs/server.pem",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n-----END PRIVATE KEY-----\n",
    );
    // One finding for the key file (#13): the file rule's, which names the file and how to
    // unstage it; the key it holds is not reported again as `private-key`.
    let k = keys(&repo);
    assert_eq!(
        k,
        vec![(
            "certs/server.pem".into(),
            None,
            "private-key-pem-file".into()
        )],
        "{k:?}"
    );
}

#[test]
fn git_mv_of_file_with_old_secret_passes() {
    let repo = TestRepo::new();
    repo.stage("old/settings.py", format!("a = 1\n{}", secret_line()))
        .commit("old secret");
    std::fs::create_dir_all(repo.path().join("new")).unwrap();
    repo.git(&["mv", "old/settings.py", "new/settings.py"]);
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    // A rename with an edit: only the edit counts.
    let old = std::fs::read_to_string(repo.path().join("new/settings.py")).unwrap();
    repo.stage("new/settings.py", format!("{old}b = 2\n"));
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("+1 line"), "{}", out.stdout);
}

#[test]
fn commit_from_subdirectory_sees_the_whole_index() {
    let repo = TestRepo::new();
    repo.stage("docs/readme.md", "x\n").commit("init");
    repo.stage("src/deep/config.yml", secret_line());
    let out = run(repo.leakgate_in("docs").arg("pre-commit"));
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("src/deep/config.yml:1:"),
        "{}",
        out.stdout
    );
}

#[test]
fn paths_with_spaces_and_non_ascii() {
    let repo = TestRepo::new();
    repo.stage("my dir/ünïcode config.yml", secret_line());
    let k = keys(&repo);
    assert_eq!(
        k,
        vec![(
            "my dir/ünïcode config.yml".into(),
            Some(1),
            "github-classic-token".into()
        )]
    );
}

#[test]
fn crlf_and_binary_blobs() {
    let repo = TestRepo::new();
    repo.stage(
        "win.txt",
        format!("a\r\n{}", secret_line().replace('\n', "\r\n")),
    );
    repo.stage("blob.bin", b"\x00\x01\x02 ghp_not_scanned\n");
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1);
    assert_eq!(
        finding_keys(&v),
        vec![("win.txt".into(), Some(2), "github-classic-token".into())]
    );
    assert_eq!(v["stats"]["skipped_binary"], 1);
    let out = repo.pre_commit();
    assert!(out.stdout.contains("skipped 1 binary"), "{}", out.stdout);
}

#[test]
fn bare_repo_is_a_clear_error() {
    let repo = TestRepo::new();
    repo.git(&["init", "-q", "--bare", "bare.git"]);
    let out = run(repo.leakgate_in("bare.git").arg("pre-commit"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("bare repository"), "{}", out.stderr);
    assert!(out.stderr.contains("--no-verify"), "{}", out.stderr);
}

#[test]
fn corrupt_index_is_an_error_naming_the_file() {
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n");
    std::fs::write(repo.path().join(".git/index"), b"DIRC garbage").unwrap();
    let out = repo.pre_commit();
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(".git/index"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn outside_a_repository_is_an_error() {
    let dir = util::tempdir().unwrap();
    let out = run(util::leakgate()
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .arg("pre-commit"));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("not in a git repository"),
        "{}",
        out.stderr
    );
}

// ---- through the installed hook and the real `git commit` ----

fn install(repo: &TestRepo) -> String {
    let out = run(repo.leakgate().arg("install"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    out.stdout
}

/// git runs hooks with their stdout sent to stderr: put both in `stdout` for the asserts.
fn merged(mut out: util::Output) -> util::Output {
    out.stdout.push_str(&out.stderr);
    out
}

fn commit(repo: &TestRepo, args: &[&str]) -> util::Output {
    let mut all = vec!["commit", "-q", "-m", "msg"];
    all.extend_from_slice(args);
    merged(repo.git_status(&all))
}

#[test]
fn hook_blocks_git_commit_a_and_commit_with_paths() {
    let repo = TestRepo::new();
    repo.stage("app.py", "x = 1\n")
        .stage("other.py", "y = 1\n")
        .commit("init");
    install(&repo);
    // `git commit -a` hands the hook a temporary index (GIT_INDEX_FILE).
    repo.write("app.py", format!("x = 1\n{}", secret_line()));
    let out = commit(&repo, &["-a"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("commit blocked"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    // `git commit <path>` too.
    let out = commit(&repo, &["app.py"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    // A clean change commits.
    repo.write("app.py", "x = 1\n");
    repo.write("other.py", "y = 2\n");
    let out = commit(&repo, &["-a"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("no secrets found"), "{}", out.stdout);
}

#[test]
fn install_is_idempotent_and_chains_an_existing_hook() {
    let repo = TestRepo::new();
    let hooks = repo.path().join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let foreign = "#!/bin/sh\necho foreign-hook-ran\nexit 0\n";
    std::fs::write(hooks.join("pre-commit"), foreign).unwrap();
    make_exec(&hooks.join("pre-commit"));
    install(&repo);
    let second = install(&repo);
    assert!(second.contains("already installed"), "{second}");
    repo.stage("a.txt", "a\n");
    let out = commit(&repo, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("foreign-hook-ran"), "{}", out.stdout);
    assert!(
        out.stdout.contains("leakgate: scanned 1 staged file"),
        "{}",
        out.stdout
    );
    // Both run: a secret is still blocked.
    repo.stage("b.txt", secret_line());
    let out = commit(&repo, &[]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("foreign-hook-ran"));
    // Uninstall removes only our part.
    let out = run(repo.leakgate().arg("uninstall"));
    assert_eq!(out.code, 0);
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).unwrap(),
        foreign
    );
    assert!(!hooks.join("pre-merge-commit").exists());
}

#[test]
fn install_respects_core_hooks_path() {
    let repo = TestRepo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let out = install(&repo);
    assert!(out.contains(".githooks/pre-commit"), "{out}");
    assert!(repo.path().join(".githooks/pre-commit").exists());
    repo.stage("c.yml", secret_line());
    let out = commit(&repo, &[]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
}

#[test]
fn hook_without_binary_fails_with_a_hint() {
    let repo = TestRepo::new();
    install(&repo);
    repo.stage("a.txt", "a\n");
    let out = run(repo
        .git_cmd_in("")
        .env("LEAKGATE", "leakgate-does-not-exist")
        .args(["commit", "-q", "-m", "x"]));
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("not found on PATH"), "{}", out.stderr);
}

#[test]
fn clean_merge_of_a_branch_with_a_no_verify_secret_is_blocked() {
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("init");
    install(&repo);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.stage("feature.py", secret_line());
    repo.git(&["commit", "-q", "--no-verify", "-m", "sneaky"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.stage("b.txt", "b\n");
    let out = commit(&repo, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = merged(repo.git_status(&["merge", "--no-ff", "-m", "merge feature", "feature"]));
    assert_ne!(
        out.code, 0,
        "merge should be blocked:\n{}{}",
        out.stdout, out.stderr
    );
    assert!(
        out.stdout.contains("feature.py:1:"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn conflicted_merge_resolved_with_a_secret_is_blocked() {
    let repo = TestRepo::new();
    repo.stage("conf.yml", "key: 1\n").commit("init");
    install(&repo);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.stage("conf.yml", "key: 2\n");
    commit(&repo, &[]);
    repo.git(&["checkout", "-q", "main"]);
    repo.stage("conf.yml", "key: 3\n");
    commit(&repo, &[]);
    let out = repo.git_status(&["merge", "feature"]);
    assert_ne!(out.code, 0, "expected a conflict");
    repo.stage("conf.yml", format!("key: 4\n{}", secret_line()));
    let out = merged(repo.git_status(&["commit", "-q", "--no-edit"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("conf.yml:2:"), "{}", out.stdout);
}

#[test]
fn linked_worktree_uses_its_own_index_and_shared_hooks() {
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("init");
    install(&repo);
    repo.git(&["worktree", "add", "-q", "wt", "-b", "wt-branch"]);
    std::fs::write(repo.path().join("wt/new.yml"), secret_line()).unwrap();
    let out = run(repo.git_cmd_in("wt").args(["add", "new.yml"]));
    assert_eq!(out.code, 0);
    let out = run(repo
        .leakgate_in("wt")
        .args(["pre-commit", "--format", "json"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        finding_keys(&v),
        vec![("new.yml".into(), Some(1), "github-classic-token".into())]
    );
    let out = merged(run(repo.git_cmd_in("wt").args(["commit", "-q", "-m", "x"])));
    assert_eq!(
        out.code, 1,
        "the shared hook runs in the worktree:\n{}{}",
        out.stdout, out.stderr
    );
    // The main worktree's index is untouched.
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn submodule_entries_are_skipped() {
    let repo = TestRepo::new();
    let sub = TestRepo::new();
    sub.stage("s.txt", secret_line())
        .commit("sub with old secret");
    repo.stage("a.txt", "a\n").commit("init");
    let sub_path = sub.path().to_string_lossy().into_owned();
    repo.git(&["submodule", "add", "-q", &sub_path, "vendor/sub"]);
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 submodule"), "{}", out.stdout);
}

/// The lines a command printed, stdout and stderr together.
fn lines(out: &util::Output) -> Vec<&str> {
    out.stdout.lines().chain(out.stderr.lines()).collect()
}

#[test]
fn clean_commit_output_budget() {
    // No .gitignore: the root does not ignore .env, a two-line note.
    let repo = TestRepo::new();
    install(&repo);
    repo.stage("app.py", "x = 1\n");
    let out = repo.git_status(&["commit", "-q", "-m", "one"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let l = lines(&out);
    assert_eq!(l.len(), 3, "{l:#?}");
    assert!(
        l[0].starts_with("leakgate: note: .gitignore does not ignore .env, "),
        "{l:#?}"
    );
    assert!(l[0].ends_with(" more"), "{l:#?}");
    assert_eq!(
        l[1],
        "  `leakgate lint --fix` adds them (`leakgate lint --diff` shows the patch)"
    );
    assert_eq!(
        l[2],
        "leakgate: scanned 1 staged file, +1 line: no secrets found"
    );
    // Five names at most, none twice.
    let names: Vec<&str> = l[0]
        .trim_start_matches("leakgate: note: .gitignore does not ignore ")
        .split(" and ")
        .next()
        .unwrap()
        .split(", ")
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5, "{names:?}");

    // An ordinary .gitignore that ignores .env: one line, whatever else it lacks.
    repo.stage(".gitignore", "node_modules/\n.env\ndist/\n");
    let out = repo.git_status(&["commit", "-q", "-m", "two"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        lines(&out),
        vec!["leakgate: scanned 1 staged file, +3 lines: no secrets found"]
    );

    // A .env in the work tree that nothing ignores: named, one `git add .` from a commit.
    repo.stage(".gitignore", "node_modules/\ndist/\n");
    repo.write(".env", "DEBUG=1\n");
    let out = repo.git_status(&["commit", "-q", "-m", "three"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let l = lines(&out);
    assert_eq!(l.len(), 3, "{l:#?}");
    assert_eq!(
        l[0],
        "leakgate: note: .env is not ignored: one `git add .` would commit it"
    );
    assert!(
        l[1].starts_with("  `leakgate lint --fix` ignores it and "),
        "{l:#?}"
    );
}

#[test]
fn blocked_commit_says_what_to_do_in_a_dozen_lines() {
    let repo = TestRepo::new();
    install(&repo);
    repo.stage("app.py", secret_line());
    let out = repo.git_status(&["commit", "-q", "-m", "x"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let l = lines(&out);
    let all = l.join("\n");
    assert_eq!(l.len(), 10, "{all}");
    assert!(
        l[0].starts_with("leakgate: commit blocked: 1 problem"),
        "{all}"
    );
    assert!(l[2].contains("app.py:1:"), "{all}");
    // At pre-commit the secret is not in history yet: no patch, no history talk.
    assert!(
        !all.contains("diff --git") && !all.contains(".gitignore"),
        "{all}"
    );
    assert!(!all.contains("from history"), "{all}");
    assert!(all.contains("load it from the environment"), "{all}");
    assert!(
        all.contains("rotate it only if it was already shared or pushed"),
        "{all}"
    );
    assert!(l[9].ends_with(": 1 finding"), "{all}");
}

#[test]
fn gitignore_setting_off_note_block_and_git_config() {
    let repo = TestRepo::new();
    repo.stage("app.py", "x = 1\n");
    let note = |out: &util::Output| out.stdout.contains(".gitignore does not ignore .env");
    let out = repo.pre_commit();
    assert!(out.code == 0 && note(&out), "{}", out.stdout);
    // The file's [hook] table.
    repo.write(".leakgate.toml", "[hook]\ngitignore = \"off\"\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 0);
    assert_eq!(lines(&out).len(), 1, "{}{}", out.stdout, out.stderr);
    repo.write(".leakgate.toml", "[hook]\ngitignore = \"block\"\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("leakgate: commit blocked: .gitignore does not ignore .env"),
        "{}",
        out.stdout
    );
    assert_eq!(lines(&out).len(), 3, "{}", out.stdout);
    // Block means any missing name: an ordinary .gitignore still blocks.
    repo.write(".gitignore", ".env\n");
    assert_eq!(repo.pre_commit().code, 1);
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1);
    assert_eq!(v["gitignore"]["mode"], "block");
    assert_eq!(v["gitignore"]["blocks"], true);
    assert_eq!(v["gitignore"]["root_lacks_env"], false);
    assert_eq!(v["blocked"], true);
    // git config overrides the file; the old key and flags are aliases.
    repo.git(&["config", "leakgate.gitignore", "note"]);
    let out = repo.pre_commit();
    assert_eq!((out.code, lines(&out).len()), (0, 1), "{}", out.stdout);
    let (_, v) = repo.pre_commit_json();
    assert_eq!(v["gitignore"]["mode"], "note");
    assert_eq!(v["gitignore"]["shown"], false);
    assert_eq!(v["blocked"], false);
    assert_eq!(
        run(repo.leakgate().args(["pre-commit", "--require-gitignore"])).code,
        1
    );
    assert_eq!(
        run(repo.leakgate().args(["pre-commit", "--gitignore", "block"])).code,
        1
    );
    repo.git(&["config", "--unset", "leakgate.gitignore"]);
    repo.write(".leakgate.toml", "");
    repo.git(&["config", "leakgate.requireGitignore", "true"]);
    assert_eq!(repo.pre_commit().code, 1);
    let out = run(repo.leakgate().args(["pre-commit", "--no-gitignore-check"]));
    assert_eq!((out.code, lines(&out).len()), (0, 1), "{}", out.stdout);
    // Bad values are one-line errors naming where they are.
    repo.git(&["config", "leakgate.gitignore", "loud"]);
    let out = repo.pre_commit();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("leakgate.gitignore: `loud` is not one of off, note, block"),
        "{}",
        out.stderr
    );
    repo.git(&["config", "--unset", "leakgate.gitignore"]);
    repo.write(".leakgate.toml", "# x\n[hook]\ngitignore = \"loud\"\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains(".leakgate.toml:3: unknown variant `loud`"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
fn make_exec(p: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn leakgate_toml_allowlists_paths_and_is_strict() {
    let repo = TestRepo::new();
    repo.write(".leakgate.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n");
    repo.stage("fixtures/fake.yml", secret_line());
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("1 allowlisted by .leakgate.toml"),
        "{}",
        out.stdout
    );
    repo.stage("src/real.yml", secret_line());
    assert_eq!(repo.pre_commit().code, 1);
    repo.write(
        ".leakgate.toml",
        "[allowlist]\npaths = [\"fixtures/**\"]\nextra = 1\n",
    );
    let out = repo.pre_commit();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains(".leakgate.toml:3: unknown field `extra`"),
        "{}",
        out.stderr
    );
}

#[test]
fn unignored_files_are_looked_for_near_the_staged_files_only() {
    let repo = TestRepo::new();
    repo.stage(".gitignore", ".env\n").commit("init");
    // Terraform state next to a staged file, and one in a directory this commit does not touch.
    repo.write("services/api/terraform.tfstate", "{}\n");
    repo.write("services/web/terraform.tfstate", "{}\n");
    repo.stage("services/api/main.py", "x = 1\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 0, "{}", out.stdout);
    let l = lines(&out);
    assert_eq!(l.len(), 3, "{}", out.stdout);
    assert_eq!(
        l[0],
        "leakgate: note: services/api/terraform.tfstate is not ignored: one `git add .` would commit it"
    );
    // An explicit negation is the repository's choice: not named.
    repo.stage("services/api/.gitignore", "!terraform.tfstate\n");
    let out = repo.pre_commit();
    assert_eq!(lines(&out).len(), 1, "{}", out.stdout);
}

#[test]
fn sparse_index_is_handled() {
    let repo = TestRepo::new();
    repo.stage("a/one.txt", "1\n")
        .stage("b/two.txt", "2\n")
        .commit("init");
    repo.git(&["sparse-checkout", "init", "--cone", "--sparse-index"]);
    repo.git(&["sparse-checkout", "set", "a"]);
    repo.stage("a/new.yml", secret_line());
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        finding_keys(&v),
        vec![("a/new.yml".into(), Some(1), "github-classic-token".into())]
    );
}

#[test]
fn large_file_edit_is_matched_around_its_hunks() {
    let repo = TestRepo::new();
    let filler: String = (0..2000)
        .map(|i| format!("line {i} of filler text\n"))
        .collect();
    let key_head = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n";
    let old = format!("{}{filler}{key_head}", secret_line());
    repo.stage("big.txt", &old)
        .commit("big file with an old secret");
    // Complete the key at the end of a >32 KiB file: the key straddles the hunk edge.
    repo.stage("big.txt", format!("{old}-----END RSA PRIVATE KEY-----\n"));
    let k = keys(&repo);
    assert_eq!(
        k,
        vec![("big.txt".into(), Some(2002), "private-key".into())],
        "{k:?}"
    );
    // A new token far from the old one is found; the old one is not this commit's.
    repo.stage("big.txt", format!("{old}{}", secret_line()));
    let k = keys(&repo);
    assert_eq!(
        k,
        vec![("big.txt".into(), Some(2005), "github-classic-token".into())],
        "{k:?}"
    );
}

#[test]
fn a_key_block_completed_far_below_its_header_is_caught() {
    // Only the END line is added, 30 lines below the keyword: multiline rules look at the
    // whole region around the hunk, not just the lines near it.
    let repo = TestRepo::new();
    let body: String = (0..30)
        .map(|_| format!("{}\n", util::random_base62(64)))
        .collect();
    let head = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}");
    repo.stage("id.txt", &head).commit("a key without its end");
    repo.stage("id.txt", format!("{head}-----END RSA PRIVATE KEY-----\n"));
    assert_eq!(
        keys(&repo),
        vec![("id.txt".into(), Some(1), "private-key".into())]
    );
}

#[test]
fn a_value_added_under_an_unchanged_name_is_caught() {
    // The keyword (`NEXUS_PASSWORD:`) is on a line this commit does not touch; the value on
    // the next line is added.
    let repo = TestRepo::new();
    let before = "variables:\n  NEXUS_PASSWORD:\n    description: nexus\n\npublish:\n  script:\n    - mvn deploy\n";
    repo.stage(".gitlab-ci.yml", before).commit("pipeline");
    let value = util::random_password(20);
    repo.stage(
        ".gitlab-ci.yml",
        before.replace(
            "NEXUS_PASSWORD:\n",
            &format!("NEXUS_PASSWORD:\n    value: \"{value}\"\n"),
        ),
    );
    assert_eq!(
        keys(&repo),
        vec![(
            ".gitlab-ci.yml".into(),
            Some(3),
            "gitlab-ci-literal-secret".into()
        )]
    );
}

#[test]
fn a_closed_pipe_does_not_turn_a_block_into_a_pass() {
    // `git commit -m x 2>&1 | true`, a wrapper that greps the output, `| head`: the hook's
    // output cannot be written, and its exit code must still block the commit.
    let repo = TestRepo::new();
    repo.stage("README.md", "hello\n").commit("init");
    install(&repo);
    let head = repo.git(&["rev-parse", "HEAD"]);
    repo.stage("app.py", secret_line());
    let code = util::run_into_closed_pipe(repo.git_cmd_in("").args(["commit", "-q", "-m", "x"]));
    assert_ne!(code, Some(0));
    assert_eq!(
        repo.git(&["rev-parse", "HEAD"]),
        head,
        "the commit was made"
    );
    // The hook itself: findings exit 1, a clean index exits 0, whatever the pipe.
    let code = util::run_into_closed_pipe(repo.leakgate().arg("pre-commit"));
    assert_eq!(code, Some(1));
    let code = util::run_into_closed_pipe(repo.leakgate().args(["pre-commit", "--format", "json"]));
    assert_eq!(code, Some(1));
    repo.git(&["rm", "-q", "--cached", "app.py"]);
    let code = util::run_into_closed_pipe(repo.leakgate().arg("pre-commit"));
    assert_eq!(code, Some(0));
}

#[test]
fn a_sha256_repository_is_scanned() {
    let repo = TestRepo::new();
    std::fs::remove_dir_all(repo.path().join(".git")).unwrap();
    repo.git(&["init", "-q", "--object-format=sha256"]);
    repo.stage("README.md", "hello\n").commit("init");
    install(&repo);
    repo.stage("app.py", secret_line());
    let out = commit(&repo, &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("github-classic-token"),
        "{}",
        out.stdout
    );
    repo.commit("forced");
    let (code, v) = util::lint_json(&repo, &["--history-only"]);
    assert_eq!(code, 1);
    assert_eq!(v["findings"][0]["rule_id"], "github-classic-token", "{v}");
    assert_eq!(v["findings"][0]["commit"].as_str().map(str::len), Some(7));
}

#[test]
fn named_files_narrow_the_staged_diff_or_scan_the_index_content() {
    let repo = TestRepo::new();
    repo.stage("old.yml", secret_line())
        .stage("app.py", format!("x = 1\n{}", secret_line()))
        .commit("secrets committed with --no-verify");
    let old_app = std::fs::read_to_string(repo.path().join("app.py")).unwrap();
    repo.stage("app.py", format!("{old_app}y = 2\n"));
    repo.stage("other.py", secret_line());
    // Staged names: their staged diff only (app.py's old secret is not this commit's).
    let out = run(repo
        .leakgate()
        .args(["pre-commit", "--format", "json", "app.py"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = run(repo
        .leakgate()
        .args(["pre-commit", "--format", "json", "app.py", "other.py"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        finding_keys(&out.json()),
        vec![("other.py".into(), Some(1), "github-classic-token".into())]
    );
    // A name that is not a staged change: the whole index content of the names.
    let out = run(repo.leakgate().args(["pre-commit", "old.yml", "app.py"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("old.yml:1:"), "{}", out.stdout);
    assert!(out.stdout.contains("app.py:2:"), "{}", out.stdout);
    assert!(
        out.stdout.contains("scanned 2 files in the index"),
        "{}",
        out.stdout
    );
    // Names are relative to the current directory; one not in the index is counted.
    repo.stage("sub/conf.yml", secret_line());
    repo.git(&["commit", "-q", "--no-verify", "-m", "sub"]);
    let out = run(repo
        .leakgate_in("sub")
        .args(["pre-commit", "conf.yml", "../nope.txt"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("sub/conf.yml:1:"), "{}", out.stdout);
    assert!(out.stdout.contains("1 not in the index"), "{}", out.stdout);
}

/// `text` as UTF-16 with a byte-order mark, as PowerShell and Visual Studio save files.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn utf16_files_are_scanned_not_skipped_as_binary() {
    let repo = TestRepo::new();
    repo.stage("README.md", "hello\n").commit("init");
    install(&repo);
    let token = util::fake_github_token("ghp_");
    let script = format!("Write-Host 'deploy'\r\n$env:GITHUB_TOKEN = \"{token}\"\r\n");
    repo.stage("deploy.ps1", utf16(&script, true));
    let out = commit(&repo, &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("deploy.ps1:2:22: github-classic-token"),
        "{}",
        out.stdout
    );
    // An edit of a UTF-16 file is judged by its added lines, as for any text file.
    repo.commit("forced");
    let more = format!("{script}Write-Host 'done'\r\n");
    repo.stage("deploy.ps1", utf16(&more, true));
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["stats"]["lines_added"], 1);
    // Big-endian too, in scan and in history.
    repo.write("be.ps1", utf16(&script, false));
    let out = run(repo.leakgate().args(["scan", "be.ps1"]));
    assert_eq!(out.code, 1, "{}", out.stdout);
    let (code, v) = util::lint_json(&repo, &["--history-only"]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_keys(&v),
        vec![("deploy.ps1".into(), Some(2), "github-classic-token".into())]
    );
}
