#!/usr/bin/env python3
"""Score recall on other secret scanners' own per-rule literal examples.

Usage:
    scripts/score-examples.py extract --gitleaks GITDIR --betterleaks GITDIR \
        --kingfisher GITDIR OUT
    scripts/score-examples.py score [--tools leakgate,gitleaks,...] [--leakgate BIN]
        [--bin DIR] [--misses FILE] OUT

`extract` reads the competitors' repositories (git directories, e.g. bare mirrors; nothing is
copied into this repository) and writes each literal example to its own file under OUT:
OUT/<source>/pos/<rule>.<n>.txt for the examples a rule must match, OUT/<source>/neg/... for
its negative examples. "Literal" means written out in the source: for gitleaks and betterleaks
the string literals that are items of a rule's `tps`/`fps` lists (values generated at test time
with `secrets.NewSecret(...)` or `utils.GenerateSampleSecret(...)` are not literals and are
skipped); for kingfisher the `examples` and `negative_examples` of each rule YAML.

`score` runs every tool once per source directory, in the same run, and prints per source and
tool: recall (positive files with at least one finding) and false alarms (negative files with
at least one finding). --misses writes the positive files leakgate missed, one per line.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# ------------------------------------------------------------------ extraction


def git_files(gitdir, prefix, suffixes):
    out = subprocess.run(
        ["git", "--git-dir", gitdir, "ls-tree", "-r", "--name-only", "HEAD", prefix],
        check=True, capture_output=True, text=True).stdout
    return [p for p in out.splitlines() if p.endswith(suffixes)]


def git_show(gitdir, path):
    return subprocess.run(["git", "--git-dir", gitdir, "show", "HEAD:" + path],
                          check=True, capture_output=True).stdout.decode("utf-8", "replace")


GO_TOKEN = re.compile(r'''
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<num>[0-9]+)
  | (?P<op>:=|[{}()\[\],+=;])
  | (?P<nl>\n)
  | (?P<other>\S)
''', re.S | re.X)


def go_unquote(tok):
    if tok.startswith("`"):
        return tok[1:-1].replace("\r", "")
    body = tok[1:-1]
    try:
        return json.loads('"' + re.sub(r"\\x([0-9a-fA-F]{2})", r"\\u00\1",
                                       body.replace("\\'", "'")) + '"')
    except ValueError:
        return body


def go_examples(src):
    """Yield (kind, value) for string literals that are items of tps/fps lists."""
    toks = [(m.lastgroup, m.group()) for m in GO_TOKEN.finditer(src) if m.lastgroup != "comment"]
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        if kind == "ident" and text in ("tps", "fps", "truePositives", "falsePositives") \
                and i + 1 < len(toks) and toks[i + 1][1] in (":=", "="):
            label = "pos" if text in ("tps", "truePositives") else "neg"
            j = i + 2
            stack = []  # (opener, token before it)
            items = []
            while j < len(toks):
                k, t = toks[j]
                if k == "op" and t in "({[":
                    stack.append((t, toks[j - 1][1]))
                elif k == "op" and t in ")}]":
                    if not stack:
                        break
                    stack.pop()
                elif k == "nl" and not stack:
                    break
                elif k in ("raw", "str") and len(stack) == 1 and (
                        stack[0] == ("{", "string") or stack[0] == ("(", "append")):
                    p = j - 1
                    while toks[p][0] == "nl":
                        p -= 1
                    n = j + 1
                    while n < len(toks) and toks[n][0] == "nl":
                        n += 1
                    nxt = toks[n][1] if n < len(toks) else ""
                    if toks[p][1] in ("{", "(", ",") and nxt in (",", "}", ")"):
                        items.append(go_unquote(t))
                j += 1
            for v in items:
                yield label, v
            i = j
        i += 1


def write_examples(out, source, rule, label, values):
    d = os.path.join(out, source, label)
    os.makedirs(d, exist_ok=True)
    n = 0
    for v in values:
        if not v.strip():
            continue
        n += 1
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", rule)
        with open(os.path.join(d, f"{safe}.{n}.txt"), "w") as f:
            f.write(v if v.endswith("\n") else v + "\n")
    return n


def extract_go(gitdir, out, source):
    counts = {"pos": 0, "neg": 0}
    for path in git_files(gitdir, "cmd/generate/config/rules/", (".go",)):
        if path.endswith("_test.go"):
            continue
        src = git_show(gitdir, path)
        # one function per rule: split on func declarations so the rule name is known
        for m in re.finditer(r"^func (\w+)\(\)[^\n]*\{\n(.*?)^\}", src, re.S | re.M):
            name = os.path.basename(path)[:-3] + "." + m.group(1)
            ex = {"pos": [], "neg": []}
            for label, v in go_examples(m.group(2)):
                ex[label].append(v)
            for label in ex:
                counts[label] += write_examples(out, source, name, label, ex[label])
    return counts


def extract_kingfisher(gitdir, out):
    import yaml
    counts = {"pos": 0, "neg": 0}
    for path in git_files(gitdir, "data/rules/", (".yml", ".yaml")):
        try:
            doc = yaml.safe_load(git_show(gitdir, path))
        except yaml.YAMLError:
            continue
        for rule in (doc or {}).get("rules", []) or []:
            rid = rule.get("id", os.path.basename(path))
            for key, label in (("examples", "pos"), ("negative_examples", "neg")):
                vals = [v for v in rule.get(key) or [] if isinstance(v, str)]
                counts[label] += write_examples(out, "kingfisher", rid, label, vals)
    return counts


def go_eval(toks, i, env):
    """Evaluate the Go string expression at toks[i]: literals, identifiers bound in `env`, `+`,
    fmt.Sprintf, strings.Repeat, []byte/string conversions. Returns (value or None, index of
    the token that ends it: `,`, `}` or `)` at depth 0, or the end)."""
    parts, ok, operand = [], True, False
    while i < len(toks):
        k, t = toks[i]
        if k == "nl" and operand:
            break  # a line that ends with an operand ends the statement (Go's semicolons)
        operand = k in ("raw", "str", "num", "ident")
        if k == "nl" or t == "+":
            i += 1
        elif k in ("raw", "str"):
            parts.append(go_unquote(t))
            i += 1
        elif k == "num":
            parts.append(t)
            i += 1
        elif t == "[" and i + 1 < len(toks) and toks[i + 1][1] == "]":
            i += 2  # the []byte of []byte("...")
        elif k == "ident" and i + 1 < len(toks) and toks[i + 1][1] == "(":
            args, j = [], i + 2
            while j < len(toks):
                while j < len(toks) and toks[j][0] == "nl":
                    j += 1
                if j < len(toks) and toks[j][1] == ")":
                    j += 1
                    break
                v, j = go_eval(toks, j, env)
                args.append(v)
                if j < len(toks) and toks[j][1] == ",":
                    j += 1
                elif j < len(toks) and toks[j][1] == ")":
                    j += 1
                    break
                else:
                    return None, j
            operand = True
            if None in args:
                ok = False
            elif t == "fmt.Sprintf" and args:
                vals = iter(args[1:])
                try:
                    parts.append(re.sub(r"%[-+# 0-9.]*[svqdx]",
                                        lambda m: next(vals), args[0].replace("%%", "\0")).replace("\0", "%"))
                except StopIteration:
                    ok = False
            elif t == "strings.Repeat" and len(args) == 2 and args[1].isdigit():
                parts.append(args[0] * int(args[1]))
            elif t in ("byte", "string", "strings.TrimSpace") and len(args) == 1:
                parts.append(args[0].strip() if t == "strings.TrimSpace" else args[0])
            else:
                ok = False
            i = j
        elif k == "ident":
            if t in env:
                parts.append(env[t])
            else:
                ok = False
            i += 1
        elif t in (",", "}", ")"):
            break
        else:
            ok = False
            i += 1
    return ("".join(parts) if ok and parts else None), i


def extract_trufflehog(gitdir, out):
    """Each pattern test case of a detector (`input: <expr>, want: <list>`): a positive when
    `want` lists something, a negative when it is empty or nil."""
    counts = {"pos": 0, "neg": 0}
    for path in git_files(gitdir, "pkg/detectors/", ("_test.go",)):
        if path.endswith("_integration_test.go"):
            continue
        src = git_show(gitdir, path)
        toks = [(m.lastgroup, m.group()) for m in GO_TOKEN.finditer(src)
                if m.lastgroup != "comment"]
        env = {}
        for i in range(len(toks) - 1):
            if toks[i][0] == "ident" and toks[i + 1][1] in ("=", ":="):
                v, _ = go_eval(toks, i + 2, env)
                if v is not None:
                    env[toks[i][1]] = v
        ex = {"pos": [], "neg": []}
        i = 0
        while i < len(toks) - 1:
            if toks[i] == ("ident", "input") and toks[i + 1][1] == ":":
                value, j = go_eval(toks, i + 2, env)
                # the `want:` of the same case (before the next input)
                w = j
                while w < len(toks) - 1 and toks[w] != ("ident", "input") and not (
                        toks[w] == ("ident", "want") and toks[w + 1][1] == ":"):
                    w += 1
                if value is not None and w < len(toks) - 1 and toks[w] == ("ident", "want"):
                    rest = [t for _, t in toks[w + 2:w + 8]]
                    if rest[:1] == ["nil"] or rest[:5] == ["[", "]", "string", "{", "}"]:
                        ex["neg"].append(value)
                    elif rest[:4] == ["[", "]", "string", "{"]:
                        ex["pos"].append(value)
                i = j
            i += 1
        name = os.path.basename(os.path.dirname(path)) + "." + os.path.basename(path)[:-8]
        for label in ex:
            counts[label] += write_examples(out, "trufflehog", name, label, list(dict.fromkeys(ex[label])))
    return counts


# secretlint's packages that are not about a kind of credential
SECRETLINT_SKIP = ("preset-", "filter-comments", "pattern", "example", "no-homedir", "no-dotenv")


def extract_secretlint(gitdir, out):
    """Each rule's snapshot inputs: `ng.*` (reported) are positives, `ok.*` negatives."""
    counts = {"pos": 0, "neg": 0}
    for path in git_files(gitdir, "packages/@secretlint/", tuple(
            "/input" + e for e in ("", ".txt", ".json", ".yaml", ".yml", ".md", ".config", ".env"))):
        m = re.match(r"packages/@secretlint/secretlint-rule-([^/]+)/test/snapshots/(ng|ok)\.([^/]+)/", path)
        if not m or m.group(1).startswith(SECRETLINT_SKIP):
            continue
        label = "pos" if m.group(2) == "ng" else "neg"
        counts[label] += write_examples(out, "secretlint", m.group(1) + "." + m.group(3), label,
                                        [git_show(gitdir, path)])
    return counts


def extract_detect_secrets(gitdir, out):
    """Each `@pytest.mark.parametrize('<line>,should_flag', [...])` case of the plugins' tests."""
    import ast
    counts = {"pos": 0, "neg": 0}
    for path in git_files(gitdir, "tests/plugins/", ("_test.py",)):
        if path.endswith(("base_test.py", "ip_public_test.py")):
            continue
        try:
            tree = ast.parse(git_show(gitdir, path))
        except SyntaxError:
            continue
        ex = {"pos": [], "neg": []}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize"
                    and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)):
                continue
            names = [n.strip() for n in str(node.args[0].value).split(",")]
            flag = next((k for k, n in enumerate(names) if "should" in n or "flag" in n), None)
            if flag is None or not isinstance(node.args[1], (ast.List, ast.Tuple)):
                continue
            for case in node.args[1].elts:
                try:
                    vals = ast.literal_eval(case)
                except (ValueError, SyntaxError):
                    continue
                if not isinstance(vals, tuple) or len(vals) != len(names):
                    continue
                text = next((v for k, v in enumerate(vals) if k != flag and isinstance(v, str)), None)
                if text is not None and isinstance(vals[flag], bool):
                    ex["pos" if vals[flag] else "neg"].append(text)
        name = os.path.basename(path)[:-8]
        for label in ex:
            counts[label] += write_examples(out, "detect-secrets", name, label, ex[label])
    return counts


# ------------------------------------------------------------------ scoring


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


def files_leakgate(bin_, target):
    r = run([bin_, "scan", "--format", "json", target])
    if r.returncode not in (0, 1):
        sys.exit(f"leakgate failed: {r.stderr.strip()}")
    data = json.loads(r.stdout or "{}")
    found = data.get("findings", data) if isinstance(data, dict) else data
    return {os.path.abspath(os.path.join(target, f["path"]))
            if not os.path.isabs(f["path"]) else f["path"] for f in found}


def files_gitleaks_like(bin_, target):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as t:
        report = t.name
    run([bin_, "dir", target, "--no-banner", "--report-format", "json", "--report-path", report,
         "--max-target-megabytes", "10"])
    try:
        with open(report) as f:
            data = json.load(f) or []
    except (OSError, ValueError):
        data = []
    os.unlink(report)
    return {os.path.abspath(x["File"]) for x in data}


def files_betterleaks(bin_, target):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        run([bin_, "--no-banner", "--confidence=low", "--output=" + report, target])
        try:
            with open(report) as f:
                data = json.load(f) or {}
        except (OSError, ValueError):
            data = {}
    return {os.path.abspath(x["location"]["path"]) for x in data.get("findings", [])}


def kingfisher_paths(bin_, target):
    r = run([bin_, "scan", target, "--no-validate", "--no-dedup", "--format", "jsonl",
             "--confidence", "low"])
    out = set()
    for line in r.stdout.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        path = (obj.get("finding") or {}).get("path") if isinstance(obj, dict) else None
        if path:
            out.add(os.path.abspath(path))
    return out


def files_kingfisher(bin_, target):
    # kingfisher reports a secret once per run even with --no-dedup, so a file whose secret was
    # already reported from another file looks missed: scan the files it missed again (copied
    # to a fresh directory) until a round finds nothing new.
    hit = kingfisher_paths(bin_, target)
    while True:
        rest = [f for f in sorted(os.listdir(target))
                if os.path.abspath(os.path.join(target, f)) not in hit]
        with tempfile.TemporaryDirectory() as tmp:
            for f in rest:
                shutil.copy(os.path.join(target, f), tmp)
            new = {os.path.abspath(os.path.join(target, os.path.basename(p)))
                   for p in kingfisher_paths(bin_, tmp)}
        if not new - hit:
            return hit
        hit |= new


PLACEHOLDER = re.compile(r"(?i)abcdef|bcdefg|123456|234567|0123456789|qwerty|asdfgh|x{6}|"
                         r"a1b2c3|1a2b3c|example|your[_-]?(?:api[_-]?)?(?:key|token|secret)|"
                         r"(.)\1{7}")


def looks_like_placeholder(path):
    with open(path, errors="replace") as f:
        return PLACEHOLDER.search(f.read()) is not None


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("--gitleaks")
    e.add_argument("--betterleaks")
    e.add_argument("--kingfisher")
    e.add_argument("--trufflehog")
    e.add_argument("--secretlint")
    e.add_argument("--detect-secrets", dest="detect_secrets")
    e.add_argument("out")
    s = sub.add_parser("score")
    s.add_argument("--tools", default="leakgate,gitleaks,betterleaks,kingfisher")
    s.add_argument("--leakgate", default="target/release/leakgate")
    s.add_argument("--bin", default=os.path.expanduser("~/.cache/leakgate-bench/anchors/bin"))
    s.add_argument("--misses", help="write the positive files leakgate missed here")
    s.add_argument("--false-alarms", help="write the negative files leakgate flagged here")
    s.add_argument("--no-placeholders", action="store_true",
                   help="leave out examples that look like placeholders (abcdef, 123456, xxxx, "
                        "EXAMPLE, ...): leakgate ignores those on purpose")
    s.add_argument("out")
    a = ap.parse_args()

    if a.cmd == "extract":
        if os.path.exists(a.out):
            shutil.rmtree(a.out)
        for src in ("gitleaks", "betterleaks"):
            if getattr(a, src):
                c = extract_go(getattr(a, src), a.out, src)
                print(f"{src}: {c['pos']} examples, {c['neg']} negative examples")
        if a.kingfisher:
            c = extract_kingfisher(a.kingfisher, a.out)
            print(f"kingfisher: {c['pos']} examples, {c['neg']} negative examples")
        for src, fn in (("trufflehog", extract_trufflehog), ("secretlint", extract_secretlint),
                        ("detect_secrets", extract_detect_secrets)):
            if getattr(a, src):
                c = fn(getattr(a, src), a.out)
                print(f"{src.replace('_', '-')}: {c['pos']} examples, {c['neg']} negative examples")
        return

    tools = a.tools.split(",")
    runners = {
        "leakgate": lambda t: files_leakgate(os.path.abspath(a.leakgate), t),
        "gitleaks": lambda t: files_gitleaks_like(os.path.join(a.bin, "gitleaks"), t),
        "betterleaks": lambda t: files_betterleaks(os.path.join(a.bin, "betterleaks"), t),
        "kingfisher": lambda t: files_kingfisher(os.path.join(a.bin, "kingfisher"), t),
    }
    sources = sorted(d for d in os.listdir(a.out) if os.path.isdir(os.path.join(a.out, d)))
    print("| examples from | tool | recall | false alarms on negatives |")
    print("|---|---|---|---|")
    misses, alarms = [], []
    totals = {}
    for src in sources:
        for tool in tools:
            row = []
            for label in ("pos", "neg"):
                d = os.path.abspath(os.path.join(a.out, src, label))
                if not os.path.isdir(d):
                    row.append((0, 0))
                    continue
                files = {os.path.join(d, f) for f in os.listdir(d)}
                if a.no_placeholders:
                    files = {f for f in files if not looks_like_placeholder(f)}
                hit = runners[tool](d) & files
                row.append((len(hit), len(files)))
                t = totals.setdefault(tool, {"pos": [0, 0], "neg": [0, 0]})
                t[label][0] += len(hit)
                t[label][1] += len(files)
                if tool == "leakgate":
                    if label == "pos":
                        misses += sorted(files - hit)
                    else:
                        alarms += sorted(hit)
            (ph, pn), (nh, nn) = row
            print(f"| {src} | {tool} | {ph}/{pn} = {100 * ph / max(pn, 1):.1f}% "
                  f"| {nh}/{nn} = {100 * nh / max(nn, 1):.1f}% |")
    for tool, t in totals.items():
        (ph, pn), (nh, nn) = t["pos"], t["neg"]
        print(f"| all | {tool} | {ph}/{pn} = {100 * ph / max(pn, 1):.1f}% "
              f"| {nh}/{nn} = {100 * nh / max(nn, 1):.1f}% |")
    if a.misses:
        with open(a.misses, "w") as f:
            f.write("".join(m + "\n" for m in misses))
    if a.false_alarms:
        with open(a.false_alarms, "w") as f:
            f.write("".join(m + "\n" for m in alarms))


if __name__ == "__main__":
    main()
