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
        || repeated_fixture(hay, secret)
}

/// Whether `path` is a page of documentation in a markup language (Markdown,
/// reStructuredText, AsciiDoc): what it shows are illustrations of commands, files and
/// responses (`"NewPassword": "]35d/{pB9Fo9wJ"` under "the file might look like the
/// following"), and a generic rule cannot tell an illustration from a value by its form. Keys
/// and tokens in a provider's format are still reported there.
pub fn is_markup_doc(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    [".md", ".markdown", ".rst", ".adoc", ".asciidoc"]
        .iter()
        .any(|ext| name.ends_with(ext))
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
mod tests {
    use super::*;

    fn at(hay: &str, value: &str) -> Range<usize> {
        let i = hay.find(value).unwrap();
        i..i + value.len()
    }

    #[test]
    fn an_example_marker_in_the_block() {
        let hay =
            "aws kms create \\\n  --cred \"AccessKeyId=ABCDE12345670EXAMPLE, Raw=Qk9xT2lZ\"\n";
        assert!(is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
        let hay =
            "{\n  \"ServicePassword\": \"Qk9xT2lZ\",\n  \"Id\": \"ACCAEXAMPLE123EXAMPLE\"\n}\n";
        assert!(is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
        // Another paragraph, or the word in prose: no.
        let hay = "id = ACCAEXAMPLE123EXAMPLE\n\npassword = \"Qk9xT2lZ\"\n";
        assert!(!is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
        let hay = "# EXAMPLE: the EXAMPLES below\npassword = \"Qk9xT2lZ\"\n";
        assert!(!is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
    }

    #[test]
    fn doc_comment_example_code() {
        let hay = "  # Example:\n  #\n  #   user = User.new(password: 'Qk9xT2lZ')\n";
        assert!(is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
        let hay = "// Usage:\n//   client := New(Token: \"Qk9xT2lZ\")\n";
        assert!(is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
        // Commented out, or a lone comment line: still a value.
        let hay = "db:\n# password: Qk9xT2lZ\n";
        assert!(!is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
        let hay = "x = 1\n#   password = 'Qk9xT2lZ'\n";
        assert!(!is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
    }

    #[test]
    fn a_fixture_repeated_through_a_file() {
        let hay = "t = 'Qk9xT2lZ'\nassert a == 'Qk9xT2lZ'\nassert b == 'Qk9xT2lZ'\n";
        assert!(is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
        let hay = "t = 'Qk9xT2lZ'\nassert a == 'Qk9xT2lZ'\n";
        assert!(!is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
        let hay = "---\ninteractions:\n- body: Qk9xT2lZ\n- body: Qk9xT2lZ\n- body: Qk9xT2lZ\n";
        assert!(!is_example(hay.as_bytes(), &at(hay, "Qk9xT2lZ")));
    }
}
