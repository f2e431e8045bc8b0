//! Issue #10, "the hook lets nothing through": shapes of staged content, repositories and
//! history that once passed silently. Each goes through the real `git commit` running the
//! installed hook (or `git push` / `lint --history`), as a user would meet it.

mod util;

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
    let repo = TestRepo::new();
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
    install(&repo, &[]);
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
}
