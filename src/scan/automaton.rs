//! The keyword automata: which rules each keyword stands for, and how they are searched.

use super::*;

/// The keywords of the rules (only the multiline rules' if `multiline_only`), lower-cased,
/// each once, and for each keyword the rules that listed it (see [`crate::keywords::index`]):
/// for the built-in rules, as `build.rs` worked it out.
pub(crate) fn keyword_index(rules: &RuleSet, multiline_only: bool) -> (Vec<String>, Vec<Vec<u32>>) {
    if let Some(index) = crate::rules::prebuilt_keyword_index(rules, multiline_only) {
        return index;
    }
    crate::keywords::index(
        (rules.rules.iter().enumerate())
            .filter(|(_, r)| !multiline_only || r.spec.multiline)
            .map(|(i, r)| (i, &r.spec.keywords)),
    )
}

/// The multiline rules' keyword automaton and, for each keyword, its rules.
pub(crate) fn multiline_keywords(
    rules: &RuleSet,
    trie: bool,
) -> (Option<KeywordFinder>, Vec<Vec<u32>>) {
    let (keywords, kw_rules) = keyword_index(rules, true);
    // For little input (`trie`), a trie: it builds in microseconds, and on a commit's few
    // kilobytes searches faster than the automaton (whose prefilter a common first byte
    // defeats).
    let found = trie
        .then(|| keyword_trie(&keywords))
        .flatten()
        .map(KeywordFinder::Trie)
        .or_else(|| {
            keyword_automaton(&keywords, aho_corasick::AhoCorasickKind::ContiguousNFA)
                .map(KeywordFinder::Automaton)
        });
    (found.filter(|_| !keywords.is_empty()), kw_rules)
}

/// The trie of `keywords`: the one `build.rs` built if it was built from the same keywords
/// (the built-in rules'), else built now.
pub(crate) fn keyword_trie(keywords: &[String]) -> Option<crate::keywords::Trie> {
    crate::rules::prebuilt_tries()
        .iter()
        .find(|t| {
            t.keywords.len() == keywords.len()
                && t.keywords.iter().zip(keywords).all(|(a, b)| *a == b)
        })
        .map(crate::keywords::Trie::from_static)
        .or_else(|| crate::keywords::Trie::new(keywords))
}

/// What finds keywords, owned: an automaton, or a trie.
pub(crate) enum KeywordFinder {
    Automaton(AhoCorasick),
    Trie(crate::keywords::Trie),
}

impl KeywordFinder {
    pub(crate) fn keywords(&self) -> Keywords<'_> {
        match self {
            KeywordFinder::Automaton(ac) => Keywords::Automaton(ac),
            KeywordFinder::Trie(trie) => Keywords::Trie(trie),
        }
    }
}

/// The automaton over the keywords (lower-cased; matched ASCII case-insensitively), of `kind`.
pub(crate) fn keyword_automaton(
    keywords: &[String],
    kind: aho_corasick::AhoCorasickKind,
) -> Option<AhoCorasick> {
    (!keywords.is_empty()).then(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(kind))
            .build(keywords)
            .expect("keywords build an automaton")
    })
}

/// What finds keywords: an automaton, or for little input a trie.
#[derive(Clone, Copy)]
pub(crate) enum Keywords<'a> {
    Automaton(&'a AhoCorasick),
    Trie(&'a crate::keywords::Trie),
}

impl Keywords<'_> {
    /// The leftmost keyword in `hay[at..end]` (the longest one there) if it starts before
    /// `starts_before` (the automaton may report one starting later): its index and range.
    pub(crate) fn find(
        self,
        hay: &[u8],
        at: usize,
        starts_before: usize,
        end: usize,
    ) -> Option<(usize, Range<usize>)> {
        match self {
            Keywords::Automaton(ac) => ac
                .find(aho_corasick::Input::new(hay).span(at..end))
                .map(|m| (m.pattern().as_usize(), m.range())),
            Keywords::Trie(trie) => trie
                .find(hay, at, starts_before, end)
                .map(|h| (h.keyword, h.range)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keyword index `build.rs` made for the built-in rules is the one made now from
    /// them; a set that differs (a rule removed) gets its own.
    #[test]
    fn the_built_in_keyword_index_is_prebuilt() {
        let mut rules = RuleSet::builtin().unwrap();
        for multiline_only in [false, true] {
            let pre = crate::rules::prebuilt_keyword_index(&rules, multiline_only)
                .expect("prebuilt for the built-in rules");
            let now = crate::keywords::index(
                (rules.rules.iter().enumerate())
                    .filter(|(_, r)| !multiline_only || r.spec.multiline)
                    .map(|(i, r)| (i, &r.spec.keywords)),
            );
            assert_eq!(pre, now);
            assert_eq!(keyword_index(&rules, multiline_only), now);
        }
        let first = rules.rules[0].id().to_string();
        assert!(rules.remove(&first));
        assert!(crate::rules::prebuilt_keyword_index(&rules, false).is_none());
        let (_, by_keyword) = keyword_index(&rules, false);
        assert!(
            by_keyword
                .iter()
                .flatten()
                .all(|&r| (r as usize) < rules.rules.len())
        );
    }

    /// A commit's scanner over the built-in rules builds no trie: `build.rs` built the ones
    /// for its keyword lists (all rules', the multiline rules'), the same as built now.
    #[test]
    fn the_built_in_keyword_tries_are_prebuilt() {
        let rules = RuleSet::builtin().unwrap();
        let all = keyword_index(&rules, false).0;
        let multiline = keyword_index(&rules, true).0;
        for keywords in [all, multiline] {
            let pre = crate::rules::prebuilt_tries()
                .iter()
                .find(|t| t.keywords.iter().eq(keywords.iter()))
                .expect("a prebuilt trie for these keywords");
            assert_eq!(
                crate::keywords::Trie::from_static(pre).to_rust(&keywords, "x"),
                crate::keywords::Trie::new(&keywords)
                    .unwrap()
                    .to_rust(&keywords, "x")
            );
        }
    }
}
