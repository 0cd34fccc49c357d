"""Writers of one SQLite store wait for their turn in the kernel, not in sleeps.

SQLite has no blocking lock in WAL mode: a writer that finds the write lock taken sleeps
and tries again. Sixteen writers on two cores polling that way burn the CPU the lock's
holder needs and take the lock in no order, so one unlucky call waits hundreds of
milliseconds. Before ``BEGIN IMMEDIATE`` a writer therefore takes an exclusive ``flock``
on ``<db file>-writers`` (a file of its own, never the database or its journals: closing
a descriptor of those would drop SQLite's POSIX locks). Waiters sleep in the kernel and
the next one runs as soon as the turn is released; the turn is released after ``COMMIT``
or ``ROLLBACK``. SQLite's lock stays the real one: a writer without the turn (another
tool, a folder where the file cannot be made) is waited for as before.

One turn per process and file: threads of one process (and several stores of one file
opened by it) share it, and wait for each other on SQLite's lock, with its timeout. A
turn held elsewhere is waited for at most the time given (the busy timeout), in a helper
thread, since ``flock`` has no timeout; a writer that gives up proceeds to SQLite's lock,
which raises as before, and the turn the helper gets later is given back at once.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path

SUFFIX = "-writers"


class WriteQueue:
    """The turn of this process to write one store file."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._pid = os.getpid()
        self._fd = -1
        self._cond = threading.Condition(threading.Lock())
        self._holders = 0  # transactions of this process inside the turn
        self._waiting = 0  # threads waiting for the helper to get the turn
        self._held = False
        self._helper = False  # a helper thread is blocked in flock

    def _open(self) -> bool:
        if self._fd < 0:
            with contextlib.suppress(OSError):  # a read-only folder: no queue
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        return self._fd >= 0

    def acquire(self, timeout: float) -> bool:
        """Take the turn (or join this process's), waiting at most ``timeout`` seconds.
        False if there is no queue or the wait timed out; call ``release`` only after
        True."""
        with self._cond:
            if self._held:
                self._holders += 1
                return True
            if not self._open():
                return False
            if not self._helper:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    self._helper = True
                    threading.Thread(target=self._wait_in_kernel, daemon=True,
                                     name="lineage-write-queue").start()
                except OSError:
                    return False
                else:
                    self._held, self._holders = True, 1
                    return True
            self._waiting += 1
            try:
                self._cond.wait_for(lambda: self._held or not self._helper, timeout)
            finally:
                self._waiting -= 1
            if self._held:
                self._holders += 1
                return True
            return False

    def _wait_in_kernel(self) -> None:
        failed = False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError:
            failed = True
        with self._cond:
            self._helper = False
            if not failed and self._waiting == 0:  # everyone gave up: give the turn back
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            elif not failed:
                self._held = True
            self._cond.notify_all()

    def release(self) -> None:
        """End one transaction's share of the turn; the last one gives the turn back."""
        with self._cond:
            self._holders -= 1
            if self._holders == 0 and self._held:
                self._held = False
                with contextlib.suppress(OSError):
                    fcntl.flock(self._fd, fcntl.LOCK_UN)


_QUEUES: dict[str, WriteQueue] = {}
_QUEUES_LOCK = threading.Lock()


def queue_for(database: Path) -> WriteQueue:
    """This process's queue for the store file ``database``."""
    path = os.path.realpath(database) + SUFFIX
    with _QUEUES_LOCK:
        queue = _QUEUES.get(path)
        # A forked child shares the parent's open file and so its lock: its own queue.
        if queue is None or queue._pid != os.getpid():
            queue = _QUEUES[path] = WriteQueue(path)
        return queue
