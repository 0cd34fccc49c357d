"""``Refinement``: one "auto" dot layout run with a time budget, the layered one as fallback.

dot runs in its own worker process. If it has not answered within the budget (or the
cost model predicts it will not), the layered layout is computed in the other worker and
delivered as *provisional*; dot's layout follows as the *final* answer. A dot run past
the hard cap is killed (its worker process, through ``Workers.kill``), as is one whose
request is superseded while it runs; when dot fails or is stopped at the cap the
layered layout becomes the final answer (``extra["dot_abandoned"] = 1.0``).

Ordering: every decision and delivery happens under one lock per refinement, so a
provisional answer never arrives after the final one, and nothing arrives after
``stop()`` returns.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace

from lineage_desktop.layout.transfer import PackedResult, unpack_result
from lineage_desktop.layout.types import LayoutResult

log = logging.getLogger(__name__)

WorkFuture = Future[tuple[int, PackedResult]]


@dataclass(frozen=True)
class RefineHooks:
    """What a refinement asks of the service that owns it (all callable from any thread).

    ``run_fast(on_result, on_error)`` lays out the layered layout the way any request is
    (retried when its worker dies) and calls back with ``(result, pid)`` or the error;
    ``deliver(result, error, pid)`` hands one answer to the caller (the service drops it
    when the request is stale); ``store(result)`` caches dot's layout;
    ``abandoned(reason)`` hears that dot was given up on.
    """

    run_dot: Callable[[], WorkFuture]
    run_fast: Callable[
        [Callable[[LayoutResult, int | None], None], Callable[[BaseException], None]], None
    ]
    kill_dot: Callable[[], None]
    store: Callable[[LayoutResult], None]
    deliver: Callable[[LayoutResult | None, BaseException | None, int | None], None]
    abandoned: Callable[[str], None]


class Refinement:
    """The state of one budgeted dot run; ``start`` it, ``stop`` it when superseded."""

    def __init__(
        self, hooks: RefineHooks, predicted: float, budget: float, hard_cap: float
    ) -> None:
        self.hooks = hooks
        self.predicted = predicted
        self.budget = budget
        self.hard_cap = hard_cap
        self.provisional_sent = False
        self.finished = False  # the final answer was delivered, or stop() was called
        self.killed = False  # dot's worker was killed because this run was stopped
        self._lock = threading.RLock()
        self._dot: WorkFuture | None = None
        self._fast_started = False
        self._fast_is_final = False  # dot gave up before the layered layout arrived
        self._provisional: LayoutResult | None = None
        self._dot_given_up = False
        self._timers: list[threading.Timer] = []

    def start(self) -> None:
        """Start dot, and the layered layout now if dot is predicted to miss the budget."""
        with self._lock:
            self._dot = self.hooks.run_dot()
            if self.predicted > self.budget:
                self._start_fast()
            else:
                self._timer(self.budget, self._on_budget)
            self._timer(self.hard_cap, self._on_cap)
        self._dot.add_done_callback(self._on_dot_done)

    def stop(self) -> None:
        """Superseded or cancelled: deliver nothing more; kill dot if it is running."""
        with self._lock:
            if self.finished:
                return
            self.finished = True
            self._cancel_timers()
            dot = self._dot
        # A layered layout under way is the service's to cancel (it is a plain request).
        if dot is not None and not dot.cancel() and not dot.done():
            self.killed = True
            self.hooks.kill_dot()

    @property
    def busy(self) -> bool:
        """True until the final answer was delivered (or the run was stopped)."""
        return not self.finished

    # -- events -----------------------------------------------------------------------

    def _on_budget(self) -> None:
        with self._lock:
            if not self.finished and not self._fast_started:
                self._start_fast()

    def _on_cap(self) -> None:
        with self._lock:
            if self.finished or self._dot_given_up:
                return
            log.warning("dot ran past %.0f s; keeping the layered layout", self.hard_cap)
            self._give_up_dot("cap")
        # Outside the lock: the kill makes the dot future fail, whose callback locks.
        self.hooks.kill_dot()

    def _on_dot_done(self, future: WorkFuture) -> None:
        if future.cancelled():
            return
        try:
            pid, packed = future.result()
            result = unpack_result(packed)
        except Exception as exc:  # noqa: BLE001 - any failure falls back to layered
            with self._lock:
                if not self.finished and not self._dot_given_up:
                    log.warning("dot failed (%s); the layered layout is final", exc)
                    self._give_up_dot("failed")
            return
        self.hooks.store(result)  # even a stale or late result is worth keeping
        with self._lock:
            if self.finished or self._dot_given_up:
                return
            self.finished = True
            self._cancel_timers()
            self.hooks.deliver(result, None, pid)  # a layered layout coming is ignored

    def _on_fast_error(self, error: BaseException) -> None:
        with self._lock:
            if self._fast_is_final and not self.finished:
                self.finished = True
                self._cancel_timers()
                self.hooks.deliver(None, error, None)
            else:
                log.warning("the provisional layered layout failed: %s", error)

    def _on_fast_result(self, result: LayoutResult, pid: int | None) -> None:
        with self._lock:
            if self.finished:
                return
            if self._fast_is_final:
                self._finish_with(result, pid)
                return
            self._provisional = result
            self.provisional_sent = True
            self.hooks.deliver(replace(result, provisional=True), None, pid)

    # -- internals (hold the lock) ----------------------------------------------------

    def _start_fast(self) -> None:
        self._fast_started = True
        self.hooks.run_fast(self._on_fast_result, self._on_fast_error)

    def _give_up_dot(self, reason: str) -> None:
        """dot will not answer: the layered layout becomes (or will be) the final one."""
        self._dot_given_up = True
        self.hooks.abandoned(reason)
        if self._provisional is not None:
            self._finish_with(self._provisional, None)
        else:
            self._fast_is_final = True
            if not self._fast_started:
                self._start_fast()

    def _finish_with(self, layered: LayoutResult, pid: int | None) -> None:
        self.finished = True
        self._cancel_timers()
        extra = {**layered.extra, "dot_abandoned": 1.0}
        self.hooks.deliver(replace(layered, provisional=False, extra=extra), None, pid)

    def _timer(self, seconds: float, action: Callable[[], None]) -> None:
        timer = threading.Timer(seconds, action)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
