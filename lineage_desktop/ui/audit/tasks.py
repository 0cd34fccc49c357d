"""``BackgroundChannel``: one stream of background audit work with request ids.

Audit work (re-hashing files, reading two versions' lineage for a diff) must not run on
the UI thread. Each channel owns a one-thread ``QThreadPool``: a new request cancels the
one before it (its answer is dropped even if it finishes), so only the newest answer
ever reaches the UI. Work functions receive a ``TaskContext`` to report progress and to
notice cancellation; they open their own store connection (a sqlite connection is never
shared between threads).
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from lineage_desktop.records import LineageError

log = logging.getLogger(__name__)

# Errors a damaged, foreign or vanished store can raise; anything else is a bug and is
# logged with its traceback (still reported as a failure, never raised into Qt).
EXPECTED_ERRORS = (LineageError, OSError, ValueError, LookupError)
PROGRESS_INTERVAL = 0.05  # seconds between progress signals: enough for a smooth bar


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


class _Relay(QObject):
    """Carries answers from worker threads to the UI thread (queued connections)."""

    progress = Signal(int, int, int)  # request id, done, total
    done = Signal(int, object)  # request id, result
    failed = Signal(int, str)  # request id, one-line message


class _Job(QRunnable):
    def __init__(self, request_id: int, work: Work, relay: _Relay,
                 event: threading.Event) -> None:
        super().__init__()
        self._request_id = request_id
        self._work = work
        self._relay = relay
        self._event = event

    def run(self) -> None:
        if self._event.is_set():  # superseded before it started
            return
        context = TaskContext(self._event, self._emit_progress)
        try:
            result = self._work(context)
        except EXPECTED_ERRORS as exc:
            self._emit(self._relay.failed, str(exc) or exc.__class__.__name__)
            return
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the pool thread
            log.exception("background audit task failed")
            self._emit(self._relay.failed, f"{exc.__class__.__name__}: {exc}")
            return
        if not self._event.is_set():
            self._emit(self._relay.done, result)

    def _emit_progress(self, done: int, total: int) -> None:
        if not self._event.is_set():
            self._emit(self._relay.progress, done, total)

    def _emit(self, signal: Any, *args: Any) -> None:
        try:
            signal.emit(self._request_id, *args)
        except RuntimeError:  # the channel was deleted while we worked: nobody listens
            pass


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
        # destructor waits for a running job, which still needs the relay.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._ids = itertools.count(1)
        self._current = 0
        self._event: threading.Event | None = None
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._relay.progress.connect(self._on_relay_progress)
        self._relay.done.connect(self._on_relay_done)
        self._relay.failed.connect(self._on_relay_failed)

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
        self._current = next(self._ids)
        self._event = threading.Event()
        self._pool.start(_Job(self._current, work, self._relay, self._event))
        return self._current

    def cancel(self) -> None:
        """Cancel the running request: it stops at its next check, its answer is dropped."""
        if self._event is not None:
            self._event.set()
            self._event = None

    def shutdown(self, msecs: int = 10_000) -> bool:
        """Cancel and wait for the worker thread (before the application quits)."""
        self.cancel()
        return self._pool.waitForDone(msecs)

    def _is_current(self, request_id: int) -> bool:
        return self._event is not None and request_id == self._current

    @Slot(int, int, int)
    def _on_relay_progress(self, request_id: int, done: int, total: int) -> None:
        if self._is_current(request_id):
            self.progress.emit(done, total)

    @Slot(int, object)
    def _on_relay_done(self, request_id: int, result: object) -> None:
        if self._is_current(request_id):
            self._event = None
            self.done.emit(result)

    @Slot(int, str)
    def _on_relay_failed(self, request_id: int, message: str) -> None:
        if self._is_current(request_id):
            self._event = None
            self.failed.emit(message)
