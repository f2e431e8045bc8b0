//! A rule's gate: a cheap superset of its pattern that rules windows out before the pattern
//! itself is needed. Shared with `build.rs`, which compiles the built-in rules' gates to
//! DFAs once, at build time, so that a commit compiles no regex for the windows they rule out.

use regex_syntax::hir::{Hir, HirKind, Repetition};

/// How far [`widen`] loosens a pattern.
#[derive(Debug, Clone, Copy)]
pub struct Widening {
    /// A repetition whose upper bound exceeds this becomes unbounded (`{m,n}` → `{m,}`).
    pub max_bound: u32,
    /// Also lower every repetition's minimum to at most this (`{32}` → `{8,}`): far fewer DFA
    /// states, for a gate that is determinized.
    pub min_cap: Option<u32>,
}

/// The gate of a pattern parsed as `hir` whose secret is capture group `group` (`None`: any):
/// - the top-level alternatives that cannot capture the secret are dropped: a rule has them
///   to consume what must not be reported (`next_token = …`), so a window where only they
///   match holds no finding;
/// - repetitions are loosened as `how` says: a superset of the language, with far fewer
///   automaton states.
///
/// Capture groups stay (the compilers are told not to record them).
pub fn gate_hir(hir: &Hir, group: Option<usize>, how: Widening) -> Hir {
    let hir = match (hir.kind(), group) {
        (HirKind::Alternation(alts), Some(n)) => {
            let keep: Vec<Hir> = alts.iter().filter(|a| has_group(a, n)).cloned().collect();
            if keep.is_empty() {
                hir.clone()
            } else {
                Hir::alternation(keep)
            }
        }
        _ => hir.clone(),
    };
    widen(&hir, how)
}

/// Whether capture group `n` occurs in `hir`.
fn has_group(hir: &Hir, n: usize) -> bool {
    match hir.kind() {
        HirKind::Capture(c) => c.index as usize == n || has_group(&c.sub, n),
        HirKind::Repetition(r) => has_group(&r.sub, n),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(|h| has_group(h, n)),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// `hir` with its repetitions loosened as `how` says.
fn widen(hir: &Hir, how: Widening) -> Hir {
    match hir.kind() {
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: how.min_cap.map_or(r.min, |cap| r.min.min(cap)),
            max: r.max.filter(|&m| m <= how.max_bound),
            greedy: r.greedy,
            sub: Box::new(widen(&r.sub, how)),
        }),
        HirKind::Capture(c) => {
            let mut c = c.clone();
            c.sub = Box::new(widen(&c.sub, how));
            Hir::capture(c)
        }
        HirKind::Concat(v) => Hir::concat(v.iter().map(|h| widen(h, how)).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(|h| widen(h, how)).collect()),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => hir.clone(),
    }
}
