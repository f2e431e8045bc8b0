#!/usr/bin/env python3
"""Make fake credentials in real formats for rule examples and tests (never real ones).

  scripts/fake-token.py ghp_            # GitHub-style token with a valid CRC32/base62 checksum
  scripts/fake-token.py npm_ --bad      # the same with a wrong checksum
  scripts/fake-token.py glsa_           # Grafana service account token with a valid CRC32
  scripts/fake-token.py ATBB            # Bitbucket app password (ATATT3: Atlassian API token)
  scripts/fake-token.py random 40 [ALPHABET]   # random chars: base62 (default), hex, base64, upper, base32
"""
import random, string, struct, sys, zlib

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
    rand = lambda n, alpha: "".join(rng.choice(alpha) for _ in range(n))
    crc = lambda text: zlib.crc32(text.encode()) & 0xFFFFFFFF
    if argv and argv[0] == "random":
        n = int(argv[1]); alpha = ALPHABETS.get(argv[2] if len(argv) > 2 else "base62", argv[2] if len(argv) > 2 else B62)
        print(rand(n, alpha))
        return
    prefix = argv[0] if argv else "ghp_"
    if prefix in ("ATBB", "ATATT3"):
        # The checksum is the upper-case hex CRC32 of everything before it.
        token = prefix + (rand(24, B62) if prefix == "ATBB" else rand(180, B62 + "-_") + "=")
        check = "%08X" % crc(token)
    elif prefix == "glsa_":
        # The checksum is the CRC32 of `glsa_<32>`, its bytes little-endian, in hex.
        token = prefix + rand(32, B62) + "_"
        check = struct.pack("<I", crc(token[:-1])).hex()
    else:
        # GitHub-style: six base62 characters of the CRC32 of the 30 random ones.
        body = rand(30, B62)
        token, check = prefix + body, b62(crc(body))
    if "--bad" in argv:
        # The last character changed (0 and 1 are valid in every alphabet used here).
        check = check[:-1] + ("0" if check[-1] != "0" else "1")
    print(token + check)

main(sys.argv[1:])
