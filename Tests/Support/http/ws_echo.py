#!/usr/bin/env python3
"""A WebSocket echo upstream for Warden's HTTP tests, on the `websockets`
library's asyncio server.

Usage: ws_echo.py [--port N] [--max-size BYTES] [--no-compression] [--lifetime SECONDS]

Prints the base URL (ws://127.0.0.1:PORT) as the first and only line on
stdout once it listens, then serves until its stdin, when that is a pipe,
reaches end of file (so a crashed test runner never leaves it behind), it is
killed, or the lifetime runs out. Logs one line per connection to stderr. Requires
`pip install websockets` (tested: 17.4).

On any path, every message is sent back as it came: text as text, binary as
binary. On the path /headers, the first message the server sends, before any
echo, is a text message with the opening handshake as it reached the server:
{"path": "/headers?...", "headers": [[NAME, VALUE], ...]}, so a test can see
what a gateway forwarded.

It accepts permessage-deflate when a client offers it (the library's default,
as most real servers do): frames then arrive compressed (RSV1). With
--no-compression it never does.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys

from fixture_lifetime import on_stdin_closed, unblock_signals

try:
    from websockets.asyncio.server import serve
    from websockets.exceptions import ConnectionClosed
except ImportError as error:  # the Swift test shows this text when it fails
    sys.stderr.write(f"ws_echo.py: {error}. Install it with: pip install websockets\n")
    sys.exit(3)


async def echo(connection) -> None:
    request = connection.request
    peer = connection.remote_address
    log = f"{peer[0]}:{peer[1]} {request.path}"
    print(f"{log} opened", file=sys.stderr, flush=True)
    messages = 0
    try:
        if request.path == "/headers" or request.path.startswith("/headers?"):
            await connection.send(json.dumps({"path": request.path, "headers": list(request.headers.raw_items())}))
        async for message in connection:
            messages += 1
            await connection.send(message)
    except ConnectionClosed:
        pass
    print(f"{log} closed after {messages} messages (code {connection.close_code})", file=sys.stderr, flush=True)


async def serve_until_stopped(args) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    on_stdin_closed(lambda: loop.call_soon_threadsafe(stop.set))
    if args.lifetime > 0:
        loop.call_later(args.lifetime, stop.set)

    async with serve(echo, "127.0.0.1", args.port, max_size=args.max_size,
                     compression=None if args.no_compression else "deflate") as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"ws://127.0.0.1:{port}", flush=True)
        await stop.wait()


def main() -> None:
    unblock_signals()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--max-size", type=int, default=16 * 1024 * 1024, help="largest message accepted")
    parser.add_argument("--no-compression", action="store_true", help="refuse permessage-deflate")
    parser.add_argument("--lifetime", type=float, default=3600.0, help="exit after this long (0: never)")
    args = parser.parse_args()
    # The library logs failed handshakes (a gateway's bad request) at error level: keep them.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")
    asyncio.run(serve_until_stopped(args))


if __name__ == "__main__":
    main()
