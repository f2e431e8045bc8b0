fn main() {
    let src = leakgate::rules::BUILTIN_RULES;
    let t = std::time::Instant::now();
    for _ in 0..20 {
        let v: toml::Value = toml::from_str(src).unwrap();
        std::hint::black_box(v);
    }
    println!("toml::Value parse: {:?}", t.elapsed() / 20);
    let t = std::time::Instant::now();
    for _ in 0..20 {
        let r = leakgate::rules::RuleSet::builtin().unwrap();
        std::hint::black_box(r);
    }
    println!("RuleSet::builtin: {:?}", t.elapsed() / 20);
    let r = leakgate::rules::RuleSet::builtin().unwrap();
    let t = std::time::Instant::now();
    for _ in 0..20 {
        let s = leakgate::scan::Scanner::new(&r);
        std::hint::black_box(s);
    }
    println!("Scanner::new: {:?}", t.elapsed() / 20);
    let t = std::time::Instant::now();
    for rule in &r.rules {
        let _ = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(rule.spec.pattern.get_ref())
            .unwrap();
    }
    println!("syntax checks: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for f in &r.files {
        let mut b = ignore::gitignore::GitignoreBuilder::new("");
        for g in &f.spec.paths {
            b.add_line(None, g).unwrap();
        }
        std::hint::black_box(b.build().unwrap());
    }
    println!("globs: {:?}", t.elapsed());
}
#[allow(dead_code)]
fn extra() {}
