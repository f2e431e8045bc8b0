//! The least a rule's secret must look like: a run of at least `min_len` bytes, each from a
//! set. Worked out from the pattern's capture group, so it holds for every match; a window
//! without such a run holds no finding of the rule, and the check needs no regex at all.
//!
//! `build.rs` includes this file too, to work out the shapes of the built-in rules at build
//! time; it must therefore depend on nothing but `regex_syntax`.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A byte set and a minimum run length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub bytes: [u64; 4],
    pub min_len: usize,
}

impl Shape {
    /// The shape of capture group `group` of `pattern` (compiled as leakgate compiles rules:
    /// no Unicode, bytes), or `None` when there is no useful one (no such group, or a
    /// minimum length too short to rule much out).
    pub fn of(pattern: &str, group: u32) -> Option<Shape> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .ok()?;
        let sub = find_group(&hir, group)?;
        let min_len = sub.properties().minimum_len()?;
        if min_len < 8 {
            return None;
        }
        let mut bytes = [0u64; 4];
        add_bytes(sub, &mut bytes);
        Some(Shape { bytes, min_len })
    }

    fn has(&self, b: u8) -> bool {
        self.bytes[usize::from(b >> 6)] >> (b & 63) & 1 == 1
    }

    /// Whether `window` holds `min_len` bytes of the set in a row.
    pub fn admits(&self, window: &[u8]) -> bool {
        let mut run = 0;
        for &b in window {
            if self.has(b) {
                run += 1;
                if run >= self.min_len {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        false
    }
}

fn find_group(hir: &Hir, group: u32) -> Option<&Hir> {
    match hir.kind() {
        HirKind::Capture(c) if c.index == group => Some(&c.sub),
        HirKind::Capture(c) => find_group(&c.sub, group),
        HirKind::Repetition(r) => find_group(&r.sub, group),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().find_map(|h| find_group(h, group)),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => None,
    }
}

/// Every byte a match of `hir` can contain.
fn add_bytes(hir: &Hir, set: &mut [u64; 4]) {
    let mut add = |b: u8| set[usize::from(b >> 6)] |= 1 << (b & 63);
    match hir.kind() {
        HirKind::Literal(l) => l.0.iter().for_each(|&b| add(b)),
        HirKind::Class(Class::Bytes(c)) => {
            for r in c.ranges() {
                (r.start()..=r.end()).for_each(&mut add);
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            // Not produced with Unicode off, but an ASCII-only class may still come this way.
            for r in c.ranges() {
                let (s, e) = (u32::from(r.start()), u32::from(r.end()).min(0xFF));
                (s..=e).for_each(|b| add(b as u8));
                if u32::from(r.end()) > 0x7F {
                    (0x80..=0xFF).for_each(&mut add);
                }
            }
        }
        HirKind::Capture(c) => add_bytes(&c.sub, set),
        HirKind::Repetition(r) => add_bytes(&r.sub, set),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().for_each(|h| add_bytes(h, set)),
        HirKind::Empty | HirKind::Look(_) => {}
    }
}
