//! Issue #13 "Quiet on real code": the false-alarm families triaged on real repositories, each
//! as its reduced case, beside a real-looking (random) secret in the same place that must still
//! be reported.

use crate::util;

use leakgate::rules::RuleSet;
use leakgate::scan::{Scanner, Scratch};
use util::random_password;

/// Every finding in `text`: (rule id, 1-based line of the secret).
pub(crate) fn findings(text: &str) -> Vec<(String, usize)> {
    let rules = RuleSet::builtin().unwrap();
    let scanner = Scanner::new(&rules);
    let mut scratch = Scratch::default();
    scanner
        .scan(text.as_bytes(), &mut scratch)
        .into_iter()
        .map(|m| {
            let line = text.as_bytes()[..m.secret.start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            (rules.rules[m.rule].id().to_string(), line)
        })
        .collect()
}

pub(crate) fn rules_of(text: &str) -> Vec<String> {
    findings(text).into_iter().map(|(r, _)| r).collect()
}

#[test]
fn identifiers_with_digit_groups_are_names_not_secrets() {
    for line in [
        "headerAmzSessionToken  = \"x-amz-s3session-token\"\n",
        "password = google_oauth2_access_token\n",
        "secret = google_oauth2_access_token\n",
        "api_key = \"x-goog-api-key-v2\"\n",
        "apiVersion: v1\nkind: Secret\nstringData:\n  SCW_DEFAULT_ZONE: fr-par-1\n",
    ] {
        assert_eq!(rules_of(line), Vec::<String>::new(), "{line}");
    }
    // The same places with a random value: still reported.
    let token = random_password(24);
    assert_eq!(
        rules_of(&format!("headerAmzSessionToken  = \"{token}\"\n")),
        ["generic-access-token"]
    );
    assert_eq!(
        rules_of(&format!(
            "apiVersion: v1\nkind: Secret\nstringData:\n  SCW_SECRET_KEY: {token}\n"
        )),
        ["kubernetes-secret-stringdata"]
    );
}

#[test]
fn a_later_yaml_document_is_not_the_secret() {
    let reduced = "kind: Secret\nstringData:\n  a: b\n---\nkind: DaemonSet\n{{ if .Debug }}\n        terminationMessagePolicy: FallbackToLogsOnError\n";
    assert_eq!(findings(reduced), []);
    // A Secret after a templated document is still read.
    let token = random_password(28);
    let later = format!(
        "kind: DaemonSet\nspec:\n{{{{ if .Debug }}}}\n  x: y\n{{{{ end }}}}\n---\nkind: Secret\nstringData:\n  API_TOKEN: {token}\n"
    );
    assert_eq!(
        findings(&later),
        [("kubernetes-secret-stringdata".to_string(), 9)]
    );
    // `...` ends a document too, and a data: block stops at a template line.
    let b64 = "c2lYdkVQbVJ3UTNxTDhuWjJrVDVmWTd4"; // base64 of 24 random characters
    let data = format!(
        "kind: Secret\ndata:\n  a: YWJj\n...\nkind: DaemonSet\n{{{{ if .Debug }}}}\n        checksum: {b64}\n"
    );
    assert_eq!(findings(&data), []);
    let nested = format!(
        "kind: List\nitems:\n- kind: Secret\n  data:\n    a: YWJj\n---\nkind: DaemonSet\n{{{{ if .Debug }}}}\n    checksum: {b64}\n"
    );
    assert_eq!(findings(&nested), []);
}

#[test]
fn prose_after_a_colon_in_a_doc_comment_is_not_a_key() {
    let doc = "\t// SourceImageEncryptionKey: Thecustomer-supplied\n\t// encryption key of the source image.\n";
    assert_eq!(findings(doc), []);
    // A key commented out of a config file is still a key.
    let key = random_password(25);
    assert_eq!(
        rules_of(&format!("# encryption_key: {key}\n")),
        ["generic-encryption-key"]
    );
}

#[test]
fn password_hash_formats_are_not_passwords() {
    let salt = "Rjks2w4g2YhF1joo";
    let hex = "ef99744bcd40fecb9e4e09ebbca754cb951d7925f76f53f098f562e87afdf0d6";
    let bcrypt = "$2a$10$s0GB74FvlrNEBVgLvzOyNnIdFetzh4VVm4NCTSlGD5KTfeRF6eDpc";
    for text in [
        format!(
            "<user name=\"jimi\" password=\"{{bcrypt}}{bcrypt}\" authorities=\"ROLE_USER\"/>\n"
        ),
        format!("<user name=\"bob\" password=\"{{sha256}}{hex}\"/>\n"),
        format!("<user name=\"bob\" password=\"{{pbkdf2@SpringSecurity_v5_8}}{hex}\"/>\n"),
        "<security:user name=\"gnu\" password=\"{noop}gnat\" authorities=\"ROLE_FOO\" />\n".into(),
        format!("PASSWORD_HASH = \"pbkdf2:sha256:600000${salt}${hex}\"\n"),
        format!("admin_password = \"scrypt:32768:8:1${salt}${hex}\"\n"),
        format!("  \"password\": \"pbkdf2_sha256$870000${salt}${hex}\",\n"),
    ] {
        assert_eq!(findings(&text), [], "{text}");
    }
    // What a password encoder produced, by its name: a hash in hex or base64.
    for text in [
        format!("String encodedPassword = \"{hex}{hex}\";\n"),
        format!("String originalEncodedPassword = \"{hex}\";\n"),
        format!("    hashed_password: '{hex}',\n"),
    ] {
        assert_eq!(findings(&text), [], "{text}");
    }
    assert_eq!(
        rules_of(&format!(
            "String decodedPassword = \"{}\";\n",
            random_password(18)
        )),
        ["password-in-code"]
    );
    // A {noop} password that is not a demo word is the password itself.
    let password = random_password(14);
    assert_eq!(
        rules_of(&format!(
            "<user name=\"svc\" password=\"{{noop}}{password}\" authorities=\"ROLE_ADMIN\"/>\n"
        )),
        ["password-in-xml-attribute"]
    );
}

#[test]
fn a_string_joined_to_an_expression_is_not_a_password() {
    assert_eq!(findings("user.set('password', 'user_num_' + i);\n"), []);
    assert_eq!(findings("  password: 'user_num_' + i,\n"), []);
    let password = random_password(16);
    assert_eq!(
        rules_of(&format!("user.set('password', '{password}');\n")),
        ["password-in-json"]
    );
    assert_eq!(
        rules_of(&format!("user.password = '{password}'")),
        ["password-in-code"]
    );
}

#[test]
fn test_values_that_spell_secret_or_password_and_redacted_placeholders() {
    for text in [
        "resource \"scaleway_rdb_user\" \"main\" {\n  password = \"Th1s_1s_@_s3cr3t_val\"\n}\n",
        "resource \"scaleway_rdb_user\" \"main\" {\n  password = \"M4sterP4sSw#rd\"\n}\n",
        "body: '{\"id\":\"x\",\"sudo_password\":\"\\u003csealed\\u003e\",\"state\":\"ready\"}'\n",
    ] {
        assert_eq!(findings(text), [], "{text}");
    }
    let password = random_password(16);
    assert_eq!(
        rules_of(&format!(
            "resource \"scaleway_rdb_user\" \"main\" {{\n  password = \"{password}\"\n}}\n"
        )),
        ["terraform-resource-secret"]
    );
    assert_eq!(
        rules_of(&format!(
            "body: '{{\"id\":\"x\",\"sudo_password\":\"{password}\",\"state\":\"ready\"}}'\n"
        )),
        ["password-in-json"]
    );
}

#[test]
fn the_same_secret_twice_on_a_line_is_one_finding() {
    // A cassette's server body: the password under its key, and again in the VNC URL.
    let password = random_password(12);
    let body = format!(
        "body: '{{\"sudo_password\":\"{password}\",\"tags\":[],\"vnc_url\":\"vnc://m1:{password}@62.210.193.163:59010\"}}'\n"
    );
    assert_eq!(findings(&body), [("password-in-json".to_string(), 1)]);
    // Two different secrets on the line stay two findings.
    let other = random_password(12);
    let body = format!(
        "body: '{{\"sudo_password\":\"{password}\",\"tags\":[],\"vnc_url\":\"vnc://m1:{other}@62.210.193.163:59010\"}}'\n"
    );
    assert_eq!(rules_of(&body), ["password-in-json", "url-basic-auth"]);
    // The same secret on two lines: one finding on each.
    let two = format!("  \"password\": \"{password}\",\n  \"password\": \"{password}\",\n");
    assert_eq!(findings(&two).len(), 2);
}

#[test]
fn documented_examples_are_not_credentials() {
    // AWS pairs its secrets with `…EXAMPLE` identifiers, on the line or in the block.
    let secret = random_password(32);
    let line = format!(
        "    --xks-proxy-authentication-credential \"AccessKeyId=ABCDE12345670EXAMPLE, RawSecretAccessKey={secret}\"\n"
    );
    assert_eq!(findings(&line), []);
    let block = format!(
        "    {{\n        \"ServiceUserName\": \"sofia-at-123456789012\",\n        \"ServicePassword\": \"{secret}\",\n        \"ServiceSpecificCredentialId\": \"ACCAEXAMPLE123EXAMPLE\"\n    }}\n"
    );
    assert_eq!(findings(&block), []);
    // In a block of its own, the same value is reported.
    let apart = format!(
        "    \"ServiceSpecificCredentialId\": \"ACCAEXAMPLE123EXAMPLE\"\n\n    {{\n        \"ServicePassword\": \"{secret}\"\n    }}\n"
    );
    assert_eq!(rules_of(&apart), ["password-in-json"], "{apart}");
    // Typed to look random: digits that count up, a run along the keyboard's rows.
    for text in [
        "--sidewalk AmazonId=\"12345678901234\",AppServerPrivateKey=\"a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234\"\n",
        "\"authorizationToken\": \"QVdTOmV5SndZWGxzYjJKJFHDSFKJHERWUY65IOU36TRYEGFNSDLRIUOTUYTHJKLDFGOcmFUQk9OSFV2UVV4a0x6\",\n",
        "    password = \"kjfhueyt9485osdfasdkljfh4lkjhakldjfhalkdsjf\"\n",
    ] {
        assert_eq!(findings(text), [], "{text}");
    }
}

#[test]
fn example_code_in_a_doc_comment_is_not_an_assignment() {
    let password = random_password(14);
    let doc = format!(
        "      # ==== Examples\n      #\n      #   user = User.new(name: 'david', password: '{password}')\n      #   user.save\n"
    );
    assert_eq!(findings(&doc), []);
    // Code, and a line commented out of code, are still read.
    assert_eq!(
        rules_of(&format!(
            "user = User.new(name: 'david', password: '{password}')\n"
        )),
        ["password-in-code"]
    );
    assert_eq!(
        rules_of(&format!("x = 1\n# password = '{password}'\n")),
        ["password-in-code"]
    );
}

#[test]
fn a_fixture_written_again_and_again_is_not_a_leak() {
    let token = random_password(32);
    let test = format!(
        "    opaque_token = \"{token}\"\n    payload = {{\"access_token\": \"{token}\"}}\n    assert decode(\"{token}\") is None\n"
    );
    assert_eq!(findings(&test), []);
    // Once or twice, it is reported; and a recording repeats real values.
    let once = format!("    payload = {{\"access_token\": \"{token}\"}}\n");
    assert_eq!(rules_of(&once), ["generic-access-token"]);
    let cassette = format!(
        "---\nversion: 2\ninteractions:\n    - body: '{{\"access_token\": \"{token}\"}}'\n    - body: '{{\"access_token\": \"{token}\"}}'\n    - body: '{{\"access_token\": \"{token}\"}}'\n"
    );
    assert_eq!(findings(&cassette).len(), 3);
}

#[test]
fn a_documentation_page_illustrates_values_and_keeps_tokens() {
    let dir = util::tempdir().unwrap();
    let password = random_password(14);
    let token = util::fake_github_token("ghp_");
    let page = format!(
        "For example, the file might look like the following. ::\n\n    {{\n        \"OldPassword\": \"{password}\"\n    }}\n\nand a token: {token}\n"
    );
    std::fs::write(dir.path().join("change-password.rst"), &page).unwrap();
    std::fs::write(dir.path().join("change-password.json"), &page).unwrap();
    let out = util::run(
        util::leakgate()
            .arg("scan")
            .arg(dir.path())
            .args(["--format", "json"]),
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut got: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, String)> = [
        ("change-password.json", "github-classic-token"),
        ("change-password.json", "password-in-json"),
        ("change-password.rst", "github-classic-token"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn passwords_a_person_wrote_are_not_generated_secrets() {
    for text in [
        "    variables = {\n        \"password\": \"spanishinquisition\",\n    }\n",
        "    @user = User.create(password: \"abc123\", recovery_password: \"123abc\")\n",
        "\tprivate static final String UNICODE_PASSWORD = \"пароль密码パスワード🔐\";\n",
        "  \"http://openid.aol.com%2Fnextangler:one+two%3F@www.basecamphq.com/c/a/i\",\n",
        "\tpassword := \"HelloWorld123!\"\n",
    ] {
        assert_eq!(findings(text), [], "{text}");
    }
    // Generated passwords in the same places stay.
    let password = random_password(16);
    assert_eq!(
        rules_of(&format!(
            "    variables = {{\n        \"password\": \"{password}\",\n    }}\n"
        )),
        ["password-in-json"]
    );
    assert_eq!(
        rules_of(&format!(
            "    @user = User.create(password: \"{password}\")\n"
        )),
        ["password-in-code"]
    );
}

#[test]
fn a_digest_under_its_password_encoder_is_not_the_password() {
    let md5 = "12b141f35d58b8b3a46eea65e6ac179e";
    let b64 = "ErFB811YuLOkbupl5qwXng==";
    for value in [md5, b64] {
        let xml = format!(
            "  + \"        <password-encoder ref='passwordEncoder'/>\"\n  + \"        <user-service>\"\n  + \"            <user name='bob' password='{value}' authorities='ROLE_A' />\"\n"
        );
        assert_eq!(findings(&xml), [], "{xml}");
    }
    // Without an encoder in sight, a hex value is what it looks like: a password.
    let xml = format!("<user name='bob' password='{md5}' authorities='ROLE_A' />\n");
    assert_eq!(rules_of(&xml), ["password-in-xml-attribute"]);
}

#[test]
fn an_ssh_public_key_is_not_a_service_key() {
    // A cloud API's recorded server tags: the public key a server is given, under a `_KEY`
    // name, with `_` for the space the tag cannot hold.
    let key = format!("AAAAC3NzaC1lZDI1NTE5AAAAI{}", util::random_base62(43));
    let body =
        format!("    body: \"{{\\\"tags\\\":[\\\"AUTHORIZED_KEY=ssh-ed25519_{key}_key1\\\"]}}\"\n");
    assert_eq!(findings(&body), [], "{body}");
    assert_eq!(
        findings(&format!("deploy_key = \"ssh-ed25519 {key} me@host\"\n")),
        []
    );
    // A random value under the same name is reported.
    let token = util::random_base62(40);
    let body = format!("    body: \"{{\\\"tags\\\":[\\\"AUTHORIZED_KEY={token}\\\"]}}\"\n");
    assert_eq!(rules_of(&body), ["generic-service-key"], "{body}");
}

#[test]
fn placeholder_words_keyboard_runs_and_values_that_spell_their_purpose() {
    // A URL parser's tests: `foo`/`bar`, a run along the keyboard; a test's secret that says
    // what it is.
    for text in [
        "'mysql://foo%3A:bar%2F@localhost/baz+baz%40',\n",
        "'mysql://foo:bar%25bar@localhost/baz',\n",
        "'url' => 'redis://h:asdfqwer1234asdf@ec2-111-1-1-1.compute-1.amazonaws.com:111',\n",
        "$this->secret = 'AmAz0n+SqSsEcReT+aLpHaNuM3R1CsTr1nG';\n",
        "\"scw rdb user update name=%s password=Newp1ssw0rd! is-admin=true\",\n",
        "  \"password\": \"Newp1ssw0rd!\"\n",
    ] {
        assert_eq!(findings(text), [], "{text}");
    }
    // Random values in the same places are reported.
    let password = util::random_base62(16);
    assert_eq!(
        rules_of(&format!("'mysql://foo:{password}@localhost/baz',\n")),
        ["mysql-url-password"]
    );
    assert_eq!(
        rules_of(&format!(
            "'url' => 'redis://h:{password}@ec2-111-1-1-1.compute-1.amazonaws.com:111',\n"
        )),
        ["redis-url-password"]
    );
    let secret = random_password(35);
    assert_eq!(
        rules_of(&format!("$this->secret = '{secret}';\n")),
        ["generic-secret"]
    );
}

#[test]
fn basic_credentials_with_a_placeholder_password_are_an_illustration() {
    let b64 = |s: &str| -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in s.as_bytes().chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                out.push(if i <= c.len() {
                    A[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                });
            }
        }
        out
    };
    // A README's docker config, a test's header.
    for login in ["AzureDiamond:hunter2", "user:pass:word"] {
        let auth = b64(login);
        for text in [
            format!(
                "{{\n\t\"auths\": {{\n\t\t\"registry.example.com\": {{\n\t\t\t\"auth\": \"{auth}\"\n\t\t}}\n\t}}\n}}\n"
            ),
            format!("request.header(HttpHeaders.AUTHORIZATION, \"Basic {auth}\");\n"),
        ] {
            assert_eq!(findings(&text), [], "{text}");
        }
    }
    // A generated password is reported under each rule.
    let auth = b64(&format!("ci-bot:{}", random_password(20)));
    assert_eq!(
        rules_of(&format!(
            "{{\"auths\": {{\"r.io\": {{\"auth\": \"{auth}\"}}}}}}\n"
        )),
        ["docker-config-json-auth"]
    );
    assert_eq!(
        rules_of(&format!(
            "request.header(HttpHeaders.AUTHORIZATION, \"Basic {auth}\");\n"
        )),
        ["authorization-basic"]
    );
}

#[test]
fn unsigned_jwts_and_dpop_proofs_are_no_bearer_tokens() {
    // A test's unsigned token; a documentation page's DPoP proof (a request header).
    let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJtb2NrLXN1YmplY3QiLCJzY29wZSI6Im1lc3NhZ2U6cmVhZCJ9.";
    let dpop = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwiY3J2IjoiUC0yNTYiLCJ4IjoiQ3ZpMmU0UmxhcU5wME1JajhVZWFPUXRfOENBTGVXdXNIMkJIMkVURksyQSIsInkiOiJBMktGVEUySEIySHN1V2VMQUM4X3RRT2FlVThqSU0wcE5xYWxSNGUyaXZDIn19.eyJodG0iOiJQT1NUIiwiaHR1IjoiaHR0cHM6Ly9zZXJ2ZXIuZXhhbXBsZS5jb20vb2F1dGgyL3Rva2VuIiwiaWF0IjoxNzQ2ODA2MzA1LCJqdGkiOiI0YjIzNDBkMi1hOTFmLTQwYTUtYmFhOS1kZDRlNWRlYWM4NjcifQ.HLxDsCxqjBLd3qbJskH53rGTD-2U3OpSH5r44wLzwTGV6HJYq-EEyUqj37Xa2fCs_4Gu0GSzVrE_BfeTRxLyvo";
    for text in [
        format!("private String unsignedToken = \"{unsigned}\";\n"),
        format!("DPoP: {dpop}\n"),
        format!("dpop_proof = \"{dpop}\"\n"),
    ] {
        assert_eq!(findings(&text), [], "{text}");
    }
    // The same token signed is reported.
    let (_, rest) = unsigned.split_once('.').unwrap();
    let signed = format!(
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{rest}{}",
        util::random_base62(43)
    );
    assert_eq!(
        rules_of(&format!("private String token = \"{signed}\";\n")),
        ["jwt"]
    );
}

#[test]
fn example_code_in_a_block_comment_is_not_an_assignment() {
    // Go package documentation: `/*`, prose, tab-indented code.
    let secret = util::random_base62(32);
    let doc = format!(
        "/*\nPackage ec2tokens provides information.\n\nExample to Create a Token\n\n\tauthOptions = &ec2tokens.AuthOptions{{\n\t\tSecret: \"{secret}\",\n\t}}\n*/\npackage ec2tokens\n"
    );
    assert_eq!(findings(&doc), [], "{doc}");
    // Code after the comment, and a line of code commented out, are still read.
    let code = format!("/* setup */\nopts := Options{{\n\tSecret: \"{secret}\",\n}}\n");
    assert_eq!(rules_of(&code), ["generic-secret"]);
    let commented = format!("/*\nSecret: \"{secret}\",\n*/\n");
    assert_eq!(rules_of(&commented), ["generic-secret"]);
    let globbed = format!("x := \"src/**/*.go\"\n\tSecret: \"{secret}\",\n");
    assert_eq!(rules_of(&globbed), ["generic-secret"]);
}

#[test]
fn repetition_lowers_only_a_generic_value_in_one_file() {
    // Decision (#13): a named value with no format of its own, written three times in one
    // file, is that test's fixture. A token in its provider's format, or a private key, is
    // reported at every place however often it is repeated (a repository's golden files
    // repeat one test key dozens of times: each is a copy of key material), and nothing is
    // counted across files.
    let token = util::fake_github_token("ghp_");
    let body = util::random_base62(64);
    let key = format!(
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow{body}\n{body}\n-----END RSA PRIVATE KEY-----\n"
    );
    let text = format!("a = \"{token}\"\nb = \"{token}\"\nc = \"{token}\"\n{key}{key}{key}");
    let got = rules_of(&text);
    assert_eq!(
        got.iter().filter(|r| *r == "github-classic-token").count(),
        3,
        "{got:?}"
    );
    assert_eq!(
        got.iter().filter(|r| r.starts_with("private-key")).count(),
        3,
        "{got:?}"
    );
    // The generic fixture: once per file is reported, whatever other files hold.
    let secret = random_password(32);
    let once = format!("    payload = {{\"access_token\": \"{secret}\"}}\n");
    for _ in 0..3 {
        assert_eq!(rules_of(&once), ["generic-access-token"]);
    }
    assert_eq!(findings(&once.repeat(3)), []);
}

/// A credential a provider or SDK publishes as a sample (the Firebase Android SDK's test
/// apps' Google API keys, AWS's `…EXAMPLE` keys) is listed once in the rule data
/// (`[[published_example]]`, by its SHA-1) and reported by no rule; any other key of the same
/// format still is.
#[test]
fn published_example_keys_are_listed_once_for_every_rule() {
    let mut rng = util::Rng::fresh();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut key = || -> String {
        let tail: String = (0..35)
            .map(|_| alphabet[rng.below(alphabet.len())] as char)
            .collect();
        format!("AIzaSy{}", &tail[2..])
    };
    let (published, other) = (key(), key());
    let text = format!("<string name=\"google_api_key\">{published}</string>\n");
    let other_text = format!("<string name=\"google_api_key\">{other}</string>\n");
    assert_eq!(rules_of(&text), ["gcp-api-key"]);

    let mut rules = RuleSet::builtin().unwrap();
    let listed = format!(
        "[[published_example]]\nsource = \"a test\"\nsha1 = [\"{}\"]\n",
        leakgate::finding::fingerprint(published.as_bytes())
    );
    rules.extend(RuleSet::from_toml(&listed, "test.toml").unwrap());
    let scanner = Scanner::new(&rules);
    let mut scratch = Scratch::default();
    assert!(scanner.scan(text.as_bytes(), &mut scratch).is_empty());
    assert_eq!(scanner.scan(other_text.as_bytes(), &mut scratch).len(), 1);

    // AWS's documented family, whatever the rule that would take it.
    for line in [
        "aws_access_key_id = AKIAI44QH8DHBEXAMPLE\n",
        "secret_access_key: je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n",
    ] {
        assert!(rules_of(line).is_empty(), "{line}");
    }
    // A bad SHA-1 is an error that names the entry.
    let bad = RuleSet::from_toml(
        "[[published_example]]\nsource = \"x\"\nsha1 = [\"abc\"]\n",
        "t.toml",
    );
    assert!(bad.is_err_and(|e| e.0.contains("published_example `x`")));
}

/// One finding per secret location (#13): a `.pem`/`.key` file or an `id_rsa` holding a
/// private key is one finding, the file rule's (which says what the file is and how to
/// untrack it), not that and the key's content finding; the same key in a file of another
/// name is the content rule's. A JWK is one finding (its `d`), not one per private member.
#[test]
fn one_finding_per_key_file_and_per_jwk() {
    let key = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n{}\n-----END RSA PRIVATE KEY-----\n",
        util::random_base62(64),
        util::random_base62(64)
    );
    let dir = util::tempdir().unwrap();
    for name in ["server.key", "tls.pem", "id_rsa", "notes.txt"] {
        std::fs::write(dir.path().join(name), &key).unwrap();
    }
    let b64 = |n: usize| util::random_base62(n);
    let jwk = format!(
        "{{\"kty\":\"RSA\",\"n\":\"{}\",\"e\":\"AQAB\",\"d\":\"{}\",\"p\":\"{}\",\"q\":\"{}\",\"dp\":\"{}\",\"dq\":\"{}\",\"qi\":\"{}\"}}\n",
        b64(128),
        b64(128),
        b64(64),
        b64(64),
        b64(64),
        b64(64),
        b64(64)
    );
    std::fs::write(dir.path().join("jwks.json"), jwk).unwrap();
    let out = util::run(
        util::leakgate()
            .current_dir(dir.path())
            .args(["scan", "--format", "json", "."]),
    );
    let v = out.json();
    assert_eq!(
        util::path_rules(&v),
        [
            ("id_rsa", "ssh-private-key-file"),
            ("jwks.json", "jwk-private-key"),
            ("notes.txt", "private-key"),
            ("server.key", "private-key-pem-file"),
            ("tls.pem", "private-key-pem-file"),
        ]
        .map(|(p, r)| (p.to_string(), r.to_string())),
        "{v:#}"
    );
}

#[test]
fn passwords_people_write_with_look_alikes_and_a_year() {
    // A seeder's fixture and an integration test's users (bitwarden/server, ansible).
    for line in [
        "{\"password\": \"AwsR00tAccess2024#\"}\n",
        "{\"password\": \"D0ckerHubPu11er2026\"}\n",
        "Password = \"SecureP@ss123!\",\n",
        "- user:\n    password: 'iWishIWereCoolEnoughForRoot!'\n",
        "- user:\n    password: AbcDef123!@#\n",
        "- cert:\n    password: AnotherStrongPass!\n",
    ] {
        assert_eq!(rules_of(line), Vec::<String>::new(), "{line}");
    }
    // A generated password in the same places: still reported, a year after it or not.
    let pw = random_password(20);
    assert_eq!(
        rules_of(&format!("{{\"password\": \"{pw}\"}}\n")),
        ["password-in-json"]
    );
    assert_eq!(
        rules_of(&format!("Password = \"{pw}\",\n")),
        ["password-in-code"]
    );
}

#[test]
fn names_of_secrets_paths_and_stand_in_keys_are_not_secrets() {
    let fake_body = [
        "fake", "private", "key", "material", "for", "blob", "testing",
    ]
    .concat();
    for line in [
        // a .NET project's user-secrets store id, a key's id
        "<PropertyGroup>\n  <UserSecretsId>contoso-Billing</UserSecretsId>\n</PropertyGroup>\n".to_string(),
        // an assembly's public key token
        "<value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value>\n".to_string(),
        // a path to the file that holds the token
        "iam_web_identity_token = \"/path/to/token/file\"\n".to_string(),
        // a feature flag's name, numbered by its ticket
        "public const string DeviceAuthKey = \"pm-27581-device-auth-key\";\n".to_string(),
        // a PEM block whose body is words
        format!("\"privateKey\": \"-----BEGIN OPENSSH PRIVATE KEY-----\\n{fake_body}\\n-----END OPENSSH PRIVATE KEY-----\",\n"),
    ] {
        assert_eq!(rules_of(&line), Vec::<String>::new(), "{line}");
    }
    let token = random_password(24);
    assert_eq!(
        rules_of(&format!("<signingKey>{token}</signingKey>\n")),
        ["xml-element-secret"]
    );
    assert_eq!(
        rules_of(&format!("iam_web_identity_token = \"{token}\"\n")),
        ["generic-access-token"]
    );
}

#[test]
fn translations_hashes_mocks_and_encoded_stand_ins_are_not_secrets() {
    // Reduced from gogs, firefly-iii, element-android, apache/shiro, bitnami/charts and
    // bitwarden/server.
    for line in [
        // a seeder's human-written passwords: brand names, acronyms, look-alikes, a year
        "{\"password\": \"GcPCl0udAdm1n2024#\"}\n",
        "{\"password\": \"0ktaSS0Adm1n2024#\"}\n",
        // "password" and labels about it, translated in locale files
        "forgot_password=Zapomenuté heslo\n",
        "{\"password\": \"Lösenord\"}\n",
        "password=Palavra-chave\n",
        "\"reset_webhook_secret\": \"Tilbakestill Webhook n\\u00f8kkel\",\n",
        // digits counting down
        "PASSWORD = 87654321\n",
        // a Shiro password hash
        "String storedPassword = '$shiro1$SHA-256$500000$qvBT48YD2nz+w6FishMD+w==$KmYfTMAM5/iseXAux1GCZg5qz03qlweI05alDmzBFxU='\n",
        // a mock, the ciphertext of a wrapped key, a public sender key
        "private static readonly string _mockEncryptedType7WrappedSigningKey = \"7.DRv74Kg1RSlFSam1MNFlGD==\";\n",
        "senderKey = \"5e3EIqg3JfooZnLQ2qHIcBarbassQ4qXblai0\",\n",
        // Laravel's description of its key
        "APP_KEY=SomeRandomStringOf32CharsExactly\n",
        // base64 of example-app-secret
        "secret: ZXhhbXBsZS1hcHAtc2VjcmV0\n",
        // Firebase's legacy key= scheme before a reference
        "curl -H \"Authorization: key=$SERVER_KEY\" https://fcm.googleapis.com/fcm/send\n",
    ] {
        assert_eq!(rules_of(line), Vec::<String>::new(), "{line}");
    }
    // A generated value in the same places is still reported.
    let pw = random_password(20);
    for (line, rule) in [
        (format!("{{\"password\": \"{pw}\"}}\n"), "password-in-json"),
        (format!("forgot_password={pw}\n"), "password-in-ini"),
        (
            format!("private static readonly string _signingKey = \"{pw}\";\n"),
            "generic-encryption-key",
        ),
        (
            format!("curl -H \"Authorization: key={pw}\" https://fcm.googleapis.com/fcm/send\n"),
            "curl-header-credential",
        ),
    ] {
        assert_eq!(rules_of(&line), [rule], "{line}");
    }
}
