//! The matcher: rules × bytes → matches. Knows nothing of git, files or output.
//!
//! One Aho-Corasick automaton over every rule's keywords finds the places worth a closer look;
//! each rule's regex then runs only in a window around its keyword hits (the hit's line, at
//! most [`WINDOW`] bytes either side), or over the whole blob for `multiline` rules. The cost
//! is therefore one pass of the automaton over the bytes plus work proportional to the hits,
//! not to the number of rules.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;

use crate::regex_cache::RegexCaches;
use crate::rules::{Rule, RuleSet};
use crate::validate::{base64_decode, entropy, is_placeholder_or_reference};

mod automaton;
mod select;
#[cfg(test)]
mod tests;
mod window;

use automaton::*;
use select::*;
use window::*;

/// How far a window reaches either side of a keyword hit (clipped to the hit's line).
pub const WINDOW: usize = 512;

/// Comments that suppress findings on their line.
pub const ALLOW_MARKERS: &[&str] = &[
    "leakgate:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// One rule match in a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index into `RuleSet::rules`.
    pub rule: usize,
    /// Where the secret (capture group 1) is in the blob.
    pub secret: Range<usize>,
    /// Where the whole match of the rule's pattern is (the encoded value for a decoded secret).
    pub matched: Range<usize>,
    /// The secret itself when it is not simply `blob[secret]` (found inside a decoded value).
    pub decoded: Option<Vec<u8>>,
}

impl Match {
    pub fn secret_bytes<'a>(&'a self, hay: &'a [u8]) -> &'a [u8] {
        self.decoded.as_deref().unwrap_or(&hay[self.secret.clone()])
    }
}

/// The compiled prefilter over a rule set.
pub struct Scanner<'r> {
    pub rules: &'r RuleSet,
    ac: Option<AhoCorasick>,
    /// For little input, the keywords as a trie instead of `ac` (which is then not built):
    /// it builds in microseconds, the automaton in milliseconds.
    trie: Option<crate::keywords::Trie>,
    /// The keywords, and `ac` as a DFA when `ac` is not one (see `KEYWORD_DFA_MIN_SPAN`).
    keywords: Vec<String>,
    ac_dfa: std::sync::OnceLock<Option<AhoCorasick>>,
    ac_is_dfa: bool,
    /// For each keyword pattern, the rules that listed it.
    kw_rules: Vec<Vec<u32>>,
    /// The keywords of the multiline rules alone, which are the only rules that look for
    /// keywords outside a part's focus (a commit's lines around the added ones): a few
    /// keywords, whose automaton builds at once and searches many times faster (a prefilter
    /// does most of the search). Built on the first part with a focus: a scan of whole
    /// blobs (a tree, the index) never needs it.
    ml_ac: std::sync::OnceLock<(Option<KeywordFinder>, Vec<Vec<u32>>)>,
    /// The longest keyword's length.
    max_keyword: usize,
    /// Rules without keywords (imported from gitleaks): they run over every blob.
    always: Vec<usize>,
    allow_finders: Vec<memmem::Finder<'static>>,
    /// For each rule, the index of its `context` regex in `contexts`.
    rule_context: Vec<Option<usize>>,
    contexts: Vec<String>,
    /// The distinct context regexes, compiled on first use.
    context_regexes: Vec<std::sync::OnceLock<regex::bytes::Regex>>,
    /// The most lines a single-line rule's window reaches beyond its keyword's line.
    pub max_window_lines: u8,
    /// Little input: try each rule's gate (`Rule::gate`) on a window before its full regex,
    /// which is then compiled only for windows the gate lets through.
    gated: bool,
    /// Tells this scanner's regex caches (`RegexCaches`) from another's.
    id: usize,
}

static SCANNERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

/// A rule whose windows add up to more bytes than this is matched with DFAs (see `engines`):
/// an NFA simulation of a generic rule's gate costs some 700 instructions a byte, a lazy DFA
/// a few, and building the DFA engines costs what simulating some 4 KiB costs.
const GATE_MAX_WINDOW: usize = 32 << 10;

/// A part longer than this is searched for keywords by a DFA (built on first use) even by a
/// scanner for little input, whose NFA builds faster and searches slower.
const KEYWORD_DFA_MIN_SPAN: usize = 1 << 20;

/// Which part of a blob to match. Keyword hits are looked for in `span`; with a `focus`
/// (sorted, disjoint byte ranges: a commit's added lines and a few lines around them), hits
/// outside it count only for multiline rules, whose window is then the whole `span` (a private
/// key block that starts above an added line).
#[derive(Debug, Clone)]
pub struct Part<'a> {
    pub span: Range<usize>,
    pub focus: Option<&'a [Range<usize>]>,
}

impl Part<'_> {
    pub fn whole(hay: &[u8]) -> Part<'static> {
        Part {
            span: 0..hay.len(),
            focus: None,
        }
    }
}

/// Per-thread scratch space, reused across blobs so that scanning allocates little.
#[derive(Default)]
pub struct Scratch {
    windows: Vec<Vec<Range<usize>>>,
    touched: Vec<usize>,
    pub(crate) caches: RegexCaches,
    /// The keyword hits [`Scanner::precompile`] found in each part (by where the part's bytes
    /// and focus are, which stay put while they are borrowed for it and then matched), taken
    /// by the part's match instead of searching again.
    hits: std::collections::HashMap<PartKey, Vec<(u32, Range<usize>)>>,
}

/// Where a part's bytes, span and focus are (see `Scratch::hits`).
type PartKey = [usize; 6];

fn part_key(hay: &[u8], part: &Part) -> PartKey {
    let focus = part
        .focus
        .map_or((0, 0), |f| (f.as_ptr() as usize, f.len()));
    [
        hay.as_ptr() as usize,
        hay.len(),
        part.span.start,
        part.span.end,
        focus.0,
        focus.1,
    ]
}

impl<'r> Scanner<'r> {
    /// A scanner for bulk input (a tree, a history): the keyword automaton is a DFA, which
    /// takes a few milliseconds to build and searches fastest.
    pub fn new(rules: &'r RuleSet) -> Scanner<'r> {
        Scanner::with_kind(rules, aho_corasick::AhoCorasickKind::DFA, false)
    }

    /// A scanner for a little input (a commit's staged blobs): quick to build (the keywords
    /// are a trie), and each rule's full regex is compiled only where its gate matches.
    pub fn new_small(rules: &'r RuleSet) -> Scanner<'r> {
        Scanner::with_kind(rules, aho_corasick::AhoCorasickKind::NoncontiguousNFA, true)
    }

    fn with_kind(
        rules: &'r RuleSet,
        kind: aho_corasick::AhoCorasickKind,
        gated: bool,
    ) -> Scanner<'r> {
        let (keywords, kw_rules) = keyword_index(rules, false);
        let trie = (kind != aho_corasick::AhoCorasickKind::DFA)
            .then(|| keyword_trie(&keywords))
            .flatten();
        let ac = match trie {
            Some(_) => None,
            None => keyword_automaton(&keywords, kind),
        };
        // The multiline rules' keywords are searched on their own only around a commit's
        // added lines (a focus): built with the commit's scanner (on the thread that builds
        // it, beside the index read), and for bulk input only if a focus ever comes.
        let ml_ac = std::sync::OnceLock::new();
        if gated {
            let _ = ml_ac.set(multiline_keywords(rules, trie.is_some()));
        }
        let always = (0..rules.rules.len())
            .filter(|&r| rules.rules[r].spec.keywords.is_empty())
            .collect();
        let mut contexts: Vec<String> = Vec::new();
        let rule_context = rules
            .rules
            .iter()
            .map(|r| {
                r.spec.context.as_ref().map(|c| {
                    let c = c.get_ref();
                    contexts.iter().position(|x| x == c).unwrap_or_else(|| {
                        contexts.push(c.clone());
                        contexts.len() - 1
                    })
                })
            })
            .collect();
        let context_regexes = contexts
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Scanner {
            rules,
            max_window_lines: rules
                .rules
                .iter()
                .filter(|r| !r.spec.multiline)
                .map(|r| r.spec.window_lines)
                .max()
                .unwrap_or(0),
            ac,
            trie,
            max_keyword: keywords.iter().map(String::len).max().unwrap_or(0),
            keywords,
            ml_ac,
            ac_dfa: std::sync::OnceLock::new(),
            ac_is_dfa: kind == aho_corasick::AhoCorasickKind::DFA,
            kw_rules,
            always,
            rule_context,
            contexts,
            context_regexes,
            gated,
            id: SCANNERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            allow_finders: ALLOW_MARKERS
                .iter()
                .map(|m| memmem::Finder::new(m.as_bytes()).into_owned())
                .collect(),
        }
    }

    /// Compile, on all cores, what scanning `parts` will need, so that it does not compile one
    /// regex after another: for bulk input, the full regex of every rule whose keywords occur;
    /// for little input, those rules' gates (a built-in rule's is compiled already) and, where
    /// a gate lets a window through, the rule's regex, allow regexes and context.
    ///
    /// The keyword hits found are kept in `scratch`, for matching the same parts with it
    /// (the parts' bytes must stay where they are until then).
    pub fn precompile(&self, parts: &[(&[u8], Part)], scratch: &mut Scratch) {
        // For each rule, the windows (part, range) that matching will look at.
        let mut windows: Vec<Vec<(usize, Range<usize>)>> = vec![Vec::new(); self.rules.rules.len()];
        for (i, (hay, part)) in parts.iter().enumerate() {
            for &r in &self.always {
                windows[r].push((i, part.span.clone()));
            }
            // A multiline rule is matched only where its context regex matches (see
            // `scan_into`).
            let mut contexts = ContextCache::new(self, hay);
            let mut breaks = Breaks::default();
            let mut hits = Vec::new();
            self.for_each_hit(hay, part, |r, hit| {
                hits.push((r as u32, hit.clone()));
                let rule = &self.rules.rules[r];
                if let Some((j, last)) = windows[r].last_mut()
                    && *j == i
                    && self.extend_window(rule, hay, part, last, &hit, &mut breaks)
                {
                    return;
                }
                if rule.spec.multiline && !contexts.ok(r) {
                    return;
                }
                windows[r].push((i, self.window_for(rule, hay, part, hit, &mut breaks)));
            });
            scratch.hits.insert(part_key(hay, part), hits);
        }
        // The costliest first (a pattern's length stands for it: a few generic rules cost more
        // than all the others), each taken by the next thread free, this one included.
        let mut list: Vec<usize> = (0..windows.len())
            .filter(|&r| !windows[r].is_empty())
            .collect();
        list.sort_by_key(|&r| std::cmp::Reverse(self.rules.rules[r].spec.pattern.get_ref().len()));
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(list.len());
        if threads < 2 {
            return;
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            while let Some(&r) = list.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                self.warm_up(r, parts, &windows[r]);
            }
        };
        std::thread::scope(|s| {
            for _ in 1..threads {
                s.spawn(work);
            }
            work();
        });
    }

    /// Compile what matching rule `r` in `windows` of `parts` will compile (see `run_rule`).
    fn warm_up(&self, r: usize, parts: &[(&[u8], Part)], windows: &[(usize, Range<usize>)]) {
        let rule = &self.rules.rules[r];
        let (gate, exact) = self.engines(rule, windows.iter().map(|(_, w)| w));
        if windows.iter().map(|(_, w)| w.len()).sum::<usize>() > GATE_MAX_WINDOW {
            // Many bytes: matching them is a pass of their own, not to be made twice; the
            // regexes are compiled here and run there.
            gate();
            exact();
            rule.allows(b"");
            if let Some(c) = self.rule_context[r] {
                self.context_regex(c);
            }
            return;
        }
        let shape = rule.shape();
        let windows: Vec<(&[u8], Range<usize>)> = windows
            .iter()
            .map(|(i, w)| (parts[*i].0, w.clone()))
            .filter(|(hay, w)| shape.is_none_or(|s| s.admits(&hay[w.clone()])))
            .collect();
        let through = |gate: crate::rules::Gate<'_>| {
            windows.iter().any(|(hay, w)| {
                gate.is_match(regex_automata::Input::new(&hay[..w.end]).span(w.clone()))
            })
        };
        if windows.is_empty() || gate().is_some_and(|gate| !through(gate)) {
            return;
        }
        // The gate lets a window through: compile the pattern, and what a candidate needs (the
        // allow regexes are DFAs already for a built-in rule), without matching here what
        // `run_rule` will match.
        exact();
        rule.allows(b"");
        if let Some(c) = self.rule_context[r] {
            self.context_regex(c);
        }
    }

    /// Every keyword hit in `part` of `hay`, as (rule, hit range), rule by rule for each hit:
    /// after a hit at `s` the search goes on from `s + 1`, so that a keyword starting inside a
    /// longer one is still found. Hits outside `part.focus` count only for multiline rules.
    fn for_each_hit(&self, hay: &[u8], part: &Part, mut f: impl FnMut(usize, Range<usize>)) {
        let ac = if !self.ac_is_dfa && part.span.len() > KEYWORD_DFA_MIN_SPAN {
            self.ac_dfa
                .get_or_init(|| {
                    keyword_automaton(&self.keywords, aho_corasick::AhoCorasickKind::DFA)
                })
                .as_ref()
                .map(Keywords::Automaton)
        } else {
            match (&self.trie, &self.ac) {
                (Some(trie), _) => Some(Keywords::Trie(trie)),
                (None, ac) => ac.as_ref().map(Keywords::Automaton),
            }
        };
        let Some(ac) = ac else { return };
        let span = &part.span;
        // Every keyword starting in `from..to`, with the rules `keep` keeps of `by_keyword`.
        let mut search = |ac: Keywords,
                          by_keyword: &[Vec<u32>],
                          from: usize,
                          to: usize,
                          keep: &dyn Fn(usize) -> bool| {
            // A keyword starting before `to` ends before `to + max_keyword`: searching that
            // far finds the same keyword at each start as a search of the whole span does.
            let end = to.saturating_add(self.max_keyword).min(span.end);
            let mut at = from;
            while let Some((pattern, hit)) = ac.find(hay, at, to, end) {
                if hit.start >= to {
                    break;
                }
                at = hit.start + 1;
                for &r in &by_keyword[pattern] {
                    if keep(r as usize) {
                        f(r as usize, hit.clone());
                    }
                }
            }
        };
        let Some(focus) = &part.focus else {
            search(ac, &self.kw_rules, span.start, span.end, &|_| true);
            return;
        };
        // The focus with every rule but the multiline ones; the whole span with those.
        let single = |r: usize| !self.rules.rules[r].spec.multiline;
        for range in focus.iter() {
            let (from, to) = (range.start.max(span.start), range.end.min(span.end));
            if from < to {
                search(ac, &self.kw_rules, from, to, &single);
            }
        }
        let (ml_ac, ml_kw_rules) = self
            .ml_ac
            .get_or_init(|| multiline_keywords(self.rules, self.trie.is_some()));
        if let Some(ml) = ml_ac {
            let ml = ml.keywords();
            search(ml, ml_kw_rules, span.start, span.end, &|_| true);
        }
    }

    /// Where rule `r` looks for a match around a keyword hit.
    fn window_for(
        &self,
        rule: &Rule,
        hay: &[u8],
        part: &Part,
        hit: Range<usize>,
        breaks: &mut Breaks,
    ) -> Range<usize> {
        if rule.spec.multiline {
            part.span.clone()
        } else if rule.spec.window_lines == 0 {
            window(hay, hit.start, hit.end, 0)
        } else {
            // Several lines either side: looked up in the part's line breaks, not searched
            // for again around each hit (a long line with a hit every few bytes).
            let reach = WINDOW * (usize::from(self.max_window_lines) + 1);
            breaks.window(hay, part, reach, hit, rule.spec.window_lines)
        }
    }

    /// Merge the window of a hit into `last`, the rule's window before it, if they overlap
    /// (hits come in order). On a long line full of hits, each hit adds only the bytes its
    /// window reaches beyond `last`: the window is not worked out again from the hit.
    fn extend_window(
        &self,
        rule: &Rule,
        hay: &[u8],
        part: &Part,
        last: &mut Range<usize>,
        hit: &Range<usize>,
        breaks: &mut Breaks,
    ) -> bool {
        if rule.spec.multiline {
            // Its window is the whole span, already `last`.
            return true;
        }
        if rule.spec.window_lines == 0 && hit.start < last.end {
            // A one-line window holds no line break, so the hit is on `last`'s line; the
            // window reaches `WINDOW` bytes past the hit, or to the line's end.
            let hi = (hit.end + WINDOW).min(hay.len());
            let from = last.end.max(hit.end);
            if hi > last.end && hay.get(last.end) != Some(&b'\n') {
                last.end = memchr::memchr(b'\n', &hay[from..hi]).map_or(hi, |p| from + p);
            }
            return true;
        }
        let win = self.window_for(rule, hay, part, hit.clone(), breaks);
        if win.start > last.end {
            return false;
        }
        last.end = last.end.max(win.end);
        true
    }

    /// All matches in `hay`, sorted by position, after every filter (entropy, placeholders,
    /// validators, allow comments, fallback de-duplication).
    pub fn scan(&self, hay: &[u8], scratch: &mut Scratch) -> Vec<Match> {
        self.scan_part(hay, &Part::whole(hay), scratch)
    }

    /// The matches of `part` of `hay` (positions are in `hay`, whose whole is still what
    /// the rules' `context` regexes look at).
    pub fn scan_part(&self, hay: &[u8], part: &Part, scratch: &mut Scratch) -> Vec<Match> {
        scratch.caches.settle(self.id);
        let mut out = Vec::new();
        self.scan_into(hay, part, scratch, &mut out, 0);
        dedup(self.rules, hay, &mut out);
        out
    }

    fn scan_into(
        &self,
        hay: &[u8],
        part: &Part,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
        depth: u8,
    ) {
        let nrules = self.rules.rules.len();
        if scratch.windows.len() < nrules {
            scratch.windows.resize_with(nrules, Vec::new);
        }
        scratch.touched.clear();
        // Rules without keywords look at the whole part.
        if !part.span.is_empty() {
            for &r in &self.always {
                scratch.windows[r].push(part.span.clone());
                scratch.touched.push(r);
            }
        }
        let known = if depth == 0 {
            scratch.hits.remove(&part_key(hay, part))
        } else {
            None
        };
        let (windows, touched) = (&mut scratch.windows, &mut scratch.touched);
        let mut breaks = Breaks::default();
        let mut on_hit = |r: usize, hit: Range<usize>| {
            let rule = &self.rules.rules[r];
            let ws = &mut windows[r];
            match ws.last_mut() {
                Some(last) => {
                    if !self.extend_window(rule, hay, part, last, &hit, &mut breaks) {
                        ws.push(self.window_for(rule, hay, part, hit, &mut breaks));
                    }
                }
                None => {
                    touched.push(r);
                    ws.push(self.window_for(rule, hay, part, hit, &mut breaks));
                }
            }
        };
        // The hits `precompile` found here, in the order the search finds them.
        match known {
            Some(hits) => hits
                .into_iter()
                .for_each(|(r, hit)| on_hit(r as usize, hit)),
            None => self.for_each_hit(hay, part, on_hit),
        }
        // Rules in a stable order, so that output does not depend on the keyword order.
        scratch.touched.sort_unstable();
        let touched = std::mem::take(&mut scratch.touched);
        let mut decode_queue: Vec<(usize, Range<usize>)> = Vec::new();
        let mut contexts = ContextCache::new(self, hay);
        let mut allowed = AllowCache::default();
        for &r in &touched {
            let rule = &self.rules.rules[r];
            let windows = std::mem::take(&mut scratch.windows[r]);
            // The context regex is a pass over the whole blob: a windowed rule pays it only
            // once it has a candidate (and before the candidate's filters, whose allow regexes
            // cost more to build); a multiline rule is a whole pass itself, so the context
            // goes first.
            if (depth == 0 || !rule.decode_base64) && (!rule.spec.multiline || contexts.ok(r)) {
                let mut context = || contexts.ok(r);
                let mut sink = Sink {
                    out,
                    decode_queue: &mut decode_queue,
                    allowed: &mut allowed,
                    caches: &mut scratch.caches,
                };
                self.run_rule(r, hay, &windows, &mut sink, &mut context);
            }
            let mut windows = windows;
            windows.clear();
            scratch.windows[r] = windows;
        }
        scratch.touched = touched;
        for (r, range) in decode_queue {
            self.decode_and_scan(r, hay, range, scratch, out, depth);
        }
    }

    /// The gate a rule's windows go through and the regex that matches
    /// the windows it lets through. A rule with few bytes to look at uses the light regex,
    /// quickest to build, behind the NFA gate for little input (`gated`) or the DFA gate for
    /// bulk input. One with many bytes (a tree, or a long line whose
    /// windows merge into one) uses the DFA gate and the full regex, which search at DFA
    /// speed: an NFA simulation costs the pattern's size per byte. Both are compiled on call:
    /// most rules a keyword names have no window of their shape, and need neither.
    fn engines<'a>(
        &self,
        rule: &'r Rule,
        windows: impl Iterator<Item = &'a Range<usize>>,
    ) -> (
        impl Fn() -> Option<crate::rules::Gate<'r>>,
        impl Fn() -> Exact<'r>,
    ) {
        let small = windows.map(|w| w.len()).sum::<usize>() <= GATE_MAX_WINDOW;
        let gated = self.gated;
        let gate = move || {
            if gated && small {
                rule.gate()
            } else {
                rule.dfa_gate()
            }
        };
        let exact = move || Exact::new(rule, small);
        (gate, exact)
    }

    fn run_rule(
        &self,
        r: usize,
        hay: &[u8],
        windows: &[Range<usize>],
        sink: &mut Sink,
        context_ok: &mut impl FnMut() -> bool,
    ) {
        let rule = &self.rules.rules[r];
        // Every window goes through the rule's shape and gate first (see `engines`).
        let (gate, exact) = self.engines(rule, windows.iter());
        let mut engine = None;
        let shape = rule.shape();
        // The windows are disjoint and in order, and so are the matches in each: a secret is
        // found once, and after the last one found.
        let mut last_secret: Option<Range<usize>> = None;
        for win in windows {
            // First the least a secret must look like (no regex), then the gate.
            if shape.is_some_and(|shape| !shape.admits(&hay[win.clone()])) {
                continue;
            }
            let sub = &hay[..win.end];
            if let Some(gate) = gate()
                && !gate.is_match_with(
                    sink.caches,
                    regex_automata::Input::new(sub).span(win.clone()),
                )
            {
                continue;
            }
            let engine = engine.get_or_insert_with(&exact);
            let mut pos = win.start;
            while pos <= win.end {
                let input = regex_automata::Input::new(sub).span(pos..win.end);
                let Some((m, secret)) = engine.find(rule, &input, sink.caches) else {
                    break;
                };
                pos = if m.end > m.start { m.end } else { m.end + 1 };
                let Some(range) = secret else {
                    continue;
                };
                if range.is_empty() || last_secret.as_ref() == Some(&range) {
                    continue;
                }
                last_secret = Some(range.clone());
                if !context_ok() {
                    return;
                }
                if rule.decode_base64 {
                    if !sink.allowed.by_comment(self, hay, &range) {
                        sink.decode_queue.push((r, range));
                    }
                    continue;
                }
                if self.accept(rule, &hay[range.clone()])
                    && !(rule.spec.fallback
                        && (crate::example::is_example(hay, &range)
                            || crate::validate::is_public_client_key(&hay[range.clone()])
                            || crate::validate::name_says_no_credential(
                                &hay[m.start.min(range.start)..range.start],
                            )
                            || crate::validate::misfits_named_service(
                                &hay[m.start.min(range.start)..range.start],
                                &hay[range.clone()],
                            )))
                    && !sink.allowed.by_comment(self, hay, &range)
                {
                    sink.out.push(Match {
                        rule: r,
                        secret: range,
                        matched: m.clone(),
                        decoded: None,
                    });
                }
            }
        }
    }

    fn context_regex(&self, c: usize) -> &regex::bytes::Regex {
        self.context_regexes[c].get_or_init(|| {
            crate::rules::build_regex(&self.contexts[c]).expect("context regexes checked at load")
        })
    }

    /// The filters every candidate goes through.
    fn accept(&self, rule: &Rule, secret: &[u8]) -> bool {
        if let Some(min) = rule.spec.min_entropy
            && entropy(secret) < min
        {
            return false;
        }
        // A placeholder, but a prefixed token of its provider's shape yields only to an
        // obvious mask (the rule's shape is worked out only for a value the filter rejects).
        let placeholder = is_placeholder_or_reference(secret)
            && (!rule.prefixed() || crate::validate::is_obvious_mask(secret));
        if placeholder
            || crate::validate::fails_its_checksum(secret)
            || crate::validate::is_ssh_public_key(secret)
            || crate::validate::is_non_bearer_jwt(secret)
            || crate::validate::is_encrypted_value(secret)
            || (rule.decode_base64 && crate::validate::is_placeholder_login(secret))
            || rule.allows(secret)
        {
            return false;
        }
        if rule.spec.fallback
            && (crate::validate::looks_like_identifier(secret)
                || crate::validate::looks_like_path(secret)
                || crate::validate::is_password_hash(secret)
                || crate::validate::is_encoded_placeholder(secret)
                || crate::validate::spells_what_it_is(secret))
        {
            return false;
        }
        if rule.spec.fallback
            && rule.spec.name.to_ascii_lowercase().contains("password")
            && crate::example::is_human_password(secret)
        {
            return false;
        }
        match rule.validator {
            Some(v) if !v.check(secret) => return false,
            _ => {}
        }
        // Last, as the dearest check (a hash), for what would otherwise be a finding.
        !self.rules.published.contains(secret)
    }

    /// A base64 value (e.g. a Kubernetes Secret's `data:`): scan the decoded bytes with every
    /// rule; report what they find at the encoded value's place, or the value itself under the
    /// decoding rule when no other rule recognises it.
    fn decode_and_scan(
        &self,
        r: usize,
        hay: &[u8],
        range: Range<usize>,
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
        depth: u8,
    ) {
        let Some(decoded) = base64_decode(&hay[range.clone()]) else {
            return;
        };
        let printable = decoded
            .iter()
            .all(|&b| b.is_ascii_graphic() || b == b' ' || b == b'\n' || b == b'\r' || b == b'\t');
        if !printable {
            return;
        }
        let mut inner = Vec::new();
        if depth < 1 {
            self.scan_into(
                &decoded,
                &Part::whole(&decoded),
                scratch,
                &mut inner,
                depth + 1,
            );
            dedup(self.rules, &decoded, &mut inner);
        }
        if inner.is_empty() {
            let rule = &self.rules.rules[r];
            let text = trim_ascii(&decoded);
            if self.accept(rule, text) {
                out.push(Match {
                    rule: r,
                    secret: range.clone(),
                    matched: range,
                    decoded: Some(text.to_vec()),
                });
            }
        } else {
            for m in inner {
                let secret = m.secret_bytes(&decoded).to_vec();
                out.push(Match {
                    rule: m.rule,
                    secret: range.clone(),
                    matched: range.clone(),
                    decoded: Some(secret),
                });
            }
        }
    }
}
