#!/usr/bin/env python3
"""A WebSocket client for the gateway tests: opens URL with a bearer token,
sends a text and a binary message, and prints what came back as JSON.
Usage: ws_client.py URL TOKEN CAFILE"""

import asyncio
import json
import ssl
import sys

import websockets


async def main(url: str, token: str, cafile: str) -> None:
    context = ssl.create_default_context(cafile=cafile)
    async with websockets.connect(url, ssl=context, additional_headers={"Authorization": f"Bearer {token}"},
                                  open_timeout=10) as socket:
        await socket.send("hello through warden")
        text = await asyncio.wait_for(socket.recv(), 10)
        await socket.send(bytes(range(256)) * 4)
        binary = await asyncio.wait_for(socket.recv(), 10)
        print(json.dumps({"text": text, "binary_ok": binary == bytes(range(256)) * 4}))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
