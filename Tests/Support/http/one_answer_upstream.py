#!/usr/bin/env python3
"""An HTTP/1.1 upstream that answers one request per connection, says
`Connection: keep-alive`, and closes the connection right after the answer
(the answer and the close leave together): what a server does when its
keep-alive timeout fires just as a proxy reuses the connection. Whatever
else was sent on the connection is never read.

With --silent-second it keeps the connection open after its answer instead,
reads the next request on it, counts it, and closes without answering: a
server that took a request and died (or timed out) before it answered.

With --say-close its answers say `Connection: close`, as an HTTP/1.0
server's or one shutting down would.

Usage: one_answer_upstream.py [--port N] [--silent-second | --say-close]
Prints http://127.0.0.1:PORT on stdout, then serves until stdin ends.
GET /received answers (on its own connection) the request lines it read so
far, one per line, itself left out. Every other request is answered 200
with {"path": PATH}.
"""

import argparse
import json
import os
import socket
import sys
import threading
import time

from fixture_lifetime import on_stdin_closed, unblock_signals

received: list[str] = []
lock = threading.Lock()


def read_head(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return b""
        data += chunk
    return data.split(b"\r\n\r\n", 1)[0]


def answer(connection: socket.socket, head: bytes, say_close: bool = False) -> None:
    request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    path = request_line.split(" ")[1] if " " in request_line else ""
    if path == "/received":
        with lock:
            body = "".join(line + "\n" for line in received).encode()
    else:
        with lock:
            received.append(request_line)
        body = json.dumps({"path": path}).encode()
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + (b"Connection: close\r\n" if say_close else b"Connection: keep-alive\r\n")
        + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def serve(connection: socket.socket, silent_second: bool, say_close: bool) -> None:
    with connection:
        head = read_head(connection)
        if not head:
            return
        answer(connection, head, say_close)
        if silent_second:
            second = read_head(connection)
            if second:
                with lock:
                    received.append(second.split(b"\r\n", 1)[0].decode("latin-1"))
            return
        connection.shutdown(socket.SHUT_WR)
        # Closed later: closing with unread bytes would reset the connection
        # (and could drop the answer before the proxy reads it).
        time.sleep(1)


def main() -> None:
    unblock_signals()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--silent-second", action="store_true", help="read a second request, answer nothing, close")
    parser.add_argument("--say-close", action="store_true", help="answer with Connection: close")
    args = parser.parse_args()
    listener = socket.create_server(("127.0.0.1", args.port))
    print(f"http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    on_stdin_closed(lambda: os._exit(0))
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection, args.silent_second, args.say_close), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
