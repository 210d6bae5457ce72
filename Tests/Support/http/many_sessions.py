#!/usr/bin/env python3
"""Opens COUNT HTTPS connections to 127.0.0.1:PORT one after another, each
for one request (`Connection: close`) read to its end, and prints how many
answers had each status, as JSON ({"200": COUNT} when all went well).

Usage: many_sessions.py PORT COUNT [--path /get] [--header 'Name: value']...
The certificate is not verified (the tests' gateways use throwaway ones).
"""

import argparse
import collections
import json
import socket
import ssl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("port", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--path", default="/get")
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()
    context = ssl._create_unverified_context()
    headers = "".join(f"{header}\r\n" for header in args.header)
    request = f"GET {args.path} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n".encode()
    statuses = collections.Counter()
    for _ in range(args.count):
        with context.wrap_socket(socket.create_connection(("127.0.0.1", args.port), timeout=30)) as connection:
            connection.sendall(request)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/1.1 ") else "none"
        statuses[status] += 1
    print(json.dumps(statuses))


if __name__ == "__main__":
    main()
