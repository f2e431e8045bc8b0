//! Checks on a candidate secret that a regex cannot express: checksums, structure, entropy,
//! and the placeholder / variable-reference filter that every rule shares.

/// A named check, chosen by a rule's `validator` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub-style token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `npm_`): the last six
    /// base62 characters are the CRC32 of the 30 characters before them.
    Base62Crc32,
    /// A JSON Web Token: the header decodes (base64url) to JSON with an `alg`.
    Jwt,
    /// A PyPI upload token: the macaroon decodes and names pypi.org.
    PypiMacaroon,
    /// An AWS access key id: the 16 characters after the prefix are base32 (A-Z, 2-7).
    AwsKeyId,
    /// A Grafana service account token (`glsa_<32>_<8 hex>`): the hex is the CRC32 of
    /// everything before the last `_`, as little-endian bytes.
    GrafanaCrc32,
    /// An Atlassian token (`ATATT3…=` API tokens, `ATBB…` Bitbucket app passwords): the last
    /// eight characters are the CRC32 of everything before them, in upper-case hex.
    AtlassianCrc32,
    /// A JWT encoded once more in base64 (standard or URL-safe): the value decodes to a token
    /// that passes `jwt`.
    Base64Jwt,
}

impl Validator {
    /// Every validator, by the name a rule's `validator` field gives it.
    pub const ALL: &'static [(&'static str, Validator)] = &[
        ("base62-crc32", Validator::Base62Crc32),
        ("jwt", Validator::Jwt),
        ("pypi-macaroon", Validator::PypiMacaroon),
        ("aws-key-id", Validator::AwsKeyId),
        ("grafana-crc32", Validator::GrafanaCrc32),
        ("atlassian-crc32", Validator::AtlassianCrc32),
        ("base64-jwt", Validator::Base64Jwt),
    ];

    pub fn from_name(name: &str) -> Option<Validator> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }

    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::Base62Crc32 => base62_crc32_ok(secret),
            Validator::Jwt => jwt_ok(secret),
            Validator::PypiMacaroon => pypi_ok(secret),
            Validator::AwsKeyId => {
                secret.len() == 20
                    && secret[4..]
                        .iter()
                        .all(|&b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
            }
            Validator::GrafanaCrc32 => grafana_crc32_ok(secret),
            Validator::AtlassianCrc32 => atlassian_crc32_ok(secret),
            Validator::Base64Jwt => base64_decode(secret).is_some_and(|d| jwt_ok(d.trim_ascii())),
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC-32 (IEEE 802.3, the zlib one).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc = (crc >> 8) ^ CRC32_TABLE[usize::from((crc as u8) ^ b)];
    }
    !crc
}

/// The CRC-32 (IEEE, reflected) of each byte value, for [`crc32`]'s byte-at-a-time loop.
const CRC32_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut k = 0;
        while k < 8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            k += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// `n` in base62, left-padded with `0` to six characters.
pub fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

fn base62_crc32_ok(token: &[u8]) -> bool {
    // prefix_ + 30 random + 6 checksum
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &token[us + 1..];
    if body.len() != 36 || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62_6(crc32(random)) == check
}

/// Whether the value has the shape of a checksummed token format (see [`checksummed_format`])
/// and its checksum fails: made up, not issued, so no rule reports it (a generic `token = …`
/// rule included).
pub fn fails_its_checksum(secret: &[u8]) -> bool {
    checksummed_format(secret).is_some_and(|v| !v.check(secret))
}

/// The checksummed format whose shape the value has: GitHub's `ghp_`/`gho_`/`ghu_`/`ghs_`/
/// `ghr_` and npm's `npm_` (36 base62 characters), Grafana's `glsa_<32>_<8 hex>`, Atlassian's
/// `ATATT3…=<8 hex>` and `ATBB<24><8 hex>`.
fn checksummed_format(secret: &[u8]) -> Option<Validator> {
    const BASE62_PREFIXES: [&[u8]; 6] = [b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"npm_"];
    let n = secret.len();
    if n == 40
        && BASE62_PREFIXES.iter().any(|p| secret.starts_with(p))
        && secret[4..].iter().all(u8::is_ascii_alphanumeric)
    {
        Some(Validator::Base62Crc32)
    } else if n == 46 && secret.starts_with(b"glsa_") && secret[37] == b'_' {
        Some(Validator::GrafanaCrc32)
    } else if (secret.starts_with(b"ATATT3") && n > 9 && secret[n - 9] == b'=')
        || (secret.starts_with(b"ATBB") && n == 36)
    {
        Some(Validator::AtlassianCrc32)
    } else {
        None
    }
}

/// The last eight characters are the upper-case hex CRC32 (IEEE) of everything before them.
fn atlassian_crc32_ok(token: &[u8]) -> bool {
    if token.len() <= 8 {
        return false;
    }
    let (body, check) = token.split_at(token.len() - 8);
    let want = format!("{:08X}", crc32(body));
    check == want.as_bytes()
}

/// `glsa_<secret>_<checksum>`: the checksum is the hex of the CRC32 (IEEE) of
/// `glsa_<secret>`, its bytes least significant first.
fn grafana_crc32_ok(token: &[u8]) -> bool {
    let Some(sep) = token.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let (key, check) = (&token[..sep], &token[sep + 1..]);
    check.eq_ignore_ascii_case(format!("{:08x}", crc32(key).swap_bytes()).as_bytes())
}

/// Decode standard or URL-safe base64, with or without padding. Whitespace is not allowed.
pub fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let input = match input.iter().position(|&b| b == b'=') {
        Some(p) if input[p..].iter().all(|&b| b == b'=') && input.len() - p <= 2 => &input[..p],
        Some(_) => return None,
        None => input,
    };
    if input.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

fn jwt_ok(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let Some(header) = parts.next().and_then(base64_decode) else {
        return false;
    };
    let payload_ok = parts
        .next()
        .and_then(base64_decode)
        .is_some_and(|p| p.first() == Some(&b'{'));
    let header = String::from_utf8_lossy(&header);
    payload_ok && header.trim_start().starts_with('{') && header.contains("\"alg\"")
}

fn pypi_ok(token: &[u8]) -> bool {
    let Some(body) = token.strip_prefix(b"pypi-") else {
        return false;
    };
    // The macaroon's first bytes carry the location; decoding a prefix is enough.
    let n = body.len().min(64) / 4 * 4;
    base64_decode(&body[..n]).is_some_and(|d| {
        d.windows(b"pypi.org".len()).any(|w| w == b"pypi.org")
            || d.windows(b"test.pypi.org".len())
                .any(|w| w == b"test.pypi.org")
    })
}

/// Whether the value is a JWT that is no bearer credential: unsigned (`"alg":"none"` and an empty
/// signature: anyone can write one, and a server that takes it is broken, not the token
/// leaked), or a DPoP proof (`"typ":"dpop+jwt"`, RFC 9449: it carries the client's public key
/// and is bound to one request by `htm`, `htu` and `jti`; it proves possession of a key kept
/// elsewhere, as a documentation page's sample request shows).
pub fn is_non_bearer_jwt(secret: &[u8]) -> bool {
    if !secret.starts_with(b"eyJ") {
        return false;
    }
    let mut parts = secret.split(|&b| b == b'.');
    let Some(header) = parts.next().and_then(base64_decode) else {
        return false;
    };
    let header: Vec<u8> = header
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(u8::to_ascii_lowercase)
        .collect();
    let has = |s: &[u8]| memchr::memmem::find(&header, s).is_some();
    let signature = parts.nth(1).unwrap_or_default();
    (has(b"\"alg\":\"none\"") && signature.is_empty()) || has(b"\"typ\":\"dpop+jwt\"")
}

/// Whether decoded HTTP Basic credentials (`user:password`, what an `Authorization: Basic` header
/// or a Docker `auth` holds in base64) stand in for a password: none, or a placeholder
/// (`AzureDiamond:hunter2`, `user:pass:word`, `Aladdin:open sesame`).
pub fn is_placeholder_login(decoded: &[u8]) -> bool {
    match memchr::memchr(b':', decoded) {
        Some(i) => is_placeholder_or_reference(&decoded[i + 1..]),
        None => false,
    }
}

/// Whether the value is an OpenSSH public key: the base64 wire blob (`AAAAC3NzaC1lZDI1NTE5…`),
/// alone or after its algorithm name and one separator (`ssh-ed25519 AAAA…`, or
/// `ssh-ed25519_AAAA…` where a tag cannot hold a space), with anything after the blob (a
/// comment, `_key1`). The blob starts with the algorithm's name, length-prefixed: decoded, it
/// reads `\0\0\0\x0bssh-ed25519`. A public key is what a server is given to check a
/// signature: it is published, not kept secret, whatever the name it is assigned to.
pub fn is_ssh_public_key(secret: &[u8]) -> bool {
    let Some(at) = memchr::memmem::find(secret, b"AAAA") else {
        return false;
    };
    let (head, blob) = secret.split_at(at);
    let run = blob
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'+' || **b == b'/')
        .count();
    let n = run.min(64) / 4 * 4;
    let Some(bytes) = base64_decode(&blob[..n]) else {
        return false;
    };
    let Some(len) = bytes
        .get(..4)
        .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
    else {
        return false;
    };
    let Some(name) = bytes.get(4..4 + len).filter(|_| (7..=40).contains(&len)) else {
        return false;
    };
    let algorithm = [&b"ssh-"[..], b"ecdsa-sha2-", b"sk-"]
        .iter()
        .any(|p| name.starts_with(p))
        && name.iter().all(u8::is_ascii_graphic);
    // Before the blob: nothing, or this algorithm's name and one separator.
    algorithm
        && (head.is_empty()
            || (head.len() == name.len() + 1
                && head.starts_with(name)
                && b" _:=".contains(&head[name.len()])))
}

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
const PLACEHOLDER_WORDS: &[&str] = &[
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
    "0123456789",
    "1234567890",
    "abcdefgh",
];

/// Whole values that are never secrets.
const PLACEHOLDER_VALUES: &[&str] = &[
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
        if longest_run > 4 || (letters > 0 && (runs > 2 || digits > letters)) {
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

/// Variable references and templates (looked for lower-cased, as substrings).
const REFERENCES: &[&str] = &[
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

/// Whether the secret is a placeholder or a reference to a value kept elsewhere.
pub fn is_placeholder_or_reference(secret: &[u8]) -> bool {
    let s = String::from_utf8_lossy(secret);
    let trimmed = s.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
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
    if words.is_match(lower.as_bytes()) {
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
    if counts_up(b) || keyboard_mash(b) || keyboard_walk(b) || metasyntactic(b) {
        return true;
    }
    // One repeated character (`aaaaaaaa`, `00000000`), or a short cycle (`abcabcabc`).
    if b.len() >= 4 {
        for period in 1..=3 {
            if b.len() >= period * 3 && b.iter().enumerate().all(|(i, &c)| c == b[i % period]) {
                return true;
            }
        }
    }
    false
}

/// A value typed along the keyboard in runs: every run of three keys or more steps right along
/// one row (`asdfqwer1234asdf`, `qwerty123`, `zxcvasdf`), and the runs cover it all. Random
/// characters step right along a row about one time in thirty, so a random value of 8 or
/// more is covered so almost never.
fn keyboard_walk(b: &[u8]) -> bool {
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
fn metasyntactic(b: &[u8]) -> bool {
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

/// A test's value that spells what it stands for, in any case and with up to two letters
/// written as look-alikes: a vowel as a digit or `*#&@!`, `s` as `5$`, `t` as `7+`
/// (`AmAz0n+SqSsEcReT+…`, `Newp1ssw0rd!`, `s3cr3t`). A random value of 40 characters holds
/// such a spelling about once in a hundred thousand. Asked by generic rules only: a format's
/// prefix may spell the word (`sb_secret_…`).
pub fn spells_what_it_is(b: &[u8]) -> bool {
    if b.len() > 64 {
        return false;
    }
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
                    swapped <= 2
                } else {
                    false
                }
            }) && w[0].is_ascii_alphabetic()
        })
    })
}

/// A value typed to look random: its digits count up (`a123b45c6d78e9f012a34cd5e6a7890b…`,
/// `1234abcd-12ab-34cd-56ef-1234567890ab`). Of the steps from one digit to the next, at least
/// three in four go up by one (mod 10); a random value's digits do so one time in ten.
fn counts_up(b: &[u8]) -> bool {
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
fn keyboard_mash(b: &[u8]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_patterns_are_placeholders() {
        for v in [
            "a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "QVdTOmV5SndZWGxzYjJKJFHDSFKJHERWUY65IOU36TRYEGFNSDLRIUOTUYTHJKLDFGOcmFUQk9O",
            "kjfhueyt9485osdfasdkljfh4lkjhakldjfhalkdsjf",
        ] {
            assert!(is_placeholder_or_reference(v.as_bytes()), "{v}");
        }
        for v in [
            "f798ab4899346a88599180fee9e14fa1ada7b6df989425b7c6d2146dd6c815bb",
            "zymMlopiWfqUyHRSIf8NFmAUNLnY5Yx0y3Rn",
        ] {
            assert!(
                !counts_up(v.as_bytes()) && !keyboard_mash(v.as_bytes()),
                "{v}"
            );
        }
    }

    fn make_token(prefix: &str, random: &str) -> String {
        let check = base62_6(crc32(random.as_bytes()));
        format!("{prefix}{random}{}", std::str::from_utf8(&check).unwrap())
    }

    #[test]
    fn checksum_failures_are_recognised() {
        let random = "zymMlopiWfqUyHRSIf8NFmAUNLnY5Yx0y3Rn";
        assert!(fails_its_checksum(format!("ghp_{random}").as_bytes()));
        let body = &random[..30];
        let check = base62_6(crc32(body.as_bytes()));
        let good = format!("npm_{body}{}", std::str::from_utf8(&check).unwrap());
        assert!(!fails_its_checksum(good.as_bytes()));
        assert!(!fails_its_checksum(b"ghp_short"));
        assert!(!fails_its_checksum(
            b"xyz_zymMlopiWfqUyHRSIf8NFmAUNLnY5Yx0y3Rn"
        ));
    }

    #[test]
    fn crc32_suffix_checksums() {
        // Good tokens computed independently, in Python: Grafana
        // `struct.pack('<I', zlib.crc32(key)).hex()`, Atlassian `'%08X' % zlib.crc32(body)`.
        type Case = (Validator, &'static [u8], &'static [u8], &'static [u8]);
        let cases: [Case; 2] = [
            (
                Validator::GrafanaCrc32,
                b"glsa_uNC8kT4Nez4Lpw9HghNynZ7xU4bN8sIN_cf1337af", // leakgate:allow (fake)
                b"glsa_uNC8kT4Nez4Lpw9HghNynZ7xU4bN8sIN_cf1337ae",
                b"glsa_nochecksum",
            ),
            (
                Validator::AtlassianCrc32,
                b"ATBB2GHDcZYs3FpMml20W8O92cCa24FFFBDE", // leakgate:allow (fake)
                b"ATBB2GHDcZYs3FpMml20W8O92cCa24FFFBDF",
                b"ATBB",
            ),
        ];
        for (v, good, bad, short) in cases {
            assert!(v.check(good) && !fails_its_checksum(good), "{v:?}");
            assert!(!v.check(bad) && fails_its_checksum(bad), "{v:?}");
            assert!(!v.check(short), "{v:?}");
        }
    }

    #[test]
    fn crc32_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn github_checksum_roundtrip() {
        let t = make_token("ghp_", "R7kq2VbN9xWmZp4LcT8sYd3FhJ6gQe");
        assert!(Validator::Base62Crc32.check(t.as_bytes()));
        let mut bad = t.into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'a' { b'b' } else { b'a' };
        assert!(!Validator::Base62Crc32.check(&bad));
    }

    #[test]
    fn base64_wrapped_jwt() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"; // leakgate:allow
        let wrapped = |s: &str| {
            let t = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::new();
            for c in s.as_bytes().chunks(3) {
                let n = c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - c.len()));
                for i in 0..=c.len() {
                    out.push(t[(n >> (18 - 6 * i)) as usize & 63] as char);
                }
            }
            out
        };
        assert!(Validator::Base64Jwt.check(wrapped(jwt).as_bytes()));
        assert!(Validator::Base64Jwt.check(wrapped(&format!("{jwt}\n")).as_bytes()));
        assert!(
            !Validator::Base64Jwt.check(wrapped("eyJub3QiOiJhIGp3dCJ9.eyJ4IjoxfQ.sig").as_bytes())
        );
        assert!(!Validator::Base64Jwt.check(jwt.as_bytes()));
    }

    #[test]
    fn base64_variants() {
        assert_eq!(base64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode(b"-_8").unwrap(), vec![0xfb, 0xff]);
        assert!(base64_decode(b"a=b=").is_none());
        assert!(base64_decode(b"abcde").is_none());
    }

    #[test]
    fn jwts_that_are_no_bearer_credentials() {
        let b64 = |s: &str| {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for c in s.as_bytes().chunks(3) {
                let n = (u32::from(c[0]) << 16)
                    | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                    | u32::from(*c.get(2).unwrap_or(&0));
                (0..=c.len()).for_each(|i| out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char));
            }
            out
        };
        let payload = b64(r#"{"sub":"1234","scope":"message:read"}"#);
        let sig = "Tz7XVSq2LmR8wKp4NbY6cD3jHq7vRt2LpW9sKd4ZxN6mB3cF";
        let none = b64(r#"{"alg":"none","typ":"JWT"}"#);
        let dpop = b64(r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC"}}"#);
        let rs256 = b64(r#"{"alg":"RS256","typ":"JWT"}"#);
        assert!(is_non_bearer_jwt(format!("{none}.{payload}.").as_bytes()));
        assert!(is_non_bearer_jwt(format!("{none}.{payload}").as_bytes()));
        assert!(is_non_bearer_jwt(
            format!("{dpop}.{payload}.{sig}").as_bytes()
        ));
        assert!(!is_non_bearer_jwt(
            format!("{rs256}.{payload}.{sig}").as_bytes()
        ));
        // `none` with a signature is not what it says: kept.
        assert!(!is_non_bearer_jwt(
            format!("{none}.{payload}.{sig}").as_bytes()
        ));
    }

    #[test]
    fn placeholder_logins() {
        for v in [
            "AzureDiamond:hunter2",
            "user:pass:word",
            "Aladdin:open sesame",
            "ci:",
        ] {
            assert!(is_placeholder_login(v.as_bytes()), "{v}");
        }
        for v in [
            "ci-bot:8FFpKlfb8PPQHlo5ea7n2A9NpaE",
            "hunter2",
            "deploy:Tz7XVSq2LmR8wK",
        ] {
            assert!(!is_placeholder_login(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn ssh_public_keys() {
        // The blob of an ed25519 key: the length-prefixed name, then the 32-byte key.
        let blob = "AAAAC3NzaC1lZDI1NTE5AAAAIGQx3Fk9Vb2LmR8wKp4NbY6cD3jTz7XVSq2LmR8wKp4N";
        for v in [
            blob.to_string(),
            format!("ssh-ed25519 {blob}"),
            format!("ssh-ed25519_{blob}_key1"),
            format!("{blob} user@host"),
        ] {
            assert!(is_ssh_public_key(v.as_bytes()), "{v}");
        }
        // Another algorithm's name before the blob, a blob that names no algorithm, a
        // random value with `AAAA` in it.
        for v in [
            format!("ssh-rsa_{blob}"),
            "AAAAB3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ".to_string(),
            "Tz7XVSq2AAAALmR8wKp4NbY6cD3jHq7vRt2LpW9sKd4ZxN6mB3cF".to_string(),
            "AAAA".to_string(),
        ] {
            assert!(!is_ssh_public_key(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn entropy_bounds() {
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn identifiers() {
        for s in [
            "_S_token_subexpr_lookahead_begin",
            "_S_token_subexpr_no_group_begin",
            "defaultSessionSecretKey",
            "MAX_TOKEN_LENGTH",
            "MAX_TCP_TOKEN_LENGTH",
            "parseHTTPServerSecret",
            "XMLHttpRequestToken",
            "api.key.value",
            // Digit groups inside words, region and version names.
            "x-amz-s3session-token",
            "google_oauth2_access_token",
            "fr-par-1",
            "us-east-1",
            "storage.v1beta1.key",
            "x-goog-api-key-v2",
            "Base64EncodedSecretKey",
            "defaultSha256SecretKey",
        ] {
            assert!(looks_like_identifier(s.as_bytes()), "{s}");
        }
        for s in [
            "hQ7xpZ2vR9wK3mLq",
            "aBcDeFgHiJkLmNoP",
            "k9_Xq2L_mPz7Rt4VwB",
            "QwErTyUiOpAsDfGh",
            // Random letters: camelCase splitting gives fragments without vowels.
            "wfnzBLjGjjOMHxyZBJxQ",
            "QMttaQiiqqtPHywejUKc",
            "GOTFHRaAJNlywdjMJUbL",
            // Random mixed case and digits: fragments, digit runs, digits outnumbering letters.
            "aB3dE5fG7hJ9kL1mN2pQ",
            "Zx8mJBq2Lw9vKt3R",
            "k9xq2lmp_7rt4vwb",
            "tok-8f3a9c2e71d4b605",
            "a1-b2-c3-d4-e5",
            "18f4f6a3b2c1d0e9",
            "m4R9-vQ2x-L7pK-w3Zt",
        ] {
            assert!(!looks_like_identifier(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn random_tokens_are_seldom_identifiers() {
        // 20 random characters from several alphabets (xorshift, fixed seed): digits in words
        // must not let random tokens pass as identifiers.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for alphabet in [
            &b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[..],
            &b"abcdefghijklmnopqrstuvwxyz0123456789"[..],
            &b"abcdefghijklmnopqrstuvwxyz0123456789-_"[..],
            &b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"[..],
        ] {
            let trials = 20_000;
            let hits = (0..trials)
                .filter(|_| {
                    let t: Vec<u8> = (0..20)
                        .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                        .collect();
                    looks_like_identifier(&t)
                })
                .count();
            assert!(
                hits * 100 < trials,
                "{hits} of {trials} random tokens over {} read as identifiers",
                String::from_utf8_lossy(alphabet)
            );
        }
    }

    #[test]
    fn placeholders() {
        for p in [
            "<your-api-key>",
            "xxxxxxxxxxxxxxxx",
            "changeme",
            "REDACTED",
            "********",
            "${API_KEY}",
            "$API_KEY",
            "{{ secrets.TOKEN }}",
            "process.env.TOKEN",
            "AKIAIOSFODNN7EXAMPLE",
            "\\u003csealed\\u003e",
            "&lt;api-token&gt;",
            "",
            // typed along the keyboard, the placeholder words, a value that says what it is
            "asdfqwer1234asdf",
            "qwerty123",
            "bar%2F",
            "bar%25bar",
            "FooBar1",
        ] {
            assert!(is_placeholder_or_reference(p.as_bytes()), "{p}");
        }
        for p in [
            "AmAz0n+SqSsEcReT+aLpHaNuM3R1CsTr1nG",
            "Newp1ssw0rd!",
            "s3cr3t-v4lue",
        ] {
            assert!(spells_what_it_is(p.as_bytes()), "{p}");
        }
        for s in [
            "hQ7x!pZ2vR9w",
            "ghp_R7kq2VbN9xWmZp4LcT8sYd3FhJ6gQe0A1B2C",
            "\\u003chQ7x!pZ2vR9w",
            "asdfqwer1234asdX",
            "barbell%2F",
            "Zx8mSeCrEpQ7vR2LkW9d",
        ] {
            assert!(!is_placeholder_or_reference(s.as_bytes()), "{s}");
            assert!(!spells_what_it_is(s.as_bytes()), "{s}");
        }
        // Random values are almost never taken for these: 20,000 of 16 and 40 characters.
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/!#";
        let taken = (0..20_000)
            .filter(|i| {
                let v: Vec<u8> = (0..if i % 2 == 0 { 16 } else { 40 })
                    .map(|_| {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        alphabet[(rng % alphabet.len() as u64) as usize]
                    })
                    .collect();
                keyboard_walk(&v) || metasyntactic(&v) || spells_what_it_is(&v)
            })
            .count();
        assert_eq!(taken, 0);
    }
}
