#!/usr/bin/env python3
"""Run the `oidc-provider-mock` OpenID provider on a loopback port for tests.

Usage: provider.py [--port N] [--lifetime SECONDS]

Prints the issuer URL (http://127.0.0.1:PORT) as the first line on stdout as
soon as the socket is listening, then serves until it is killed, its stdin
reaches end of file (so a crashed test runner never leaves it behind), or the
lifetime runs out. Requires `pip install oidc-provider-mock` (tested: 0.3.4).
"""

import argparse
import os
import signal
import sys
import threading

try:
    import oidc_provider_mock
    import werkzeug.serving
except ImportError as error:  # the Swift test shows this text when it fails
    sys.stderr.write(
        f"provider.py: {error}. Install it with: pip install oidc-provider-mock\n"
    )
    sys.exit(3)


def main() -> None:
    # A parent may start us with signals blocked: Foundation's Process on
    # Linux spawns with the mask of the calling thread, and Swift
    # concurrency's threads block SIGTERM and SIGINT. Blocked, a terminate()
    # would never stop us.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()

    # The mock refuses plain http unless told otherwise; loopback only, so fine.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

    server = werkzeug.serving.make_server(
        "127.0.0.1", args.port, oidc_provider_mock.app(), threaded=True
    )
    print(f"http://127.0.0.1:{server.server_port}", flush=True)

    def stop_when_stdin_closes() -> None:
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
