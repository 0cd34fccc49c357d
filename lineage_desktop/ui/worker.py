"""``QueryWorker``: database reads and graph building off the UI thread.

One worker thread owns its own read-only ``Api`` (its own SQLite connection: a
connection is never shared between threads). Tasks are plain callables ``fn(api)``
tagged with a *channel* ("lineage", "runs", ...) and a request id. When a task on a
channel is superseded by a newer one before it starts, it is skipped if droppable;
when it finishes after being superseded, its answer is dropped. Answers travel back as
queued signals and the callback runs on the UI thread.

``synchronous=True`` runs every task inline (tests that want no threads at all).
"""

from __future__ import annotations

import gc
import itertools
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from lineage_desktop.records import LineageError, StoreError
from lineage_desktop.sdk import Api
from lineage_desktop.store import Store

log = logging.getLogger(__name__)

Task = Callable[[Api], Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
# Errors a damaged, foreign or vanished store can raise from a query; anything else is
# a bug and is logged with its traceback (still reported, never raised into Qt).
EXPECTED_ERRORS = (LineageError, OSError, ValueError, LookupError)


@dataclass
class _Job:
    channel: str
    request_id: int
    fn: Task | None  # None: the stop marker
    droppable: bool
    on_done: Done | None
    on_error: Failed | None
    open_path: Path | None = None


class _Thread(QThread):
    """The thread body: open the store when asked, then run jobs in order."""

    finished_job = Signal(int, bool, object)  # request id, ok, result or exception

    def __init__(self, owner: QueryWorker) -> None:
        super().__init__()
        self._owner = owner
        self.jobs: queue.Queue[_Job] = queue.Queue()
        self._api: Api | None = None

    def run(self) -> None:
        while True:
            job = self.jobs.get()
            if job.fn is None and job.open_path is None:
                break
            if job.open_path is not None:
                self._open(job)
                continue
            if job.droppable and self._owner.is_stale(job.channel, job.request_id):
                continue
            self.finished_job.emit(job.request_id, *self._execute(job))
        self._close()

    def _open(self, job: _Job) -> None:
        self._close()
        try:
            self._api = Api(Store.open(job.open_path, readonly=True))
        except Exception as exc:  # reported to the UI like any task error
            self._api = None
            self.finished_job.emit(job.request_id, False, exc)
            return
        self.finished_job.emit(job.request_id, True, None)

    def _execute(self, job: _Job) -> tuple[bool, Any]:
        if self._api is None:
            return False, LineageError("no store is open")
        # A big read allocates hundreds of thousands of short-lived objects; collections
        # run meanwhile hold the GIL for tens of milliseconds each, which the UI thread
        # feels as stalls. Nothing a task builds is cyclic garbage, so collect after.
        enabled = gc.isenabled()
        gc.disable()
        try:
            assert job.fn is not None
            return True, job.fn(self._api)
        except EXPECTED_ERRORS as exc:
            return False, exc
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker
            log.exception("query task %s failed", job.channel)
            return False, exc
        finally:
            if enabled:
                gc.enable()

    def _close(self) -> None:
        if self._api is not None:
            try:
                self._api.close()
            except StoreError:
                pass
            self._api = None


class QueryWorker(QObject):
    """Runs read tasks on one background thread (or inline with ``synchronous``)."""

    def __init__(self, parent: QObject | None = None, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._synchronous = synchronous
        self._ids = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._callbacks: dict[int, tuple[str, Done | None, Failed | None]] = {}
        self._api: Api | None = None  # synchronous mode only
        self._thread: _Thread | None = None
        if not synchronous:
            self._thread = _Thread(self)
            self._thread.finished_job.connect(self._on_thread_finished_job)
            self._thread.start()

    @property
    def synchronous(self) -> bool:
        return self._synchronous

    def pending(self) -> int:
        """Number of tasks whose answer has not arrived yet."""
        return len(self._callbacks)

    def is_stale(self, channel: str, request_id: int) -> bool:
        """True when a newer request was made on ``channel`` (safe from any thread)."""
        return self._latest.get(channel, 0) != request_id

    def open(self, path: Path, on_done: Done | None = None, on_error: Failed | None = None) -> int:
        """Open the store at ``path`` for the following tasks (closing the previous one)."""
        request_id = self._register("open", on_done, on_error)
        if self._synchronous:
            if self._api is not None:
                self._api.close()
                self._api = None
            try:
                self._api = Api(Store.open(path, readonly=True))
            except Exception as exc:  # reported through on_error
                self._finish(request_id, False, exc)
            else:
                self._finish(request_id, True, None)
            return request_id
        assert self._thread is not None
        self._thread.jobs.put(_Job("open", request_id, None, False, None, None, open_path=path))
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
        on the UI thread unless a newer request on ``channel`` superseded this one."""
        request_id = self._register(channel, on_done, on_error)
        if self._synchronous:
            if self._api is None:
                self._finish(request_id, False, LineageError("no store is open"))
                return request_id
            try:
                result = fn(self._api)
            except EXPECTED_ERRORS as exc:
                self._finish(request_id, False, exc)
            else:
                self._finish(request_id, True, result)
            return request_id
        assert self._thread is not None
        self._thread.jobs.put(_Job(channel, request_id, fn, droppable, None, None))
        return request_id

    def cancel(self, channel: str) -> None:
        """Forget every pending answer on ``channel``."""
        self._latest[channel] = next(self._ids)

    def shutdown(self) -> None:
        """Stop the thread (after its current task) and close its connection."""
        if self._thread is not None:
            self._thread.jobs.put(_Job("stop", 0, None, False, None, None))
            self._thread.wait(10_000)
            self._thread = None
        if self._api is not None:
            self._api.close()
            self._api = None
        self._callbacks.clear()

    def _register(self, channel: str, on_done: Done | None, on_error: Failed | None) -> int:
        request_id = next(self._ids)
        self._latest[channel] = request_id
        # Older answers on this channel are stale from now on: forget their callbacks.
        self._callbacks = {k: v for k, v in self._callbacks.items() if v[0] != channel}
        self._callbacks[request_id] = (channel, on_done, on_error)
        return request_id

    @Slot(int, bool, object)
    def _on_thread_finished_job(self, request_id: int, ok: bool, result: object) -> None:
        self._finish(request_id, ok, result)

    def _finish(self, request_id: int, ok: bool, result: Any) -> None:
        entry = self._callbacks.pop(request_id, None)
        if entry is None:
            return
        channel, on_done, on_error = entry
        if self.is_stale(channel, request_id):
            return
        if ok and on_done is not None:
            on_done(result)
        elif not ok and on_error is not None:
            on_error(result)
