//! The rules' keywords as a trie, for a little input (a commit's added lines): built in a few
//! microseconds from the keywords, where the Aho-Corasick automaton over the same hundreds of
//! keywords takes milliseconds, and searched from each position of the input in turn.
//!
//! It finds what the automaton (ASCII case-insensitive, leftmost-longest) finds when each
//! search resumes one byte after the previous hit's start: at each position, the longest
//! keyword starting there.

use std::borrow::Cow;
use std::ops::Range;

/// The keywords of `rules` (each rule's index and keywords), lower-cased, each once, in the
/// order they first come, and for each keyword the rules that listed it. The search reports
/// the longest keyword starting at a position, so a keyword that begins with another
/// (`token_secret` and `token`) also stands for the rules of the one it begins with. (One
/// found inside another, `access_token`, is found by the search that resumes after the
/// longer one's start.) `build.rs` makes it for the built-in rules.
pub fn index<K: AsRef<str>>(
    rules: impl IntoIterator<Item = (usize, impl IntoIterator<Item = K>)>,
) -> (Vec<String>, Vec<Vec<u32>>) {
    let mut keywords: Vec<String> = Vec::new();
    let mut kw_rules: Vec<Vec<u32>> = Vec::new();
    // (FNV-1a: SipHash's cost was most of the prefix look-ups below, a few thousand of them.)
    let mut index: std::collections::HashMap<String, usize, Fnv> = Default::default();
    for (i, list) in rules {
        for kw in list {
            let kw = kw.as_ref().to_ascii_lowercase();
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

#[derive(Clone, Copy)]
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

/// A keyword trie; the keywords are lower-cased, and matched ASCII case-insensitively.
///
/// Its tables are built at run time, or borrowed from the binary: `build.rs` builds the
/// built-in rules' tries (see [`Trie::to_rust`]), so that a commit's scanner builds none.
pub struct Trie {
    /// The root's child for each (lower-cased) byte, `NONE` if none (256 of them).
    root: Cow<'static, [u32]>,
    /// For each node: its children as a range of `edge_bytes`/`edge_to`, and the keyword
    /// that ends there (`NONE` if none).
    nodes: Cow<'static, [Node]>,
    edge_bytes: Cow<'static, [u8]>,
    edge_to: Cow<'static, [u32]>,
    /// A bit for each (lower-cased) pair of bytes a keyword may start with: a keyword's first
    /// two bytes, and every pair after a one-byte keyword. Most positions of a text start no
    /// such pair, and are passed over without a walk of the trie. (1024 words.)
    pairs: Cow<'static, [u64]>,
    /// A bit for each hashed (lower-cased) triple of bytes a keyword of three bytes or more
    /// starts with: a pair that starts a keyword is often common text (`se`, `to`), a triple
    /// far less often. A pair that also starts a shorter keyword (`short`) is not filtered so.
    triples: Cow<'static, [u64]>,
    /// The pairs (as in `pairs`) that a keyword of one or two bytes starts with.
    short: Cow<'static, [u64]>,
}

/// A trie `build.rs` built: the keywords it was built from, and its tables.
pub struct StaticTrie {
    pub keywords: &'static [&'static str],
    pub root: &'static [u32],
    pub nodes: &'static [Node],
    pub edge_bytes: &'static [u8],
    pub edge_to: &'static [u32],
    pub pairs: &'static [u64],
    pub triples: &'static [u64],
    pub short: &'static [u64],
}

/// The bit of `triples` for the lower-cased bytes `a`, `b`, `c`: 16 bits of a multiplicative
/// hash of the three.
fn triple(a: u8, b: u8, c: u8) -> usize {
    let x = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
    (x.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

/// A bit table (1024 words) as an array, so that `has` needs no bounds check.
fn bits(b: &[u64]) -> &[u64; 1024] {
    b.try_into().expect("1024 words")
}

fn has(bits: &[u64; 1024], i: usize) -> bool {
    bits[i >> 6] & (1 << (i & 63)) != 0
}

#[derive(Clone, Copy, Debug)]
pub struct Node {
    pub edges: (u32, u32),
    pub keyword: u32,
}

const NONE: u32 = u32::MAX;

/// A keyword found: which one (its index in the list the trie was built from), and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub keyword: usize,
    pub range: Range<usize>,
}

impl Trie {
    /// The trie of `keywords` (each lower-cased already, each once); `None` if one is empty
    /// (it would match everywhere: the automaton handles that).
    pub fn new(keywords: &[String]) -> Option<Trie> {
        if keywords.iter().any(String::is_empty) {
            return None;
        }
        let mut order: Vec<usize> = (0..keywords.len()).collect();
        // (each keyword once: an unstable sort gives the one order)
        order.sort_unstable_by(|&a, &b| keywords[a].as_bytes().cmp(keywords[b].as_bytes()));
        let mut root = vec![NONE; 256];
        let mut pairs = vec![0u64; 1024];
        let mut triples = vec![0u64; 1024];
        let mut short = vec![0u64; 1024];
        for k in keywords {
            let k = k.as_bytes();
            let lower = |b: u8| usize::from(b.to_ascii_lowercase());
            let first = lower(k[0]) << 8;
            let seconds: Vec<usize> = match k.get(1) {
                Some(&b) => vec![lower(b)],
                None => (0..256).collect(),
            };
            for second in seconds {
                let pair = first | second;
                pairs[pair >> 6] |= 1 << (pair & 63);
                if k.len() < 3 {
                    short[pair >> 6] |= 1 << (pair & 63);
                }
            }
            if let [a, b, c, ..] = *k {
                let t = triple(
                    a.to_ascii_lowercase(),
                    b.to_ascii_lowercase(),
                    c.to_ascii_lowercase(),
                );
                triples[t >> 6] |= 1 << (t & 63);
            }
        }
        let mut b = Build {
            nodes: Vec::with_capacity(keywords.len() * 4),
            edge_bytes: Vec::new(),
            edge_to: Vec::new(),
        };
        b.nodes.push(Node {
            edges: (0, 0),
            keyword: NONE,
        });
        // The root's subtrees, then each node's, from the sorted keywords: the keywords below
        // a node share its prefix and are contiguous.
        let sorted: Vec<&[u8]> = order.iter().map(|&i| keywords[i].as_bytes()).collect();
        let ids: Vec<u32> = order.iter().map(|&i| i as u32).collect();
        let mut children = Vec::with_capacity(64);
        b.build(&sorted, &ids, 0, &mut children);
        for (byte, child) in children {
            root[byte as usize] = child;
        }
        Some(Trie {
            root: Cow::Owned(root),
            nodes: Cow::Owned(b.nodes),
            edge_bytes: Cow::Owned(b.edge_bytes),
            edge_to: Cow::Owned(b.edge_to),
            pairs: Cow::Owned(pairs),
            triples: Cow::Owned(triples),
            short: Cow::Owned(short),
        })
    }

    /// The trie `build.rs` built, borrowed.
    pub fn from_static(t: &'static StaticTrie) -> Trie {
        Trie {
            root: Cow::Borrowed(t.root),
            nodes: Cow::Borrowed(t.nodes),
            edge_bytes: Cow::Borrowed(t.edge_bytes),
            edge_to: Cow::Borrowed(t.edge_to),
            pairs: Cow::Borrowed(t.pairs),
            triples: Cow::Borrowed(t.triples),
            short: Cow::Borrowed(t.short),
        }
    }

    /// The trie of `keywords` as a Rust expression of type `StaticTrie` whose items are at
    /// `path` (what `build.rs` writes).
    #[allow(dead_code)]
    pub fn to_rust(&self, keywords: &[String], path: &str) -> String {
        use std::fmt::Write;
        let mut out = format!(
            "{path}::StaticTrie {{ keywords: &{keywords:?}, root: &{:?}, nodes: &[",
            self.root
        );
        for n in self.nodes.iter() {
            let _ = write!(
                out,
                "{path}::Node {{ edges: ({}, {}), keyword: {} }},",
                n.edges.0, n.edges.1, n.keyword
            );
        }
        let _ = write!(
            out,
            "], edge_bytes: &{:?}, edge_to: &{:?}, pairs: &{:?}, triples: &{:?}, short: &{:?} }}",
            self.edge_bytes, self.edge_to, self.pairs, self.triples, self.short
        );
        out
    }
}

/// A trie's nodes and edges while it is built.
struct Build {
    nodes: Vec<Node>,
    edge_bytes: Vec<u8>,
    edge_to: Vec<u32>,
}

impl Build {
    /// Add the nodes for `words` (sorted, all sharing their first `depth` bytes, none of them
    /// `depth` bytes long) and push the children they make at `depth` onto `out`: (byte,
    /// node). (One stack for the whole build: no allocation per node.)
    fn build(&mut self, words: &[&[u8]], ids: &[u32], depth: usize, out: &mut Vec<(u8, u32)>) {
        let mut i = 0;
        while i < words.len() {
            let b = words[i][depth];
            let mut j = i + 1;
            while j < words.len() && words[j][depth] == b {
                j += 1;
            }
            let node = self.nodes.len() as u32;
            self.nodes.push(Node {
                edges: (0, 0),
                keyword: NONE,
            });
            // The word that ends here sorts first among those sharing this prefix.
            let mut k = i;
            if words[k].len() == depth + 1 {
                self.nodes[node as usize].keyword = ids[k];
                k += 1;
            }
            let mark = out.len();
            self.build(&words[k..j], &ids[k..j], depth + 1, out);
            let start = self.edge_bytes.len() as u32;
            for &(byte, child) in &out[mark..] {
                self.edge_bytes.push(byte);
                self.edge_to.push(child);
            }
            out.truncate(mark);
            self.nodes[node as usize].edges = (start, self.edge_bytes.len() as u32);
            out.push((b, node));
            i = j;
        }
    }
}

impl Trie {
    /// The longest keyword starting at `at` and ending by `end`.
    fn longest_at(&self, hay: &[u8], at: usize, end: usize) -> Option<(u32, usize)> {
        let (nodes, edge_bytes, edge_to) = (&*self.nodes, &*self.edge_bytes, &*self.edge_to);
        let mut node = self.root[hay[at].to_ascii_lowercase() as usize];
        let mut best = None;
        let mut i = at + 1;
        while node != NONE {
            let n = nodes[node as usize];
            if n.keyword != NONE {
                best = Some((n.keyword, i));
            }
            if i >= end {
                break;
            }
            let b = hay[i].to_ascii_lowercase();
            let (s, e) = (n.edges.0 as usize, n.edges.1 as usize);
            node = edge_bytes[s..e]
                .iter()
                .position(|&x| x == b)
                .map_or(NONE, |k| edge_to[s + k]);
            i += 1;
        }
        best
    }

    /// The first position in `from..starts_before` where a keyword ending by `end` starts,
    /// with the longest such keyword.
    pub fn find(&self, hay: &[u8], from: usize, starts_before: usize, end: usize) -> Option<Hit> {
        let end = end.min(hay.len());
        let last = starts_before.min(end);
        let (pairs, triples, short) = (bits(&self.pairs), bits(&self.triples), bits(&self.short));
        (from..last).find_map(|at| {
            if at + 1 < end {
                let (a, b) = (
                    hay[at].to_ascii_lowercase(),
                    hay[at + 1].to_ascii_lowercase(),
                );
                let pair = usize::from(a) << 8 | usize::from(b);
                if !has(pairs, pair) {
                    return None;
                }
                // A keyword of three bytes or more that fits by `end` has its triple here.
                if at + 2 < end
                    && !has(short, pair)
                    && !has(triples, triple(a, b, hay[at + 2].to_ascii_lowercase()))
                {
                    return None;
                }
            }
            self.longest_at(hay, at, end).map(|(k, e)| Hit {
                keyword: k as usize,
                range: at..e,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hit of the automaton searched the way the scanner searches it (resuming one
    /// byte after each hit's start).
    fn by_automaton(keywords: &[String], hay: &[u8]) -> Vec<Hit> {
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(keywords)
            .unwrap();
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(m) = ac.find(aho_corasick::Input::new(hay).span(at..hay.len())) {
            out.push(Hit {
                keyword: m.pattern().as_usize(),
                range: m.range(),
            });
            at = m.start() + 1;
        }
        out
    }

    fn by_trie(trie: &Trie, hay: &[u8]) -> Vec<Hit> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(h) = trie.find(hay, at, hay.len(), hay.len()) {
            at = h.range.start + 1;
            out.push(h);
        }
        out
    }

    #[test]
    fn finds_what_the_automaton_finds() {
        let mut rng = crate::testrng::Xorshift::new(0x2545_F491_4F6C_DD1D);
        let mut next = |n: usize| rng.below(n);
        let alphabet = b"abkeyKEY_-=:/ .tT";
        for round in 0..300 {
            let mut keywords: Vec<String> = (0..1 + next(40))
                .map(|_| {
                    (0..1 + next(6))
                        .map(|_| alphabet[next(alphabet.len())].to_ascii_lowercase() as char)
                        .collect()
                })
                .collect();
            keywords.sort();
            keywords.dedup();
            let trie = Trie::new(&keywords).unwrap();
            let hay: Vec<u8> = (0..next(300))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            assert_eq!(
                by_trie(&trie, &hay),
                by_automaton(&keywords, &hay),
                "round {round}: {keywords:?} in {:?}",
                String::from_utf8_lossy(&hay)
            );
        }
    }

    #[test]
    fn the_built_in_keywords_find_what_the_automaton_finds() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let mut keywords: Vec<String> = rules
            .rules
            .iter()
            .flat_map(|r| r.spec.keywords.iter().map(|k| k.to_ascii_lowercase()))
            .collect();
        keywords.sort();
        keywords.dedup();
        let trie = Trie::new(&keywords).unwrap();
        let hay: Vec<u8> = rules
            .rules
            .iter()
            .flat_map(|r| r.spec.keywords.iter().map(|k| k.to_ascii_uppercase()))
            .collect::<Vec<_>>()
            .join(" x=")
            .into_bytes();
        let hits = by_trie(&trie, &hay);
        assert!(hits.len() > keywords.len());
        assert_eq!(hits, by_automaton(&keywords, &hay));
    }

    #[test]
    fn a_search_stops_where_it_is_told() {
        let keywords = vec!["key".to_string(), "keyword".to_string()];
        let trie = Trie::new(&keywords).unwrap();
        let hay = b"a keyword";
        // The longer keyword would end past `end`: the shorter one is the hit.
        assert_eq!(trie.find(hay, 0, 9, 6).unwrap().range, 2..5);
        assert_eq!(trie.find(hay, 0, 9, 9).unwrap().range, 2..9);
        assert_eq!(trie.find(hay, 0, 2, 9), None);
        assert!(Trie::new(&[String::new()]).is_none());
    }
}
