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
