"""``LayoutRunner``: layouts off the UI thread, answers delivered on the UI thread.

Graphviz holds the GIL while it lays out, so layouts run in a worker *process* through
the layout layer's ``LayoutService``; its completion callback may run on any thread, so
the result is handed to the UI thread with a queued signal. Request ids let the caller
drop stale answers. ``synchronous=True`` lays out inline (tests, headless use).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool

from PySide6.QtCore import QObject, Qt, Signal, Slot

from lineage_desktop.layout.compute import compute_layout
from lineage_desktop.layout.service import LayoutService
from lineage_desktop.layout.types import LayoutRequest, LayoutResult

log = logging.getLogger(__name__)

Done = Callable[[LayoutResult], None]
Failed = Callable[[BaseException], None]


class LayoutRunner(QObject):
    """Submit ``LayoutRequest``s; the newest one's answer reaches ``on_done``."""

    _delivered = Signal(int, bool, object)  # request id, ok, result or exception

    def __init__(self, parent: QObject | None = None, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._latest = 0
        self._callbacks: dict[int, tuple[Done, Failed]] = {}
        self._requests: dict[int, LayoutRequest] = {}
        self._synchronous = synchronous
        self._service: LayoutService | None = LayoutService(sync=synchronous)
        # Spawn the worker process now: the first layout should not wait for Python to
        # start and Graphviz to load.
        self._service.warm_up()
        # Queued even when emitted on the UI thread: answers always arrive from the
        # event loop, never inside submit().
        self._delivered.connect(self._on_self_delivered, Qt.ConnectionType.QueuedConnection)

    @property
    def synchronous(self) -> bool:
        """True when layouts run inline on the calling thread."""
        return self._synchronous

    def pending(self) -> bool:
        """True while the newest request has not been answered."""
        return self._latest in self._callbacks

    def submit(self, request: LayoutRequest, on_done: Done, on_error: Failed) -> int:
        """Lay out ``request``; ``on_done(result)`` or ``on_error(exc)`` follow from the
        event loop unless a newer request was submitted meanwhile. Returns our id."""
        request_id = next(self._ids)
        self._latest = request_id
        self._callbacks = {request_id: (on_done, on_error)}  # older answers are stale
        self._requests = {request_id: request}
        if self._service is None:
            return request_id  # shut down: nothing will answer
        try:
            self._service.submit(
                request,
                lambda result, rid=request_id: self._delivered.emit(rid, True, result),
                on_error=lambda exc, rid=request_id: self._delivered.emit(rid, False, exc),
            )
        except RuntimeError as exc:  # the service was shut down meanwhile
            self._delivered.emit(request_id, False, exc)
        return request_id

    def cancel(self) -> None:
        """Forget the pending request."""
        self._latest = next(self._ids)
        self._callbacks.clear()
        self._requests.clear()

    def shutdown(self) -> None:
        """Stop the worker process."""
        busy = self.pending()
        self.cancel()
        if self._service is not None:
            try:
                # Never wait for a long Graphviz run when the window closes; an idle
                # worker is stopped cleanly (terminating it races its pipe writer).
                self._service.shutdown(wait=not busy)
            except Exception:  # noqa: BLE001 - closing must not fail the window
                log.exception("layout service shutdown failed")
            self._service = None

    @Slot(int, bool, object)
    def _on_self_delivered(self, request_id: int, ok: bool, result: object) -> None:
        callbacks = self._callbacks.pop(request_id, None)
        if callbacks is None or request_id != self._latest:
            return
        on_done, on_error = callbacks
        request = self._requests.pop(request_id, None)
        if not ok and isinstance(result, BrokenProcessPool) and request is not None:
            # The worker process cannot run here (a script without the
            # ``if __name__ == "__main__"`` guard, a sandbox without fork/spawn...): a
            # window that lays out inline is better than one that never draws.
            log.warning("layout worker unavailable (%s); laying out in this process", result)
            self._fall_back_to_inline()
            try:
                result, ok = compute_layout(request), True
            except Exception as exc:  # noqa: BLE001 - reported like any layout error
                result = exc
        if ok:
            on_done(result)  # type: ignore[arg-type]
        else:
            on_error(result)  # type: ignore[arg-type]

    def _fall_back_to_inline(self) -> None:
        if self._service is not None and not self._synchronous:
            try:
                self._service.shutdown(wait=False)
            except Exception:  # noqa: BLE001 - it is broken already
                log.debug("broken layout service did not shut down cleanly", exc_info=True)
            self._service = LayoutService(sync=True)
            self._synchronous = True
