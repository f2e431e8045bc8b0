//! Issue #13, second round on real repositories: each false-alarm family as its reduced case,
//! beside a random value in the same place that is still reported; and the key material the
//! other scanners found that leakgate had missed.

use crate::util;

use crate::quiet::rules_of;

/// 32 random bytes in base64 (a Curve25519 key's size), from the test's own generator.
fn random_key_b64() -> String {
    let mut rng = util::Rng::fresh();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s: String = (0..42).map(|_| char::from(*rng.pick(alphabet))).collect();
    // The 43rd character carries 4 bits and two zero bits: one of 16.
    s.push(char::from(*rng.pick(b"AEIMQUYcgkosw048")));
    s.push('=');
    s
}

#[test]
fn a_hash_word_on_another_line_does_not_make_a_key_a_digest() {
    // A test class: a file's sha256 field above, then a private key.
    let key = random_key_b64();
    let text = format!(
        "class ScanTest {{\n    private val file = File(\n        iv = \"iv\",\n        sha256 = \"sha256\"\n    )\n    private val aPrivateKey = \"{key}\"\n}}\n"
    );
    assert_eq!(rules_of(&text).len(), 1, "{text}");
    // The word on the value's own line still says what it is.
    let text = format!("    private val passwordSha256 = \"{key}\"\n");
    assert_eq!(rules_of(&text), Vec::<String>::new(), "{text}");
}

#[test]
fn a_service_name_and_a_year_is_a_written_password() {
    for v in [
        "QAL@bs2023#",
        "SOCDSR2025#",
        "OldStg2022",
        "Zendesk$SO2025#",
        "S3ndM41lTx2025!",
    ] {
        let text = format!("        \"password\": \"{v}\",\n");
        assert_eq!(rules_of(&text), Vec::<String>::new(), "{text}");
    }
    // A generated password in the same place is reported.
    let text = format!("        \"password\": \"{}\",\n", util::random_password(14));
    assert_eq!(rules_of(&text), ["password-in-json"], "{text}");
}

#[test]
fn labels_spellings_and_passphrases_are_not_generated_passwords() {
    for text in [
        "        \"password\": \"kv2-pass\",\n",
        "PASSWORD = 'P4§$w0rd'\n",
        "  SECURE_TEST_PASSWORD = \"?4,MONDAY,GIVEN,slowly,17?\"\n",
    ] {
        assert_eq!(rules_of(text), Vec::<String>::new(), "{text}");
    }
    let text = format!(
        "  SECURE_TEST_PASSWORD = \"{}\"\n",
        util::random_password(16)
    );
    assert_eq!(rules_of(&text), ["password-in-code"], "{text}");
}

#[test]
fn ciphertext_made_to_be_committed_is_not_a_credential() {
    let b64 = || util::random_base62(32);
    for v in [
        format!("EJ[1:{}=:{}:{}]", b64(), b64(), b64()),
        format!(
            "ENC[AES256_GCM,data:{},iv:{}=,tag:{}==,type:str]",
            b64(),
            b64(),
            b64()
        ),
        format!("ENC({})", b64()),
        format!("vault:v1:{}", b64()),
    ] {
        let text = format!("{{\n  \"sendgrid_password\": \"{v}\"\n}}\n");
        assert_eq!(rules_of(&text), Vec::<String>::new(), "{text}");
    }
    let text = format!(
        "{{\n  \"sendgrid_password\": \"{}\"\n}}\n",
        util::random_password(20)
    );
    assert_eq!(rules_of(&text), ["password-in-json"], "{text}");
}

#[test]
fn an_escaped_key_folded_in_a_yaml_cassette_is_found() {
    // A recorded JSON body in a single-quoted YAML scalar, wrapped at the END line's space.
    let line = || util::random_base62(64);
    let text = format!(
        "    body: '{{\"cert\":\"x\",\"key\":\"-----BEGIN RSA PRIVATE KEY-----\\n{}\\n{}\\n-----END\n      RSA PRIVATE KEY-----\\n\"}}'\n",
        line(),
        line()
    );
    assert_eq!(rules_of(&text), ["private-key-escaped"], "{text}");
}

#[test]
fn a_scaleway_access_key_id_is_reported_as_the_aws_one() {
    let mut rng = util::Rng::fresh();
    let id: String = (0..17)
        .map(|_| char::from(*rng.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")))
        .collect();
    let text = format!("    body: '{{\"access_key\":\"SCW{id}\", \"secret_key\":null}}'\n");
    assert_eq!(rules_of(&text), ["scaleway-access-key-id"], "{text}");
    // A mask, or the wrong length: no.
    for v in [
        "SCWXXXXXXXXXXXXXXXXX".to_string(),
        format!("SCW{id}Q"),
        format!("SCW{}", &id[1..]),
    ] {
        let text = format!("SCW_ACCESS_KEY={v}\n");
        assert!(
            !rules_of(&text).contains(&"scaleway-access-key-id".to_string()),
            "{text}"
        );
    }
}

#[test]
fn an_aead_kms_key_is_key_material() {
    let key = random_key_b64();
    let hcl = format!(
        "kms \"aead\" {{\n  purpose   = \"root\"\n  aead_type = \"aes-gcm\"\n  key       = \"{key}\"\n  key_id    = \"global_root\"\n}}\n"
    );
    assert_eq!(rules_of(&hcl), ["aead-kms-key"], "{hcl}");
    let json = format!(
        "{{\"kms\": [{{\"aead\": {{\"aead_type\": \"aes-gcm\", \"key\": \"{key}\"}}}}]}}\n"
    );
    assert_eq!(rules_of(&json), ["aead-kms-key"], "{json}");
    // A reference to the key, or another block's key: no.
    let env = hcl.replace(&key, "env://BOUNDARY_ROOT_KEY");
    assert_eq!(rules_of(&env), Vec::<String>::new(), "{env}");
}
