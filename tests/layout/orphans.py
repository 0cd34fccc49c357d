"""Processes left behind: a program started in a subprocess, killed with SIGKILL, and its
descendants watched until they are gone (a zombie waiting for init counts as gone)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
EXIT_WAIT = 15.0  # seconds orphans get to notice their parent died (they poll ~4 x/s)


def start(script: str, ready: str = "ready", timeout: float = 120.0) -> subprocess.Popen[str]:
    """Run ``script`` with this repository's code; return once it printed ``ready``."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"the program ended before it was ready ({proc.wait()})")
        if line.strip() == ready:
            return proc
    proc.kill()
    raise AssertionError("the program never said it was ready")


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` still running (not gone, not a zombie)."""
    out = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                out.append(process)
        except psutil.NoSuchProcess:
            pass
    return out


def kill_and_wait(proc: subprocess.Popen[str]) -> list[psutil.Process]:
    """SIGKILL ``proc``; the descendants still running after ``EXIT_WAIT`` seconds
    (they are killed after being reported, so no test leaves them behind)."""
    children = descendants(proc.pid)
    assert children, "the program started no child process"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + EXIT_WAIT
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the process table, not waiting for a result
    left = alive(children)
    for process in left:
        process.kill()
    return left


def describe(processes: list[psutil.Process]) -> str:
    return "; ".join(f"{p.pid}: {' '.join(p.cmdline())[:120]}" for p in processes)
