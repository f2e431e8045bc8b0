use super::RuleSet;

#[test]
fn an_unknown_validator_is_an_error_that_lists_every_known_one() {
    let src = r#"
[[rule]]
id = "acme-key"
name = "Acme key"
severity = "high"
pattern = '''\b(acme_[a-z0-9]{32})\b'''
keywords = ["acme_"]
validator = "crc64"
description = "d"
remediation = "r"
"#;
    let err = RuleSet::from_toml(src, "extra.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown validator `crc64`"), "{err}");
    for (name, v) in crate::validate::Validator::ALL {
        assert!(err.contains(name), "{name} missing: {err}");
        assert_eq!(crate::validate::Validator::from_name(name), Some(*v));
    }
}
