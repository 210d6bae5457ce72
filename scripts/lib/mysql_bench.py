#!/usr/bin/env python3
"""MySQL throughput and latency of Warden next to MariaDB and HAProxy, measured with sysbench.

Targets, each loaded with the same sysbench runs:
  (a) direct         MariaDB itself, the client over TLS (MariaDB's certificate)
  (b) haproxy        HAProxy (Debian) in `mode tcp` in front of (a): it relays the bytes, and the
                     client's TLS session ends at MariaDB, as in (a). HAProxy cannot terminate
                     MySQL's TLS (`bind ... ssl crt`): a MySQL client reads the server's greeting
                     and sends an SSLRequest in clear before its TLS ClientHello, and HAProxy's
                     `ssl` bind expects a ClientHello as the first bytes (the client gets
                     "Lost connection to server at 'handshake: reading initial communication
                     packet'"). So the client's TLS costs MariaDB's CPU in (a) and (b), Warden's
                     in (c) and (d).
  (c) warden         Warden, the client over TLS (the OIDC token as the password), plain TCP to
                     MariaDB with a gateway-held account, no masking
  (d) warden-masked  the same Warden process, a second connection that masks column `c` of the
                     sbtest tables with pii.redact
Workloads: sysbench's oltp_read_only and oltp_read_write, each with --db-ps-mode=auto
(server-side prepared statements: COM_STMT_PREPARE / COM_STMT_EXECUTE) and --db-ps-mode=disable
(COM_QUERY text statements).

Usage:
  mysql_bench.py --bin DIR [--seconds 12] [--threads 8] [--tables 4] [--table-size 10000]
                 [--warmup 3] [--ps-modes "auto disable"] [--workloads "oltp_read_only oltp_read_write"]
                 [--targets "direct haproxy warden warden-masked"] [--warden-settle 30]
                 [--target-ratio 0.9] [--keep]

--bin is the directory of the release build: `warden` and its lib*.so plugins (libWardenMySQL.so,
libWardenPII.so). Everything runs on 127.0.0.1 with free ports: a throwaway MariaDB
(mariadb-install-db and mariadbd --no-defaults, its own data directory, socket and port, run as
`mysql` when started as root), HAProxy in the foreground (-db), Warden with the development token
issuer, and a CA with the server and client certificates sysbench 1.0 reads from its working
directory with --mysql-ssl=on (cacert.pem, client-cert.pem, client-key.pem). Every process is
stopped by its PID and the temporary directory removed at the end, also on failure (--keep keeps
the directory).

Progress goes to standard error, the report to standard output. A run that fails (sysbench's
error, e.g. a protocol feature Warden lacks) is reported as failed with sysbench's first error
lines; the other runs go on. After each Warden run the harness waits until Warden is idle again
(at most --warden-settle seconds; its records still queued are written then, and that CPU time
counts for the run); if it is not, Warden is restarted (SIGKILL, dropping what is still queued).
"""

import argparse
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TARGETS = [
    ("direct", "(a) MariaDB directly, TLS"),
    ("haproxy", "(b) HAProxy mode tcp in front of (a), TLS end to end (client to MariaDB)"),
    ("warden", "(c) Warden, TLS from the client, no masking"),
    ("warden-masked", "(d) Warden, TLS from the client, column c masked (pii.redact)"),
]
WARDEN_CONNECTIONS = {"warden": "sbtest", "warden-masked": "sbtest_masked"}
# Statements per transaction (BEGIN and COMMIT included), as sysbench 1.0.20's Lua scripts run them
# with their default options: 10 point selects and 4 range selects, then 2 updates, a delete and an insert.
STATEMENTS = {"oltp_read_only": 16, "oltp_read_write": 20}
HZ = os.sysconf("SC_CLK_TCK")


def step(text: str) -> None:
    print(f"==> {text}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(command, **kwargs) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command[:3]))} failed ({completed.returncode}):\n"
                         f"{(completed.stderr or completed.stdout)[-3000:]}")
    return completed


def tail(path: str, size: int = 3000) -> str:
    try:
        with open(path, errors="replace") as file:
            return file.read()[-size:]
    except OSError:
        return ""


# --- CPU accounting from /proc ---------------------------------------------------------------

def process_ticks(pid: int) -> int:
    """utime + stime of the whole process (all its threads, ended ones included)."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            stat = file.read()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def thread_ticks(pid: int, prefix: str) -> int:
    """utime + stime of the process's live threads whose name starts with prefix (NIO-: Warden's event loops)."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as file:
                stat = file.read()
        except OSError:
            continue
        if stat[stat.index("(") + 1:stat.rindex(")")].startswith(prefix):
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
    return total


def machine_ticks() -> tuple:
    """(busy, total) ticks of all CPUs since boot."""
    with open("/proc/stat") as file:
        fields = [int(v) for v in file.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
    return total - idle, total


def children_ticks() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * HZ


def settle(pid: int, limit: float) -> tuple:
    """Waits until the process uses less than a tenth of a core over half a second, at most
    `limit` seconds; returns (seconds waited, whether it is idle)."""
    start = time.monotonic()
    window = 0.5
    last = process_ticks(pid)
    while time.monotonic() - start < limit:
        time.sleep(window)
        now = process_ticks(pid)
        if (now - last) / HZ < 0.1 * window:
            return time.monotonic() - start, True
        last = now
    return time.monotonic() - start, False


# --- the servers -----------------------------------------------------------------------------

class Server:
    """One process in the foreground, its output in a log file, stopped by its PID."""

    def __init__(self, name: str, command: list, log: str, env=None, cwd=None):
        self.name = name
        self.log = log
        self.process = subprocess.Popen(command, stdout=open(log, "a"), stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env, cwd=cwd)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout: float = 60) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def make_certificates(directory: str) -> None:
    """A CA, a server certificate (localhost, 127.0.0.1) and a client certificate signed by it."""
    def openssl(*args):
        run(["openssl", *args], cwd=directory)

    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *curve, "-days", "2", "-subj", "/CN=Warden bench CA",
            "-keyout", "ca.key", "-out", "cacert.pem")
    for name, extensions in (("server", "subjectAltName=DNS:localhost,IP:127.0.0.1"), ("client", None)):
        openssl("req", "-new", *curve, "-subj", f"/CN={'localhost' if name == 'server' else 'sysbench'}",
                "-keyout", f"{name}-key.pem", "-out", f"{name}.csr")
        sign = ["x509", "-req", "-in", f"{name}.csr", "-CA", "cacert.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-out", f"{name}-cert.pem"]
        if extensions:
            with open(os.path.join(directory, f"{name}.ext"), "w") as file:
                file.write(extensions + "\n")
            sign += ["-extfile", f"{name}.ext"]
        openssl(*sign)
    with open(os.path.join(directory, "haproxy.pem"), "w") as pem:
        for part in ("server-cert.pem", "server-key.pem"):
            pem.write(open(os.path.join(directory, part)).read())
    for key in ("ca.key", "server-key.pem", "client-key.pem", "haproxy.pem"):
        os.chmod(os.path.join(directory, key), 0o600)


class MariaDB:
    def __init__(self, work: str, port: int):
        self.dir = os.path.join(work, "mariadb")
        self.port = port
        self.socket = os.path.join(self.dir, "mariadb.sock")
        self.server = None
        os.makedirs(self.dir)
        tls = os.path.join(work, "tls")
        for name in ("server-cert.pem", "server-key.pem", "cacert.pem"):
            shutil.copy(os.path.join(tls, name), self.dir)
        as_root = os.geteuid() == 0
        user = ["--user=mysql"] if as_root else []
        if as_root:
            run(["chown", "-R", "mysql:mysql", self.dir])
        data = os.path.join(self.dir, "data")
        storage = [
            # The dataset (a few MB) stays in memory; no flush per commit, no doublewrite, no binary
            # log: the same server for every target, so what differs is the path to it.
            "--innodb-buffer-pool-size=256M", "--innodb-log-file-size=128M", "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0", "--innodb-buffer-pool-dump-at-shutdown=OFF",
            "--innodb-buffer-pool-load-at-startup=OFF",
        ]
        run(["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=socket",
             f"--auth-root-socket-user={current_user()}",
             "--skip-test-db", "--skip-name-resolve", *user, *storage])
        self.server = Server("mariadbd", [
            "mariadbd", "--no-defaults", f"--datadir={data}", f"--port={port}", "--bind-address=127.0.0.1",
            f"--socket={self.socket}", f"--pid-file={self.dir}/mariadbd.pid", f"--tmpdir={self.dir}",
            "--skip-name-resolve", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
            f"--ssl-cert={self.dir}/server-cert.pem", f"--ssl-key={self.dir}/server-key.pem",
            f"--ssl-ca={self.dir}/cacert.pem", "--performance-schema=OFF", "--skip-log-bin", "--max-connections=500",
            "--local-infile=OFF", *user, *storage,
        ], os.path.join(self.dir, "mariadbd.log"))
        for _ in range(1200):
            if not self.server.alive():
                raise SystemExit(f"mariadbd exited ({self.server.process.returncode}):\n{tail(self.server.log)}")
            if subprocess.run(["mariadb-admin", *self.root_options(), "--silent", "ping"],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise SystemExit(f"mariadbd did not answer within 2 minutes:\n{tail(self.server.log)}")

    def root_options(self) -> list:
        # unix_socket authentication: the system user running this script. No TLS on the socket, so
        # that MariaDB's Ssl_accepts counts the benchmark's clients alone.
        return ["--no-defaults", "--protocol=socket", f"--socket={self.socket}", f"--user={current_user()}",
                "--skip-ssl"]

    def sql(self, statements: str, database: str = "") -> str:
        command = ["mariadb", *self.root_options(), "--batch", "--skip-column-names"]
        if database:
            command.append(f"--database={database}")
        return run(command, input=statements).stdout

    def status(self, name: str) -> int:
        out = self.sql(f"SHOW GLOBAL STATUS LIKE '{name}'").split()
        return int(out[1]) if len(out) > 1 else 0

    def stop(self) -> None:
        if self.server:
            self.server.stop(signal.SIGTERM, timeout=60)


def current_user() -> str:
    import pwd
    return pwd.getpwuid(os.geteuid()).pw_name


HAPROXY_CONFIG = """global
    maxconn 4096
    log stderr format raw local0 err
defaults
    mode tcp
    log global
    option dontlognull
    timeout connect 5s
    timeout client 1h
    timeout server 1h
frontend mysql
    bind 127.0.0.1:{port}
    default_backend mariadb
backend mariadb
    server db 127.0.0.1:{upstream}
"""


def warden_config(work: str, port: int, mariadb_port: int, bin_dir: str) -> str:
    tls = os.path.join(work, "tls")
    upstream = f"{{ host: 127.0.0.1, port: {mariadb_port}, database: sbtest, user: sbuser, password_env: SB_PASSWORD, tls: disable }}"
    return f"""listeners:
  - name: my
    protocol: mysql
    address: 127.0.0.1:{port}
    tls: {{ certificate: {tls}/server-cert.pem, key: {tls}/server-key.pem }}
plugins:
  paths: [{bin_dir}]
identity:
  dev_issuer: {{ enabled: true }}
connections:
  - name: sbtest
    protocol: mysql
    upstream: {upstream}
    allow_groups: [bench]
    default: allow
  - name: sbtest_masked
    protocol: mysql
    upstream: {upstream}
    allow_groups: [bench]
    default: allow
    masking:
      - {{ columns: [c], masker: pii.redact }}
store: {{ sqlite: {work}/warden/state/warden.db }}
"""


class Warden:
    def __init__(self, bin_dir: str, work: str, port: int, mariadb_port: int, password: str):
        self.bin = os.path.join(bin_dir, "warden")
        self.dir = os.path.join(work, "warden")
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "warden.yaml")
        with open(self.config, "w") as file:
            file.write(warden_config(work, port, mariadb_port, bin_dir))
        self.env = dict(os.environ, SB_PASSWORD=password)
        self.log = os.path.join(self.dir, "warden.log")
        self.server = None
        self.restarts = 0
        self.start()

    def start(self) -> None:
        with open(self.log, "a") as log:
            log.write(f"--- start {time.strftime('%H:%M:%S')}\n")
        offset = os.path.getsize(self.log)
        self.server = Server("warden", [self.bin, "serve", "--config", self.config, "--drain-seconds", "1"], self.log,
                             env=self.env)
        for _ in range(600):
            if "warden is ready" in tail(self.log, os.path.getsize(self.log) - offset + 1):
                return
            if not self.server.alive():
                break
            time.sleep(0.05)
        raise SystemExit(f"warden did not start:\n{tail(self.log)}")

    def restart(self) -> None:
        # SIGKILL: a graceful stop would first write every queued record.
        self.server.stop(signal.SIGKILL)
        self.restarts += 1
        self.start()

    def token(self) -> str:
        return run([self.bin, "dev", "token", "--config", self.config, "--subject", "bench", "--groups", "bench",
                    "--ttl", "2h"]).stdout.strip()

    def errors(self) -> list:
        """Warden's log lines at warning level or above."""
        lines = []
        for line in tail(self.log, 10_000_000).splitlines():
            if re.search(r"\b(warning|error|critical)\b", line, re.I) and "dev_issuer" not in line \
                    and "development issuer" not in line:
                lines.append(line)
        return lines

    def stop(self) -> None:
        if self.server:
            self.server.stop(signal.SIGKILL)


# --- sysbench ----------------------------------------------------------------------------------

def parse_sysbench(output: str) -> dict:
    result = {"tps": float("nan"), "avg": float("nan"), "p99": float("nan"), "transactions": 0, "errors": 0,
              "reconnects": 0}
    if match := re.search(r"transactions:\s+(\d+)\s+\(([\d.]+) per sec", output):
        result["transactions"], result["tps"] = int(match.group(1)), float(match.group(2))
    if match := re.search(r"ignored errors:\s+(\d+)", output):
        result["errors"] = int(match.group(1))
    if match := re.search(r"reconnects:\s+(\d+)", output):
        result["reconnects"] = int(match.group(1))
    if match := re.search(r"avg:\s+([\d.]+)", output):
        result["avg"] = float(match.group(1))
    if match := re.search(r"99th percentile:\s+([\d.]+)", output):
        result["p99"] = float(match.group(1))
    return result


def failure(output: str) -> str:
    """sysbench's first distinct error lines, for the report."""
    lines = []
    for line in output.splitlines():
        line = line.strip()
        if re.search(r"FATAL|ERROR|error|failed", line) and line not in lines:
            lines.append(line)
        if len(lines) == 3:
            break
    return " | ".join(lines) or output.strip().splitlines()[-1] if output.strip() else "no output"


# --- the benchmark -----------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="directory of the release build (warden and its plugins)")
    parser.add_argument("--seconds", type=int, default=12, help="length of each measured sysbench run")
    parser.add_argument("--threads", type=int, default=8, help="sysbench --threads")
    parser.add_argument("--tables", type=int, default=4)
    parser.add_argument("--table-size", type=int, default=10000)
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured oltp_read_only run per target and mode (0: none)")
    parser.add_argument("--ps-modes", default="auto disable", help="sysbench --db-ps-mode values")
    parser.add_argument("--workloads", default="oltp_read_only oltp_read_write")
    parser.add_argument("--targets", default=" ".join(name for name, _ in TARGETS))
    parser.add_argument("--warden-settle", type=float, default=30.0,
                        help="after each Warden run, wait at most this long for Warden to be idle, else restart it")
    parser.add_argument("--target-ratio", type=float, default=0.9,
                        help="the verdict: Warden without masking reaches this share of HAProxy's TPS")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    modes = args.ps_modes.split()
    workloads = args.workloads.split()
    order = [name for name, _ in TARGETS if name in args.targets.split()]
    for tool in ("sysbench", "haproxy", "mariadbd", "mariadb-install-db", "mariadb", "openssl"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (scripts/lib/install-deps.sh: BENCH_DEBIAN_PACKAGES, DEBIAN_PACKAGES)")
    bin_dir = os.path.abspath(args.bin)
    if any(name.startswith("warden") for name in order) and not os.path.exists(os.path.join(bin_dir, "warden")):
        raise SystemExit(f"no warden in {bin_dir}")

    # SIGTERM (and SIGINT) end the run through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="warden-mysql-bench-")
    os.chmod(work, 0o755)
    stoppers = []
    try:
        tls = os.path.join(work, "tls")
        os.makedirs(tls)
        make_certificates(tls)
        # sysbench 1.0 with --mysql-ssl=on reads client-key.pem, client-cert.pem and cacert.pem from its
        # working directory.
        client = os.path.join(work, "client")
        os.makedirs(client)
        for name in ("cacert.pem", "client-cert.pem", "client-key.pem"):
            shutil.copy(os.path.join(tls, name), client)

        password = os.urandom(12).hex()
        mariadb_port, haproxy_port, warden_port = free_port(), free_port(), free_port()
        step(f"MySQL: a throwaway MariaDB on 127.0.0.1:{mariadb_port}")
        mariadb = MariaDB(work, mariadb_port)
        stoppers.append(mariadb.stop)
        anonymous = mariadb.sql("SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user WHERE User = ''").split()
        mariadb.sql("".join(f"DROP USER {account};\n" for account in anonymous) + f"""
            CREATE DATABASE sbtest;
            CREATE USER sbuser@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('{password}');
            GRANT ALL PRIVILEGES ON sbtest.* TO sbuser@'%';
            """)
        step(f"MySQL: sysbench oltp_read_only prepare, {args.tables} tables of {args.table_size} rows")
        common = ["--db-driver=mysql", "--mysql-host=127.0.0.1", f"--tables={args.tables}",
                  f"--table-size={args.table_size}"]
        run(["sysbench", "oltp_read_only", *common, f"--mysql-port={mariadb_port}", "--mysql-user=sbuser",
             f"--mysql-password={password}", "--mysql-db=sbtest", "prepare"], cwd=client)

        haproxy = None
        if "haproxy" in order:
            os.makedirs(os.path.join(work, "haproxy"))
            config = os.path.join(work, "haproxy", "haproxy.cfg")
            with open(config, "w") as file:
                file.write(HAPROXY_CONFIG.format(port=haproxy_port, upstream=mariadb_port))
            run(["haproxy", "-c", "-q", "-f", config])
            haproxy = Server("haproxy", ["haproxy", "-db", "-f", config], os.path.join(work, "haproxy", "haproxy.log"))
            stoppers.append(haproxy.stop)
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", haproxy_port), timeout=0.2).close()
                    break
                except OSError:
                    if not haproxy.alive():
                        raise SystemExit(f"haproxy exited:\n{tail(haproxy.log)}")
                    time.sleep(0.05)
            step(f"MySQL: HAProxy {haproxy_port} -> MariaDB {mariadb_port}, mode tcp (pid {haproxy.pid})")

        warden = None
        token = ""
        if any(name.startswith("warden") for name in order):
            warden = Warden(bin_dir, work, warden_port, mariadb_port, password)
            stoppers.append(lambda: warden.stop())
            token = warden.token()
            step(f"MySQL: Warden on 127.0.0.1:{warden_port} (pid {warden.server.pid}), connections sbtest and sbtest_masked")

        def target_options(name: str) -> list:
            if name == "direct":
                return [f"--mysql-port={mariadb_port}", "--mysql-user=sbuser", f"--mysql-password={password}",
                        "--mysql-db=sbtest", "--mysql-ssl=on"]
            if name == "haproxy":
                return [f"--mysql-port={haproxy_port}", "--mysql-user=sbuser", f"--mysql-password={password}",
                        "--mysql-db=sbtest", "--mysql-ssl=on"]
            return [f"--mysql-port={warden_port}", "--mysql-user=bench", f"--mysql-password={token}",
                    f"--mysql-db={WARDEN_CONNECTIONS[name]}", "--mysql-ssl=on"]

        def gateway_pid(name: str):
            if name == "haproxy":
                return haproxy.pid
            if name.startswith("warden"):
                return warden.server.pid
            return None

        # What each target's client sees of column c, through the mariadb client over TLS.
        def sample(name: str) -> str:
            options = target_options(name)
            port = options[0].split("=")[1]
            user = options[1].split("=")[1]
            secret = options[2].split("=", 1)[1]
            database = options[3].split("=")[1]
            completed = subprocess.run(
                ["mariadb", "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", port, "-u", user, "--ssl",
                 "--batch", "--skip-column-names", database, "-e",
                 "SELECT c FROM sbtest1 WHERE id = 1"],
                capture_output=True, text=True, env=dict(os.environ, MYSQL_PWD=secret), timeout=60)
            if completed.returncode != 0:
                return f"error: {completed.stderr.strip()}"
            return completed.stdout.strip().split("\t")[0]

        samples = {name: sample(name) for name in order}
        for name in order:
            step(f"MySQL: {name:<14} SELECT c FROM sbtest1 WHERE id = 1 -> {samples[name][:40]}")

        def sysbench(name: str, workload: str, mode: str, seconds: int, threads: int) -> dict:
            """One sysbench run with the CPU time of every process involved."""
            pids = {"mariadb": mariadb.server.pid}
            if gateway_pid(name):
                pids["gateway"] = gateway_pid(name)
            before = {key: process_ticks(pid) for key, pid in pids.items()}
            loops_before = thread_ticks(warden.server.pid, "NIO-") if name.startswith("warden") else 0
            client_before = children_ticks()
            busy_before, total_before = machine_ticks()
            ssl_before = mariadb.status("Ssl_accepts")
            command = ["sysbench", workload, *common, *target_options(name), f"--threads={threads}",
                       f"--time={seconds}", "--percentile=99", f"--db-ps-mode={mode}", "--forced-shutdown=10", "run"]
            try:
                completed = subprocess.run(command, cwd=client, capture_output=True, text=True, timeout=seconds + 60)
                output, returncode = completed.stdout + completed.stderr, completed.returncode
            except subprocess.TimeoutExpired as expired:
                output = (expired.stdout or b"").decode(errors="replace") if isinstance(expired.stdout, bytes) else (expired.stdout or "")
                output += "\nsysbench did not finish within --time + 60 s"
                returncode = -1
            client_ticks = children_ticks() - client_before
            busy_after, total_after = machine_ticks()
            ssl_sessions = mariadb.status("Ssl_accepts") - ssl_before
            result = parse_sysbench(output)
            result["status"] = "ok"
            if returncode != 0 or not result["transactions"]:
                result["status"] = f"failed: {failure(output)}"
            elif result["errors"] or result["reconnects"]:
                result["status"] = f"{result['errors']} ignored errors, {result['reconnects']} reconnects"
            result["output"] = output
            settle_note = ""
            if name.startswith("warden"):
                waited, idle = settle(warden.server.pid, args.warden_settle)
                result["settle"] = waited
                settle_note = f"  Warden idle again {waited:.1f} s after sysbench"
                if not idle:
                    settle_note = f"  Warden still busy {waited:.0f} s after sysbench: restarted"
            ticks = {key: process_ticks(pid) - before[key] for key, pid in pids.items()}
            if name.startswith("warden"):
                result["relay_ticks"] = thread_ticks(warden.server.pid, "NIO-") - loops_before
            transactions = result["transactions"]
            per = (1e6 / HZ / transactions) if transactions else float("nan")
            result["cpu"] = {key: value * per for key, value in ticks.items()}
            result["cpu"]["client"] = client_ticks * per
            if "relay_ticks" in result:
                result["cpu"]["relay"] = result["relay_ticks"] * per
                result["cpu"]["records"] = (ticks["gateway"] - result["relay_ticks"]) * per
            ours = sum(ticks.values()) + client_ticks
            elapsed = (total_after - total_before) or 1
            # The machine's busy share during the run that was neither sysbench, MariaDB nor the gateway:
            # other people's work on a shared machine.
            result["other_cores"] = max(0.0, (busy_after - busy_before) - ours) / elapsed * os.cpu_count()
            result["ssl_sessions"] = ssl_sessions
            if name.startswith("warden") and settle_note.endswith("restarted"):
                warden.restart()
            print(f"    {workload:<16} ps={mode:<8} {name:<14} {result['tps']:>8.1f} tps  avg {result['avg']:>7.2f} ms"
                  f"  p99 {result['p99']:>7.2f} ms  others' load {result['other_cores']:.2f} cores{settle_note}"
                  f"{'' if result['status'] == 'ok' else '  ' + result['status']}", file=sys.stderr, flush=True)
            return result

        if args.warmup > 0:
            step(f"MySQL: warm-up, oltp_read_only {args.warmup} s per target and ps mode (not measured)")
            for name in order:
                for mode in modes:
                    sysbench(name, "oltp_read_only", mode, args.warmup, args.threads)

        results = {}
        load_start = open("/proc/loadavg").read().split()[:3]
        step(f"MySQL: {len(workloads) * len(modes) * len(order)} runs of {args.seconds} s, --threads={args.threads};"
             f" the targets one after another for each workload and ps mode")
        for workload in workloads:
            for mode in modes:
                for name in order:
                    results[(workload, mode, name)] = sysbench(name, workload, mode, args.seconds, args.threads)
        load_end = open("/proc/loadavg").read().split()[:3]
        warden_errors = warden.errors() if warden else []
        warden_restarts = warden.restarts if warden else 0
    finally:
        # A second signal must not cut the stopping short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for stop in reversed(stoppers):
            try:
                stop()
            except Exception as error:  # keep stopping the others
                print(f"stopping failed: {error}", file=sys.stderr)
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    report(args, order, modes, workloads, results, samples, load_start, load_end, warden_errors, warden_restarts,
           time.monotonic() - started)


def ratio(value: float, base: float) -> str:
    if value != value or base != base or not base:
        return "-"
    return f"{value / base:.2f}"


def report(args, order, modes, workloads, results, samples, load_start, load_end, warden_errors, warden_restarts,
           elapsed) -> None:
    version = lambda command: subprocess.run(command, capture_output=True, text=True).stdout
    sysbench_version = version(["sysbench", "--version"]).split()[1]
    haproxy_version = version(["haproxy", "-v"]).split()[2]
    mariadb_version = version(["mariadbd", "--version"]).split()[2]
    cpu = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    print(f"MySQL benchmark: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs ({cpu}),"
          f" load average {' '.join(load_start)} at the start, {' '.join(load_end)} at the end;")
    libmariadb = version(["dpkg-query", "-W", "-f=${Version}", "libmariadb3"]).strip() or "?"
    print(f"MariaDB {mariadb_version}, HAProxy {haproxy_version}, sysbench {sysbench_version} (libmariadb {libmariadb}).")
    print(f"sysbench --threads={args.threads} --time={args.seconds} --percentile=99, {args.tables} tables of"
          f" {args.table_size} rows, --mysql-ssl=on for every target; client and servers share this machine:")
    print("compare the ratios within one run (the targets of each workload and mode ran one after another).")
    print()
    header = (f"{'workload':<16} {'ps mode':<8} {'target':<14} {'TPS':>8} {'p99 ms':>7} {'avg ms':>7}"
              f" | {'TPS/b':>6} {'p99/b':>6} | {'TPS/a':>6} {'p99/a':>6}")
    print(header)
    print("-" * len(header))
    for workload in workloads:
        for mode in modes:
            base_a = results.get((workload, mode, "direct"), {})
            base_b = results.get((workload, mode, "haproxy"), {})
            for name in order:
                row = results[(workload, mode, name)]
                line = (f"{workload:<16} {mode:<8} {name:<14} {row['tps']:>8.1f} {row['p99']:>7.2f} {row['avg']:>7.2f}"
                        f" | {ratio(row['tps'], base_b.get('tps', float('nan'))):>6}"
                        f" {ratio(row['p99'], base_b.get('p99', float('nan'))):>6}"
                        f" | {ratio(row['tps'], base_a.get('tps', float('nan'))):>6}"
                        f" {ratio(row['p99'], base_a.get('p99', float('nan'))):>6}")
                if row["status"] != "ok":
                    line += f"  ({row['status']})"
                print(line)
            print()
    for name, description in TARGETS:
        if name in order:
            print(f"{name:<14} {description}")
    print("a = (a) direct, b = (b) HAProxy. TPS/x above 1 is faster than x; p99/x above 1 is slower.")
    print("ps mode: sysbench --db-ps-mode; auto = server-side prepared statements (COM_STMT_PREPARE/EXECUTE),")
    print("disable = text statements (COM_QUERY).")
    print()

    print("CPU time per transaction in microseconds (user + system, from /proc), and TLS sessions MariaDB accepted:")
    header = (f"{'workload':<16} {'ps mode':<8} {'target':<14} {'gateway':>8} {'relay':>6} {'records':>8} {'MariaDB':>8}"
              f" {'sysbench':>8} {'total':>7} | {'gw/b':>5} {'total/b':>7} | {'others':>6} {'TLS@DB':>6}")
    print(header)
    print("-" * len(header))
    for workload in workloads:
        for mode in modes:
            base = results.get((workload, mode, "haproxy"), {}).get("cpu", {})
            base_total = sum(v for k, v in base.items() if k in ("gateway", "mariadb", "client"))
            for name in order:
                row = results[(workload, mode, name)]
                c = row["cpu"]
                total = sum(v for k, v in c.items() if k in ("gateway", "mariadb", "client"))
                fmt = lambda key: f"{c[key]:.0f}" if key in c and c[key] == c[key] else "-"
                print(f"{workload:<16} {mode:<8} {name:<14} {fmt('gateway'):>8} {fmt('relay'):>6} {fmt('records'):>8}"
                      f" {fmt('mariadb'):>8} {fmt('client'):>8} {total:>7.0f}"
                      f" | {ratio(c.get('gateway', float('nan')), base.get('gateway', float('nan'))):>5}"
                      f" {ratio(total, base_total or float('nan')):>7}"
                      f" | {row['other_cores']:>6.2f} {row['ssl_sessions']:>6}")
    print("gateway = the whole HAProxy or Warden process; for Warden, relay = its SwiftNIO event loops (TLS,")
    print("the MySQL plugin, policy, masking) and records = every other thread (the recorder, SQLite), including")
    print("the time Warden still worked after sysbench stopped, writing the records still queued; total =")
    print("gateway + MariaDB + sysbench. others = cores busy during the run with other work on this machine.")
    print("TLS@DB = TLS sessions MariaDB accepted during the run (Ssl_accepts): the client's in (a) and (b),")
    print("none through Warden, which signs in to MariaDB over plain TCP (upstream tls: disable).")
    if warden_restarts:
        print(f"Warden was restarted {warden_restarts} time(s): still busy --warden-settle s after a run.")
    print()

    print("Column c of sbtest1 row 1 as each target's client reads it (mariadb client over TLS):")
    for name in order:
        print(f"  {name:<14} {samples[name][:60]}")
    print()

    if warden_errors:
        print(f"Warden logged {len(warden_errors)} warning or error line(s); the first ones:")
        for line in warden_errors[:8]:
            print(f"  {line[:300]}")
    else:
        print("Warden logged no warning or error.")
    print()

    if "warden" in order and "haproxy" in order:
        print(f"Verdict (target: Warden without masking >= {args.target_ratio}x HAProxy's TPS):")
        met = total = 0
        for workload in workloads:
            for mode in modes:
                warden_row = results[(workload, mode, "warden")]
                value = ratio(warden_row["tps"], results[(workload, mode, "haproxy")]["tps"])
                ok = warden_row["status"] == "ok" and value != "-" and float(value) >= args.target_ratio
                met += ok
                total += 1
                note = "" if warden_row["status"] == "ok" else "  (Warden's run failed)"
                print(f"  {workload:<16} --db-ps-mode={mode:<8} Warden/HAProxy TPS = {value:>5}"
                      f"  {'meets' if ok else 'BELOW'} {args.target_ratio}{note}")
        print(f"  {met} of {total} workload/mode pairs reach {args.target_ratio}x HAProxy.")
    print(f"(MySQL section: {elapsed:.0f} s.)")


if __name__ == "__main__":
    main()
