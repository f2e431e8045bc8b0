//! A rule's pattern compiled for a little input (the windows of a commit), cheap to build.
//!
//! Compiling a pattern's NFA costs in proportion to its states, and a bounded repetition of
//! one byte class (`[A-Za-z0-9_+/=]{16,1024}`, `[^\r\n]{0,300}`) is one state per repetition:
//! the generic rules are mostly such runs. Here each long one outside any loop is made
//! unbounded and wrapped in a capture group of its own; a match found that way is the
//! pattern's own match whenever every such group's length is within its bounds, and only
//! otherwise is the pattern itself compiled and searched.
//!
//! Why that holds: leftmost-first matching takes, at the leftmost start with a match, the
//! first successful path in priority order. The unbounded pattern's paths are a superset of
//! the pattern's, in the same relative order (a greedy repetition tries more before fewer, a
//! lazy one fewer before more, whatever the bound), and a path is one of the pattern's
//! exactly when each rewritten repetition's count is within its bounds: one byte per
//! repetition, so the count is the group's length. So if the first successful path of the
//! unbounded pattern is within bounds, no path of the pattern comes before it, at its start
//! or at any earlier one.

use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::util::captures::Captures;
use regex_automata::{Input, meta};
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::Hir;

/// A bounded repetition counts as long, and is rewritten, from this many optional repeats.
const LONG: u32 = 8;

/// The pattern for a little input (see the module documentation).
#[derive(Debug)]
pub struct Light {
    /// The pattern with its long repetitions unbounded; `None` when none was rewritten (then
    /// `exact` is the pattern).
    loose: Option<meta::Regex>,
    /// (capture group, least, most) of each rewritten repetition.
    checks: Vec<(usize, usize, usize)>,
    /// The pattern's capture groups, group 0 included: the rewritten ones come after them.
    groups: usize,
    /// The pattern itself (built on the first match `loose` cannot vouch for).
    exact: OnceLock<Option<meta::Regex>>,
    pattern: Box<str>,
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

fn parse(pattern: &str) -> Option<Ast> {
    ast::parse::Parser::new().parse(pattern).ok()
}

impl Light {
    /// `pattern` (a rule's) ready to be compiled by `build`; nothing is compiled yet but the
    /// loose pattern. The rewriting is done on the syntax tree, in place, before it is
    /// translated, so that the pattern is translated once.
    pub fn new(pattern: &str, build: impl Fn(&Hir) -> Option<meta::Regex>) -> Option<Light> {
        let mut tree = parse(pattern)?;
        let groups = count_groups(&tree) + 1;
        let mut checks = Vec::new();
        unbound(&mut tree, false, groups, &mut checks);
        let re = build(&translate(pattern, &tree)?)?;
        let (loose, exact) = if checks.is_empty() {
            (None, OnceLock::from(Some(re)))
        } else {
            (Some(re), OnceLock::new())
        };
        Some(Light {
            loose,
            checks,
            groups,
            exact,
            pattern: pattern.into(),
        })
    }

    /// The pattern's own regex (built now if it was not).
    fn exact(&self, build: impl Fn(&Hir) -> Option<meta::Regex>) -> Option<&meta::Regex> {
        self.exact
            .get_or_init(|| {
                let tree = parse(&self.pattern)?;
                build(&translate(&self.pattern, &tree)?)
            })
            .as_ref()
    }

    /// A searcher that keeps the capture slots between searches.
    pub fn searcher(&self) -> Searcher<'_> {
        Searcher {
            light: self,
            loose: self.loose.as_ref().map(meta::Regex::create_captures),
            exact: None,
        }
    }
}

/// Searches one rule's light pattern; see [`Searcher::find`].
pub struct Searcher<'l> {
    light: &'l Light,
    loose: Option<Captures>,
    exact: Option<Captures>,
}

impl Searcher<'_> {
    /// The leftmost-first match of the pattern in `input`, exactly as the pattern itself
    /// finds it, as its capture groups (`build` compiles the pattern should it be needed).
    /// Only the pattern's own groups are seen (`Found::group`).
    pub fn find(
        &mut self,
        input: &Input<'_>,
        build: impl Fn(&Hir) -> Option<meta::Regex>,
    ) -> Option<Found<'_>> {
        self.find_with(
            input,
            build,
            &mut crate::regex_cache::RegexCaches::default(),
        )
    }

    /// [`Searcher::find`] with the search caches of `caches` (see
    /// [`crate::regex_cache::RegexCaches`]).
    pub fn find_with(
        &mut self,
        input: &Input<'_>,
        build: impl Fn(&Hir) -> Option<meta::Regex>,
        caches: &mut crate::regex_cache::RegexCaches,
    ) -> Option<Found<'_>> {
        let light = self.light;
        if let (Some(re), Some(caps)) = (&light.loose, &mut self.loose) {
            re.search_captures_with(caches.get(re), input, caps);
            caps.get_match()?;
            let within = light.checks.iter().all(|&(g, least, most)| {
                caps.get_group(g)
                    .is_none_or(|s| (least..=most).contains(&s.len()))
            });
            if within {
                return Some(Found {
                    caps: self.loose.as_ref()?,
                    groups: light.groups,
                });
            }
        }
        let re = light.exact(build)?;
        let caps = self.exact.get_or_insert_with(|| re.create_captures());
        re.search_captures_with(caches.get(re), input, caps);
        caps.get_match()?;
        Some(Found {
            caps,
            groups: light.groups,
        })
    }
}

/// A match: the pattern's capture groups.
pub struct Found<'c> {
    caps: &'c Captures,
    groups: usize,
}

impl Found<'_> {
    /// The whole match.
    pub fn range(&self) -> Range<usize> {
        self.caps.get_match().map_or(0..0, |m| m.range())
    }

    /// The pattern's capture group `g` (0: the whole match), if it took part.
    pub fn group(&self, g: usize) -> Option<Range<usize>> {
        (g < self.groups)
            .then(|| self.caps.get_group(g))
            .flatten()
            .map(|s| s.range())
    }

    /// How many groups the pattern has, group 0 included.
    pub fn group_len(&self) -> usize {
        self.groups
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(p: &str) -> Hir {
        translate(p, &parse(p).unwrap()).unwrap()
    }

    fn build(h: &Hir) -> Option<meta::Regex> {
        meta::Builder::new().build_from_hir(h).ok()
    }

    /// The light pattern finds what the pattern finds, match and groups, on every start.
    fn same(pattern: &str, hays: &[&str]) {
        let light = Light::new(pattern, build).unwrap();
        let exact = build(&hir(pattern)).unwrap();
        let mut caps = exact.create_captures();
        for hay in hays {
            for start in 0..=hay.len() {
                let input = Input::new(hay.as_bytes()).span(start..hay.len());
                exact.search_captures(&input, &mut caps);
                let mut s = light.searcher();
                let found = s.find(&input, build);
                let want: Vec<_> = (0..caps.group_len())
                    .map(|g| caps.get_group(g).map(|s| s.range()))
                    .collect();
                let got: Vec<_> = match &found {
                    Some(f) => (0..f.group_len()).map(|g| f.group(g)).collect(),
                    None => vec![None; caps.group_len()],
                };
                assert_eq!(got, want, "{pattern} on {hay:?} from {start}");
            }
        }
    }

    #[test]
    fn rewrites_only_long_single_byte_runs_outside_loops() {
        let light =
            Light::new(r"a{0,60}?(?:bc){2,40}(x{2,9}y){1,3}([0-9]{16,1024})", build).unwrap();
        assert_eq!(light.checks, vec![(3, 0, 60), (4, 16, 1024)]);
        let none = Light::new(r"a{2,5}b+(c)", build).unwrap();
        assert!(none.checks.is_empty() && none.loose.is_none());
    }

    #[test]
    fn matches_as_the_bounded_pattern_does() {
        let long = "k".repeat(70);
        let digits = "7".repeat(30);
        same(
            r"(?:^|[^a-z])[a-z]{0,12}?key[ =]{1,20}([0-9]{4,20})(?:;|$)",
            &[
                "x mykey = 12345;",
                "key=123",
                &format!("{long}key=123456;"),
                &format!("key={digits};"),
                &format!("key={digits} key=98765"),
                "akey    =   1234567;bkey=42424242",
            ],
        );
        same(
            r"(?m)ab[^\r\n]{0,10}|a([b-z]{2,12})c",
            &["abxxxxxxxxxxxxxxxxxxc", "axyzc\nabq", "aqqqqqqqqqqqqqqqqc"],
        );
        same(
            r"x([a-c]{0,9}?)y|x(a{2,30})",
            &["xaaaaay", "xaaaaaaaaaaaaaaaa", "xy"],
        );
    }

    /// Every built-in rule: the light pattern finds what the rule's own regex finds in each
    /// of its examples and near-misses, from every start (as a window's search goes on).
    #[test]
    fn built_in_rules_match_as_their_patterns_do() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let mut rewritten = 0;
        for rule in &rules.rules {
            let pattern = rule.spec.pattern.get_ref();
            let light = Light::new(pattern, crate::rules::light_build).unwrap();
            rewritten += usize::from(!light.checks.is_empty());
            let exact = rule.regex();
            let mut caps = exact.create_captures();
            let mut searcher = light.searcher();
            for text in rule
                .spec
                .examples
                .iter()
                .chain(&rule.spec.negative_examples)
            {
                let hay = text.as_bytes();
                let mut start = 0;
                while start <= hay.len() {
                    let input = Input::new(hay).span(start..hay.len());
                    exact.search_captures(&input, &mut caps);
                    let found = searcher.find(&input, crate::rules::light_build);
                    let want: Vec<_> = (0..caps.group_len())
                        .map(|g| caps.get_group(g).map(|s| s.range()))
                        .collect();
                    let got: Vec<_> = match &found {
                        Some(f) => (0..caps.group_len()).map(|g| f.group(g)).collect(),
                        None => vec![None; caps.group_len()],
                    };
                    assert_eq!(got, want, "rule {} on {text:?} from {start}", rule.spec.id);
                    // Every start would be slow for the long examples: the next match's, as
                    // a scan goes on, and a few in between.
                    start = match caps.get_match() {
                        Some(m) if m.end() > start => m.end().min(start + 7),
                        _ => start + 7,
                    };
                }
            }
        }
        assert!(
            rewritten > 10,
            "{rewritten} rules have a long run rewritten"
        );
    }
}
