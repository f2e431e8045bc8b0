#!/usr/bin/env bash
# What the pre-commit hook's .gitignore check costs, beside the floor, in one run:
#
#   benches/hook-gitignore.sh REPO [LEAKGATE]
#
# REPO is any git repository (it is cloned, not modified). Two scenarios on the clone:
#   small  5 tracked files in 5 directories get +3 lines each, a new 200-line file is staged
#   wide   +1 line in 2,000 tracked files (as many directories as they span)
# Each times `git diff --cached -U0` (the floor) and `leakgate pre-commit` with
# `--gitignore off`, `note` (the default) and `block`, with hyperfine, which prints the ratios
# of the run. An untracked `.env` sits at the root so that the note has something to say.
set -euo pipefail

repo=${1:?usage: $0 REPO [LEAKGATE]}
here=$(cd "$(dirname "$0")/.." && pwd)
lg=${2:-$here/target/release/leakgate}
runs=${RUNS:-20}
work=${BENCH_WORK:-/tmp/leakgate-bench-hook}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }

rm -rf "$work" && mkdir -p "$work"
git clone -q "$repo" "$work/small"
cd "$work/small"
n=0
for f in $(git ls-files '*.go' | awk -F/ '!seen[$1"/"$2]++' | awk 'NR <= 5'); do
  printf '// one\n// two\n// three\n' >>"$f"; n=$((n + 1))
done
seq 1 200 | sed 's/^/key_&: value/' >new-config.yaml
git add -A && echo "DEBUG=1" >.env
echo "== small: $n files +3 lines, one new file; $(git ls-files | wc -l) files in the index"
hyperfine -N --warmup 2 --runs "$runs" -i \
  -n 'git diff --cached' 'git diff --cached -U0' \
  -n 'gitignore off' "$lg pre-commit --gitignore off" \
  -n 'gitignore note' "$lg pre-commit --gitignore note" \
  -n 'gitignore block' "$lg pre-commit --gitignore block"

git clone -q "$repo" "$work/wide"
cd "$work/wide"
git ls-files '*.go' | awk 'NR <= 2000' | while read -r f; do echo '// x' >>"$f"; done
git add -u && echo "DEBUG=1" >.env
dirs=$(git diff --cached --name-only | xargs -n1 dirname | sort -u | wc -l)
echo "== wide: 2,000 files +1 line in $dirs directories"
hyperfine -N --warmup 1 --runs "$((runs / 2))" -i \
  -n 'git diff --cached' 'git diff --cached -U0' \
  -n 'gitignore off' "$lg pre-commit --gitignore off" \
  -n 'gitignore note' "$lg pre-commit --gitignore note"
