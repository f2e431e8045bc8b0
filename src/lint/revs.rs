//! Revisions and references: `HEAD~2`, `A..B`, every reference of `--all`, and which
//! references contain which commits.

use super::*;

/// A commit named by `spec`: `HEAD`, a reference (`main`, `origin/main`, `v1.0`), a full or
/// abbreviated commit id, each optionally followed by `~N`, `^N`, `^` or `~`. (gix is built
/// without its `revision` feature, so this small subset of git's syntax is resolved here.)
pub(crate) fn resolve_rev(repo: &gix::Repository, spec: &str) -> Result<ObjectId> {
    let cut = spec.find(['~', '^']).unwrap_or(spec.len());
    let (base, mut suffix) = spec.split_at(cut);
    let mut id = if base.is_empty() || base == "HEAD" {
        repo.head_id()
            .context("HEAD does not point to a commit")?
            .detach()
    } else if let Some(r) = repo.try_find_reference(base).ok().flatten() {
        r.into_fully_peeled_id()
            .with_context(|| format!("cannot peel the reference `{base}`"))?
            .detach()
    } else if base.len() >= 4 && base.len() <= 40 && base.bytes().all(|b| b.is_ascii_hexdigit()) {
        if base.len() == 40 {
            ObjectId::from_hex(base.as_bytes()).context("a commit id")?
        } else {
            let prefix = gix::hash::Prefix::from_hex(base).context("a commit id prefix")?;
            match repo
                .objects
                .lookup_prefix(prefix, None)
                .context("looking up an abbreviated id")?
            {
                Some(Ok(id)) => id,
                Some(Err(())) => bail!("the abbreviated id `{base}` is ambiguous"),
                None => bail!("no commit `{base}` in this repository"),
            }
        }
    } else {
        bail!("no reference or commit `{base}` in this repository");
    };
    let commit_of = |id: ObjectId| -> Result<gix::Commit<'_>> {
        let obj = repo
            .find_object(id)
            .with_context(|| format!("commit {id} is not in this repository"))?;
        obj.peel_to_commit()
            .with_context(|| format!("{id} does not name a commit"))
    };
    id = commit_of(id)?.id;
    while let Some(op) = suffix.chars().next() {
        let rest = &suffix[1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = if digits == 0 {
            1
        } else {
            rest[..digits].parse().context("a number in a revision")?
        };
        suffix = &rest[digits..];
        let steps: Vec<usize> = match op {
            '~' => vec![0; n],
            '^' if n == 0 => Vec::new(),
            '^' => vec![n - 1],
            _ => bail!("unsupported revision syntax `{spec}`"),
        };
        for k in steps {
            let commit = commit_of(id)?;
            let parent = commit
                .parent_ids()
                .nth(k)
                .with_context(|| format!("`{spec}`: commit {id} has no parent {}", k + 1))?
                .detach();
            id = commit_of(parent)?.id;
        }
    }
    Ok(id)
}

/// How to get the history a shallow clone lacks (named in errors).
pub const UNSHALLOW_HINT: &str = "fetch the full history with `git fetch --unshallow` \
     (GitHub Actions: `actions/checkout` with `fetch-depth: 0`; GitLab CI: `GIT_DEPTH: \"0\"`), \
     or enough of it with `git fetch --deepen=N`";

/// `(tips, hidden)` of a revision or an `A..B` range.
pub(super) fn parse_range(
    repo: &gix::Repository,
    range: &str,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
    let shallow = repo.is_shallow().unwrap_or(false);
    let resolve = |spec: &str, what: &str| -> Result<ObjectId> {
        let spec = if spec.is_empty() { "HEAD" } else { spec };
        resolve_rev(repo, spec).map_err(|e| {
            let mut msg =
                format!("cannot resolve the {what} `{spec}` of the history range `{range}`: {e:#}");
            if shallow {
                msg.push_str(&format!(
                    ". This is a shallow clone: `{spec}` may be outside the fetched history; \
                     {UNSHALLOW_HINT}"
                ));
            }
            // `origin/main` missing: the branch was not fetched.
            if let Some((remote, branch)) = spec.split_once('/')
                && !branch.is_empty()
                && repo.remote_names().contains(remote.as_bytes().as_bstr())
            {
                let branch = branch.split(['~', '^']).next().unwrap_or(branch);
                msg.push_str(&format!(
                    "{}fetch the branch: `git fetch {remote} {branch}`",
                    if shallow { "; or " } else { " (" }
                ));
                if !shallow {
                    msg.push(')');
                }
            }
            anyhow::anyhow!(msg)
        })
    };
    if range.contains("...") {
        bail!("history range `{range}`: use `A..B` (symmetric ranges `A...B` are not supported)");
    }
    if let Some((a, b)) = range.split_once("..") {
        Ok((vec![resolve(b, "tip")?], vec![resolve(a, "base")?]))
    } else {
        Ok((vec![resolve(range, "revision")?], Vec::new()))
    }
}

/// Every reference that leads to a commit, `(short name, commit)`: local branches, then
/// remote branches, tags and the others (`refs/stash`, notes, …), each group by name; and
/// `HEAD` when it is detached. A tag of something else than a commit is passed over.
pub(super) fn all_refs(repo: &gix::Repository) -> Result<Vec<(String, ObjectId)>> {
    let mut refs: Vec<(u8, String, ObjectId)> = Vec::new();
    let platform = repo.references().context("reading the references")?;
    for r in platform.all().context("reading the references")? {
        let mut r = r.map_err(|e| anyhow::anyhow!("reading a reference: {e}"))?;
        // A symbolic reference (`origin/HEAD`) names another one, which is listed itself
        // (peeling it would give the target's name, listed twice).
        if matches!(r.target(), gix::refs::TargetRef::Symbolic(_)) {
            continue;
        }
        let full = r.name().as_bstr().to_str_lossy().into_owned();
        let short = r.name().shorten().to_str_lossy().into_owned();
        let Ok(commit) = r.peel_to_commit() else {
            continue;
        };
        let group = match full.split('/').nth(1) {
            Some("heads") => 0,
            Some("remotes") => 1,
            Some("tags") => 2,
            _ => 3,
        };
        refs.push((group, short, commit.id));
    }
    if let Ok(head) = repo.head()
        && head.is_detached()
        && let Some(id) = head.id()
    {
        refs.push((4, "HEAD".to_string(), id.detach()));
    }
    refs.sort();
    Ok(refs.into_iter().map(|(_, n, id)| (n, id)).collect())
}

/// For each commit (by index in `commits`, which lists each commit with its parents), the refs
/// that contain it, as bit sets over `refs`; `None` when that would take more than 32 MiB.
pub(super) fn ref_membership(
    commits: &[(ObjectId, Vec<ObjectId>)],
    refs: &[(String, ObjectId)],
) -> Option<Vec<u64>> {
    let words = refs.len().div_ceil(64);
    if words == 0 || commits.len().saturating_mul(words) > 4 << 20 {
        return None;
    }
    let index: HashMap<ObjectId, usize> = commits
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut bits = vec![0u64; commits.len() * words];
    for (k, (_, id)) in refs.iter().enumerate() {
        if let Some(&i) = index.get(id) {
            bits[i * words + k / 64] |= 1 << (k % 64);
        }
    }
    // Children before parents (Kahn's order): a commit's refs flow to its parents.
    let mut children = vec![0u32; commits.len()];
    for (_, parents) in commits {
        for p in parents {
            if let Some(&i) = index.get(p) {
                children[i] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = (0..commits.len()).filter(|&i| children[i] == 0).collect();
    while let Some(c) = ready.pop() {
        for p in &commits[c].1 {
            let Some(&pi) = index.get(p) else { continue };
            for w in 0..words {
                bits[pi * words + w] |= bits[c * words + w];
            }
            children[pi] -= 1;
            if children[pi] == 0 {
                ready.push(pi);
            }
        }
    }
    Some(bits)
}

/// The names of the refs whose bit is set for commit `n` in `bits` ([`ref_membership`]).
pub(super) fn refs_of(bits: &[u64], refs: &[(String, ObjectId)], n: usize) -> Vec<String> {
    let words = refs.len().div_ceil(64);
    (0..refs.len())
        .filter(|k| bits[n * words + k / 64] & (1 << (k % 64)) != 0)
        .map(|k| refs[k].0.clone())
        .collect()
}

/// For each of `commits`, the references of the repository that contain it (as `--all`
/// names them), `None` when that would take too much memory ([`ref_membership`]). A commit
/// that none of `hidden` reaches is reached from none of their ancestors either: the walk
/// from every reference stops there.
pub(super) fn refs_containing(
    reopen: &crate::git::Reopen,
    commits: &[ObjectId],
    hidden: &[ObjectId],
) -> Result<Option<Vec<Vec<String>>>> {
    // A handle of its own: the walk's pack pages go with it.
    let repo = reopen.open_with(LINT_CACHES)?;
    let refs = all_refs(&repo)?;
    let tips: Vec<ObjectId> = refs.iter().map(|(_, id)| *id).collect();
    let mut graph: Vec<(ObjectId, Vec<ObjectId>)> = Vec::new();
    let walk = repo
        .rev_walk(tips)
        .with_hidden(hidden.iter().copied())
        .all()
        .context("walking the history of every reference")?;
    for info in walk {
        let info = info.context("walking the history of every reference")?;
        graph.push((info.id, info.parent_ids.iter().copied().collect()));
    }
    let Some(bits) = ref_membership(&graph, &refs) else {
        return Ok(None);
    };
    let index: HashMap<ObjectId, usize> = graph
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    Ok(Some(
        commits
            .iter()
            .map(|id| match index.get(id) {
                Some(&n) => refs_of(&bits, &refs, n),
                None => Vec::new(),
            })
            .collect(),
    ))
}
