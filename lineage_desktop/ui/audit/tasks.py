"""``BackgroundChannel``: one stream of background audit work with request ids.

Audit work (re-hashing files, reading two versions' lineage for a diff) must not run on
the UI thread. Each channel owns a one-thread ``QThreadPool``: a new request cancels the
one before it (its answer is dropped even if it finishes, by ``ui.background``'s
``Answers``), so only the newest answer ever reaches the UI. Work functions receive a
``TaskContext`` to report progress and to notice cancellation; they open their own store
connection (a sqlite connection is never shared between threads).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from lineage_desktop.ui.tasks.background import (
    EXPECTED_ERRORS,
    Answers,
    describe_failure,
    run_captured,
)

__all__ = ["EXPECTED_ERRORS", "PROGRESS_INTERVAL", "BackgroundChannel", "TaskContext", "Work"]

PROGRESS_INTERVAL = 0.05  # seconds between progress signals: enough for a smooth bar
_CHANNEL = "work"


class TaskContext:
    """What a work function may ask of its channel (safe from the worker thread)."""

    def __init__(self, event: threading.Event, report: Callable[[int, int], None]) -> None:
        self._event = event
        self._report = report
        self._last = 0.0

    def cancelled(self) -> bool:
        """True once the request was cancelled or superseded: stop early."""
        return self._event.is_set()

    def progress(self, done: int, total: int) -> None:
        """Report progress; throttled so that 10,000 small steps do not flood the UI."""
        now = time.monotonic()
        if done < total and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        self._report(done, total)


Work = Callable[[TaskContext], Any]


class _Progress(QObject):
    """Carries progress from worker threads to the UI thread (queued connection)."""

    reported = Signal(int, int, int)  # request id, done, total


class _Job(QRunnable):
    def __init__(
        self,
        request_id: int,
        work: Work,
        answers: Answers,
        progress: _Progress,
        event: threading.Event,
    ) -> None:
        super().__init__()
        self._request_id = request_id
        self._work = work
        self._answers = answers
        self._progress = progress
        self._event = event

    def run(self) -> None:
        if self._event.is_set():  # superseded before it started
            return
        context = TaskContext(self._event, self._emit_progress)
        ok, result = run_captured("audit work", self._work, context)
        if not ok or not self._event.is_set():
            self._answers.deliver(self._request_id, ok, result)

    def _emit_progress(self, done: int, total: int) -> None:
        if self._event.is_set():
            return
        # RuntimeError: the channel was deleted while we worked; nobody listens.
        with contextlib.suppress(RuntimeError):
            self._progress.reported.emit(self._request_id, done, total)


class BackgroundChannel(QObject):
    """Runs one work function at a time off the UI thread; newer requests win.

    Signals (only for the newest request, emitted on the UI thread):

    - ``progress(int done, int total)``
    - ``done(object result)``
    - ``failed(str message)``: one line, for a status bar or message box.
    """

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The pool first: children are destroyed in creation order, and the pool's
        # destructor waits for a running job, which still needs the answers' relay.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._answers = Answers(self)
        self._progress = _Progress(self)
        self._current = 0
        self._event: threading.Event | None = None
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._progress.reported.connect(self._on_progress_reported)

    @property
    def request_id(self) -> int:
        """Id of the newest request (0 before the first)."""
        return self._current

    def is_busy(self) -> bool:
        """True while the newest request has not answered (nor been cancelled)."""
        return self._event is not None

    def submit(self, work: Work) -> int:
        """Run ``work(context)`` in the background, cancelling any earlier request."""
        self.cancel()
        self._current = self._answers.request(_CHANNEL, self._on_done, self._on_failed)
        self._event = threading.Event()
        self._pool.start(_Job(self._current, work, self._answers, self._progress, self._event))
        return self._current

    def cancel(self) -> None:
        """Cancel the running request: it stops at its next check, its answer is dropped."""
        if self._event is not None:
            self._event.set()
            self._event = None
        self._answers.cancel(_CHANNEL)

    def shutdown(self, msecs: int = 10_000) -> bool:
        """Cancel and wait for the worker thread (before the application quits)."""
        self.cancel()
        return self._pool.waitForDone(msecs)

    @Slot(int, int, int)
    def _on_progress_reported(self, request_id: int, done: int, total: int) -> None:
        if self._event is not None and request_id == self._current:
            self.progress.emit(done, total)

    def _on_done(self, result: object) -> None:
        self._event = None
        self.done.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._event = None
        self.failed.emit(describe_failure(exc))
