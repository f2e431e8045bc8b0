//! The built-in rules as Rust data (see `build.rs`).

pub(crate) struct GenRule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub pattern: &'static str,
    pub keywords: &'static [&'static str],
    pub min_entropy: Option<f64>,
    pub validator: Option<&'static str>,
    pub multiline: bool,
    pub window_lines: u8,
    pub context: Option<&'static str>,
    pub decode: Option<&'static str>,
    pub allow: &'static [&'static str],
    pub fallback: bool,
    pub description: &'static str,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    pub shape: Option<crate::shape::Shape>,
    /// The gate's DFA: a range of [`GATES`] (see `build.rs`).
    pub gate: Option<std::ops::Range<usize>>,
    /// The pattern's exclusion branches taken apart (see `exclusion.rs`): the capturing
    /// branches' pattern, the exclusions' check (a range of [`GATES`]) and its longest
    /// match (`usize::MAX`: unbounded), and the exclusion branches' alternations (a range of
    /// [`LIGHTS`], `exclusion::Choice::write`).
    #[allow(clippy::type_complexity)]
    pub split: Option<(
        &'static str,
        std::ops::Range<usize>,
        usize,
        std::ops::Range<usize>,
    )>,
    /// The light pattern (`loosen::loosen`): whether it is of the capturing branches
    /// (`split`'s) rather than of the pattern, its syntax tree (a range of [`LIGHTS`]), its
    /// rewritten repetitions and its capture groups.
    #[allow(clippy::type_complexity)]
    pub light: Option<(
        bool,
        std::ops::Range<usize>,
        &'static [(usize, usize, usize)],
        usize,
    )>,
}

/// The built-in rules' gates, compiled to sparse DFAs at build time.
pub(crate) static GATES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gates.bin"));

/// The built-in rules' light patterns, as syntax trees (`hirbin`).
pub(crate) static LIGHTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lights.bin"));

pub(crate) struct GenFile {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub paths: &'static [&'static str],
    pub except: &'static [&'static str],
    pub content: Option<&'static str>,
    pub covers: &'static [&'static str],
    pub gitignore: &'static [&'static str],
    pub hygiene: bool,
    pub stack: &'static [&'static str],
    pub description: &'static str,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
