#!/usr/bin/env python3
"""A WebSocket client for the gateway tests: opens URL with a bearer token,
sends a text and a binary message, and prints what came back as JSON.
Usage: ws_client.py URL TOKEN CAFILE [--wait-close]
On a path starting /headers (ws_echo.py's), the opening handshake as the
server received it is printed too, under "handshake".
With --wait-close it then waits (up to 75 s) for the server to close the
socket and prints the close code and reason too: a token accepted within
the gateway's clock tolerance (60 s) after its expiry keeps its session
that much longer."""

import asyncio
import json
import ssl
import sys
from urllib.parse import urlparse

import websockets


async def main(url: str, token: str, cafile: str, wait_close: bool) -> None:
    context = ssl.create_default_context(cafile=cafile)
    async with websockets.connect(url, ssl=context, additional_headers={"Authorization": f"Bearer {token}"},
                                  open_timeout=10) as socket:
        result = {}
        if urlparse(url).path.startswith("/headers"):
            # ws_echo.py sends this at once, often in the 101's own packet.
            result["handshake"] = json.loads(await asyncio.wait_for(socket.recv(), 10))
        await socket.send("hello through warden")
        text = await asyncio.wait_for(socket.recv(), 10)
        await socket.send(bytes(range(256)) * 4)
        binary = await asyncio.wait_for(socket.recv(), 10)
        result.update(text=text, binary_ok=binary == bytes(range(256)) * 4)
        if wait_close:
            try:
                await asyncio.wait_for(socket.wait_closed(), 75)
            except asyncio.TimeoutError:
                pass
            result["close_code"] = socket.close_code
            result["close_reason"] = socket.close_reason
        print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4], "--wait-close" in sys.argv[4:]))
