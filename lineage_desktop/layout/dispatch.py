"""Requests on the worker process, for ``LayoutService``: dispatched, their answers
unpacked, cached and delivered, and run again when the worker died under them.

Faults: when the worker dies a fresh one is started (``workers``), and the request it
was laying out is run again once on the fresh worker; if that worker dies too, the
request is laid out once in this process, on a background thread, and ``on_notice``
says so. Workers that cannot start at all leave layouts in this process for good
(``mode`` is then ``"inline"``).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TYPE_CHECKING

from lineage_desktop.layout.jobs import Job, work
from lineage_desktop.layout.transfer import PackedResult, unpack_result
from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.layout.workers import Workers

# The service's logger: its warnings read as the service's, as before the split.
log = logging.getLogger("lineage_desktop.layout.service")


class DispatchMixin:
    """A base of ``LayoutService``: plain requests on its worker, with the retries."""

    _lock: threading.Lock
    _workers: Workers
    _pending: dict[str, Future[tuple[int, PackedResult]]]
    cancelled: int
    retried: int
    inline_runs: int

    if TYPE_CHECKING:
        def _is_current(self, job: Job) -> bool: ...
        def _store(self, key: str, result: LayoutResult) -> None: ...
        def _notice(self, message: str) -> None: ...
        def _deliver(
            self, channel: str, request_id: int, result: LayoutResult | None,
            error: BaseException | None, on_done: Callable[[LayoutResult], None],
            on_error: Callable[[BaseException], None] | None, pid: int | None = None,
        ) -> None: ...

    def _dispatch(self, job: Job, in_process: bool = False) -> None:
        future = self._workers.run(work, job.packed, in_process=in_process)
        with self._lock:
            current = self._is_current(job)
            if current:
                self._pending[job.channel] = future
        if not current and future.cancel():  # superseded while we were dispatching
            with self._lock:
                self.cancelled += 1
        future.add_done_callback(partial(self._on_future_done, job))

    def _on_future_done(self, job: Job, future: Future[tuple[int, PackedResult]]) -> None:
        if future.cancelled():
            return
        with self._lock:
            if self._pending.get(job.channel) is future:
                del self._pending[job.channel]
        error = future.exception()
        if isinstance(error, BrokenProcessPool) and self._run_again(job):
            return
        result = pid = None
        if error is None:
            try:
                pid, packed = future.result()
                result = unpack_result(packed)
            except Exception as exc:  # a malformed answer is an error like any other
                error = exc
            else:
                self._store(job.key, result)  # even a stale result is worth keeping
        self._deliver(
            job.channel, job.request_id, result, error, job.on_done, job.on_error, pid
        )

    def _run_again(self, job: Job) -> bool:
        """The worker died under ``job``: run it once more on a fresh worker, then once in
        this process. False when it is stale (nobody waits for it) or out of tries."""
        with self._lock:
            if not self._is_current(job) or job.deaths >= 2:
                return False
            job.deaths += 1
            first = job.deaths == 1
            if first:
                self.retried += 1
            else:
                self.inline_runs += 1
        if first:
            log.warning("layout %d: the worker died; trying a fresh one", job.request_id)
        elif not self._workers.given_up:  # else its own notice has just said more
            self._notice(
                "The layout worker process stopped twice while laying out this graph; "
                "laying it out in the window's own process instead (the window may pause)."
            )
        try:
            self._dispatch(job, in_process=not first)
        except RuntimeError:  # shut down meanwhile: nobody waits any more
            return False
        return True
