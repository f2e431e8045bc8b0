use super::*;

/// The regex caches a scanning thread keeps are dropped when over their budget, and
/// scanning with caches made again finds the same.
#[test]
fn regex_caches_stay_within_their_budget_and_change_no_finding() {
    let rules = RuleSet::builtin().unwrap();
    let scanner = Scanner::new(&rules);
    // Keywords of many rules, each with a value long enough to be tried.
    let mut hays: Vec<Vec<u8>> = Vec::new();
    for (i, r) in rules.rules.iter().enumerate().take(200) {
        let kw = r.spec.keywords.first().cloned().unwrap_or_default();
        let value: String = (0..40)
            .map(|k| char::from(b'a' + ((i * 7 + k * 3) % 26) as u8))
            .collect();
        hays.push(format!("{kw} = \"{value}\"\n{kw}_token: {value}X9\n").into_bytes());
    }
    let mut kept = Scratch::default();
    let mut tight = Scratch::default();
    tight.caches.budget = Some(0);
    let mut most = 0;
    for hay in &hays {
        let a = scanner.scan(hay, &mut kept);
        let b = scanner.scan(hay, &mut tight);
        let key = |m: &Vec<Match>| -> Vec<(usize, Range<usize>)> {
            m.iter().map(|m| (m.rule, m.secret.clone())).collect()
        };
        assert_eq!(key(&a), key(&b), "{}", String::from_utf8_lossy(hay));
        most = most.max(kept.caches.held());
    }
    assert!(most > 0, "no regex cache was made");
    // Every 16 blobs the tight budget drops everything: what is held then is what the
    // blobs since made, far less than the caches kept without a budget.
    assert!(
        tight.caches.held() < kept.caches.held(),
        "{} vs {}",
        tight.caches.held(),
        kept.caches.held()
    );
    // A scratch space used with another scanner forgets the first one's caches.
    let other = Scanner::new(&rules);
    other.scan(b"nothing here\n", &mut kept);
    assert_eq!(kept.caches.held(), 0);
}

#[test]
fn window_is_clipped_to_line() {
    let hay = b"first line\nkey = abc\nthird";
    let w = window(hay, 11, 14, 0);
    assert_eq!(&hay[w], b"key = abc");
    let w = window(hay, 11, 14, 1);
    assert_eq!(&hay[w], &hay[..]);
    let hay = b"a\nb\nc\nkey\nd\ne\nf";
    let w = window(hay, 6, 9, 2);
    assert_eq!(&hay[w], b"b\nc\nkey\nd\ne");
}

#[test]
fn rules_without_a_window_of_their_shape_build_no_regex() {
    // Keywords of many rules, each followed by far too little to be a secret.
    let rules = RuleSet::builtin().unwrap();
    let hay: &[u8] = b"password = x\ntoken: y\napi_key=z\nsecret\nghp_ AKIA xoxb- sk_live_\n";
    for scanner in [Scanner::new_small(&rules), Scanner::new(&rules)] {
        assert!(scanner.scan(hay, &mut Scratch::default()).is_empty());
    }
    let ruled_out: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| r.shape().is_some_and(|s| !s.admits(hay)))
        .collect();
    assert!(ruled_out.len() > 100);
    let built: Vec<&str> = ruled_out
        .iter()
        .filter(|r| r.any_engine_built())
        .map(|r| r.id())
        .collect();
    assert!(built.is_empty(), "{built:?}");
}

#[test]
fn windows_from_the_line_breaks_are_the_searched_ones() {
    let mut rng = crate::testrng::Xorshift::new(0x9E37_79B9_7F4A_7C15);
    let mut next = |n: usize| rng.below(n);
    for round in 0..200 {
        // Lines of every length, from none to longer than a window.
        let len = 1 + next(8000);
        let line = [4, 60, 700, 3000][round % 4];
        let hay: Vec<u8> = (0..len)
            .map(|_| if next(line) == 0 { b'\n' } else { b'a' })
            .collect();
        let start = next(len.min(4000)) + next(len - len.min(4000) + 1);
        let span = start.saturating_sub(next(2000))..(start + 3 + next(2000)).min(len);
        let part = Part { span, focus: None };
        let mut breaks = Breaks::default();
        for _ in 0..20 {
            let s = part.span.start + next(part.span.len().max(1));
            let e = (s + 3).min(len);
            if s >= e {
                continue;
            }
            let extra = 1 + next(6) as u8;
            let reach = WINDOW * 7;
            assert_eq!(
                breaks.window(&hay, &part, reach, s..e, extra),
                window(&hay, s, e, extra),
                "len {len} hit {s}..{e} extra {extra}"
            );
        }
    }
}

#[test]
fn window_is_clipped_on_long_lines() {
    let hay = vec![b'a'; 10_000];
    let w = window(&hay, 5000, 5003, 0);
    assert_eq!(w, 5000 - WINDOW..5003 + WINDOW);
}
