use super::*;

/// `prebuilt_dfa` skips validation: every DFA `build.rs` embedded must pass it.
#[test]
fn prebuilt_dfas_are_valid() {
    let ranges = generated::RULES
        .iter()
        .filter_map(|g| g.gate.clone())
        .chain(generated::ALLOWS.iter().filter_map(|(_, r)| r.clone()));
    let mut n = 0;
    for r in ranges {
        regex_automata::dfa::sparse::DFA::from_bytes(&generated::GATES[r]).expect("a valid DFA");
        n += 1;
    }
    // Nearly every rule has its gate compiled (a build that compiled none would pass
    // every other test, slowly).
    let rules = generated::RULES.len();
    let gated = generated::RULES.iter().filter(|g| g.gate.is_some()).count();
    assert!(
        gated * 100 >= rules * 95,
        "{gated} of {rules} rules have a gate DFA"
    );
    let allows = generated::ALLOWS.len();
    let compiled = generated::ALLOWS
        .iter()
        .filter(|(_, r)| r.is_some())
        .count();
    assert!(
        compiled * 100 >= allows * 95,
        "{compiled} of {allows} allow DFAs"
    );
    assert!(n > 0);
}

/// The rules `rules test` checks are the ones with the gate DFAs.
#[test]
fn the_rules_with_examples_have_the_prebuilt_gates() {
    let set = RuleSet::builtin_with_examples().unwrap();
    let with = set.rules.iter().filter(|r| r.prebuilt.is_some()).count();
    let builtin = RuleSet::builtin().unwrap();
    let expected = builtin
        .rules
        .iter()
        .filter(|r| r.prebuilt.is_some())
        .count();
    assert_eq!(with, expected);
    for r in set.rules.iter().filter(|r| r.prebuilt.is_some()) {
        assert!(matches!(r.gate(), Some(Gate::Dfa(_))), "{}", r.id());
    }
}

/// The light patterns `build.rs` stored are what `loosen::loosen` makes of each built-in
/// rule's pattern (or of its capturing branches, when split) at run time, read back whole;
/// and so are the split rules' exclusion alternations (`exclusion::exclusions`).
#[test]
fn prebuilt_light_patterns_are_the_patterns_loosened() {
    let set = RuleSet::builtin().unwrap();
    let mut n = 0;
    for r in &set.rules {
        let light = r
            .prebuilt_light
            .expect("every built-in rule has its light pattern");
        let of = match (light.of_main, r.split) {
            (true, Some(s)) => s.main,
            (false, None) => r.spec.pattern.get_ref().as_str(),
            _ => panic!(
                "{}: the light pattern is not of what the rule splits",
                r.id()
            ),
        };
        let want = crate::loosen::loosen(of).expect("a built-in pattern loosens");
        let got = light
            .loose(light.of_main)
            .expect("the stored tree reads back");
        assert_eq!(got, want, "{}", r.id());
        n += 1;
    }
    assert!(n > 300, "{n} rules");
}
