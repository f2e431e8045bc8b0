#!/usr/bin/env bash
# The typical commit, staged in a scratch clone (what precommit-commit.sh and
# precommit-instructions.sh measure the hook on).
#
#   benches/precommit-setup.sh REPO DEST [EDIT_GLOB]
#
# REPO (a checkout, e.g. of kubernetes/kops) is cloned into DEST (REPO is never modified); five
# tracked EDIT_GLOB files spread over the sorted list get +3 lines each, and a new 200-line YAML
# file with a fake AWS key id, a fake AWS secret and a fake GitHub token (random values in the
# right format, made here) at lines 100-102 is added: 6 files, +215 lines, all staged.
# EDIT_GLOB defaults to '*.go', or, if REPO has fewer than 5 such files, to the first of
# '*.py' '*.c' '*.h' '*.txt' it has 5 of.
set -euo pipefail

repo=${1:?usage: benches/precommit-setup.sh REPO DEST [EDIT_GLOB]}
dest=${2:?usage: benches/precommit-setup.sh REPO DEST [EDIT_GLOB]}
glob=${3:-}
if [ -z "$glob" ]; then
  for g in '*.go' '*.py' '*.c' '*.h' '*.txt'; do
    if [ "$(git -C "$repo" ls-files -- "$g" | head -5 | wc -l)" = 5 ]; then glob=$g; break; fi
  done
  glob=${glob:-*.go}
fi

git clone -q "$repo" "$dest"
cd "$dest"
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
echo "staged ($glob): $(git diff --cached --shortstat)"
