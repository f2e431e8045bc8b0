//! The one regex builder of every rule pattern (ASCII classes, bytes, size limits) and the
//! engines built from it: the full regex, the light one, and the gate.

use super::*;

pub(crate) fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(32 << 20)
        .dfa_size_limit(512 << 10)
        .build()
}

/// How a rule's pattern is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    /// As `regex::bytes::Regex` does (`build_regex`): a lazy DFA, forward and reverse, with
    /// literal prefilters. The fastest search, the slowest build.
    Full,
    /// An NFA searched by the PikeVM or the bounded backtracker, with capture groups: the same
    /// matches, slower per byte, a few times faster to build. For a few windows of a commit.
    Light,
}

/// How [`Rule::light_regex`] compiles a pattern.
pub fn light_build(hir: &regex_syntax::hir::Hir) -> Option<regex_automata::meta::Regex> {
    build_hir(hir, Engine::Light, meta_config(Engine::Light))
}

/// `None` only if the pattern is too big for the engine (its syntax was checked at load).
pub(crate) fn build_pattern(pattern: &str, engine: Engine) -> Option<regex_automata::meta::Regex> {
    let hir = regex_automata::util::syntax::parse_with(pattern, &syntax_config()).ok()?;
    build_hir(&hir, engine, meta_config(engine))
}

/// The regex of `hir` with `config` (made from `engine`'s settings).
///
/// With the `Full` engine, a pattern without a fast literal prefix is searched by the lazy
/// DFA alone: the meta regex would otherwise pick its "reverse inner literal" strategy,
/// which on a long line full of that literal detects quadratic work and falls back to the
/// PikeVM for the whole search (100× slower per byte).
pub(crate) fn build_hir(
    hir: &regex_syntax::hir::Hir,
    engine: Engine,
    config: regex_automata::meta::Config,
) -> Option<regex_automata::meta::Regex> {
    use regex_automata::util::prefilter::Prefilter;
    let fast_prefix = || {
        Prefilter::from_hir_prefix(regex_automata::MatchKind::LeftmostFirst, hir)
            .is_some_and(|p| p.is_fast())
    };
    let config = if engine == Engine::Full && !fast_prefix() {
        config.auto_prefilter(false)
    } else {
        config
    };
    regex_automata::meta::Builder::new()
        .configure(config)
        .build_from_hir(hir)
        .ok()
}

/// How every rule pattern is parsed: ASCII classes, matching bytes (not only UTF-8).
pub(crate) fn syntax_config() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false)
}

/// The regex engine settings of `engine`.
pub(crate) fn meta_config(engine: Engine) -> regex_automata::meta::Config {
    use regex_automata::{MatchKind, meta};
    let config = meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(false)
        .nfa_size_limit(Some(32 << 20))
        .hybrid_cache_capacity(512 << 10);
    match engine {
        Engine::Full => config,
        Engine::Light => config
            .hybrid(false)
            .dfa(false)
            .onepass(false)
            .auto_prefilter(false),
    }
}

/// A rule's gate: a cheap stand-in for its pattern that lets through every window holding a
/// finding, and few others.
/// - Each long bounded repetition (`{16,1024}`) is made unbounded: a superset of the
///   language, with far fewer NFA states; it builds some 20-50× faster than the `Full`
///   regex, whose size grows with those bounds.
/// - The top-level alternatives that cannot capture the secret are dropped: a rule has them
///   to consume what must not be reported (`next_token = …`), so a window where only they
///   match holds no finding.
/// - No capture groups.
///
/// With the `Light` engine, it is searched by an NFA: in a commit, where a rule's keyword is
/// common and its pattern rarely matches, it saves most of the compiling. With `Full`, by a
/// lazy DFA, for bulk input: most windows (a keyword in a line) hold no match, and this
/// answers them at DFA speed with far smaller automata and caches than the `Full` regex; the
/// few windows it lets through are then matched with the `Light` regex.
pub(crate) fn build_gate(
    pattern: &str,
    secret: SecretGroup,
    engine: Engine,
) -> Option<regex_automata::meta::Regex> {
    use regex_automata::nfa::thompson::WhichCaptures;
    let hir = regex_automata::util::syntax::parse_with(pattern, &syntax_config()).ok()?;
    let group = match secret {
        SecretGroup::Group(n) => Some(n),
        SecretGroup::FirstNonEmpty => None,
    };
    let how = crate::gate::Widening {
        max_bound: 32,
        min_cap: None,
    };
    build_hir(
        &crate::gate::gate_hir(&hir, group, how),
        engine,
        meta_config(engine).which_captures(WhichCaptures::None),
    )
}

#[cfg(test)]
mod tests {
    /// No rule's pattern compiles to a huge automaton. Its states set what compiling it costs
    /// (once per process, in the hook's time budget) and the size of each capture search's
    /// tables (states × slots, made again whenever a thread's regex caches are dropped for
    /// their budget): three curl rules with a quoted string bounded at 200 inside a group
    /// bounded at 400 were 325,000-488,000 states each, and made the hook-versus-scan
    /// differential test spend 35 s of its 50 s in the kernel, zeroing those tables. A long
    /// run of one class (`[A-Za-z0-9+/]{80,8000}`) costs a state per repeat; a group that
    /// repeats another bounded repetition multiplies them: write such a group unbounded
    /// (`(?:…)*?`) where the window already limits how far it reaches.
    #[test]
    fn no_rule_pattern_compiles_to_a_huge_automaton() {
        const MOST: usize = 20_000;
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let mut sizes: Vec<(usize, &str)> = rules
            .rules
            .iter()
            .map(|r| {
                let hir = regex_automata::util::syntax::parse_with(
                    r.spec.pattern.get_ref(),
                    &super::syntax_config(),
                )
                .expect("a builtin pattern parses");
                let nfa = regex_automata::nfa::thompson::Compiler::new()
                    .build_from_hir(&hir)
                    .expect("a builtin pattern compiles");
                (nfa.states().len(), r.spec.id.as_str())
            })
            .collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        assert!(sizes.len() > 300, "{} rules", sizes.len());
        let huge: Vec<_> = sizes.iter().filter(|(n, _)| *n > MOST).collect();
        assert!(
            huge.is_empty(),
            "rule patterns over {MOST} NFA states (states, rule): {huge:?}"
        );
    }
}
