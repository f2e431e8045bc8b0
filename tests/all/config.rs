//! `.leakgate.toml` (rules disabled and added, allowlists, must-not-track paths, minimum
//! severity, `replace`), gitleaks configurations and `leakgate init`, through the real binary
//! on temporary git repositories. Every credential here is made up at run time.

use crate::util;

use util::{TestRepo, fake_github_token, finding_keys, random_base62, run};

/// A fake credential for the custom rule below: `zqk_` and 32 random base62 characters.
fn zqk() -> String {
    format!("zqk_{}", random_base62(32))
}

/// A `[[rule]]` table (rules.toml format) for `zqk_` keys, with `example` as its example.
fn zqk_rule(example: &str) -> String {
    format!(
        r#"
[[rule]]
id = "zqk-key"
name = "ZQK key"
severity = "medium"
pattern = '''\b(zqk_[A-Za-z0-9]{{32}})\b'''
keywords = ["zqk_"]
description = "A made-up key format for the tests."
remediation = "Rotate it."
examples = ['KEY = {example}']
negative_examples = ['KEY = zqk_tooShort']
"#
    )
}

/// `scan --format json` in the repo: exit code and JSON.
fn scan_json(repo: &TestRepo, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let out = run(repo
        .leakgate()
        .args(["scan", "--format", "json"])
        .args(extra));
    (out.code, out.json(), out.stderr)
}

/// `(path, line, rule, fingerprint)` of each finding.
fn found(v: &serde_json::Value) -> Vec<(String, Option<u64>, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn rule_ids(v: &serde_json::Value) -> Vec<String> {
    finding_keys(v).into_iter().map(|(_, _, r)| r).collect()
}

#[test]
fn a_disabled_rule_stops_reporting_in_scan_pre_commit_and_lint() {
    let repo = TestRepo::new();
    // A bare token (no assignment, so no generic rule takes over) and a staged .env.
    repo.stage(".gitignore", "");
    repo.stage("notes.txt", format!("{}\n", fake_github_token("ghp_")));
    repo.stage(".env", util::env_with_secret("A=1\n"));
    let (code, v, _) = scan_json(&repo, &[]);
    assert_eq!(code, 1);
    assert!(
        rule_ids(&v).contains(&"github-classic-token".to_string()),
        "{v}"
    );
    assert!(rule_ids(&v).contains(&"dotenv-file".to_string()), "{v}");

    repo.write(
        ".leakgate.toml",
        "[rules]\ndisable = [\"github-classic-token\", \"dotenv-file\"]\n",
    );
    let (code, v, _) = scan_json(&repo, &[]);
    assert_eq!(code, 0, "{v}");
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 0, "{v}");
    let out = run(repo.leakgate().args(["lint", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let ids = rule_ids(&v);
    assert!(
        !ids.contains(&"github-classic-token".to_string()) && !ids.contains(&"dotenv-file".into()),
        "{v}"
    );

    // An id that names no rule is a warning, not an error.
    repo.write(".leakgate.toml", "[rules]\ndisable = [\"no-such-rule\"]\n");
    let (code, _, stderr) = scan_json(&repo, &[]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(".leakgate.toml:2: [rules] disable: no rule `no-such-rule`"),
        "{stderr}"
    );
}

#[test]
fn a_custom_rule_fires_and_its_examples_are_tested() {
    let repo = TestRepo::new();
    let key = zqk();
    repo.write("app.cfg", format!("x = 1\nKEY = {key}\n"));
    let (code, v, _) = scan_json(&repo, &[]);
    assert_eq!(code, 0, "no built-in rule knows zqk_ keys: {v}");

    repo.write(".leakgate.toml", zqk_rule(&zqk()));
    let (code, v, _) = scan_json(&repo, &[]);
    assert_eq!(code, 1);
    // The example in .leakgate.toml itself is reported too (it is a file in the repo).
    let app: Vec<_> = finding_keys(&v)
        .into_iter()
        .filter(|(p, _, _)| p == "app.cfg")
        .collect();
    assert_eq!(app, vec![("app.cfg".into(), Some(2), "zqk-key".into())]);
    assert_eq!(v["findings"][0]["severity"], "medium");
    // The built-in rules are still there.
    repo.write("b.txt", format!("{}\n", fake_github_token("ghp_")));
    let (_, v, _) = scan_json(&repo, &[]);
    assert!(
        rule_ids(&v).contains(&"github-classic-token".to_string()),
        "{v}"
    );

    let out = run(repo
        .leakgate()
        .args(["rules", "test", "--rules", ".leakgate.toml"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout.trim(), "1 rules, 2 examples: 0 failed");

    // An example that does not match fails the self-test (exit 1) and names it.
    repo.write(".leakgate.toml", zqk_rule("zqk_notThirtyTwoChars"));
    let out = run(repo
        .leakgate()
        .args(["rules", "test", "--rules", ".leakgate.toml"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("zqk-key: examples[0] gave 0 findings"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_config_rule_with_a_builtin_id_replaces_it() {
    let repo = TestRepo::new();
    repo.write("a.txt", format!("{}\n", fake_github_token("ghp_")));
    let key = zqk();
    repo.write("b.txt", format!("KEY = {key}\n"));
    repo.write(
        ".leakgate.toml",
        zqk_rule(&zqk()).replace("id = \"zqk-key\"", "id = \"github-classic-token\""),
    );
    let (_, v, _) = scan_json(&repo, &[]);
    let keys = finding_keys(&v);
    assert!(
        keys.contains(&("b.txt".into(), Some(1), "github-classic-token".into())),
        "{v}"
    );
    assert!(!keys.iter().any(|(p, _, _)| p == "a.txt"), "{v}");
}

#[test]
fn replace_drops_the_builtin_rules() {
    let repo = TestRepo::new();
    repo.write("a.txt", format!("{}\n", fake_github_token("ghp_")));
    repo.write(".env", util::env_with_secret("A=1\n"));
    let key = zqk();
    repo.write("b.txt", format!("KEY = {key}\n"));
    repo.write(
        ".leakgate.toml",
        format!(
            "[rules]\nreplace = true\n{}\n[allowlist]\npaths = [\".leakgate.toml\"]\n",
            zqk_rule(&zqk())
        ),
    );
    let (code, v, _) = scan_json(&repo, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_keys(&v),
        vec![("b.txt".into(), Some(1), "zqk-key".into())]
    );
}

#[test]
fn allowlists_by_path_secret_line_and_stopword() {
    let repo = TestRepo::new();
    let keys: Vec<String> = (0..5).map(|_| zqk()).collect();
    repo.write("fixtures/a.cfg", format!("KEY = {}\n", keys[0]));
    repo.write("src/b.cfg", format!("KEY = {}\n", keys[1]));
    repo.write(
        "src/c.cfg",
        format!("KEY = {}  # demo credential\n", keys[2]),
    );
    // The stop word is matched case-insensitively inside the secret.
    let stop = format!("zqk_{}Qwibble{}", &keys[3][4..14], &keys[3][21..]);
    repo.write("src/d.cfg", format!("KEY = {stop}\n"));
    repo.write("src/e.cfg", format!("KEY = {}\n", keys[4]));
    let rule = zqk_rule(&zqk());
    repo.write(
        ".leakgate.toml",
        format!("{rule}\n[allowlist]\npaths = [\".leakgate.toml\"]\n"),
    );
    let (_, v, _) = scan_json(&repo, &[]);
    assert_eq!(finding_keys(&v).len(), 5, "{v}");

    let b_secret = &keys[1][4..12];
    repo.write(
        ".leakgate.toml",
        format!(
            "{rule}\n[allowlist]\npaths = [\".leakgate.toml\", \"fixtures/**\"]\n\
             secrets = ['''^zqk_{b_secret}''']\nlines = ['''#\\s*demo credential''']\n\
             stopwords = [\"qWIBBLE\"]\n"
        ),
    );
    let (code, v, _) = scan_json(&repo, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_keys(&v),
        vec![("src/e.cfg".into(), Some(1), "zqk-key".into())]
    );
    // The example in .leakgate.toml counts too.
    assert_eq!(v["stats"]["allowlisted"], 5, "{v}");

    // The same allowlists in pre-commit and in lint (index and --history).
    repo.git(&["add", "-A"]);
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1);
    assert_eq!(
        finding_keys(&v),
        vec![("src/e.cfg".into(), Some(1), "zqk-key".into())]
    );
    assert_eq!(v["stats"]["allowlisted"], 5, "{v}");
    repo.commit("all");
    let out = run(repo
        .leakgate()
        .args(["lint", "--history", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let zqk_found: Vec<_> = finding_keys(&v)
        .into_iter()
        .filter(|(_, _, r)| r == "zqk-key")
        .map(|(p, _, _)| p)
        .collect();
    // Once from the index, once from history: both e.cfg.
    assert_eq!(zqk_found, vec!["src/e.cfg", "src/e.cfg"], "{v}");
    assert_eq!(v["stats"]["allowlisted"], 10, "{v}");
}

#[test]
fn must_not_track_blocks_in_pre_commit_and_lint_reports_it() {
    let repo = TestRepo::new();
    repo.write(
        ".leakgate.toml",
        "must_not_track = [\"*.keystore\", \"private/**\"]\n",
    );
    repo.stage("app/release.keystore", "binary-ish\n");
    let out = repo.pre_commit();
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("app/release.keystore: config-must-not-track [high]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("git rm --cached -- app/release.keystore"),
        "{}",
        out.stdout
    );
    repo.commit("oops");
    repo.write("private/notes.txt", "x\n");
    let out = run(repo.leakgate().args(["lint", "--format", "json"]));
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let keys = finding_keys(&v);
    for p in ["app/release.keystore", "private/notes.txt"] {
        assert!(
            keys.contains(&(p.into(), None, "config-must-not-track".into())),
            "{p}: {v:#}"
        );
    }
    // `lint --fix --unsafe-fixes` untracks it and covers both patterns in .gitignore.
    let out = run(repo.leakgate().args(["lint", "--fix", "--unsafe-fixes"]));
    assert!(out.stdout.contains("fixed"), "{}{}", out.stdout, out.stderr);
    let gi = std::fs::read_to_string(repo.path().join(".gitignore")).unwrap();
    assert!(gi.lines().any(|l| l == "*.keystore"), "{gi}");
    assert!(gi.lines().any(|l| l == "private/**"), "{gi}");
    assert!(!repo.git(&["ls-files"]).contains("release.keystore"));
}

#[test]
fn min_severity_drops_lower_findings_and_exits_zero() {
    let repo = TestRepo::new();
    let key = zqk();
    repo.write("a.cfg", format!("KEY = {key}\n"));
    repo.write(
        ".leakgate.toml",
        format!(
            "min_severity = \"high\"\n{}\n[allowlist]\npaths = [\".leakgate.toml\"]\n",
            zqk_rule(&zqk())
        ),
    );
    let out = run(repo.leakgate().arg("scan"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("1 below min_severity"),
        "{}",
        out.stdout
    );
    let (_, v, _) = scan_json(&repo, &[]);
    assert_eq!(v["stats"]["below_min_severity"], 1, "{v}");
    // A high finding still fails.
    repo.write("b.txt", format!("{}\n", fake_github_token("ghp_")));
    let (code, v, _) = scan_json(&repo, &[]);
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&v), vec!["github-classic-token".to_string()]);
    // And in the hook.
    repo.git(&["add", "a.cfg"]);
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 0, "{v}");
}

/// The same rule and allowlists, written natively and as a gitleaks configuration.
const NATIVE: &str = r#"
[[rule]]
id = "team-token"
name = "Team token"
severity = "high"
pattern = '''(?i)team[_-]?token\s*[:=]\s*["']?(tt_[a-z0-9]{24})'''
keywords = ["team"]
min_entropy = 3.0
description = "d"
remediation = "r"
examples = ['TEAM_TOKEN = "tt_a8f3k2m9x7q1w5e6r4t0y2u3"']

[allowlist]
paths = ["legacy/**"]
lines = ['''nosec''']
stopwords = ["wibble"]
"#;

const GITLEAKS: &str = r#"
title = "team rules"

[[rules]]
id = "team-token"
description = "Team token"
regex = '''(?i)team[_-]?token\s*[:=]\s*["']?(tt_[a-z0-9]{24})'''
secretGroup = 1
entropy = 3.0
keywords = ["TEAM"]
tags = ["team"]

[[allowlists]]
regexTarget = "line"
regexes = ['''nosec''']

[[allowlists]]
stopwords = ["wibble"]

[[allowlists]]
description = "vendored"
paths = ['''^legacy/''']
"#;

fn team_token() -> String {
    format!("tt_{}", random_base62(24).to_ascii_lowercase())
}

#[test]
fn a_gitleaks_config_gives_the_same_findings_as_the_native_one() {
    let repo = TestRepo::new();
    repo.write("native.toml", NATIVE);
    repo.write("gitleaks.toml", GITLEAKS);
    repo.write("a.py", format!("team_token = \"{}\"\n", team_token()));
    repo.write("b.py", format!("TEAM-TOKEN: {}  # nosec\n", team_token()));
    let wibble = format!("tt_wibble{}", random_base62(18).to_ascii_lowercase());
    repo.write("c.py", format!("teamtoken={wibble}\n"));
    repo.write("legacy/d.py", format!("team_token = '{}'\n", team_token()));
    // Low entropy: below the threshold in both.
    repo.write("e.py", "team_token = tt_abababababababababababab\n");
    repo.write("f.py", format!("Team_Token = {}\n", team_token()));
    let (code_n, native, _) = scan_json(&repo, &["--config", "native.toml"]);
    let (code_g, gl, stderr) = scan_json(&repo, &["--config", "gitleaks.toml"]);
    assert_eq!((code_n, code_g), (1, 1));
    let team: Vec<_> = finding_keys(&gl)
        .into_iter()
        .filter(|(_, _, r)| r == "team-token")
        .collect();
    assert_eq!(
        team,
        vec![
            ("a.py".into(), Some(1), "team-token".into()),
            ("f.py".into(), Some(1), "team-token".into()),
            ("native.toml".into(), Some(11), "team-token".into()),
        ],
        "{gl:#}"
    );
    assert_eq!(found(&native), found(&gl), "{native}\n{gl}");
    assert_eq!(native["stats"]["allowlisted"], gl["stats"]["allowlisted"]);
    assert!(gl["stats"]["allowlisted"].as_u64().unwrap() >= 3, "{gl}");
    // Each ignored field is named once on stderr.
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.contains("ignored gitleaks field `[[rules]] tags`"))
            .count(),
        1,
        "{stderr}"
    );

    // The same through `[extend] gitleaks` in .leakgate.toml (path relative to it).
    repo.write("conf/gitleaks.toml", GITLEAKS);
    repo.write(
        ".leakgate.toml",
        "[extend]\ngitleaks = \"conf/gitleaks.toml\"\n",
    );
    let (_, via_extend, _) = scan_json(&repo, &[]);
    assert_eq!(found(&via_extend), found(&gl));
}

#[test]
fn gitleaks_secret_group_keywordless_rules_path_and_allowlist_conditions() {
    let repo = TestRepo::new();
    repo.write(
        "gitleaks.toml",
        r#"
[extend]
useDefault = true
disabledRules = ["github-classic-token"]

# No keywords, no secretGroup: the first group that matched is the secret.
[[rules]]
id = "Order_Ref"
regex = '''ref=(?:(X[0-9]{6})|(Y[0-9]{6}))'''

# Only in config/ files.
[[rules]]
id = "cfg-pass"
regex = '''pass=(\w{8,})'''
path = '''^config/'''
keywords = ["pass="]
  [rules.allowlist]
  condition = "AND"
  paths = ['''^config/dev''']
  stopwords = ["local"]

[[rules]]
id = "pem-file"
path = '''(?i)\.pem$'''
"#,
    );
    repo.write(
        "a.txt",
        format!(
            "ref=Y123456\npass=hunter2hunter\n{}\n",
            fake_github_token("ghp_")
        ),
    );
    repo.write("config/prod.ini", "pass=Sup3rS3cr3tXy\n");
    repo.write("config/dev.ini", "pass=localRootPw9\npass=Pr0dL1keSecr\n");
    repo.write("config/other.ini", "pass=localRootPw9\n");
    repo.write("keys/server.PEM", "not really\n");
    let (code, v, stderr) = scan_json(&repo, &["--config", "gitleaks.toml"]);
    assert_eq!(code, 1);
    let mut keys = finding_keys(&v);
    // The built-in rules are there too (`useDefault`); look at the imported ones.
    keys.retain(|(_, _, r)| ["Order_Ref", "cfg-pass", "pem-file"].contains(&r.as_str()));
    assert!(
        !finding_keys(&v)
            .iter()
            .any(|(_, _, r)| r == "github-classic-token"),
        "disabledRules: {v:#}"
    );
    assert_eq!(
        keys,
        vec![
            ("a.txt".into(), Some(1), "Order_Ref".into()),
            ("config/dev.ini".into(), Some(2), "cfg-pass".into()),
            ("config/other.ini".into(), Some(1), "cfg-pass".into()),
            ("config/prod.ini".into(), Some(1), "cfg-pass".into()),
            ("keys/server.PEM".into(), None, "pem-file".into()),
        ],
        "{v:#}"
    );
    let order = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "Order_Ref")
        .unwrap();
    assert_eq!(order["secret"], "Y…(7)");
    assert_eq!(v["stats"]["allowlisted"], 1, "{v}");
    assert!(
        stderr.contains("ignored gitleaks field `[extend] useDefault`"),
        "{stderr}"
    );
}

#[test]
fn malformed_configs_exit_2_with_file_and_line() {
    let repo = TestRepo::new();
    repo.write("a.txt", "hello\n");
    let cases: &[(&str, &str, &str)] = &[
        (
            ".leakgate.toml",
            "[rules]\ndisable = []\n\n[allowlist]\npath = [\"x\"]\n",
            ".leakgate.toml:5: unknown field `path`",
        ),
        (
            ".leakgate.toml",
            "min_severity = \"severe\"\n",
            ".leakgate.toml:1: unknown variant `severe`",
        ),
        (
            ".leakgate.toml",
            "\n[allowlist]\nsecrets = ['''(unclosed''']\n",
            ".leakgate.toml:3: [allowlist] secrets: bad regex `(unclosed`",
        ),
        (
            ".leakgate.toml",
            "[[rule]]\nid = \"x-key\"\nname = \"X\"\nseverity = \"high\"\npattern = '''x_(['''\n\
             keywords = [\"x_\"]\ndescription = \"d\"\nremediation = \"r\"\nexamples = [\"x_1\"]\n",
            ".leakgate.toml:5: rule `x-key`: bad pattern",
        ),
        (
            ".leakgate.toml",
            "[extend]\ngitleaks = \"missing.toml\"\n",
            ".leakgate.toml:2: [extend] gitleaks:",
        ),
        (
            "gl.toml",
            "title = \"t\"\n[[rules]]\nid = \"ok\"\nregex = '''ok'''\n\n[[rules]]\nid = \"broken\"\nregex = '''a(?=b)'''\n",
            "gl.toml:6: rule `broken`: bad regex",
        ),
        (
            "gl.toml",
            "title = \"t\"\n[[rules]]\nid = \"x\"\nregex = '''(a)'''\nsecretGroup = 3\n",
            "gl.toml:2: rule `x`: secretGroup 3, but the regex has 1 capture group",
        ),
        (
            "gl.toml",
            "title = \"t\"\n[[rules]]\nid = \"x\"\nregex = '''a'''\n[[rules.allowlists]]\nregexTarget = \"file\"\nregexes = ['''a''']\n",
            "gl.toml:2: rule `x`: unknown allowlist regexTarget `file`",
        ),
    ];
    for (file, text, want) in cases {
        std::fs::remove_file(repo.path().join(".leakgate.toml")).ok();
        repo.write(file, text);
        let config = repo.path().join(file);
        for cmd in [&["scan", "a.txt"][..], &["pre-commit"], &["lint"]] {
            let out = run(repo.leakgate().args(cmd).arg("--config").arg(&config));
            assert_eq!(out.code, 2, "{cmd:?} {file}: {}{}", out.stdout, out.stderr);
            assert!(
                out.stderr.contains(want),
                "{cmd:?}: want {want:?}:\n{}",
                out.stderr
            );
        }
        if *file == ".leakgate.toml" {
            // Found at the root without --config too.
            let out = run(repo.leakgate().args(["scan", "a.txt"]));
            assert_eq!(out.code, 2, "{}", out.stderr);
            assert!(out.stderr.contains(want), "{}", out.stderr);
        }
    }
}

#[test]
fn init_writes_a_no_op_starter_and_does_not_overwrite() {
    let repo = TestRepo::new();
    std::fs::create_dir_all(repo.path().join("sub")).unwrap();
    repo.write("a.txt", format!("{}\n", fake_github_token("ghp_")));
    repo.write(".env", util::env_with_secret("A=1\n"));
    let (_, before, _) = scan_json(&repo, &[]);

    let out = run(repo.leakgate_in("sub").arg("init"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let path = repo.path().join(".leakgate.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("#[allowlist]") && text.contains("#must_not_track"),
        "{text}"
    );
    // A no-op: the same findings, and nothing on stderr.
    let (_, after, stderr) = scan_json(&repo, &[]);
    assert_eq!(found(&before), found(&after));
    assert!(stderr.is_empty(), "{stderr}");

    std::fs::write(&path, "# mine\n").unwrap();
    let out = run(repo.leakgate().arg("init"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    let out = run(repo.leakgate().args(["init", "--force"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
