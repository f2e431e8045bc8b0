//! The hook against the plain scan: for random edits of files made of rule examples, what
//! the hook reports must be exactly what a scan of the whole staged file reports, kept to the
//! findings that touch an added line. The hook takes shortcuts (keywords only near added
//! lines, large files matched only around their hunks, its own quick-to-build matcher); this
//! checks that they never change the answer: thousands of trials in process, through
//! `check::added` (the hook's plan) against `check::whole` (the scan's), and a few through the
//! real `git` and the binaries, where the added lines are the ones `git diff --cached` names.
//! Seeded, so a failure reproduces; `DIFF_SEED=N` tries other trials and `DIFF_DUMP=1` writes a
//! failing trial's two versions to the temp dir.

use crate::util;

use util::{Rng, TestRepo, run};

const FILLER: &[&str] = &[
    "x = 1",
    "# a comment",
    "",
    "def f(a, b):",
    "    return a + b",
    "name: service",
    "  replicas: 3",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "{",
    "}",
    "items:",
    "  - one",
    "export PATH=$PATH:/usr/local/bin",
    "token = get_token()",
    "password = os.environ['PW']",
    "stages:",
    "  script:",
    "    - make test",
    "env:",
    "variables:",
    // A lone CR is not a line end for git (nor for leakgate): a progress bar, a CSV field,
    // a line that ends `\r\r\n` in a CRLF file.
    "progress 10%\rprogress 100%",
    "1,\"two\rlines\",3",
    "record\r",
];

/// Paths whose names the rules care about (contexts, file types).
const NAMES: &[&str] = &[
    "config.yaml",
    ".env",
    "app.py",
    "settings.json",
    ".gitlab-ci.yml",
    "Jenkinsfile",
    ".github/workflows/ci.yml",
    "main.tf",
    ".npmrc",
    "notes.txt",
    "deploy/values.yaml",
    "src/App.java",
];

type Key = (String, u64, u64);

/// Where a line of the staged file came from.
#[derive(Clone, Copy, PartialEq)]
enum Origin {
    Filler,
    /// Example number `n`; `multi` when it spans several lines.
    Example {
        n: usize,
        multi: bool,
    },
}

/// `(rule, line, end_line)` of each line-level finding in a JSON report.
fn line_findings(out: &util::Output) -> Vec<Key> {
    let v = out.json();
    let mut out: Vec<Key> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let line = f["line"].as_u64()?;
            Some((
                f["rule_id"].as_str().unwrap().to_string(),
                line,
                f["end_line"].as_u64().unwrap_or(line),
            ))
        })
        .collect();
    out.sort();
    out
}

/// The added line ranges (`start..end`, 1-based) of `git diff --cached -U0`.
fn added_ranges(diff: &str) -> Vec<(u64, u64)> {
    diff.lines()
        .filter(|l| l.starts_with("@@"))
        .filter_map(|l| {
            let plus = l.split('+').nth(1)?.split(' ').next()?;
            let (start, count) = match plus.split_once(',') {
                Some((s, c)) => (s.parse().ok()?, c.parse().ok()?),
                None => (plus.parse().ok()?, 1),
            };
            (count > 0).then_some((start, start + count))
        })
        .collect()
}

/// A random edit: a file name, HEAD's version and the staged version.
struct Trial {
    name: &'static str,
    base: String,
    staged: String,
    lines: usize,
    eol: &'static str,
}

/// The examples of every rule, and the multi-line ones (with a key block longer than any
/// example, whose header is far from its body lines).
fn examples(rng: &mut Rng) -> (Vec<String>, Vec<String>) {
    let rules = leakgate::rules::RuleSet::builtin_with_examples().unwrap();
    let examples: Vec<String> = rules
        .rules
        .iter()
        .flat_map(|r| r.spec.examples.iter().cloned())
        .collect();
    let body: String = (0..40).map(|_| rng.base62(64) + "\n").collect();
    let long_key = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----");
    let mut multi: Vec<String> = examples
        .iter()
        .filter(|e| e.contains('\n'))
        .cloned()
        .collect();
    multi.push(long_key);
    (examples, multi)
}

fn seed() -> u64 {
    // Another seed explores further: `DIFF_SEED=42 cargo test --test all differential`.
    std::env::var("DIFF_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0x5EED_1EA6_6A7E_0001)
}

fn trial(rng: &mut Rng, examples: &[String], multi: &[String], id: usize) -> Trial {
    let name = *rng.pick(NAMES);
    // Some files above the size where the hook matches only around the hunks.
    let big = rng.below(4) == 0;
    let n = if big {
        1200 + rng.below(1300)
    } else {
        5 + rng.below(35)
    };
    // The staged file: filler with examples among it.
    let mut lines: Vec<(String, Origin)> = (0..n)
        .map(|i| {
            let f = rng.pick(FILLER);
            let text = if big {
                format!("{f} {i}")
            } else {
                f.to_string()
            };
            (text, Origin::Filler)
        })
        .collect();
    // Half the examples placed are multi-line ones (key blocks, `NAME:` above `value:`):
    // where the hook's shortcuts could go wrong.
    let count = 1 + rng.below(8);
    // Each example at most once: with two copies of one, which is "added" is up to the diff.
    let mut used: Vec<&str> = Vec::new();
    for n in 0..count {
        let ex = if rng.below(2) == 0 {
            rng.pick(multi)
        } else {
            rng.pick(examples)
        };
        if used.contains(&ex.as_str()) {
            continue;
        }
        used.push(ex);
        let at = rng.below(lines.len() + 1);
        let origin = Origin::Example {
            n,
            multi: ex.contains('\n'),
        };
        lines.splice(at..at, ex.lines().map(|l| (l.to_string(), origin)));
    }
    // HEAD's version lacks what this commit adds: whole examples, single lines of multi-line
    // examples (a key's body line, the `value:` under a `NAME:`), and filler lines this
    // commit rewrites.
    let new_examples: Vec<usize> = (0..count).filter(|_| rng.below(3) == 0).collect();
    let mut base: Vec<String> = Vec::new();
    for (i, (text, origin)) in lines.iter().enumerate() {
        match *origin {
            Origin::Example { n, .. } if new_examples.contains(&n) => {}
            Origin::Example { multi: true, .. } if rng.below(5) == 0 => {}
            Origin::Filler if rng.below(20) == 0 => base.push(format!("old_{id}_{i} = 0")),
            _ => base.push(text.clone()),
        }
    }
    let count = lines.len();
    let lines: Vec<String> = lines.into_iter().map(|(text, _)| text).collect();
    // Mostly LF, some CRLF, and some CR-only files (one line, as git counts).
    let eol = match rng.below(8) {
        0 | 1 => "\r\n",
        2 => "\r",
        _ => "\n",
    };
    Trial {
        name,
        base: base.join(eol) + eol,
        staged: lines.join(eol) + eol,
        lines: count,
        eol,
    }
}

fn dump(t: &Trial, id: usize) {
    if std::env::var_os("DIFF_DUMP").is_some() {
        let tmp = std::env::temp_dir();
        std::fs::write(tmp.join(format!("diff-{id}.staged")), &t.staged).unwrap();
        std::fs::write(tmp.join(format!("diff-{id}.base")), &t.base).unwrap();
    }
}

fn keys(findings: impl IntoIterator<Item = leakgate::finding::Finding>) -> Vec<Key> {
    let mut out: Vec<Key> = findings
        .into_iter()
        .filter_map(|f| {
            let line = u64::from(f.line?);
            Some((f.rule_id, line, f.end_line.map_or(line, u64::from)))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_hooks_plan_finds_what_a_whole_scan_finds_on_the_added_lines() {
    use leakgate::check;
    use leakgate::scan::{Scanner, Scratch};
    let seed = seed();
    let mut rng = Rng::new(seed);
    let (examples, multi) = examples(&mut rng);
    let rules = leakgate::rules::RuleSet::builtin().unwrap();
    // The hook's matcher (quick to build, gated) against the bulk one (a DFA).
    let hook = Scanner::new_small(&rules);
    let bulk = Scanner::new(&rules);
    // Each trial from its own seeded generator, so that trial `id` is the same whatever the
    // number of threads that share the trials out.
    let one = |id: usize, s1: &mut Scratch, s2: &mut Scratch| {
        let mut rng = Rng::new(seed ^ (id as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let t = trial(&mut rng, &examples, &multi, id);
        let (base, staged) = (t.base.as_bytes(), t.staged.as_bytes());
        let got = keys(check::added(&hook, s1, t.name, Some(base), staged));
        let added = leakgate::git::staged::added_lines(base, staged);
        let whole = check::whole(&bulk, s2, &[t.name], Some(staged), u64::MAX, false);
        let want = keys(
            whole
                .findings
                .into_iter()
                .map(|(_, f)| f)
                .filter(|f| check::touches(&added, f)),
        );
        let failure = (got != want).then(|| {
            dump(&t, id);
            format!(
                "trial {id} ({}, {} lines, eol {:?}): hook {got:?}, whole scan of the added lines {want:?}",
                t.name, t.lines, t.eol
            )
        });
        (want.len(), usize::from(staged.len() > 32 * 1024), failure)
    };
    const TRIALS: usize = 3000;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let parts: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let one = &one;
                s.spawn(move || {
                    let (mut s1, mut s2) = (Scratch::default(), Scratch::default());
                    let (mut expected, mut big, mut failures) = (0, 0, Vec::new());
                    for id in (k..TRIALS).step_by(threads) {
                        let (n, b, f) = one(id, &mut s1, &mut s2);
                        expected += n;
                        big += b;
                        failures.extend(f);
                    }
                    (expected, big, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let expected_total: usize = parts.iter().map(|p| p.0).sum();
    let big: usize = parts.iter().map(|p| p.1).sum();
    let failures: Vec<String> = parts.into_iter().flat_map(|p| p.2).collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // The trials must exercise findings and the large-file shortcut, not compare empty lists.
    assert!(expected_total >= 1500, "only {expected_total} findings");
    assert!(big >= 300, "only {big} large files");
}

#[test]
fn pre_commit_reports_what_a_scan_of_the_added_lines_reports() {
    let mut rng = Rng::new(seed() ^ 0xC11);
    let (examples, multi) = examples(&mut rng);
    let mut expected_total = 0;
    let mut failures = Vec::new();
    for id in 0..25 {
        let t = trial(&mut rng, &examples, &multi, id);
        let repo = TestRepo::new();
        repo.stage(t.name, &t.base).commit("base");
        repo.stage(t.name, &t.staged);

        let hook =
            run(repo
                .leakgate()
                .args(["pre-commit", "--format", "json", "--no-gitignore-check"]));
        let got = line_findings(&hook);

        let added = added_ranges(&repo.git(&["diff", "--cached", "-U0", "--no-color"]));
        let alone = util::tempdir().unwrap();
        let copy = alone.path().join(t.name);
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::write(&copy, &t.staged).unwrap();
        let scan = run(repo
            .leakgate()
            .current_dir(alone.path())
            .args(["scan", "--format", "json", "."]));
        let want: Vec<Key> = line_findings(&scan)
            .into_iter()
            .filter(|(_, s, e)| added.iter().any(|&(a, b)| *s < b && *e >= a))
            .collect();
        expected_total += want.len();
        if got != want {
            dump(&t, id);
            failures.push(format!(
                "trial {id} ({}, {} lines, eol {:?}): pre-commit {got:?}, scan of the added lines {want:?}",
                t.name, t.lines, t.eol
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(expected_total >= 12, "only {expected_total} findings");
}
