"""Is the process that records a run still alive? (Only answerable on the same host.)

A pid alone can be reused by an unrelated process, so on Linux the process's start time
(``/proc/<pid>/stat`` field 22) is recorded too and must match.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path


def this_host() -> str:
    return socket.gethostname()


def process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), or None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


def current_process() -> tuple[str, int, str | None]:
    pid = os.getpid()
    return this_host(), pid, process_start(pid)


def is_alive(pid: int, started: str | None) -> bool:
    """True unless ``pid`` is certainly gone (or is now another process)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    if started is not None:
        now = process_start(pid)
        if now is not None and now != started:
            return False  # the pid was reused
    return True
