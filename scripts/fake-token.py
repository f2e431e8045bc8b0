#!/usr/bin/env python3
"""Make fake credentials in real formats for rule examples and tests (never real ones).

  scripts/fake-token.py ghp_            # GitHub-style token with a valid CRC32/base62 checksum
  scripts/fake-token.py npm_ --bad      # the same with a wrong checksum
  scripts/fake-token.py glsa_           # Grafana service account token with a valid CRC32
  scripts/fake-token.py ATBB            # Bitbucket app password (ATATT3: Atlassian API token)
  scripts/fake-token.py random 40 [ALPHABET]   # random chars: base62 (default), hex, base64, upper, base32
"""
import random, string, sys, zlib

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALPHABETS = {
    "base62": B62,
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "base64": B62 + "+/",
    "base64url": B62 + "-_",
    "upper": string.ascii_uppercase + string.digits,
    "base32": string.ascii_uppercase + "234567",
    "lower": string.ascii_lowercase + string.digits,
}

def b62(n):
    out = ""
    while n:
        out = B62[n % 62] + out
        n //= 62
    return out.rjust(6, "0")

def main(argv):
    rng = random.SystemRandom()
    if argv and argv[0] == "random":
        n = int(argv[1]); alpha = ALPHABETS.get(argv[2] if len(argv) > 2 else "base62", argv[2] if len(argv) > 2 else B62)
        print("".join(rng.choice(alpha) for _ in range(n)))
        return
    prefix = argv[0] if argv else "ghp_"
    if prefix in ("ATBB", "ATATT3"):
        n, sep = (24, "") if prefix == "ATBB" else (180, "=")
        body = prefix + "".join(rng.choice(B62 + ("-_" if sep else "")) for _ in range(n)) + sep
        check = "%08X" % (zlib.crc32(body.encode()) & 0xFFFFFFFF)
        if "--bad" in argv:
            check = check[:-1] + ("0" if check[-1] != "0" else "1")
        print(body + check)
        return
    if prefix == "glsa_":
        import struct
        key = prefix + "".join(rng.choice(B62) for _ in range(32))
        check = struct.pack("<I", zlib.crc32(key.encode()) & 0xFFFFFFFF).hex()
        if "--bad" in argv:
            check = check[:-1] + ("0" if check[-1] != "0" else "1")
        print(key + "_" + check)
        return
    body = "".join(rng.choice(B62) for _ in range(30))
    check = b62(zlib.crc32(body.encode()) & 0xFFFFFFFF)
    if "--bad" in argv:
        check = check[:-1] + ("A" if check[-1] != "A" else "B")
    print(prefix + body + check)

main(sys.argv[1:])
