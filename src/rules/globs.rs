//! A file rule's path globs as one matcher, with gitignore's meaning. Most globs are a name
//! (`id_rsa`), an extension (`*.pem`) or a few such components (`**/.aws/credentials`): those
//! are matched here component by component, which costs nothing to build, where a
//! `Gitignore` compiles a glob set (a regex) per rule, for each rule a commit's paths wake.
//! A rule with any other glob (a class, `?`, `**` inside, an escape) gets the `Gitignore`.

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// A rule's path globs (lower-cased) and its `except` globs after them, as `!` lines.
#[derive(Debug)]
pub(crate) enum PathGlobs {
    Simple(Vec<Line>),
    Gitignore(Gitignore),
}

/// One simple glob line (see [`Line::of`]).
#[derive(Debug)]
pub(crate) struct Line {
    /// A `!` line: a path it names is not named.
    whitelist: bool,
    /// It ended with `/`: it names directories only.
    only_dir: bool,
    /// It names its components at any depth (`**/` first, or no `/` in it).
    any_depth: bool,
    /// It ended with `/**`: it names what is inside its components, not them.
    inside: bool,
    /// Its components, each split at its `*`s.
    components: Vec<Vec<String>>,
}

impl Line {
    /// `line` as gitignore reads it, if it is simple: components of literal characters,
    /// single `*`s and classes of one character (`[pp]`, what `[pP]` is lower-cased), an
    /// optional leading `/` or `**/`, an optional trailing `/` or `/**`.
    fn of(line: &str, whitelist: bool) -> Option<Line> {
        let line = one_char_classes(line)?;
        let line = line.as_str();
        let special = |c: char| matches!(c, '?' | '[' | ']' | '{' | '}' | '\\');
        if line.is_empty() || line.starts_with('#') || line.ends_with(' ') || line.contains(special)
        {
            return None;
        }
        let (line, absolute) = match line.strip_prefix('/') {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        let (line, only_dir) = match line.strip_suffix('/') {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        let (line, any_depth) = match line.strip_prefix("**/") {
            Some(rest) if !absolute => (rest, true),
            _ => (line, !absolute && !line.contains('/')),
        };
        let (line, inside) = match line.strip_suffix("/**") {
            Some(rest) if !only_dir => (rest, true),
            _ => (line, false),
        };
        // `**` anywhere else, or an empty component (`a//b`, nothing left): not simple.
        if line.contains("**") || line.split('/').any(str::is_empty) {
            return None;
        }
        let components = line
            .split('/')
            .map(|c| c.split('*').map(str::to_string).collect())
            .collect();
        Some(Line {
            whitelist,
            only_dir,
            any_depth,
            inside,
            components,
        })
    }

    /// Whether the line names the path of components `path` (a directory if `is_dir`).
    fn names(&self, path: &[&str], is_dir: bool) -> bool {
        if self.only_dir && !is_dir {
            return false;
        }
        let n = self.components.len();
        let at = |start: usize| {
            path[start..start + n]
                .iter()
                .zip(&self.components)
                .all(|(name, parts)| component_matches(parts, name))
        };
        match (self.inside, self.any_depth) {
            // `**/a/**`: `a` then at least one more component.
            (true, true) => path.len() > n && (0..path.len() - n).any(at),
            (true, false) => path.len() > n && at(0),
            (false, true) => path.len() >= n && at(path.len() - n),
            (false, false) => path.len() == n && at(0),
        }
    }
}

/// `line` with each class of one character (`[pp]`) written as that character; `None` if
/// it has another class.
fn one_char_classes(line: &str) -> Option<String> {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let close = open + 1 + rest[open + 1..].find(']')?;
        let mut chars = rest[open + 1..close].chars();
        let c = chars.next()?;
        if matches!(c, '!' | '^' | '-' | '\\' | '[' | '*' | '?' | '/') || chars.any(|d| d != c) {
            return None;
        }
        out.push(c);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Whether `name` matches the component glob split at its `*`s into `parts`.
fn component_matches(parts: &[String], name: &str) -> bool {
    let (first, last) = match parts {
        [only] => return name == only,
        [first, .., last] => (first, last),
        [] => return false,
    };
    if name.len() < first.len() + last.len() || !name.starts_with(first.as_str()) {
        return false;
    }
    if !name.ends_with(last.as_str()) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for lit in &parts[1..parts.len() - 1] {
        match rest.find(lit.as_str()) {
            Some(at) => rest = &rest[at + lit.len()..],
            None => return false,
        }
    }
    true
}

impl PathGlobs {
    /// The globs of `paths` and, after them, `except` (as written: they are lower-cased here).
    pub(crate) fn new(paths: &[String], except: &[String]) -> Result<PathGlobs, String> {
        let lines = paths
            .iter()
            .map(|g| (g, false))
            .chain(except.iter().map(|g| (g, true)));
        let simple: Option<Vec<Line>> = lines
            .clone()
            .map(|(g, whitelist)| Line::of(&g.to_lowercase(), whitelist))
            .collect();
        if let Some(simple) = simple {
            return Ok(PathGlobs::Simple(simple));
        }
        let mut builder = GitignoreBuilder::new("");
        for (glob, whitelist) in lines {
            let (line, what) = match whitelist {
                false => (glob.to_lowercase(), "path"),
                true => (format!("!{}", glob.to_lowercase()), "except"),
            };
            builder
                .add_line(None, &line)
                .map_err(|e| format!("bad {what} glob `{glob}`: {e}"))?;
        }
        let set = builder
            .build()
            .map_err(|e| format!("bad path globs: {e}"))?;
        Ok(PathGlobs::Gitignore(set))
    }

    /// No glob: names nothing.
    pub(crate) fn empty() -> PathGlobs {
        PathGlobs::Simple(Vec::new())
    }

    /// Whether the globs name the lower-cased path or a directory above it, as
    /// `Gitignore::matched_path_or_any_parents` says: the path, then each directory above
    /// it, nearest first, until one is named by some line; the last line naming it decides.
    pub(crate) fn matches(&self, lower: &str) -> bool {
        let lines = match self {
            PathGlobs::Gitignore(set) => {
                return matches!(
                    set.matched_path_or_any_parents(lower, false),
                    ignore::Match::Ignore(_)
                );
            }
            PathGlobs::Simple(lines) => lines,
        };
        let path: Vec<&str> = lower.split('/').filter(|c| !c.is_empty()).collect();
        for len in (1..=path.len()).rev() {
            let is_dir = len < path.len();
            if let Some(line) = lines.iter().rev().find(|l| l.names(&path[..len], is_dir)) {
                return !line.whitelist;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gitignore(paths: &[String], except: &[String]) -> Gitignore {
        let mut b = GitignoreBuilder::new("");
        for g in paths {
            b.add_line(None, &g.to_lowercase()).unwrap();
        }
        for g in except {
            b.add_line(None, &format!("!{}", g.to_lowercase())).unwrap();
        }
        b.build().unwrap()
    }

    /// Paths a glob may or may not name: its `*`s filled in a few ways, with directories
    /// before it and after it.
    fn paths_near(glob: &str) -> Vec<String> {
        let glob = glob.trim_start_matches('!').to_lowercase();
        let mut out = Vec::new();
        for fill in ["", "x", "a.b", "q/r"] {
            let core = glob.replace("**/", "").replace('*', fill);
            let core = core.trim_matches('/');
            for before in ["", "d/", "a/b/", "x"] {
                for after in ["", "/f", "/g/h", "x", ".x"] {
                    out.push(format!("{before}{core}{after}"));
                }
            }
        }
        out
    }

    fn same_as_gitignore(paths: &[String], except: &[String]) -> usize {
        let globs = PathGlobs::new(paths, except).unwrap();
        if !matches!(globs, PathGlobs::Simple(_)) {
            return 0;
        }
        let set = gitignore(paths, except);
        let mut n = 0;
        for glob in paths.iter().chain(except) {
            for path in paths_near(glob) {
                let want = matches!(
                    set.matched_path_or_any_parents(&path, false),
                    ignore::Match::Ignore(_)
                );
                assert_eq!(
                    globs.matches(&path),
                    want,
                    "{path:?} with {paths:?} except {except:?}"
                );
                n += usize::from(want);
            }
        }
        n
    }

    fn strings(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn simple_globs_name_what_gitignore_names() {
        let cases: &[(&[&str], &[&str])] = &[
            (&["*.pem", "id_rsa", "secrets/"], &["public.pem"]),
            (&["**/.aws/credentials", "/root.key", "a/b*c/*.d"], &[]),
            (&["*_history", ".*_history.*", "*x*y*"], &["*.txt", "keep/"]),
            (&["Config.JSON", "*.Key"], &["Demo*"]),
            (
                &["*.[pP]12", "*.[pP][fF][xX]", "**/x/**", "keys/**"],
                &["**/.env/**", "a/**"],
            ),
            (&[".env.*"], &[".env.*.example", "**/.env/**"]),
        ];
        let mut named = 0;
        for (paths, except) in cases {
            let (paths, except) = (strings(paths), strings(except));
            assert!(matches!(
                PathGlobs::new(&paths, &except).unwrap(),
                PathGlobs::Simple(_)
            ));
            named += same_as_gitignore(&paths, &except);
        }
        assert!(named > 50, "{named} paths named");
    }

    /// Every built-in file rule whose globs are simple names what its `Gitignore` names, on
    /// paths made from its own globs; most rules are simple.
    #[test]
    fn built_in_file_rules_name_what_gitignore_names() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let mut simple = 0;
        for f in &rules.files {
            let globs = PathGlobs::new(&f.spec.paths, &f.spec.except).unwrap();
            if matches!(globs, PathGlobs::Simple(_)) {
                simple += 1;
                assert!(
                    same_as_gitignore(&f.spec.paths, &f.spec.except) > 0,
                    "{}",
                    f.spec.id
                );
            }
        }
        assert!(
            simple * 2 > rules.files.len(),
            "{simple} of {}",
            rules.files.len()
        );
    }

    #[test]
    fn other_globs_are_left_to_gitignore() {
        for g in [
            "*.[pq]12", "[a-z]", "[!x]", "a[b", "a/**/b", "x?", "\\#x", "#c", "a ", "**", "/",
        ] {
            let globs = PathGlobs::new(&strings(&[g]), &[]);
            assert!(
                !matches!(globs, Ok(PathGlobs::Simple(_))),
                "{g} is not simple"
            );
        }
    }
}
