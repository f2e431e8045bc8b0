//! Windows: the part of a line (or lines) around a keyword hit that a rule's pattern is
//! matched in, and the rules' `context` regexes over a blob.

use super::*;

/// Whether rules' `context` regexes match one blob; each distinct regex runs at most once.
pub(crate) struct ContextCache<'s, 'r> {
    pub(crate) scanner: &'s Scanner<'r>,
    pub(crate) hay: &'s [u8],
    pub(crate) hits: Vec<Option<bool>>,
}

impl<'s, 'r> ContextCache<'s, 'r> {
    pub(crate) fn new(scanner: &'s Scanner<'r>, hay: &'s [u8]) -> Self {
        ContextCache {
            scanner,
            hay,
            hits: vec![None; scanner.contexts.len()],
        }
    }

    /// Whether rule `r` has no context, or its context matches.
    pub(crate) fn ok(&mut self, r: usize) -> bool {
        let Some(c) = self.scanner.rule_context[r] else {
            return true;
        };
        let (scanner, hay) = (self.scanner, self.hay);
        *self.hits[c].get_or_insert_with(|| scanner.context_regex(c).is_match(hay))
    }
}

pub(crate) fn trim_ascii(b: &[u8]) -> &[u8] {
    let s = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let e = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(s, |p| p + 1);
    &b[s..e]
}

/// The line breaks of a part and the `reach` bytes around it, found on first use; windows of
/// several lines are worked out from them (the same windows as [`window`]).
#[derive(Default)]
pub(crate) struct Breaks {
    pub(crate) built: bool,
    pub(crate) at: Vec<usize>,
}

impl Breaks {
    pub(crate) fn window(
        &mut self,
        hay: &[u8],
        part: &Part,
        reach: usize,
        hit: Range<usize>,
        extra: u8,
    ) -> Range<usize> {
        if !self.built {
            let from = part.span.start.saturating_sub(reach);
            let to = (part.span.end + reach).min(hay.len());
            self.at = memchr::memchr_iter(b'\n', &hay[from..to])
                .map(|p| from + p)
                .collect();
            self.built = true;
        }
        let at = &self.at;
        // The last break in `a..b`, the first one in `a..b`.
        let last_in = |a: usize, b: usize| {
            let i = at.partition_point(|&p| p < b);
            (i > 0 && at[i - 1] >= a).then(|| at[i - 1])
        };
        let first_in = |a: usize, b: usize| {
            let i = at.partition_point(|&p| p < a);
            at.get(i).copied().filter(|&p| p < b)
        };
        let reach = WINDOW * (usize::from(extra) + 1);
        let lo = hit.start.saturating_sub(reach);
        let hi = (hit.end + reach).min(hay.len());
        let mut ws = last_in(lo, hit.start).map_or(lo, |p| p + 1);
        let mut we = first_in(hit.end, hi).unwrap_or(hi);
        for _ in 0..extra {
            if ws > lo {
                ws = last_in(lo, ws - 1).map_or(lo, |p| p + 1);
            }
            if we < hi {
                we = first_in(we + 1, hi).unwrap_or(hi);
            }
        }
        ws..we
    }
}

/// The hit's line (and `extra` lines before and after it), clipped to `WINDOW` bytes per line
/// either side of the hit.
pub(crate) fn window(hay: &[u8], start: usize, end: usize, extra: u8) -> Range<usize> {
    let reach = WINDOW * (usize::from(extra) + 1);
    let lo = start.saturating_sub(reach);
    let hi = (end + reach).min(hay.len());
    let mut ws = memchr::memrchr(b'\n', &hay[lo..start]).map_or(lo, |p| lo + p + 1);
    let mut we = memchr::memchr(b'\n', &hay[end..hi]).map_or(hi, |p| end + p);
    for _ in 0..extra {
        if ws > lo {
            ws = memchr::memrchr(b'\n', &hay[lo..ws - 1]).map_or(lo, |p| lo + p + 1);
        }
        if we < hi {
            we = memchr::memchr(b'\n', &hay[we + 1..hi]).map_or(hi, |p| we + 1 + p);
        }
    }
    ws..we
}
