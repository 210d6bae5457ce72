#!/usr/bin/env python3
"""Sends a file's bytes, exactly, to a server over one connection and
reports how the server answered: the status line of each response and
whether it closed the connection.

Usage: send_raw.py HOST PORT FILE... [--tls] [--cafile F] [--sni NAME]
                   [--header 'Name: value']... [--timeout S] [--check] [--json]

For each FILE (a fresh connection each): sends its bytes while reading what
comes back, until the server closes the connection, resets it, or goes
quiet: --timeout seconds in all (default 5), or 1 s without a byte once a
whole response has arrived. Prints one line per file:

    01-cl-te.http  400 Bad Request  closed after 0.004 s

--tls          TLS; without --cafile the certificate is not verified.
--cafile F     verify the server's certificate against F (SNI and name: --sni or HOST).
--header H     a field line inserted right after the first line of each file,
               e.g. a bearer token a gateway needs before it reads the rest;
               it ends the way that first line ends (CRLF, or a bare LF).
--check        compare with expected.tsv beside each file (see
               smuggling/make_corpus.py): the first response's status must
               be one of the expected ones, no second response may come,
               and the server must close (or reset) the connection. Exits 1
               when a file does not.
--json         one JSON object per file instead of the line.
"""

import argparse
import json
import os
import selectors
import socket
import ssl
import sys
import time

IDLE_AFTER_RESPONSE = 1.0


def parse_responses(data: bytes):
    """Status lines of the complete responses at the start of data, and how
    many bytes they took. A response without Content-Length or chunked
    framing runs to the end of data (the server closes to end it)."""
    statuses, offset = [], 0
    while offset < len(data):
        head_end = data.find(b"\r\n\r\n", offset)
        if head_end < 0:
            break
        head = data[offset:head_end].decode("latin-1").split("\r\n")
        status_line = head[0]
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            break
        code = int(parts[1])
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields.setdefault(name.strip().lower(), []).append(value.strip())
        position = head_end + 4
        if 100 <= code < 200 or code in (204, 304):
            pass
        elif "chunked" in ",".join(fields.get("transfer-encoding", [])).lower():
            while True:
                line_end = data.find(b"\r\n", position)
                if line_end < 0:
                    return statuses, offset
                try:
                    size = int(data[position:line_end].split(b";")[0].strip(), 16)
                except ValueError:
                    return statuses, offset
                position = line_end + 2
                if size == 0:
                    trailer_end = data.find(b"\r\n\r\n", position - 2)
                    if trailer_end < 0:
                        return statuses, offset
                    position = trailer_end + 4
                    break
                position += size + 2
                if position > len(data):
                    return statuses, offset
        elif "content-length" in fields:
            try:
                position += int(fields["content-length"][0])
            except ValueError:
                return statuses, offset
            if position > len(data):
                return statuses, offset
        else:
            position = len(data)  # until the connection closes
        statuses.append(status_line)
        offset = position
    return statuses, offset


def with_headers(payload: bytes, headers: list[str]) -> bytes:
    if not headers:
        return payload
    line_end = payload.find(b"\n")
    if line_end < 0:
        return payload
    eol = b"\r\n" if line_end > 0 and payload[line_end - 1:line_end] == b"\r" else b"\n"
    inserted = b"".join(h.encode("latin-1") + eol for h in headers)
    return payload[:line_end + 1] + inserted + payload[line_end + 1:]


def exchange(args, payload: bytes) -> dict:
    started = time.monotonic()
    deadline = started + args.timeout
    raw = socket.create_connection((args.host, args.port), timeout=args.timeout)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock = raw
    if args.tls:
        context = ssl.create_default_context(cafile=args.cafile) if args.cafile else ssl._create_unverified_context()
        sock = context.wrap_socket(raw, server_hostname=args.sni or args.host)
    sock.setblocking(False)

    received = bytearray()
    sent = 0
    send_error = None
    ending = "open"  # or "closed", "reset"
    last_byte = None
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    try:
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            if last_byte is not None and now - last_byte >= IDLE_AFTER_RESPONSE and parse_responses(bytes(received))[0]:
                break
            sending = sent < len(payload) and send_error is None
            selector.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if sending else 0))
            events = selector.select(timeout=min(0.1, deadline - now))
            readable = any(mask & selectors.EVENT_READ for _, mask in events) or (args.tls and sock.pending())
            writable = any(mask & selectors.EVENT_WRITE for _, mask in events)
            if writable and sending:
                try:
                    sent += sock.send(payload[sent:sent + 65536])
                except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                    pass
                except OSError as error:  # the server closed or reset while we sent
                    send_error = error.__class__.__name__
            if readable:
                try:
                    chunk = sock.recv(65536)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    continue
                except ConnectionResetError:
                    ending = "reset"
                    break
                except ssl.SSLError as error:
                    ending = f"TLS error ({error.reason})"
                    break
                except OSError as error:
                    ending = f"error ({error.__class__.__name__})"
                    break
                if not chunk:
                    ending = "closed"
                    break
                received += chunk
                last_byte = time.monotonic()
    finally:
        selector.close()
        sock.close()

    statuses, used = parse_responses(bytes(received))
    return {
        "statuses": statuses,
        "unparsed_bytes": len(received) - used,
        "connection": ending,
        "seconds": round(time.monotonic() - started, 3),
        "sent_bytes": sent,
        "payload_bytes": len(payload),
        "send_error": send_error,
    }


def expected_statuses(path: str):
    table = os.path.join(os.path.dirname(os.path.abspath(path)), "expected.tsv")
    try:
        with open(table) as file:
            for line in file:
                fields = line.rstrip("\n").split("\t")
                if fields[0] == os.path.basename(path):
                    return fields[1].split()
    except OSError:
        pass
    return None


def verdict(result: dict, expected) -> str:
    if expected is None:
        return "no expectation in expected.tsv"
    statuses = result["statuses"]
    if not statuses:
        return f"FAIL: no response (expected {'/'.join(expected)})"
    code = statuses[0].split(" ")[1]
    if code not in expected:
        return f"FAIL: {code}, expected {'/'.join(expected)}"
    if len(statuses) > 1:
        return f"FAIL: {len(statuses)} responses: the connection went on after the refusal"
    if result["connection"] not in ("closed", "reset"):
        return f"FAIL: connection {result['connection']} after the refusal"
    return "ok"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--cafile")
    parser.add_argument("--sni")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    failures = 0
    width = max(len(os.path.basename(f)) for f in args.files)
    for path in args.files:
        with open(path, "rb") as file:
            payload = with_headers(file.read(), args.header)
        try:
            result = exchange(args, payload)
        except OSError as error:
            result = {"statuses": [], "unparsed_bytes": 0, "connection": f"failed: {error}", "seconds": 0,
                      "sent_bytes": 0, "payload_bytes": len(payload), "send_error": None}
        result["file"] = os.path.basename(path)
        if args.check:
            result["verdict"] = verdict(result, expected_statuses(path))
            failures += result["verdict"] != "ok"
        if args.json:
            print(json.dumps(result), flush=True)
            continue
        statuses = " + ".join(result["statuses"]) or "no response"
        line = f"{result['file']:<{width}}  {statuses}  {result['connection']} after {result['seconds']:.3f} s"
        if result["unparsed_bytes"]:
            line += f"  (+{result['unparsed_bytes']} bytes not a response)"
        if result["sent_bytes"] < result["payload_bytes"]:
            line += f"  (sent {result['sent_bytes']} of {result['payload_bytes']} bytes"
            line += f": {result['send_error']})" if result["send_error"] else ")"
        if args.check:
            line += f"  {result['verdict']}"
        print(line, flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
