"""``QueryWorker``: database reads and graph building off the UI thread.

One worker thread owns its own read-only ``Api`` (its own SQLite connection: a
connection is never shared between threads). Tasks are plain callables ``fn(api)``
tagged with a *channel* ("lineage", "runs", ...) and a request id (``ui.background``'s
``Answers``). When a task on a channel is superseded by a newer one before it starts, it
is skipped if droppable; when it finishes after being superseded, its answer is dropped.
Answers travel back as queued signals and the callback runs on the UI thread.

``synchronous=True`` runs every task inline (tests that want no threads at all).
"""

from __future__ import annotations

import contextlib
import gc
import queue
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread

from lineage_desktop.records import LineageError, StoreError
from lineage_desktop.sdk import Api
from lineage_desktop.store import Store
from lineage_desktop.ui.tasks.background import EXPECTED_ERRORS, Answers, Done, Failed, run_captured

__all__ = ["EXPECTED_ERRORS", "QueryWorker", "Task"]

Task = Callable[[Api], Any]


@dataclass
class _Job:
    channel: str
    request_id: int
    fn: Task | None  # None: the stop marker (unless open_path is set)
    droppable: bool = False
    open_path: Path | None = None


class _Connection:
    """The worker's own read-only ``Api`` and how tasks run on it (either thread)."""

    def __init__(self) -> None:
        self.api: Api | None = None

    def open(self, path: Path) -> tuple[bool, Any]:
        self.close()

        def connect() -> None:
            self.api = Api(Store.open(path, readonly=True))

        return run_captured("open", connect)

    def execute(self, job: _Job) -> tuple[bool, Any]:
        if self.api is None:
            return False, LineageError("no store is open")
        # A big read allocates hundreds of thousands of short-lived objects; collections
        # run meanwhile hold the GIL for tens of milliseconds each, which the UI thread
        # feels as stalls, so the collector waits for the task's end. What a task made is
        # not frozen out of the collector's generations: it holds cycles (networkx graphs
        # cache views of themselves, json's encoder closures), which freezing would leak
        # for good (tens of graphs after a few dozen lineages; see ``SliceRunner``).
        enabled = gc.isenabled()
        gc.disable()
        try:
            assert job.fn is not None
            return run_captured(f"query {job.channel}", job.fn, self.api)
        finally:
            if enabled:
                gc.enable()

    def interrupt(self) -> None:
        """Abort the read running now (from the UI thread); its task fails, unanswered."""
        api = self.api
        if api is not None:
            with contextlib.suppress(StoreError, AttributeError):
                api.store.interrupt()

    def close(self) -> None:
        if self.api is not None:
            with contextlib.suppress(StoreError):
                self.api.close()
            self.api = None


class _Thread(QThread):
    """The thread body: open the store when asked, then run jobs in order."""

    def __init__(self, answers: Answers) -> None:
        super().__init__()
        self._answers = answers
        self.jobs: queue.Queue[_Job] = queue.Queue()
        self._connection = _Connection()

    def interrupt(self) -> None:
        """Abort the read this thread is running now (called from the UI thread)."""
        self._connection.interrupt()

    def run(self) -> None:
        while True:
            job = self.jobs.get()
            if job.open_path is not None:
                self._answers.deliver(job.request_id, *self._connection.open(job.open_path))
                continue
            if job.fn is None:
                break
            if job.droppable and not self._answers.is_current(job.channel, job.request_id):
                continue
            self._answers.deliver(job.request_id, *self._connection.execute(job))
        self._connection.close()


def _drain(jobs: queue.Queue[_Job]) -> None:
    """Drop the jobs not started yet (the window is closing: nobody wants their answers)."""
    with contextlib.suppress(queue.Empty):
        while True:
            jobs.get_nowait()


class QueryWorker(QObject):
    """Runs read tasks on one background thread (or inline with ``synchronous``)."""

    def __init__(self, parent: QObject | None = None, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._synchronous = synchronous
        self._answers = Answers(self)
        self._connection = _Connection()  # synchronous mode only
        self._thread: _Thread | None = None
        if not synchronous:
            self._thread = _Thread(self._answers)
            self._thread.start()

    @property
    def synchronous(self) -> bool:
        return self._synchronous

    def pending(self) -> int:
        """Number of tasks whose answer has not arrived yet."""
        return self._answers.pending()

    def is_stale(self, channel: str, request_id: int) -> bool:
        """True when a newer request was made on ``channel`` (safe from any thread)."""
        return not self._answers.is_current(channel, request_id)

    def open(self, path: Path, on_done: Done | None = None, on_error: Failed | None = None) -> int:
        """Open the store at ``path`` for the following tasks (closing the previous one)."""
        request_id = self._answers.request("open", on_done, on_error)
        if self._synchronous:
            self._answers.finish(request_id, *self._connection.open(path))
        else:
            assert self._thread is not None
            self._thread.jobs.put(_Job("open", request_id, None, open_path=path))
        return request_id

    def submit(
        self,
        channel: str,
        fn: Task,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        droppable: bool = True,
    ) -> int:
        """Run ``fn(api)`` on the worker; ``on_done(result)`` or ``on_error(exc)`` follow
        on the UI thread unless a newer request on ``channel`` superseded this one.
        Errors are answered the same way in both modes (see ``background.run_captured``)."""
        request_id = self._answers.request(channel, on_done, on_error)
        job = _Job(channel, request_id, fn, droppable)
        if self._synchronous:
            self._answers.finish(request_id, *self._connection.execute(job))
        else:
            assert self._thread is not None
            self._thread.jobs.put(job)
        return request_id

    def cancel(self, channel: str) -> None:
        """Forget every pending answer on ``channel``."""
        self._answers.cancel(channel)

    def shutdown(self) -> None:
        """Stop the thread (interrupting the read in flight, dropping queued ones) and close
        its connection."""
        if self._thread is not None:
            thread, self._thread = self._thread, None
            _drain(thread.jobs)
            thread.jobs.put(_Job("stop", 0, None))
            # A read still running (a million-version collection) is interrupted rather
            # than waited out; a QThread destroyed while it runs aborts the process.
            while not thread.wait(50):
                thread.interrupt()
        self._connection.close()
        self._answers.cancel()
