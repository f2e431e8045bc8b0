#!/usr/bin/env bash
# leakgate benchmark: throughput and hook latency against the I/O floors, in one run.
#
#   benches/bench.sh [CORPUS_DIR]
#
# CORPUS_DIR is a git repository of real text (default: one is built under
# ~/.cache/leakgate-bench/corpus from /usr/include and the Python standard library, about
# 18,000 files / 150-200 MB; or pass the one ../shared/bench/make-corpus.sh builds).
# Reports, each beside its floor and as a ratio (the machines are noisy: compare ratios
# within one run, not absolute times):
#   tree       `leakgate scan .` vs `cat` of the same files        (MB/s, ratio)
#   precommit  5 files +3 lines and a new 200-line file staged:
#              `leakgate pre-commit` vs `git diff --cached -U0`     (ms, ratio)
#   import     the whole tree staged in a fresh repo, nothing committed:
#              `leakgate pre-commit` vs `git diff --cached -U0`     (s, ratio, peak RSS)
#   lint       `leakgate lint .` vs `cat` of the tracked files        (s, ratio, peak RSS)
#   history    `leakgate lint --history-only` (and `--history`, which adds the whole-tree
#              lint) over the last 1,000 commits vs `git log -p -U0`  (s, ratio)
# Uses hyperfine when installed (apt-get install hyperfine), else a shell loop.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_WORK:-$HOME/.cache/leakgate-bench/leakgate-bench}
runs=${RUNS:-5}
mkdir -p "$work"

echo "== building leakgate (release)"
(cd "$here" && cargo build --release --quiet)
lg="$here/target/release/leakgate"

corpus=${1:-}
if [ -z "$corpus" ]; then
  corpus="$work/corpus"
  if [ ! -d "$corpus/.git" ]; then
    echo "== building a corpus in $corpus"
    mkdir -p "$corpus"
    py=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    cp -r /usr/include "$corpus/include" 2>/dev/null || true
    cp -r "$py" "$corpus/python" 2>/dev/null || true
    find "$corpus" -type l -delete
    find "$corpus" -type f -size +1M -delete
    find "$corpus" -name '__pycache__' -prune -exec rm -rf {} +
    git -C "$corpus" init -q
    git -C "$corpus" add -A
    git -C "$corpus" -c user.name=bench -c user.email=bench@localhost commit -q -m corpus --no-verify
  fi
fi
corpus=$(cd "$corpus" && pwd)

# time_cmd DIR CMD -> median seconds of $runs runs (after one warm-up)
time_cmd() {
  local dir=$1 cmd=$2
  if command -v hyperfine >/dev/null 2>&1; then
    # Through a shell (the floor commands are pipelines); hyperfine subtracts its overhead.
    (cd "$dir" && hyperfine --style none --warmup 1 --runs "$runs" -i --export-json /tmp/lg-bench.json "$cmd" >/dev/null 2>&1)
    python3 -c 'import json;print(json.load(open("/tmp/lg-bench.json"))["results"][0]["median"])'
  else
    (cd "$dir" && bash -c "$cmd" >/dev/null 2>&1 || true)
    local times=()
    for _ in $(seq "$runs"); do
      local t0 t1
      t0=$(date +%s.%N)
      (cd "$dir" && bash -c "$cmd" >/dev/null 2>&1 || true)
      t1=$(date +%s.%N)
      times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
  fi
}

peak_rss_mib() {
  local dir=$1; shift
  if [ -x /usr/bin/time ]; then
    (cd "$dir" && /usr/bin/time -f '%M' "$@" >/dev/null 2>/tmp/lg-rss.txt || true)
    echo $(( $(tail -1 /tmp/lg-rss.txt) / 1024 ))
  else
    echo "?"
  fi
}

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }

files=$(git -C "$corpus" ls-files | wc -l)
bytes=$(git -C "$corpus" ls-files -z | (cd "$corpus" && xargs -0 cat) | wc -c)
mb=$(python3 -c "print(f'{$bytes/1e6:.1f}')")
echo "corpus: $corpus ($files files, $mb MB)"

echo "== tree: leakgate scan . vs cat"
t_cat=$(time_cmd "$corpus" "git ls-files -z | xargs -0 cat")
t_scan=$(time_cmd "$corpus" "$lg scan .")
echo "  cat            ${t_cat}s  ($(python3 -c "print(f'{$bytes/1e6/$t_cat:.0f}')") MB/s)"
echo "  leakgate scan  ${t_scan}s  ($(python3 -c "print(f'{$bytes/1e6/$t_scan:.0f}')") MB/s)  = $(ratio "$t_scan" "$t_cat")x cat, peak $(peak_rss_mib "$corpus" "$lg" scan .) MiB"

echo "== precommit: a typical commit"
pc="$work/precommit"
rm -rf "$pc"
git clone -q "$corpus" "$pc"
n=0
for f in $(git -C "$pc" ls-files '*.py' | head -5); do
  printf 'x_%d = 1\ny_%d = 2\nz_%d = 3\n' $n $n $n >> "$pc/$f"
  n=$((n + 1))
done
python3 - "$pc/config/new.yml" <<'PY'
import sys, os, random, string
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
r = random.Random(7)
lines = [f"key_{i}: value {i}" for i in range(200)]
b32 = string.ascii_uppercase + "234567"
lines[99] = "aws_access_key_id: AKIA" + "".join(r.choice(b32) for _ in range(16))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
git -C "$pc" add -A
t_diff=$(time_cmd "$pc" "git diff --cached -U0")
t_pc=$(time_cmd "$pc" "$lg pre-commit")
echo "  git diff --cached -U0  $(python3 -c "print(f'{$t_diff*1000:.1f}')") ms"
echo "  leakgate pre-commit    $(python3 -c "print(f'{$t_pc*1000:.1f}')") ms  = $(ratio "$t_pc" "$t_diff")x git diff, peak $(peak_rss_mib "$pc" "$lg" pre-commit) MiB"

echo "== import: the whole tree staged, nothing committed"
im="$work/import"
rm -rf "$im"
mkdir -p "$im"
git -C "$corpus" archive HEAD | tar -x -C "$im"
git -C "$im" init -q
git -C "$im" add -A
t_diff=$(time_cmd "$im" "git diff --cached -U0")
t_im=$(time_cmd "$im" "$lg pre-commit")
echo "  git diff --cached -U0  ${t_diff}s"
echo "  leakgate pre-commit    ${t_im}s  = $(ratio "$t_im" "$t_diff")x git diff, peak $(peak_rss_mib "$im" "$lg" pre-commit) MiB"

echo "== lint: the whole repository (index blobs, hygiene) vs cat"
t_lint=$(time_cmd "$corpus" "$lg lint .")
echo "  leakgate lint .        ${t_lint}s  = $(ratio "$t_lint" "$t_cat")x cat, peak $(peak_rss_mib "$corpus" "$lg" lint .) MiB"

commits=$(git -C "$corpus" rev-list --count HEAD)
n=$(( commits > 1000 ? 1000 : commits - 1 ))
if [ "$n" -ge 10 ]; then
  echo "== history: the last $n commits vs git log -p -U0"
  range="HEAD~$n..HEAD"
  t_log=$(time_cmd "$corpus" "git log -p -U0 $range")
  t_ho=$(time_cmd "$corpus" "$lg lint --history-only --history $range")
  t_h=$(time_cmd "$corpus" "$lg lint --history $range")
  echo "  git log -p -U0                   ${t_log}s"
  echo "  leakgate lint --history-only     ${t_ho}s  = $(ratio "$t_ho" "$t_log")x git log"
  echo "  leakgate lint --history (+tree)  ${t_h}s  = $(ratio "$t_h" "$t_log")x git log"
else
  echo "== history: skipped (the corpus has $commits commits; ../shared/bench/make-corpus.sh makes one with history)"
fi
