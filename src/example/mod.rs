//! What the text around a generic rule's value says about it: a documented example, example
//! code in a doc comment, or a test fixture written again and again. Only fallback rules (a
//! named value with no format of its own) ask: a token or key in its provider's format is
//! reported wherever it stands.

use std::ops::Range;

/// How many lines either side of a value its block (a JSON object, a command, a paragraph
/// of code) may reach.
const BLOCK_LINES: usize = 24;

/// Whether the value at `secret` in `hay` is a documented example rather than a credential:
/// it sits in the block of an AWS-style `…EXAMPLE` identifier, in the example code of a doc
/// comment, or it is a fixture repeated through a file that is not a recording.
pub fn is_example(hay: &[u8], secret: &Range<usize>) -> bool {
    beside_example_marker(hay, secret)
        || in_doc_comment_example(hay, secret)
        || in_block_comment_example(hay, secret)
        || repeated_fixture(hay, secret)
        || encoded_beside_its_encoder(hay, secret)
        || first_word_of_quoted_text(hay, secret)
}

/// A value the rule ended at a space inside quotes, with more words before the closing quote
/// (`"reset_webhook_secret": "Tilbakestill Webhook nøkkel"`): the first word of a sentence, a
/// label or a message, not a credential.
fn first_word_of_quoted_text(hay: &[u8], secret: &Range<usize>) -> bool {
    let Some(&q) = secret.start.checked_sub(1).and_then(|i| hay.get(i)) else {
        return false;
    };
    if !(q == b'"' || q == b'\'') || hay.get(secret.end) != Some(&b' ') {
        return false;
    }
    let rest = &hay[secret.end..];
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    memchr::memchr(q, line).is_some_and(|close| {
        let words = &line[..close];
        words.iter().any(u8::is_ascii_alphabetic)
            && words
                .iter()
                .all(|b| !b.is_ascii_control() && *b != b'=' && *b != b':')
    })
}

/// A digest where the text names what made it: an MD5/SHA hex or base64 value on a line that
/// says `hash`, `digest`, `encoder`, `md5` or `sha` (`passwordHash = "…"`, `sha256: …`), or in
/// the block of a Spring `<password-encoder …>` element (the users it encodes follow it), is
/// what the encoder stored, not the password. The word must be on the value's own line: a
/// hash word on another line of the block (`sha256 = "sha256"` above `aPrivateKey = "…"`) says
/// nothing of this value, and a hex or base64 value with no such word stays a finding (a
/// generated password or key looks the same).
fn encoded_beside_its_encoder(hay: &[u8], secret: &Range<usize>) -> bool {
    let v = &hay[secret.clone()];
    let hex = v.iter().all(u8::is_ascii_hexdigit) && [32, 40, 56, 64, 96, 128].contains(&v.len());
    let b64 = v.ends_with(b"=")
        && crate::validate::base64_decode(v)
            .is_some_and(|d| [16, 20, 28, 32, 48, 64].contains(&d.len()));
    if !hex && !b64 {
        return false;
    }
    let b = block(hay, secret);
    if memchr::memmem::find(&hay[b], b"<password-encoder").is_some() {
        return true;
    }
    let start = memchr::memrchr(b'\n', &hay[..secret.start]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &hay[secret.end..]).map_or(hay.len(), |p| secret.end + p);
    let around = [&hay[start..secret.start], &hay[secret.end..end]];
    let words: [&[u8]; 5] = [b"encoder", b"hash", b"digest", b"md5", b"sha"];
    around.iter().any(|t| {
        let lower = t.to_ascii_lowercase();
        words.iter().any(|w| {
            // `sha` inside `preshared` (a WireGuard `PresharedKey`) names no digest.
            memchr::memmem::find_iter(&lower, w)
                .any(|at| !(*w == b"sha" && lower[..at].ends_with(b"pre")))
        })
    })
}

/// A password a person wrote, in words or a keyboard sequence (`spanishinquisition`,
/// `one two?`, `abc123`, `q1w2e3`, `пароль密码パスワード`): password rules report values that
/// could have been generated. Words are told by their letter pairs: at least 17 pairs in
/// 20 are among English's 223 commonest, with vowels and no run of more than three consonants
/// (a random lowercase run of 12 letters passes fewer than 3 times in 1,000, as a unit test
/// checks). Random passwords from a generator mix cases, digits and symbols, and are kept.
pub fn is_human_password(secret: &[u8]) -> bool {
    // A URL's password is read decoded (`one+two%3F`).
    let mut v: Vec<u8> = Vec::with_capacity(secret.len());
    let mut i = 0;
    while i < secret.len() {
        let c = secret[i];
        if c == b'%'
            && let Some(h) = secret.get(i + 1..i + 3)
            && let Ok(n) = u8::from_str_radix(std::str::from_utf8(h).unwrap_or("x"), 16)
        {
            v.push(n);
            i += 3;
            continue;
        }
        v.push(if c == b'+' { b' ' } else { c });
        i += 1;
    }
    let Ok(text) = std::str::from_utf8(&v) else {
        return false;
    };
    // Words of another script (and emoji), with no ASCII letters or digits; or words of a
    // language written in Latin letters with its own (`Lösenord`, `Hasło`, `Zapomenuté
    // heslo`, `Resetați-vă`: a translation of "password" in a locale file), letters only
    // and at most a closing mark. A generator's password holds no such letters.
    if !text.is_ascii() {
        let body = text.trim_end_matches(['?', '!', '.', ':']);
        let latin_words = body.chars().count() <= 64
            && !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'')
            && body.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
            && body.chars().filter(char::is_ascii_alphabetic).count() >= 2;
        return latin_words
            || (text.chars().count() <= 32
                && text.chars().all(|c| !c.is_ascii_alphanumeric())
                && text.chars().any(char::is_alphabetic));
    }
    let b = text.as_bytes();
    if sequence(b) || digits_in_a_row(b) || written_in_words(b) || word_list(b) {
        return true;
    }
    let letters: Vec<u8> = b
        .iter()
        .filter(|c| c.is_ascii_alphabetic())
        .map(u8::to_ascii_lowercase)
        .collect();
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    let others = b.len() - letters.len() - digits;
    // A few digits and marks at most; any case (`HelloWorld`), the letters read as words.
    let words = b
        .split(|c| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .count();
    if letters.len() < if words >= 2 { 6 } else { 8 } || digits > 4 || others > 3 {
        return false;
    }
    // Letters in a few runs, one a word's length: not letters scattered among digits.
    let runs: Vec<&[u8]> = b
        .split(|c| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    if runs.len() > 3 || runs.iter().all(|w| w.len() < 3) {
        return false;
    }
    // Words are cased as words: lower, UPPER, Capitalized or camelCase parts (`HelloWorld`,
    // `iPhone`), not capitals anywhere (`fUmeR`, `WoUG`); and a word's letters are not
    // split in several scraps (`…47mb5Oz`). A random mixed-case password passes both a few
    // times in ten thousand (a unit test counts).
    if runs.iter().filter(|w| w.len() <= 2).count() > 1 || !runs.iter().all(|w| word_cased(w)) {
        return false;
    }
    let phrase = runs.len() >= 2
        && b.iter()
            .all(|c| c.is_ascii_alphabetic() || b" -".contains(c));
    // Every run of letters reads as words.
    b.split(|c| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .all(|w| {
            let w = w.to_ascii_lowercase();
            let vowels = w.iter().filter(|c| b"aeiouy".contains(c)).count();
            let consonant_run = w
                .split(|c| b"aeiouy".contains(c))
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0);
            let pairs = w.len().saturating_sub(1);
            let common = w
                .windows(2)
                .filter(|p| COMMON_PAIRS.contains(&[p[0], p[1]]))
                .count();
            // A short word (`one`, `two`): a vowel and only common pairs.
            match w.len() {
                1 => true,
                2 | 3 => vowels > 0 && common == pairs,
                // Words joined by spaces or dashes (`Palavra-chave`): five pairs in six.
                _ if phrase => {
                    vowels * 10 >= w.len() * 3 && consonant_run <= 3 && common * 6 >= pairs * 5
                }
                _ => vowels * 10 >= w.len() * 3 && consonant_run <= 3 && common * 20 >= pairs * 17,
            }
        })
}

/// Words a person wrote in camelCase, with look-alike characters, an acronym and a year or a
/// short number (`AwsR00tAccess2024#`, `D0ckerHubPu11er2026`, `SecureP@ss123!`,
/// `iWishIWereCoolEnoughForRoot!`, `AnotherStrongPass!`): each word is read on its own (the
/// run of letters as a whole holds too few vowels for `Strong`, `Glass`). A look-alike is one
/// or two of `0 1 3 4 5 7 @ $` inside a word (`Z00m`, `Cl3@r`), or ending one right before
/// its year (`D3m02024`); in a run of capitals it stands for a capital (`SS0Adm1n` is `SSO`,
/// `Admin`). A number is any other run of digits: one year (1950 to 2049) and one group of up
/// to three digits at most. Without a year, one look-alike at most, no acronym and no scrap,
/// and two thirds of the letters are in words of two letters or more that read as English (a
/// vowel, the commonest letter pairs), one of five letters or more. With a year (which a
/// random value holds about once in ten thousand), half the letters in words or acronyms of
/// up to seven capitals (`AWS`, `SSO`, `GDPR`), two acronyms and two scraps (`Gw`, `Svc`, a
/// lone capital) at most; a word of six letters or more may hold rarer pairs (brand names,
/// `Mixpanel`), and short words alone will do when there is no scrap (`D0cuS1gn`, `HubCRM`).
/// Otherwise a lone letter is `I` or `a`.
/// A generator's password mixes cases letter by letter and scatters its digits: a unit test
/// counts how few it takes for words.
fn written_in_words(b: &[u8]) -> bool {
    if b.len() < 8 || b.len() > 40 || !b.is_ascii() {
        return false;
    }
    let core = b.trim_ascii();
    let lead = core
        .iter()
        .take_while(|c| !c.is_ascii_alphanumeric())
        .count();
    let trail = core
        .iter()
        .rev()
        .take_while(|c| !c.is_ascii_alphanumeric())
        .count();
    if lead > 1 || trail > 3 || lead + trail >= core.len() {
        return false;
    }
    let core = &core[lead..core.len() - trail];
    let letter = |i: usize| core.get(i).is_some_and(u8::is_ascii_alphabetic);
    [b'i', b'l'].iter().any(|&one| {
        // Look-alikes back to letters (lower case: they sit inside words), numbers out.
        let mut text: Vec<u8> = Vec::with_capacity(core.len());
        let mut year = 0;
        // The year ends the value (`Summer2024!`, `OldSbx2023`): where people put it.
        let mut year_ends = false;
        let mut groups = 0;
        let mut marks = 0;
        let mut alike = 0;
        let mut i = 0;
        while i < core.len() {
            let c = core[i];
            if c.is_ascii_digit() || c == b'@' || c == b'$' {
                let mut run = core[i..]
                    .iter()
                    .take_while(|d| d.is_ascii_digit() || **d == b'@' || **d == b'$')
                    .count();
                let as_letter = |d: u8| match d {
                    b'0' => b'o',
                    b'1' => one,
                    b'3' => b'e',
                    b'4' | b'@' => b'a',
                    b'5' | b'$' => b's',
                    b'7' => b't',
                    _ => 0,
                };
                // Look-alikes ending a word right before its year (`D3m02024`, `SE02024`):
                // the run's last four digits are the year.
                let year_at = |at: usize| {
                    std::str::from_utf8(&core[at..at + 4])
                        .ok()
                        .and_then(|t| t.parse::<u32>().ok())
                        .is_some_and(|n| (1950..2050).contains(&n))
                };
                let before_year = i > 0
                    && letter(i - 1)
                    && (5..=6).contains(&run)
                    && core[i..i + run].iter().all(u8::is_ascii_digit)
                    && year_at(i + run - 4);
                let lead = if before_year { run - 4 } else { run };
                // Inside a word, or starting the value (`0kta`); one look-alike or two
                // (`Z00m`, `Cl3@r`).
                let beside = (i == 0 || letter(i - 1)) && (before_year || letter(i + run));
                if beside && lead <= 2 && core[i..i + lead].iter().all(|&d| as_letter(d) != 0) {
                    // In a run of capitals a look-alike is a capital (`SS0Admin`, `SE0`), and
                    // one before a run of capitals starts it (`Splunk$IEM` is `SIEM`).
                    let cap = |at: usize| core.get(at).is_some_and(u8::is_ascii_uppercase);
                    let upper = (i > 0
                        && core[i - 1].is_ascii_uppercase()
                        && core.get(i + lead).is_none_or(|n| !n.is_ascii_lowercase()))
                        || (cap(i + lead) && cap(i + lead + 1));
                    alike += lead;
                    for &d in &core[i..i + lead] {
                        let l = as_letter(d);
                        text.push(if upper { l.to_ascii_uppercase() } else { l });
                    }
                    i += lead;
                    if !before_year {
                        continue;
                    }
                    run = 4;
                }
                let digits = &core[i..i + run];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return false;
                }
                let n: u32 = std::str::from_utf8(digits)
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0);
                if run == 4 && (1950..2050).contains(&n) && year == 0 {
                    year += 1;
                    year_ends = i + run == core.len();
                } else if run <= 3 && groups == 0 {
                    groups += 1;
                } else {
                    return false;
                }
                text.push(b' ');
                i += run;
                continue;
            }
            if !c.is_ascii_alphabetic() {
                if !b"-_. ".contains(&c) {
                    marks += 1;
                }
                text.push(b' ');
            } else {
                text.push(c);
            }
            i += 1;
        }
        if marks > 1 {
            return false;
        }
        // Words: camelCase parts; a run of capitals before a capitalized word is an acronym
        // (`AWSRoot` → `AWS`, `Root`), a lone capital before one a word (`IWere`).
        let mut words: Vec<&[u8]> = Vec::new();
        for run in text.split(|c| *c == b' ').filter(|r| !r.is_empty()) {
            let mut start = 0;
            for j in 1..run.len() {
                let (p, c) = (run[j - 1], run[j]);
                let next_lower = run.get(j + 1).is_some_and(u8::is_ascii_lowercase);
                if c.is_ascii_uppercase() && (p.is_ascii_lowercase() || next_lower) {
                    words.push(&run[start..j]);
                    start = j;
                }
            }
            words.push(&run[start..]);
        }
        let letters: usize = words.iter().map(|w| w.len()).sum();
        let dated = year > 0;
        let mut in_words = 0;
        let mut scraps = 0;
        let mut acronyms = 0;
        let mut acronym_letters = 0;
        let mut long_word = false;
        for w in &words {
            let upper = w.iter().filter(|c| c.is_ascii_uppercase()).count();
            // Cased as a word: `Root`, `root`, or an acronym `AWS`.
            let acronym = upper == w.len();
            if !acronym && w[1..].iter().any(u8::is_ascii_uppercase) {
                return false;
            }
            if acronym && w.len() > if dated { 7 } else { 5 } {
                return false;
            }
            let l = w.to_ascii_lowercase();
            if l.len() == 1 {
                // `I`, `a`; another lone letter is a scrap of random case (with a year, one
                // of the scraps: `GcP`).
                if b"ia".contains(&l[0]) {
                    in_words += 1;
                } else if dated {
                    scraps += 1;
                } else {
                    return false;
                }
                continue;
            }
            let vowels = l.iter().filter(|c| b"aeiouy".contains(c)).count();
            let consonant_run = l
                .split(|c| b"aeiouy".contains(c))
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0);
            let pairs = l.len() - 1;
            let common = l
                .windows(2)
                .filter(|p| COMMON_PAIRS.contains(&[p[0], p[1]]))
                .count();
            // With a year, compounds (`Workspace`) and rarer pairs (`People`) too.
            let word = vowels > 0
                && consonant_run <= if dated && l.len() >= 7 { 4 } else { 3 }
                && if l.len() <= 3 {
                    common == pairs
                } else if l.len() <= 5 {
                    common + 1 >= pairs
                } else if dated {
                    // Brand names (`Mixpanel`, `Webflow`, `Hotjar`) hold rarer pairs.
                    vowels * 5 >= l.len() && common * 2 >= pairs
                } else {
                    (l.len() <= 8 && common == pairs)
                        || (vowels * 4 >= l.len() && common * 20 >= pairs * 17)
                };
            if acronym {
                acronyms += 1;
                acronym_letters += w.len();
            } else if word {
                in_words += w.len();
                long_word |= w.len() >= 5;
            } else {
                scraps += 1;
            }
        }
        // A capitalized name and a year at its end, in at most four parts with two scraps
        // (`GDPRDSR2024#`, `OldSbx2023`, `Ch3ckrBG2024#`, `S3ndGr1dTx2024#`): how people
        // write a password for a service, brand names and abbreviations that need not read
        // as English. A generator ends a value with a year a few times in a million.
        if year_ends
            && core[0].is_ascii_uppercase()
            && letters >= 5
            && words.len() <= 4
            && scraps <= 2
            && acronyms <= 2
            && alike <= letters / 2
        {
            return true;
        }
        // Without a year, every word reads as one, with one look-alike at most; with a year,
        // half the letters are in words.
        letters >= 6
            && alike <= if dated { letters / 2 } else { 1 }
            && (long_word
                || (dated && scraps == 0 && in_words >= 3 && in_words + acronym_letters >= 6))
            && scraps <= if dated { 2 } else { 0 }
            && acronyms <= if dated { 2 } else { 0 }
            && if dated {
                // An acronym (`SSO`, `CRM`) is written as one.
                (in_words + acronym_letters) * 2 >= letters
            } else {
                in_words * 3 >= letters * 2
            }
    })
}

/// Words joined by one mark, a passphrase a person chose (`?98,TUESDAY,SHOWN,exactly,56?`,
/// `horse.battery.staple.42`): four parts or more split at one of `, . + _ - / : ;` or a
/// space, at most one other mark at each end; each part a number of up to three digits or a
/// word of three to twelve letters in one case or Capitalized, with a vowel and no run of
/// more than three consonants; three words at least. A generator's password does not put one
/// mark between whole words.
fn word_list(b: &[u8]) -> bool {
    let mut core = b.trim_ascii();
    if core.first().is_some_and(|c| !c.is_ascii_alphanumeric()) {
        core = &core[1..];
    }
    if core.last().is_some_and(|c| !c.is_ascii_alphanumeric()) {
        core = &core[..core.len() - 1];
    }
    let Some(&sep) = b",.+_-/:; "
        .iter()
        .max_by_key(|s| core.iter().filter(|c| c == s).count())
    else {
        return false;
    };
    let parts: Vec<&[u8]> = core.split(|c| *c == sep).collect();
    if parts.len() < 4 {
        return false;
    }
    let mut words = 0;
    for p in &parts {
        if !p.is_empty() && p.len() <= 3 && p.iter().all(u8::is_ascii_digit) {
            continue;
        }
        let lower = p.to_ascii_lowercase();
        let cased = p.iter().all(u8::is_ascii_lowercase)
            || p.iter().all(u8::is_ascii_uppercase)
            || (p.first().is_some_and(u8::is_ascii_uppercase)
                && p[1..].iter().all(u8::is_ascii_lowercase));
        let consonant_run = lower
            .split(|c| b"aeiouy".contains(c))
            .map(<[u8]>::len)
            .max()
            .unwrap_or(0);
        if !((3..=12).contains(&p.len())
            && cased
            && lower.iter().any(|c| b"aeiouy".contains(c))
            && consonant_run <= 3)
        {
            return false;
        }
        words += 1;
    }
    words >= 3
}

/// Whether the letters `w` are cased as a word or words: all lower or all upper case, or
/// parts that each start with one capital followed by lower case (the first part may be all
/// lower case).
fn word_cased(w: &[u8]) -> bool {
    if w.iter().all(u8::is_ascii_lowercase) || w.iter().all(u8::is_ascii_uppercase) {
        return true;
    }
    w.iter()
        .enumerate()
        .all(|(i, c)| !c.is_ascii_uppercase() || w.get(i + 1).is_some_and(u8::is_ascii_lowercase))
        && w.windows(2)
            .all(|p| !(p[0].is_ascii_uppercase() && p[1].is_ascii_uppercase()))
}

/// Digits counting up or down by one, six to sixteen of them (`87654321`, `345678`).
fn digits_in_a_row(b: &[u8]) -> bool {
    (6..=16).contains(&b.len())
        && b.iter().all(u8::is_ascii_digit)
        && [1u8, 9].iter().any(|&step| {
            b.windows(2)
                .all(|w| w[1] - b'0' == (w[0] - b'0' + step) % 10)
        })
}

/// Letters along the alphabet or a keyboard row, and digits counting up, short
/// (`abc123`, `123abc`, `q1w2e3`, `asdf1234`, `AbcDef123!@#`).
fn sequence(b: &[u8]) -> bool {
    // The digit row typed again with shift held (`AbcDef123!@#`).
    const SHIFTED: &[u8] = b"!@#$%^&*()";
    let marks = b.iter().rev().take_while(|c| SHIFTED.contains(c)).count();
    let (b, tail) = b.split_at(b.len() - marks);
    if !tail.windows(2).all(|w| {
        let at = |c: u8| SHIFTED.iter().position(|&s| s == c);
        at(w[1]) == at(w[0]).map(|p| p + 1)
    }) {
        return false;
    }
    if b.len() < 6 || b.len() > 16 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let letters: Vec<u8> = b
        .iter()
        .filter(|c| c.is_ascii_alphabetic())
        .map(u8::to_ascii_lowercase)
        .collect();
    let digits: Vec<u8> = b.iter().filter(|c| c.is_ascii_digit()).copied().collect();
    const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let next_key = |a: u8, c: u8| {
        ROWS.iter()
            .any(|r| r.windows(2).any(|w| w[0] == a && w[1] == c))
    };
    let letters_ok = letters
        .windows(2)
        .all(|w| w[1] == w[0] + 1 || next_key(w[0], w[1]));
    let digits_ok = digits
        .windows(2)
        .all(|w| w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'));
    letters.len() >= 2 && digits.len() >= 2 && letters_ok && digits_ok
}

/// English's commonest letter pairs (from letter-pair frequency tables of English text).
const COMMON_PAIRS: &[[u8; 2]] = &{
    const S: &[u8] = b"th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ms ye ud mb ip ub oi rl gu dr hr cc tw ft wn nu af hu";
    let mut out = [[0u8; 2]; 223];
    let mut i = 0;
    while i < 223 {
        out[i] = [S[i * 3], S[i * 3 + 1]];
        i += 1;
    }
    out
};

/// Whether `path` is a page of documentation in a markup language (Markdown,
/// reStructuredText, AsciiDoc).
pub fn is_markup_doc(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    [".md", ".markdown", ".rst", ".adoc", ".asciidoc"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Whether the value at `at` of a markup documentation page is in one of its code samples: a
/// fenced block (```` ``` ````, `~~~`, AsciiDoc's `----`; in Markdown a `----` line is a
/// rule) or an indented block (a Markdown code block, a reStructuredText literal block after
/// `::`). What a sample shows is an illustration of a command, a file or a response (a
/// `"NewPassword": "…"` with a random-looking value under
/// "the file might look like the following"), and a generic rule cannot tell an illustration
/// from a value by its form; keys and tokens in a provider's format are still reported there,
/// and so is a value in the page's prose.
pub fn in_doc_sample(path: &str, hay: &[u8], at: usize) -> bool {
    let adoc = path.ends_with(".adoc") || path.ends_with(".asciidoc");
    let line_start = memchr::memrchr(b'\n', &hay[..at]).map_or(0, |p| p + 1);
    let line = &hay[line_start..];
    if line.starts_with(b"    ") || line.starts_with(b"\t") || line.starts_with(b"  ") {
        return true;
    }
    // Fences opened before the line and not closed.
    let mut open: Option<&[u8]> = None;
    for l in hay[..line_start].split(|b| *b == b'\n') {
        let t = l.trim_ascii();
        let fence: Option<&[u8]> = if t.starts_with(b"```") {
            Some(b"```")
        } else if t.starts_with(b"~~~") {
            Some(b"~~~")
        } else if adoc && t.len() >= 4 && t.iter().all(|b| *b == b'-') {
            Some(b"----")
        } else {
            None
        };
        match (open, fence) {
            (None, Some(f)) => open = Some(f),
            (Some(o), Some(f)) if o == f => open = None,
            _ => {}
        }
    }
    open.is_some()
}

/// The lines of the block around `secret`: the lines before and after it up to a blank line,
/// at most [`BLOCK_LINES`] each way.
fn block(hay: &[u8], secret: &Range<usize>) -> Range<usize> {
    let blank = |line: &[u8]| line.iter().all(u8::is_ascii_whitespace);
    let mut start = memchr::memrchr(b'\n', &hay[..secret.start]).map_or(0, |p| p + 1);
    for _ in 0..BLOCK_LINES {
        if start == 0 {
            break;
        }
        let prev = memchr::memrchr(b'\n', &hay[..start - 1]).map_or(0, |p| p + 1);
        if blank(&hay[prev..start - 1]) {
            break;
        }
        start = prev;
    }
    let mut end = memchr::memchr(b'\n', &hay[secret.end..]).map_or(hay.len(), |p| secret.end + p);
    for _ in 0..BLOCK_LINES {
        if end >= hay.len() {
            break;
        }
        let next = memchr::memchr(b'\n', &hay[end + 1..]).map_or(hay.len(), |p| end + 1 + p);
        if blank(&hay[end + 1..next]) {
            break;
        }
        end = next;
    }
    start..end
}

/// AWS documents its examples with identifiers that end in or hold `EXAMPLE`
/// (`AKIAIOSFODNN7EXAMPLE`, `ACCAEXAMPLE123EXAMPLE`, `i-1234567890EXAMPLE`), and pairs them
/// with secrets that look real (`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` is the famous one,
/// others do not say so): a value in the block of such an identifier is the example's. The
/// marker is `EXAMPLE` in capitals joined to letters or digits: not the word in prose.
fn beside_example_marker(hay: &[u8], secret: &Range<usize>) -> bool {
    let b = block(hay, secret);
    let text = &hay[b.clone()];
    memchr::memmem::find_iter(text, b"EXAMPLE").any(|i| {
        let before = i.checked_sub(1).map(|j| text[j]);
        let after = text.get(i + 7..).unwrap_or_default();
        before.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            || after.first().is_some_and(u8::is_ascii_digit)
            || after.starts_with(b"KEY")
    })
}

/// Example code in a doc comment: the line is a comment (`#`, `//`, ` *`) in a block of them,
/// and its text is indented past the comment's own margin (rdoc, YARD, Javadoc and godoc set
/// code apart so: `#   user = User.new(password: '…')`). A value commented out of a config file
/// (`# password: …`) is not indented so, and stays a finding.
fn in_doc_comment_example(hay: &[u8], secret: &Range<usize>) -> bool {
    let line_start = memchr::memrchr(b'\n', &hay[..secret.start]).map_or(0, |p| p + 1);
    let comment_text = |line: &[u8]| -> Option<usize> {
        let lead = line
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        let rest = &line[lead..];
        let marker = if rest.starts_with(b"//") {
            2 + usize::from(rest.get(2) == Some(&b'/') || rest.get(2) == Some(&b'!'))
        } else if (rest.starts_with(b"#") && !rest.starts_with(b"#!"))
            || (rest.starts_with(b"*") && !rest.starts_with(b"*/"))
        {
            1
        } else {
            return None;
        };
        // Spaces after the marker.
        Some(rest[marker..].iter().take_while(|b| **b == b' ').count())
    };
    let line = &hay[line_start..secret.start];
    // The value must be in the comment's text, not after code on the line.
    let Some(indent) = comment_text(line) else {
        return false;
    };
    if indent < 2 {
        return false;
    }
    // The line above is a comment too (a doc block, not a lone commented-out line).
    if line_start == 0 {
        return false;
    }
    let prev_start = memchr::memrchr(b'\n', &hay[..line_start - 1]).map_or(0, |p| p + 1);
    comment_text(&hay[prev_start..line_start - 1]).is_some()
}

/// Example code in a block comment with no marker on each line (Go's package documentation,
/// `/*` on a line of its own, then prose and tab-indented code): the `/*` opens a line before
/// the value and is not closed before it, and the value's line is indented past the margin
/// of the comment's first line of text. A line of code commented out with `/* … */` is not
/// indented so, and stays a finding.
fn in_block_comment_example(hay: &[u8], secret: &Range<usize>) -> bool {
    let line_start = memchr::memrchr(b'\n', &hay[..secret.start]).map_or(0, |p| p + 1);
    let before = &hay[..line_start];
    // The last `/*` that opens a line (after blanks), and no `*/` after it.
    let mut end = before.len();
    let open = loop {
        let Some(i) = memchr::memmem::rfind(&before[..end], b"/*") else {
            return false;
        };
        let start = memchr::memrchr(b'\n', &before[..i]).map_or(0, |p| p + 1);
        if before[start..i].iter().all(|b| *b == b' ' || *b == b'\t') {
            break i;
        }
        end = i;
    };
    if memchr::memmem::find(&hay[open..secret.start], b"*/").is_some() {
        return false;
    }
    let width = |l: &[u8]| -> usize {
        l.iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .map(|b| if *b == b'\t' { 8 } else { 1 })
            .sum()
    };
    // The margin: text after `/*` on its line, else the first line of text below it.
    let open_line_start = memchr::memrchr(b'\n', &hay[..open]).map_or(0, |p| p + 1);
    let after_open = &hay[open + 2..line_start];
    let first_end = memchr::memchr(b'\n', after_open).unwrap_or(after_open.len());
    let margin = if after_open[..first_end]
        .iter()
        .any(|b| !b.is_ascii_whitespace())
    {
        width(&hay[open_line_start..open]) + 2 + width(&after_open[..first_end])
    } else {
        match after_open[first_end..]
            .split(|b| *b == b'\n')
            .find(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        {
            Some(l) => width(l),
            None => return false,
        }
    };
    let line = &hay[line_start..secret.start];
    width(line) > margin
}

/// A value written three times or more in one file is a test's fixture (the token a test
/// sets, sends and expects back), not a credential that leaked into it; a recording of real
/// traffic (a VCR cassette, a HAR file) repeats real values, and is not read so.
fn repeated_fixture(hay: &[u8], secret: &Range<usize>) -> bool {
    let value = &hay[secret.clone()];
    if value.len() < 6 {
        return false;
    }
    let recording = [
        &b"\ninteractions:"[..],
        b"\"http_interactions\"",
        b"\nhttp_interactions:",
        b"\"log\": {",
        b"\"entries\": [",
    ];
    if memchr::memmem::find_iter(hay, value).nth(2).is_none() {
        return false;
    }
    !recording
        .iter()
        .any(|m| memchr::memmem::find(hay, m).is_some() || hay.starts_with(&m[1..]))
}

#[cfg(test)]
mod tests;
