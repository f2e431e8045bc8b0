//! A compiled `[[file]]` rule (a file that must never be tracked), and the name hints that
//! rule out most paths before any glob is compiled or run.

use super::*;

/// A compiled `[[file]]` rule.
#[derive(Debug)]
pub struct FileRule {
    pub spec: FileRuleSpec,
    /// The path globs (lower-cased), compiled on first use: most paths are ruled out by
    /// `hints` without them.
    pub(crate) globs: OnceLock<PathGlobs>,
    /// What the last component of each path glob asks of a path component.
    pub(crate) hints: Vec<NameHint>,
    /// Instead of `globs`: a regex on the path, as written (a gitleaks rule with only `path`).
    pub path_regex: Option<Regex>,
    pub(crate) content: OnceLock<Option<Regex>>,
}

impl FileRule {
    /// A file rule that names paths by a regex (a gitleaks rule with `path` and no `regex`).
    pub(crate) fn by_path_regex(spec: FileRuleSpec, re: Regex) -> FileRule {
        FileRule {
            spec,
            globs: OnceLock::from(PathGlobs::empty()),
            hints: vec![NameHint::any()],
            path_regex: Some(re),
            content: OnceLock::new(),
        }
    }

    /// Whether the repo-relative path (with `/` separators) is named by this rule.
    pub fn matches_path(&self, path: &str) -> bool {
        match &self.path_regex {
            Some(re) => re.is_match(path.as_bytes()),
            None => {
                let lower = path.to_lowercase();
                let names: Vec<&str> = lower.split('/').collect();
                self.matches_lower(&lower, &names)
            }
        }
    }

    /// `names` are the components of `lower`, split once by the caller for all rules.
    pub(crate) fn matches_lower(&self, lower: &str, names: &[&str]) -> bool {
        names
            .iter()
            .any(|name| self.hints.iter().any(|h| h.admits(name)))
            && self.matches_glob(lower)
    }

    /// Whether the globs name the lower-cased path or a directory above it.
    pub(crate) fn matches_glob(&self, lower: &str) -> bool {
        self.globs
            .get_or_init(|| {
                build_globs(&self.spec).expect("path globs checked when the rule was loaded")
            })
            .matches(lower)
    }

    /// Whether the path and (when the rule has a content condition) the content make a finding.
    pub fn matches(&self, path: &str, content: Option<&[u8]>) -> bool {
        self.matches_path(path) && self.content_matches(content)
    }

    /// Whether the content condition (if any) holds.
    pub fn content_matches(&self, content: Option<&[u8]>) -> bool {
        let re = self.content.get_or_init(|| {
            self.spec
                .content
                .as_ref()
                .map(|c| build_regex(c.get_ref()).expect("content regex checked at load"))
        });
        match (re, content) {
            (None, _) => true,
            // A regex with a `value` group (and a `name` group, optionally) holds only when a
            // value it captures reads as a secret (`validate::assigned_value_is_secret`): a
            // dotenv file of flags, ports and hosts is configuration.
            (Some(re), Some(bytes)) if valued(re) => re.captures_iter(bytes).any(|c| {
                let name = c.name("name").map_or(&b""[..], |m| m.as_bytes());
                c.name("value")
                    .is_some_and(|v| crate::validate::assigned_value_is_secret(name, v.as_bytes()))
            }),
            (Some(re), Some(bytes)) => re.is_match(bytes),
            // Content unknown (over the size cap): a rule that reads values fails closed (it
            // reported such files by name before it read them); for the others a content
            // condition cannot be decided, and reporting every large `*.json` would be noise.
            (Some(re), None) => valued(re),
        }
    }

    /// Whether the path alone makes a finding where the content is not the question: an
    /// untracked file that nothing ignores (one `git add .` from a commit) is named by its
    /// path when the rule's content condition reads values, since values change.
    pub fn matches_by_name(&self, content: Option<&[u8]>) -> bool {
        let valued_rule = self
            .spec
            .content
            .as_ref()
            .is_some_and(|c| c.get_ref().contains("(?P<value>"));
        valued_rule || self.content_matches(content)
    }
}

/// Whether a content regex reads values (has a `value` group).
fn valued(re: &Regex) -> bool {
    re.capture_names().any(|n| n == Some("value"))
}

/// Every file rule's name hints, bucketed so that a path component is tried against the few
/// hints it could pass, not all of them (a hint is (rule, hint) indices).
#[derive(Debug)]
pub(crate) struct HintIndex {
    /// How many file rules the index was built over.
    pub(crate) rules: usize,
    /// Hints whose name ends with a known byte (a literal suffix, or an exact name).
    pub(crate) by_last: Vec<Vec<(u32, u32)>>,
    /// Hints with no literal suffix whose name starts with a known byte.
    pub(crate) by_first: Vec<Vec<(u32, u32)>>,
    /// Hints that admit names with any first and last byte (`*key*`, a path regex).
    pub(crate) any: Vec<(u32, u32)>,
}

impl HintIndex {
    pub(crate) fn new(files: &[FileRule]) -> HintIndex {
        let mut ix = HintIndex {
            rules: files.len(),
            by_last: vec![Vec::new(); 256],
            by_first: vec![Vec::new(); 256],
            any: Vec::new(),
        };
        for (r, f) in files.iter().enumerate() {
            for (h, hint) in f.hints.iter().enumerate() {
                let at = (r as u32, h as u32);
                let last = if hint.exact {
                    &hint.prefix
                } else {
                    &hint.suffix
                };
                if let Some(&b) = last.as_bytes().last() {
                    ix.by_last[usize::from(b)].push(at);
                } else if let Some(&b) = hint.prefix.as_bytes().first().filter(|_| !hint.exact) {
                    ix.by_first[usize::from(b)].push(at);
                } else {
                    ix.any.push(at);
                }
            }
        }
        ix
    }

    /// Mark in `out` (one flag per file rule) the rules with a hint that admits `name`.
    pub(crate) fn admit(&self, files: &[FileRule], name: &str, out: &mut [bool]) {
        let (first, last) = match (name.as_bytes().first(), name.as_bytes().last()) {
            (Some(&f), Some(&l)) => (
                &self.by_first[usize::from(f)],
                &self.by_last[usize::from(l)],
            ),
            _ => (&self.any, &self.any),
        };
        for &(r, h) in first.iter().chain(last).chain(&self.any) {
            let r = r as usize;
            if !out[r] && files[r].hints[h as usize].admits(name) {
                out[r] = true;
            }
        }
    }
}

pub(crate) fn compile_file_rule(
    spec: FileRuleSpec,
    name: &str,
    line: usize,
    seen: &mut std::collections::HashSet<String>,
    checked: bool,
) -> Result<FileRule, RuleError> {
    let err = |what: String| RuleError(format!("{name}:{line}: file rule `{}`: {what}", spec.id));
    if !is_kebab(&spec.id) {
        return Err(err("id must be kebab-case (a-z, 0-9, -)".into()));
    }
    if !seen.insert(spec.id.clone()) {
        return Err(err("duplicate rule id".into()));
    }
    if spec.paths.is_empty() {
        return Err(err("needs at least one path glob".into()));
    }
    if let Some(bad) = spec.stack.iter().find(|s| !is_stack_glob(s)) {
        return Err(err(format!(
            "stack entry `{bad}` must be an extension (`*.tf`) or a file name (`Gemfile`)"
        )));
    }
    // The globs are compiled when first needed; a user's rule file has them checked now.
    let globs = OnceLock::new();
    if checked {
        let _ = globs.set(build_globs(&spec).map_err(err)?);
    }
    if let Some(c) = spec.content.as_ref().filter(|_| checked) {
        check_pattern(c.get_ref(), false).map_err(|m| err(format!("bad content regex: {m}")))?;
    }
    let hints = spec.paths.iter().map(|g| NameHint::of(g)).collect();
    Ok(FileRule {
        spec,
        globs,
        hints,
        path_regex: None,
        content: OnceLock::new(),
    })
}

/// A file rule's path globs as one matcher (`globs.rs`). Paths are matched lower-cased
/// (`matches_lower`), so the globs are lower-cased too, rather than compiled
/// case-insensitively: that would make every glob a regex to compile.
pub(crate) fn build_globs(spec: &FileRuleSpec) -> Result<PathGlobs, String> {
    PathGlobs::new(&spec.paths, &spec.except)
}

/// What the last component of a path glob requires of the name it matches: a literal start
/// and end (`*.pem`: ends with `.pem`; `.env.*`: starts with `.env.`; `id_rsa`: is `id_rsa`).
/// A path is named by a glob only if one of its components (its own name or a parent's)
/// passes, so this rules out most paths before any glob is compiled or run.
#[derive(Debug, Clone)]
pub(crate) struct NameHint {
    pub(crate) prefix: String,
    pub(crate) suffix: String,
    /// Literals between the wildcards, in order (each must occur in the name).
    pub(crate) inner: Vec<String>,
    /// The least length of a name the glob matches.
    pub(crate) min_len: usize,
    /// No wildcard: the name is `prefix`.
    pub(crate) exact: bool,
}

impl NameHint {
    pub(crate) fn any() -> NameHint {
        NameHint {
            prefix: String::new(),
            suffix: String::new(),
            inner: Vec::new(),
            min_len: 0,
            exact: false,
        }
    }

    /// The literal pieces of the last component of `glob` (lower-cased): a class of one
    /// letter in either case (`[pP]`) is that letter; other classes and `?` stand for one
    /// character, `*` for any run.
    pub(crate) fn of(glob: &str) -> NameHint {
        let glob = glob.to_lowercase();
        let glob = glob.trim_end_matches('/');
        let name = glob.rsplit('/').next().unwrap_or(glob);
        if name.is_empty() || name.contains('\\') || name.contains("**") {
            return NameHint::any();
        }
        // Pieces: Some(literal run) or None (a wildcard), with the least length.
        let mut pieces: Vec<Option<String>> = vec![Some(String::new())];
        let mut min_len = 0;
        let mut wild = false;
        let mut chars = name.chars().peekable();
        while let Some(c) = chars.next() {
            let one = match c {
                '*' => {
                    pieces.push(None);
                    wild = true;
                    continue;
                }
                '?' => None,
                '[' => {
                    let mut class = String::new();
                    let mut closed = false;
                    for d in chars.by_ref() {
                        if d == ']' && !class.is_empty() {
                            closed = true;
                            break;
                        }
                        class.push(d);
                    }
                    if !closed {
                        return NameHint::any();
                    }
                    let mut distinct: Vec<char> = class.chars().collect();
                    distinct.dedup();
                    match distinct.as_slice() {
                        [c] if !matches!(c, '!' | '^' | '-') => Some(*c),
                        _ => None,
                    }
                }
                c => Some(c),
            };
            min_len += 1;
            match one {
                Some(c) => match pieces.last_mut() {
                    Some(Some(run)) => run.push(c),
                    _ => pieces.push(Some(c.to_string())),
                },
                None => {
                    pieces.push(None);
                    wild = true;
                }
            }
        }
        if !wild {
            return NameHint {
                prefix: name.to_string(),
                suffix: String::new(),
                inner: Vec::new(),
                min_len: name.len(),
                exact: true,
            };
        }
        let starts_literal = matches!(pieces.first(), Some(Some(r)) if !r.is_empty());
        let ends_literal = matches!(pieces.last(), Some(Some(r)) if !r.is_empty());
        let mut runs: Vec<String> = pieces.into_iter().flatten().collect();
        runs.retain(|r| !r.is_empty());
        let prefix = if starts_literal && !runs.is_empty() {
            runs.remove(0)
        } else {
            String::new()
        };
        let suffix = if ends_literal && !runs.is_empty() {
            runs.pop().unwrap_or_default()
        } else {
            String::new()
        };
        NameHint {
            prefix,
            suffix,
            inner: runs,
            min_len,
            exact: false,
        }
    }

    /// Whether a (lower-cased) path component could match the glob.
    pub(crate) fn admits(&self, name: &str) -> bool {
        if self.exact {
            return name == self.prefix;
        }
        if name.len() < self.min_len.max(self.prefix.len() + self.suffix.len())
            || !name.starts_with(&self.prefix)
            || !name.ends_with(&self.suffix)
        {
            return false;
        }
        let mut rest = &name[self.prefix.len()..name.len() - self.suffix.len()];
        for lit in &self.inner {
            match rest.find(lit.as_str()) {
                Some(at) => rest = &rest[at + lit.len()..],
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod name_hint_tests {
    use super::NameHint;

    #[test]
    pub(crate) fn hints_admit_what_the_glob_names_and_rule_out_the_rest() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("*.pem", &["server.pem", ".pem"], &["pem", "server.pem.txt"]),
            (".env.*", &[".env.local", ".env."], &[".env", "x.env.local"]),
            ("id_rsa", &["id_rsa"], &["id_rsa.pub", "xid_rsa"]),
            ("**/.aws/credentials", &["credentials"], &[".aws"]),
            (
                "ssh_host_*_key",
                &["ssh_host_rsa_key"],
                &["ssh_host_key", "host_rsa_key"],
            ),
            ("*.[Pp]12", &["cert.p12"], &["cert.p13"]),
            (
                "*.[pP][fF][xX]",
                &["a.pfx", ".pfx"],
                &["a.pem", "pfx", "readme.md"],
            ),
            (
                "*.tfstate.*",
                &["x.tfstate.backup", ".tfstate."],
                &["main.tf", "x.tfstate"],
            ),
            (
                ".*_history.*",
                &[".bash_history.old"],
                &[".gitignore", ".bash_history"],
            ),
            ("secring.*", &["secring.gpg"], &["secring"]),
            ("*.[a-z]key", &["x.pkey"], &["x.kex", "key"]),
            (
                ".aider.*history*",
                &[".aider.chat.history.md"],
                &[".aider.conf.yml"],
            ),
            ("private-keys-v1.d/", &["private-keys-v1.d"], &["keys"]),
            ("foo/**", &["anything"], &[]),
        ];
        for (glob, yes, no) in cases {
            let h = NameHint::of(glob);
            for name in *yes {
                assert!(h.admits(name), "{glob} should admit {name}");
            }
            for name in *no {
                assert!(!h.admits(name), "{glob} should rule out {name}");
            }
        }
    }
    /// The bucketed hint index answers as trying every hint of every rule does.
    #[test]
    pub(crate) fn the_hint_index_admits_what_every_hint_admits() {
        let set = super::RuleSet::builtin().unwrap();
        let brute = |path: &str| -> Vec<String> {
            let lower = path.to_lowercase();
            let names: Vec<&str> = lower.split('/').collect();
            set.files
                .iter()
                .filter(|f| f.matches_lower(&lower, &names))
                .map(|f| f.spec.id.clone())
                .collect()
        };
        let paths = [
            ".env",
            "app/.env.local",
            "deploy/id_rsa",
            "keys/server.PEM",
            "infra/prod.tfstate",
            "infra/prod.tfstate.backup",
            "home/.aws/credentials",
            "config/master.key",
            "pkg/kubeconfig/config.go",
            "x/.bash_history",
            "private-keys-v1.d/abc.key",
            "vendor/github.com/x/y.go",
            "README.md",
            "a",
            "",
        ];
        for path in paths {
            let indexed: Vec<String> = set
                .file_rules_for(path)
                .iter()
                .map(|f| f.spec.id.clone())
                .collect();
            assert_eq!(indexed, brute(path), "{path}");
        }
        assert!(!set.file_rules_for("deploy/id_rsa").is_empty());
    }
}
