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

/// Whether capture group `group` of `pattern` is a prefixed token: every match starts with one
/// of a few literal prefixes of three bytes or more (`ghp_`, `xoxb-`, `sk_live_`), and its
/// length is bounded (a token format's documented length, not an open-ended run).
#[allow(dead_code)] // build.rs includes this file without calling it
pub fn prefixed(pattern: &str, group: u32) -> bool {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
    else {
        return false;
    };
    let Some(sub) = find_group(&hir, group) else {
        return false;
    };
    if sub.properties().maximum_len().is_none() {
        return false;
    }
    let mut extractor = Extractor::new();
    // A class of more than four bytes (`[0-9]`, `[a-f]`) ends the prefix; a case-insensitive
    // letter (`[Ss]`) or a short choice (`[bp]`) does not.
    extractor
        .kind(ExtractKind::Prefix)
        .limit_class(4)
        .limit_total(256);
    let seq = extractor.extract(sub);
    seq.min_literal_len().is_some_and(|n| n >= 3) && seq.len().is_some_and(|n| n > 0)
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

#[cfg(test)]
mod tests {
    use super::Shape;

    #[test]
    fn shape_of_a_token_pattern() {
        let s = Shape::of(r"\b(ghp_[A-Za-z0-9]{36})\b", 1).unwrap();
        assert_eq!(s.min_len, 40);
        assert!(s.admits(b"token = ghp_abcdefghijklmnopqrstuvwxyz0123456789 # x"));
        // One byte outside the set breaks the run.
        assert!(!s.admits(b"token = ghp_abcdefghijklmnop-qrstuvwxyz0123456789"));
        assert!(!s.admits(b"short ghp_abc"));
    }

    #[test]
    fn case_insensitive_literals_and_alternations_add_every_byte() {
        let s = Shape::of(r"(?i)key=((?:abc|XYZ)[0-9]{8})", 1).unwrap();
        assert_eq!(s.min_len, 11);
        assert!(s.admits(b"key=AbC12345678"));
        assert!(s.admits(b"key=xyz12345678"));
        assert!(!s.admits(b"key=qqq12345678"));
    }

    #[test]
    fn prefixed_tokens() {
        assert!(super::prefixed(r"\b((?:ghp|gho)_[A-Za-z0-9]{36})\b", 1));
        assert!(super::prefixed(
            r"\b(xox[bp]-[0-9]{10,13}-[A-Za-z0-9-]{20,40})",
            1
        ));
        // No prefix, a short one, or an unbounded length.
        assert!(!super::prefixed(r"key=([A-Za-z0-9]{32})", 1));
        assert!(!super::prefixed(r"\b(sk[A-Za-z0-9]{32})", 1));
        assert!(!super::prefixed(r"\b(ghp_[A-Za-z0-9]{36,})", 1));
    }

    #[test]
    fn no_shape_without_the_group_or_for_short_secrets() {
        assert_eq!(Shape::of(r"secret=([a-z]{3})", 1), None);
        assert_eq!(Shape::of(r"secret=[a-z]{30}", 1), None);
        assert_eq!(Shape::of(r"secret=([a-z", 1), None);
    }

    #[test]
    fn every_example_of_every_rule_has_its_rules_shape() {
        // A shape that rejected a real secret would hide it: each example holds a run.
        let rules = crate::rules::RuleSet::builtin_with_examples().unwrap();
        let built = crate::rules::RuleSet::builtin().unwrap();
        for (rule, b) in rules.rules.iter().zip(&built.rules) {
            assert_eq!(rule.id(), b.id());
            // What build.rs worked out is what the code works out.
            assert_eq!(
                b.shape(),
                Shape::of(rule.spec.pattern.get_ref(), 1).as_ref(),
                "{}",
                rule.id()
            );
            if let Some(shape) = b.shape() {
                for ex in &rule.spec.examples {
                    assert!(shape.admits(ex.as_bytes()), "{}: {ex:?}", rule.id());
                }
            }
        }
    }
}
