"""A pytest plugin that writes each test's outcome as it is known, one JSON
object a line, to the file named by PEER_OUTCOMES: {"test", "outcome", "error"}
with outcome passed, failed, skipped or error (a fixture's setup or teardown
failed) and the first line of the failure, when it started and ended, and
what Warden logged meanwhile (notices and warnings of PEER_SERVER_LOG, if
set). A {"test", "outcome": "started"}
line comes first, so a run that dies inside a test (a hang killed by its
time limit, a crash in the C extension) still tells which test it was.

Loaded with `-p pytest_outcomes` and scripts/lib on PYTHONPATH.
"""

import json
import os
import time

_file = None
_failed_phase = {}
_started = {}
_watch = None


def _log_watch():
    """Warden's log (PEER_SERVER_LOG), watched for what it says during each test."""
    global _watch
    if _watch is None and os.environ.get("PEER_SERVER_LOG"):
        from mysql_peer_suites import LogWatch
        _watch = LogWatch(os.environ["PEER_SERVER_LOG"])
    return _watch


def _write(record):
    global _file
    if _file is None:
        _file = open(os.environ["PEER_OUTCOMES"], "a", encoding="utf-8")
    _file.write(json.dumps(record) + "\n")
    _file.flush()


def _first_line(report):
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None and crash.message:
        text = crash.message
    elif isinstance(report.longrepr, tuple):  # a skip: (file, line, reason)
        text = str(report.longrepr[2])
    else:
        text = str(report.longrepr or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def pytest_runtest_logstart(nodeid, location):
    _started[nodeid] = time.time()
    if _log_watch():
        _log_watch().mark()
    _write({"test": nodeid, "outcome": "started"})


def pytest_runtest_logreport(report):
    nodeid = report.nodeid
    if report.when == "call":
        if report.passed:
            outcome = "passed"
        elif report.skipped:
            outcome = "skipped"  # includes xfail
        else:
            outcome = "failed"
        if nodeid not in _failed_phase:
            _failed_phase[nodeid] = (outcome, _first_line(report) if outcome != "passed" else "")
    elif report.failed:  # setup or teardown
        if _failed_phase.get(nodeid, ("passed",))[0] == "passed":
            _failed_phase[nodeid] = ("error", f"{report.when}: {_first_line(report)}")
    elif report.skipped and report.when == "setup":
        _failed_phase[nodeid] = ("skipped", _first_line(report))


def pytest_runtest_logfinish(nodeid, location):
    outcome, error = _failed_phase.pop(nodeid, ("passed", ""))
    _write({"test": nodeid, "outcome": outcome, "error": error,
            "started": _started.pop(nodeid, None), "ended": time.time(),
            "warden_log": _log_watch().new_lines() if _log_watch() else []})


def pytest_unconfigure(config):
    global _file
    if _file is not None:
        _file.close()
        _file = None
