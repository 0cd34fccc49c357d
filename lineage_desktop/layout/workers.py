"""``Workers``: the layout worker process, replaced when it dies, given up on when it
cannot start.

The process pool is started with "spawn" (never fork a process that may hold Qt or a
Graphviz context). A ``ProcessPoolExecutor`` whose worker died (killed, out of memory,
Graphviz crashed) is broken for good, so it is discarded and the next job starts a fresh
one. Restarts are bounded: when the pool breaks more than ``MAX_RESTARTS`` times within
``RESTART_WINDOW`` seconds the worker evidently cannot run here (a script without the
``if __name__ == "__main__"`` guard that spawn needs, a sandbox that forbids processes,
no memory to start one), and from then on jobs run in this process, on a background
thread: slower for the calling thread's neighbours (pygraphviz holds the GIL) but never
on the caller's thread, and a window that lays out inline beats one that never draws.

A worker exits when the process that started it dies, even by SIGKILL (no cleanup of
ours runs then): a daemon thread in the worker polls ``os.getppid()``, and on Linux the
kernel also sends it SIGKILL (``PR_SET_PDEATHSIG``), which reaches a worker inside a dot
run that holds the GIL. The kernel signal fires when the *thread* that spawned the worker
ends, so it is asked for only when that thread is the main thread. With every worker
gone, multiprocessing's resource tracker sees its pipe close and exits too.

``niceness``: the CPU priority a worker gets from this process as soon as it is spawned,
before it has imported anything (its own initializer can only lower it once Python and
the layout modules are loaded: a quarter of a second of CPU that, on a busy machine,
the window opening beside it needed).

``kill`` stops the worker on purpose (a dot run nobody waits for any more, or one past
its hard cap): the same path as a death, but not counted against the restart budget.
"""
from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

log = logging.getLogger(__name__)

MAX_RESTARTS = 3  # fresh workers started after failures ...
RESTART_WINDOW = 60.0  # ... within this many seconds, before jobs stay in this process
PARENT_POLL = 0.25  # seconds between a worker's checks that its parent still lives
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

_T = TypeVar("_T")


class Workers:
    """Runs jobs in a worker process pool that is replaced when it breaks.

    ``run`` returns a ``Future``; a job whose worker died fails with
    ``BrokenProcessPool`` (also when the pool could not even be started), and the caller
    decides whether to run it again. ``on_give_up(message)`` is called once, from any
    thread, when the restart budget is spent and jobs start running in this process.
    """

    def __init__(
        self,
        initializer: Callable[[], Any] | None = None,
        max_workers: int = 1,
        on_give_up: Callable[[str], None] | None = None,
        max_restarts: int = MAX_RESTARTS,
        restart_window: float = RESTART_WINDOW,
        niceness: int | None = None,
    ) -> None:
        self.initializer = initializer
        self.niceness = niceness
        self.max_workers = max_workers
        self.max_restarts = max_restarts
        self.restart_window = restart_window
        self.restarts = 0  # broken pools discarded (each is replaced by the next job)
        self.kills = 0  # pools killed on purpose by ``kill`` (not failures)
        self._on_give_up = on_give_up
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._threads: ThreadPoolExecutor | None = None
        self._failures: deque[float] = deque()
        self._given_up = False
        self._closed = False

    @property
    def given_up(self) -> bool:
        """True once jobs run in this process for good (the worker cannot start)."""
        return self._given_up

    def run(self, fn: Callable[..., _T], *args: Any, in_process: bool = False) -> Future[_T]:
        """Run ``fn(*args)`` in the worker process (``in_process``, or once given up: on
        this process's layout thread). Raises ``RuntimeError`` after ``shutdown``."""
        if in_process or self._given_up:
            return self._thread_pool().submit(fn, *args)
        pool = self._process_pool()
        try:
            future = pool.submit(fn, *args)
        except RuntimeError:  # shut down: by us (closed, or replaced meanwhile) only
            if self._closed:
                raise
            future = _failed(BrokenProcessPool("the layout worker pool was replaced"))
        except (BrokenProcessPool, OSError) as exc:  # died idle, or could not spawn
            log.warning("the layout worker could not take a job: %s", exc)
            future = _failed(exc if isinstance(exc, BrokenProcessPool) else _broken(exc))
        if self.niceness is not None:
            lower_priority(pool, self.niceness)
        # Registered before the caller's callback, so the broken pool is gone by the time
        # the caller runs the job again.
        future.add_done_callback(lambda done: self._check(pool, done))
        return future

    def worker_pid(self) -> int | None:
        """Pid of a live worker process, or None (none started yet, it died, given up)."""
        with self._lock:
            pool = self._pool
        if pool is None:
            return None
        # ProcessPoolExecutor has no public list of its processes; these are ours.
        processes = list(getattr(pool, "_processes", {}).items())
        return next((pid for pid, process in processes if process.is_alive()), None)

    def kill(self) -> None:
        """Kill the worker process now, whatever it is running: its jobs fail with
        ``BrokenProcessPool`` and the next job starts a fresh worker. Not a failure: it
        does not count towards giving up. Jobs running in this process (given up) cannot
        be stopped; they finish unseen."""
        with self._lock:
            pool, self._pool = self._pool, None
            if pool is not None:
                self.kills += 1
        if pool is None:
            return
        log.info("killing the layout worker process on purpose")
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def shutdown(self, wait: bool = True) -> None:
        """Stop the worker (``wait=False`` also terminates one busy with a long job)."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
            threads, self._threads = self._threads, None
        if threads is not None:
            threads.shutdown(wait=False, cancel_futures=True)  # a thread cannot be stopped
        if pool is None:
            return
        if not wait:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=wait, cancel_futures=True)

    # -- internals --------------------------------------------------------------------

    def _process_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the layout workers have been shut down")
            if self._pool is None:
                # The pool spawns its (one) worker in this thread, on the first submit.
                main = threading.current_thread() is threading.main_thread()
                self._pool = ProcessPoolExecutor(
                    max_workers=self.max_workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=partial(start_worker, os.getpid(),
                                        main and self.max_workers == 1, self.initializer),
                )
            return self._pool

    def _thread_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the layout workers have been shut down")
            if self._threads is None:
                self._threads = ThreadPoolExecutor(1, thread_name_prefix="layout-inline")
            return self._threads

    def _check(self, pool: ProcessPoolExecutor, future: Future[Any]) -> None:
        if not future.cancelled() and isinstance(future.exception(), BrokenProcessPool):
            self._discard(pool)

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """The pool broke: drop it (the next job starts a fresh one), count the failure."""
        now = time.monotonic()
        with self._lock:
            if self._pool is not pool:
                return  # discarded already, by another of its jobs
            self._pool = None
            self.restarts += 1
            self._failures.append(now)
            while self._failures and now - self._failures[0] > self.restart_window:
                self._failures.popleft()
            give_up = not self._given_up and len(self._failures) > self.max_restarts
            if give_up:
                self._given_up = True
            failures = len(self._failures)
        pool.shutdown(wait=False, cancel_futures=True)
        if not give_up:
            log.warning("the layout worker process died; a fresh one starts with the next job")
            return
        message = (
            f"The layout worker process failed {failures} times within "
            f"{self.restart_window:.0f} s and cannot be started; layouts now run in the "
            "window's own process, which may pause the window on big graphs."
        )
        log.error(message)
        if self._on_give_up is not None:
            self._on_give_up(message)


def set_niceness(pid: int, niceness: int) -> None:
    """Run process ``pid`` (0: this one) at ``niceness`` at least (never raised back)."""
    if not hasattr(os, "setpriority"):
        return
    with contextlib.suppress(OSError):  # gone already, or not ours to change
        if os.getpriority(os.PRIO_PROCESS, pid) < niceness:
            os.setpriority(os.PRIO_PROCESS, pid, niceness)


def lower_priority(pool: ProcessPoolExecutor, niceness: int) -> None:
    """Give ``pool``'s worker processes ``niceness`` (the pool spawns them in ``submit``;
    no public list of them, as in ``Workers.worker_pid``)."""
    for pid in list(getattr(pool, "_processes", {})):
        set_niceness(pid, niceness)


def start_worker(
    parent_pid: int, death_signal: bool, initializer: Callable[[], Any] | None,
) -> None:
    """Pool initializer: tie this worker's life to ``parent_pid``, then run
    ``initializer``. ``death_signal``: also ask Linux to kill it when the parent dies."""
    if death_signal and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the polling thread below still ends the worker
    if os.getppid() != parent_pid:  # the parent died while this worker started
        os._exit(0)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True,
                     name="layout-parent-watch").start()
    if initializer is not None:
        initializer()


def _exit_with_parent(parent_pid: int) -> None:
    """Poll until the parent is gone (the worker is re-parented), then end at once:
    ``os._exit`` because nobody is left to hand results to or to clean up after."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL)
    os._exit(0)


def _failed(error: BaseException) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_exception(error)
    return future


def _broken(error: BaseException) -> BrokenProcessPool:
    broken = BrokenProcessPool(f"the layout worker could not be started: {error}")
    broken.__cause__ = error
    return broken
