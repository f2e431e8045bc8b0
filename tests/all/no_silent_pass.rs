//! Issue #10, "the hook lets nothing through": shapes of staged content, repositories and
//! history that once passed silently. Each goes through the real `git commit` running the
//! installed hook (or `git push` / `lint --history`), as a user would meet it.

use crate::util;

use util::{TestRepo, fake_github_token, run};

fn install(repo: &TestRepo, args: &[&str]) {
    let out = run(repo.leakgate().arg("install").args(args));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

/// `git commit` with the installed hook; git sends the hook's stdout to stderr, so both are
/// put together in `stdout`.
fn commit(repo: &TestRepo) -> util::Output {
    let mut out = repo.git_status(&["commit", "-q", "-m", "msg"]);
    out.stdout.push_str(&out.stderr);
    out
}

/// The hook's `+N lines` and the sum of `git diff --cached --numstat`'s added lines.
fn lines_added(repo: &TestRepo, hook_output: &str) -> (u64, u64) {
    let hook = hook_output
        .split(", +")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `+N lines` in {hook_output}"));
    let git = repo
        .git(&["diff", "--cached", "--numstat"])
        .lines()
        .map(|l| l.split('\t').next().unwrap().parse::<u64>().unwrap())
        .sum();
    (hook, git)
}

#[test]
fn a_lone_cr_above_the_added_line_does_not_hide_it() {
    let repo = util::repo_with_remote();
    // A lone CR is part of its line, for git: a progress bar, a CR-only file (one line), a
    // `\r\r\n` line in a CRLF file, a CSV field holding a CR.
    // (path, content, line ending, where the token added at the end is: line and column)
    let shapes: &[(&str, &str, &str, &str)] = &[
        (
            "build.log.txt",
            "progress 10%\rprogress 100%\ndone\n",
            "\n",
            "3:14",
        ),
        ("cr-only.txt", "one\rtwo\rthree\r", "\r", "1:28"),
        ("crlf.txt", "a\r\r\nb\r\n", "\r\n", "3:14"),
        ("data.csv", "id,note\n1,\"x\ry\"\n", "\n", "3:14"),
    ];
    for (path, before, _, _) in shapes {
        repo.stage(path, before);
    }
    repo.commit("logs");
    let out = push(&repo, &["-u", "origin", "main"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    for (path, before, eol, _) in shapes {
        let token = fake_github_token("ghp_");
        repo.stage(path, format!("{before}GITHUB_TOKEN={token}{eol}"));
    }
    let (hook, git) = {
        let out = run(repo.leakgate().args(["pre-commit", "--no-gitignore-check"]));
        lines_added(&repo, &out.stdout)
    };
    assert_eq!(hook, git, "+N lines must be what git diff --numstat counts");
    let out = commit(&repo);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for (path, _, _, at) in shapes {
        assert!(
            out.stdout
                .contains(&format!("{path}:{at}: github-classic-token")),
            "{path}:{at}: {}",
            out.stdout
        );
    }
    // The same line model in history and in the pushed commits.
    repo.git(&["commit", "-q", "--no-verify", "-m", "tokens"]);
    let short = repo.git(&["rev-parse", "--short=7", "HEAD"]);
    let lint =
        run(repo
            .leakgate()
            .args(["lint", "--history-only", "--history", "origin/main..HEAD"]));
    let push = push(&repo, &[]);
    assert_ne!(push.code, 0, "push should be blocked:\n{}", push.stdout);
    for (path, _, _, at) in shapes {
        let want = format!("{}:{path}:{at}: github-classic-token", short.trim());
        assert!(lint.stdout.contains(&want), "{want}: {}", lint.stdout);
        assert!(push.stdout.contains(&want), "{want}: {}", push.stdout);
    }
}

/// `git push` through the installed hook, its output (sent to stderr) in `stdout` too.
fn push(repo: &TestRepo, args: &[&str]) -> util::Output {
    let mut out = repo.git_status(&[&["push", "-q"][..], args].concat());
    out.stdout.push_str(&out.stderr);
    out
}

/// Write an object of `kind` with `git hash-object --literally` (no mode checks): its id.
fn hash_object(repo: &TestRepo, kind: &str, data: &[u8]) -> String {
    let out = util::run_stdin(
        repo.git_cmd_in("")
            .args(["hash-object", "--literally", "-w", "--stdin", "-t", kind]),
        data,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.trim().to_string()
}

/// A tree of `(mode, name, blob id)` entries, written as given (names in git's order).
fn literal_tree(repo: &TestRepo, entries: &[(&str, &str, &str)]) -> String {
    let mut data = Vec::new();
    for (mode, name, id) in entries {
        data.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        let id = (0..id.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&id[i..i + 2], 16).unwrap());
        data.extend(id);
    }
    hash_object(repo, "tree", &data)
}

#[test]
fn blobs_with_non_canonical_tree_modes_are_scanned_in_history_and_pre_push() {
    let repo = util::repo_with_remote();
    repo.stage("a.txt", "a\n");
    repo.git(&["commit", "-q", "-m", "clean"]);
    let out = push(&repo, &["-u", "origin", "main"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    // Files written with the modes of old trees (`100664`, `644`) and an executable one,
    // committed with plumbing (no hook runs).
    let a = repo.git(&["rev-parse", "HEAD:a.txt"]).trim().to_string();
    let blob = |name: &str| {
        let token = fake_github_token("ghp_");
        hash_object(&repo, "blob", format!("{name}_TOKEN={token}\n").as_bytes())
    };
    let (exec, group, old) = (blob("EXEC"), blob("GROUP"), blob("OLD"));
    let tree = literal_tree(
        &repo,
        &[
            ("100644", "a.txt", &a),
            ("100755", "exec.sh", &exec),
            ("100664", "group.txt", &group),
            ("644", "old.txt", &old),
        ],
    );
    let commit = repo.git(&["commit-tree", &tree, "-p", "HEAD", "-m", "plumbing"]);
    repo.git(&["update-ref", "refs/heads/main", commit.trim()]);

    let want = ["exec.sh", "group.txt", "old.txt"];
    for args in [&["--history-only"][..], &["--history", "origin/main..HEAD"]] {
        let (code, v) = util::lint_json(&repo, args);
        assert_eq!(code, 1, "{args:?}: {v}");
        let paths = util::paths_of(&v, "github-classic-token");
        assert_eq!(paths, want, "{args:?}: {v}");
    }
    let out = push(&repo, &[]);
    assert_ne!(out.code, 0, "push should be blocked:\n{}", out.stdout);
    for path in want {
        assert!(
            out.stdout.contains(&format!(":{path}:1:")),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn a_separate_git_dir_repository_is_not_bare() {
    // `git init --separate-git-dir`: the work tree's `.git` is a file naming the git dir, and
    // git runs hooks with `GIT_DIR` set to that directory.
    let repo = TestRepo::new();
    let git_dir = repo.dir.path().join("elsewhere.git");
    std::fs::remove_dir_all(repo.path().join(".git")).unwrap();
    repo.git(&[
        "init",
        "-q",
        "--separate-git-dir",
        git_dir.to_str().unwrap(),
    ]);
    util::add_origin(&repo);
    install(&repo, &["--pre-push"]);
    assert!(git_dir.join("hooks/pre-commit").exists());

    repo.stage("a.txt", "a\n");
    let out = commit(&repo);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("scanned 1 staged file, +1 line"),
        "{}",
        out.stdout
    );
    repo.stage("key.py", util::secret_line());
    let out = commit(&repo);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("key.py:1:") && !out.stdout.contains("bare"),
        "{}",
        out.stdout
    );

    // lint (also as a hook would run it, with GIT_DIR set) and pre-push.
    repo.git(&["commit", "-q", "--no-verify", "-m", "sneaky"]);
    for git_dir_env in [None, Some(&git_dir)] {
        let mut cmd = repo.leakgate();
        if let Some(d) = git_dir_env {
            cmd.env("GIT_DIR", d);
        }
        let out = run(cmd.args(["lint", "--history-only"]));
        assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains(":key.py:1:"), "{}", out.stdout);
    }
    let out = push(&repo, &["-u", "origin", "main"]);
    assert_ne!(out.code, 0, "push should be blocked:\n{}", out.stdout);
    assert!(
        out.stdout.contains(":key.py:1:") && !out.stdout.contains("bare"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_path_over_4095_bytes_is_read_from_the_index() {
    // Git stores 0xFFF as the length of such a path and its name NUL-terminated (then padded
    // like any entry). The file cannot exist on most file systems (PATH_MAX): it is staged
    // with `git update-index --cacheinfo`, as a checkout from another system would have it.
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("init");
    install(&repo, &[]);
    let long = format!("{}/config.py", vec!["d".repeat(200); 21].join("/"));
    assert!(long.len() > 4095);
    for (path, name) in [(long.as_str(), "LONG"), ("z.txt", "AFTER")] {
        let token = fake_github_token("ghp_");
        let id = hash_object(&repo, "blob", format!("{name}_TOKEN={token}\n").as_bytes());
        repo.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{id},{path}"),
        ]);
    }
    let out = commit(&repo);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("/config.py:1:12: github-classic-token"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("z.txt:1:13: github-classic-token"),
        "{}",
        out.stdout
    );
    // `lint` reads the same index.
    let (code, v) = util::lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v}");
    let paths = util::paths_of(&v, "github-classic-token");
    assert_eq!(paths, [long.as_str(), "z.txt"], "{v}");
}

/// Filler lines up to `len` bytes.
fn fill(out: &mut String, len: usize) {
    let mut i = 0;
    while out.len() < len {
        out.push_str(&format!(
            "{i:>8} build output, nothing to see here, move along\n"
        ));
        i += 1;
    }
}

fn line_of(data: &str, offset: usize) -> usize {
    data[..offset].matches('\n').count() + 1
}

#[test]
fn a_big_staged_file_is_scanned_whole_across_its_chunk_edges() {
    use leakgate::check::SCAN_CHUNK;
    let repo = util::covered_repo();
    install(&repo, &[]);
    // Over 10 MiB (the old size cap), matched in chunks: a token straddling the first chunk
    // edge (a long line there, so the edge falls mid-line), one starting right at it, a key
    // block straddling the second edge (cut at a line start), and a token at the very end.
    let mut data = String::new();
    fill(&mut data, SCAN_CHUNK - 50_000);
    let mut expect = Vec::new();
    while data.len() < SCAN_CHUNK - 20 {
        data.push_str("x ");
    }
    data.truncate(SCAN_CHUNK - 21);
    data.push(' ');
    expect.push((line_of(&data, data.len()), "github-classic-token"));
    data.push_str(&fake_github_token("ghp_"));
    data.push(' ');
    while data.len() < SCAN_CHUNK - 1 {
        data.push('y');
    }
    data.push(' ');
    data.push_str(&fake_github_token("ghp_"));
    while data.len() < SCAN_CHUNK + 50_000 {
        data.push_str(" z");
    }
    data.push('\n');
    fill(&mut data, 2 * SCAN_CHUNK - 1500);
    expect.push((line_of(&data, data.len()), "private-key"));
    data.push_str("-----BEGIN RSA PRIVATE KEY-----\n");
    for _ in 0..50 {
        data.push_str(&util::random_base62(64));
        data.push('\n');
    }
    data.push_str("-----END RSA PRIVATE KEY-----\n");
    assert!(data.len() > 2 * SCAN_CHUNK + 1500);
    fill(&mut data, (10 << 20) + 4096);
    expect.push((line_of(&data, data.len()), "github-classic-token"));
    data.push_str(&format!("GITHUB_TOKEN={}\n", fake_github_token("ghp_")));
    repo.stage("big.txt", &data);

    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1, "{v}");
    let mut want: Vec<(String, Option<u64>, String)> = expect
        .iter()
        .map(|(l, r)| ("big.txt".to_string(), Some(*l as u64), r.to_string()))
        .collect();
    // The token starting at the edge is on the same line as the one straddling it.
    want.insert(1, want[0].clone());
    assert_eq!(util::finding_keys(&v), want, "{v}");
    let out = commit(&repo);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for (line, rule) in &expect {
        assert!(
            out.stdout.contains(&format!("big.txt:{line}:")) && out.stdout.contains(rule),
            "{line} {rule}: {}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("too large"), "{}", out.stdout);
}

#[test]
fn a_staged_file_too_large_to_read_blocks_unless_allowed() {
    let repo = util::covered_repo();
    install(&repo, &[]);
    repo.stage("dump.sql", "x".repeat(5000) + "\n");
    // Over the hook's --max-filesize: it cannot be scanned, so the commit is blocked.
    let out = run(repo
        .leakgate()
        .args(["pre-commit", "--max-filesize", "4096"]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("dump.sql: cannot be scanned")
            && out.stderr.contains("leakgate.allowUnscannable")
            && out.stderr.lines().count() == 1,
        "{}",
        out.stderr
    );
    // Allowed: it passes, named in the summary.
    repo.git(&["config", "leakgate.allowUnscannable", "true"]);
    let out = run(repo
        .leakgate()
        .args(["pre-commit", "--max-filesize", "4096"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("(skipped 1 too large: dump.sql)"),
        "{}",
        out.stdout
    );
}

#[test]
fn scan_and_lint_name_the_files_they_skip_as_too_large() {
    let repo = TestRepo::new();
    for name in ["a.bin", "b.bin", "c.bin", "d.bin", "e.bin"] {
        repo.stage(name, "x".repeat(2000) + name);
    }
    repo.stage("small.txt", "x\n").commit("files");
    let out = run(repo
        .leakgate()
        .args(["scan", "--max-filesize", "1000", "."]));
    assert!(
        out.stdout
            .contains("skipped 5 too large: a.bin, b.bin, c.bin and 2 more"),
        "{}",
        out.stdout
    );
    let out = run(repo
        .leakgate()
        .args(["lint", "--history", "--max-filesize", "1000"]));
    assert!(
        out.stdout
            .contains("(skipped 5 too large: a.bin, b.bin, c.bin and 2 more)")
            && out
                .stdout
                .contains("1 commit, 1 blob, skipped 5 too large: a.bin, b.bin, c.bin and 2 more"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_token_written_as_a_symlink_target_is_found_by_the_hook_history_and_pre_push() {
    // A symlink is a blob holding its target's path: `ln -s "$TOKEN" x` commits the token.
    let repo = util::repo_with_remote();
    repo.stage("a.txt", "a\n");
    repo.git(&["commit", "-q", "-m", "clean"]);
    let out = push(&repo, &["-u", "origin", "main"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    install(&repo, &["--pre-push"]);
    let token = fake_github_token("ghp_");
    std::os::unix::fs::symlink(&token, repo.path().join("link")).unwrap();
    // An ordinary link beside it says nothing.
    std::os::unix::fs::symlink("a.txt", repo.path().join("plain")).unwrap();
    repo.git(&["add", "link", "plain"]);
    let out = commit(&repo);
    assert_eq!(
        out.code, 1,
        "the hook let a symlink's token through:\n{}",
        out.stdout
    );
    assert!(out.stdout.contains("link:1:"), "{}", out.stdout);

    let out = repo.git_status(&["commit", "-q", "--no-verify", "-m", "skip the hook"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let (code, v) = util::lint_json(&repo, &["--history-only"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(util::paths_of(&v, "github-classic-token"), ["link"], "{v}");
    // The tree as it is, too: the link's blob, not the file it points to.
    let (code, v) = util::lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(util::paths_of(&v, "github-classic-token"), ["link"], "{v}");
    let out = push(&repo, &[]);
    assert_ne!(out.code, 0, "push should be blocked:\n{}", out.stdout);
    assert!(out.stdout.contains(":link:1:"), "{}", out.stdout);

    // A clean commit of an ordinary link.
    repo.git(&["reset", "-q", "--hard", "origin/main"]);
    std::os::unix::fs::symlink("a.txt", repo.path().join("other")).unwrap();
    repo.git(&["add", "other"]);
    let out = commit(&repo);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("no secrets found"), "{}", out.stdout);
}
