//! `leakgate scan` and `leakgate rules`, through the real binary on temp dirs.

use crate::util;

use util::{fake_github_token, leakgate, run};

#[test]
fn finds_a_token_with_path_line_and_rule() {
    let dir = util::tempdir().unwrap();
    let token = fake_github_token("ghp_");
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/app.py"),
        format!("import os\n\nTOKEN = \"{token}\"\n"),
    )
    .unwrap();
    let out = run(leakgate()
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["rule_id"], "github-classic-token");
    assert_eq!(f["path"], "src/app.py");
    assert_eq!(f["line"], 3);
    assert_eq!(f["column"], 10);
    assert_eq!(f["end_line"], 3);
    assert_eq!(f["severity"], "high");
    assert_eq!(f["secret"], format!("{}…(40)", &token[..6]));
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 40);
    assert_eq!(v["stats"]["files_scanned"], 1);
    assert!(!out.stdout.contains(&token));
}

#[test]
fn text_output_is_redacted_and_has_a_summary() {
    let dir = util::tempdir().unwrap();
    let token = fake_github_token("gho_");
    std::fs::write(dir.path().join("config.yml"), format!("token: {token}\n")).unwrap();
    let out = run(leakgate().current_dir(dir.path()).arg("scan"));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .starts_with("config.yml:1:8: github-classic-token [high] GitHub token: gho_"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("…(40)"));
    assert!(!out.stdout.contains(&token));
    assert!(
        !out.stdout.contains('\x1b'),
        "no colour when not a terminal"
    );
    let last = out.stdout.lines().last().unwrap();
    assert_eq!(last, "1 finding in 1 file (scanned 1 file, 48 B)");
}

#[test]
fn color_never_with_no_color_even_when_forced() {
    let dir = util::tempdir().unwrap();
    let token = fake_github_token("ghp_");
    std::fs::write(dir.path().join("a.txt"), format!("{token}\n")).unwrap();
    let forced = run(leakgate().arg("--color=always").arg("scan").arg(dir.path()));
    assert!(forced.stdout.contains('\x1b'));
    let no_color = run(leakgate()
        .env("NO_COLOR", "1")
        .arg("--color=always")
        .arg("scan")
        .arg(dir.path()));
    assert!(!no_color.stdout.contains('\x1b'));
}

#[test]
fn sarif_output_has_rules_regions_and_fingerprints() {
    let dir = util::tempdir().unwrap();
    let token = fake_github_token("ghs_");
    std::fs::write(dir.path().join("ci.env"), format!("X=1\nGH={token}\n")).unwrap();
    let out = run(leakgate().arg("scan").arg(dir.path()).args(["-f", "sarif"]));
    assert_eq!(out.code, 1);
    assert!(!out.stdout.contains(&token));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    let rule = &run0["tool"]["driver"]["rules"][0];
    assert_eq!(rule["id"], "github-classic-token");
    assert!(rule["help"]["text"].as_str().unwrap().contains("Revoke"));
    assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
    let res = &run0["results"][0];
    assert_eq!(res["ruleId"], "github-classic-token");
    assert_eq!(res["level"], "error");
    let region = &res["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], 4);
    assert_eq!(region["endLine"], 2);
    assert_eq!(region["endColumn"], 44);
    assert_eq!(
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "ci.env"
    );
    assert!(res["partialFingerprints"]["primaryLocationLineHash"].is_string());
}

#[test]
fn clean_tree_exits_zero_and_says_what_it_scanned() {
    let dir = util::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rs"), "fn main() {}\n").unwrap();
    std::fs::write(dir.path().join("b.bin"), b"\x00\x01binary").unwrap();
    let out = run(leakgate().arg("scan").arg(dir.path()));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "no secrets found (scanned 1 file, 13 B; skipped 1 binary)"
    );
}

#[test]
fn checksum_failure_is_not_reported() {
    let dir = util::tempdir().unwrap();
    let mut token = fake_github_token("ghp_");
    let last = token.pop().unwrap();
    token.push(if last == 'a' { 'b' } else { 'a' });
    std::fs::write(dir.path().join("a.txt"), format!("t = {token}\n")).unwrap();
    let out = run(leakgate().arg("scan").arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn stdin_is_scanned() {
    let token = fake_github_token("ghu_");
    let out = util::run_stdin(
        leakgate().args(["scan", "-"]),
        format!("log line\nAuthorization: token {token}\n").as_bytes(),
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.starts_with("<stdin>:2:22: github-classic-token"),
        "{}",
        out.stdout
    );
}

#[test]
fn hidden_files_scanned_gitignore_honoured_git_dir_skipped() {
    let dir = util::tempdir().unwrap();
    let p = dir.path();
    let t1 = fake_github_token("ghp_");
    let t2 = fake_github_token("ghp_");
    let t3 = fake_github_token("ghp_");
    std::fs::create_dir_all(p.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(p.join(".git")).unwrap();
    std::fs::create_dir_all(p.join("build")).unwrap();
    std::fs::write(p.join(".github/workflows/ci.yml"), format!("t: {t1}\n")).unwrap();
    std::fs::write(p.join(".git/config"), format!("t: {t2}\n")).unwrap();
    std::fs::write(p.join("build/out.txt"), format!("t: {t3}\n")).unwrap();
    std::fs::write(p.join(".gitignore"), "build/\n").unwrap();
    let out = run(leakgate().arg("scan").arg(p).args(["-f", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec![".github/workflows/ci.yml"]);
    let all = run(leakgate()
        .arg("scan")
        .arg(p)
        .args(["-f", "json", "--no-ignore"]));
    let v: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    let mut paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, vec![".github/workflows/ci.yml", "build/out.txt"]);
}

#[test]
fn large_files_are_skipped_and_counted() {
    let dir = util::tempdir().unwrap();
    let token = fake_github_token("ghp_");
    std::fs::write(
        dir.path().join("big.txt"),
        format!("{token}\n{}", "a".repeat(5000)),
    )
    .unwrap();
    let out = run(leakgate()
        .arg("scan")
        .arg(dir.path())
        .args(["--max-filesize", "1000"]));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("skipped 1 too large"), "{}", out.stdout);
}

#[test]
fn invalid_utf8_and_crlf_are_scanned() {
    let dir = util::tempdir().unwrap();
    let token = fake_github_token("ghp_");
    let mut bytes = b"caf\xe9 \xff\xfe\r\nkey=".to_vec();
    bytes.extend_from_slice(token.as_bytes());
    bytes.extend_from_slice(b"\r\n");
    std::fs::write(dir.path().join("latin1.txt"), bytes).unwrap();
    let out = run(leakgate().arg("scan").arg(dir.path()).args(["-f", "json"]));
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["line"], 2);
    assert_eq!(v["findings"][0]["column"], 5);
}

#[test]
fn inline_allow_comments() {
    let dir = util::tempdir().unwrap();
    let lines = [
        format!("a = '{}'  # leakgate:allow\n", fake_github_token("ghp_")),
        format!("b = '{}'  // gitleaks:allow\n", fake_github_token("ghp_")),
        format!(
            "c = '{}'  # pragma: allowlist secret\n",
            fake_github_token("ghp_")
        ),
    ];
    std::fs::write(dir.path().join("a.py"), lines.concat()).unwrap();
    let out = run(leakgate().arg("scan").arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn missing_path_is_an_error_naming_it() {
    let out = run(leakgate().args(["scan", "/nonexistent/leakgate-test"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("/nonexistent/leakgate-test"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_error_exits_2() {
    let out = run(leakgate().args(["scan", "--format", "xml"]));
    assert_eq!(out.code, 2);
    let out = run(leakgate().arg("frobnicate"));
    assert_eq!(out.code, 2);
}

#[test]
fn broken_rule_file_is_a_clear_error() {
    let dir = util::tempdir().unwrap();
    let bad = dir.path().join("rules.toml");
    std::fs::write(
        &bad,
        "version = 1\n\n[[rule]]\nid = \"my-rule\"\nname = \"x\"\nseverity = \"high\"\npattern = '(unclosed'\nkeywords = [\"ab\"]\ndescription = \"d\"\nremediation = \"r\"\nexamples = [\"ab\"]\n",
    )
    .unwrap();
    let out = run(leakgate().args(["rules", "test", "--rules"]).arg(&bad));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("rules.toml:7: rule `my-rule`: bad pattern"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);

    std::fs::write(
        &bad,
        "[[rule]]\nid = \"my-rule\"\nname = \"x\"\nseverity = \"high\"\npattern = '(x)'\nkeywords = [\"ab\"]\ndescription = \"d\"\nremediation = \"r\"\nexamples = [\"ab\"]\nnegative_example = [\"cd\"]\n",
    )
    .unwrap();
    let out = run(leakgate().args(["scan", "-", "--rules"]).arg(&bad));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("rules.toml:10: rule `my-rule`: unknown field `negative_example`"),
        "{}",
        out.stderr
    );
}

#[test]
fn rules_test_reports_each_failure() {
    let dir = util::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(
        &file,
        "[[rule]]\nid = \"acme-key\"\nname = \"Acme key\"\nseverity = \"high\"\npattern = '''\\b(acme_[a-z0-9]{8})\\b'''\nkeywords = [\"acme_\"]\ndescription = \"d\"\nremediation = \"r\"\nexamples = [\"k = acme_q8w7e6r5\", \"nothing here\"]\nnegative_examples = [\"k = acme_z9y8x7w6\"]\n",
    )
    .unwrap();
    let out = run(leakgate().args(["rules", "test", "--rules"]).arg(&file));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("acme-key: examples[1] gave 0 findings"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("acme-key: negative_examples[0] matched: k = acme_z9y8x7w6")
    );
    assert!(out.stdout.contains("2 failed"));
}

#[test]
fn builtin_rules_pass_through_the_cli() {
    let out = run(leakgate().args(["rules", "test"]));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.trim_end().ends_with(": 0 failed"));
    let list = run(leakgate().args(["rules", "list"]));
    assert_eq!(list.code, 0);
    let explain = run(leakgate().args(["rules", "explain", "github-classic-token"]));
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.contains("How to fix"));
    let missing = run(leakgate().args(["rules", "explain", "no-such-rule"]));
    assert_eq!(missing.code, 2);
}

#[test]
fn a_closed_pipe_keeps_the_verdict_and_never_panics() {
    let dir = util::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.env.txt"),
        format!("GITHUB_TOKEN={}\n", fake_github_token("ghp_")),
    )
    .unwrap();
    std::fs::write(dir.path().join("clean.txt"), "hello\n").unwrap();
    let closed =
        |args: &[&str]| util::run_into_closed_pipe(leakgate().current_dir(dir.path()).args(args));
    for format in ["text", "json", "sarif"] {
        assert_eq!(closed(&["scan", "a.env.txt", "--format", format]), Some(1));
        assert_eq!(closed(&["scan", "clean.txt", "--format", format]), Some(0));
    }
    for shell in ["bash", "zsh", "fish"] {
        assert_eq!(closed(&["completions", shell]), Some(0));
    }
    assert_eq!(closed(&["rules", "list"]), Some(0));
    assert_eq!(closed(&["--help"]), Some(0));
}

#[test]
fn fifos_dev_stdin_and_process_substitution_are_read() {
    let dir = util::tempdir().unwrap();
    let line = format!("GITHUB_TOKEN={}\n", fake_github_token("ghp_"));
    // `scan /dev/stdin`
    let out = util::run_stdin(leakgate().args(["scan", "/dev/stdin"]), line.as_bytes());
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("github-classic-token"),
        "{}",
        out.stdout
    );
    // `scan <(cat file)` and a named FIFO, through a shell.
    std::fs::write(dir.path().join("t.txt"), &line).unwrap();
    let script = format!(
        "cd '{}' && mkfifo f && (cat t.txt > f &) && \"$LG\" scan f",
        dir.path().display()
    );
    for cmd in [
        script,
        "\"$LG\" scan <(printf 'GITHUB_TOKEN=%s\\n' \"$TOK\")".to_string(),
    ] {
        let out = run(std::process::Command::new("bash")
            .args(["-c", &cmd])
            .env("LG", env!("CARGO_BIN_EXE_leakgate"))
            .env("TOK", fake_github_token("ghp_")));
        assert_eq!(out.code, 1, "{cmd}: {}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains("scanned 1 file"), "{}", out.stdout);
    }
}

/// The run context comes from what is scanned: a repository scanned from inside another one
/// brings its own `.leakgate.toml` (the current one's allowlist does not hide its findings),
/// and a file is named from its repository's root however it was given on the command line,
/// so that a path allowlist holds for `scan src`, `scan src/app.py` and `scan .` in `src`.
#[test]
fn the_scanned_repository_decides_the_configuration_and_the_names() {
    let here = util::TestRepo::new();
    std::fs::write(
        here.path().join(".leakgate.toml"),
        "[allowlist]\npaths = [\"**\"]\n",
    )
    .unwrap();
    let other = util::TestRepo::new();
    for dir in ["src", "legacy"] {
        std::fs::create_dir_all(other.path().join(dir)).unwrap();
    }
    let line = |t: String| format!("TOKEN = \"{t}\"\n");
    std::fs::write(
        other.path().join("src/app.py"),
        line(fake_github_token("ghp_")),
    )
    .unwrap();
    std::fs::write(
        other.path().join("legacy/old.py"),
        line(fake_github_token("ghp_")),
    )
    .unwrap();
    std::fs::write(
        other.path().join(".leakgate.toml"),
        "[allowlist]\npaths = [\"legacy/**\"]\n",
    )
    .unwrap();
    let scan = |cwd: &std::path::Path, arg: &std::path::Path| {
        let out = run(leakgate()
            .current_dir(cwd)
            .arg("scan")
            .arg(arg)
            .args(["--format", "json"]));
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let paths: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        (out.code, paths)
    };
    // From inside `here`, the other repository's own allowlist applies, not `here`'s.
    assert_eq!(
        scan(&here.path(), &other.path()),
        (1, vec!["src/app.py".to_string()])
    );
    let src = other.path().join("src");
    let cases: [(&std::path::Path, &str, i32, &[&str]); 6] = [
        (&other.path(), "src", 1, &["src/app.py"]),
        (&other.path(), "src/app.py", 1, &["src/app.py"]),
        (&src, ".", 1, &["src/app.py"]),
        (&src, "app.py", 1, &["src/app.py"]),
        (&src, "../legacy", 0, &[]),
        (&other.path(), "legacy/old.py", 0, &[]),
    ];
    for (cwd, arg, code, paths) in cases {
        let got = scan(cwd, std::path::Path::new(arg));
        let want: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        assert_eq!(got, (code, want), "scan {arg} in {}", cwd.display());
    }
}

/// A finding in a test, docs or vendored path says so (`context`), in JSON and SARIF; it is
/// found all the same.
#[test]
fn findings_carry_the_context_of_their_path() {
    let repo = util::TestRepo::new();
    for dir in ["src", "tests/fixtures", "vendor/lib"] {
        std::fs::create_dir_all(repo.path().join(dir)).unwrap();
        std::fs::write(
            repo.path().join(dir).join("conf.py"),
            format!("TOKEN = \"{}\"\n", fake_github_token("ghp_")),
        )
        .unwrap();
    }
    let out = run(leakgate()
        .current_dir(repo.path())
        .args(["scan", ".", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let got: Vec<(String, Option<String>)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["context"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("src/conf.py".to_string(), None),
            (
                "tests/fixtures/conf.py".to_string(),
                Some("test".to_string())
            ),
            ("vendor/lib/conf.py".to_string(), Some("vendor".to_string())),
        ]
    );
    let out = run(leakgate()
        .current_dir(repo.path())
        .args(["scan", ".", "--format", "sarif"]));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let contexts: Vec<Option<&str>> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["context"].as_str())
        .collect();
    assert_eq!(contexts, vec![None, Some("test"), Some("vendor")]);
}

#[test]
fn key_stores_are_found_by_content_whatever_their_name() {
    let dir = util::tempdir().unwrap();
    // A PKCS#12 PFX's first bytes (SEQUENCE, INTEGER 3, SEQUENCE, OID pkcs7-data), then bytes.
    let mut pfx = vec![
        0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30, 0x82, 0x00, 0xF0,
    ];
    pfx.extend([
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01,
    ]);
    pfx.extend((0..240u32).map(|i| (i * 37 % 251) as u8));
    std::fs::write(dir.path().join("private.key"), &pfx).unwrap();
    // A JKS store (magic, version 2) under a name no glob knows.
    let mut jks = vec![0xFE, 0xED, 0xFE, 0xED, 0x00, 0x00, 0x00, 0x02];
    jks.extend((0..240u32).map(|i| (i * 53 % 251) as u8));
    std::fs::write(dir.path().join("store.bin"), &jks).unwrap();
    // Not key stores: a DER SEQUENCE of another version, Android's debug key store (exempt
    // by name, as java-keystore-file says).
    let mut other = pfx.clone();
    other[6] = 0x01;
    std::fs::write(dir.path().join("cert.der"), &other).unwrap();
    std::fs::write(dir.path().join("debug.keystore"), &jks).unwrap();
    let out = run(leakgate()
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found = util::path_rules(&v);
    assert_eq!(
        found,
        [
            (
                "private.key".to_string(),
                "pkcs12-keystore-file".to_string()
            ),
            ("store.bin".to_string(), "java-keystore-file".to_string()),
        ]
    );
}

/// Standard base64 with padding (the tests' own, to encode material made at test time).
fn b64(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            out.push_str(&"=="[..3 - chunk.len()]);
        }
    }
    out
}

#[test]
fn encoded_private_keys_and_jwts_are_found_in_every_shape() {
    const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // A fake key made now: a PEM block around random bytes, 64 base64 characters a line.
    // The seed is printed (shown when the test fails); `KEY_SEED=N` replays it.
    let mut seed = std::env::var("KEY_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
        | 1;
    println!("KEY_SEED={seed}");
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    };
    let pem = |label: &str, body: &[u8]| {
        let b = b64(body, STD, true);
        let lines: Vec<&str> = b
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    };
    let key = pem("RSA PRIVATE KEY", &random(600));
    let pkcs8 = pem("PRIVATE KEY", &random(48));
    let cert = pem("CERTIFICATE", &random(600));
    let public = pem("PUBLIC KEY", &random(290));
    let enc = |s: &str| b64(s.as_bytes(), STD, true);
    let wrapped = |s: &str, sep: &str| {
        let e = enc(s);
        let lines: Vec<&str> = e
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        lines.join(sep)
    };
    let jwt = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"HS256","typ":"JWT"}"#, URL, false),
        b64(
            format!(
                r#"{{"sub":"{}","iat":1700000000}}"#,
                enc(&String::from_utf8_lossy(&random(6)))
            )
            .as_bytes(),
            URL,
            false
        ),
        b64(&random(32), URL, false)
    );
    let dir = util::tempdir().unwrap();
    let files = [
        // -----BEGIN at offset 0, 1 and 2 of the encoded bytes.
        (
            "fixture_test.go",
            format!("package x\n\nconst key = \"{}\"\n", enc(&key)),
        ),
        (
            "bundle.env",
            format!("KEY_BUNDLE={}\n", enc(&format!("key\n{pkcs8}"))),
        ),
        (
            "values.yaml",
            format!("tls:\n  bundle: {}\n", enc(&format!("tls:\n{key}"))),
        ),
        (
            "secret.yaml",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ndata:\n  tls.key: {}\n",
                enc(&key)
            ),
        ),
        (
            "upload.multipart",
            format!(
                "--b\r\nContent-Type: application/x-pem-file\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
                wrapped(&key, "\r\n")
            ),
        ),
        (
            "b64block.yaml",
            format!("signing_key: |\n  {}\nnext: 1\n", wrapped(&pkcs8, "\n  ")),
        ),
        ("jwt.txt", format!("SESSION={}\n", enc(&jwt))),
        // A PEM key in YAML block scalars of each indicator.
        (
            "block.yaml",
            ["|", "|-", ">", ">-", "|+"]
                .iter()
                .map(|ind| {
                    format!(
                        "k{}: {ind}\n{}",
                        ind.len(),
                        key.lines().map(|l| format!("  {l}\n")).collect::<String>()
                    )
                })
                .collect::<String>(),
        ),
        // Encoded, but not private keys.
        (
            "cert.yaml",
            format!("ca: {}\npub: {}\n", enc(&cert), enc(&public)),
        ),
        (
            "header.go",
            format!("const h = \"{}\"\n", enc("-----BEGIN PRIVATE KEY-----\n")),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = run(leakgate()
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    let mut want = vec![
        s("b64block.yaml", "private-key-base64"),
        s("bundle.env", "private-key-base64"),
        s("fixture_test.go", "private-key-base64"),
        s("jwt.txt", "jwt-base64"),
        s("secret.yaml", "private-key"),
        s("upload.multipart", "private-key-base64"),
        s("values.yaml", "private-key-base64"),
    ];
    want.extend(std::iter::repeat_n(
        s("block.yaml", "private-key-indented"),
        5,
    ));
    want.sort();
    assert_eq!(util::path_rules(&v), want, "{}", out.stdout);
}

#[test]
fn a_key_whose_body_spells_a_mask_in_mixed_case_is_found() {
    // Random base64 spells `xxxx` in some case about once in 1,000 places: a key body holding
    // `xXxX` or `XXXX` is still a key (a mask is typed in one case, and in a key body is longer).
    const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut rng = util::Rng::new(0x5EED_F1EA_F000_0001);
    let body: String = (0..1600).map(|_| char::from(*rng.pick(STD))).collect();
    let dir = util::tempdir().unwrap();
    for (i, mark) in ["xXxX", "XxXxX", "XXXX", "xxxxx"].iter().enumerate() {
        let mut b = body.clone();
        b.replace_range(700..700 + mark.len(), mark);
        let lines: Vec<&str> = b
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let pem = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            lines.join("\n")
        );
        std::fs::write(dir.path().join(format!("fixture{i}.txt")), &pem).unwrap();
        let yaml: String = pem.lines().map(|l| format!("  {l}\n")).collect();
        std::fs::write(
            dir.path().join(format!("values{i}.yaml")),
            format!("key: |\n{yaml}"),
        )
        .unwrap();
    }
    let out = run(leakgate()
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let paths: Vec<String> = util::path_rules(&v).into_iter().map(|(p, _)| p).collect();
    for i in 0..4 {
        for f in [format!("fixture{i}.txt"), format!("values{i}.yaml")] {
            assert!(paths.contains(&f), "{f} not found: {}", out.stdout);
        }
    }
}
