//! Checks on a candidate secret that a regex cannot express: checksums, structure, entropy,
//! and the placeholder / variable-reference filter that every rule shares.

mod assigned;
mod placeholder;
mod services;
#[cfg(test)]
mod tests;

pub use assigned::*;
pub use placeholder::*;
pub use services::{is_public_client_key, misfits_named_service};

/// A named check, chosen by a rule's `validator` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub-style token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `npm_`; Vercel's `vcp_`,
    /// `vci_`, `vca_`, `vcr_`, `vck_`): the last six base62 characters are the CRC32 of the 30
    /// (Vercel: 50) characters between them and the prefix.
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
    /// A PEM private key encoded once more in base64 (standard, one line or wrapped): decoded,
    /// it holds a `-----BEGIN … PRIVATE KEY-----` line (not an encrypted key) and a body line.
    Base64PrivateKey,
    /// A PEM private key whose body reads as base64 of binary: at least 16 base64
    /// characters, holding capitals, small letters and digits (a key's DER does, in every
    /// line of it); a body of words (`fakeprivatekeymaterialforblobtesting`) is a stand-in.
    PemKeyBody,
    /// A Canva client secret (`cnvca…`): the last eight characters are the lower-case hex CRC32
    /// (IEEE) of everything before them.
    CanvaCrc32,
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
        ("base64-private-key", Validator::Base64PrivateKey),
        ("pem-key-body", Validator::PemKeyBody),
        ("canva-crc32", Validator::CanvaCrc32),
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
            Validator::Base64PrivateKey => {
                let compact: Vec<u8> = secret
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                base64_decode(&compact).is_some_and(|d| pem_private_key_ok(&d))
            }
            Validator::PemKeyBody => pem_key_body_ok(secret),
            Validator::CanvaCrc32 => canva_crc32_ok(secret),
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
    // prefix_ + random (30 for GitHub and npm, 50 for Vercel) + 6 checksum
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &token[us + 1..];
    if !matches!(body.len(), 36 | 56) || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, check) = body.split_at(body.len() - 6);
    base62_6(crc32(random)) == check
}

/// Whether the value is ciphertext in a secrets-at-rest format, made to be committed: EJSON's
/// `EJ[1:…]`, sops' and hiera-eyaml's `ENC[AES256_GCM,…]`/`ENC[PKCS7,…]`, Jasypt's `ENC(…)`,
/// Ansible Vault's `$ANSIBLE_VAULT;1.1;AES256…` and Vault transit's `vault:v1:…`. Only the
/// key that decrypts it is a secret, and it is kept elsewhere.
pub fn is_encrypted_value(secret: &[u8]) -> bool {
    let s = secret.trim_ascii();
    let numbered = |prefix: &[u8], close: u8| {
        s.strip_prefix(prefix).is_some_and(|rest| {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            digits > 0 && rest.get(digits) == Some(&close)
        })
    };
    let enc = |open: &[u8]| {
        s.strip_prefix(open).is_some_and(|rest| {
            rest.len() >= 8 && rest.iter().take(4).all(u8::is_ascii_alphanumeric)
        })
    };
    numbered(b"EJ[", b':')
        || numbered(b"vault:v", b':')
        || enc(b"ENC[")
        || enc(b"ENC(")
        || s.starts_with(b"$ANSIBLE_VAULT;")
}

/// Whether the value has the shape of a checksummed token format (see [`checksummed_format`])
/// and its checksum fails: made up, not issued, so no rule reports it (a generic `token = …`
/// rule included).
pub fn fails_its_checksum(secret: &[u8]) -> bool {
    checksummed_format(secret).is_some_and(|v| !v.check(secret))
}

/// The checksummed format whose shape the value has: GitHub's `ghp_`/`gho_`/`ghu_`/`ghs_`/
/// `ghr_` and npm's `npm_` (36 base62 characters), Vercel's `vcp_`/`vci_`/`vca_`/`vcr_`/`vck_`
/// (56), Grafana's `glsa_<32>_<8 hex>`, Canva's `cnvca…<8 hex>`, Atlassian's `ATATT3…=<8 hex>` and `ATBB<24><8 hex>`.
fn checksummed_format(secret: &[u8]) -> Option<Validator> {
    const BASE62_PREFIXES: [&[u8]; 6] = [b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"npm_"];
    let n = secret.len();
    const VERCEL_PREFIXES: [&[u8]; 5] = [b"vcp_", b"vci_", b"vca_", b"vcr_", b"vck_"];
    if (n == 40 && BASE62_PREFIXES.iter().any(|p| secret.starts_with(p))
        || n == 60 && VERCEL_PREFIXES.iter().any(|p| secret.starts_with(p)))
        && secret[4..].iter().all(u8::is_ascii_alphanumeric)
    {
        Some(Validator::Base62Crc32)
    } else if n == 46 && secret.starts_with(b"glsa_") && secret[37] == b'_' {
        Some(Validator::GrafanaCrc32)
    } else if secret.starts_with(b"cnvca")
        && (48..=80).contains(&n)
        && secret
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
    {
        Some(Validator::CanvaCrc32)
    } else if (secret.starts_with(b"ATATT3") && n > 9 && secret[n - 9] == b'=')
        || (secret.starts_with(b"ATBB") && n == 36)
    {
        Some(Validator::AtlassianCrc32)
    } else {
        None
    }
}

/// The last eight characters are the lower-case hex CRC32 (IEEE) of everything before them.
fn canva_crc32_ok(token: &[u8]) -> bool {
    if token.len() <= 8 {
        return false;
    }
    let (body, check) = token.split_at(token.len() - 8);
    check == format!("{:08x}", crc32(body)).as_bytes()
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

/// Whether `text` holds a PEM private key block: a `-----BEGIN <type >PRIVATE KEY-----` line
/// (RSA, EC, DSA, OpenSSH, PKCS#8, PGP; not ENCRYPTED) whose first line after any `Name: value`
/// headers is at least 16 base64 characters. A certificate, a public key or a lone BEGIN line
/// fails.
pub fn pem_private_key_ok(text: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&text[from..], b"-----BEGIN ") {
        let rest = &text[from + i + 11..];
        from += i + 11;
        let Some(e) = memchr::memmem::find(rest, b"-----") else {
            return false;
        };
        let label = &rest[..e];
        let label = label.strip_suffix(b" BLOCK").unwrap_or(label);
        let Some(kind) = label.strip_suffix(b"PRIVATE KEY") else {
            continue;
        };
        if !matches!(
            kind,
            b"" | b"RSA " | b"EC " | b"DSA " | b"OPENSSH " | b"PGP "
        ) {
            continue;
        }
        let mut lines = rest[e + 5..]
            .split(|&b| b == b'\n')
            .map(<[u8]>::trim_ascii)
            .filter(|l| !l.is_empty());
        let mut encrypted = false;
        let first = lines.find(|l| {
            let header = l.contains(&b':');
            encrypted |= header && memchr::memmem::find(l, b"ENCRYPTED").is_some();
            !header
        });
        if encrypted {
            continue;
        }
        if first.is_some_and(|l| {
            l.len() >= 16
                && l.iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
        }) {
            return true;
        }
    }
    false
}

/// See [`Validator::PemKeyBody`]: the text between the BEGIN and END lines, escaped
/// newlines (`\\n`) read as newlines, header lines (`Comment: …`) left out.
fn pem_key_body_ok(secret: &[u8]) -> bool {
    let Some(begin) = memchr::memmem::find(secret, b"-----BEGIN") else {
        return false;
    };
    let after = begin + b"-----BEGIN".len();
    let Some(close) = memchr::memmem::find(&secret[after..], b"-----") else {
        return false;
    };
    let start = after + close + 5;
    let end =
        memchr::memmem::find(&secret[start..], b"-----END").map_or(secret.len(), |e| start + e);
    let mut text: Vec<u8> = Vec::with_capacity(end - start);
    let mut i = start;
    while i < end {
        if secret[i] == b'\\' {
            let n = secret[i..end].iter().take_while(|&&c| c == b'\\').count();
            if matches!(secret.get(i + n), Some(b'n' | b'r')) {
                text.push(b'\n');
                i += n + 1;
                continue;
            }
        }
        text.push(secret[i]);
        i += 1;
    }
    let body: Vec<u8> = text
        .split(|&c| c == b'\n')
        .filter(|l| !l.contains(&b':'))
        .flat_map(|l| l.iter().copied())
        .filter(|c| c.is_ascii_alphanumeric() || b"+/=".contains(c))
        .collect();
    body.len() >= 16
        && body.iter().any(u8::is_ascii_uppercase)
        && body.iter().any(u8::is_ascii_lowercase)
        && body.iter().any(u8::is_ascii_digit)
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
/// leaked), a header and payload without a signature part, or a DPoP proof (`"typ":"dpop+jwt"`,
/// RFC 9449: it carries the client's public key and is bound to one request by `htm`, `htu` and
/// `jti`; it proves possession of a key kept elsewhere, as a documentation page's sample request
/// shows).
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
    let payload = parts.next();
    let Some(signature) = parts.next() else {
        // A header and a payload with no signature part at all: half of a token (a test's
        // `MALFORMED_TOKEN`), which no server takes.
        return payload.is_some() && has(b"\"alg\"");
    };
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

/// Whether the value is a password hash in the modular crypt format, `$<scheme>$<fields>$…`:
/// what a password store keeps to check a password against, not the password (bcrypt
/// `$2b$12$…`, `$argon2id$v=19$…`, sha-crypt `$6$salt$…`, `$pbkdf2-sha256$…`, `$scrypt$…`,
/// Apache Shiro's `$shiro1$SHA-256$500000$salt$hash`). Read by the generic rules, whatever
/// the name the hash is assigned to.
pub fn is_password_hash(secret: &[u8]) -> bool {
    const SCHEMES: &[&[u8]] = &[
        b"1",
        b"2",
        b"2a",
        b"2b",
        b"2x",
        b"2y",
        b"5",
        b"6",
        b"7",
        b"y",
        b"gy",
        b"apr1",
        b"md5",
        b"sha1",
        b"argon2i",
        b"argon2d",
        b"argon2id",
        b"scrypt",
        b"shiro1",
    ];
    let Some(rest) = secret.strip_prefix(b"$") else {
        return false;
    };
    let mut fields = rest.split(|&b| b == b'$');
    let scheme = fields.next().unwrap_or_default();
    let known = SCHEMES.contains(&scheme) || scheme.starts_with(b"pbkdf2");
    // At least a parameter or salt and the hash after the scheme, none empty but the salt.
    let rest: Vec<&[u8]> = fields.collect();
    known
        && rest.len() >= 2
        && rest.last().is_some_and(|h| h.len() >= 8)
        && rest
            .iter()
            .all(|f| f.iter().all(|b| b.is_ascii_graphic() && *b != b'$'))
}

/// Whether a base64 value decodes to a placeholder written in text (`ZXhhbXBsZS1hcHAtc2VjcmV0`
/// is `example-app-secret`): a Kubernetes Secret's `data:` or a chart's default holds values
/// so encoded, and the stand-in is no more a secret for it. The decoded text must be
/// printable ASCII of 6 characters or more, one value (no spaces): a sentence encoded is
/// left to be reported (the competitors' corpus has such made-up keys among its positives).
pub fn is_encoded_placeholder(secret: &[u8]) -> bool {
    if secret.len() < 8 || secret.len() > 256 || !secret.len().is_multiple_of(4) {
        return false;
    }
    let Some(decoded) = base64_decode(secret) else {
        return false;
    };
    decoded.len() >= 6
        && decoded.iter().all(u8::is_ascii_graphic)
        && placeholder::is_placeholder_or_reference(&decoded)
}

/// Whether the name a generic rule's value is assigned to says it is no credential: one of
/// its words (split at `_ . -`, digits and camelCase) is `mock`, `fake`, `dummy`, `stub`
/// (a stand-in the test wrote), or `encrypted`, `wrapped` (ciphertext of a key kept
/// elsewhere: `_mockEncryptedType7WrappedSigningKey`, `encryptedPrivateKey`). `name` is the
/// text the rule matched before the value; the name is its identifier that holds a secret's
/// word (`key`, `secret`, `token`, `pass`, `pwd`, `auth`, `cred`), so the SQL keywords of
/// `ENCRYPTED PASSWORD '…'` are not the name's words, and of a dotted name only its last part
/// counts.
pub fn name_says_no_credential(name: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[
        b"mock",
        b"fake",
        b"dummy",
        b"stub",
        b"encrypted",
        b"wrapped",
    ];
    const SECRET: &[&[u8]] = &[
        b"key", b"secret", b"token", b"pass", b"pwd", b"auth", b"cred",
    ];
    // Of a dotted name its last part: `mockServer.token` is a token, not a mock.
    name.split(|b| !(b.is_ascii_alphanumeric() || b"_-".contains(b)))
        .filter(|id| {
            let lower = id.to_ascii_lowercase();
            SECRET
                .iter()
                .any(|w| memchr::memmem::find(&lower, w).is_some())
        })
        .any(|id| {
            let mut words: Vec<Vec<u8>> = Vec::new();
            let mut cur: Vec<u8> = Vec::new();
            let mut prev = 0u8;
            for &b in id {
                let boundary = !b.is_ascii_alphabetic()
                    || (b.is_ascii_uppercase() && prev.is_ascii_lowercase());
                if boundary && !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                if b.is_ascii_alphabetic() {
                    cur.push(b.to_ascii_lowercase());
                }
                prev = b;
            }
            words.push(cur);
            words.iter().any(|w| WORDS.contains(&w.as_slice()))
        })
}
