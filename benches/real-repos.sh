#!/usr/bin/env bash
# Findings on real repositories, leakgate beside the other scanners, for reading by eye.
#
#   benches/real-repos.sh OUT REPO...      # each REPO a checkout (fetched outside this repo)
#
# For each checkout: `leakgate scan --format json .` run inside it, and gitleaks, betterleaks
# and kingfisher in their directory modes (when on PATH or in $ANCHORS: see
# ../shared/bench/install-anchors.sh). Writes OUT/<repo>/<tool>.tsv (path, line, rule), a
# summary table on stdout (findings per tool, and how many of leakgate's locations each other
# tool also reports), and OUT/<repo>/leakgate-triage.txt: every leakgate finding with its line,
# the secret cut to its first 4 characters, to triage (real / example / not a credential).
# Nothing here is timed. LEAKGATE selects the binary (default: target/release/leakgate).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
LEAKGATE=${LEAKGATE:-$here/target/release/leakgate}
ANCHORS=${ANCHORS:-$HOME/.cache/leakgate-bench/anchors/bin}
[ $# -ge 2 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
# OUT made absolute: the tools run inside each checkout.
mkdir -p "$1"; out=$(cd "$1" && pwd); shift
tool() { if command -v "$1" >/dev/null 2>&1; then command -v "$1"; elif [ -x "$ANCHORS/$1" ]; then echo "$ANCHORS/$1"; fi; }
GL=$(tool gitleaks); BL=$(tool betterleaks); KF=$(tool kingfisher)

printf '%-28s %9s %9s %9s %9s   %s\n' repo leakgate gitleaks betterlks kingfshr "leakgate locations also found by gl/bl/kf"
for repo in "$@"; do
  name=$(basename "$repo"); d="$out/$name"; mkdir -p "$d"
  (cd "$repo" && "$LEAKGATE" scan --format json . > "$d/leakgate.json" 2> "$d/leakgate.err") || true
  [ -n "$GL" ] && (cd "$repo" && "$GL" dir --redact --no-banner -f json -r "$d/gitleaks.json" . >/dev/null 2>&1) || true
  [ -n "$BL" ] && (cd "$repo" && "$BL" fs --redact --no-banner -o "$d/betterleaks.json" . >/dev/null 2>&1) || true
  [ -n "$KF" ] && (cd "$repo" && "$KF" scan --no-validate --no-update-check -q --git-history none -f jsonl -o "$d/kingfisher.jsonl" . >/dev/null 2>&1) || true
  python3 - "$repo" "$d" "$name" <<'PY'
import json, os, sys
repo, d, name = sys.argv[1:]
def load(p):
    try:
        with open(p, encoding="utf-8", errors="replace") as fh: return fh.read()
    except OSError: return None
def norm(p): return os.path.normpath(str(p)).lstrip("./") if p else ""
tools = {}
t = load(d + "/leakgate.json")
if t:
    tools["leakgate"] = [(f["path"], f.get("line"), f["rule_id"], f.get("secret") or "") for f in json.loads(t)["findings"]]
t = load(d + "/gitleaks.json")
if t: tools["gitleaks"] = [(norm(f["File"]), f["StartLine"], f["RuleID"], "") for f in json.loads(t) or []]
t = load(d + "/betterleaks.json")
if t:
    j = json.loads(t); fs = j.get("findings") or [] if isinstance(j, dict) else j or []
    tools["betterleaks"] = [(norm((f.get("location") or {}).get("path") or f.get("File")), (f.get("location") or {}).get("start_line") or f.get("StartLine"), f.get("rule_id") or f.get("RuleID"), "") for f in fs]
t = load(d + "/kingfisher.jsonl")
if t is not None:
    rows = []
    for ln in t.splitlines():
        try: o = json.loads(ln)
        except ValueError: continue
        f = o.get("finding") if isinstance(o, dict) else None
        if isinstance(f, dict): rows.append((norm(f.get("path")), f.get("line"), (o.get("rule") or {}).get("id", "?"), ""))
    tools["kingfisher"] = rows
for k, rows in tools.items():
    with open(f"{d}/{k}.tsv", "w") as fh:
        for r in rows: fh.write(f"{r[0]}\t{r[1]}\t{r[2]}\n")
lg = tools.get("leakgate", [])
locs = {(p, l) for p, l, _, _ in lg}
also = []
for k in ("gitleaks", "betterleaks", "kingfisher"):
    other = {(p, l) for p, l, _, _ in tools.get(k, [])}
    also.append(str(len(locs & other)) if k in tools else "-")
cnt = lambda k: str(len(tools[k])) if k in tools else "-"
print(f"{name:<28} {cnt('leakgate'):>9} {cnt('gitleaks'):>9} {cnt('betterleaks'):>9} {cnt('kingfisher'):>9}   {len(locs)}: {'/'.join(also)}")
with open(d + "/leakgate-triage.txt", "w") as fh:
    for p, l, rule, secret in sorted(lg, key=lambda r: (r[2], r[0], r[1] or 0)):
        text = ""
        if l:
            try:
                with open(os.path.join(repo, p), encoding="utf-8", errors="replace") as src:
                    for i, s in enumerate(src, 1):
                        if i == l: text = s.strip(); break
            except OSError: pass
            # never the whole secret: keep its first 4 characters (leakgate's redaction is
            # `prefix…(length)`), else drop the line's text
            pre, _, rest = secret.partition("…(")
            n = int(rest.rstrip(")")) if rest.rstrip(")").isdigit() else 0
            if len(pre) >= 2 and n and pre in text:
                i = text.index(pre)
                text = text[:i + 4] + "…" + text[i + n:]
            elif secret:
                text = "(line not shown)"
        fh.write(f"{rule}\t{p}:{l}\t{text[:160]}\n")
PY
done
