//! `{keywords}` in a rule's pattern stands for the alternation of the rule's keywords, so
//! that a rule whose keywords are the names it looks for (a table of services, one name a
//! row) lists each name once. Shared by `build.rs` and the rule loader, so that the compiled
//! rules and a parsed rule file say the same.

/// What a pattern writes where its keywords go.
pub const KEYWORDS: &str = "{keywords}";

/// The pattern with `{keywords}` replaced by its keywords, escaped, longest first; `None`
/// when the pattern does not use them. (`{` followed by a letter is not regex syntax, so the
/// marker cannot be mistaken for a repetition.)
pub fn keywords_in(pattern: &str, keywords: &[impl AsRef<str>]) -> Option<String> {
    if !pattern.contains(KEYWORDS) {
        return None;
    }
    let mut names: Vec<&str> = keywords.iter().map(AsRef::as_ref).collect();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    names.dedup();
    let alternation = names
        .iter()
        .map(|k| regex_syntax::escape(k))
        .collect::<Vec<_>>()
        .join("|");
    Some(pattern.replace(KEYWORDS, &alternation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped_longest_first() {
        let p = keywords_in(r"(?i)\b(?:{keywords})_key", &["ab", "a.b", "abc"]).unwrap();
        assert_eq!(p, r"(?i)\b(?:a\.b|abc|ab)_key");
        assert!(keywords_in(r"\bab_key", &["ab"]).is_none());
    }
}
