#!/usr/bin/env bash
# The typical commit: how much the hook costs over `git diff --cached -U0`, in one run.
#
#   benches/precommit-commit.sh REPO [EDIT_GLOB]
#
# REPO (a checkout, e.g. of kubernetes/kops) is cloned into a scratch directory (never modified); five
# tracked EDIT_GLOB files (default '*.go') spread over the sorted list get +3 lines each, and a
# new 200-line YAML file with a fake AWS key id, a fake AWS secret and a fake GitHub token
# (random values in the right format, made here) at lines 100-102 is added: 6 files, +215
# lines, all staged. Then hyperfine times `git diff --cached -U0` and `leakgate pre-commit`
# in the same run and this prints the ratio of the medians (and the hook's phases, from
# LEAKGATE_TIMINGS=1). LEAKGATE=path picks the binary (default: target/release/leakgate,
# built first); BASELINE=path also times another binary (e.g. one built from main) in the
# same run. RUNS (default 30) timed runs each, after 3 warm-up runs.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:?usage: benches/precommit-commit.sh REPO [EDIT_GLOB] (REPO: a checkout, e.g. of kubernetes/kops)}
glob=${2:-${EDIT_GLOB:-*.go}}
runs=${RUNS:-30}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
if [ -z "${LEAKGATE:-}" ]; then
  (cd "$here" && cargo build --release --quiet)
  LEAKGATE=$here/target/release/leakgate
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/lg-precommit.XXXXXX")
trap 'rm -rf "$work"' EXIT

git clone -q "$repo" "$work/repo"
cd "$work/repo"
git config user.email bench@example.invalid
git config user.name bench
n=0
while IFS= read -r f; do
  printf '\n# leakgate-bench: edited line 1\nLEAKGATE_BENCH_EDIT_%d = "cfg-%d"  // edited line 2\n' "$n" "$n" >>"$f"
  git add -- "$f"; n=$((n + 1))
done < <(git ls-files -- "$glob" | LC_ALL=C sort |
         awk '{f[NR] = $0} END {for (i = 1; i <= 5; i++) print f[int(NR * i / 6)]}')
[ "$n" = 5 ] || { echo "$repo has too few $glob files" >&2; exit 2; }
mkdir -p config
python3 - >config/leakgate-bench.yaml <<'PY'
import secrets, string
up = string.ascii_uppercase + "234567"
an = string.ascii_letters + string.digits
rnd = lambda alphabet, n: "".join(secrets.choice(alphabet) for _ in range(n))
print("# leakgate benchmark fixture: generated at run time, values are random fakes")
for i in range(2, 201):
    if i == 100:
        print("aws_access_key_id: " + "AK" + "IA" + rnd(up, 16))
    elif i == 101:
        print("aws_secret_access_key: " + rnd(an + "/+", 40))
    elif i == 102:
        print("github_token: " + "gh" + "p_" + rnd(an, 36))
    else:
        print('setting_%03d: { name: "option-%d", port: %d, timeout: "%ds", enabled: %s }'
              % (i, i, 8000 + i, i % 60, "true" if i % 2 else "false"))
PY
git add config/leakgate-bench.yaml
echo "staged: $(git diff --cached --shortstat)"
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
