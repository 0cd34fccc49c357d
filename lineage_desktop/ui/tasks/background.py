"""The one background-task primitive of the window: request ids, newest answer wins.

Every kind of background work (database reads on the ``QueryWorker`` thread, layouts in
the ``LayoutRunner``'s process, audit work on a ``BackgroundChannel``) goes through it:

- ``run_captured(fn, *args)`` runs a task and turns what it raises into an answer, the
  same way inline (synchronous mode, tests) and on a worker thread: errors a damaged,
  foreign or vanished store can raise are answered quietly, anything else is a bug and
  is logged with its traceback; either way it is reported, never raised into Qt.
- ``Answers`` hands out request ids per channel and calls back, on the UI thread, only
  for the newest request of a channel; older answers are dropped.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from lineage_desktop.records import LineageError

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
# Errors a damaged, foreign or vanished store can raise from a task; anything else is a
# bug and is logged with its traceback (still reported, never raised into Qt).
EXPECTED_ERRORS = (LineageError, OSError, ValueError, LookupError)


def run_captured(what: str, fn: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
    """``(True, fn(*args))``, or ``(False, exception)``; ``what`` names the task in the
    log when the exception is a bug."""
    try:
        return True, fn(*args)
    except EXPECTED_ERRORS as exc:
        return False, exc
    except Exception as exc:  # noqa: BLE001 - a bug must not kill a worker or the window
        log.exception("background task %s failed", what)
        return False, exc


def describe_failure(exc: BaseException) -> str:
    """One line for a status bar or message box (a bug also names its class)."""
    if isinstance(exc, EXPECTED_ERRORS):
        return str(exc) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {exc}"


class Answers(QObject):
    """Request ids per channel; answers reach their callbacks on the UI thread, and only
    while their request is the newest of its channel.

    ``deliver`` may be called from any thread (the answer is queued to the UI thread, so
    it never arrives inside the call that asked for it); ``finish`` delivers at once and
    is for the UI thread (synchronous mode).
    """

    _arrived = Signal(int, bool, object)  # request id, ok, result or exception

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._callbacks: dict[int, tuple[str, Done | None, Failed | None]] = {}
        self._arrived.connect(self._on_self_arrived, Qt.ConnectionType.QueuedConnection)

    def request(self, channel: str, on_done: Done | None, on_error: Failed | None) -> int:
        """A new request on ``channel``: earlier ones there are stale from now on."""
        request_id = next(self._ids)
        self._latest[channel] = request_id
        self._callbacks = {k: v for k, v in self._callbacks.items() if v[0] != channel}
        self._callbacks[request_id] = (channel, on_done, on_error)
        return request_id

    def is_current(self, channel: str, request_id: int) -> bool:
        """True while no newer request (nor a cancel) was made on ``channel``; safe to
        ask from a worker thread (to skip work nobody waits for)."""
        return self._latest.get(channel, 0) == request_id

    def is_pending(self, channel: str) -> bool:
        """True while the newest request of ``channel`` has not been answered."""
        return self._latest.get(channel, 0) in self._callbacks

    def pending(self) -> int:
        """Number of requests whose answer has not arrived yet."""
        return len(self._callbacks)

    def cancel(self, channel: str | None = None) -> None:
        """Drop the pending answers of ``channel`` (of every channel when None)."""
        channels = list(self._latest) if channel is None else [channel]
        for name in channels:
            self._latest[name] = 0  # no request is current (ids start at 1)
        self._callbacks = {
            k: v for k, v in self._callbacks.items() if channel is not None and v[0] != channel
        }

    def deliver(self, request_id: int, ok: bool, result: Any) -> None:
        """Hand an answer to the UI thread (from any thread)."""
        # RuntimeError: deleted while a worker still ran; nobody listens.
        with contextlib.suppress(RuntimeError):
            self._arrived.emit(request_id, ok, result)

    def finish(self, request_id: int, ok: bool, result: Any) -> None:
        """Deliver an answer now (UI thread): ``on_done(result)`` or ``on_error(exc)``
        unless the request was superseded."""
        entry = self._callbacks.pop(request_id, None)
        if entry is None:
            return
        channel, on_done, on_error = entry
        if not self.is_current(channel, request_id):
            return
        if ok and on_done is not None:
            on_done(result)
        elif not ok and on_error is not None:
            on_error(result)

    @Slot(int, bool, object)
    def _on_self_arrived(self, request_id: int, ok: bool, result: object) -> None:
        self.finish(request_id, ok, result)
