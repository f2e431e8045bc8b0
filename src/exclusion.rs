//! A pattern's exclusion branches, taken apart from the branch that captures the secret.
//! Shared by `build.rs` (which compiles the exclusions' check to a DFA) and the rule loader.
//!
//! Some rules start with top-level alternatives that capture nothing: they consume what must
//! not be reported (`next_page_token = …`, `cache_key = …`), and win where they match at or
//! before the start of a match of the capturing branches. They are most of the pattern, and
//! of the cost of compiling it for a commit's few windows. Split apart, `main` (the capturing
//! branches) is compiled alone, and a match of it stands unless the exclusions' check (a
//! superset of them, a prebuilt DFA) matches in the bytes an exclusion match starting at or
//! before it could span; only then is the whole pattern compiled (see `light.rs`).

use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{Hir, HirKind};

/// A pattern `E1|…|Ek|M1|…|Mj` whose `E` branches have no capture group.
#[derive(Debug)]
pub struct Split {
    /// `M1|…|Mj` as a pattern of its own (with the pattern's leading flags): the same
    /// language, groups and priorities as those branches in the pattern.
    pub main: String,
    /// What each `E` branch matches without its leading and trailing items that can match
    /// nothing (`(?:^|[^a-z])[a-z]{0,60}?`, `[^\r\n]{0,300}`): where an `E` branch matches
    /// at `s`, this matches within `s..s + max_len`.
    pub check: Hir,
    /// The longest match of an `E` branch without its trailing items that can match nothing
    /// (`None`: unbounded).
    pub max_len: Option<usize>,
}

/// How leakgate reads a pattern (as `light::translate` and `rules::syntax_config` do).
fn translate(pattern: &str, tree: &Ast) -> Option<Hir> {
    regex_syntax::hir::translate::TranslatorBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .translate(pattern, tree)
        .ok()
}

fn captures(tree: &Ast) -> bool {
    match tree {
        Ast::Repetition(rep) => captures(&rep.ast),
        Ast::Group(g) => g.capture_index().is_some() || captures(&g.ast),
        Ast::Concat(c) => c.asts.iter().any(captures),
        Ast::Alternation(a) => a.asts.iter().any(captures),
        _ => false,
    }
}

/// Items of a branch at its top level (a concatenation's items, or the branch itself).
fn items(tree: &Ast) -> &[Ast] {
    match tree {
        Ast::Concat(c) => &c.asts,
        other => std::slice::from_ref(other),
    }
}

/// The split of `pattern`, if it has that shape: at least one `E` branch, all of them first,
/// none with a capture group or with flags set at its top level but the first branch's
/// leading ones (they hold for the branches after it, and are repeated in `main`). Checked:
/// `main` translates to exactly the pattern's `M` branches.
pub fn split(pattern: &str) -> Option<Split> {
    let tree = ast::parse::Parser::new().parse(pattern).ok()?;
    let Ast::Alternation(alt) = &tree else {
        return None;
    };
    let k = alt.asts.iter().take_while(|a| !captures(a)).count();
    if k == 0 || k == alt.asts.len() || !alt.asts[k..].iter().all(captures) {
        return None;
    }
    let first = items(&alt.asts[0]);
    let lead = first
        .iter()
        .take_while(|a| matches!(a, Ast::Flags(_)))
        .count();
    let flags_elsewhere = alt.asts[..k].iter().enumerate().any(|(i, a)| {
        let skip = if i == 0 { lead } else { 0 };
        items(a)[skip..].iter().any(|x| matches!(x, Ast::Flags(_)))
    });
    if flags_elsewhere {
        return None;
    }
    let prefix = if lead == 0 {
        ""
    } else {
        &pattern[first[0].span().start.offset..first[lead - 1].span().end.offset]
    };
    let rest = &pattern[alt.asts[k].span().start.offset..alt.asts.last()?.span().end.offset];
    let main = format!("{prefix}{rest}");

    let hir = translate(pattern, &tree)?;
    let HirKind::Alternation(alts) = hir.kind() else {
        return None;
    };
    if alts.len() != alt.asts.len() {
        return None;
    }
    let main_tree = ast::parse::Parser::new().parse(&main).ok()?;
    if translate(&main, &main_tree)? != Hir::alternation(alts[k..].to_vec()) {
        return None;
    }
    let max_len = alts[..k]
        .iter()
        .map(|a| {
            Hir::concat(core(a, false).to_vec())
                .properties()
                .maximum_len()
        })
        .try_fold(0, |m, l| l.map(|l| m.max(l)));
    let check = alts[..k]
        .iter()
        .map(|a| Hir::concat(core(a, true).to_vec()))
        .collect();
    Some(Split {
        main,
        check: Hir::alternation(check),
        max_len,
    })
}

/// An alternation of a pattern, as [`reduce`] needs it: each alternative's span in the
/// pattern, its leading literal and the alternations inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub branches: Vec<Branch>,
}

/// One alternative of a [`Choice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// Its byte range in the pattern.
    pub start: usize,
    pub end: usize,
    /// The literal bytes every match of it starts with (maybe none), ASCII, lower-cased.
    pub literal: Vec<u8>,
    /// The alternations in it (not those inside them), in order.
    pub inner: Vec<Choice>,
}

impl Choice {
    /// The alternations in `tree` (not those inside them), in order.
    fn all_in(tree: &Ast, out: &mut Vec<Choice>) {
        match tree {
            Ast::Repetition(rep) => Choice::all_in(&rep.ast, out),
            Ast::Group(g) => Choice::all_in(&g.ast, out),
            Ast::Concat(c) => c.asts.iter().for_each(|a| Choice::all_in(a, out)),
            Ast::Alternation(alt) => out.push(Choice {
                branches: alt
                    .asts
                    .iter()
                    .map(|a| {
                        let mut inner = Vec::new();
                        Choice::all_in(a, &mut inner);
                        Branch {
                            start: a.span().start.offset,
                            end: a.span().end.offset,
                            literal: leading_literal(a),
                            inner,
                        }
                    })
                    .collect(),
            }),
            _ => {}
        }
    }

    /// `self` appended to `out` (what `build.rs` stores for a built-in rule).
    pub fn write(&self, out: &mut Vec<u8>) {
        use crate::hirbin::put_varint;
        put_varint(self.branches.len() as u64, out);
        for b in &self.branches {
            put_varint(b.start as u64, out);
            put_varint(b.end as u64, out);
            put_varint(b.literal.len() as u64, out);
            out.extend_from_slice(&b.literal);
            put_varint(b.inner.len() as u64, out);
            for c in &b.inner {
                c.write(out);
            }
        }
    }

    /// The choice [`Choice::write`] wrote to `data`; `None` if `data` is not one, whole.
    pub fn read(data: &[u8]) -> Option<Choice> {
        let mut r = crate::hirbin::Cursor::new(data);
        let c = Choice::read_from(&mut r, 0)?;
        r.is_done().then_some(c)
    }

    fn read_from(r: &mut crate::hirbin::Cursor<'_>, depth: usize) -> Option<Choice> {
        if depth > 200 {
            return None;
        }
        let n = r.count()?;
        let mut branches = Vec::with_capacity(n);
        for _ in 0..n {
            let start = r.usize()?;
            let end = r.usize()?;
            let literal = r.bytes()?.to_vec();
            let inner = (0..r.count()?)
                .map(|_| Choice::read_from(r, depth + 1))
                .collect::<Option<_>>()?;
            branches.push(Branch {
                start,
                end,
                literal,
                inner,
            });
        }
        Some(Choice { branches })
    }
}

/// The exclusion branches of `pattern` (as [`split`] finds them) as one alternation, for
/// [`reduce`].
pub fn exclusions(pattern: &str) -> Option<Choice> {
    let mut tree = ast::parse::Parser::new().parse(pattern).ok()?;
    let Ast::Alternation(alt) = &mut tree else {
        return None;
    };
    let k = alt.asts.iter().take_while(|a| !captures(a)).count();
    alt.asts.truncate(k);
    let mut out = Vec::new();
    Choice::all_in(&tree, &mut out);
    out.pop()
}

/// The exclusion branches of `pattern` (`exclusions` made `top` of it) as a pattern that
/// matches in a text exactly as they do: each alternative of each alternation in them whose
/// leading literal is not in the text (`occurs`, given it lower-cased) is left out, since
/// no match in the text can go through it, and leaving out an alternative no match goes
/// through changes neither the matches nor their priority. (An alternation keeps its first
/// alternative should none be left: it cannot match either.) The exclusions name a few
/// hundred words; a line holds one or two of them.
pub fn reduce(pattern: &str, top: &Choice, occurs: &dyn Fn(&[u8]) -> bool) -> Option<String> {
    let start = top.branches.first()?.start;
    let end = top.branches.last()?.end;
    let mut cut = Vec::new();
    prune(top, occurs, &mut cut);
    cut.sort_unstable();
    let mut out = String::with_capacity(end - start);
    let mut at = start;
    for (a, b) in cut {
        out.push_str(pattern.get(at..a)?);
        at = b;
    }
    out.push_str(pattern.get(at..end)?);
    Some(out)
}

/// The byte ranges of the pattern to cut out for [`reduce`].
fn prune(choice: &Choice, occurs: &dyn Fn(&[u8]) -> bool, cut: &mut Vec<(usize, usize)>) {
    let alts = &choice.branches;
    let keep: Vec<bool> = alts
        .iter()
        .map(|a| a.literal.is_empty() || occurs(&a.literal))
        .collect();
    let first_kept = keep.iter().position(|&k| k).unwrap_or(0);
    for (i, a) in alts.iter().enumerate() {
        if keep[i] || i == first_kept {
            a.inner.iter().for_each(|c| prune(c, occurs, cut));
        } else if i < first_kept {
            // `a|` before the first alternative kept
            cut.push((a.start, alts[i + 1].start));
        } else {
            // `|a` after it
            cut.push((alts[i - 1].end, a.end));
        }
    }
}

/// The literal bytes every match of `tree` starts with (maybe none), ASCII, lower-cased.
fn leading_literal(tree: &Ast) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items(tree) {
        // (A non-ASCII literal may stand for a byte, `\xFF`: the literal ends before it.)
        let Ast::Literal(l) = item else { break };
        if !l.c.is_ascii() {
            break;
        }
        out.push(l.c.to_ascii_lowercase() as u8);
    }
    out
}

/// The items of `hir`'s concatenation without the trailing ones that can match the empty
/// string (`[^\r\n]{0,300}`), and without the leading ones too if `lead`
/// (`(?:^|[^a-z])[a-z_]{0,60}?`). Where `hir` matches, these match a part of that match:
/// from its start without the trailing ones, from within it without the leading ones too.
fn core(hir: &Hir, lead: bool) -> &[Hir] {
    let xs = match hir.kind() {
        HirKind::Concat(xs) => &xs[..],
        _ => std::slice::from_ref(hir),
    };
    let empty = |x: &Hir| x.properties().minimum_len() == Some(0);
    let end = xs.iter().rposition(|x| !empty(x)).map_or(0, |i| i + 1);
    let start = if lead {
        xs[..end].iter().position(|x| !empty(x)).unwrap_or(end)
    } else {
        0
    };
    &xs[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_leading_capture_free_branches() {
        let s =
            split(r"(?m)(?i:next)[a-z]{0,3}?token[^\r\n]{0,300}|x(?i:token)=([a-z]{4,9})").unwrap();
        assert_eq!(s.main, r"(?m)x(?i:token)=([a-z]{4,9})");
        assert_eq!(s.max_len, Some(4 + 3 + 5));
        // Flags set elsewhere than at the start, a capture first, no exclusion: no split.
        assert!(split(r"a(?i)b|(c)").is_none());
        assert!(split(r"(a)|b").is_none());
        assert!(split(r"(a)|(b)").is_none());
        assert!(split(r"a|(b)|c").is_none());
        assert_eq!(split(r"a+|(b)").unwrap().max_len, None);
    }

    #[test]
    fn reduces_to_the_alternatives_whose_literal_occurs() {
        let p = r"(?m)(?:^|\\n)(?i:next|page|prev(?:ious)?|x[0-9]+)_?token|q(?:ab|cd)|(y)";
        let e = exclusions(p).unwrap();
        let text = b"a PAGE_token = 1; previous".to_ascii_lowercase();
        let occurs = |lit: &[u8]| text.windows(lit.len()).any(|w| w == lit);
        assert_eq!(
            reduce(p, &e, &occurs).unwrap(),
            r"(?m)(?:^)(?i:page|prev(?:ious)?)_?token"
        );
        let none = |_: &[u8]| false;
        assert_eq!(reduce(p, &e, &none).unwrap(), r"(?m)(?:^)(?i:next)_?token");
        // As `build.rs` stores it, read back.
        let mut bytes = Vec::new();
        e.write(&mut bytes);
        assert_eq!(Choice::read(&bytes).as_ref(), Some(&e));
        assert!(Choice::read(&bytes[..bytes.len() - 1]).is_none());
    }
}
