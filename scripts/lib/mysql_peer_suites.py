#!/usr/bin/env python3
"""Runs the MySQL peer suites for scripts/mysql-peer-suites, and compares them.

  mysqlclient  --tests DIR --cnf FILE --out FILE.json [--timeout S]
      mysqlclient's own tests (the tests/ directory of its PyPI sdist) with
      pytest, the connection settings from the option file FILE (the sdist's
      tests read it through TESTDB, group [MySQLdb-tests]). Each test's outcome
      is recorded as it ends (scripts/lib/pytest_outcomes.py); a test that
      hangs past S seconds or kills the interpreter is recorded as failed and
      pytest goes on with the tests after it.

  client-test  --out FILE.json [--timeout S] [--timeouts-from DIRECT.json] [--workdir DIR] -- ARG...
      Each of mariadb-client-test's tests (its -T list) on its own:
      `mariadb-client-test ARG... NAME`, at most S seconds each (or three
      times as long as it took in DIRECT.json, if that is longer). The program
      stops at a test's first failed check, so one run per test keeps one
      failure from hiding the tests after it. Passed = exit status 0.

  report       --target 0.95 NAME=DIRECT.json,WARDEN.json...
      The table: direct passed/total, through Warden passed/total, the ratio,
      whether the target is met; then the tests that pass directly and fail
      through Warden with the first line of their error, grouped by that line.

Each .json file maps a test's name to {"outcome": passed|failed|error|skipped,
"error": first line}.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import OrderedDict, defaultdict

LIB = os.path.dirname(os.path.abspath(__file__))


def save(path, results):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(results, file, indent=1)


# ---------------------------------------------------------------- Warden's log

class LogWatch:
    """What a server log gained while one test ran: its notices, warnings and errors, each as
    `level: message (reason)` without the time, client address and session id, so that the
    same event in two tests reads the same."""

    FIELD = re.compile(r"(\w+)=(\S+)")
    SKIP = ("DEVELOPMENT TOKEN ISSUER",)

    def __init__(self, path):
        self.path = path
        self.offset = os.path.getsize(path) if path and os.path.exists(path) else 0

    def mark(self):
        if self.path and os.path.exists(self.path):
            self.offset = os.path.getsize(self.path)

    def new_lines(self):
        if not self.path or not os.path.exists(self.path):
            return []
        with open(self.path, "rb") as file:
            file.seek(self.offset)
            data = file.read()
        self.offset += len(data)
        lines = []
        for raw in data.decode(errors="replace").splitlines():
            match = re.match(r"\S+ (notice|warning|error|critical) \S+: (.*)", raw)
            if not match or any(skip in raw for skip in self.SKIP):
                continue
            body = match.group(2)
            message = body.split("] ", 1)[1] if "] " in body else body
            reason = re.search(r"reason=(.*?) (?:sequence|session|subject|\[)", body + " [")
            line = f"{match.group(1)}: {message}" + (f" ({reason.group(1)})" if reason else "")
            if line not in lines:
                lines.append(line[:300])
        return lines


# ---------------------------------------------------------------- mysqlclient

def collect(tests_dir, env):
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=os.path.dirname(tests_dir), env=env, capture_output=True, text=True)
    ids = [line.strip() for line in run.stdout.splitlines() if "::" in line]
    if not ids:
        sys.exit(f"pytest collected no tests in {tests_dir}:\n{run.stdout}\n{run.stderr}")
    return ids


def run_mysqlclient(args):
    tests_dir = os.path.abspath(args.tests)
    env = dict(os.environ)
    env["TESTDB"] = os.path.abspath(args.cnf)  # configdb.py joins it to tests/: an absolute path wins
    env["PYTHONPATH"] = LIB + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    outcomes_file = os.path.abspath(args.out) + ".jsonl"
    env["PEER_OUTCOMES"] = outcomes_file
    if args.server_log:
        env["PEER_SERVER_LOG"] = os.path.abspath(args.server_log)
    open(outcomes_file, "w").close()

    ids = collect(tests_dir, env)
    results = OrderedDict()
    log = open(os.path.abspath(args.out) + ".log", "w")
    while True:
        remaining = [test for test in ids if test not in results]
        if not remaining:
            break
        before = len(results)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_outcomes",
                   f"--timeout={args.timeout}", "--timeout-method=thread", "tests"]
        command += [f"--deselect={test}" for test in results]
        started = None
        try:
            subprocess.run(command, cwd=os.path.dirname(tests_dir), env=env, stdout=log, stderr=subprocess.STDOUT,
                           timeout=args.timeout * len(remaining) + 120)
        except subprocess.TimeoutExpired:
            pass
        with open(outcomes_file, encoding="utf-8") as file:
            for line in file:
                record = json.loads(line)
                if record["outcome"] == "started":
                    started = record["test"]
                elif record["test"] not in results:
                    results[record["test"]] = {key: record.get(key) for key in
                                               ("outcome", "error", "started", "ended", "warden_log")}
                    if started == record["test"]:
                        started = None
        if started is not None and started not in results:
            results[started] = {"outcome": "failed",
                                "error": f"hung past {args.timeout}s or crashed pytest (see {log.name})"}
        if len(results) == before:
            for test in remaining:
                results[test] = {"outcome": "error", "error": f"not run: pytest stopped before it (see {log.name})"}
    save(args.out, OrderedDict((test, results[test]) for test in ids))


# ---------------------------------------------------------------- mariadb-client-test

MYSQL_ERROR = re.compile(r"\[MySQL[^\]]*\]\[(\d+)\] (.*)")
CHECK_FAILED = re.compile(r"check failed: '(.*)'")


def first_error(output, status, timeout):
    if status == -9 or status == 124:
        return f"timed out after {timeout}s"
    lines = output.splitlines()
    check = next((i for i, line in enumerate(lines) if CHECK_FAILED.search(line)), None)
    scope = lines[:check] if check is not None else lines
    errors = [m for m in (MYSQL_ERROR.search(line) for line in scope) if m]
    parts = []
    if errors:
        parts.append(f"[{errors[-1].group(1)}] {errors[-1].group(2).strip()}")
    if check is not None:
        parts.append(f"check failed: '{CHECK_FAILED.search(lines[check]).group(1)}'")
    if status < 0:
        parts.append(f"killed by signal {-status}")
    if not parts:
        tail = [line.strip() for line in lines if line.strip()]
        parts.append(tail[-1][:200] if tail else f"exit status {status}")
    return "; ".join(parts)[:300]


def run_client_test(args):
    program = args.program
    listing = subprocess.run([program, "--no-defaults", "-T"], capture_output=True, text=True)
    names = [line.strip() for line in listing.stdout.splitlines()[1:] if line.strip() and " " not in line.strip()]
    if not names:
        sys.exit(f"{program} -T listed no tests:\n{listing.stdout}{listing.stderr}")
    workdir = os.path.abspath(args.workdir)
    logs = os.path.abspath(args.out) + ".logs"
    os.makedirs(logs, exist_ok=True)
    baseline = load(args.timeouts_from) if args.timeouts_from else {}
    watch = LogWatch(args.server_log)
    results = OrderedDict()
    for name in names:
        # A test that takes long directly gets a longer limit: three times its direct time.
        timeout = max(args.timeout, 3 * baseline.get(name, {}).get("seconds", 0))
        if args.before_each:
            subprocess.run(["bash", "-c", args.before_each], check=True)
        command = [program, "--no-defaults", *args.args, name]
        watch.mark()
        started, wall = time.monotonic(), time.time()
        try:
            run = subprocess.run(command, cwd=workdir, capture_output=True, text=True, errors="replace",
                                 timeout=timeout, start_new_session=True)
            output, status = run.stdout + run.stderr, run.returncode
        except subprocess.TimeoutExpired as expired:
            output = (expired.stdout or b"").decode(errors="replace") + (expired.stderr or b"").decode(errors="replace")
            status = -9
        with open(os.path.join(logs, name + ".log"), "w") as file:
            file.write(output)
        results[name] = {"outcome": "passed" if status == 0 else "failed",
                         "error": "" if status == 0 else first_error(output, status, round(timeout)),
                         "seconds": round(time.monotonic() - started, 2), "started": wall, "ended": time.time(),
                         "warden_log": watch.new_lines()}
    save(args.out, results)


# ---------------------------------------------------------------- report

def load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def counts(results):
    tally = defaultdict(int)
    for result in results.values():
        tally[result["outcome"]] += 1
    return tally


def report(args):
    suites = []
    for spec in args.suites:
        name, files = spec.split("=", 1)
        direct_file, warden_file = files.split(",")
        suites.append((name, load(direct_file), load(warden_file)))

    print()
    header = f"{'suite':<22} {'direct passed/total':>20} {'through Warden':>16} {'ratio':>7}  target {args.target:.0%}"
    print(header)
    print("-" * len(header))
    verdicts = []
    for name, direct, warden in suites:
        passed_direct = sorted(t for t, r in direct.items() if r["outcome"] == "passed")
        passed_warden = [t for t in passed_direct if warden.get(t, {}).get("outcome") == "passed"]
        ratio = len(passed_warden) / len(passed_direct) if passed_direct else 0.0
        met = ratio >= args.target
        verdicts.append(met)
        # The ratio counts only tests that pass directly; a test that passes through Warden alone is not credited.
        all_warden = sum(1 for r in warden.values() if r["outcome"] == "passed")
        print(f"{name:<22} {len(passed_direct):>9}/{len(direct):<10} {all_warden:>7}/{len(warden):<8} {ratio:>7.1%}  "
              f"{'met' if met else 'NOT met'}")
    print()
    for name, direct, warden in suites:
        d, w = counts(direct), counts(warden)
        detail = lambda c: ", ".join(f"{c[k]} {k}" for k in ("passed", "failed", "error", "skipped") if c[k])
        print(f"{name}: direct {detail(d)}; through Warden {detail(w)}")

    for name, direct, warden in suites:
        lost = [t for t, r in direct.items()
                if r["outcome"] == "passed" and warden.get(t, {}).get("outcome") != "passed"]
        gained = [t for t, r in warden.items()
                  if r["outcome"] == "passed" and direct.get(t, {}).get("outcome") != "passed"]
        print(f"\n{name}: {len(lost)} pass directly but not through Warden, by the first line of their error")
        groups = defaultdict(list)
        for test in lost:
            result = warden.get(test, {"error": "not run through Warden"})
            error = result["error"]
            log = "; ".join((result.get("warden_log") or [])[:2])
            record = warden_view(args.store, result)
            # Grouped by the error's message, whichever check then failed; an error that says only
            # which check failed, by what Warden logged meanwhile, if anything.
            message = re.sub(r";? ?check failed: '.*'", "", error).strip("; ")
            if message:
                key = normalize(message)
            elif log:
                key = f"{error}; Warden logged: {normalize(log)}"
            else:
                key = error
            shown = message if message and normalize(message) != message else ""  # the numbers the key hides
            groups[key].append((test, shown, "" if log and normalize(log) in key else log, record))
        for cause, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
            print(f"  {len(members):>3} x {cause}")
            if len({(shown, log, normalize(record)) for _, shown, log, record in members}) == 1:
                _, shown, log, record = members[0]
                lines = [f"error: {shown}"] * bool(shown and len(members) == 1)
                lines += [f"Warden logged: {log}"] * bool(log) + [f"Warden's record: {record}"] * bool(record)
                for line in lines:
                    print(f"        {line}")
                print(wrap("tests: " + ", ".join(test for test, _, _, _ in members), 8))
            else:
                for test, shown, log, record in members:
                    print(f"      - {test}" + (f": {shown}" if shown else ""))
                    for line in [f"Warden logged: {log}"] * bool(log) + [f"Warden's record: {record}"] * bool(record):
                        print(f"          {line}")
        if gained:
            print(f"{name}: {len(gained)} pass through Warden but not directly: {', '.join(gained)}")

    print()
    print("target met for every suite" if all(verdicts) else
          f"target ({args.target:.0%} of the direct passes through Warden) NOT met for "
          + ", ".join(name for (name, _, _), met in zip(suites, verdicts) if not met))


def warden_view(store, result):
    """The last statement that Warden recorded in the sessions of one test's run, and how it
    ended: a statement with no answer is where a test hung. Diagnostics only: reads Warden's
    SQLite store (read-only), and says nothing if it cannot."""
    if not store or "started" not in result:
        return ""
    try:
        import sqlite3
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        sessions = db.execute(
            "SELECT id, status, reason FROM sessions WHERE started_at BETWEEN ? AND ? ORDER BY started_at",
            (result["started"], result["ended"])).fetchall()
        refused = [reason for _, status, reason in sessions if status == "refused" and reason]
        last = None
        for session, _, _ in sessions:
            row = db.execute(
                "SELECT text, verdict, duration_ms, error_code, error_message FROM statements "
                "WHERE session_id = ? ORDER BY sequence DESC LIMIT 1", (session,)).fetchone()
            if row and (last is None or row[2] is None or row[3]):
                last = row
                if row[2] is None:
                    break
        parts = [f"session refused: {refused[0]}"] if refused else []
        if last:
            text, verdict, duration, code, message = last
            text = " ".join(text.split())
            text = text if len(text) <= 70 else text[:67] + "..."
            outcome = ("no result recorded (no answer, or prepared and never executed)"
                       if duration is None and verdict == "allow"
                       else f"error {code}: {message}" if code else f"{verdict}, answered")
            if outcome != "allow, answered":  # an answered statement says nothing about the failure
                parts.append(f"last statement {text!r} -> {outcome}")
        return "; ".join(parts)[:300]
    except Exception:
        return ""


def normalize(error):
    """An error line without what varies between tests, for grouping: short quoted names (tables,
    columns) and numbers other than error codes ([1235], (1227, ...) become … and N."""
    text = re.sub(r"'[^' ]{1,40}'", "'…'", error)
    text = re.sub(r"(?<![\[(])\b(0x[0-9a-fA-F]+|\d+)\b", "N", text)
    return text


def wrap(text, indent):
    import textwrap
    return textwrap.fill(text, width=110, initial_indent=" " * indent, subsequent_indent=" " * (indent + 7))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    m = commands.add_parser("mysqlclient")
    m.add_argument("--tests", required=True)
    m.add_argument("--cnf", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--timeout", type=int, default=60)
    m.add_argument("--server-log", help="Warden's log: what it logged during each test is kept with its result")
    c = commands.add_parser("client-test")
    c.add_argument("--program", default="mariadb-client-test")
    c.add_argument("--out", required=True)
    c.add_argument("--timeout", type=int, default=120)
    c.add_argument("--workdir", default=".")
    c.add_argument("--timeouts-from", help="a direct run's results: each test's limit is at least 3 times its time there")
    c.add_argument("--before-each", help="a bash command run before each test (resets the server's state)")
    c.add_argument("--server-log", help="Warden's log: what it logged during each test is kept with its result")
    c.add_argument("args", nargs="*")
    r = commands.add_parser("report")
    r.add_argument("--target", type=float, default=0.95)
    r.add_argument("--store", help="Warden's SQLite store: each lost test's last statement as Warden recorded it")
    r.add_argument("suites", nargs="+")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        {"mysqlclient": run_mysqlclient, "client-test": run_client_test, "report": report}[args.command](args)
    except KeyboardInterrupt:  # Ctrl-C: the test it ran is killed on the way out; scripts/mysql-peer-suites cleans up
        sys.exit(130)


if __name__ == "__main__":
    main()
