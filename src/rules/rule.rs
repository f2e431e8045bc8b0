//! A content rule ready to scan with: its gate (a prebuilt DFA for a built-in rule), its
//! pattern compiled on first use, and its allow regexes.

use super::*;

pub(crate) use crate::light::{GateDfa, dfa_matches};

/// The DFA `build.rs` serialized into `bytes` (a range of `generated::GATES`), read without
/// validating its transitions, which costs more than a commit's whole scan; `None` if its
/// header does not fit this build (it always does).
pub(crate) fn prebuilt_dfa(bytes: &'static [u8]) -> Option<GateDfa> {
    // SAFETY: the bytes were written by `to_bytes_*_endian` of the same regex-automata (one
    // version in Cargo.lock serves the build script and this crate), for this target's byte
    // order, and are embedded unchanged (`include_bytes!`); `tests::prebuilt_dfas_are_valid`
    // checks every one of them with the validating `from_bytes`.
    unsafe { regex_automata::dfa::sparse::DFA::from_bytes_unchecked(bytes) }
        .ok()
        .map(|(dfa, _)| dfa)
}

/// The DFA `build.rs` compiled for this allow regex (or published example's regex) of the
/// built-in rules, looked up by its text.
pub(crate) fn prebuilt_allow(pattern: &str) -> Option<GateDfa> {
    generated::ALLOWS
        .binary_search_by(|(a, _)| (*a).cmp(pattern))
        .ok()
        .and_then(|i| generated::ALLOWS[i].1.clone())
        .and_then(|r| prebuilt_dfa(&generated::GATES[r]))
}

/// A built-in rule's pattern split at build time (`exclusion::split`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PrebuiltSplit {
    /// The capturing branches' pattern.
    pub main: &'static str,
    /// The exclusions' check, a serialized sparse DFA.
    pub check: &'static [u8],
    /// The check's longest match before it was widened (`usize::MAX`: unbounded).
    pub max_len: usize,
    /// The exclusion branches' alternations (`exclusion::Choice::write`).
    pub exclusions: &'static [u8],
}

/// A built-in rule's light pattern worked out at build time (`loosen::loosen`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PrebuiltLight {
    /// Of the split's capturing branches (else of the pattern).
    pub of_main: bool,
    /// Its syntax tree (`hirbin`).
    pub hir: &'static [u8],
    pub checks: &'static [(usize, usize, usize)],
    pub groups: usize,
}

impl PrebuiltLight {
    /// The light of `pattern` (`main`: the split's capturing branches), if this is its.
    pub(crate) fn loose(self, main: bool) -> Option<crate::loosen::Loose> {
        (self.of_main == main).then_some(())?;
        Some(crate::loosen::Loose {
            hir: crate::hirbin::read(self.hir)?,
            checks: self.checks.to_vec(),
            groups: self.groups,
        })
    }
}

/// A rule's gate: what a window must match for the rule's pattern to be tried on it.
#[derive(Debug, Clone, Copy)]
pub enum Gate<'r> {
    Dfa(&'r GateDfa),
    Regex(&'r regex_automata::meta::Regex),
}

impl Gate<'_> {
    /// Whether `input` (a window, with the bytes before it for look-behind) may hold a match.
    /// A DFA that gives up (it cannot) lets the window through.
    pub fn is_match(&self, input: regex_automata::Input<'_>) -> bool {
        match self {
            Gate::Dfa(dfa) => dfa_matches(dfa, input),
            Gate::Regex(re) => re.is_match(input),
        }
    }
    /// [`Gate::is_match`] with a search cache of `caches` (see [`crate::regex_cache::RegexCaches`]).
    pub fn is_match_with(
        &self,
        caches: &mut crate::regex_cache::RegexCaches,
        input: regex_automata::Input<'_>,
    ) -> bool {
        match self {
            Gate::Dfa(dfa) => dfa_matches(dfa, input),
            Gate::Regex(re) => re.is_match_with(caches.get(re), &input),
        }
    }
}

/// A rule ready to scan with.
#[derive(Debug)]
pub struct Rule {
    pub spec: RuleSpec,
    pub validator: Option<Validator>,
    pub decode_base64: bool,
    /// Which part of a match is the secret.
    pub secret_group: SecretGroup,
    /// A regex the finding's path must match (gitleaks' rule `path`); checked on findings.
    pub path: Option<Regex>,
    pub(crate) regex: OnceLock<regex_automata::meta::Regex>,
    pub(crate) light: OnceLock<Option<crate::light::Light>>,
    pub(crate) gate: OnceLock<Option<regex_automata::meta::Regex>>,
    /// A built-in rule's gate compiled at build time (a serialized sparse DFA).
    pub(crate) prebuilt: Option<&'static [u8]>,
    /// A built-in rule's exclusion branches taken apart at build time (see `exclusion.rs`).
    pub(crate) split: Option<PrebuiltSplit>,
    /// A built-in rule's light pattern worked out at build time.
    pub(crate) prebuilt_light: Option<PrebuiltLight>,
    pub(crate) prebuilt_gate: OnceLock<Option<GateDfa>>,
    pub(crate) dfa_gate: OnceLock<Option<regex_automata::meta::Regex>>,
    pub(crate) allow: OnceLock<std::sync::Arc<AllowSet>>,
    pub(crate) shape: OnceLock<Option<crate::shape::Shape>>,
    pub(crate) prefixed: OnceLock<bool>,
}

impl Rule {
    /// A rule made from a spec by an importer (a gitleaks configuration): no keyword is
    /// required (such a rule runs on every blob), and the pattern's syntax is checked here.
    pub(crate) fn imported(
        spec: RuleSpec,
        secret_group: SecretGroup,
        path: Option<Regex>,
    ) -> Result<Rule, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(spec.pattern.get_ref())
            .map_err(|e| format!("bad regex: {}", first_line(&e.to_string())))?;
        let groups = hir.properties().explicit_captures_len();
        if let SecretGroup::Group(n) = secret_group
            && n > groups
        {
            return Err(format!(
                "secretGroup {n}, but the regex has {groups} capture group{}",
                if groups == 1 { "" } else { "s" }
            ));
        }
        Ok(Rule {
            spec,
            validator: None,
            decode_base64: false,
            secret_group,
            path,
            regex: OnceLock::new(),
            gate: OnceLock::new(),
            prebuilt: None,
            split: None,
            prebuilt_light: None,
            prebuilt_gate: OnceLock::new(),
            dfa_gate: OnceLock::new(),
            light: OnceLock::new(),
            allow: OnceLock::new(),
            shape: OnceLock::new(),
            prefixed: OnceLock::new(),
        })
    }

    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The byte range of the secret within a match, if that group took part.
    pub fn secret_range(&self, caps: &Captures) -> Option<Range<usize>> {
        self.secret_of(|g| caps.get_group(g).map(|s| s.range()), caps.group_len())
    }

    /// The byte range of the secret within a match whose capture group `g` is `group(g)`
    /// (of `groups`, group 0 included).
    pub fn secret_of(
        &self,
        group: impl Fn(usize) -> Option<Range<usize>>,
        groups: usize,
    ) -> Option<Range<usize>> {
        match self.secret_group {
            SecretGroup::Group(n) => group(n),
            SecretGroup::FirstNonEmpty => (1..groups)
                .filter_map(&group)
                .find(|s| !s.is_empty())
                .or_else(|| group(0)),
        }
    }

    /// The compiled pattern (compiled on first use; the syntax was checked at load time).
    pub fn regex(&self) -> &regex_automata::meta::Regex {
        self.regex.get_or_init(|| {
            build_pattern(self.spec.pattern.get_ref(), Engine::Full)
                .expect("pattern checked at load (syntax and size)")
        })
    }

    /// The pattern compiled for a little input: the same matches as [`Rule::regex`], found by
    /// an NFA simulation, which builds a few times faster than the lazy DFA's reverse NFA and
    /// prefilters pay off, from a pattern whose long runs are unbounded (`light.rs`); `None`
    /// if it cannot be built (then [`Rule::regex`] is used).
    pub fn light_regex(&self) -> Option<&crate::light::Light> {
        self.light
            .get_or_init(|| {
                use crate::light::Light;
                let pattern = self.spec.pattern.get_ref();
                let split = self.split.and_then(|s| Some((s, prebuilt_dfa(s.check)?)));
                let loose = self.prebuilt_light.and_then(|l| l.loose(split.is_some()));
                match split {
                    Some((s, check)) => Light::split(
                        pattern,
                        s.main,
                        loose,
                        Some(s.exclusions),
                        crate::light::Check::Dfa(Box::new(check)),
                        s.max_len,
                        light_build,
                    ),
                    None => match loose {
                        Some(loose) => Light::from_loose(pattern, loose, light_build),
                        None => Light::new(pattern, light_build),
                    },
                }
            })
            .as_ref()
    }

    /// A cheap stand-in for the pattern that rules windows out before the pattern itself is
    /// needed, for a few windows: the DFA compiled at build time for a built-in rule, else an
    /// NFA (see [`build_gate`]); `None` if neither can be had.
    pub fn gate(&self) -> Option<Gate<'_>> {
        let prebuilt = self.prebuilt.and_then(|bytes| {
            self.prebuilt_gate
                .get_or_init(|| prebuilt_dfa(bytes))
                .as_ref()
        });
        if let Some(dfa) = prebuilt {
            return Some(Gate::Dfa(dfa));
        }
        self.gate
            .get_or_init(|| {
                build_gate(
                    self.spec.pattern.get_ref(),
                    self.secret_group,
                    Engine::Light,
                )
            })
            .as_ref()
            .map(Gate::Regex)
    }

    /// The gate searched by a lazy DFA, for bulk input (see [`build_gate`]).
    pub fn dfa_gate(&self) -> Option<Gate<'_>> {
        self.dfa_gate
            .get_or_init(|| {
                build_gate(self.spec.pattern.get_ref(), self.secret_group, Engine::Full)
            })
            .as_ref()
            .map(Gate::Regex)
    }

    /// Whether the gates or a compiled pattern were built (for tests of what matching builds).
    #[cfg(test)]
    pub(crate) fn any_engine_built(&self) -> bool {
        self.gate.get().is_some()
            || self.dfa_gate.get().is_some()
            || self.light.get().is_some()
            || self.regex.get().is_some()
    }

    /// What the secret looks like at the least (see `shape.rs`); worked out at build time
    /// for the built-in rules.
    pub fn shape(&self) -> Option<&crate::shape::Shape> {
        self.shape
            .get_or_init(|| match self.secret_group {
                SecretGroup::Group(n) => {
                    crate::shape::Shape::of(self.spec.pattern.get_ref(), n as u32)
                }
                SecretGroup::FirstNonEmpty => None,
            })
            .as_ref()
    }

    /// Whether the rule's secret is a strongly shaped token: a specific rule (not a fallback)
    /// whose secret starts with a literal prefix of three characters or more (`ghp_`, `xoxb-`,
    /// `sk_live_`) and has a bounded length. Such a value is evidence by itself, so only an
    /// obvious mask rejects it (see [`crate::validate::is_obvious_mask`]), not a value that
    /// merely looks sequential. Worked out from the pattern on first need.
    pub fn prefixed(&self) -> bool {
        *self.prefixed.get_or_init(|| {
            !self.spec.fallback
                && match self.secret_group {
                    SecretGroup::Group(n) => {
                        crate::shape::prefixed(self.spec.pattern.get_ref(), n as u32)
                    }
                    SecretGroup::FirstNonEmpty => false,
                }
        })
    }

    /// Whether one of the rule's `allow` regexes marks the secret as not a secret.
    pub fn allows(&self, secret: &[u8]) -> bool {
        if self.spec.allow.is_empty() {
            return false;
        }
        self.allow
            .get_or_init(|| shared_allow_set(&self.spec.allow))
            .is_match(secret)
    }
}

/// A rule's `allow` regexes, compiled once. A built-in one is a DFA compiled at build time;
/// another is searched by the light engine (quick to build) for the first candidates, and a
/// blob with many (a long line of near-misses) moves it on to a lazy DFA (one per regex: a
/// combined one thrashes its cache on a stream of different secrets).
#[derive(Debug)]
pub struct AllowSet {
    pub(crate) prebuilt: Vec<GateDfa>,
    /// The other patterns, with their light regexes.
    pub(crate) patterns: Vec<String>,
    pub(crate) light: Vec<regex_automata::meta::Regex>,
    pub(crate) full: OnceLock<Vec<regex_automata::meta::Regex>>,
    pub(crate) calls: std::sync::atomic::AtomicU32,
}

/// Candidates searched with the light engine before the lazy DFAs are built.
pub(crate) const ALLOW_LIGHT_CALLS: u32 = 512;

impl AllowSet {
    pub(crate) fn new(patterns: Vec<String>) -> AllowSet {
        let mut prebuilt = Vec::new();
        let mut others = Vec::new();
        for p in patterns {
            match prebuilt_allow(&p) {
                Some(dfa) => prebuilt.push(dfa),
                None => others.push(p),
            }
        }
        let light = others
            .iter()
            .map(|p| build_pattern(p, Engine::Light).expect("allow regex checked at load"))
            .collect();
        AllowSet {
            prebuilt,
            patterns: others,
            light,
            full: OnceLock::new(),
            calls: std::sync::atomic::AtomicU32::new(0),
        }
    }

    pub(crate) fn is_match(&self, secret: &[u8]) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        if self
            .prebuilt
            .iter()
            .any(|dfa| dfa_matches(dfa, regex_automata::Input::new(secret)))
        {
            return true;
        }
        if self.patterns.is_empty() {
            return false;
        }
        let res = if self.calls.load(Relaxed) < ALLOW_LIGHT_CALLS {
            self.calls.fetch_add(1, Relaxed);
            &self.light
        } else {
            self.full.get_or_init(|| {
                self.patterns
                    .iter()
                    .zip(&self.light)
                    .map(|(p, light)| {
                        build_pattern(p, Engine::Full).unwrap_or_else(|| light.clone())
                    })
                    .collect()
            })
        };
        res.iter().any(|re| re.is_match(secret))
    }
}

/// The allow set of a list of `allow` regexes, built once per process: the generic rules
/// carry the same list, and a candidate several of them report is checked against it by each.
pub(crate) fn shared_allow_set(patterns: &[Spanned<String>]) -> std::sync::Arc<AllowSet> {
    type Cache = std::sync::Mutex<HashMap<Vec<String>, std::sync::Arc<AllowSet>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key: Vec<String> = patterns.iter().map(|p| p.get_ref().clone()).collect();
    let cache = CACHE.get_or_init(Default::default);
    let lock = || {
        cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some(set) = lock().get(&key) {
        return set.clone();
    }
    // (Compiled outside the lock; two threads may both compile a set, and one copy is kept.)
    let set = std::sync::Arc::new(AllowSet::new(key.clone()));
    lock().entry(key).or_insert(set).clone()
}
