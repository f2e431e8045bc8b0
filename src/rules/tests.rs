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
