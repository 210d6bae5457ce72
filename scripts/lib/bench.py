"""Helpers for scripts/bench: latency statistics from pgbench's
per-transaction logs, resident memory per idle connection, and the report.

    bench.py count STORE                    -> statements recorded in Warden's store so far
    bench.py cpu PID                        -> "RELAY STORE OTHER": CPU clock ticks of the process's threads
    bench.py run PREFIX TPS TRANSACTIONS STATEMENTS_PER_TRANSACTION ROWS_BEFORE ROWS_AFTER CPU_BEFORE CPU_AFTER
                                            -> one run's fields for results.tsv
    bench.py progress SCRIPT MODE TARGET FIELDS STATUS -> one line of progress
    bench.py idle PID CONNINFO N            -> "BEFORE_KIB AFTER_KIB PER_CONNECTION_KIB"
    bench.py report RESULTS.tsv MEMORY.tsv  -> the table, the memory lines and the verdict
"""

import glob
import os
import sys
import time

TARGETS = [
    ("direct", "(a) PostgreSQL directly"),
    ("pgbouncer", "(b) pgbouncer, session mode, TLS"),
    ("warden", "(c) Warden, no masking, TLS"),
    ("warden-masked", "(d) Warden, masking rules, TLS"),
]
SCRIPTS = {"select-only": "pgbench -S (select-only)", "tpcb": "pgbench TPC-B-like (default script)"}
TARGET_RATIO = 0.9


def latency(prefix):
    """Mean and 99th percentile in milliseconds of the third column
    (latency in microseconds) of every log file pgbench wrote under PREFIX."""
    samples = []
    for path in glob.glob(glob.escape(prefix) + ".*"):
        with open(path) as log:
            for line in log:
                fields = line.split()
                if len(fields) >= 3:
                    samples.append(int(fields[2]))
    if not samples:
        return float("nan"), float("nan")
    samples.sort()
    mean = sum(samples) / len(samples) / 1000.0
    p99 = samples[min(len(samples) - 1, int(0.99 * len(samples)))] / 1000.0
    return mean, p99


def thread_kind(name):
    """Which part of a gateway a thread works for, by its name: NIO's event
    loops (and single-threaded pgbouncer) relay; SwiftNIO's thread pool
    (where SQLite runs) and Swift concurrency's pool (the recorder and the
    store's actor) write records."""
    if name.startswith("NIO-") or name == "pgbouncer":
        return 0
    if name.startswith("SGLTN-TP") or "default-qos" in name:
        return 1
    return 2


def cpu(pid):
    ticks = [0, 0, 0]
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as file:
                stat = file.read()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        ticks[thread_kind(name)] += int(fields[11]) + int(fields[12])  # utime, stime
    print(" ".join(map(str, ticks)))


def run(prefix, tps, transactions, per_transaction, rows_before, rows_after, cpu_before, cpu_after):
    """Fields: TPS, mean ms, p99 ms, recorded %, then microseconds of gateway
    CPU per transaction relaying, writing records, and in other threads."""
    mean, p99 = latency(prefix)
    transactions = int(transactions)
    recorded = "-"
    if rows_before != "-" and transactions > 0:
        recorded = f"{100 * (int(rows_after) - int(rows_before)) / (transactions * int(per_transaction)):.0f}"
    per_transaction_cpu = ["-", "-", "-"]
    if cpu_before != "-" and transactions > 0:
        tick = 1e6 / os.sysconf("SC_CLK_TCK")
        deltas = [int(a) - int(b) for a, b in zip(cpu_after.split(), cpu_before.split())]
        per_transaction_cpu = [f"{delta * tick / transactions:.0f}" for delta in deltas]
    print("\t".join([tps, f"{mean:.3f}", f"{p99:.3f}", recorded] + per_transaction_cpu))


def progress(script, mode, target, fields, status):
    tps, mean, p99, recorded, relay, store, other = fields.split("\t")
    line = f"    {target:<14} {script:<12} {mode:<9} {number(tps, 0):>7} tps  mean {mean:>7} ms  p99 {p99:>7} ms"
    if relay != "-":
        line += f"  CPU/tx {relay} µs relaying"
        if recorded != "-":
            line += f", {store} µs recording ({recorded} % recorded)"
    if status != "ok":
        line += f"  {status}"
    print(line)


def count(store):
    """Statements in Warden's SQLite store, read while Warden writes (WAL)."""
    import sqlite3

    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        print(connection.execute("SELECT count(*) FROM statements").fetchone()[0])
    except sqlite3.OperationalError:
        print(0)  # not created yet
    finally:
        connection.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def idle(pid, conninfo, count):
    """Opens COUNT idle connections through the server whose process is PID
    and prints its resident memory before, after, and per connection."""
    import psycopg

    pid, count = int(pid), int(count)
    # Warm up first: TLS contexts, plugin state and allocator arenas that the
    # first connections create belong to the baseline, not to each connection.
    for _ in range(3):
        warm = [psycopg.connect(conninfo, autocommit=True) for _ in range(10)]
        for connection in warm:
            connection.execute("SELECT 1")
            connection.close()
    time.sleep(1.0)
    before = rss_kib(pid)
    connections = []
    try:
        for _ in range(count):
            connections.append(psycopg.connect(conninfo, autocommit=True))
        time.sleep(2.0)
        after = rss_kib(pid)
    finally:
        for connection in connections:
            connection.close()
    print(f"{before} {after} {(after - before) / count:.1f}")


def ratio(value, base):
    try:
        value, base = float(value), float(base)
    except ValueError:
        return "-"
    if base != base or value != value or base == 0:
        return "-"
    return f"{value / base:.2f}"


def number(value, digits):
    try:
        value = float(value)
    except ValueError:
        return str(value)
    return "-" if value != value else f"{value:.{digits}f}"


def groups(results):
    """(script, mode, rows) for every script and mode that ran, targets in order."""
    for script in SCRIPTS:
        for mode in ("simple", "prepared"):
            rows = [(target, results[(script, mode, target)]) for target, _ in TARGETS
                    if (script, mode, target) in results]
            if rows:
                yield script, mode, rows


def report(results_path, memory_path):
    results = {}
    with open(results_path) as file:
        for line in file:
            script, mode, target, tps, mean, p99, recorded, relay, store, other, status = \
                line.rstrip("\n").split("\t")
            results[(script, mode, target)] = {"tps": tps, "mean": mean, "p99": p99, "recorded": recorded,
                                               "relay": relay, "store": store, "other": other, "status": status}

    header = (f"{'script':<12} {'mode':<9} {'target':<14} {'TPS':>9} {'mean ms':>8} {'p99 ms':>8}"
              f" | {'TPS/a':>6} {'mean/a':>6} {'p99/a':>6} | {'TPS/b':>6} {'mean/b':>6} {'p99/b':>6}")
    print(header)
    print("-" * len(header))
    verdicts = []
    for script, mode, rows in groups(results):
        direct = results.get((script, mode, "direct"), {})
        bouncer = results.get((script, mode, "pgbouncer"), {})
        for target, row in rows:
            cells = [number(row["tps"], 0), number(row["mean"], 3), number(row["p99"], 3)]
            against = []
            for base in (direct, bouncer):
                against.append(" ".join(f"{ratio(row[k], base.get(k, 'nan')):>6}" for k in ("tps", "mean", "p99")))
            note = "" if row["status"] == "ok" else f"  ({row['status']})"
            print(f"{script:<12} {mode:<9} {target:<14} {cells[0]:>9} {cells[1]:>8} {cells[2]:>8}"
                  f" | {against[0]} | {against[1]}{note}")
        warden = results.get((script, mode, "warden"), {})
        verdicts.append((script, mode, ratio(warden.get("tps", "nan"), bouncer.get("tps", "nan"))))
        print()
    print("a = (a) PostgreSQL directly, b = (b) pgbouncer. TPS/x above 1 is faster than x; mean/x and p99/x")
    print("above 1 are slower than x.")
    print()

    header = (f"{'script':<12} {'mode':<9} {'target':<14} {'relay':>7} {'records':>8} {'other':>6} {'total':>7}"
              f" {'total/b':>8} | {'recorded':>8}")
    print("Where the gateways' CPU goes, in microseconds per transaction (user + system time of their threads):")
    print(header)
    print("-" * len(header))
    for script, mode, rows in groups(results):
        bouncer = results.get((script, mode, "pgbouncer"), {})
        base = sum(float(bouncer[k]) for k in ("relay", "store", "other") if bouncer.get(k, "-") != "-") or float("nan")
        for target, row in rows:
            if row["relay"] == "-":
                continue
            total = sum(float(row[k]) for k in ("relay", "store", "other") if row[k] != "-")
            recorded = "-" if row["recorded"] == "-" else f"{row['recorded']} %"
            store = row["store"] if row["recorded"] != "-" else "-"
            other = row["other"] if row["recorded"] != "-" else "-"
            print(f"{script:<12} {mode:<9} {target:<14} {row['relay']:>7} {store:>8} {other:>6} {total:>7.0f}"
                  f" {ratio(total, base):>8} | {recorded:>8}")
    print("relay = event-loop threads (TLS, protocol plugin, policy, masking; all of pgbouncer); records =")
    print("the threads that write Warden's session records to SQLite during the run; recorded = the share of")
    print("the statements relayed that had reached the store when pgbench stopped. The rest was still queued")
    print("in memory, its cost not counted here; the benchmark restarts Warden after each of its runs so that")
    print("the backlog cannot slow the next run.")
    print()

    if memory_path and os.path.exists(memory_path):
        with open(memory_path) as file:
            for line in file:
                name, count, before, after, per = line.rstrip("\n").split("\t")
                if per == "failed":
                    print(f"{name}: resident memory per idle connection at {count} connections: measurement failed")
                    continue
                print(f"{name}: resident memory per idle connection at {count} connections: {float(per):.1f} KiB"
                      f" (RSS {int(before) / 1024:.1f} MiB idle, {int(after) / 1024:.1f} MiB with {count} open)")
        print()

    print(f"Verdict (target: Warden without masking >= {TARGET_RATIO}x pgbouncer's TPS):")
    met = 0
    for script, mode, value in verdicts:
        ok = value != "-" and float(value) >= TARGET_RATIO
        met += ok
        mark = "meets" if ok else "BELOW"
        print(f"  {SCRIPTS[script]:<36} -M {mode:<9} Warden/pgbouncer TPS = {value:>5}  {mark} {TARGET_RATIO}")
    print(f"  {met} of {len(verdicts)} script/mode pairs reach {TARGET_RATIO}x pgbouncer.")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "run":
        run(*args)
    elif command == "progress":
        progress(*args)
    elif command == "cpu":
        cpu(*args)
    elif command == "count":
        count(*args)
    elif command == "idle":
        idle(*args)
    elif command == "report":
        report(args[0], args[1] if len(args) > 1 else None)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
