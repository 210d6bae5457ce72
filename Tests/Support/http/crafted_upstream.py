#!/usr/bin/env python3
"""An HTTP/1.1 upstream whose answers are written byte by byte, for what a
well-behaved server never sends (red-team round 3 of the HTTP plugin):

  GET /cl-underscore  Content-Length: 12 and a `Content_Length: 2` beside it
                      (not a framing header to any parser), body "hello world\\n"
  GET /no-length      no Content-Length: the body ends when the connection closes
  GET /te-gzip        Transfer-Encoding: gzip, chunked, with a JSON body holding
                      an SSN and an email; the connection closes after it
  ANY /slow           200 {"path": "/slow"} after a second (its body, if any, read first)
  anything else       200 {"path": PATH}, keep-alive

Usage: crafted_upstream.py [--port N]
Prints http://127.0.0.1:PORT on stdout, then serves until stdin ends.
"""

import argparse
import gzip
import json
import os
import socket
import sys
import threading
import time

from fixture_lifetime import on_stdin_closed, unblock_signals

SECRET_JSON = json.dumps({"name": "Ada", "ssn": "123-45-6789", "email": "ada@example.com"}).encode()


def read_head(connection: socket.socket, pending: bytes) -> tuple[bytes, bytes]:
    data = pending
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    return head, rest


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def serve(connection: socket.socket) -> None:
    with connection:
        pending = b""
        while True:
            head, pending = read_head(connection, pending)
            if not head:
                return
            path = head.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
            if path == "/cl-underscore":
                body = b"hello world\n"
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
                                   b"Content_Length: 2\r\n\r\n" + body)
            elif path == "/no-length":
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe body ends with the connection\n")
                return
            elif path == "/slow":
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")[1:]
                               if line.lower().startswith(b"content-length:")), 0)
                while len(pending) < length:
                    pending += connection.recv(65536)
                pending = pending[length:]
                time.sleep(1)
                body = json.dumps({"path": path}).encode()
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            elif path == "/te-gzip":
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                                   + chunk(gzip.compress(SECRET_JSON)) + b"0\r\n\r\n")
                return
            else:
                body = json.dumps({"path": path}).encode()
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def main() -> None:
    unblock_signals()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    arguments = parser.parse_args()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", arguments.port))
    listener.listen(64)
    print(f"http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    on_stdin_closed(lambda: os._exit(0))
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    main()
