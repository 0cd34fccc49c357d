"""``LayoutRunner``: layouts off the UI thread, answers delivered on the UI thread.

Graphviz holds the GIL while it lays out, so layouts run in a worker *process* through
the layout layer's ``LayoutService``; its completion callback may run on any thread, so
the result is handed to the UI thread by ``ui.background``'s ``Answers`` (a queued
signal), whose request ids drop stale answers. ``synchronous=True`` lays out inline
(tests, headless use).

A worker that dies is the service's business: it starts a fresh one and runs the
request again (see ``lineage_desktop.layout.service``). What the user should hear about
(a layout that had to run in this process, a worker given up on) arrives as ``notice``.

Small layouts (``INLINE_NODES``, see ``LayoutService``) are laid out on the submitting
thread, not the UI thread; the worker process is spawned at start, the budgeted dot
runs' worker only once the first layout has been answered (``DOT_WARM_DELAY_MS`` later),
so that neither competes with the first view for the CPU.

A layout may come twice: when ``dot`` misses its time budget the service answers first
with a provisional layered layout (``result.provisional``) and later with dot's; both
reach ``on_done``, in that order, unless a newer request was submitted meanwhile. A
final answer that is only the provisional layout again (dot failed or ran past its cap,
``extra["dot_abandoned"]``) is not passed on: nothing changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from lineage_desktop.layout.service import LayoutService
from lineage_desktop.layout.types import LayoutRequest, LayoutResult
from lineage_desktop.ui.tasks.background import Answers

log = logging.getLogger(__name__)

Done = Callable[[LayoutResult], None]
Failed = Callable[[BaseException], None]
_CHANNEL = "layout"
# Requests of at most this many nodes (and cheap for dot) are laid out on the submitting
# thread instead of the worker process.
INLINE_NODES = 40
# Milliseconds after the first layout answer before the dot worker is spawned.
DOT_WARM_DELAY_MS = 250


class LayoutRunner(QObject):
    """Submit ``LayoutRequest``s; the newest one's answer reaches ``on_done``.

    Signals: ``notice(str)``: a message for the status line about where layouts run
    (emitted on the UI thread, from the event loop).
    """

    notice = Signal(str)
    _noticed = Signal(str)  # from any thread; re-emitted as ``notice`` on the UI thread
    _refined = Signal(int, object)  # from any thread: our id, the final after a provisional

    def __init__(
        self,
        parent: QObject | None = None,
        synchronous: bool = False,
        service_factory: Callable[..., LayoutService] = LayoutService,
        inline_nodes: int = INLINE_NODES,
    ) -> None:
        """``service_factory(sync=..., on_notice=..., inline_nodes=...)`` builds the layout
        service (tests pass ``partial(LayoutService, initializer=...)`` to make workers
        fail, and ``inline_nodes=0`` to send even the smallest layout to a worker)."""
        super().__init__(parent)
        # Answers are queued even when the service answers on the UI thread (sync mode):
        # they always arrive from the event loop, never inside submit().
        self._answers = Answers(self)
        self._synchronous = synchronous
        self._sender = (
            None if synchronous else ThreadPoolExecutor(1, thread_name_prefix="layout-submit")
        )
        self._service: LayoutService | None = service_factory(
            sync=synchronous, on_notice=self._noticed.emit, inline_nodes=inline_nodes
        )
        # Spawn the worker process now (from this, the main, thread: see ``workers``): a
        # big first layout should not wait for Python to start and Graphviz to load.
        self._service.warm_up(dot=False)
        self._dot_warmed = False
        self._noticed.connect(self._on_self_noticed, Qt.ConnectionType.QueuedConnection)
        self._refined.connect(self._on_self_refined, Qt.ConnectionType.QueuedConnection)
        # (our request id, on_done) of the newest request while its final answer is due.
        self._refining: tuple[int, Done] | None = None

    @property
    def synchronous(self) -> bool:
        """True when layouts run inline on the calling thread."""
        return self._synchronous

    @property
    def mode(self) -> str:
        """Where layouts run: ``"worker"``, ``"inline"`` (in this process, for good: the
        worker cannot start), ``"sync"`` or ``"stopped"`` (after ``shutdown``)."""
        return self._service.mode if self._service is not None else "stopped"

    @property
    def service(self) -> LayoutService | None:
        """The layout service (None after ``shutdown``); for diagnostics and tests."""
        return self._service

    def pending(self) -> bool:
        """True while the newest request has not been answered."""
        return self._answers.is_pending(_CHANNEL)

    def refining(self) -> bool:
        """True between a provisional answer and the final one of the newest request."""
        return self._refining is not None

    def submit(self, request: LayoutRequest, on_done: Done, on_error: Failed) -> int:
        """Lay out ``request``; ``on_done(result)`` or ``on_error(exc)`` follow from the
        event loop unless a newer request was submitted meanwhile (``on_done`` twice
        when the first answer is provisional, see the module docstring). Returns our id."""
        self._refining = None
        request_id = self._answers.request(
            _CHANNEL, lambda result: self._on_first(request_id, on_done, result), on_error
        )
        if self._service is None:
            return request_id  # shut down: nothing will answer
        deliver = self._answers.deliver
        answered = False  # the service calls back in order, never two at once

        def on_result(result: LayoutResult) -> None:
            nonlocal answered
            if answered:
                self._refined.emit(request_id, result)
            else:
                answered = True
                deliver(request_id, True, result)

        service = self._service

        def send() -> None:
            try:
                service.submit(
                    request, on_result, on_error=lambda exc: deliver(request_id, False, exc)
                )
            except RuntimeError as exc:  # the service was shut down meanwhile
                deliver(request_id, False, exc)

        if self._sender is None:
            send()
        else:
            # Choosing the engine, packing and hashing a 50,000-node request takes a few
            # hundred milliseconds: not on the UI thread. One thread keeps the order.
            self._sender.submit(send)
        return request_id

    def cancel(self) -> None:
        """Forget the pending request."""
        self._refining = None
        self._answers.cancel(_CHANNEL)

    def shutdown(self) -> None:
        """Stop the worker process."""
        busy = self.pending() or self.refining()
        self.cancel()
        if self._sender is not None:
            self._sender.shutdown(wait=True)  # a request being packed is sent, then stopped
            self._sender = None
        if self._service is not None:
            try:
                # Never wait for a long Graphviz run when the window closes; an idle
                # worker is stopped cleanly (terminating it races its pipe writer).
                self._service.shutdown(wait=not busy)
            except Exception:  # noqa: BLE001 - closing must not fail the window
                log.exception("layout service shutdown failed")
            self._service = None

    def _on_first(self, request_id: int, on_done: Done, result: LayoutResult) -> None:
        if not self._dot_warmed:
            self._dot_warmed = True
            QTimer.singleShot(DOT_WARM_DELAY_MS, self, self._warm_dot)
        if result.provisional:
            self._refining = (request_id, on_done)
        on_done(result)

    @Slot()
    def _warm_dot(self) -> None:
        if self._service is not None:  # not after shutdown
            self._service.warm_up(layout=False)

    @Slot(int, object)
    def _on_self_refined(self, request_id: int, result: object) -> None:
        refining, self._refining = self._refining, None
        if refining is None or refining[0] != request_id:
            self._refining = refining  # an answer to an older request: not ours to end
            return
        if not self._answers.is_current(_CHANNEL, request_id):
            return
        assert isinstance(result, LayoutResult)
        if not result.extra.get("dot_abandoned"):
            refining[1](result)

    @Slot(str)
    def _on_self_noticed(self, message: str) -> None:
        if self._service is not None:  # not after shutdown
            self.notice.emit(message)
