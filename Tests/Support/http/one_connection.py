#!/usr/bin/env python3
"""Sends requests one after another over one HTTPS connection, pausing where
told, and prints one JSON line per response: {"status", "body", "local_port"}.
The local port is the client's own: the same on every line shows that one
connection carried them all. A connection the server closed ends the script
with exit status 1 and the error on stderr.

Usage: one_connection.py PORT [--header 'Name: value']... STEP...
  STEP is 'GET /path', 'POST /path BODY' or 'sleep SECONDS'.
The certificate is not verified (the tests' gateways use throwaway ones).
"""

import argparse
import http.client
import json
import ssl
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("port", type=int)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("steps", nargs="+")
    args = parser.parse_args()
    headers = dict(header.split(": ", 1) for header in args.header)

    connection = http.client.HTTPSConnection("127.0.0.1", args.port, context=ssl._create_unverified_context(), timeout=60)
    connection.connect()
    socket_used = connection.sock
    local_port = socket_used.getsockname()[1]
    for step in args.steps:
        words = step.split(" ", 2)
        if words[0] == "sleep":
            time.sleep(float(words[1]))
            continue
        if connection.sock is not socket_used:
            sys.exit(f"one_connection.py: the server closed the connection before {step!r}")
        body = words[2].encode() if len(words) > 2 else None
        try:
            connection.request(words[0], words[1], body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (http.client.HTTPException, OSError) as error:
            sys.exit(f"one_connection.py: {step!r} failed: {error!r}")
        print(json.dumps({"status": response.status, "body": text, "local_port": local_port}), flush=True)
    connection.close()


if __name__ == "__main__":
    main()
