#!/usr/bin/env bash
# The typical commit's cost in instructions (callgrind), the hook against `git diff --cached -U0`:
# counts do not move with the machine's load, as timings do.
#
#   benches/precommit-instructions.sh REPO[:EDIT_GLOB] [REPO[:EDIT_GLOB] ...]
#
# For each REPO the commit is staged in a scratch clone by benches/precommit-setup.sh (five
# EDIT_GLOB files +3 lines each, a new 200-line YAML with three fake tokens), then this runs
# `git diff --cached -U0` and `leakgate pre-commit` under `valgrind --tool=callgrind` (all
# threads counted) and prints both instruction counts and their ratio. LEAKGATE=path picks
# the binary (default: target/release/leakgate, built first). BASELINE=path also counts
# another binary (e.g. one built from main) on the same staged commit, and checks that the two
# print the same bytes for `pre-commit`, `--format json` and `--format sarif` (and exit the
# same). KEEP=DIR keeps the callgrind files there (callgrind_annotate reads them; a binary
# built with `cargo build --profile profiling` names its functions).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: benches/precommit-instructions.sh REPO[:EDIT_GLOB] ..." >&2; exit 2; }
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
if [ -z "${LEAKGATE:-}" ]; then
  (cd "$here" && cargo build --release --quiet)
  LEAKGATE=$here/target/release/leakgate
fi
# The commands run in the scratch clone: absolute paths.
LEAKGATE=$(realpath "$LEAKGATE")
[ -n "${BASELINE:-}" ] && BASELINE=$(realpath "$BASELINE")
work=$(mktemp -d "${TMPDIR:-/tmp}/lg-instr.XXXXXX")
trap 'rm -rf "$work"' EXIT
keep=${KEEP:-}
[ -n "$keep" ] && mkdir -p "$keep"

# The instruction count of "$@" run in the current directory (every thread; children not traced).
count() {
  local name=$1; shift
  local out="$work/callgrind.$name"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$work/valgrind.err" || true
  [ -n "$keep" ] && cp "$out" "$keep/callgrind.$label.$name"
  awk '/^(summary|totals):/ {print $2; exit}' "$out"
}

status=0
i=0
for arg in "$@"; do
  repo=${arg%%:*}
  glob=
  [ "$arg" != "$repo" ] && glob=${arg#*:}
  i=$((i + 1))
  label=$(basename "$repo")
  dest="$work/repo$i"
  echo "== $repo"
  "$here/benches/precommit-setup.sh" "$repo" "$dest" "$glob"
  cd "$dest"
  git diff --cached -U0 >/dev/null  # the index is refreshed once, by git, before any count
  git=$(count git git diff --cached -U0)
  lg=$(count leakgate "$LEAKGATE" pre-commit)
  printf '%-24s %12s instructions\n' "git diff --cached -U0" "$git"
  printf '%-24s %12s instructions  %.2fx\n' "leakgate pre-commit" "$lg" "$(echo "$lg / $git" | bc -l)"
  if [ -n "${BASELINE:-}" ]; then
    base=$(count baseline "$BASELINE" pre-commit)
    printf '%-24s %12s instructions  %.2fx\n' "baseline pre-commit" "$base" "$(echo "$base / $git" | bc -l)"
    for fmt in text json sarif; do
      args=(pre-commit)
      [ "$fmt" != text ] && args+=(--format "$fmt")
      a=0; b=0
      "$LEAKGATE" "${args[@]}" >"$work/a.$fmt" 2>&1 || a=$?
      "$BASELINE" "${args[@]}" >"$work/b.$fmt" 2>&1 || b=$?
      if [ "$a" = "$b" ] && cmp -s "$work/a.$fmt" "$work/b.$fmt"; then
        echo "output $fmt: same as baseline (exit $a, $(wc -c <"$work/a.$fmt") bytes)"
      else
        echo "output $fmt: DIFFERS from baseline (exit $a vs $b)"
        diff "$work/b.$fmt" "$work/a.$fmt" | head -20 || true
        status=1
      fi
    done
  fi
  cd "$here"
done
exit $status
