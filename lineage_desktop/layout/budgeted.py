"""The budgeted dot path of ``LayoutService``: the wiring of one ``Refinement`` (``refine``)
to the service's channels, workers, cache and counters, and the dot worker's diagnostics.

An "auto" request the cost model sends to ``dot`` and predicts to take more than
``direct_limit`` seconds runs as a ``Refinement`` (``refine``: a provisional
layered answer after ``budget`` seconds, dot's layout after it, dot killed when
superseded or past ``hard_cap``); graphs whose dot run was given up on are remembered.
Quicker dot layouts, and requests that name ``dot`` themselves, run without a budget.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from lineage_desktop.layout.cache import ResultCache
from lineage_desktop.layout.jobs import Job, Work
from lineage_desktop.layout.refine import RefineHooks, Refinement
from lineage_desktop.layout.transfer import PackedRequest, pack_request, request_digest
from lineage_desktop.layout.types import LayoutRequest, LayoutResult
from lineage_desktop.layout.workers import Workers


class BudgetedDotMixin:
    """A base of ``LayoutService``: runs dot under the time budget in its own worker."""

    _lock: threading.Lock
    _results: ResultCache
    _dot_workers: Workers
    _dot_work: Work
    _refining: dict[str, Refinement]
    sync: bool
    budget: float
    hard_cap: float
    provisional: int
    dot_abandoned: int
    last_result_pid: int | None

    if TYPE_CHECKING:
        def _dispatch(self, job: Job, in_process: bool = False) -> None: ...
        def _store(self, key: str, result: LayoutResult) -> None: ...
        def _notice(self, message: str) -> None: ...
        def _is_current_id(self, channel: str, request_id: int) -> bool: ...
        def _deliver(
            self, channel: str, request_id: int, result: LayoutResult | None,
            error: BaseException | None, on_done: Callable[[LayoutResult], None],
            on_error: Callable[[BaseException], None] | None, pid: int | None = None,
        ) -> None: ...

    def dot_worker_pid(self) -> int | None:
        """Pid of the live worker process that runs budgeted dot layouts, or None."""
        return None if self.sync else self._dot_workers.worker_pid()

    @property
    def dot_restarts(self) -> int:
        """How many times the budgeted dot worker died or was killed and replaced."""
        return self._dot_workers.restarts + self._dot_workers.kills

    def _refine(
        self, channel: str, request: LayoutRequest, packed: PackedRequest, key: str,
        predicted: float, on_done: Callable[[LayoutResult], None],
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        """Run ``request`` (dot, chosen by "auto") under the time budget."""
        request_id = request.request_id
        fast_packed = pack_request(replace(request, engine="layered"))
        fast_key = request_digest(fast_packed)

        def deliver(result: LayoutResult | None, error: BaseException | None,
                    pid: int | None) -> None:
            if result is not None and result.provisional:
                with self._lock:
                    self.provisional += 1
            self._deliver(channel, request_id, result, error, on_done, on_error, pid)

        def abandoned(reason: str) -> None:
            with self._lock:
                self.dot_abandoned += 1
            self._results.abandon(key)
            if reason == "cap":
                self._notice(f"dot took over {self.hard_cap:.0f} s on this graph and was "
                             "stopped; the fast layered layout stays.")

        def run_fast(on_result: Callable[[LayoutResult, int | None], None],
                     on_failure: Callable[[BaseException], None]) -> None:
            # A plain request of the channel: retried when its worker dies, cancelled when
            # superseded; the refinement hears of it instead of the caller.
            job = Job(channel, request_id, fast_key, fast_packed,
                       lambda result: on_result(result, self.last_result_pid), on_failure)
            self._dispatch(job)

        hooks = RefineHooks(
            run_dot=partial(self._dot_workers.run, self._dot_work, packed),
            run_fast=run_fast,
            kill_dot=self._dot_workers.kill,
            store=partial(self._store, key),
            deliver=deliver,
            abandoned=abandoned,
        )
        refinement = Refinement(hooks, predicted, self.budget, self.hard_cap)
        with self._lock:
            if not self._is_current_id(channel, request_id):
                return  # superseded while we were planning
            self._refining[channel] = refinement
        try:
            refinement.start()
        except RuntimeError:  # shut down meanwhile
            refinement.stop()
