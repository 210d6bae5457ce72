#!/usr/bin/env python3
"""HTTP throughput and latency of Warden next to nginx, measured with wrk.

Targets, each loaded with the same wrk run for each payload:
  (a) upstream       nginx serving two static JSON files over plain HTTP
  (b) nginx-tls      nginx as a TLS reverse proxy in front of (a), keepalive upstream
  (c) warden         Warden in front of (a), when --warden-url is given
  (d) warden-masked  Warden with masking rules in front of (a), when --warden-masked-url is given
Payloads: small.json (about 250 bytes) and large.json (64 KiB), both full of
emails, SSNs and card numbers, so (d) has work to do.

Usage:
  http_bench.py [--seconds 10] [--connections 32] [--threads 2] [--upstream-port P]
                [--warden-url URL] [--warden-header 'Name: value']... [--warden-pid PID]
                [--warden-masked-url URL] [--warden-masked-header 'Name: value']...
                [--warden-settle 60] [--target-ratio 0.8] [--nginx-workers auto] [--keep]

For (c) and (d): configure a Warden HTTP connection whose upstream is
http://127.0.0.1:P, choose P yourself and pass it as --upstream-port (the
harness starts (a) there), and pass the base URL under which Warden serves
that connection (small.json and large.json are appended to it) with the
headers it needs, e.g. --warden-header "Authorization: Bearer $TOKEN".
--warden-pid adds Warden's CPU time per request to the table, split into
its event loops (relay: TLS, HTTP, policy, masking) and the rest (records:
the recorder and SQLite), and makes the harness wait after each Warden run
until Warden is idle again (at most --warden-settle seconds): the records
still queued when wrk stops are written then, their CPU time counts for
the run, and the next run does not share the machine with them.
The verdict compares (c) with (b) against --target-ratio.

Everything runs on 127.0.0.1 with random free ports: nginx runs in the
foreground (daemon off) from a temporary directory holding its
configuration, pid file, logs, self-signed certificate (openssl) and the
payloads; it is stopped and the directory removed at the end (--keep keeps
the directory). Needs Debian's nginx, wrk and openssl.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

PAYLOADS = ["small.json", "large.json"]
TARGETS = [
    ("upstream", "(a) nginx, static files, plain HTTP"),
    ("nginx-tls", "(b) nginx, TLS reverse proxy to (a)"),
    ("warden", "(c) Warden, TLS, no masking"),
    ("warden-masked", "(d) Warden, TLS, masking rules"),
]

FIRST = ["Ann", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Grace", "Hiro"]
LAST = ["Lee", "Smith", "Garcia", "Ivanov", "Chen", "Haddad", "Hopper", "Tanaka"]


def person(i: int) -> dict:
    first, last = FIRST[i % 8], LAST[(i // 8) % 8]
    return {
        "id": i,
        "name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}{i}@example.com",
        "ssn": f"{123 + i * 7 % 541:03d}-{1 + i % 99:02d}-{1 + i * 13 % 9999:04d}",
        "card": "4111 1111 1111 1111",
        "note": f"reach {first.lower()}@corp.example after 5pm",
    }


def payloads() -> dict:
    manager = person(2)
    small = json.dumps({"user": person(1), "manager": {"name": manager["name"], "email": manager["email"]},
                        "plan": "pro", "active": True}, separators=(",", ":")).encode()
    users, i = [], 1
    while True:
        candidate = users + [person(i)]
        if len(json.dumps({"users": candidate}, separators=(",", ":"))) > 65536:
            break
        users, i = candidate, i + 1
    large = json.dumps({"users": users}, separators=(",", ":"))
    large = (large[:-1] + " " * (65536 - len(large)) + "}").encode()  # exactly 64 KiB, still JSON
    return {"small.json": small, "large.json": large}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: str) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise SystemExit(f"nginx exited with {process.returncode}:\n{open(log).read()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nginx did not listen on {port}:\n{open(log).read()[-2000:]}")


NGINX_COMMON = """
daemon off;
master_process on;
worker_processes {workers};
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    types {{ application/json json; }}
    default_type application/octet-stream;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    {server}
}}
"""

UPSTREAM_SERVER = """
    server {{
        listen 127.0.0.1:{port} reuseport;
        root {dir}/www;
        sendfile on;
        tcp_nopush on;
        open_file_cache max=16;
        etag off;
    }}"""

PROXY_SERVER = """
    upstream app {{
        server 127.0.0.1:{upstream};
        keepalive 64;
        keepalive_requests 1000000;
    }}
    server {{
        listen 127.0.0.1:{port} ssl reuseport;
        ssl_certificate {dir}/tls/gateway.crt;
        ssl_certificate_key {dir}/tls/gateway.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffer_size 16k;
            proxy_buffers 8 16k;
        }}
    }}"""


class Nginx:
    """One nginx master in the foreground, configured in its own folder."""

    def __init__(self, name: str, base: str, server: str, workers: str):
        self.dir = os.path.join(base, name)
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        os.chmod(os.path.join(self.dir, "tmp"), 0o777)  # workers may run as nobody
        # As root, nginx's workers switch to `nobody`; Debian has no group of that name.
        user = "user nobody nogroup;" if os.geteuid() == 0 else ""
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as file:
            file.write(NGINX_COMMON.format(workers=workers, user=user, dir=self.dir, server=server))
        self.log = os.path.join(self.dir, "stderr.log")
        self.process = subprocess.Popen(["nginx", "-p", self.dir, "-c", self.conf],
                                        stdout=subprocess.DEVNULL, stderr=open(self.log, "w"))

    def pids(self) -> list:
        pids = [self.process.pid]
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as file:
                pids += [int(p) for p in file.read().split()]
        except OSError:
            pass
        return pids

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # fast shutdown of master and workers
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def cpu_ticks(pids) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as file:
                stat = file.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (all threads of the process)
    return total


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")


def process_ticks(pid: int) -> int:
    """CPU ticks of the whole process, threads that have ended included."""
    return cpu_ticks([pid])


def event_loop_ticks(pid: int) -> int:
    """CPU ticks of SwiftNIO's event-loop threads (NIO-*), which live as long as the process."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as file:
                stat = file.read()
        except OSError:
            continue
        if stat[stat.index("(") + 1:stat.rindex(")")].startswith("NIO-"):
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
    return total


def settle(pid: int, limit: float) -> float:
    """Waits until the process uses less than a tenth of a core over half a
    second, at most `limit` seconds; returns the seconds waited."""
    start = time.monotonic()
    window = 0.5
    last = process_ticks(pid)
    while time.monotonic() - start < limit:
        time.sleep(window)
        now = process_ticks(pid)
        if (now - last) / os.sysconf("SC_CLK_TCK") < 0.1 * window:
            break
        last = now
    return time.monotonic() - start


def parse_wrk(output: str) -> dict:
    result = {"rps": float("nan"), "p50": float("nan"), "p99": float("nan"), "requests": 0, "errors": ""}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(match.group(1))
    for percent, key in (("50", "p50"), ("99", "p99")):
        if match := re.search(rf"^\s+{percent}%\s+(\S+)", output, re.M):
            result[key] = milliseconds(match.group(1))
    if match := re.search(r"(\d+) requests in", output):
        result["requests"] = int(match.group(1))
    problems = []
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        problems.append(f"{match.group(1)} non-2xx")
    if match := re.search(r"Socket errors: (.*)", output):
        problems.append("socket errors: " + match.group(1))
    result["errors"] = "; ".join(problems)
    return result


def run_wrk(url: str, headers: list, args, seconds: int) -> str:
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    completed = subprocess.run(command + [url], capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"wrk failed on {url}: {completed.stderr.strip() or completed.stdout.strip()}")
    return completed.stdout


def fetch(url: str, headers: list) -> tuple:
    fields = {}
    for header in headers:
        name, _, value = header.partition(":")
        fields[name.strip()] = value.strip()
    request = urllib.request.Request(url, headers=fields)
    context = ssl._create_unverified_context()  # the self-signed certificates of this benchmark
    with urllib.request.urlopen(request, context=context, timeout=10) as response:
        return response.status, response.read()


def ratio(value: float, base: float) -> str:
    if value != value or base != base or base == 0:
        return "-"
    return f"{value / base:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="length of each measured wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured wrk run before each target's first (0: none)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--nginx-workers", default="auto", help="worker_processes of each nginx")
    parser.add_argument("--upstream-port", type=int, default=0, help="port of (a); 0 picks a free one")
    parser.add_argument("--warden-url")
    parser.add_argument("--warden-header", action="append", default=[])
    parser.add_argument("--warden-masked-url")
    parser.add_argument("--warden-masked-header", action="append", default=[])
    parser.add_argument("--warden-pid", type=int, help="Warden's process, for its CPU time per request")
    parser.add_argument("--warden-settle", type=float, default=60.0,
                        help="after each Warden run, wait at most this long for Warden to be idle (with --warden-pid)")
    parser.add_argument("--target-ratio", type=float, default=0.8,
                        help="the verdict: Warden without masking reaches this share of (b)'s req/s")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    for tool in ("nginx", "wrk", "openssl"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install {tool} (scripts/lib/install-deps.sh: BENCH_DEBIAN_PACKAGES)")

    # SIGTERM (and SIGINT) end the run through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="warden-http-bench-")
    os.chmod(work, 0o755)
    servers = []
    try:
        www = os.path.join(work, "upstream", "www")
        os.makedirs(www)
        for directory in (os.path.join(work, "upstream"), www):
            os.chmod(directory, 0o755)
        bodies = payloads()
        for name, body in bodies.items():
            with open(os.path.join(www, name), "wb") as file:
                file.write(body)
            os.chmod(os.path.join(www, name), 0o644)
        tls = os.path.join(work, "proxy", "tls")
        os.makedirs(tls)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", os.path.join(tls, "gateway.key"), "-out", os.path.join(tls, "gateway.crt")],
                       check=True, capture_output=True)

        upstream_port = args.upstream_port or free_port()
        proxy_port = free_port()
        upstream = Nginx("upstream", work, UPSTREAM_SERVER.format(port=upstream_port, dir=os.path.join(work, "upstream")),
                         args.nginx_workers)
        servers.append(upstream)
        wait_for_port(upstream_port, upstream.process, upstream.log)
        proxy = Nginx("proxy", work, PROXY_SERVER.format(port=proxy_port, upstream=upstream_port,
                                                          dir=os.path.join(work, "proxy")), args.nginx_workers)
        servers.append(proxy)
        wait_for_port(proxy_port, proxy.process, proxy.log)

        targets = {
            "upstream": (f"http://127.0.0.1:{upstream_port}/", [], upstream.pids),
            "nginx-tls": (f"https://127.0.0.1:{proxy_port}/", [], proxy.pids),
        }
        warden_pids = (lambda: [args.warden_pid]) if args.warden_pid else None
        if args.warden_url:
            targets["warden"] = (args.warden_url.rstrip("/") + "/", args.warden_header, warden_pids)
        if args.warden_masked_url:
            targets["warden-masked"] = (args.warden_masked_url.rstrip("/") + "/", args.warden_masked_header, warden_pids)
        order = [name for name, _ in TARGETS if name in targets]

        print(f"==> upstream (a) http://127.0.0.1:{upstream_port}/, TLS proxy (b) https://127.0.0.1:{proxy_port}/;"
              f" payloads {', '.join(f'{n} {len(b)} B' for n, b in bodies.items())}", file=sys.stderr)
        for name in order:  # every target answers every payload, and (a), (b), (c) with the bytes served
            base, headers, _ = targets[name]
            for payload in PAYLOADS:
                status, body = fetch(base + payload, headers)
                if status != 200 or (name != "warden-masked" and body != bodies[payload]):
                    raise SystemExit(f"{name} {base + payload}: status {status}, {len(body)} bytes, not the payload")
                if name == "warden-masked":  # still JSON, and no email or SSN of the payload left in it
                    try:
                        json.loads(body)
                    except ValueError as error:
                        raise SystemExit(f"{name} {base + payload}: the masked body is not JSON: {error}")
                    leaked = [v for v in re.findall(rb'"(?:email|ssn)":"([^"]*)"', bodies[payload]) if v in body]
                    if leaked:
                        raise SystemExit(f"{name} {base + payload}: {len(leaked)} emails or SSNs were not masked")
            if args.warmup > 0:
                run_wrk(base + PAYLOADS[0], headers, args, args.warmup)

        results = {}
        load_start = open("/proc/loadavg").read().split()[:3]
        for payload in PAYLOADS:
            for name in order:
                base, headers, pids = targets[name]
                is_warden = name.startswith("warden") and args.warden_pid
                before = cpu_ticks(pids()) if pids else None
                loops_before = event_loop_ticks(args.warden_pid) if is_warden else None
                output = run_wrk(base + payload, headers, args, args.seconds)
                result = parse_wrk(output)
                note = ""
                if is_warden:
                    result["settle"] = settle(args.warden_pid, args.warden_settle)
                    note = f"  idle again {result['settle']:.1f} s after wrk"
                if pids and result["requests"]:
                    per_request = 1e6 / os.sysconf("SC_CLK_TCK") / result["requests"]
                    ticks = cpu_ticks(pids()) - before
                    result["cpu_us"] = ticks * per_request
                    if is_warden:
                        loops = event_loop_ticks(args.warden_pid) - loops_before
                        result["relay_us"] = loops * per_request
                        result["records_us"] = (ticks - loops) * per_request
                results[(payload, name)] = result
                print(f"    {payload:<10} {name:<14} {result['rps']:>9.0f} req/s  p50 {result['p50']:>7.2f} ms"
                      f"  p99 {result['p99']:>7.2f} ms{note}  {result['errors']}", file=sys.stderr)
        load_end = open("/proc/loadavg").read().split()[:3]
    finally:
        for server in reversed(servers):
            server.stop()
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    print(f"HTTP benchmark: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(load_start)} at the start, {' '.join(load_end)} at the end; nginx {nginx_version} "
          f"(worker_processes {args.nginx_workers}), wrk {wrk_version}.")
    print(f"wrk -t {args.threads} -c {args.connections} -d {args.seconds:g}s --latency, keep-alive; client and "
          f"servers share this machine: compare the ratios within one run.")
    print()
    header = (f"{'payload':<11} {'target':<14} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'CPU/req':>8}"
              f" | {'req/s/a':>7} {'p99/a':>6} | {'req/s/b':>7} {'p99/b':>6}")
    print(header)
    print("-" * len(header))
    for payload in PAYLOADS:
        base_a = results.get((payload, "upstream"), {})
        base_b = results.get((payload, "nginx-tls"), {})
        for name in order:
            row = results[(payload, name)]
            cpu = f"{row['cpu_us']:.0f} µs" if "cpu_us" in row else "-"
            line = (f"{payload:<11} {name:<14} {row['rps']:>9.0f} {row['p50']:>7.2f} {row['p99']:>7.2f} {cpu:>8}"
                    f" | {ratio(row['rps'], base_a.get('rps', float('nan'))):>7}"
                    f" {ratio(row['p99'], base_a.get('p99', float('nan'))):>6}"
                    f" | {ratio(row['rps'], base_b.get('rps', float('nan'))):>7}"
                    f" {ratio(row['p99'], base_b.get('p99', float('nan'))):>6}")
            if row["errors"]:
                line += f"  ({row['errors']})"
            print(line)
        print()
    for name, description in TARGETS:
        if name in order:
            print(f"{name:<14} {description}")
    print("CPU/req: CPU time (user + system) of the target's server processes per request: nginx's master and")
    print("workers, Warden's process with --warden-pid. req/s/x above 1 is faster than x; p99/x above 1 is slower.")

    split = [(payload, name) for payload in PAYLOADS for name in order if "relay_us" in results[(payload, name)]]
    if split:
        print()
        print("Where Warden's CPU goes, in microseconds per request (user + system time):")
        header = f"{'payload':<11} {'target':<14} {'relay':>7} {'records':>8} {'total':>7} {'total/b':>8} | {'idle again after':>16}"
        print(header)
        print("-" * len(header))
        for payload, name in split:
            row = results[(payload, name)]
            nginx = results.get((payload, "nginx-tls"), {}).get("cpu_us", float("nan"))
            print(f"{payload:<11} {name:<14} {row['relay_us']:>7.0f} {row['records_us']:>8.0f} {row['cpu_us']:>7.0f}"
                  f" {ratio(row['cpu_us'], nginx):>8} | {row['settle']:>14.1f} s")
        print("relay = SwiftNIO's event loops (TLS both ways, HTTP parsing, sign-in, policy, masking); records =")
        print("every other thread (the recorder's tasks and SQLite's), including the time Warden still worked")
        print("after wrk stopped, writing the records still queued (the harness waits for it to be idle again);")
        print("total/b = Warden's total over nginx's (b).")

    if "warden" in order and "nginx-tls" in order:
        print()
        print(f"Verdict (target: Warden without masking >= {args.target_ratio}x the req/s of nginx as a TLS reverse proxy):")
        met = 0
        for payload in PAYLOADS:
            value = ratio(results[(payload, "warden")]["rps"], results[(payload, "nginx-tls")]["rps"])
            ok = value != "-" and float(value) >= args.target_ratio
            met += ok
            print(f"  {payload:<11} ({len(bodies[payload]):>5} B)  Warden/nginx req/s = {value:>5}"
                  f"  {'meets' if ok else 'BELOW'} {args.target_ratio}")
        print(f"  {met} of {len(PAYLOADS)} payloads reach {args.target_ratio}x nginx.")


if __name__ == "__main__":
    main()
