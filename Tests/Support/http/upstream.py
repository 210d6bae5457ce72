#!/usr/bin/env python3
"""A real HTTP/1.1 upstream for Warden's HTTP tests: httpbin's Flask app,
plus a few routes of Warden's own, served by gunicorn's threaded worker.

Usage: upstream.py [--port N] [--threads N] [--keep-alive SECONDS] [--lifetime SECONDS]
                   [--certfile PEM --keyfile PEM [--client-ca PEM]]

With --certfile it serves HTTPS, and with --client-ca it also requires a
client certificate signed by that CA.

Prints the base URL (http://127.0.0.1:PORT, https:// with --certfile) as the first and only line on
stdout as soon as gunicorn's worker serves, then serves until its stdin, when
that is a pipe, reaches end of file (so a crashed test runner never leaves it
behind), it is killed (SIGINT, SIGTERM), or the lifetime runs out. Access and error logs go to stderr.
Requires `pip install gunicorn httpbin` (tested: gunicorn 27.0.1, httpbin
0.10.4 installed with --no-deps beside Flask 3.1 and Werkzeug 3.1).

One gunicorn worker process (`gthread`, so HTTP/1.1 keep-alive works: the
`sync` worker closes every connection) with --threads threads, so the
counters below live in one process's memory.

Every route of httpbin (https://httpbin.org/ documents them: /anything echoes
the request, /status/CODE, /bytes/N, /stream/N, /drip, /delay/N, /gzip,
/redirect/N, /basic-auth/U/P, ...) and:

GET /warden/users?count=N
    {"users":[USER(1),USER(2),...,USER(N)]} followed by one "\\n", streamed
    from a generator: chunked transfer encoding, no Content-Length. About
    186 bytes per user: count=270000 is about 50 MB, 500000 about 93 MB.
GET /warden/users.json?count=N[&gzip=1]
    The same bytes with a Content-Length. With gzip=1, and gzip in the
    request's Accept-Encoding, gzip-compressed (Content-Encoding: gzip,
    deterministic: no timestamp). X-Content-SHA256 is the SHA-256 of the
    uncompressed document either way.
GET /warden/events?count=N&interval=SECONDS
    text/event-stream: N events, each written to the socket as soon as it is
    made, SECONDS apart (default 5 events, 0.5 s):
    "id: I\\nevent: tick\\ndata: {"n":I,"email":"user{I}@example.com"}\\n\\n".
GET /warden/text
    text/plain with an email address and a US SSN in it (TEXT below).
GET|POST|PUT|PATCH|DELETE /warden/count/KEY
    Counts one request under KEY and answers
    {"key":KEY,"count":COUNT,"peer_port":PORT}, PORT being the port the
    request's connection came from.
    The count goes up before the body is read: a request counts once the
    application receives it, even if reading its body then fails.
GET /warden/counts
    {"KEY": COUNT, ...}: every key counted so far (sorted keys).
DELETE /warden/counts
    Forgets every count; answers {}.

USER(i), i from 1, is (no spaces; NAME = FIRST[(i-1) % 16] + " " +
LAST[((i-1) // 16) % 16]):
    {"id":i,"name":NAME,"email":"user{i}@example.com","ssn":SSN(i),
     "phone":"+1 415 555 01NN","note":"free text that mentions mail
     first.last@corp.example in passing"}
so that USER(1) is Ann Lee, 123-45-6789, +1 415 555 0100,
ann.lee@corp.example. See user() for SSN(i).
"""

import argparse
import gzip
import hashlib
import json
import logging
import os
import signal
import ssl
import sys
import threading
import time

from fixture_lifetime import on_stdin_closed, unblock_signals

try:
    import flask
    import gunicorn.app.base
    import gunicorn.glogging
    # httpbin warns at import that flasgger (its optional Swagger UI) is missing.
    logging.getLogger("httpbin.core").setLevel(logging.ERROR)
    from httpbin import app
except ImportError as error:  # the Swift test shows this text when it fails
    sys.stderr.write(
        f"upstream.py: {error}. Install them with: pip install gunicorn httpbin "
        "(scripts/lib/install-deps.sh installs the tested versions)\n"
    )
    sys.exit(3)

FIRST = ["Ann", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Grace", "Hiro",
         "Ines", "Jamal", "Kira", "Luis", "Mei", "Noah", "Olga", "Priya"]
LAST = ["Lee", "Smith", "Garcia", "Ivanov", "Chen", "Haddad", "Hopper", "Tanaka",
        "Silva", "Okafor", "Nowak", "Rossi", "Wang", "Cohen", "Berg", "Patel"]
TEXT = ("Contact Ann Lee at ann.lee@example.com or +1 415 555 0100.\n"
        "Her SSN is 123-45-6789; card 4111 1111 1111 1111.\n")
MAX_USERS = 2_000_000
USERS_PER_CHUNK = 200


def user(i: int) -> str:
    first, last = FIRST[(i - 1) % 16], LAST[((i - 1) // 16) % 16]
    # A valid-looking SSN: area 123..663 (never 000, 666 or 9xx), group 01..99, serial 0001..9999.
    ssn = f"{123 + (i - 1) * 7 % 541:03d}-{1 + (44 + i - 1) % 99:02d}-{1 + (6788 + (i - 1) * 13) % 9999:04d}"
    phone = f"+1 415 555 {100 + (i - 1) % 100:04d}"
    mail = f"{first.lower()}.{last.lower()}@corp.example"
    return (f'{{"id":{i},"name":"{first} {last}","email":"user{i}@example.com","ssn":"{ssn}",'
            f'"phone":"{phone}","note":"free text that mentions mail {mail} in passing"}}')


def users_chunks(count: int):
    """The document {"users":[...]}\\n in pieces of USERS_PER_CHUNK users."""
    yield '{"users":['
    for start in range(1, count + 1, USERS_PER_CHUNK):
        end = min(count, start + USERS_PER_CHUNK - 1)
        piece = ",".join(user(i) for i in range(start, end + 1))
        yield piece if start == 1 else "," + piece
    yield "]}\n"


def count_argument(default: int, maximum: int) -> int:
    try:
        count = int(flask.request.args.get("count", default))
    except ValueError:
        flask.abort(400, "count must be an integer")
    if not 0 <= count <= maximum:
        flask.abort(400, f"count must be between 0 and {maximum}")
    return count


@app.get("/warden/users")
def warden_users():
    count = count_argument(10, MAX_USERS)

    def generate():
        for piece in users_chunks(count):
            yield piece.encode()

    # A generator and no Content-Length: gunicorn sends it chunked (HTTP/1.1).
    return flask.Response(generate(), mimetype="application/json")


@app.get("/warden/users.json")
def warden_users_json():
    count = count_argument(10, MAX_USERS)
    body = "".join(users_chunks(count)).encode()
    headers = {"X-Content-SHA256": hashlib.sha256(body).hexdigest()}
    accepts_gzip = "gzip" in flask.request.headers.get("Accept-Encoding", "").lower()
    if flask.request.args.get("gzip") == "1":
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip:
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
    response = flask.Response(body, mimetype="application/json", headers=headers)
    response.content_length = len(body)
    return response


@app.get("/warden/events")
def warden_events():
    count = count_argument(5, 100_000)
    try:
        interval = float(flask.request.args.get("interval", "0.5"))
    except ValueError:
        flask.abort(400, "interval must be a number")
    if not 0 <= interval <= 60:
        flask.abort(400, "interval must be between 0 and 60")

    def generate():
        for n in range(1, count + 1):
            if n > 1:
                time.sleep(interval)
            data = json.dumps({"n": n, "email": f"user{n}@example.com"}, separators=(",", ":"))
            # gunicorn writes each item to the socket at once, as one chunk.
            yield f"id: {n}\nevent: tick\ndata: {data}\n\n".encode()

    return flask.Response(generate(), mimetype="text/event-stream",
                          headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@app.get("/warden/text")
def warden_text():
    return flask.Response(TEXT, mimetype="text/plain")


_counts: dict[str, int] = {}
_counts_lock = threading.Lock()


@app.route("/warden/count/<path:key>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def warden_count(key: str):
    # Counted first: a request whose body then fails to read (bad chunked
    # framing) did reach the application.
    with _counts_lock:
        _counts[key] = _counts.get(key, 0) + 1
        count = _counts[key]
    flask.request.get_data()  # read (and drop) any body, so keep-alive goes on cleanly
    # The port the request came from tells one upstream connection from the next.
    peer_port = int(flask.request.environ.get("REMOTE_PORT") or 0)
    return flask.jsonify({"key": key, "count": count, "peer_port": peer_port})


@app.route("/warden/counts", methods=["GET", "DELETE"])
def warden_counts():
    with _counts_lock:
        if flask.request.method == "DELETE":
            _counts.clear()
        return flask.Response(json.dumps(_counts, sort_keys=True) + "\n", mimetype="application/json")


class StderrAccessLogger(gunicorn.glogging.Logger):
    """gunicorn writes its access log to stdout for `-`; stdout carries the URL."""

    def setup(self, cfg):
        super().setup(cfg)
        self._set_handler(self.access_log, "-", fmt=logging.Formatter(self.access_fmt), stream=sys.stderr)


class Upstream(gunicorn.app.base.BaseApplication):
    def __init__(self, options: dict, announce):
        self.scheme = "https" if "certfile" in options else "http"
        self.options = options
        self.announce = announce
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)
        announce, scheme = self.announce, self.scheme

        def post_worker_init(worker):
            # In the worker, once it serves; age 1 is the first worker the
            # arbiter started (a replacement would have a higher age).
            if worker.age == 1:
                host, port = worker.sockets[0].getsockname()[:2]
                announce(f"{scheme}://{host}:{port}")

        self.cfg.set("post_worker_init", post_worker_init)

        def when_ready(arbiter):
            # In the arbiter: stdin's end of file or the lifetime stops
            # gunicorn (SIGINT: quick shutdown, workers first).
            arbiter_pid = os.getpid()

            on_stdin_closed(lambda: os.kill(arbiter_pid, signal.SIGINT))

        self.cfg.set("when_ready", when_ready)

    def load(self):
        return app


def main() -> None:
    unblock_signals()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--threads", type=int, default=32, help="requests served at once")
    parser.add_argument("--keep-alive", type=int, default=30, help="seconds an idle keep-alive connection stays open")
    parser.add_argument("--lifetime", type=float, default=3600.0, help="exit after this long (0: never)")
    parser.add_argument("--certfile", help="serve HTTPS with this certificate (PEM) and --keyfile")
    parser.add_argument("--keyfile")
    parser.add_argument("--client-ca", help="with --certfile: require a client certificate signed by this CA (PEM)")
    args = parser.parse_args()

    # Only the URL goes to stdout: everything else that would write there
    # (a library's print, gunicorn's defaults) goes to stderr instead.
    url_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def announce(url: str) -> None:
        url_out.write(url + "\n")
        url_out.flush()

    if args.lifetime > 0:
        # Before gunicorn starts: a timer thread in the arbiter ends it all.
        pid = os.getpid()
        timer = threading.Timer(args.lifetime, lambda: os.kill(pid, signal.SIGINT))
        timer.daemon = True
        timer.start()

    options = {
        "bind": f"127.0.0.1:{args.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": args.threads,
        "keepalive": args.keep_alive,
        "timeout": 120,  # the arbiter's heartbeat check; long streams beat it anyway in gthread
        "graceful_timeout": 2,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "logger_class": StderrAccessLogger,
        "access_log_format": '%(h)s "%(r)s" %(s)s %(B)s %(M)sms',
        "http_parser": "python",  # the same parser whether or not gunicorn[fast] is installed
        "control_socket_disable": True,  # else every instance shares ~/.gunicorn/gunicorn.ctl
        "proc_name": "warden-test-upstream",
    }
    if args.certfile:
        options.update(certfile=args.certfile, keyfile=args.keyfile)
        if args.client_ca:
            options.update(ca_certs=args.client_ca, cert_reqs=ssl.CERT_REQUIRED)
    Upstream(options, announce).run()


if __name__ == "__main__":
    main()
