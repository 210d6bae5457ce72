#!/usr/bin/env python3
"""A loopback relay that adds TLS to a MySQL client that cannot ask for it.

mariadb-client-test (Debian's mariadb-test) has no --ssl option and links
MariaDB Connector/C statically, so neither an option file nor LD_PRELOAD
makes it use TLS, and Warden refuses clients that do not. This relay sits
between it and Warden and does what `--ssl` would have done, nothing more:

- it passes Warden's greeting to the client as it is;
- when the client answers with its HandshakeResponse, the relay first sends
  Warden an SSLRequest made of that response's first 32 bytes (the same
  capabilities with CLIENT_SSL, the same character set), upgrades the
  connection to TLS, verifying Warden's certificate against --ca, then
  sends the client's HandshakeResponse over TLS with CLIENT_SSL set;
- the rest of the sign-in (the password the client sent, any auth switch)
  is relayed packet by packet, the sequence numbers shifted by one because
  the SSLRequest took one; after Warden's OK or ERR it relays bytes as they
  come, both ways, without reading them.

The client's password is not read or changed: the test passes Warden's token
as its password, with --default-auth=mysql_clear_password so that it sends it
in the HandshakeResponse (which travels over TLS).

Prints "listening PORT" on standard output once it accepts connections;
stops on SIGTERM or when its standard input closes.
"""

import argparse
import asyncio
import signal
import ssl
import struct
import sys

CLIENT_SSL = 0x0800
CLIENT_PROTOCOL_41 = 0x0200


async def read_packet(reader):
    header = await reader.readexactly(4)
    length = header[0] | header[1] << 8 | header[2] << 16
    return header[3], await reader.readexactly(length)


def packet(sequence, payload):
    return struct.pack("<I", len(payload))[:3] + bytes([sequence & 0xFF]) + payload


async def pump(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, TimeoutError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def relay(client_reader, client_writer, args, context):
    upstream_writer = None
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(args.upstream_host, args.upstream_port)
        sequence, greeting = await read_packet(upstream_reader)
        client_writer.write(packet(sequence, greeting))
        await client_writer.drain()

        sequence, response = await read_packet(client_reader)
        capabilities = struct.unpack("<I", response[:4])[0] if len(response) >= 4 else 0
        if capabilities & CLIENT_SSL or not capabilities & CLIENT_PROTOCOL_41 or len(response) < 32:
            # The client asked for TLS itself (or speaks something else): relay as it is.
            upstream_writer.write(packet(sequence, response))
            await upstream_writer.drain()
        else:
            with_ssl = struct.pack("<I", capabilities | CLIENT_SSL) + response[4:]
            upstream_writer.write(packet(sequence, with_ssl[:32]))
            await upstream_writer.drain()
            await upstream_writer.start_tls(context, server_hostname=args.upstream_host)
            upstream_writer.write(packet(sequence + 1, with_ssl))
            await upstream_writer.drain()
            # The sign-in's remaining packets, renumbered, until Warden's OK or ERR.
            while True:
                sequence, payload = await read_packet(upstream_reader)
                client_writer.write(packet(sequence - 1, payload))
                await client_writer.drain()
                if not payload or payload[0] in (0x00, 0xFF):
                    break
                sequence, payload = await read_packet(client_reader)
                upstream_writer.write(packet(sequence + 1, payload))
                await upstream_writer.drain()

        await asyncio.gather(pump(client_reader, upstream_writer), pump(upstream_reader, client_writer))
    except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, OSError, TimeoutError) as error:
        print(f"relay: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
    finally:
        for writer in (client_writer, upstream_writer):
            if writer is not None:
                try:
                    writer.close()
                except Exception:
                    pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--upstream-host", default="127.0.0.1")
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--ca", required=True, help="PEM certificate that Warden's must chain to")
    args = parser.parse_args()

    context = ssl.create_default_context(cafile=args.ca)
    server = await asyncio.start_server(
        lambda r, w: relay(r, w, args, context), host="127.0.0.1", port=args.listen_port)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.buffer.read1(4096) else None)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
