//! A regex syntax tree (`Hir`) as bytes: `build.rs` stores the built-in rules' light patterns
//! so (`light.rs`), and the hook rebuilds each tree it needs from them instead of parsing and
//! translating the pattern. A leaf: it imports nothing of the crate.
//!
//! The tree is written in prefix order, one tag byte per node, numbers as LEB128 varints; the
//! reader rebuilds it with `Hir`'s own constructors, which give back the same tree from one
//! they made (a test checks every built-in rule's).

use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Look, Repetition,
};

const EMPTY: u8 = 0;
const LITERAL: u8 = 1;
const BYTES: u8 = 2;
const UNICODE: u8 = 3;
const LOOK: u8 = 4;
const REPETITION: u8 = 5;
const CAPTURE: u8 = 6;
const CONCAT: u8 = 7;
const ALTERNATION: u8 = 8;

/// `hir` appended to `out`.
pub fn write(hir: &Hir, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty => out.push(EMPTY),
        HirKind::Literal(lit) => {
            out.push(LITERAL);
            bytes(&lit.0, out);
        }
        HirKind::Class(Class::Bytes(c)) => {
            out.push(BYTES);
            put_varint(c.ranges().len() as u64, out);
            for r in c.ranges() {
                out.extend_from_slice(&[r.start(), r.end()]);
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            out.push(UNICODE);
            put_varint(c.ranges().len() as u64, out);
            for r in c.ranges() {
                put_varint(u64::from(r.start()), out);
                put_varint(u64::from(r.end()), out);
            }
        }
        HirKind::Look(look) => {
            out.push(LOOK);
            put_varint(u64::from(look.as_repr()), out);
        }
        HirKind::Repetition(rep) => {
            out.push(REPETITION);
            put_varint(u64::from(rep.min), out);
            put_varint(rep.max.map_or(0, |m| u64::from(m) + 1), out);
            out.push(u8::from(rep.greedy));
            write(&rep.sub, out);
        }
        HirKind::Capture(cap) => {
            out.push(CAPTURE);
            put_varint(u64::from(cap.index), out);
            match &cap.name {
                Some(name) => {
                    out.push(1);
                    bytes(name.as_bytes(), out);
                }
                None => out.push(0),
            }
            write(&cap.sub, out);
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            out.push(if matches!(hir.kind(), HirKind::Concat(_)) {
                CONCAT
            } else {
                ALTERNATION
            });
            put_varint(subs.len() as u64, out);
            for sub in subs {
                write(sub, out);
            }
        }
    }
}

/// The tree [`write`] wrote to `data`; `None` if `data` is not one, whole.
pub fn read(data: &[u8]) -> Option<Hir> {
    let mut r = Cursor::new(data);
    let hir = r.hir(0)?;
    r.is_done().then_some(hir)
}

/// `n` appended to `out` as a LEB128 varint.
pub fn put_varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn bytes(b: &[u8], out: &mut Vec<u8>) {
    put_varint(b.len() as u64, out);
    out.extend_from_slice(b);
}

/// Reads what [`put_varint`] and its kin wrote.
pub struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

/// How deep a tree may nest (no built-in pattern comes near it).
const MAX_DEPTH: usize = 200;

impl<'a> Cursor<'a> {
    pub fn new(data: &'a [u8]) -> Cursor<'a> {
        Cursor { data, at: 0 }
    }

    /// Whether all of the data was read.
    pub fn is_done(&self) -> bool {
        self.at == self.data.len()
    }

    /// A count of items of at least a byte each: `None` past the data left.
    pub fn count(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.data.len() - self.at).then_some(n)
    }

    pub fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    pub fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.varint()?).ok()
    }

    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        let b = self.data.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(b)
    }

    fn subs(&mut self, depth: usize) -> Option<Vec<Hir>> {
        let n = usize::try_from(self.varint()?).ok()?;
        // At least one byte per node: a count past the data is corrupt.
        if n > self.data.len() - self.at {
            return None;
        }
        (0..n).map(|_| self.hir(depth + 1)).collect()
    }

    fn hir(&mut self, depth: usize) -> Option<Hir> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match self.byte()? {
            EMPTY => Hir::empty(),
            LITERAL => Hir::literal(self.bytes()?),
            BYTES => {
                let n = usize::try_from(self.varint()?).ok()?;
                let ranges = self
                    .data
                    .get(self.at..self.at.checked_add(n.checked_mul(2)?)?)?;
                self.at += 2 * n;
                let ranges = ranges
                    .chunks_exact(2)
                    .map(|r| ClassBytesRange::new(r[0], r[1]));
                Hir::class(Class::Bytes(ClassBytes::new(ranges)))
            }
            UNICODE => {
                let n = usize::try_from(self.varint()?).ok()?;
                if n > self.data.len() - self.at {
                    return None;
                }
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    let start = char::from_u32(self.u32()?)?;
                    let end = char::from_u32(self.u32()?)?;
                    ranges.push(ClassUnicodeRange::new(start, end));
                }
                Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
            }
            LOOK => Hir::look(Look::from_repr(self.u32()?)?),
            REPETITION => {
                let min = self.u32()?;
                let max = match self.u32()? {
                    0 => None,
                    m => Some(m - 1),
                };
                let greedy = self.byte()? != 0;
                let sub = Box::new(self.hir(depth + 1)?);
                Hir::repetition(Repetition {
                    min,
                    max,
                    greedy,
                    sub,
                })
            }
            CAPTURE => {
                let index = self.u32()?;
                let name = match self.byte()? {
                    0 => None,
                    _ => Some(std::str::from_utf8(self.bytes()?).ok()?.into()),
                };
                let sub = Box::new(self.hir(depth + 1)?);
                Hir::capture(Capture { index, name, sub })
            }
            CONCAT => Hir::concat(self.subs(depth)?),
            ALTERNATION => Hir::alternation(self.subs(depth)?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(pattern: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .unwrap()
    }

    fn round_trip(h: &Hir) -> Option<Hir> {
        let mut out = Vec::new();
        write(h, &mut out);
        read(&out)
    }

    #[test]
    fn every_kind_of_node_reads_back_as_written() {
        for p in [
            "",
            "abc",
            r"(?i)token[_-]?",
            r"\bx(?P<name>[a-z]{2,9}?)(?:y|z+|)$",
            r"(?m)^a{0,1024}[^\r\n]*(b|c|dd)\z",
            r"(?u)[é-ü]+é",
            r"(?-u:\xff)[\x00-\x7f]{3,}?",
        ] {
            let h = hir(p);
            assert_eq!(round_trip(&h).as_ref(), Some(&h), "{p}");
        }
    }

    #[test]
    fn corrupt_bytes_read_as_none_not_a_panic() {
        let mut out = Vec::new();
        write(&hir(r"(?i)abc(d{2,9})[x-z]+"), &mut out);
        for cut in 0..out.len() {
            assert!(read(&out[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = out.clone();
        longer.push(0);
        assert!(read(&longer).is_none());
        for at in 0..out.len() {
            let mut bad = out.clone();
            bad[at] ^= 0xff;
            let _ = read(&bad);
        }
    }
}
