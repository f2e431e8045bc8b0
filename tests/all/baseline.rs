//! `leakgate baseline`: accepted findings are skipped by `lint` and `pre-commit`, keyed by the
//! secret's fingerprint, rule and path (not by line). Real git repositories, the real `git`.

use crate::util;

use util::{TestRepo, covered_repo, fake_github_token, finding_keys, lint_json, run};

const BASELINE: &str = ".leakgate-baseline.json";

fn baseline(repo: &TestRepo, extra: &[&str]) -> String {
    let out = run(repo.leakgate().arg("baseline").args(extra));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    out.stdout
}

fn read_baseline(repo: &TestRepo) -> String {
    std::fs::read_to_string(repo.path().join(BASELINE)).unwrap()
}

/// git runs hooks with their stdout sent to stderr: both, for the asserts.
fn commit_through_hook(repo: &TestRepo) -> util::Output {
    let mut out = repo.git_status(&["commit", "-q", "-m", "change"]);
    out.stdout.push_str(&out.stderr);
    out
}

/// A repository with an accepted secret in `config.py` (line 2) and a tracked `.env`.
fn repo_with_accepted_findings() -> (TestRepo, String) {
    let repo = covered_repo();
    let token = fake_github_token("ghp_");
    repo.stage(
        "config.py",
        format!("DEBUG = True\nGITHUB_TOKEN = \"{token}\"\nPORT = 8080\n"),
    );
    repo.write(".env", util::env_with_secret("DB_HOST=localhost\n"));
    repo.git(&["add", "-f", ".env"]);
    repo.commit("legacy");
    (repo, token)
}

#[test]
fn after_baseline_lint_passes_and_a_new_secret_fails() {
    let (repo, token) = repo_with_accepted_findings();
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["findings"].as_array().unwrap().len(), 2, "{v:#}");

    let out = baseline(&repo, &[]);
    assert!(
        out.contains("2 entries (1 secret, 1 must-not-track file, 0 .gitignore gaps)"),
        "{out}"
    );
    let text = read_baseline(&repo);
    // Never the secret, not even its redacted prefix; no timestamps.
    assert!(!text.contains(&token), "{text}");
    assert!(!text.contains(&token[..6]), "{text}");
    assert!(!text.contains("2026"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{text}");
    assert_eq!(entries[0]["path"], ".env");
    assert!(entries[0]["fingerprint"].is_null());
    assert_eq!(entries[1]["path"], "config.py");
    assert_eq!(entries[1]["rule_id"], "github-classic-token");
    assert_eq!(entries[1]["fingerprint"].as_str().unwrap().len(), 40);
    assert!(entries[1].get("line").is_none());

    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["stats"]["baselined"], 2, "{v:#}");
    let out = run(repo.leakgate().arg("lint"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("; 2 baselined"), "{}", out.stdout);
    // --no-baseline reports them again.
    let (code, _) = lint_json(&repo, &["--no-baseline"]);
    assert_eq!(code, 1);

    // The baseline, committed, is not itself a finding; regenerating it changes nothing.
    repo.stage(BASELINE, &text).commit("baseline");
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    baseline(&repo, &[]);
    assert_eq!(read_baseline(&repo), text);

    // A new secret is reported (and only it).
    repo.stage(
        "deploy.py",
        format!("TOKEN = \"{}\"\n", fake_github_token("ghp_")),
    );
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        finding_keys(&v),
        vec![("deploy.py".into(), Some(1), "github-classic-token".into())]
    );
    // pre-commit too: it says how many it skipped.
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        finding_keys(&v),
        vec![("deploy.py".into(), Some(1), "github-classic-token".into())]
    );
}

#[test]
fn moving_lines_keeps_the_baseline_valid() {
    let (repo, token) = repo_with_accepted_findings();
    baseline(&repo, &[]);
    repo.stage(BASELINE, read_baseline(&repo))
        .commit("baseline");
    let out = run(repo.leakgate().arg("install"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);

    // Lines inserted above the secret: it moves from line 2 to line 5.
    repo.stage(
        "config.py",
        format!("import os\nimport sys\n\nDEBUG = True\nGITHUB_TOKEN = \"{token}\"\nPORT = 8080\n"),
    );
    let out = commit_through_hook(&repo);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["stats"]["baselined"], 2, "{v:#}");

    // The secret moved to the top of the file (the diff shows it as an added line), and the
    // tracked .env edited: both still accepted.
    repo.stage(
        "config.py",
        format!("GITHUB_TOKEN = \"{token}\"\nimport os\nimport sys\n\nDEBUG = True\nPORT = 8080\n"),
    );
    repo.stage(".env", util::env_with_secret("DB_HOST=db.internal\n"));
    let out = commit_through_hook(&repo);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("(2 baselined)"), "{}", out.stdout);
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["stats"]["baselined"], 2, "{v:#}");

    // The same secret in another file is not accepted: the path is part of the key.
    repo.stage("copy.py", format!("T = \"{token}\"\n"));
    let out = commit_through_hook(&repo);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("copy.py:1:"), "{}", out.stdout);
}

#[test]
fn a_different_secret_on_a_baselined_line_is_reported() {
    let (repo, token) = repo_with_accepted_findings();
    baseline(&repo, &[]);
    let other = fake_github_token("ghp_");
    // Same line, same rule, same file: only the fingerprint differs.
    repo.stage(
        "config.py",
        format!("DEBUG = True\nGITHUB_TOKEN = \"{other}\"\nPORT = 8080\n"),
    );
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        finding_keys(&v),
        vec![("config.py".into(), Some(2), "github-classic-token".into())]
    );
    let fp = v["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!read_baseline(&repo).contains(&fp));
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["stats"]["baselined"], 0, "{v:#}");

    // Both on the line: the accepted one is skipped, the new one reported.
    repo.stage(
        "config.py",
        format!("DEBUG = True\nTOKENS = [\"{token}\", \"{other}\"]\nPORT = 8080\n"),
    );
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    let found = v["findings"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{v:#}");
    assert_eq!(found[0]["fingerprint"], fp.as_str());
    assert_eq!(v["stats"]["baselined"], 2, "{v:#}");
}

#[test]
fn a_malformed_baseline_is_an_error_with_file_and_line() {
    let (repo, _) = repo_with_accepted_findings();
    baseline(&repo, &[]);
    let good = read_baseline(&repo);
    // Line 4 loses a colon.
    let lines: Vec<&str> = good.lines().collect();
    assert!(lines[3].contains("\"fingerprint\": "), "{good}");
    let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    broken[3] = broken[3].replace("\"fingerprint\": ", "\"fingerprint\" ");
    repo.write(BASELINE, broken.join("\n") + "\n");
    for args in [&["lint"][..], &["pre-commit"]] {
        let out = run(repo.leakgate().args(args));
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains(&format!("{BASELINE}:4:"))
                && out.stderr.contains("invalid baseline"),
            "{args:?}: {}",
            out.stderr
        );
    }
    // An unknown field, and a fingerprint that is not one, are named with their line.
    repo.write(
        BASELINE,
        "{\n  \"version\": 1,\n  \"entries\": [\n    {\"rule_id\": \"r\", \"path\": \"a\", \"fingerprint\": null, \"line\": 3}\n  ]\n}\n",
    );
    let out = run(repo.leakgate().arg("lint"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!("{BASELINE}:4:"))
            && out.stderr.contains("unknown field `line`"),
        "{}",
        out.stderr
    );
    // --no-baseline runs without it; --baseline FILE must exist.
    let out = run(repo.leakgate().args(["lint", "--no-baseline"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let out = run(repo.leakgate().args(["lint", "--baseline", "nope.json"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nope.json"), "{}", out.stderr);
    // `baseline` rewrites a broken file.
    baseline(&repo, &[]);
    assert_eq!(read_baseline(&repo), good);
}

#[test]
fn history_entries_accept_history_only() {
    let repo = covered_repo();
    let token = fake_github_token("ghp_");
    repo.stage("old.py", format!("T = \"{token}\"\n"))
        .commit("key");
    repo.stage("old.py", "T = None\n").commit("remove key");
    repo.write(".env", util::env_with_secret("A=1\n"));
    repo.git(&["add", "-f", ".env"]);
    repo.commit("env");
    repo.git(&["rm", "-q", "--cached", ".env"]);
    repo.commit("untrack env");

    let (code, v) = lint_json(&repo, &["--history"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["findings"].as_array().unwrap().len(), 2, "{v:#}");
    // Without --history, the baseline holds nothing of history.
    let out = baseline(&repo, &[]);
    assert!(out.contains("0 entries"), "{out}");
    let (code, _) = lint_json(&repo, &["--history"]);
    assert_eq!(code, 1);

    let out = baseline(&repo, &["--history"]);
    assert!(out.contains("2 entries"), "{out}");
    let text = read_baseline(&repo);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for e in v["entries"].as_array().unwrap() {
        assert_eq!(e["commit"].as_str().unwrap().len(), 7, "{text}");
    }
    let (code, v) = lint_json(&repo, &["--history"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["stats"]["baselined"], 2, "{v:#}");

    // A history-only entry does not let the secret (or the file) back into the tree.
    repo.stage("old.py", format!("T = \"{token}\"\n"));
    repo.write(".env", util::env_with_secret("A=2\n"));
    repo.git(&["add", "-f", ".env"]);
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1, "{v:#}");
    let keys = finding_keys(&v);
    assert_eq!(
        keys,
        vec![
            (".env".into(), None, "dotenv-file".into()),
            ("old.py".into(), Some(1), "github-classic-token".into())
        ]
    );
    let (code, _) = lint_json(&repo, &[]);
    assert_eq!(code, 1);

    // Running `baseline` again without --history drops the history entries, and says so.
    repo.git(&["reset", "-q"]);
    let out = baseline(&repo, &[]);
    assert!(
        out.contains("earlier entries were no longer found"),
        "{out}"
    );
}

/// `.gitignore` gaps are accepted as they stand (a new kind or directory is a new problem);
/// an untracked must-not-track file nothing ignores is not (accepting it would let the hook
/// commit it): the baseline says so, and `lint` still fails on it.
#[test]
fn coverage_gaps_are_baselined_and_untracked_files_are_not() {
    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("init");
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule_id"] == "gitignore-missing"),
        "{v:#}"
    );
    let out = baseline(&repo, &[]);
    assert!(
        out.contains("0 secrets, 0 must-not-track files, 1 .gitignore gap"),
        "{out}"
    );
    assert!(!out.contains("not baselined"), "{out}");
    // The baseline file (a `.json`) is not a sign of JSON credential files: no new gap,
    // untracked or committed.
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    repo.stage(BASELINE, read_baseline(&repo))
        .commit("baseline");
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 0, "{v:#}");
    // A stack the repository did not have (Terraform): a new gap, reported.
    repo.stage("main.tf", "terraform {}\n").commit("tf");
    let (code, v) = lint_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == "gitignore-missing"),
        "{v:#}"
    );

    let repo = TestRepo::new();
    repo.stage("a.txt", "a\n").commit("init");
    repo.write(".env", util::env_with_secret("A=1\n"));
    let out = baseline(&repo, &[]);
    assert!(out.contains("not baselined"), "{out}");
    assert!(out.contains(".env"), "{out}");
    let (code, _) = lint_json(&repo, &[]);
    assert_eq!(code, 1);
}
