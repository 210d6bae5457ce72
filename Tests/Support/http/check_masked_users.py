#!/usr/bin/env python3
"""Checks a masked copy of /warden/users against the original: every email
and SSN field redacted (by path), every mail address in free text redacted
(by detection), and every other byte identical.
Usage: check_masked_users.py ORIGINAL MASKED REDACTION
Prints `identical, N users` or where the two first differ."""

import re
import sys


def main(original_path: str, masked_path: str, redaction: str) -> None:
    original = open(original_path, "rb").read()
    masked = open(masked_path, "rb").read()
    token = redaction.encode()
    expected = re.sub(rb'"email":"[^"]*"', b'"email":"' + token + b'"', original)
    expected = re.sub(rb'"ssn":"[^"]*"', b'"ssn":"' + token + b'"', expected)
    expected = re.sub(rb"[a-z.]+@corp\.example", token, expected)
    if expected == masked:
        users = original.count(b'"id":')
        print(f"identical, {users} users, {len(original)} bytes in, {len(masked)} out")
        return
    at = next((i for i, (a, b) in enumerate(zip(expected, masked)) if a != b), min(len(expected), len(masked)))
    print(f"differ at byte {at} (expected {len(expected)} bytes, got {len(masked)}):")
    print(f"  expected {expected[max(0, at - 80):at + 80]!r}")
    print(f"  got      {masked[max(0, at - 80):at + 80]!r}")
    sys.exit(1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
