//! The outputs the README shows are the real outputs: each example block is compared with what
//! the binary prints in the situation the README describes (redacted secrets compared by rule
//! and length only, since each run makes its own fake token).

use crate::util;

use util::{TestRepo, covered_repo, fake_github_token};

/// The README's fenced code blocks, each without the fence and without the indentation of the
/// list item it sits in.
fn blocks() -> Vec<String> {
    let readme = include_str!("../../README.md");
    let mut out = Vec::new();
    let mut current: Option<(usize, Vec<&str>)> = None;
    for line in readme.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut current {
            None if trimmed.starts_with("```") => current = Some((indent, Vec::new())),
            Some(_) if trimmed.starts_with("```") => {
                let (_, lines) = current.take().unwrap();
                out.push(lines.join("\n"));
            }
            Some((indent, lines)) => lines.push(line.get(*indent..).unwrap_or(line.trim_start())),
            None => {}
        }
    }
    out
}

/// The one README block whose first line starts with `start`.
fn block(start: &str) -> String {
    let found: Vec<String> = blocks()
        .into_iter()
        .filter(|b| b.starts_with(start))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "README blocks starting {start:?}: {found:?}"
    );
    found.into_iter().next().unwrap()
}

/// What a run printed, both streams, with each redacted secret cut to its length
/// (`ghp_2a…(40)` → `…(40)`).
fn printed(out: &util::Output) -> String {
    normalize(&format!("{}{}", out.stdout, out.stderr))
}

fn normalize(s: &str) -> String {
    let s = s.trim_end();
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("…(") {
        let head = &rest[..at];
        let keep = head.trim_end_matches(|c: char| !c.is_whitespace() && c != ':');
        out.push_str(keep);
        out.push_str("…(");
        rest = &rest[at + "…(".len()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_clean_and_blocked_commits_print_what_the_readme_shows() {
    let repo = covered_repo();
    repo.stage("app.py", "import os\n\nprint(os.getcwd())\n");
    let clean = repo.pre_commit();
    assert_eq!(clean.code, 0);
    assert_eq!(
        printed(&clean),
        normalize(&block("leakgate: scanned 1 staged file, +3 lines"))
    );
    repo.commit("app");

    let token = fake_github_token("ghp_");
    repo.stage(
        "config.py",
        format!("import os\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    let blocked = repo.pre_commit();
    assert_eq!(blocked.code, 1);
    assert_eq!(
        printed(&blocked),
        normalize(&block("leakgate: commit blocked: 1 problem"))
    );
}

#[test]
fn the_gitignore_notes_are_what_the_readme_shows() {
    let repo = TestRepo::new();
    repo.stage("app.py", "print(1)\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 0);
    assert_eq!(
        printed(&out),
        normalize(&block("leakgate: note: .gitignore does not ignore"))
    );

    let repo = TestRepo::new();
    repo.write(".env", "DEBUG=1\n");
    repo.stage("app.py", "print(1)\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 0);
    assert_eq!(
        printed(&out),
        normalize(&block("leakgate: note: .env is not ignored"))
    );
}

#[test]
fn the_set_up_example_prints_a_redacted_finding_and_exits_1() {
    // The README's first command pipes a fake token into `leakgate scan -`.
    let token = fake_github_token("ghp_");
    let out = util::run_stdin(
        util::leakgate().args(["scan", "-"]),
        format!("GITHUB_TOKEN={token}\n").as_bytes(),
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains(&token) && !out.stderr.contains(&token));
    assert!(
        out.stdout.contains("github-classic-token"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_rule_counts_the_readme_gives_are_the_rule_sets() {
    let rules = leakgate::rules::RuleSet::builtin().unwrap();
    let want = format!(
        "{} content rules and {} file rules",
        rules.rules.len(),
        rules.files.len()
    );
    let readme = include_str!("../../README.md").replace("\n  ", " ");
    assert!(readme.contains(&want), "README should say `{want}`");
}
