//! Every built-in rule's examples and negative examples, through the real scan path.

use leakgate::rules::RuleSet;
use leakgate::scan::{Scanner, Scratch};

#[test]
fn builtin_rule_examples() {
    let rules = RuleSet::builtin_with_examples().expect("rules.toml loads");
    let failures = leakgate::selftest::run(&rules);
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_rule_is_documented_and_tested() {
    let rules = RuleSet::builtin_with_examples().unwrap();
    for r in &rules.rules {
        let s = &r.spec;
        assert!(!s.description.trim().is_empty(), "{}: description", s.id);
        assert!(!s.remediation.trim().is_empty(), "{}: remediation", s.id);
        assert!(!s.examples.is_empty(), "{}: examples", s.id);
        assert!(
            !s.negative_examples.is_empty(),
            "{}: negative_examples",
            s.id
        );
    }
    for r in &rules.files {
        assert!(!r.spec.examples.is_empty(), "{}: examples", r.spec.id);
        assert!(
            !r.spec.negative_examples.is_empty(),
            "{}: negative_examples",
            r.spec.id
        );
    }
}

/// Things that look like secrets to a naive scanner and are not: nothing may be reported.
#[test]
fn precision_corpus_has_no_findings() {
    let rules = RuleSet::builtin().unwrap();
    let scanner = Scanner::new(&rules);
    let mut scratch = Scratch::default();
    let corpus = include_str!("../fixtures/not-secrets.txt");
    let mut problems = Vec::new();
    for (n, line) in corpus.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with("##") {
            continue;
        }
        let line = line.replace("\\n", "\n");
        for m in scanner.scan(line.as_bytes(), &mut scratch) {
            problems.push(format!(
                "line {}: {} matched: {}",
                n + 1,
                rules.rules[m.rule].id(),
                line
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The lean copy that scanning loads (made by build.rs) has the same rules as rules.toml.
#[test]
fn lean_builtin_matches_the_full_rule_file() {
    let lean = RuleSet::builtin().unwrap();
    let full = RuleSet::builtin_with_examples().unwrap();
    assert_eq!(lean.rules.len(), full.rules.len());
    assert_eq!(lean.files.len(), full.files.len());
    for (a, b) in lean.rules.iter().zip(&full.rules) {
        assert_eq!(a.spec.id, b.spec.id);
        assert_eq!(a.spec.pattern.get_ref(), b.spec.pattern.get_ref());
        assert_eq!(a.spec.keywords, b.spec.keywords);
        assert_eq!(a.spec.remediation, b.spec.remediation);
        assert_eq!(a.spec.min_entropy, b.spec.min_entropy);
        assert!(a.spec.examples.is_empty());
    }
    for (a, b) in lean.files.iter().zip(&full.files) {
        assert_eq!(a.spec.id, b.spec.id);
        assert_eq!(a.spec.paths, b.spec.paths);
        assert_eq!(
            a.spec.content.as_ref().map(|c| c.get_ref()),
            b.spec.content.as_ref().map(|c| c.get_ref())
        );
    }
}
