#!/usr/bin/env bash
# Pathological lines: 10 MB on one line, full of keyword hits, for `scan -` and for the hook.
#
#   benches/long-line.sh [SIZE_BYTES]
#
# For each family below, one line of SIZE_BYTES (default 10,000,000) is generated (random
# fake values made here; near-misses unless said otherwise), then hyperfine times, in one run,
# `cat FILE` against `leakgate scan - < FILE`, and, with the file staged in a fresh repository,
# `git diff --cached` against `leakgate pre-commit`. It prints the medians and the ratios.
#   ghp        ghp_ + 20 base62 (too short)          akia      AKIA + 10 chars (too short)
#   password   password=<4 chars>                    token     token: <3 chars>,
#   json       minified JSON, "key":"value" pairs with secret-like keys and 2-12 char values
#   b64        a base64 blob with a keyword every 60 bytes
#   begin      -----BEGIN ... PRIVATE KEY----- fragments
#   short      many short keyword hits per KB (sk, pk, api, tok, xox, npm, AIza, ...)
#   ghp-real   valid-checksum ghp_ tokens, space separated (every one is a finding)
# LEAKGATE=path picks the binary (default: target/release/leakgate, built first); RUNS
# (default 3) timed runs per command, after 1 warm-up; FAMILIES="ghp json" picks families.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-10000000}
runs=${RUNS:-3}
families=${FAMILIES:-"ghp akia password token json b64 begin short ghp-real"}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
if [ -z "${LEAKGATE:-}" ]; then
  (cd "$here" && cargo build --release --quiet)
  LEAKGATE=$here/target/release/leakgate
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/lg-long-line.XXXXXX")
trap 'rm -rf "$work"' EXIT

gen() { # gen FAMILY SIZE > file
  python3 - "$1" "$2" <<'PY'
import random, string, sys, zlib
fam, size = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
A = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
U = string.ascii_uppercase + string.digits
r = lambda n, a=A: "".join(rng.choice(a) for _ in range(n))
def b62(n):
    o = ""
    while n:
        o = B62[n % 62] + o; n //= 62
    return o.rjust(6, "0")
def piece():
    if fam == "ghp": return "ghp_" + r(20) + " "
    if fam == "akia": return "AK" + "IA" + r(10, U) + " "
    if fam == "password": return "password=" + r(4) + " "
    if fam == "token": return "token: " + r(3) + ", "
    if fam == "json":
        k = rng.choice(["key", "api_key", "secret", "token", "password", "auth", "client_secret", "access_token"])
        return '"%s":"%s",' % (k, r(rng.randint(2, 12)))
    if fam == "b64": return r(60, A + "+/") + rng.choice(["key", "token", "secret", "AKIA", "ghp_", "pass"])
    if fam == "begin":
        return "-----BEGIN " + rng.choice(["RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "PGP", "CERT"]) + "-----" + r(8)
    if fam == "short":
        return rng.choice(["key", "sk", "pk", "api", "tok", "pwd", "aws", "xox", "npm", "AIza"]) + r(2) + " "
    if fam == "ghp-real":
        body = r(30)
        return "gh" + "p_" + body + b62(zlib.crc32(body.encode()) & 0xFFFFFFFF) + " "
    raise SystemExit("unknown family " + fam)
out, n = [], 0
while n < size:
    p = piece(); out.append(p); n += len(p)
sys.stdout.write("".join(out)[:size] + "\n")
PY
}

git init -q "$work/repo"
git -C "$work/repo" -c user.name=bench -c user.email=bench@example.invalid commit -q --allow-empty -m init
printf '%-10s %10s %10s %8s   %10s %10s %8s\n' family cat scan ratio git-diff hook ratio
echo "(wall medians; cpu = user + system, mean: what the machine's other load does not inflate)"
for f in $families; do
  gen "$f" "$size" >"$work/$f.txt"
  cp "$work/$f.txt" "$work/repo/big.txt"
  git -C "$work/repo" add big.txt
  # Every command through `sh -c` (no shell-overhead correction, which can take a 3 ms `cat`
  # to zero): the same start-up cost on both sides of each ratio.
  (cd "$work/repo" && hyperfine -N --warmup 1 --runs "$runs" -i --style none --export-json "$work/$f.json" \
    -n cat "sh -c 'cat < $work/$f.txt'" \
    -n scan "sh -c '$LEAKGATE scan - < $work/$f.txt'" \
    -n git-diff "sh -c 'git diff --cached'" \
    -n hook "sh -c '$LEAKGATE pre-commit'" >/dev/null 2>&1) || true
  python3 - "$work/$f.json" "$f" <<'PY'
import json, sys
res = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
r = {k: x["median"] for k, x in res.items()}
print("%-10s %9.3fs %9.3fs %7.1fx   %9.3fs %9.3fs %7.1fx   (cpu: scan %.2fs, hook %.2fs)" % (
    sys.argv[2], r["cat"], r["scan"], r["scan"] / r["cat"], r["git-diff"], r["hook"], r["hook"] / r["git-diff"],
    res["scan"]["user"] + res["scan"]["system"], res["hook"]["user"] + res["hook"]["system"]))
PY
  git -C "$work/repo" rm -q --cached big.txt
done
