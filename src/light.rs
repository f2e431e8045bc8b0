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
//!
//! A pattern whose leading top-level branches capture nothing (`exclusion.rs`) is compiled
//! without them: a match of the capturing branches `M` is the pattern's own unless one of the
//! exclusion branches `E` matches at or before its start (the leftmost start wins, and at one
//! start the earlier branch). The exclusions' check, a superset of them, is searched where
//! such an `E` match could be: from the search's start to the `M` match's start plus the
//! longest match of the check. Only where it matches are the exclusion branches compiled and
//! searched, reduced to the words the search's text holds (`exclusion::reduce`): a few of
//! the hundreds they name. Where no `M` match is left, none of the pattern's later matches
//! captures.

use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::util::captures::Captures;
use regex_automata::{Input, meta};
use regex_syntax::hir::Hir;

/// A DFA as `build.rs` serialized it (no copy: it reads the binary's own bytes).
pub(crate) type GateDfa = regex_automata::dfa::sparse::DFA<&'static [u8]>;

/// Whether a prebuilt DFA matches somewhere in `input`; one that gives up (none can: they
/// have no Unicode word boundary) says yes.
pub(crate) fn dfa_matches(dfa: &GateDfa, input: regex_automata::Input<'_>) -> bool {
    use regex_automata::dfa::Automaton;
    dfa.try_search_fwd(&input.earliest(true))
        .map_or(true, |m| m.is_some())
}

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
    /// The pattern's exclusion branches, when `pattern` is only its capturing branches.
    exclusion: Option<Box<Exclusion>>,
}

/// A pattern's exclusion branches, taken apart (see the module documentation).
#[derive(Debug)]
struct Exclusion {
    check: Check,
    /// The check's longest match (`usize::MAX`: unbounded).
    max_len: usize,
    /// The exclusion branches' alternations (`exclusion::exclusions`), where the check
    /// matches: read from `stored` if given (`exclusion::Choice::write`), else from `pattern`.
    tree: OnceLock<Option<crate::exclusion::Choice>>,
    stored: Option<&'static [u8]>,
    /// The whole pattern, should they not be had alone (they always are).
    whole: OnceLock<Option<Light>>,
    pattern: Box<str>,
}

/// Where the exclusion branches may match: a superset of them.
#[derive(Debug)]
pub enum Check {
    /// A built-in rule's, compiled at build time.
    Dfa(Box<GateDfa>),
    Regex(meta::Regex),
}

impl Check {
    fn is_match(&self, input: &Input<'_>) -> bool {
        match self {
            Check::Dfa(dfa) => dfa_matches(dfa, input.clone()),
            Check::Regex(re) => re.is_match(input.clone()),
        }
    }
}

pub use crate::loosen::translate;
use crate::loosen::{Loose, parse};

impl Light {
    /// `pattern` (a rule's) ready to be compiled by `build`; nothing is compiled yet but the
    /// loose pattern (`loosen::loosen`).
    pub fn new(pattern: &str, build: impl Fn(&Hir) -> Option<meta::Regex>) -> Option<Light> {
        Light::from_loose(pattern, crate::loosen::loosen(pattern)?, build)
    }

    /// [`Light::new`] with `pattern` already loosened (a built-in rule's, at build time).
    pub fn from_loose(
        pattern: &str,
        loose: Loose,
        build: impl Fn(&Hir) -> Option<meta::Regex>,
    ) -> Option<Light> {
        let Loose {
            hir,
            checks,
            groups,
        } = loose;
        let re = build(&hir)?;
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
            exclusion: None,
        })
    }

    /// `pattern` split as `exclusion::split` does: `main` its capturing branches, `check` a
    /// superset of its exclusion branches whose matches are at most `max_len` long. Only
    /// `main` is compiled now (from `loose`, `main` loosened, if given). `stored`: the
    /// exclusion branches' alternations as `build.rs` stored them, if it did.
    pub fn split(
        pattern: &str,
        main: &str,
        loose: Option<Loose>,
        stored: Option<&'static [u8]>,
        check: Check,
        max_len: usize,
        build: impl Fn(&Hir) -> Option<meta::Regex>,
    ) -> Option<Light> {
        let mut light = match loose {
            Some(loose) => Light::from_loose(main, loose, build)?,
            None => Light::new(main, build)?,
        };
        light.exclusion = Some(Box::new(Exclusion {
            check,
            max_len,
            tree: OnceLock::new(),
            stored,
            whole: OnceLock::new(),
            pattern: pattern.into(),
        }));
        Some(light)
    }

    /// [`Light::split`] with the split and the check worked out now (the check is compiled
    /// by `build`, as it is: an exact superset); `Light::new` if the pattern does not split.
    pub fn split_now(pattern: &str, build: impl Fn(&Hir) -> Option<meta::Regex>) -> Option<Light> {
        match crate::exclusion::split(pattern) {
            Some(s) => {
                let check = Check::Regex(build(&s.check)?);
                Light::split(
                    pattern,
                    &s.main,
                    None,
                    None,
                    check,
                    s.max_len.unwrap_or(usize::MAX),
                    build,
                )
            }
            None => Light::new(pattern, build),
        }
    }

    /// Whether the pattern was split (see [`Light::split`]).
    pub fn is_split(&self) -> bool {
        self.exclusion.is_some()
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
            whole: None,
            reduced: None,
        }
    }
}

/// Searches one rule's light pattern; see [`Searcher::find`].
pub struct Searcher<'l> {
    light: &'l Light,
    loose: Option<Captures>,
    exact: Option<Captures>,
    /// The whole pattern's, once needed (a split pattern's).
    whole: Option<Box<Searcher<'l>>>,
    /// A split pattern's exclusion branches reduced to what a search's text names
    /// (`exclusion::reduce`), compiled: the last ones made.
    reduced: Option<(String, Box<Light>)>,
}

/// Which of a searcher's capture slots hold its match.
#[derive(Clone, Copy)]
enum Slots {
    Loose,
    Exact,
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
        let build: &dyn Fn(&Hir) -> Option<meta::Regex> = &build;
        let light = self.light;
        let slots = self.search(input, build, caches)?;
        if let Some(x) = &light.exclusion {
            let start = self.slots(slots).get_match()?.start();
            let end = start.saturating_add(x.max_len).min(input.end());
            let near = Input::new(input.haystack()).span(input.start()..end);
            if x.check.is_match(&near) {
                // An exclusion may match at or before `start`: the exclusion branches alone,
                // with only the words the text holds, say (they come first in the pattern, so
                // they win at `start` too).
                match self.exclusion_match(x, input, build) {
                    Some(Some(m)) if m.start <= start => {
                        return Some(Found {
                            caps: self.slots(slots),
                            groups: light.groups,
                            exclusion: Some(m),
                        });
                    }
                    Some(_) => {}
                    None => {
                        let whole = x
                            .whole
                            .get_or_init(|| Light::new(&x.pattern, build))
                            .as_ref()?;
                        let searcher = self.whole.get_or_insert_with(|| Box::new(whole.searcher()));
                        return searcher.find_with(input, build, caches);
                    }
                }
            }
        }
        Some(Found {
            caps: self.slots(slots),
            groups: light.groups,
            exclusion: None,
        })
    }

    /// The match of `x`'s exclusion branches in `input`, reduced to the words it holds
    /// (compiled now unless they were for the last search); `None` if they cannot be had
    /// (then the whole pattern is searched).
    fn exclusion_match(
        &mut self,
        x: &Exclusion,
        input: &Input<'_>,
        build: &dyn Fn(&Hir) -> Option<meta::Regex>,
    ) -> Option<Option<Range<usize>>> {
        let tree = x
            .tree
            .get_or_init(|| match x.stored {
                Some(bytes) => crate::exclusion::Choice::read(bytes),
                None => crate::exclusion::exclusions(&x.pattern),
            })
            .as_ref()?;
        let text = input.haystack()[input.start()..input.end()].to_ascii_lowercase();
        let occurs = |lit: &[u8]| memchr::memmem::find(&text, lit).is_some();
        let pattern = crate::exclusion::reduce(&x.pattern, tree, &occurs)?;
        if self.reduced.as_ref().is_none_or(|(p, _)| *p != pattern) {
            self.reduced = None;
            let light = Light::new(&pattern, build)?;
            self.reduced = Some((pattern, Box::new(light)));
        }
        let (_, light) = self.reduced.as_ref()?;
        // Caches of its own: the caches by address are for the rules' regexes, which live
        // as long as their scanner.
        let mut caches = crate::regex_cache::RegexCaches::default();
        Some(
            light
                .searcher()
                .find_with(input, build, &mut caches)
                .map(|f| f.range()),
        )
    }

    fn slots(&self, slots: Slots) -> &Captures {
        match slots {
            Slots::Loose => self.loose.as_ref(),
            Slots::Exact => self.exact.as_ref(),
        }
        .expect("the slots searched")
    }

    /// The leftmost-first match of this light's own pattern: which slots hold it.
    fn search(
        &mut self,
        input: &Input<'_>,
        build: &dyn Fn(&Hir) -> Option<meta::Regex>,
        caches: &mut crate::regex_cache::RegexCaches,
    ) -> Option<Slots> {
        let light = self.light;
        if let (Some(re), Some(caps)) = (&light.loose, &mut self.loose) {
            re.search_captures_with(caches.get(re), input, caps);
            caps.get_match()?;
            let within = light.checks.iter().all(|&(g, least, most)| {
                caps.get_group(g)
                    .is_none_or(|s| (least..=most).contains(&s.len()))
            });
            if within {
                return Some(Slots::Loose);
            }
        }
        let re = light.exact(build)?;
        let caps = self.exact.get_or_insert_with(|| re.create_captures());
        re.search_captures_with(caches.get(re), input, caps);
        caps.get_match()?;
        Some(Slots::Exact)
    }
}

/// A match: the pattern's capture groups.
pub struct Found<'c> {
    caps: &'c Captures,
    groups: usize,
    /// A split pattern's match by an exclusion branch, which captures nothing (`caps` are
    /// then not this match's).
    exclusion: Option<Range<usize>>,
}

impl Found<'_> {
    /// The whole match.
    pub fn range(&self) -> Range<usize> {
        if let Some(m) = &self.exclusion {
            return m.clone();
        }
        self.caps.get_match().map_or(0..0, |m| m.range())
    }

    /// The pattern's capture group `g` (0: the whole match), if it took part.
    pub fn group(&self, g: usize) -> Option<Range<usize>> {
        if let Some(m) = &self.exclusion {
            return (g == 0).then(|| m.clone());
        }
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
        let rules = crate::rules::RuleSet::builtin_with_examples().unwrap();
        let mut rewritten = 0;
        let mut split = Vec::new();
        for rule in &rules.rules {
            let light = rule.light_regex().unwrap();
            rewritten += usize::from(!light.checks.is_empty());
            if light.is_split() {
                split.push(rule.id());
                // The whole pattern is compiled where the check matches: it must build.
                assert!(
                    Light::new(rule.spec.pattern.get_ref(), crate::rules::light_build).is_some()
                );
            }
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
                    // A split pattern finds nothing where only exclusions are left.
                    let only_exclusions = found.is_none()
                        && light.is_split()
                        && want.get(1).is_none_or(Option::is_none);
                    if !only_exclusions {
                        assert_eq!(got, want, "rule {} on {text:?} from {start}", rule.spec.id);
                    }
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
        for id in [
            "generic-access-token",
            "generic-secret",
            "generic-service-key",
        ] {
            assert!(split.contains(&id), "{id} is not split: {split:?}");
        }
    }

    #[test]
    fn a_split_pattern_matches_as_the_pattern_does() {
        let hays = [
            "nextPageToken = abcdefgh; token=abcdefgh",
            "x token=abcdefgh nexttoken=qqqqqqqq",
            "xtoken=abcd nextToken token=abcdefghi",
            "page_token: \"abcdefgh\"\ntoken=zzzzzzzz",
            "tokenX token=abcdefg",
        ];
        let pattern = r"(?m)(?:^|[^a-z])[a-z_]{0,10}?(?i:next|page)[_]?(?i:tokens?)[^\r\n]{0,30}|(?:^|[^a-z])[a-z_]{0,10}?(?i:token)=([a-z]{4,9})";
        let light = Light::split_now(pattern, build).unwrap();
        assert!(light.is_split());
        let exact = build(&hir(pattern)).unwrap();
        let mut caps = exact.create_captures();
        for hay in hays {
            for start in 0..=hay.len() {
                let input = Input::new(hay.as_bytes()).span(start..hay.len());
                exact.search_captures(&input, &mut caps);
                let mut s = light.searcher();
                let got = s.find(&input, build).map(|f| (f.range(), f.group(1)));
                let want = caps
                    .get_match()
                    .map(|m| (m.range(), caps.get_group(1).map(|g| g.range())));
                // No match of the capturing branches left: the pattern's is an exclusion's.
                match got {
                    None => assert!(
                        want.is_none_or(|(_, g)| g.is_none()),
                        "{hay:?} from {start}"
                    ),
                    Some(got) => assert_eq!(Some(got), want, "{hay:?} from {start}"),
                }
            }
        }
    }

    /// The split built-in rules against their own regex, on random lines made of the names
    /// their branches look for, from every start: what a window's search finds in turn.
    #[test]
    fn split_built_in_rules_match_as_their_patterns_do() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let names = [
            "nextPageToken",
            "next_token",
            "page_token",
            "csrf_token",
            "access_token",
            "token",
            "TOKEN",
            "authToken",
            "max_tokens",
            "copyToken",
            "secret",
            "tls_secret",
            "client_secret",
            "existingSecret",
            "secret_key",
            "SECRET_ACCESS_KEY",
            "cache_key",
            "primaryKey",
            "service_key",
            "stripeKey",
            "api_key",
            "ssh_key",
            "KEY",
            "pageSize",
        ];
        let seps = [
            " = ", "=", ": ", ":", "\": \"", " := ", "\n", " ", ", ", "=>", "('",
        ];
        let values = [
            "Zq8vN2kLp4Rt7Wx1Yb3Hj6Df9Gm",
            "abc",
            "${TOKEN}",
            "x",
            "aZ9bY8cX7dW6eV5fU4gT3",
            "Q1w2E3r4T5y6U7i8O9p0AsDfGhJkL",
            "\"",
            "'",
            ";",
            "",
        ];
        let mut rng = crate::testrng::Xorshift::new(0x5eed_1e55);
        for rule in &rules.rules {
            let light = rule.light_regex().unwrap();
            if !light.is_split() {
                continue;
            }
            let exact = rule.regex();
            let mut caps = exact.create_captures();
            let mut searcher = light.searcher();
            for _ in 0..400 {
                let mut line = String::new();
                for _ in 0..1 + rng.below(5) {
                    line.push_str(rng.pick(&names));
                    line.push_str(rng.pick(&seps));
                    line.push_str(rng.pick(&values));
                    line.push_str(rng.pick(&[" ", "; ", "\n", ", ", ""]));
                }
                let hay = line.as_bytes();
                for start in 0..=hay.len() {
                    let input = Input::new(hay).span(start..hay.len());
                    exact.search_captures(&input, &mut caps);
                    let want = caps
                        .get_match()
                        .map(|m| (m.range(), caps.get_group(1).map(|g| g.range())));
                    let got = searcher
                        .find(&input, crate::rules::light_build)
                        .map(|f| (f.range(), f.group(1)));
                    match got {
                        None => assert!(
                            want.as_ref().is_none_or(|(_, g)| g.is_none()),
                            "rule {} on {line:?} from {start}: {want:?}",
                            rule.id()
                        ),
                        Some(got) => assert_eq!(
                            Some(got),
                            want,
                            "rule {} on {line:?} from {start}",
                            rule.id()
                        ),
                    }
                }
            }
        }
    }
}
