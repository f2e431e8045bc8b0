//! A rule's pattern with its long runs unbounded, as `light.rs` searches it first (its module
//! documentation says why that finds the pattern's own matches). A leaf: `build.rs` works it
//! out for the built-in rules, so that the hook does not parse and translate their patterns.

use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::Hir;

/// A bounded repetition counts as long, and is rewritten, from this many optional repeats.
const LONG: u32 = 8;

/// A pattern loosened (see [`loosen`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loose {
    /// The pattern with each long repetition unbounded and captured.
    pub hir: Hir,
    /// (capture group, least, most) of each rewritten repetition; none: `hir` is the pattern.
    pub checks: Vec<(usize, usize, usize)>,
    /// The pattern's capture groups, group 0 included: the rewritten ones come after them.
    pub groups: usize,
}

/// `pattern` with each long bounded repetition of one byte outside a loop made unbounded and
/// wrapped in a capture group of its own. The rewriting is done on the syntax tree, in place,
/// before it is translated, so that the pattern is translated once.
pub fn loosen(pattern: &str) -> Option<Loose> {
    let mut tree = parse(pattern)?;
    let groups = count_groups(&tree) + 1;
    let mut checks = Vec::new();
    unbound(&mut tree, false, groups, &mut checks);
    Some(Loose {
        hir: translate(pattern, &tree)?,
        checks,
        groups,
    })
}

/// How leakgate reads a rule's pattern: ASCII classes, bytes (not only UTF-8).
pub fn translate(pattern: &str, ast: &Ast) -> Option<Hir> {
    regex_syntax::hir::translate::TranslatorBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .translate(pattern, ast)
        .ok()
}

pub fn parse(pattern: &str) -> Option<Ast> {
    ast::parse::Parser::new().parse(pattern).ok()
}

/// The number of capture groups in `tree`.
fn count_groups(tree: &Ast) -> usize {
    match tree {
        Ast::Repetition(rep) => count_groups(&rep.ast),
        Ast::Group(g) => usize::from(g.capture_index().is_some()) + count_groups(&g.ast),
        Ast::Concat(c) => c.asts.iter().map(count_groups).sum(),
        Ast::Alternation(a) => a.asts.iter().map(count_groups).sum(),
        _ => 0,
    }
}

/// Whether `tree` matches exactly one byte, as leakgate translates it.
fn one_byte(tree: &Ast) -> bool {
    match tree {
        Ast::Literal(l) => l.c.is_ascii(),
        Ast::Dot(_) | Ast::ClassPerl(_) | Ast::ClassBracketed(_) => true,
        _ => false,
    }
}

/// Make each long bounded repetition of one byte in `tree` outside a loop unbounded and
/// captured (groups from `next` on, recorded in `checks`), in place.
fn unbound(tree: &mut Ast, in_loop: bool, next: usize, checks: &mut Vec<(usize, usize, usize)>) {
    use ast::{RepetitionKind, RepetitionRange};
    match tree {
        Ast::Repetition(rep) => match rep.op.kind {
            RepetitionKind::Range(RepetitionRange::Bounded(least, most))
                if !in_loop && most - least >= LONG && one_byte(&rep.ast) =>
            {
                let index = next + checks.len();
                checks.push((index, least as usize, most as usize));
                rep.op.kind = RepetitionKind::Range(RepetitionRange::AtLeast(least));
                let span = rep.span;
                let loose = std::mem::replace(tree, Ast::empty(span));
                *tree = Ast::group(ast::Group {
                    span,
                    kind: ast::GroupKind::CaptureIndex(index as u32),
                    ast: Box::new(loose),
                });
            }
            ref kind => {
                // What repeats more than once sets a group only for its last round.
                let once = matches!(
                    kind,
                    RepetitionKind::ZeroOrOne
                        | RepetitionKind::Range(
                            RepetitionRange::Exactly(0 | 1) | RepetitionRange::Bounded(_, 0 | 1)
                        )
                );
                unbound(&mut rep.ast, in_loop || !once, next, checks);
            }
        },
        Ast::Group(g) => unbound(&mut g.ast, in_loop, next, checks),
        Ast::Concat(c) => {
            for a in &mut c.asts {
                unbound(a, in_loop, next, checks);
            }
        }
        Ast::Alternation(a) => {
            for a in &mut a.asts {
                unbound(a, in_loop, next, checks);
            }
        }
        _ => {}
    }
}
