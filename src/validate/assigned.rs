//! Whether a value assigned to a name in a configuration file (a dotenv line) is a secret or
//! configuration.

use super::*;

/// Whether a value assigned to `name` in a configuration file (a dotenv line `NAME=value`)
/// reads as a secret, as opposed to configuration: empty, a placeholder or a reference
/// (`${X}`, `$X`, `<your-key>`), a boolean, a number or a duration (`8080`, `30s`), a host,
/// an address or a path, a URL without a password, a UUID, or a word are configuration. A
/// password in a URL, any other value under a secret's name (`…_PASSWORD`, `…_SECRET`,
/// `…_TOKEN`, `…_KEY`, `…_DSN`: not `…_KEY_ID`, `…_URL`, `…_FILE`), and a random-looking value
/// under any name are secrets. Quotes are taken off, and an unquoted value ends at ` #`.
pub fn assigned_value_is_secret(name: &[u8], value: &[u8]) -> bool {
    let v = value.trim_ascii();
    let v = match v.first() {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            let body = &v[1..];
            memchr::memchr(q, body).map_or(body, |end| &body[..end])
        }
        _ => {
            let mut end = v.len();
            for (i, w) in v.windows(2).enumerate() {
                if w[0].is_ascii_whitespace() && w[1] == b'#' {
                    end = i;
                    break;
                }
            }
            &v[..end]
        }
    };
    let v = v.trim_ascii();
    if v.is_empty() || v.starts_with(b"#") || is_placeholder_or_reference(v) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&[u8]] = &[
        b"yes",
        b"no",
        b"on",
        b"off",
        b"true",
        b"false",
        b"enabled",
        b"disabled",
        b"enable",
        b"disable",
    ];
    if WORDS.contains(&lower.as_slice()) {
        return false;
    }
    // A number, a version or a duration/size (`8080`, `0.5`, `1.2.3`, `30s`, `512mb`).
    let digits_end = v
        .iter()
        .position(|b| !(b.is_ascii_digit() || b"._-".contains(b)))
        .unwrap_or(v.len());
    if digits_end > 0
        && v.len() - digits_end <= 3
        && v[digits_end..].iter().all(u8::is_ascii_alphabetic)
    {
        return false;
    }
    let secret_name = secret_name(name);
    // A URL: a secret when it carries a password (or, under a secret's name, a user: a DSN).
    if let Some(at) = lower.windows(3).position(|w| w == b"://") {
        let rest = &v[at + 3..];
        let authority = &rest[..rest
            .iter()
            .position(|b| b"/?#".contains(b))
            .unwrap_or(rest.len())];
        return match memchr::memrchr(b'@', authority) {
            Some(a) => {
                let userinfo = &authority[..a];
                match memchr::memchr(b':', userinfo) {
                    Some(c) => !is_placeholder_or_reference(&userinfo[c + 1..]),
                    None => secret_name && !is_placeholder_or_reference(userinfo),
                }
            }
            None => false,
        };
    }
    // A path, a host or address (`db.internal:5432`, `10.0.0.1`, `localhost`), an e-mail,
    // a UUID.
    let host = v
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b".-:_".contains(b))
        && (v.contains(&b'.') || lower.starts_with(b"localhost"))
        && v.iter().any(u8::is_ascii_alphabetic)
        && !v.iter().any(u8::is_ascii_uppercase);
    let path = matches!(v[0], b'/' | b'~') || v.starts_with(b"./") || v.starts_with(b"../");
    let email =
        v.contains(&b'@') && !v.contains(&b':') && v.iter().filter(|&&b| b == b'@').count() == 1;
    let uuid = v.len() == 36
        && v.iter().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        });
    // The name of another variable or a server's (`AUTH_USER`, `REMOTE_USER`): capital words
    // joined by `_`.
    let constant = v.split(|b| *b == b'_').count() >= 2
        && v.split(|b| *b == b'_')
            .all(|w| w.len() >= 2 && w.iter().all(u8::is_ascii_uppercase));
    // A place named in words: a time zone (`Europe/Amsterdam`, `America/New_York`).
    let zone = v.contains(&b'/')
        && v.split(|b| *b == b'/').all(|part| {
            part.split(|b| *b == b'_').all(|w| {
                w.len() >= 2
                    && w[0].is_ascii_uppercase()
                    && w[1..].iter().all(u8::is_ascii_lowercase)
            })
        });
    if host || path || email || uuid || constant || zone {
        return false;
    }
    if secret_name {
        return true;
    }
    // Under any other name: a random-looking run of key characters, not words.
    let run = v
        .split(|b| !(b.is_ascii_alphanumeric() || b"+/_-".contains(b)))
        .max_by_key(|r| r.len())
        .unwrap_or(&[]);
    let mixed = run.iter().any(u8::is_ascii_digit) as u8
        + run.iter().any(u8::is_ascii_lowercase) as u8
        + run.iter().any(u8::is_ascii_uppercase) as u8;
    run.len() >= 16 && mixed >= 2 && entropy(run) >= 3.5 && !looks_like_identifier(run)
}

/// Whether a variable name names a secret: one of its words (split at `_ . -` and camelCase)
/// ends in a secret's word, and its last word does not say it is about the secret rather than
/// the secret (`…_KEY_ID`, `…_TOKEN_URL`, `…_PASSWORD_FILE`, `…_SECRET_NAME`).
fn secret_name(name: &[u8]) -> bool {
    const SECRET: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "pwd",
        "pw",
        "secret",
        "secrets",
        "token",
        "tokens",
        "key",
        "keys",
        "apikey",
        "credential",
        "credentials",
        "creds",
        "auth",
        "dsn",
        "salt",
        "passphrase",
        "private",
        "signature",
    ];
    const ABOUT: &[&str] = &[
        "id",
        "url",
        "uri",
        "host",
        "hostname",
        "port",
        "path",
        "file",
        "dir",
        "name",
        "ttl",
        "timeout",
        "expiry",
        "expires",
        "expiration",
        "length",
        "len",
        "size",
        "provider",
        "mode",
        "type",
        "algorithm",
        "alg",
        "prefix",
        "header",
        "enabled",
        "enable",
        "region",
        "endpoint",
        "version",
        "format",
        "method",
        "strategy",
        "driver",
        "scope",
        "scopes",
        "issuer",
        "audience",
        "realm",
        "user",
        "username",
        "email",
        "location",
        "store",
        "backend",
        "rotation",
        "env",
        "var",
        "required",
        "field",
    ];
    let s = String::from_utf8_lossy(name);
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let Some(last) = words.last() else {
        return false;
    };
    !ABOUT.contains(&last.as_str()) && words.iter().any(|w| SECRET.iter().any(|s| w.ends_with(s)))
}
