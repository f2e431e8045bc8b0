//! What makes a value not a secret, whatever its rule: low entropy, an identifier, a
//! placeholder, a variable reference, a value typed along the keyboard or spelling what it is.

/// Shannon entropy in bits per byte.
pub fn entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a value as a placeholder, documentation or a test fixture, not a secret.
/// Compared case-insensitively as substrings of the secret.
pub(crate) const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "xxxx",
    "****",
    "....",
    "…",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "insert_",
    "insert-",
    "replace_me",
    "replace-me",
    "replaceme",
    "dummy",
    "sample",
    "not_a_real",
    "notreal",
    "fake_",
    "-fake",
    "fakekey",
    "foobar",
    // Laravel's `.env.example` once shipped `APP_KEY=SomeRandomString` (and apps built on it
    // `SomeRandomStringOf32CharsExactly`): a description of the value to put there.
    "somerandomstring",
    "0123456789",
    "1234567890",
    "abcdefgh",
];

/// Whole values that are never secrets.
pub(crate) const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "empty",
    "todo",
    "tbd",
    "test",
    "testing",
    "admin",
    "root",
    "user",
    "username",
    "pass",
    "string",
    "value",
    "default",
    "required",
    "optional",
    "hidden",
    "unset",
    "n/a",
    "na",
    "secret123",
    "password123",
    "mypassword",
    "mysecret",
    "supersecret",
    "letmein",
    "qwerty",
    "hunter2",
    "opensesame",
];

/// Whether the value reads as a code identifier made of words (`_S_token_subexpr_begin`,
/// `defaultSessionSecretKey`, `MAX_TCP_TOKEN_LENGTH`, `x-amz-s3session-token`,
/// `google_oauth2_access_token`, `fr-par-1`, `storage.v1beta1.key`): words joined by `_`, `-`,
/// `.` or camelCase, the words holding vowels or written as short acronyms. A word may carry
/// short digit groups (`s3session`, `oauth2`, `v1beta1`, `sha256`) and a word may be a short
/// number (`par-1`, `v2_token`), but digits never outnumber a word's letters. Random
/// credentials seldom look like that: a random mixed-case run splits into fragments such as
/// `wfnz`, `B`, `Lj`, `Q7xp` (on 20 random letters this says "identifier" about 2% of the
/// time; read only by separators and lower→upper changes, it was 36%). Used for generic
/// assignment rules, where `token = SOME_CONSTANT` names a value rather than holding one.
pub fn looks_like_identifier(secret: &[u8]) -> bool {
    let sep = |b: &u8| b"_-.".contains(b);
    if !secret.iter().all(|b| b.is_ascii_alphanumeric() || sep(b))
        || !secret
            .iter()
            .find(|b| !sep(b))
            .is_some_and(u8::is_ascii_alphabetic)
    {
        return false;
    }
    // Split into words at separators and case changes, as camelCase is read; a digit group
    // stays in its word (`oauth2`, `s3session`) unless an upper-case letter follows it
    // (`Base64Encoder` → `Base64`, `Encoder`).
    let mut words: Vec<&[u8]> = Vec::new();
    let mut start = 0usize;
    for (i, &b) in secret.iter().enumerate() {
        if sep(&b) {
            if i > start {
                words.push(&secret[start..i]);
            }
            start = i + 1;
        } else if i > start
            && b.is_ascii_uppercase()
            && (secret[i - 1].is_ascii_lowercase()
                || secret[i - 1].is_ascii_digit()
                || (secret[i - 1].is_ascii_uppercase()
                    && secret.get(i + 1).is_some_and(u8::is_ascii_lowercase)))
        {
            // `sessionKey` → `session`, `Key`; `HTTPServer` → `HTTP`, `Server`.
            words.push(&secret[start..i]);
            start = i;
        }
    }
    if secret.len() > start {
        words.push(&secret[start..]);
    }
    let letters_of = |w: &[u8]| w.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let mut lettered: Vec<&[u8]> = Vec::new();
    for w in &words {
        let letters = letters_of(w);
        let digits = w.len() - letters;
        // Digit groups in a word: at most two, none longer than four digits, fewer digits
        // than letters; a word of digits alone is a short number (`1`, `2024`).
        let runs = w
            .iter()
            .enumerate()
            .filter(|&(i, b)| b.is_ascii_digit() && (i == 0 || !w[i - 1].is_ascii_digit()))
            .count();
        let longest_run = w
            .split(|b| !b.is_ascii_digit())
            .map(<[u8]>::len)
            .max()
            .unwrap_or(0);
        // A number of its own between separators may be a ticket's or an issue's
        // (`pm-27581-device-auth-key`): up to six digits.
        let own_number = letters == 0 && secret.iter().filter(|b| sep(b)).count() >= 2;
        if longest_run > if own_number { 6 } else { 4 }
            || (letters > 0 && (runs > 2 || digits > letters))
        {
            return false;
        }
        if letters > 0 {
            lettered.push(w);
        }
    }
    let separators = secret.iter().filter(|b| sep(b)).count();
    if secret.len() > letters_of(secret) + separators {
        // Digits make random runs look wordier, so a value with digits needs more structure:
        // split by separators, a part that holds digits is in one case (`s3session`,
        // `V1BETA1`, `1`); in camelCase alone, every word is a vowelled word of three letters
        // or more with digits only at its end (`Base64EncodedKey`).
        let structured_part = |part: &[u8]| {
            if !part.iter().any(u8::is_ascii_digit) {
                return true;
            }
            if part.iter().any(u8::is_ascii_uppercase) && part.iter().any(u8::is_ascii_lowercase) {
                return false;
            }
            // letters, digits, letters, digits: `oauth2`, `2024`, `s3session`, `v1beta1`, `k8s`
            let mut runs = part.chunk_by(|a, b| a.is_ascii_digit() == b.is_ascii_digit());
            let (head, digits, tail, more) = (runs.next(), runs.next(), runs.next(), runs.next());
            let is_digits = |r: Option<&[u8]>| r.is_some_and(|r| r[0].is_ascii_digit());
            let vowelled = |r: &[u8]| {
                r.iter().any(|b| b"aeiouyAEIOUY".contains(b))
                    && r.split(|b| b"aeiouyAEIOUY".contains(b))
                        .all(|c| c.len() <= 3)
            };
            match (head, digits, tail, more) {
                (Some(_), None, None, None) => true, // `2024`
                (Some(h), Some(_), None, None) => !is_digits(Some(h)),
                (Some(h), Some(_), Some(t), m) if !is_digits(Some(h)) && h.len() <= 3 => {
                    // `s3session`, `v1beta1`; a numeronym `k8s`, `i18n`
                    (t.len() >= 3
                        && vowelled(t)
                        && m.is_none_or(|d| d.len() <= 2)
                        && runs.next().is_none())
                        || (h.len() == 1 && t.len() == 1 && m.is_none())
                }
                _ => false,
            }
        };
        let strict_word = |w: &[u8]| {
            let letters = w.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            letters >= 3
                && w[letters..].iter().all(u8::is_ascii_digit)
                && w[..letters].iter().any(|b| b"aeiouyAEIOUY".contains(b))
        };
        let structured = if separators >= 2 {
            secret.split(sep).all(structured_part)
        } else {
            words.iter().all(|w| strict_word(w))
        };
        if !structured {
            return false;
        }
    }
    // A word holds a vowel or is a short acronym; one exception is allowed (`Http`, `Pwd`).
    let wordlike = |w: &[u8]| {
        let letters = letters_of(w);
        letters <= 2
            || (letters <= 5 && w.iter().all(|b| !b.is_ascii_lowercase()))
            || w.iter().any(|b| b"aeiouyAEIOUY".contains(b))
    };
    // A word's size counts its digits (`v2`, `ec2`); a numbered word is not a short word.
    let size: usize = lettered.iter().map(|w| w.len()).sum();
    // Short words (`S`, `no`, `to`) are rare in camelCase and common in snake_case: where
    // separators do the splitting (`_S_token_subexpr_no_group_begin`), a third may be short.
    let short_allowed = if separators >= 3 {
        lettered.len() / 3
    } else {
        1
    };
    words.len() >= 3
        && lettered.len() >= 2
        // about three letters a word (`fr-par-1` has two and a half)
        && size * 2 >= lettered.len() * 5
        && lettered.iter().filter(|w| w.len() <= 2 && letters_of(w) == w.len()).count() <= short_allowed
        && lettered.iter().filter(|w| !wordlike(w)).count() <= 1
}

/// Whether the value is a file's path rather than what the file holds
/// (`iam_web_identity_token = "/path/to/token/file"`, `./certs/client-key.pem`,
/// `~/.config/app/token`): it starts at the root, the current or parent directory or home,
/// and has two segments or more, each of lower-case letters, digits and `_.-`
/// (a base64 value that starts with `/` mixes cases between its slashes).
pub fn looks_like_path(secret: &[u8]) -> bool {
    let rest = [&b"~/"[..], b"../", b"./", b"/"]
        .iter()
        .find_map(|p| secret.strip_prefix(*p));
    let Some(rest) = rest else {
        return false;
    };
    let segments: Vec<&[u8]> = rest.split(|&b| b == b'/').collect();
    segments.len() >= 2
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.iter().any(u8::is_ascii_lowercase)
                && s.iter()
                    .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
        })
}

/// Variable references and templates (looked for lower-cased, as substrings).
pub(crate) const REFERENCES: &[&str] = &[
    "${",
    "$(",
    "{{",
    "}}",
    "#{",
    "%(",
    "%{",
    "<%",
    "@{",
    "process.env",
    "os.environ",
    "os.getenv",
    "getenv(",
    "env[",
    "env(",
    "env.",
    "secrets.",
    "vars.",
    "settings.",
    "config.",
    "params.",
    "var.",
    "local.",
    "data.",
    "module.",
];

/// The value without the quotes and blanks around it.
fn trim_value(s: &str) -> &str {
    s.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
}

/// Whether `lower` (`value` in lower case, byte for byte) holds one of the automaton's words.
/// A word that is a run of one letter (`xxxx`) is a mask only when typed in one case (`xxxx`,
/// `XXXX`, not `xXxX`), and in a long value (a key body, over 256 characters) only as a run of
/// six or more: random base64 spells `xxxx` in some case about once in 1,000 four-letter
/// places, so a 1,600-character RSA key holds one about once in 650 keys.
fn has_word(words: &aho_corasick::AhoCorasick, value: &str, lower: &str) -> bool {
    let v = value.as_bytes();
    words.find_overlapping_iter(lower.as_bytes()).any(|m| {
        let hit = &lower.as_bytes()[m.range()];
        let letter = hit[0];
        if !letter.is_ascii_alphabetic() || hit.iter().any(|&c| c != letter) {
            return true;
        }
        let typed = &v[m.range()];
        if typed.iter().any(|&c| c != typed[0]) {
            return false;
        }
        if v.len() <= 256 {
            return true;
        }
        // The whole run of that character around the hit.
        let start = v[..m.start()]
            .iter()
            .rev()
            .take_while(|&&c| c == typed[0])
            .count();
        let end = v[m.end()..].iter().take_while(|&&c| c == typed[0]).count();
        start + m.len() + end >= 6
    })
}

/// Whether the secret is a placeholder or a reference to a value kept elsewhere.
pub fn is_placeholder_or_reference(secret: &[u8]) -> bool {
    let s = String::from_utf8_lossy(secret);
    let trimmed = trim_value(&s);
    if trimmed.is_empty() {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    let bare = lower.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    // Also with its marks dropped: `pass:word`, `open sesame`, `change-me`.
    let squeezed: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    if PLACEHOLDER_VALUES.contains(&lower.as_str())
        || PLACEHOLDER_VALUES.contains(&bare)
        || PLACEHOLDER_VALUES.contains(&squeezed.as_str())
    {
        return true;
    }
    // A placeholder word, or a variable reference or template (one search for both lists).
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        // Searched in a few short values: the NFA builds in a fraction of the DFA's time.
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(PLACEHOLDER_WORDS.iter().chain(REFERENCES))
            .expect("placeholder words build an automaton")
    });
    if has_word(words, trimmed, &lower) {
        return true;
    }
    // `<your-key>`, `[token]`, `%TOKEN%`
    let b = trimmed.as_bytes();
    let wrapped = |open: u8, close: u8| b.len() >= 2 && b[0] == open && b[b.len() - 1] == close;
    if wrapped(b'<', b'>') || wrapped(b'[', b']') || wrapped(b'%', b'%') {
        return true;
    }
    // `<sealed>` escaped for JSON (`\u003csealed\u003e`) or HTML (`&lt;token&gt;`)
    let escaped = |open: &str, close: &str| {
        lower.len() > open.len() + close.len() && lower.starts_with(open) && lower.ends_with(close)
    };
    if escaped("\\u003c", "\\u003e") || escaped("&lt;", "&gt;") {
        return true;
    }
    if b[0] == b'$' && b.len() > 1 && (b[1].is_ascii_alphabetic() || b[1] == b'_') {
        // `$TOKEN` (but a `$2b$...` bcrypt hash is handled by rules' allow lists)
        return b[1..]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_');
    }
    if counts_up(b) || keyboard_mash(b) || keyboard_walk(b) || metasyntactic(b) || mostly_repeats(b)
    {
        return true;
    }
    // One repeated character (`aaaaaaaa`, `00000000`), or a short cycle repeated three
    // times or more (`abcabcabc`, `TestTestTestTest`).
    if b.len() >= 4 {
        for period in 1..=8 {
            if b.len() >= period * 3 && b.iter().enumerate().all(|(i, &c)| c == b[i % period]) {
                return true;
            }
        }
    }
    false
}

/// Words that mask a prefixed token (`ghp_xxxx…`, `sk_live_YOUR_KEY`, `xoxb-<token>`): what
/// [`is_obvious_mask`] looks for, a subset of [`PLACEHOLDER_WORDS`] that leaves out what a
/// random body can hold by chance or a fixture writes to fill a format (`0123456789`,
/// `abcdefgh`).
const MASK_WORDS: &[&str] = &[
    "example",
    "xxxx",
    "****",
    "....",
    "…",
    "00000",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "insert_",
    "insert-",
    "replace_me",
    "replace-me",
    "replaceme",
    "dummy",
    "sample",
    "not_a_real",
    "notreal",
    "fake_",
    "-fake",
    "fakekey",
    "foobar",
];

/// Whether a value a strongly shaped rule matched (a provider's prefix and documented length,
/// see `Rule::prefixed`) is an obvious mask rather than a token: a reference or template
/// (`${TOKEN}`), a bracketed stand-in (`<token>`), a mask word (`xxxx`, `****`, `…`, `YOUR_`,
/// `example`, `dummy`), or a body (what follows the prefix) of one character or a short cycle
/// (`sk_live_aaaaaaaa…`) or mostly runs of one (`xoxc-888888888888-…`). Sequential-looking
/// content (`abcd1234…`, `0123456789`) is not a mask here: in a value of the provider's own
/// shape it is the shape that is the evidence.
pub fn is_obvious_mask(secret: &[u8]) -> bool {
    let s = String::from_utf8_lossy(secret);
    let trimmed = trim_value(&s);
    if trimmed.is_empty() {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(MASK_WORDS.iter().chain(REFERENCES))
            .expect("mask words build an automaton")
    });
    if has_word(words, trimmed, &lower) {
        return true;
    }
    let b = trimmed.as_bytes();
    let wrapped = |open: u8, close: u8| b.len() >= 2 && b[0] == open && b[b.len() - 1] == close;
    if wrapped(b'<', b'>') || wrapped(b'[', b']') || wrapped(b'%', b'%') || b.contains(&b'<') {
        return true;
    }
    // The body: what follows the prefix's last separator (within its first dozen bytes).
    let head = &b[..b.len().min(12)];
    let body = match head.iter().rposition(|c| b"_-.:/".contains(c)) {
        Some(i) if i + 1 < b.len() => &b[i + 1..],
        _ => b,
    };
    if mostly_repeats(b) || mostly_repeats(body) {
        return true;
    }
    body.len() >= 4
        && (1..=3).any(|period| {
            body.len() >= period * 3 && body.iter().enumerate().all(|(i, &c)| c == body[i % period])
        })
}

/// A value typed by holding keys down: runs of four or more of one character make up at least
/// two fifths of it (`xoxc-888888888888-888888888888-…-ffffffffffffffa915…`, a test's stand-in for a
/// token's shape). In random characters such a run starts at a place about once in 4,000
/// (hex) or 240,000 (base62) places.
pub(crate) fn mostly_repeats(b: &[u8]) -> bool {
    if b.len() < 16 {
        return false;
    }
    let repeated: usize = b
        .chunk_by(|x, y| x == y)
        .filter(|run| run.len() >= 4 && run[0].is_ascii_alphanumeric())
        .map(<[u8]>::len)
        .sum();
    repeated * 5 >= b.len() * 2
}

/// A value typed along the keyboard in runs: every run of three keys or more steps right along
/// one row (`asdfqwer1234asdf`, `qwerty123`, `zxcvasdf`), and the runs cover it all. Random
/// characters step right along a row about one time in thirty, so a random value of 8 or
/// more is covered so almost never.
pub(crate) fn keyboard_walk(b: &[u8]) -> bool {
    const ROWS: [&[u8]; 4] = [b"1234567890", b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let key = |c: u8| {
        let c = c.to_ascii_lowercase();
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|&k| k == c).map(|p| (r, p)))
    };
    if b.len() < 8 {
        return false;
    }
    let mut run = 1;
    for i in 1..=b.len() {
        let step = i < b.len()
            && matches!((key(b[i - 1]), key(b[i])), (Some((r, p)), Some((s, q))) if r == s && q == p + 1);
        if step {
            run += 1;
        } else {
            if run < 3 || key(b[i - 1]).is_none() {
                return false;
            }
            run = 1;
        }
    }
    true
}

/// The words programmers name placeholders with, and nothing else but a few digits and
/// marks (`bar%2F`, `bar%25bar`, `FooBar1`, `spam&eggs`): a URL's or a test's stand-in.
pub(crate) fn metasyntactic(b: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[
        b"foo", b"bar", b"baz", b"qux", b"quux", b"corge", b"grault", b"garply", b"waldo", b"fred",
        b"plugh", b"xyzzy", b"thud", b"spam", b"eggs", b"ham",
    ];
    // `%2F` is a mark, not letters.
    let mut text: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && b.get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        {
            text.push(b'%');
            i += 3;
        } else {
            text.push(b[i].to_ascii_lowercase());
            i += 1;
        }
    }
    fn words_only(run: &[u8], words: &[&[u8]]) -> bool {
        run.is_empty()
            || words
                .iter()
                .any(|w| run.starts_with(w) && words_only(&run[w.len()..], words))
    }
    let digits = text.iter().filter(|c| c.is_ascii_digit()).count();
    let mut runs = text
        .split(|c| !c.is_ascii_alphabetic())
        .filter(|r| !r.is_empty());
    digits <= 4
        && text.len() <= 32
        && runs.clone().next().is_some()
        && runs.all(|r| words_only(r, WORDS))
}

/// A test's value that spells what it stands for, in any case and with up to half its letters
/// written as look-alikes: a vowel as a digit or `*#&@!`, `s` as `5$§`, `t` as `7+`
/// (`AmAz0n+SqSsEcReT+…`, `Newp1ssw0rd!`, `s3cr3t`, `P4§$w0rd`); or a short label and the
/// word, joined (`kv2-pass`, `db_pwd`, `app.secret`). The letters left as they are (`p`, `w`,
/// `r`, `d` of `password`; `c`, `r` of `secret`) anchor the spelling: a random value of 40
/// characters holds one about once in a million. Asked by generic rules only: a format's
/// prefix may spell the word (`sb_secret_…`).
pub fn spells_what_it_is(b: &[u8]) -> bool {
    if b.len() > 64 {
        return false;
    }
    if labelled_word(b) {
        return true;
    }
    // `§` (two bytes in UTF-8) read as the one look-alike it is.
    let mut folded: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with("§".as_bytes()) {
            folded.push(b'$');
            i += 2;
        } else {
            folded.push(b[i]);
            i += 1;
        }
    }
    let b = &folded[..];
    [&b"password"[..], b"passwd", b"secret"].iter().any(|word| {
        b.windows(word.len()).any(|w| {
            let mut swapped = 0;
            w.iter().zip(word.iter()).all(|(&c, &l)| {
                let look_alike = match l {
                    b'a' | b'e' | b'i' | b'o' => c.is_ascii_digit() || b"*#&@!".contains(&c),
                    b's' => b"5$".contains(&c),
                    b't' => b"7+".contains(&c),
                    _ => false,
                };
                if c.to_ascii_lowercase() == l {
                    true
                } else if look_alike {
                    swapped += 1;
                    swapped <= word.len() / 2
                } else {
                    false
                }
            }) && w[0].is_ascii_alphabetic()
        })
    })
}

/// A short label and the word for what the value is, joined by `-`, `_` or `.` (`kv2-pass`,
/// `db_pwd`, `test.secret`, `default-password`): two to four parts, each other part at most
/// eight letters and digits in one case, 24 characters at most.
fn labelled_word(b: &[u8]) -> bool {
    if b.len() > 24 {
        return false;
    }
    let parts: Vec<&[u8]> = b.split(|c| b"-_.".contains(c)).collect();
    if !(2..=4).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
        return false;
    }
    let word = |p: &[u8]| {
        let l = p.to_ascii_lowercase();
        [
            &b"pass"[..],
            b"passwd",
            b"password",
            b"pwd",
            b"pw",
            b"secret",
        ]
        .contains(&&l[..])
    };
    let label = |p: &[u8]| {
        p.len() <= 8
            && p.iter().all(u8::is_ascii_alphanumeric)
            && !(p.iter().any(u8::is_ascii_uppercase) && p.iter().any(u8::is_ascii_lowercase))
    };
    parts.iter().filter(|p| word(p)).count() == 1 && parts.iter().all(|p| word(p) || label(p))
}

/// A value typed to look random: its digits count up (`a123b45c6d78e9f012a34cd5e6a7890b…`,
/// `1234abcd-12ab-34cd-56ef-1234567890ab`). Of the steps from one digit to the next, at least
/// three in four go up by one (mod 10); a random value's digits do so one time in ten.
pub(crate) fn counts_up(b: &[u8]) -> bool {
    let digits: Vec<u8> = b
        .iter()
        .filter(|c| c.is_ascii_digit())
        .map(|c| c - b'0')
        .collect();
    if digits.len() < 10 {
        return false;
    }
    let up = digits
        .windows(2)
        .filter(|w| w[1] == (w[0] + 1) % 10)
        .count();
    up * 4 >= (digits.len() - 1) * 3
}

/// A run of letters typed along the keyboard's rows (`…TRYEGFNSDLRIUOTUYTHJKLDFGO…` in a
/// documented token, `…lkjhakldjfhalkdsjf` in a test): 20 letters or more in which at least
/// seven steps in ten stay on one row of a QWERTY keyboard, or 16 or more with 85 in a
/// hundred. Random letters stay on their row about one step in three; such a run of them
/// does so about once in 25,000 runs or fewer.
pub(crate) fn keyboard_mash(b: &[u8]) -> bool {
    let row = |c: u8| match c.to_ascii_lowercase() {
        b'q' | b'w' | b'e' | b'r' | b't' | b'y' | b'u' | b'i' | b'o' | b'p' => 0,
        b'a' | b's' | b'd' | b'f' | b'g' | b'h' | b'j' | b'k' | b'l' => 1,
        _ => 2,
    };
    // Runs of letters in one case (typed with caps lock on, or off), of many letters.
    let runs = b
        .split(|c| !c.is_ascii_uppercase())
        .chain(b.split(|c| !c.is_ascii_lowercase()));
    runs.into_iter().any(|run| {
        let mut seen = [false; 26];
        run.iter()
            .for_each(|c| seen[usize::from(c.to_ascii_lowercase() - b'a')] = true);
        let distinct = seen.iter().filter(|s| **s).count();
        let same = run.windows(2).filter(|w| row(w[0]) == row(w[1])).count();
        let steps = run.len().saturating_sub(1);
        (run.len() >= 20 && distinct >= 10 && same * 10 >= steps * 7)
            || (run.len() >= 16 && distinct >= 8 && same * 20 >= steps * 17)
    })
}
