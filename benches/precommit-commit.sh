#!/usr/bin/env bash
# The typical commit: how much the hook costs over `git diff --cached -U0`, in one run.
#
#   benches/precommit-commit.sh REPO [EDIT_GLOB]
#
# REPO (a checkout, e.g. of kubernetes/kops) is cloned into a scratch directory and the commit
# staged there by benches/precommit-setup.sh (five EDIT_GLOB files +3 lines each, a new 200-line
# YAML with three fake tokens: 6 files, +215 lines; EDIT_GLOB defaults as it says). Then
# hyperfine times `git diff --cached -U0` and `leakgate pre-commit` in the same run and this prints the ratio of the medians (and the hook's phases, from
# LEAKGATE_TIMINGS=1). LEAKGATE=path picks the binary (default: target/release/leakgate,
# built first); BASELINE=path also times another binary (e.g. one built from main) in the
# same run. RUNS (default 30) timed runs each, after 3 warm-up runs.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:?usage: benches/precommit-commit.sh REPO [EDIT_GLOB] (REPO: a checkout, e.g. of kubernetes/kops)}
glob=${2:-${EDIT_GLOB:-}}
runs=${RUNS:-30}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
if [ -z "${LEAKGATE:-}" ]; then
  (cd "$here" && cargo build --release --quiet)
  LEAKGATE=$here/target/release/leakgate
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/lg-precommit.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$here/benches/precommit-setup.sh" "$repo" "$work/repo" "$glob"
cd "$work/repo"
echo "findings: $("$LEAKGATE" pre-commit --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))' || true)"

baseline=()
[ -n "${BASELINE:-}" ] && baseline=(-n baseline "$BASELINE pre-commit")
hyperfine -N --warmup 3 --runs "$runs" -i --style basic --export-json "$work/t.json" \
  -n git-diff 'git diff --cached -U0' \
  -n leakgate "$LEAKGATE pre-commit" "${baseline[@]}" >"$work/hyperfine.txt" 2>&1 || { cat "$work/hyperfine.txt"; exit 2; }
python3 - "$work/t.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
d = r["git-diff"]
print("%-22s median %.4f s  mean %.4f s  min %.4f s  user %.4f s" % ("git diff --cached -U0", d["median"], d["mean"], d["min"], d["user"]))
for name in ("leakgate", "baseline"):
    if name in r:
        x = r[name]
        print("%-22s median %.4f s  mean %.4f s  min %.4f s  user %.4f s  ratio %.2fx (medians), %.2fx (mins)" % (
            name + " pre-commit", x["median"], x["mean"], x["min"], x["user"], x["median"] / d["median"], x["min"] / d["min"]))
PY
echo "phases (one run, LEAKGATE_TIMINGS=1):"
LEAKGATE_TIMINGS=1 "$LEAKGATE" pre-commit 2>&1 >/dev/null | grep timing || true
