//! Editing `.gitignore` files and showing the edit as a patch.
//!
//! Edits only ever append: existing content and its line endings are kept, no entry is added
//! twice, and the result ends with a newline. Writes are atomic (temp file + rename).

use std::io::Write;
use std::path::Path;

/// The content of `existing` with `patterns` appended (under a comment header), or `None` if
/// every pattern is already there. Keeps CRLF line endings if the file uses them.
pub fn append_patterns(existing: &str, patterns: &[String], header: &str) -> Option<String> {
    let present: std::collections::HashSet<&str> = existing
        .lines()
        .map(|l| l.trim_end_matches('\r').trim())
        .collect();
    let mut missing: Vec<&str> = Vec::new();
    for p in patterns {
        let p = p.trim();
        if !p.is_empty() && !present.contains(p) && !missing.contains(&p) {
            missing.push(p);
        }
    }
    if missing.is_empty() {
        return None;
    }
    let eol = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = existing.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    if !out.is_empty() && !out.ends_with(&format!("{eol}{eol}")) {
        out.push_str(eol);
    }
    if !header.is_empty() && !present.contains(header) {
        out.push_str(header);
        out.push_str(eol);
    }
    for p in missing {
        out.push_str(p);
        out.push_str(eol);
    }
    Some(out)
}

/// Like [`append_patterns`], but a user's own negation (`!.env.local`) that one of the appended
/// patterns would override (in gitignore the last match wins) is repeated after them, so that
/// the user's explicit choice still holds. Idempotent: once every pattern is present, `None`.
pub fn append_patterns_keeping_negations(
    existing: &str,
    patterns: &[String],
    header: &str,
) -> Option<String> {
    let mut out = append_patterns(existing, patterns, header)?;
    if !existing.lines().any(|l| l.trim_start().starts_with('!')) {
        return Some(out); // no negation of the user's to keep
    }
    let appended = &out[existing.len()..];
    // The positive patterns that were appended now.
    let mut builder = ignore::gitignore::GitignoreBuilder::new("/");
    builder.case_insensitive(false).ok();
    let mut any = false;
    for line in appended.lines() {
        let l = line.trim_end_matches('\r').trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with('!') {
            continue;
        }
        if builder.add_line(None, l).is_ok() {
            any = true;
        }
    }
    if !any {
        return Some(out);
    }
    let Ok(matcher) = builder.build() else {
        return Some(out);
    };
    let ours: std::collections::HashSet<&str> = patterns.iter().map(|p| p.trim()).collect();
    let eol = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut again: Vec<&str> = Vec::new();
    for line in existing.lines() {
        let l = line.trim_end_matches('\r').trim();
        let Some(target) = l.strip_prefix('!') else {
            continue;
        };
        // (a line that is not UTF-8 is not repeated: the copy would not be its bytes)
        if ours.contains(l) || again.contains(&l) || l.contains('\u{FFFD}') {
            continue;
        }
        let Some(probe) = probe_name(target) else {
            continue;
        };
        if matcher
            .matched_path_or_any_parents(&probe, target.ends_with('/'))
            .is_ignore()
        {
            again.push(l);
        }
    }
    if !again.is_empty() {
        out.push_str("# Kept from above: your exceptions still apply");
        out.push_str(eol);
        for l in again {
            out.push_str(l);
            out.push_str(eol);
        }
    }
    Some(out)
}

/// [`append_patterns_keeping_negations`] on the bytes of a `.gitignore`, which need not be
/// UTF-8: the decisions are made on the text, and the result is the file's bytes exactly as
/// they were, then what is appended (a pattern like `build-\xff/` stays as it is).
pub fn append_to_bytes(existing: &[u8], patterns: &[String], header: &str) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(existing);
    let new = append_patterns_keeping_negations(&text, patterns, header)?;
    let mut out = existing.to_vec();
    out.extend_from_slice(&new.as_bytes()[text.len()..]);
    Some(out)
}

/// `patterns` without each plain name (no wildcard, no `/`, not negated) that the others
/// already ignore wherever it sits: `id_rsa` beside `*_rsa`. Git's verdict on every path is
/// the same with or without it (the others' last matching line ignores the name), so the
/// patch is shorter and means the same.
pub fn without_subsumed(patterns: &[String]) -> Vec<String> {
    let plain = |p: &str| {
        let p = p.trim();
        !p.is_empty() && !p.starts_with(['!', '#']) && !p.contains(['*', '?', '[', '\\', '/'])
    };
    let mut others = ignore::gitignore::GitignoreBuilder::new("");
    for p in patterns.iter().filter(|p| !plain(p)) {
        // A line the builder cannot read stays, and only narrows what is dropped.
        let _ = others.add_line(None, p);
    }
    let Ok(others) = others.build() else {
        return patterns.to_vec();
    };
    patterns
        .iter()
        .filter(|p| {
            let name = p.trim();
            !plain(name)
                || ![name.to_string(), format!("x/{name}")].iter().all(|path| {
                    [false, true]
                        .iter()
                        .all(|&dir| others.matched(path, dir).is_ignore())
                })
        })
        .cloned()
        .collect()
}

/// Patterns that differ only in one separator (`.`, `-` or `_`) at the same place, merged into
/// one line with a class of those separators: `*.kubeconfig`, `*-kubeconfig` and
/// `*_kubeconfig` become `*[-._]kubeconfig`, `.netrc` and `_netrc` become `[._]netrc`. Git
/// ignores exactly the same paths; the merged line takes the first one's place. Negations and
/// patterns with a class or an escape already are left as they are.
pub fn merge_separators(patterns: &[String]) -> Vec<String> {
    const SEPS: &[u8] = b"-._";
    let mergeable = |p: &str| !p.starts_with(['!', '#']) && !p.contains(['[', '\\']);
    let mut out: Vec<String> = Vec::new();
    let mut used = vec![false; patterns.len()];
    for i in 0..patterns.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let a = patterns[i].as_bytes();
        if !mergeable(&patterns[i]) {
            out.push(patterns[i].clone());
            continue;
        }
        // The first separator position where a later pattern differs from this one only there.
        let mut merged: Option<(usize, Vec<u8>)> = None;
        for j in i + 1..patterns.len() {
            let b = patterns[j].as_bytes();
            if used[j] || !mergeable(&patterns[j]) || b.len() != a.len() {
                continue;
            }
            let diff: Vec<usize> = (0..a.len()).filter(|&k| a[k] != b[k]).collect();
            let [k] = diff[..] else { continue };
            if !SEPS.contains(&a[k]) || !SEPS.contains(&b[k]) {
                continue;
            }
            match &mut merged {
                None => merged = Some((k, vec![a[k], b[k]])),
                Some((at, seps)) if *at == k => seps.push(b[k]),
                Some(_) => continue,
            }
            used[j] = true;
        }
        match merged {
            None => out.push(patterns[i].clone()),
            Some((k, mut seps)) => {
                seps.sort_unstable(); // `-` first: a literal in a class
                seps.dedup();
                let class = String::from_utf8(seps).expect("ASCII separators");
                out.push(format!(
                    "{}[{class}]{}",
                    &patterns[i][..k],
                    &patterns[i][k + 1..]
                ));
            }
        }
    }
    out
}

/// A unified diff (`a/` and `b/` headers, as `git apply` expects) from `old` to `new` of the
/// repo-relative `path`. `old == None` means the file does not exist yet.
pub fn unified_patch(path: &str, old: Option<&str>, new: &str) -> String {
    let patch = unified_patch_bytes(path, old.map(str::as_bytes), new.as_bytes());
    String::from_utf8_lossy(&patch).into_owned()
}

/// [`unified_patch`] of bytes: the patch holds the file's own bytes (not UTF-8 ones too), so
/// that `git apply` applies it.
pub fn unified_patch_bytes(path: &str, old: Option<&[u8]>, new: &[u8]) -> Vec<u8> {
    let before = old.unwrap_or(b"");
    // Lines as git numbers them (only `\n` ends one, see `staged::lines`): `similar`'s own
    // splitting also ends a line at a lone `\r`, and `git apply` would reject the hunk.
    let old_lines: Vec<&[u8]> = crate::git::staged::lines(before).collect();
    let new_lines: Vec<&[u8]> = crate::git::staged::lines(new).collect();
    let diff = similar::TextDiff::configure()
        .newline_terminated(true)
        .diff_slices(&old_lines, &new_lines);
    let mut out = Vec::new();
    out.extend_from_slice(format!("diff --git a/{path} b/{path}\n").as_bytes());
    if old.is_none() {
        out.extend_from_slice(b"new file mode 100644\n");
    }
    let from = if old.is_none() {
        "/dev/null".to_string()
    } else {
        format!("a/{path}")
    };
    // Hunk by hunk: similar's `UnifiedDiff::to_writer` formats each hunk as text (lossy);
    // the hunk's own `to_writer` writes the lines' bytes.
    let mut udiff = diff.unified_diff();
    udiff.context_radius(3).missing_newline_hint(true);
    for (i, hunk) in udiff.iter_hunks().enumerate() {
        if i == 0 {
            out.extend_from_slice(format!("--- {from}\n+++ b/{path}\n").as_bytes());
        }
        hunk.to_writer(&mut out).expect("writing to memory");
    }
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out
}

/// [`write_atomic`] for a file of the repository whose work tree is `root`, which may be a
/// symbolic link (a tracked `.gitignore` that links to a shared one): the link is kept and its
/// target written, if that target is inside `root`; a link that leads outside `root`, or
/// nowhere, is refused with an error naming both, and nothing is written.
pub fn write_atomic_within(root: &Path, path: &Path, content: &[u8]) -> std::io::Result<()> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return write_atomic(path, content);
    }
    let refuse = |why: String| {
        std::io::Error::other(format!(
            "{} is a symbolic link {why}: not written through (edit the file it links to, or \
             replace the link with a file)",
            path.display()
        ))
    };
    let target = std::fs::canonicalize(path).map_err(|_| refuse("to nothing".into()))?;
    let inside = std::fs::canonicalize(root).is_ok_and(|r| target.starts_with(r));
    if !inside {
        return Err(refuse(format!(
            "to {}, outside {}",
            target.display(),
            root.display()
        )));
    }
    write_atomic(&target, content)
}

/// Write `content` to `path` atomically: a temp file in the same directory, then a rename.
/// The file's permissions are kept when it already exists.
pub fn write_atomic(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.leakgate-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        if let Ok(md) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, md.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A file name that the gitignore `pattern` matches, to probe the exclude stack with.
/// `None` for patterns that cannot be probed with one name (directories, classes, negations).
pub fn probe_name(pattern: &str) -> Option<String> {
    let p = pattern.trim();
    if p.is_empty() || p.starts_with('!') || p.starts_with('#') || p.ends_with('/') {
        return None;
    }
    if p.contains('[') || p.contains('\\') {
        return None;
    }
    let p = p.strip_prefix("**/").unwrap_or(p);
    let p = p.strip_prefix('/').unwrap_or(p);
    Some(p.replace("**", "x").replace(['*', '?'], "x"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_name_the_other_patterns_ignore_is_left_out() {
        let kept = without_subsumed(&pats(&[
            "id_rsa",
            "*_rsa",
            ".env",
            ".env.*",
            "!.env*.example",
            "privkey.pem",
            "*.key",
            "server.key",
            "keep_rsa",
            "!keep_rsa",
            "/anchored_rsa",
        ]));
        // `id_rsa` is `*_rsa`'s, `server.key` is `*.key`'s; `.env` is not `.env.*`'s;
        // a negated name is not ignored by the others; a pattern with a `/` stays.
        assert_eq!(
            kept,
            pats(&[
                "*_rsa",
                ".env",
                ".env.*",
                "!.env*.example",
                "privkey.pem",
                "*.key",
                "keep_rsa",
                "!keep_rsa",
                "/anchored_rsa",
            ])
        );
    }

    #[test]
    fn patterns_that_differ_in_one_separator_are_one_line() {
        let merged = merge_separators(&pats(&[
            "*.kubeconfig",
            ".netrc",
            "*-kubeconfig",
            "_netrc",
            "*_kubeconfig",
            "*_rsa",
            "*_dsa",
            "*-key.pem",
            "*.key.pem",
            "!.env*.example",
            "!.env-x.example",
            "*.[pP]12",
            "*-[pP]12",
        ]));
        assert_eq!(
            merged,
            pats(&[
                "*[-._]kubeconfig",
                "[._]netrc",
                "*_rsa",
                "*_dsa",
                "*[-.]key.pem",
                "!.env*.example",
                "!.env-x.example",
                "*.[pP]12",
                "*-[pP]12",
            ])
        );
        // Git ignores the same names with the merged lines as with the originals.
        let build = |lines: &[String]| {
            let mut b = ignore::gitignore::GitignoreBuilder::new("");
            for l in lines {
                b.add_line(None, l).unwrap();
            }
            b.build().unwrap()
        };
        let before = build(&pats(&[
            "*.kubeconfig",
            "*-kubeconfig",
            "*_kubeconfig",
            ".netrc",
            "_netrc",
        ]));
        let after = build(&pats(&["*[-._]kubeconfig", "[._]netrc"]));
        for name in [
            "a.kubeconfig",
            "a-kubeconfig",
            "a_kubeconfig",
            "akubeconfig",
            "a+kubeconfig",
            ".netrc",
            "_netrc",
            "-netrc",
            "netrc",
        ] {
            assert_eq!(
                before.matched(name, false).is_ignore(),
                after.matched(name, false).is_ignore(),
                "{name}"
            );
        }
    }

    #[test]
    fn appends_to_empty_file() {
        let out = append_patterns("", &pats(&[".env", "!.env.example"]), "# leakgate").unwrap();
        assert_eq!(out, "# leakgate\n.env\n!.env.example\n");
    }

    #[test]
    fn keeps_content_adds_final_newline_and_blank_line() {
        let out = append_patterns("target", &pats(&[".env"]), "# leakgate").unwrap();
        assert_eq!(out, "target\n\n# leakgate\n.env\n");
    }

    #[test]
    fn keeps_crlf() {
        let out = append_patterns("target\r\nnode_modules", &pats(&[".env"]), "# x").unwrap();
        assert_eq!(out, "target\r\nnode_modules\r\n\r\n# x\r\n.env\r\n");
    }

    #[test]
    fn no_duplicates_and_noop_when_present() {
        assert_eq!(append_patterns(".env\n", &pats(&[".env"]), "# x"), None);
        assert_eq!(append_patterns(" .env \r\n", &pats(&[".env"]), "# x"), None);
        let out = append_patterns(".env\n", &pats(&[".env", "*.pem", "*.pem"]), "").unwrap();
        assert_eq!(out, ".env\n\n*.pem\n");
    }

    #[test]
    fn respects_user_negation_by_not_touching_it() {
        let out = append_patterns("!.env.test\n", &pats(&[".env"]), "").unwrap();
        assert_eq!(out, "!.env.test\n\n.env\n");
    }

    #[test]
    fn user_negation_is_repeated_after_appended_patterns() {
        let existing = "node_modules\n!.env.local\n";
        let out =
            append_patterns_keeping_negations(existing, &pats(&[".env", ".env.*"]), "# x").unwrap();
        assert_eq!(
            out,
            "node_modules\n!.env.local\n\n# x\n.env\n.env.*\n\
             # Kept from above: your exceptions still apply\n!.env.local\n"
        );
        // Running again changes nothing.
        assert_eq!(
            append_patterns_keeping_negations(&out, &pats(&[".env", ".env.*"]), "# x"),
            None
        );
    }

    #[test]
    fn unrelated_negation_and_template_negation_are_not_repeated() {
        let existing = "!keep.txt\r\n!.env.example";
        let out = append_patterns_keeping_negations(
            existing,
            &pats(&[".env", ".env.*", "!.env.example"]),
            "",
        )
        .unwrap();
        assert_eq!(out, "!keep.txt\r\n!.env.example\r\n\r\n.env\r\n.env.*\r\n");
    }

    #[test]
    fn crlf_without_final_newline_keeps_bytes_and_ends_with_newline() {
        let existing = "target\r\n*.log";
        let out = append_patterns_keeping_negations(existing, &pats(&[".env"]), "# x").unwrap();
        assert!(out.starts_with(existing));
        assert_eq!(&out[existing.len()..], "\r\n\r\n# x\r\n.env\r\n");
        assert!(!out.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn patch_has_git_headers() {
        let p = unified_patch(".gitignore", Some("target\n"), "target\n.env\n");
        assert!(p.starts_with(
            "diff --git a/.gitignore b/.gitignore\n--- a/.gitignore\n+++ b/.gitignore\n"
        ));
        assert!(p.contains("+.env\n"));
        let p = unified_patch(".gitignore", None, ".env\n");
        assert!(p.contains("new file mode 100644\n--- /dev/null\n+++ b/.gitignore\n"));
    }

    #[test]
    fn patch_counts_lines_as_git_does() {
        // A lone CR does not end a line: the old file has two lines, not three.
        let p = unified_patch(".gitignore", Some("a\rb\nc\n"), "a\rb\nc\n.env\n");
        assert!(p.contains("@@ -1,2 +1,3 @@\n a\rb\n c\n+.env\n"), "{p:?}");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_kept_in_the_content_and_the_patch() {
        let old: &[u8] = b"build-\xff/\r\nnode_modules\r\ncach\xe9";
        let new = append_to_bytes(old, &pats(&[".env"]), "# h").unwrap();
        assert!(new.starts_with(old), "{new:?}");
        assert!(new.ends_with(b"cach\xe9\r\n\r\n# h\r\n.env\r\n"), "{new:?}");
        let p = unified_patch_bytes(".gitignore", Some(old), &new);
        let want: &[u8] = b" build-\xff/\r\n node_modules\r\n-cach\xe9\n\\ No newline at end of file\n+cach\xe9\r\n";
        assert!(
            p.windows(want.len()).any(|w| w == want),
            "{}",
            String::from_utf8_lossy(&p)
        );
    }

    #[test]
    fn atomic_write_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(".gitignore");
        std::fs::write(&f, "a\n").unwrap();
        write_atomic(&f, b"a\nb\n").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"a\nb\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
