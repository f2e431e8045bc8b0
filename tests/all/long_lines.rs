//! Long lines full of keyword hits (minified files, logs, blobs): the matcher looks at each
//! byte a bounded number of times, and finds what a short line would show.

use crate::util;

use util::{Rng, TestRepo, fake_github_token, leakgate, run_stdin};

/// A fresh fake AWS access key id (the validator's alphabet).
fn fake_aws_key_id(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let tail: String = (0..16).map(|_| char::from(*rng.pick(ALPHABET))).collect();
    format!("AKIA{tail}")
}

/// About `len` bytes of one line of near-misses: keyword hits of many rules whose values are
/// too short, of the wrong alphabet or fail their checksum.
fn near_misses(rng: &mut Rng, len: usize) -> String {
    let mut line = String::with_capacity(len + 200);
    while line.len() < len {
        let piece = match rng.below(8) {
            0 => format!("ghp_{} ", rng.base62(20)),
            1 => format!("AKIA{} ", rng.base62(8).to_ascii_uppercase()),
            2 => format!("password={} ", rng.base62(4)),
            3 => format!("\"token\":\"{}\",", rng.base62(3)),
            4 => format!("\"api_key\":\"{}\",", rng.base62(5)),
            5 => format!("-----BEGIN {} ", rng.base62(6)),
            6 => format!("{}secret{} ", rng.base62(40), rng.base62(2)),
            _ => format!("xoxb-{} sk_live_{} ", rng.base62(3), rng.base62(4)),
        };
        line.push_str(&piece);
    }
    line
}

/// (rule, line, column) of every finding in a JSON report.
fn positions(v: &serde_json::Value) -> Vec<(String, u64, u64)> {
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A 10 MB line of near-misses with a GitHub token and an AWS key id in its middle and a
/// GitHub token at its very end, and the columns where they are.
fn planted_line() -> (String, Vec<(String, u64, u64)>) {
    let mut rng = Rng::fresh();
    let mut line = near_misses(&mut rng, 5_000_000);
    let mut expected = Vec::new();
    let middle = fake_github_token("ghp_");
    expected.push(("github-classic-token".to_string(), 1, line.len() as u64 + 1));
    line.push_str(&middle);
    line.push(' ');
    expected.push(("aws-access-key-id".to_string(), 1, line.len() as u64 + 1));
    line.push_str(&fake_aws_key_id(&mut rng));
    line.push(' ');
    line.push_str(&near_misses(&mut rng, 5_000_000));
    let end = fake_github_token("ghp_");
    expected.push(("github-classic-token".to_string(), 1, line.len() as u64 + 1));
    line.push_str(&end);
    line.push('\n');
    expected.sort();
    (line, expected)
}

#[test]
fn tokens_in_the_middle_and_at_the_end_of_a_10_mb_line_are_found_by_scan() {
    let (line, expected) = planted_line();
    let out = run_stdin(
        leakgate().args(["scan", "-", "--format", "json"]),
        line.as_bytes(),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(positions(&out.json()), expected);
}

#[test]
fn tokens_in_the_middle_and_at_the_end_of_a_10_mb_line_are_found_by_the_hook() {
    let (line, expected) = planted_line();
    let repo = TestRepo::new();
    repo.stage("dist/app.min.js", line.as_bytes());
    let (code, v) = repo.pre_commit_json();
    assert_eq!(code, 1, "{v}");
    let found: Vec<_> = positions(&v)
        .into_iter()
        .filter(|(rule, ..)| rule != "dotenv-file")
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn a_line_of_thousands_of_tokens_reports_each_once_at_its_column() {
    // What each token gives on a line of its own, it gives on one long line.
    let tokens: Vec<String> = (0..3000).map(|_| fake_github_token("ghp_")).collect();
    let line = tokens.join(" ") + "\n";
    let out = run_stdin(
        leakgate().args(["scan", "-", "--format", "json"]),
        line.as_bytes(),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let expected: Vec<_> = (0..tokens.len())
        .map(|i| ("github-classic-token".to_string(), 1, 41 * i as u64 + 1))
        .collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(positions(&out.json()), expected);
}

#[test]
fn an_allow_comment_on_a_long_line_covers_that_line_only() {
    let tokens: Vec<String> = (0..2000).map(|_| fake_github_token("ghp_")).collect();
    let allowed = tokens[..1000].join(" ") + " # leakgate:allow\n";
    let reported = tokens[1000..].join(" ") + "\n";
    let input = format!("{allowed}{reported}");
    let out = run_stdin(
        leakgate().args(["scan", "-", "--format", "json"]),
        input.as_bytes(),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let found = positions(&out.json());
    assert_eq!(found.len(), 1000);
    assert!(found.iter().all(|(_, line, _)| *line == 2), "{found:?}");
}
