//! Compiles the built-in `rules.toml` into Rust data (`$OUT_DIR/builtin_rules.rs`), without
//! the examples, so that start-up does not parse TOML: the hook pays start-up on every commit.
//! `rules test` and `rules explain` still parse the full file (embedded with `include_str!`),
//! and a test checks that both give the same rules.

use std::fmt::Write;
use std::path::PathBuf;

use toml::Value;

#[path = "src/shape.rs"]
#[allow(dead_code)]
mod shape;

fn main() {
    println!("cargo::rerun-if-changed=rules.toml");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/shape.rs");
    let src = std::fs::read_to_string("rules.toml").expect("read rules.toml");
    // A broken rules.toml is reported by the test suite with the rule and line; here, emit
    // nothing usable so that `RuleSet::builtin` reports it at run time instead of panicking.
    let out = match src.parse::<toml::Table>() {
        Ok(table) => generate(&table),
        Err(e) => format!(
            "pub(crate) const BUILD_ERROR: Option<&str> = Some({:?});\n\
             pub(crate) static RULES: &[GenRule] = &[];\npub(crate) static FILES: &[GenFile] = &[];\n",
            e.to_string()
        ),
    };
    let path =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(path, out).expect("write builtin_rules.rs");
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

fn generate(table: &toml::Table) -> String {
    let mut out = String::from("pub(crate) const BUILD_ERROR: Option<&str> = None;\n");
    out.push_str("pub(crate) static RULES: &[GenRule] = &[\n");
    for r in table
        .get("rule")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let g = |k: &str| r.get(k);
        let min_entropy = match g("min_entropy") {
            Some(Value::Float(f)) => format!("Some({f:?})"),
            Some(Value::Integer(i)) => format!("Some({i}.0)"),
            _ => "None".into(),
        };
        writeln!(
            out,
            "  GenRule {{ id: {}, name: {}, severity: {}, pattern: {}, keywords: {}, min_entropy: {min_entropy}, \
             validator: {}, multiline: {}, window_lines: {}, context: {}, decode: {}, allow: {}, fallback: {}, \
             description: {}, remediation: {}, references: {}, shape: {} }},",
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
             gitignore: {}, hygiene: {}, stack: {}, description: {}, remediation: {}, references: {} }},",
            s(g("id")),
            s(g("name")),
            s(g("severity")),
            list(g("paths")),
            list(g("except")),
            opt_s(g("content")),
            list(g("gitignore")),
            boolean(g("hygiene"), true),
            list(g("stack")),
            s(g("description")),
            s(g("remediation")),
            list(g("references")),
        )
        .unwrap();
    }
    out.push_str("];\n");
    out
}
