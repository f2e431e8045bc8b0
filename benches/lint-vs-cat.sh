#!/usr/bin/env bash
# `leakgate lint` of a repository against `cat` of its tracked files, in one run.
#
#   benches/lint-vs-cat.sh REPO [LEAKGATE_ARGS...]
#
# Prints the median wall time of each (RUNS runs, default 5, after a warm-up), the ratio, and
# for one more run of each its user+system CPU time (and their ratio) and peak RSS, from
# /usr/bin/time. Extra arguments replace `lint .`, e.g. `lint --history-only --history
# HEAD~300..HEAD`: with `--history-only`, the floor is `git log -p -U0` of the same
# revisions (the one after `--history`, else HEAD; set FLOOR for another, e.g.
# FLOOR='git log -p -U0 --all' with `--all`).
#
# A clone that lacks some blobs (a partial clone or a mirror without its largest files) stops
# `git log -p` at the first missing one, while leakgate warns and goes on. For a floor over the
# whole history, give git a view where each missing blob reads as an empty one, without
# touching the repository: a bare repository that borrows its objects and copies its refs,
#   git init --bare V; echo REPO/.git/objects > V/objects/info/alternates
#   git -C REPO for-each-ref --format='create %(refname) %(objectname)' | git -C V update-ref --stdin
#   e=$(git -C V hash-object -w -t blob /dev/null)
#   git -C REPO rev-list --all --objects --missing=print | sed -n 's/^?//p' |
#     sed "s|.*|create refs/replace/& $e|" | git -C V update-ref --stdin
# then FLOOR="git -C V log -p -U0 --all" (slightly below the true floor: git reads an empty
# blob where the real one is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
lg=${LEAKGATE:-$here/target/release/leakgate}
repo=$(cd "${1:?usage: $0 REPO [ARGS...]}" && pwd)
shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(lint .)
runs=${RUNS:-5}
default_floor="git ls-files -z | xargs -0 cat"
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = --history-only ]; then
    rev=HEAD
    for ((j = 0; j < ${#args[@]}; j++)); do
      if [ "${args[$j]}" = --history ] && [ $((j + 1)) -lt ${#args[@]} ]; then
        rev=${args[$((j + 1))]}
      fi
    done
    default_floor="git log -p -U0 $rev"
  fi
done
floor=${FLOOR:-$default_floor}
cmd="$lg ${args[*]}"
cd "$repo"
git status --short >/dev/null 2>&1 || true # refresh the index's stat data
median() {
  local c=$1 times=()
  bash -c "$c" >/dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    bash -c "$c" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
t_floor=$(median "$floor")
t_lg=$(median "$cmd")
# CPU time and peak RSS (of the floor's whole pipeline: time counts the children it waits for)
/usr/bin/time -f '%U %S %M' bash -c "$floor" >/dev/null 2>/tmp/lint-vs-cat.$$ || true
read -r fuser fsys frss < <(tail -1 /tmp/lint-vs-cat.$$)
/usr/bin/time -f '%U %S %M' "$lg" "${args[@]}" >/dev/null 2>/tmp/lint-vs-cat.$$ || true
read -r user sys rss < <(tail -1 /tmp/lint-vs-cat.$$)
rm -f /tmp/lint-vs-cat.$$
python3 - "$t_floor" "$t_lg" "$user" "$sys" "$rss" "$fuser" "$fsys" "$frss" "$floor" "${args[*]}" <<'PY'
import sys
f, l, u, s, rss, fu, fs, frss = map(float, sys.argv[1:9])
print(f"floor    {f:6.2f}s  (cpu {fu+fs:.2f}s, peak {frss/1024:.0f} MiB)  ({sys.argv[9]})")
print(f"leakgate {l:6.2f}s  = {l/f:.2f}x  (cpu {u+s:.2f}s = {(u+s)/max(fu+fs, 1e-3):.2f}x, peak {rss/1024:.1f} MiB)  ({sys.argv[10]})")
PY
