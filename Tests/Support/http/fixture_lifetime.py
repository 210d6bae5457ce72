"""How the test fixtures in this folder live and die: a parent (a Swift test)
holds their stdin open and they stop at its end of file, so a test run that
crashes leaves nothing behind. Shared by upstream.py and ws_echo.py."""

import os
import signal
import stat
import threading


def unblock_signals() -> None:
    """A parent may start us with signals blocked: Foundation's Process on
    Linux spawns with the mask of the calling thread, and Swift
    concurrency's threads block SIGTERM and SIGINT. Blocked, a terminate()
    would never stop us."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def stdin_is_a_pipe() -> bool:
    """Whether stdin is a pipe (or socket), whose end of file means that the
    parent went away. Not a terminal, nor /dev/null (a background job's
    stdin: end of file at once), nor /dev/zero (bytes without end)."""
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def on_stdin_closed(action) -> None:
    """Runs `action` on a thread of its own once stdin, a pipe, reaches its end."""
    if not stdin_is_a_pipe():
        return

    def wait() -> None:
        while os.read(0, 65536):  # os.read: no lock a forked worker could inherit held
            pass
        action()

    threading.Thread(target=wait, daemon=True).start()
