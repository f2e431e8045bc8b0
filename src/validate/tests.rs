use super::*;

#[test]
fn typed_patterns_are_placeholders() {
    for v in [
        "a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "QVdTOmV5SndZWGxzYjJKJFHDSFKJHERWUY65IOU36TRYEGFNSDLRIUOTUYTHJKLDFGOcmFUQk9O",
        "kjfhueyt9485osdfasdkljfh4lkjhakldjfhalkdsjf",
        "xoxc-888888888888-888888888888-8888888888888-ffffffffffffffa915fe069d70a8ad81",
        "xoxc-888888888888-888888888888-8888888888888-fffffffffffffffa915fe069d70a8ad81743b0ec4ee9c81540af43f5e143264b",
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
    assert!(!Validator::Base64Jwt.check(wrapped("eyJub3QiOiJhIGp3dCJ9.eyJ4IjoxfQ.sig").as_bytes()));
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
    // A header and a payload with no signature part: half a token.
    assert!(is_non_bearer_jwt(format!("{rs256}.{payload}").as_bytes()));
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
    let mut rng = crate::testrng::Xorshift::new(0x9E37_79B9_7F4A_7C15);
    let mut next = move || rng.next();
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
        // half the letters as look-alikes, `§` among them; a label and the word
        "P4§$w0rd",
        "S3cr3+",
        "kv2-pass",
        "db_pwd",
        "DEFAULT.SECRET",
    ] {
        assert!(spells_what_it_is(p.as_bytes()), "{p}");
    }
    // A label in random case, or a long one, is not a label.
    for p in ["xK9q-pass", "kv2-pass-word-and-more", "Kp9x-pass"] {
        assert!(!spells_what_it_is(p.as_bytes()), "{p}");
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
    let mut rng = crate::testrng::Xorshift::new(0x9E37_79B9_7F4A_7C15);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/!#";
    let taken = (0..20_000)
        .filter(|i| {
            let v: Vec<u8> = (0..if i % 2 == 0 { 16 } else { 40 })
                .map(|_| rng.pick(alphabet))
                .collect();
            keyboard_walk(&v) || metasyntactic(&v) || spells_what_it_is(&v)
        })
        .count();
    assert_eq!(taken, 0);
}

#[test]
fn assigned_values_tell_configuration_from_secrets() {
    let config: &[(&str, &str)] = &[
        ("DEBUG", "1"),
        ("PORT", "8080"),
        ("TIMEOUT", "30s"),
        ("HOST", "0.0.0.0"),
        ("DB_HOST", "db.internal:5432"),
        ("DATABASE_URL", "postgres://db:5432/app"),
        ("API_KEY", ""),
        ("API_KEY", "\"\""),
        ("SECRET_KEY", "${SECRET_KEY}"),
        ("GITHUB_TOKEN", "$GITHUB_TOKEN"),
        ("TOKEN", "<your-token>"),
        ("DB_PASSWORD", "changeme"),
        ("ENABLE_AUTH", "true"),
        ("AUTH_PROVIDER", "google"),
        ("JWT_SECRET_FILE", "/run/secrets/jwt"),
        ("AWS_ACCESS_KEY_ID", ""),
        ("NODE_ENV", "production  # the default"),
        ("TENANT_ID", "550e8400-e29b-41d4-a716-446655440000"),
        ("NODE_OPTIONS", "--max-old-space-size=4096"),
        ("LOG_FORMAT", "json"),
        // A time zone, a server variable's name, a name ending in what it is about, and
        // Laravel's description of its key, a cycle of one word (firefly-iii's .env files).
        ("TZ", "Europe/Amsterdam"),
        ("TZ", "America/New_York"),
        ("WINDOWS_SSO_KEY", "AUTH_USER"),
        ("ADLDAP_AUTH_FIELD", "distinguishedname"),
        ("APP_KEY", "SomeRandomStringOf32CharsExactly"),
        ("APP_KEY", "TestTestTestTestTestTestTestTest"),
    ];
    for (name, value) in config {
        assert!(
            !assigned_value_is_secret(name.as_bytes(), value.as_bytes()),
            "{name}={value}"
        );
    }
    let secrets: &[(&str, &str)] = &[
        ("DB_PASSWORD", "hUq3vRk8pZ"),
        ("DB_PASSWORD", "postgres"),
        ("DATABASE_URL", "postgres://app:hUq3vRk8pZ@db:5432/app"), // leakgate:allow (a fake value for the test)
        (
            "SENTRY_DSN",
            "https://0c5d1ea8b7f44a7c@o1.ingest.sentry.io/4",
        ),
        ("SESSION_SECRET", "'Wc9lE1-3CKoqFGeaOn1J'"), // leakgate:allow (a fake value for the test)
        ("stripeKey", "\"rk_4f9Kq2LmZ7\""),
        ("INTERNAL_HOOK", "Xq7Lm2Pz9Kd4Rt8Wv1Nb6Yc3"),
    ];
    for (name, value) in secrets {
        assert!(
            assigned_value_is_secret(name.as_bytes(), value.as_bytes()),
            "{name}={value}"
        );
    }
}

#[test]
fn pem_private_key_blocks() {
    let body = "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";
    for label in [
        "RSA PRIVATE KEY",
        "PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
    ] {
        let pem = format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n");
        assert!(pem_private_key_ok(pem.as_bytes()), "{label}");
        assert!(
            pem_private_key_ok(format!("k:\n{pem}").as_bytes()),
            "{label}"
        );
    }
    for not in [
        format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"),
        format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"),
        format!("-----BEGIN ENCRYPTED PRIVATE KEY-----\n{body}\n"),
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n{body}\n"
        ),
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n".to_string(),
        "-----BEGIN PRIVATE KEY-----\n".to_string(),
    ] {
        assert!(!pem_private_key_ok(not.as_bytes()), "{not}");
    }
}

#[test]
fn obvious_masks_of_prefixed_tokens() {
    // Masks: words, runs, references, brackets, a body of one character or mostly runs.
    for v in [
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk_live_****************************",
        "sk_live_YOUR_KEY_GOES_HERE_PLEASE",
        "xoxb-<token>",
        "dop_v1_${DIGITALOCEAN_TOKEN}",
        "sk_test_aaaaaaaaaaaaaaaaaaaaaaaa",
        "sk_test_ababababababababababab",
        "xoxc-888888888888-888888888888-8888888888888-ffffffffffffffa915fe069d70a8ad81",
        "glpat-example-token-value-1",
        "EZAK0000000000000000000000000000000000000000000000000000",
    ] {
        assert!(is_obvious_mask(v.as_bytes()), "{v}");
    }
    // Sequential-looking content in a provider's shape is not a mask (the placeholder
    // filter still says it is a placeholder, for generic rules).
    for v in [
        "dop_v1_1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef", // leakgate:allow
        "bkua_z1x2c3v4b5n6m7q8w9e0r1t2y3u4i5o6p7l8k9j0",                           // leakgate:allow
        "sk_live_aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV",                                // leakgate:allow
    ] {
        assert!(!is_obvious_mask(v.as_bytes()), "{v}");
    }
    assert!(is_placeholder_or_reference(
        b"dop_v1_1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef" // leakgate:allow
    ));
}

#[test]
fn password_hashes_in_modular_crypt_format() {
    for v in [
        "$shiro1$SHA-256$500000$qvBT48YD2nz+w6FishMD+w==$KmYfTMAM5/iseXAux1GCZg5qz03qlweI05alDmzBFxU=",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
        "$6$rounds=5000$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc",
        "$pbkdf2-sha256$29000$N2bsXWvNYQzBeG8tpTSGcA$Y6w5qrkDLLJ5n9Hx3jSnQe1Z",
    ] {
        assert!(is_password_hash(v.as_bytes()), "{v}");
    }
    for v in [
        "$TOKEN",
        "$2b$",
        "$shiro1$",
        "$unknown$a$bbbbbbbbbb",
        "Kj29x!mQ84pLz",
    ] {
        assert!(!is_password_hash(v.as_bytes()), "{v}");
    }
}

#[test]
fn placeholders_encoded_in_base64() {
    // example-app-secret, changeme-please
    assert!(is_encoded_placeholder(b"ZXhhbXBsZS1hcHAtc2VjcmV0"));
    assert!(is_encoded_placeholder(b"Y2hhbmdlbWUtcGxlYXNl"));
    // a random password, and random bytes
    assert!(!is_encoded_placeholder(b"Smo1QTJLdGxXMg=="));
    assert!(!is_encoded_placeholder(b"kPH+bIxk5D2deZiIxcaaaA=="));
}

#[test]
fn names_that_say_the_value_is_no_credential() {
    for name in [
        "private static readonly string _mockEncryptedType7WrappedSigningKey = \"",
        "encryptedPrivateKey = \"",
        "\"fake_api_token\": \"",
        "val dummySecret: String = \"",
    ] {
        assert!(name_says_no_credential(name.as_bytes()), "{name}");
    }
    for name in [
        "CREATE ROLE app LOGIN ENCRYPTED PASSWORD '",
        "apiKey = \"",
        "mockServer.token = \"",
        "stubborn_key = \"",
    ] {
        assert!(!name_says_no_credential(name.as_bytes()), "{name}");
    }
}

#[test]
fn ciphertext_formats_made_to_be_committed() {
    for v in [
        "EJ[1:b7A3qs6f9TQ3:pd7xMmBXQyQ+/vRN:9cIrVnv0]",
        "ENC[AES256_GCM,data:pi+ApW+dEE+q2OJz,iv:MBlI=,tag:yjuL==,type:str]",
        "ENC[PKCS7,MIIBeQYJKoZIhvcNAQcDoIIBajCCAWYCAQAx]",
        "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)",
        "$ANSIBLE_VAULT;1.1;AES256",
        "vault:v1:8SDd3WHDOjf7mq69CyCqYjBXAiQQAVZRkFM13ok481zoCmHnSeDX9vyf7w==",
    ] {
        assert!(is_encrypted_value(v.as_bytes()), "{v}");
    }
    for v in [
        "EJ[x]",
        "ENC[]",
        "ENCRYPTED",
        "vault:token",
        "ENC(ab)",
        "EJAx9Kq2LmR8wKp4NbY6",
    ] {
        assert!(!is_encrypted_value(v.as_bytes()), "{v}");
    }
}

#[test]
fn a_run_of_one_letter_is_a_mask_only_in_one_case() {
    // Masks typed by hand: one case, any length in a short value.
    for v in ["sk_live_xxxx", "ghp_XXXXXXXXXXXX", "token-xxxxxxxx"] {
        assert!(is_placeholder_or_reference(v.as_bytes()), "{v}");
        assert!(is_obvious_mask(v.as_bytes()), "{v}");
    }
    // The same letters in mixed case are what random base64 spells.
    for v in ["a8Fk2xXxXq9Lm3Zp", "Qz7XxXx1bN0pLk2M", "aZ3xXXxK9mQ2pL7w"] {
        assert!(!is_placeholder_or_reference(v.as_bytes()), "{v}");
        assert!(!is_obvious_mask(v.as_bytes()), "{v}");
    }
    // In a long value (a key body) a run of four is chance; six or more is a mask.
    let body = "Mq3Zp8Lk2Wn7Rt5Yb1Vc4Xd6Fg9Hj0Ks".repeat(10);
    let (head, tail) = body.split_at(150);
    let four = format!("{head}XXXX{tail}");
    let six = format!("{head}xxxxxx{tail}");
    assert!(!is_obvious_mask(four.as_bytes()));
    assert!(is_obvious_mask(six.as_bytes()));
}
