//! The keyword automata: which rules each keyword stands for, and how they are searched.

use super::*;

/// The keywords of the rules `keep` keeps (lower-cased, each once), and for each keyword the
/// rules that listed it.
pub(crate) fn keyword_index(
    rules: &RuleSet,
    keep: impl Fn(&Rule) -> bool,
) -> (Vec<String>, Vec<Vec<u32>>) {
    let mut keywords: Vec<String> = Vec::new();
    let mut kw_rules: Vec<Vec<u32>> = Vec::new();
    // (FNV-1a: SipHash's cost was most of the prefix look-ups below, a few thousand of them
    // on every start of the hook.)
    let mut index: std::collections::HashMap<String, usize, Fnv> = Default::default();
    for (i, rule) in rules.rules.iter().enumerate().filter(|(_, r)| keep(r)) {
        for kw in &rule.spec.keywords {
            let kw = kw.to_ascii_lowercase();
            let p = *index.entry(kw).or_insert_with_key(|kw| {
                keywords.push(kw.clone());
                kw_rules.push(Vec::new());
                keywords.len() - 1
            });
            if !kw_rules[p].contains(&(i as u32)) {
                kw_rules[p].push(i as u32)
            }
        }
    }
    // The search reports the longest keyword starting at a position, so a keyword that
    // begins with another (`token_secret` and `token`) also triggers the rules of the one
    // it begins with. (One found inside another, `access_token`, is found by the search
    // that resumes after the longer one's start.)
    let shortest = keywords.iter().map(String::len).min().unwrap_or(0).max(1);
    for i in 0..keywords.len() {
        let k = &keywords[i];
        let prefixes: Vec<usize> = (shortest..k.len())
            .filter(|&end| k.is_char_boundary(end))
            .filter_map(|end| index.get(&k[..end]).copied())
            .collect();
        for j in prefixes {
            for r in kw_rules[j].clone() {
                if !kw_rules[i].contains(&r) {
                    kw_rules[i].push(r);
                }
            }
        }
    }
    (keywords, kw_rules)
}

/// FNV-1a, for the keyword index's short keys.
type Fnv = std::hash::BuildHasherDefault<FnvHasher>;

struct FnvHasher(u64);

impl Default for FnvHasher {
    fn default() -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The multiline rules' keyword automaton and, for each keyword, its rules.
pub(crate) fn multiline_keywords(
    rules: &RuleSet,
    trie: bool,
) -> (Option<KeywordFinder>, Vec<Vec<u32>>) {
    let (keywords, kw_rules) = keyword_index(rules, |r| r.spec.multiline);
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

    /// A commit's scanner over the built-in rules builds no trie: `build.rs` built the ones
    /// for its keyword lists (all rules', the multiline rules'), the same as built now.
    #[test]
    fn the_built_in_keyword_tries_are_prebuilt() {
        let rules = RuleSet::builtin().unwrap();
        let all = keyword_index(&rules, |_| true).0;
        let multiline = keyword_index(&rules, |r| r.spec.multiline).0;
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
