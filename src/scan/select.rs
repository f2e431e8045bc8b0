//! What is kept of the candidates: allow comments, the fallback rules' de-duplication, one
//! finding per secret and line, and the exact engine a rule's pattern is searched with.

use super::*;

/// Where `run_rule` puts what it finds.
pub(crate) struct Sink<'a> {
    pub(crate) out: &'a mut Vec<Match>,
    /// Base64 values to decode and scan, after the rules have run.
    pub(crate) decode_queue: &'a mut Vec<(usize, Range<usize>)>,
    pub(crate) allowed: &'a mut AllowCache,
    pub(crate) caches: &'a mut RegexCaches,
}

/// Whether the line(s) of a candidate carry an allow comment, each line looked at once per
/// blob: a long line with thousands of candidates must not be searched for each of them.
#[derive(Default)]
pub(crate) struct AllowCache {
    /// Line start → (line end, whether the line has an allow comment), for the lines seen.
    pub(crate) lines: std::collections::BTreeMap<usize, (usize, bool)>,
}

impl AllowCache {
    pub(crate) fn by_comment(
        &mut self,
        scanner: &Scanner,
        hay: &[u8],
        secret: &Range<usize>,
    ) -> bool {
        if let Some((_, &(end, allowed))) = self.lines.range(..=secret.start).next_back()
            && secret.end <= end
        {
            return allowed;
        }
        let start = memchr::memrchr(b'\n', &hay[..secret.start]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &hay[secret.end..]).map_or(hay.len(), |p| secret.end + p);
        let line = &hay[start..end];
        let allowed = scanner.allow_finders.iter().any(|f| f.find(line).is_some());
        // A secret on more than one line: those lines together, not each of them.
        if memchr::memchr(b'\n', line).is_none() {
            self.lines.insert(start, (end, allowed));
        }
        allowed
    }
}

/// Sort by position and drop duplicates: the same secret found twice by one rule, a
/// fallback rule's finding where a specific rule reports overlapping bytes, and the same
/// secret again on its line (see [`one_per_line`]).
pub(crate) fn dedup(rules: &RuleSet, hay: &[u8], out: &mut Vec<Match>) {
    out.sort_by(|a, b| {
        (a.secret.start, a.secret.end, a.rule).cmp(&(b.secret.start, b.secret.end, b.rule))
    });
    out.dedup_by(|b, a| a.rule == b.rule && a.secret == b.secret && a.decoded == b.decoded);
    // Whether `m` gives way to `o`, a finding on overlapping bytes.
    let yields = |m: &Match, o: &Match| {
        let fallback = rules.rules[m.rule].spec.fallback;
        if fallback {
            // A specific rule wins (unless its finding may still be dropped by a path
            // condition, decided later); among fallbacks the earlier one wins.
            (!rules.rules[o.rule].spec.fallback && rules.rules[o.rule].path.is_none())
                || (rules.rules[o.rule].spec.fallback && o.rule < m.rule)
        } else {
            // Two specific rules on the same bytes: keep the wider match once.
            !rules.rules[o.rule].spec.fallback
                && rules.rules[o.rule].path.is_none()
                && o.secret.contains(&m.secret.start)
                && (o.secret.len() > m.secret.len() || (o.secret == m.secret && o.rule < m.rule))
        }
    };
    // A sweep over the matches in order of their start, with the earlier ones that still
    // overlap it: the pairs looked at are the overlapping ones, not all of them.
    let mut keep = vec![true; out.len()];
    let mut open: Vec<usize> = Vec::new();
    for i in 0..out.len() {
        let m = &out[i];
        open.retain(|&j| out[j].secret.end > m.secret.start);
        for &j in &open {
            let o = &out[j];
            if o.secret.start >= m.secret.end {
                continue;
            }
            if yields(m, o) {
                keep[i] = false;
            }
            if yields(o, m) {
                keep[j] = false;
            }
        }
        open.push(i);
    }
    let mut it = keep.iter();
    out.retain(|_| *it.next().unwrap());
    one_per_line(rules, hay, out);
}

/// One finding per secret and line: the same value matched at two places of a line by two
/// rules (a cassette's `"password":"…"` and, further on, `"vnc_url":"vnc://user:…@host"`) is
/// one secret, reported once, under the most specific rule (a specific rule before a fallback,
/// then the higher severity, then the first place). A rule whose findings a path condition
/// may still drop (decided later) takes nothing away from another.
pub(crate) fn one_per_line(rules: &RuleSet, hay: &[u8], out: &mut Vec<Match>) {
    if out.len() < 2 {
        return;
    }
    let line_of = |m: &Match| memchr::memrchr(b'\n', &hay[..m.secret.start]).map_or(0, |p| p + 1);
    let rank = |m: &Match| {
        let spec = &rules.rules[m.rule].spec;
        (
            spec.fallback,
            std::cmp::Reverse(spec.severity),
            m.secret.start,
            m.rule,
        )
    };
    // (line, secret) → the best match that no path condition may drop.
    let mut best: std::collections::HashMap<(usize, &[u8]), usize> = Default::default();
    for (i, m) in out.iter().enumerate() {
        if rules.rules[m.rule].path.is_some() {
            continue;
        }
        let key = (line_of(m), m.secret_bytes(hay));
        let e = best.entry(key).or_insert(i);
        if rank(m) < rank(&out[*e]) {
            *e = i;
        }
    }
    if best.len() == out.len() {
        return;
    }
    let keep: Vec<bool> = out
        .iter()
        .enumerate()
        .map(|(i, m)| {
            best.get(&(line_of(m), m.secret_bytes(hay)))
                .is_none_or(|&b| b == i)
        })
        .collect();
    let mut it = keep.iter();
    out.retain(|_| *it.next().unwrap());
}

/// What finds a rule's matches in its windows: the light pattern for a few windows (see
/// `light.rs`), the full regex for many.
pub(crate) enum Exact<'r> {
    Light(crate::light::Searcher<'r>),
    Full(
        &'r regex_automata::meta::Regex,
        regex_automata::util::captures::Captures,
    ),
}

impl<'r> Exact<'r> {
    pub(crate) fn new(rule: &'r Rule, small: bool) -> Exact<'r> {
        match small.then(|| rule.light_regex()).flatten() {
            Some(light) => Exact::Light(light.searcher()),
            None => {
                let re = rule.regex();
                Exact::Full(re, re.create_captures())
            }
        }
    }

    /// The leftmost-first match of `rule` in `input`, and the secret's range in it (if its
    /// group took part).
    pub(crate) fn find(
        &mut self,
        rule: &Rule,
        input: &regex_automata::Input<'_>,
        caches: &mut RegexCaches,
    ) -> Option<(Range<usize>, Option<Range<usize>>)> {
        match self {
            Exact::Light(searcher) => {
                let found = searcher.find_with(input, crate::rules::light_build, caches)?;
                let secret = rule.secret_of(|g| found.group(g), found.group_len());
                Some((found.range(), secret))
            }
            Exact::Full(re, caps) => {
                re.search_captures_with(caches.get(re), input, caps);
                let m = caps.get_match()?;
                Some((m.range(), rule.secret_range(caps)))
            }
        }
    }
}
