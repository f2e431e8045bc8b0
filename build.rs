//! Compiles the built-in `rules.toml` into Rust data (`$OUT_DIR/builtin_rules.rs`), without
//! the examples, so that start-up does not parse TOML: the hook pays start-up on every commit.
//! `rules test` and `rules explain` still parse the full file (embedded with `include_str!`),
//! and a test checks that both give the same rules.
//!
//! It also compiles each rule's gate (`src/gate.rs`) and each `allow` regex to a sparse DFA,
//! serialized into `$OUT_DIR/gates.bin`, so that a commit compiles no regex for the windows
//! the gates rule out. `LG_GATE_REPORT=1 cargo build -vv` says which did not fit.

use std::fmt::Write;
use std::path::PathBuf;

use toml::Value;

#[path = "src/shape.rs"]
#[allow(dead_code)]
mod shape;

#[path = "src/gate.rs"]
mod gate;

#[path = "src/expand.rs"]
mod expand;

#[path = "src/exclusion.rs"]
#[allow(dead_code)]
mod exclusion;

#[path = "src/keywords.rs"]
#[allow(dead_code)]
mod keywords;

#[path = "src/loosen.rs"]
mod loosen;

#[path = "src/hirbin.rs"]
#[allow(dead_code)]
mod hirbin;

fn main() {
    println!("cargo::rerun-if-changed=rules.toml");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/shape.rs");
    println!("cargo::rerun-if-changed=src/gate.rs");
    println!("cargo::rerun-if-changed=src/expand.rs");
    println!("cargo::rerun-if-changed=src/exclusion.rs");
    println!("cargo::rerun-if-changed=src/keywords.rs");
    println!("cargo::rerun-if-changed=src/loosen.rs");
    println!("cargo::rerun-if-changed=src/hirbin.rs");
    let src = std::fs::read_to_string("rules.toml").expect("read rules.toml");
    // A broken rules.toml is reported by the test suite with the rule and line; here, emit
    // nothing usable so that `RuleSet::builtin` reports it at run time instead of panicking.
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut gates = Vec::new();
    let mut lights = Vec::new();
    let out = match src.parse::<toml::Table>() {
        Ok(table) => generate(&table, &mut gates, &mut lights),
        Err(e) => format!(
            "pub(crate) const BUILD_ERROR: Option<&str> = Some({:?});\n\
             pub(crate) static RULES: &[GenRule] = &[];\npub(crate) static FILES: &[GenFile] = &[];\n\
             pub(crate) static ALLOWS: &[(&str, Option<std::ops::Range<usize>>)] = &[];\n\
             pub(crate) static PUBLISHED: &[(&str, &[&str], Option<&str>)] = &[];\n\
             pub(crate) static TRIES: &[crate::keywords::StaticTrie] = &[];\n\
             pub(crate) static KEYWORD_INDEX: &[(&[&str], &[&[u32]])] = &[];\n",
            e.to_string()
        ),
    };
    std::fs::write(out_dir.join("builtin_rules.rs"), out).expect("write builtin_rules.rs");
    std::fs::write(out_dir.join("gates.bin"), gates).expect("write gates.bin");
    std::fs::write(out_dir.join("lights.bin"), lights).expect("write lights.bin");
}

fn s(v: Option<&Value>) -> String {
    format!("{:?}", v.and_then(Value::as_str).unwrap_or(""))
}

fn opt_s(v: Option<&Value>) -> String {
    match v.and_then(Value::as_str) {
        Some(x) => format!("Some({x:?})"),
        None => "None".into(),
    }
}

fn list(v: Option<&Value>) -> String {
    let items: Vec<String> = v
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|x| format!("{x:?}"))
                .collect()
        })
        .unwrap_or_default();
    format!("&[{}]", items.join(", "))
}

fn boolean(v: Option<&Value>, default: bool) -> bool {
    v.and_then(Value::as_bool).unwrap_or(default)
}

/// The largest DFA kept (serialized, sparse): a rule whose gate would be bigger is gated at
/// run time instead (`Rule::gate`), and an allow regex is compiled at run time.
const DFA_MAX: usize = 256 << 10;

/// The gate of a built-in rule's pattern (`gate::gate_hir`) as a serialized sparse DFA (what
/// `Rule::gate` reads): its repetitions capped at 8, or if that does not fit, at 2; if neither
/// fits, the same minimized. (Minimizing is slow to build, so only for the dozen gates that
/// need it: case-insensitive lists of names, which shrink 2-4 times. Without it, each of them
/// was gated at run time, compiled on every commit whose windows they see: 3.7M instructions
/// on kops's.)
fn gate_dfa(pattern: &str) -> Option<Vec<u8>> {
    let hir = parse(pattern)?;
    [(8, false), (2, false), (8, true), (2, true)]
        .into_iter()
        .find_map(|(cap, minimize)| {
            let how = gate::Widening {
                max_bound: cap,
                min_cap: Some(cap),
            };
            dfa_bytes_with(&gate::gate_hir(&hir, Some(1), how), minimize)
        })
}

/// A built-in rule's exclusion branches taken apart (`exclusion::split`): the capturing
/// branches' pattern, the exclusions' check as a serialized sparse DFA (`split_dfa`) and the
/// check's longest match (`usize::MAX`: unbounded), as the Rust expression of
/// `GenRule::split`; `None` if the pattern has no such branches or the DFA does not fit; with
/// the exclusion branches' alternations appended to `lights`. Also the capturing branches'
/// pattern, if split.
fn split(
    pattern: &str,
    dfa: Option<Vec<u8>>,
    blob: &mut Vec<u8>,
    lights: &mut Vec<u8>,
) -> (String, Option<String>) {
    let (Some(split), Some(dfa), Some(exclusions)) = (
        exclusion::split(pattern),
        dfa,
        exclusion::exclusions(pattern),
    ) else {
        return ("None".into(), None);
    };
    let at = lights.len();
    exclusions.write(lights);
    let start = blob.len();
    blob.extend_from_slice(&dfa);
    let expr = format!(
        "Some(({:?}, {start}..{}, {}, {at}..{}))",
        split.main,
        blob.len(),
        split.max_len.unwrap_or(usize::MAX),
        lights.len()
    );
    (expr, Some(split.main))
}

/// The light pattern (`loosen::loosen`) of `pattern` (a rule's, or its capturing branches'
/// when `of_main`), its syntax tree appended to `blob` (`hirbin`), as the Rust expression of
/// `GenRule::light`.
fn light(pattern: &str, of_main: bool, blob: &mut Vec<u8>) -> String {
    let Some(loose) = loosen::loosen(pattern) else {
        return "None".into();
    };
    let start = blob.len();
    hirbin::write(&loose.hir, blob);
    format!(
        "Some(({of_main}, {start}..{}, &{:?}, {}))",
        blob.len(),
        loose.checks,
        loose.groups
    )
}

/// The check of a pattern's exclusion branches (`exclusion::split`) as a serialized sparse
/// DFA, capped as a gate's repetitions are; `None` without such branches or if it does not fit.
fn split_dfa(pattern: &str) -> Option<Vec<u8>> {
    let split = exclusion::split(pattern)?;
    [8, 2].into_iter().find_map(|cap| {
        let how = gate::Widening {
            max_bound: cap,
            min_cap: Some(cap),
        };
        // Minimized: a check is mostly a case-insensitive list of names, whose DFA shrinks
        // some 10 times (generic-service-key's: 2.7 MB to 160 KB).
        dfa_bytes_with(&gate::gate_hir(&split.check, None, how), true)
    })
}

/// A DFA that build.rs determinizes: a rule pattern's gate or exclusion check, an allow regex.
enum Dfa<'a> {
    Gate(&'a str),
    Split(&'a str),
    Allow(&'a str),
}

impl Dfa<'_> {
    fn build(&self) -> Option<Vec<u8>> {
        match *self {
            Dfa::Gate(p) => gate_dfa(p),
            Dfa::Split(p) => split_dfa(p),
            Dfa::Allow(p) => allow_dfa(p),
        }
    }
}

/// `f` of each item, in the items' order, computed on as many threads as cargo gives the build
/// (`NUM_JOBS`, its `-j`): determinizing is most of build.rs's time, and the DFAs are
/// independent. Each thread takes the next item not yet taken, so one slow DFA does not hold
/// up the items behind it; the result is the same whatever the number of threads.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::env::var("NUM_JOBS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let done: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return mine;
                        };
                        mine.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a DFA thread panicked"))
            .collect()
    });
    let mut out: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, r) in done.into_iter().flatten() {
        out[i] = Some(r);
    }
    out.into_iter()
        .map(|r| r.expect("every item computed"))
        .collect()
}

/// An allow regex as a serialized sparse DFA (what `AllowSet` reads).
fn allow_dfa(pattern: &str) -> Option<Vec<u8>> {
    dfa_bytes(&parse(pattern)?)
}

/// How every rule pattern is parsed (as `rules::syntax_config` says): ASCII classes, bytes.
fn parse(pattern: &str) -> Option<regex_syntax::hir::Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
}

/// `hir` as an unanchored sparse DFA that answers whether it matches (any match kind), in
/// the target's byte order; `None` if it is over [`DFA_MAX`] or cannot be built.
fn dfa_bytes(hir: &regex_syntax::hir::Hir) -> Option<Vec<u8>> {
    dfa_bytes_with(hir, false)
}

/// [`dfa_bytes`], minimized if `minimize` (slower to build: for the few DFAs that fit only so).
fn dfa_bytes_with(hir: &regex_syntax::hir::Hir, minimize: bool) -> Option<Vec<u8>> {
    use regex_automata::dfa::{StartKind, dense};
    use regex_automata::nfa::thompson;
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .utf8(false)
                .which_captures(thompson::WhichCaptures::None),
        )
        .build_from_hir(hir)
        .map_err(|e| report(&e))
        .ok()?;
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(regex_automata::MatchKind::All)
                .start_kind(StartKind::Unanchored)
                .minimize(minimize)
                .dfa_size_limit(Some(DFA_MAX * 16))
                .determinize_size_limit(Some(DFA_MAX * 32)),
        )
        .build_from_nfa(&nfa)
        .map_err(|e| report(&e))
        .ok()?;
    let sparse = dfa.to_sparse().map_err(|e| report(&e)).ok()?;
    let bytes = match std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() {
        Ok("big") => sparse.to_bytes_big_endian(),
        _ => sparse.to_bytes_little_endian(),
    };
    if bytes.len() > DFA_MAX {
        report(&format!("{} bytes", bytes.len()));
    }
    (bytes.len() <= DFA_MAX).then_some(bytes)
}

/// With `LG_GATE_REPORT` set, why a DFA was not built (on stderr: `cargo build -vv`).
fn report(e: &dyn std::fmt::Display) {
    if std::env::var_os("LG_GATE_REPORT").is_some() {
        eprintln!("no DFA: {e}");
    }
}

/// `dfa` appended to `blob`, as the Rust expression of its range there.
fn stored(blob: &mut Vec<u8>, dfa: Option<Vec<u8>>) -> String {
    match dfa {
        Some(dfa) => {
            let start = blob.len();
            blob.extend_from_slice(&dfa);
            format!("Some({start}..{})", blob.len())
        }
        None => "None".into(),
    }
}

/// The keywords of the rules `keep` keeps, lower-cased, each once, in the order the scanner
/// lists them (`scan::automaton::keyword_index`; a test checks that they are the same).
fn keyword_list(table: &toml::Table, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in table
        .get("rule")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| keep(r))
    {
        for k in r
            .get("keywords")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let k = k.to_ascii_lowercase();
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

fn generate(table: &toml::Table, gates: &mut Vec<u8>, lights: &mut Vec<u8>) -> String {
    let mut out = String::from("pub(crate) const BUILD_ERROR: Option<&str> = None;\n");
    // The keyword tries of a commit's scanner: all rules' keywords, and the multiline rules'.
    out.push_str("pub(crate) static TRIES: &[crate::keywords::StaticTrie] = &[\n");
    let multiline = |r: &Value| boolean(r.get("multiline"), false);
    for list in [
        keyword_list(table, |_| true),
        keyword_list(table, multiline),
    ] {
        if let Some(trie) = keywords::Trie::new(&list) {
            writeln!(out, "  {},", trie.to_rust(&list, "crate::keywords")).unwrap();
        }
    }
    out.push_str("];\n");
    // The keyword index of a commit's scanner (`keywords::index`): all rules', the multiline
    // rules'.
    out.push_str("pub(crate) static KEYWORD_INDEX: &[(&[&str], &[&[u32]])] = &[\n");
    for multiline_only in [false, true] {
        let (keywords, by_keyword) = keywords::index(
            (table
                .get("rule")
                .and_then(Value::as_array)
                .into_iter()
                .flatten())
            .enumerate()
            .filter(|(_, r)| !multiline_only || multiline(r))
            .map(|(i, r)| {
                let list = r.get("keywords").and_then(Value::as_array);
                (i, list.into_iter().flatten().filter_map(Value::as_str))
            }),
        );
        let rules: Vec<String> = by_keyword.iter().map(|r| format!("&{r:?}")).collect();
        writeln!(out, "  (&{keywords:?}, &[{}]),", rules.join(", ")).unwrap();
    }
    out.push_str("];\n");
    let rules: Vec<&Value> = table
        .get("rule")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    // A pattern that writes `{keywords}` gets them here, once (see `src/expand.rs`).
    let expanded: Vec<Option<Value>> = rules
        .iter()
        .map(|r| {
            let keywords: Vec<&str> = r
                .get("keywords")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            r.get("pattern")
                .and_then(Value::as_str)
                .and_then(|p| expand::keywords_in(p, &keywords))
                .map(Value::String)
        })
        .collect();
    let pattern = |i: usize| {
        expanded[i]
            .as_ref()
            .or_else(|| rules[i].get("pattern"))
            .and_then(Value::as_str)
    };
    // Every allow regex, and every published example's regex (matched on a secret the
    // same way), sorted (looked up by its text).
    let published = table
        .get("published_example")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("pattern").and_then(Value::as_str));
    let mut allows: Vec<&str> = rules
        .iter()
        .filter_map(|r| r.get("allow").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .chain(published)
        .collect();
    allows.sort();
    allows.dedup();
    // Every DFA, built side by side: each rule's gate and exclusion check, then the allows.
    let jobs: Vec<Dfa> = (0..rules.len())
        .filter_map(pattern)
        .flat_map(|p| [Dfa::Gate(p), Dfa::Split(p)])
        .chain(allows.iter().map(|a| Dfa::Allow(a)))
        .collect();
    let mut dfas = par_map(&jobs, Dfa::build).into_iter();
    out.push_str("pub(crate) static RULES: &[GenRule] = &[\n");
    for (i, r) in rules.iter().enumerate() {
        let g = |k: &str| match (k, &expanded[i]) {
            ("pattern", Some(p)) => Some(p),
            _ => r.get(k),
        };
        let min_entropy = match g("min_entropy") {
            Some(Value::Float(f)) => format!("Some({f:?})"),
            Some(Value::Integer(i)) => format!("Some({i}.0)"),
            _ => "None".into(),
        };
        let (gate, (split, main)) = match pattern(i) {
            Some(p) => {
                let gate = stored(gates, dfas.next().expect("a gate per pattern"));
                (
                    gate,
                    split(p, dfas.next().expect("a check per pattern"), gates, lights),
                )
            }
            None => ("None".into(), ("None".into(), None)),
        };
        let light = match (&main, pattern(i)) {
            (Some(main), _) => light(main, true, lights),
            (None, Some(p)) => light(p, false, lights),
            (None, None) => "None".into(),
        };
        writeln!(
            out,
            "  GenRule {{ id: {}, name: {}, severity: {}, pattern: {}, keywords: {}, min_entropy: {min_entropy}, \
             validator: {}, multiline: {}, window_lines: {}, context: {}, decode: {}, allow: {}, fallback: {}, \
             description: {}, remediation: {}, references: {}, shape: {}, gate: {gate}, split: {split}, \
             light: {light} }},",
            s(g("id")),
            s(g("name")),
            s(g("severity")),
            s(g("pattern")),
            list(g("keywords")),
            opt_s(g("validator")),
            boolean(g("multiline"), false),
            g("window_lines").and_then(Value::as_integer).unwrap_or(0),
            opt_s(g("context")),
            opt_s(g("decode")),
            list(g("allow")),
            boolean(g("fallback"), false),
            s(g("description")),
            s(g("remediation")),
            list(g("references")),
            g("pattern")
                .and_then(Value::as_str)
                .and_then(|p| shape::Shape::of(p, 1))
                .map_or("None".into(), |sh| format!(
                    "Some(crate::shape::Shape {{ bytes: {:?}, min_len: {} }})",
                    sh.bytes, sh.min_len
                )),
        )
        .unwrap();
    }
    out.push_str("];\npub(crate) static ALLOWS: &[(&str, Option<std::ops::Range<usize>>)] = &[\n");
    for a in allows {
        let dfa = dfas.next().expect("a DFA per allow");
        writeln!(out, "  ({a:?}, {}),", stored(gates, dfa)).unwrap();
    }
    out.push_str("];\npub(crate) static FILES: &[GenFile] = &[\n");
    for r in table
        .get("file")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let g = |k: &str| r.get(k);
        writeln!(
            out,
            "  GenFile {{ id: {}, name: {}, severity: {}, paths: {}, except: {}, content: {}, \
             covers: {}, gitignore: {}, hygiene: {}, stack: {}, description: {}, remediation: {}, \
             references: {} }},",
            s(g("id")),
            s(g("name")),
            s(g("severity")),
            list(g("paths")),
            list(g("except")),
            opt_s(g("content")),
            list(g("covers")),
            list(g("gitignore")),
            boolean(g("hygiene"), true),
            list(g("stack")),
            s(g("description")),
            s(g("remediation")),
            list(g("references")),
        )
        .unwrap();
    }
    // Published example credentials: (source, SHA-1s, family regex).
    out.push_str("];\npub(crate) static PUBLISHED: &[(&str, &[&str], Option<&str>)] = &[\n");
    for p in table
        .get("published_example")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        writeln!(
            out,
            "  ({}, {}, {}),",
            s(p.get("source")),
            list(p.get("sha1")),
            opt_s(p.get("pattern"))
        )
        .unwrap();
    }
    out.push_str("];\n");
    out
}
