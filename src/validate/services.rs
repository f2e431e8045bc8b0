//! The documented shape of the keys of services whose keys carry no prefix of their own: a
//! generic rule that finds a value under such a service's name (`deepgram_key = …`) reports
//! it only if it has that shape. A value of another length or alphabet under the name is
//! something else (an id, a hash, a key of another service) or made up.

/// A documented key shape.
#[derive(Debug, Clone, Copy)]
enum Format {
    /// `n` hex digits, either case.
    Hex(usize),
    /// `n` lower-case hex digits.
    LowerHex(usize),
    /// `n` ASCII letters and digits.
    Alnum(usize),
    /// `n` lower-case ASCII letters and digits.
    LowerAlnum(usize),
    /// A literal prefix, then `n` letters and digits.
    PrefixedAlnum(&'static str, usize),
    /// A literal prefix, then `n` lower-case hex digits.
    PrefixedHex(&'static str, usize),
    /// A literal prefix, then a UUID (8-4-4-4-12 hex).
    PrefixedUuid(&'static str),
    /// A literal prefix, then `n` lower-case base32 letters and digits (`a-z2-7`).
    PrefixedBase32(&'static str, usize),
    /// A literal prefix, then at least `n` token characters (letters, digits, `_`, `-`).
    PrefixedAtLeast(&'static str, usize),
    /// A JSON Web Token (`eyJ…` header, payload and signature).
    Jwt,
}

impl Format {
    fn fits(self, v: &[u8]) -> bool {
        let run = |v: &[u8], n: usize, ok: fn(&u8) -> bool| v.len() == n && v.iter().all(ok);
        let lower_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        match self {
            Format::Hex(n) => run(v, n, u8::is_ascii_hexdigit),
            Format::LowerHex(n) => run(v, n, lower_hex),
            Format::Alnum(n) => run(v, n, u8::is_ascii_alphanumeric),
            Format::LowerAlnum(n) => run(v, n, |b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            Format::PrefixedAlnum(p, n) => v
                .strip_prefix(p.as_bytes())
                .is_some_and(|r| run(r, n, u8::is_ascii_alphanumeric)),
            Format::PrefixedHex(p, n) => v
                .strip_prefix(p.as_bytes())
                .is_some_and(|r| r.len() == n && r.iter().all(lower_hex)),
            Format::PrefixedBase32(p, n) => v.strip_prefix(p.as_bytes()).is_some_and(|r| {
                run(r, n, |b| {
                    b.is_ascii_lowercase() || (b'2'..=b'7').contains(b)
                })
            }),
            Format::PrefixedAtLeast(p, n) => v.strip_prefix(p.as_bytes()).is_some_and(|r| {
                r.len() >= n
                    && r.iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            }),
            Format::Jwt => v.starts_with(b"eyJ") && v.iter().filter(|&&b| b == b'.').count() == 2,
            Format::PrefixedUuid(p) => v.strip_prefix(p.as_bytes()).is_some_and(|r| {
                r.len() == 36
                    && r.iter().enumerate().all(|(i, b)| {
                        if matches!(i, 8 | 13 | 18 | 23) {
                            *b == b'-'
                        } else {
                            b.is_ascii_hexdigit()
                        }
                    })
            }),
        }
    }
}

/// Service names (looked for lower-cased in the name a value is assigned to) and the shapes
/// their keys take, from each provider's API documentation.
const SERVICES: &[(&str, &[Format])] = &[
    // Amplitude: the project's API key and secret key are 32 hex characters.
    ("amplitude", &[Format::Hex(32)]),
    // Brave Search API: subscription tokens (the `X-Subscription-Token` header) are `BSA` and
    // 28 characters.
    ("brave", &[Format::PrefixedAtLeast("BSA", 28)]),
    // Bitly: generic access tokens are 40 hex characters.
    ("bitly", &[Format::Hex(40)]),
    // Checkout.com: secret keys `sk_` / `sk_sbox_` with 26 base32 characters; the older
    // ones `sk_` / `sk_test_` with a UUID.
    (
        "checkout",
        &[
            Format::PrefixedBase32("sk_", 26),
            Format::PrefixedBase32("sk_sbox_", 26),
            Format::PrefixedUuid("sk_"),
            Format::PrefixedUuid("sk_test_"),
        ],
    ),
    // Deepgram: API keys are 40 characters, lower-case letters and digits (hex in practice).
    ("deepgram", &[Format::LowerAlnum(40)]),
    // ElevenLabs: `sk_` and 48 hex characters (older keys: 32 hex characters).
    (
        "elevenlabs",
        &[Format::PrefixedHex("sk_", 48), Format::LowerHex(32)],
    ),
    // Gitea: access tokens are 40 hex characters (a SHA-1's length).
    ("gitea", &[Format::LowerHex(40)]),
    // Cisco Meraki: the dashboard API key is 40 lower-case hex characters.
    ("meraki", &[Format::LowerHex(40)]),
    // MiniMax: API keys are long JWTs, or (newer) `sk-api-` and a long token (over 80
    // characters); a short `sk-…` value under the name is another provider's key or made up.
    (
        "minimax",
        &[Format::Jwt, Format::PrefixedAtLeast("sk-api-", 80)],
    ),
    // Mistral AI: API keys are 32 letters and digits.
    ("mistral", &[Format::Alnum(32)]),
    // Moonshot AI (Kimi): `sk-` and 48 letters and digits.
    ("kimi", &[Format::PrefixedAlnum("sk-", 48)]),
    ("moonshot", &[Format::PrefixedAlnum("sk-", 48)]),
    // Stability AI: `sk-` and 48 letters and digits.
    ("stability", &[Format::PrefixedAlnum("sk-", 48)]),
    // Unkey: root keys are `unkey_` and a random part (base58, over 20 characters); the keys
    // it issues carry the API's own prefix and a random part of the same length.
    (
        "unkey",
        &[
            Format::PrefixedAtLeast("unkey_", 20),
            Format::PrefixedAtLeast("key_", 20),
        ],
    ),
    // UpCloud: API tokens begin with `ucat_` (the API's bearer token).
    ("upcloud", &[Format::PrefixedAtLeast("ucat_", 20)]),
    // Weights & Biases: API keys are 40 hex characters (newer ones are prefixed: `local-…`
    // keys of a self-hosted server are longer).
    ("wandb", &[Format::LowerHex(40), Format::LowerHex(86)]),
];

/// Whether `name` (the text a generic rule matched before the value: the name it is
/// assigned to) names a service of [`SERVICES`] and the value has none of its shapes.
pub fn misfits_named_service(name: &[u8], secret: &[u8]) -> bool {
    if name.is_empty() {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    let value = secret.trim_ascii();
    let mut named = false;
    for (service, formats) in SERVICES {
        if memchr::memmem::find(&lower, service.as_bytes()).is_some() {
            if formats.iter().any(|f| f.fits(value)) {
                return false;
            }
            named = true;
        }
    }
    named
}

/// Whether the value is a key its provider documents as public, made to be shipped in a web
/// page or an app: a Midtrans client key (`Mid-client-…`, sandbox `SB-Mid-client-…`, which
/// Snap.js is given in the browser; the server key, `Mid-server-…`, is the secret).
pub fn is_public_client_key(secret: &[u8]) -> bool {
    let v = secret.trim_ascii();
    let v = v.strip_prefix(b"SB-").unwrap_or(v);
    v.strip_prefix(b"Mid-client-").is_some_and(|r| {
        (12..=32).contains(&r.len())
            && r.iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::misfits_named_service as misfits;

    #[test]
    fn midtrans_client_keys_are_public() {
        assert!(super::is_public_client_key(
            b"SB-Mid-client-Qm7ZtW2pX9aLk4Rd"
        ));
        assert!(super::is_public_client_key(b"Mid-client-Qm7ZtW2pX9aLk4Rd"));
        assert!(!super::is_public_client_key(
            b"SB-Mid-server-Qm7ZtW2pX9aLk4Rd"
        ));
    }

    #[test]
    fn a_service_name_needs_its_shape() {
        let hex40 = "0123456789abcdef".repeat(3)[..40].to_string();
        assert!(!misfits(b"deepgram_key = ", hex40.as_bytes()));
        assert!(misfits(b"deepgram_key = ", &hex40.as_bytes()[..32]));
        assert!(misfits(
            b"MERAKI_API_KEY: ",
            hex40.to_ascii_uppercase().as_bytes()
        ));
        let sk = format!("sk_{}", "9f".repeat(24));
        assert!(!misfits(b"elevenlabs_key = ", sk.as_bytes()));
        assert!(misfits(b"elevenlabs_key = ", &sk.as_bytes()[..35]));
        // Brave, MiniMax, Unkey, UpCloud: a value short of the documented shape.
        assert!(misfits(
            b"BRAVE_SEARCH_API_KEY=\"",
            b"BSAp7_Mi4q7zWv9NeL2asR0k"
        ));
        assert!(!misfits(
            b"BRAVE_SEARCH_API_KEY=\"",
            b"BSAk4_Vm8nDp3Qw7Ls0raF2jHx6ZuCt"
        ));
        assert!(misfits(
            b"minimax_api_key = \"",
            b"sk-api-uBf3S6jw9Akw0X6u9KDy"
        ));
        assert!(misfits(b"UNKEY_API_KEY=", b"key_KH1V87o2X2GW"));
        assert!(!misfits(
            b"UNKEY_ROOT_KEY=",
            b"unkey_3ZkQ8wV2nT5rP9sLmX4cB7dF"
        ));
        assert!(misfits(
            b"upcloud_token = ",
            b"uca_01DQE3AJDEBFEKECFM558TGH2F"
        ));
        assert!(!misfits(
            b"upcloud_token = ",
            b"ucat_01JQE3AJDEBFEKECFM558TGH2F"
        ));
        // No service named: nothing to say.
        assert!(!misfits(b"api_key=", b"abc"));
    }
}
