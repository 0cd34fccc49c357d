"""``LayoutService``: layouts off the calling thread, in a worker process, cached.

pygraphviz holds the GIL for the whole of a Graphviz layout (a 6,000-node ``dot`` run in a
thread froze the UI for 14 s), so layouts run in a ``ProcessPoolExecutor`` started with
"spawn" (never fork a process that may hold Qt or a Graphviz context). Only plain data
crosses, packed (``transfer``): a few lists and byte buffers, cheap to pickle, so that
receiving a big result never stalls the UI thread. The worker runs at a lower CPU
priority so that the UI keeps its time slices when the cores are busy.

Faults: a dead worker is replaced and its request run again, then in this process
(``dispatch``); workers that cannot start leave layouts in this process for good.

Tiny layouts (``inline_nodes``, off unless asked for): a request of at most that many
nodes that dot would lay out in at most ``INLINE_SECONDS`` is laid out in the calling
thread, like a cache hit: a few milliseconds of Graphviz holding the GIL cost less than
the round trip to the worker, and the first view of a store does not wait for the worker
process to start (it is spawned while the window opens: 0.3-0.7 s on a loaded machine).

Time budget: an "auto" request the cost model sends to ``dot`` and predicts to take more
than ``direct_limit`` seconds runs as a ``Refinement`` (``budgeted``, over ``refine``).

Threading contract: ``on_done``/``on_error`` run either in the thread that called
``submit`` (cache hits, tiny layouts, synchronous mode) before ``submit`` returns, or later in an
executor thread; so does ``on_notice``. The Qt layer marshals them to the UI thread (a
queued signal); nothing here touches Qt.
"""
from __future__ import annotations

import itertools
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace

from lineage_desktop.layout.budgeted import BudgetedDotMixin
from lineage_desktop.layout.cache import ResultCache
from lineage_desktop.layout.compute import (
    DOT_BUDGET,
    DOT_DIRECT_LIMIT,
    DOT_HARD_CAP,
    compute_layout,
    plan_engine,
)
from lineage_desktop.layout.dispatch import DispatchMixin
from lineage_desktop.layout.jobs import (
    WORKER_NICENESS,
    Job,
    Work,
    content_key,
    ping,
    warm_worker,
    work,
)
from lineage_desktop.layout.refine import Refinement
from lineage_desktop.layout.transfer import (
    PackedResult,
    pack_request,
    request_digest,
)
from lineage_desktop.layout.types import LayoutRequest, LayoutResult
from lineage_desktop.layout.workers import MAX_RESTARTS, RESTART_WINDOW, Workers

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = "default"
# Predicted dot seconds up to which a request of at most ``inline_nodes`` nodes is laid
# out in the calling thread (measured here: 4 nodes 1-2 ms, 20 nodes 5 ms; the cost
# model errs by up to 2.4x, so the GIL is held for at most about 12 ms).
INLINE_SECONDS = 0.005


__all__ = ["MAX_RESTARTS", "RESTART_WINDOW", "LayoutService", "content_key"]


class LayoutService(DispatchMixin, BudgetedDotMixin):
    """Runs ``compute_layout`` in a worker process, newest request per channel wins.

    ``submit`` assigns monotonic request ids. Submitting on a channel supersedes the
    channel's previous request: a pending one is cancelled, a running one finishes but its
    result is dropped (a process cannot be interrupted safely mid-layout). Results are
    cached by graph content (``content_key``), so returning to a previous view is instant.

    ``sync=True`` computes inline in the calling thread (tests, command line), without
    a time budget. An "auto" request sent to dot may answer twice: a provisional layered
    layout, then the final one (see the module docstring); ``on_done`` sees both.
    ``on_notice(message)`` hears, from any thread, about what the user should know: a
    layout that had to run in this process, workers given up on (see the module doc).
    """

    def __init__(
        self,
        sync: bool = False,
        cache_size: int = 16,
        max_workers: int = 1,
        on_notice: Callable[[str], None] | None = None,
        initializer: Callable[[], object] | None = warm_worker,
        budget: float = DOT_BUDGET,
        hard_cap: float = DOT_HARD_CAP,
        dot_work: Work = work,
        direct_limit: float = DOT_DIRECT_LIMIT,
        inline_nodes: int = 0,
    ) -> None:
        """``initializer`` runs first in every worker process (tests pass one that fails
        to see what happens when a worker cannot start). ``budget`` and ``hard_cap`` are
        the seconds an "auto" dot run gets before the layered layout is shown, and
        before it is killed; ``dot_work`` is what the dot worker runs (tests slow it);
        dot layouts predicted to take at most ``direct_limit`` seconds skip the budget;
        requests of at most ``inline_nodes`` nodes cheap enough for dot are laid out in
        the calling thread (see the module docstring; 0: never)."""
        self.sync = sync
        self._results = ResultCache(cache_size)
        self.max_workers = max_workers
        self.computed = 0  # layouts actually computed (worker or inline)
        self.cache_hits = 0
        self.dropped = 0  # results that arrived for a superseded request
        self.cancelled = 0  # superseded requests cancelled before they started
        self.retried = 0  # requests run again because their worker died
        self.inline_runs = 0  # requests laid out in this process because workers died
        self.provisional = 0  # layered layouts delivered while dot was still working
        self.dot_killed = 0  # budgeted dot runs killed because they were superseded
        self.dot_abandoned = 0  # budgeted dot runs given up on (hard cap, failure)
        self.budget = budget
        self.hard_cap = hard_cap
        self.direct_limit = direct_limit
        self.inline_nodes = inline_nodes
        # Pid of the process that computed the newest delivered result (ours when laid
        # out inline), None when it came from the cache.
        self.last_result_pid: int | None = None
        self._on_notice = on_notice
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._latest: dict[str, int] = {}
        self._pending: dict[str, Future[tuple[int, PackedResult]]] = {}
        self._workers = Workers(initializer, max_workers, on_give_up=self._notice,
                                niceness=WORKER_NICENESS)
        # dot runs under a budget get a process of their own: killing it when they are
        # superseded or too slow never costs the layered layouts their worker.
        # Its giving up needs no notice: dot then runs like any request (see ``submit``).
        self._dot_workers = Workers(initializer, 1, niceness=WORKER_NICENESS)
        self._dot_work = dot_work
        self._refining: dict[str, Refinement] = {}
        self._closed = False

    # -- public API -------------------------------------------------------------------

    def submit(
        self,
        request: LayoutRequest,
        on_done: Callable[[LayoutResult], None],
        on_error: Callable[[BaseException], None] | None = None,
        channel: str = DEFAULT_CHANNEL,
    ) -> int:
        """Lay out ``request``; returns its id. ``on_done(result)`` is called only if the
        request is still the newest of ``channel`` when its result is ready; likewise
        ``on_error(exception)`` (logged when not given). An "auto" dot layout under the
        time budget may call ``on_done`` twice: a result with ``provisional=True``, then
        the final one. See the module docstring for the thread the callbacks run in.
        Raises ``RuntimeError`` after ``shutdown``.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("LayoutService has been shut down")
            request_id = next(self._ids)
            self._latest[channel] = request_id
        self._supersede(channel)
        plan = plan_engine(request)  # once: the packed request names the engine chosen
        request = replace(request, request_id=request_id, engine=plan.engine)
        packed = pack_request(request)
        key = request_digest(packed)
        # No budget when dot would run in this process anyway (its worker cannot start):
        # it could not be stopped, and it holds the GIL; the request runs as before.
        budgeted = (plan.budgeted and plan.dot_seconds > self.direct_limit and not self.sync
                    and not self._dot_workers.given_up)
        if budgeted and self._results.abandoned(key):  # dot was given up on: layered only
            budgeted = False
            request = replace(request, engine="layered")
            packed = pack_request(request)
            key = request_digest(packed)
        cached = self._cached(key, request_id)
        if cached is not None:
            self._deliver(channel, request_id, cached, None, on_done, on_error)
            return request_id
        if budgeted:
            self._refine(channel, request, packed, key, plan.dot_seconds, on_done, on_error)
            return request_id
        if self.sync or self._tiny(request, plan.dot_seconds):
            try:
                result = self._compute_inline(request, key)
            except Exception as exc:  # handed to on_error like a worker failure
                self._deliver(channel, request_id, None, exc, on_done, on_error)
            else:
                self._deliver(channel, request_id, result, None, on_done, on_error, os.getpid())
            return request_id
        self._dispatch(Job(channel, request_id, key, packed, on_done, on_error))
        return request_id

    def layout_now(self, request: LayoutRequest) -> LayoutResult:
        """Lay out ``request`` in the calling thread (cached); blocks until done."""
        request_id = next(self._ids)
        request = replace(request, request_id=request_id)
        key = content_key(request)
        cached = self._cached(key, request_id)
        return cached if cached is not None else self._compute_inline(request, key)

    def latest_id(self, channel: str = DEFAULT_CHANNEL) -> int | None:
        """The id of the newest request submitted on ``channel``, if any."""
        with self._lock:
            return self._latest.get(channel)

    def cancel(self, channel: str = DEFAULT_CHANNEL) -> None:
        """Forget ``channel``'s request: it will not call back."""
        with self._lock:
            self._latest.pop(channel, None)
        self._supersede(channel)

    def busy(self, channel: str = DEFAULT_CHANNEL) -> bool:
        """Whether ``channel``'s newest request is still being computed (for a spinner);
        True also between a provisional answer and the final one."""
        with self._lock:
            future = self._pending.get(channel)
            refinement = self._refining.get(channel)
        if refinement is not None and refinement.busy:
            return True
        return future is not None and not future.done()

    @property
    def mode(self) -> str:
        """Where layouts run: ``"worker"`` (a worker process), ``"inline"`` (this process,
        for good: the worker cannot start) or ``"sync"`` (the calling thread)."""
        if self.sync:
            return "sync"
        return "inline" if self._workers.given_up else "worker"

    @property
    def cache_size(self) -> int:
        """How many layouts the cache keeps (0: none)."""
        return self._results.size

    @cache_size.setter
    def cache_size(self, size: int) -> None:
        self._results.size = size

    @property
    def restarts(self) -> int:
        """How many times a dead worker process was replaced."""
        return self._workers.restarts

    def worker_pid(self) -> int | None:
        """Pid of the live worker process, or None (not started yet, just died, sync or
        inline mode). For diagnostics and tests; ``last_result_pid`` says who computed
        a result."""
        return None if self.sync else self._workers.worker_pid()

    def warm_up(self, wait: bool = False, layout: bool = True, dot: bool = True) -> None:
        """Start the worker processes now (and load Graphviz in them), so the first
        layout a user waits for does not pay for spawning: the ``layout`` worker and the
        budgeted ``dot`` runs' one. ``wait=True`` blocks until they are ready (or have
        died: a dead worker is replaced by the next request).
        """
        if self.sync:
            return
        pools = [w for w, wanted in ((self._workers, layout), (self._dot_workers, dot))
                 if wanted and not w.given_up]
        futures = [w.run(ping) for w in pools]
        if wait:
            for future in futures:
                future.exception()

    def clear_cache(self) -> None:
        """Forget cached layouts, and the graphs dot was given up on (to try it again)."""
        self._results.clear()

    def shutdown(self, wait: bool = True) -> None:
        """Stop the worker. Pending requests are cancelled and no callback runs after this.

        ``wait=False`` also terminates a worker still busy with a long layout, so that
        quitting the application never waits for Graphviz.
        """
        with self._lock:
            self._closed = True
            self._latest.clear()
            self._pending.clear()
            refinements = list(self._refining.values())
            self._refining.clear()
        for refinement in refinements:
            refinement.stop()
        self._workers.shutdown(wait=wait)
        self._dot_workers.shutdown(wait=wait)

    def __enter__(self) -> LayoutService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown(wait=False)

    # -- internals --------------------------------------------------------------------

    def _supersede(self, channel: str) -> None:
        """``channel``'s previous request is stale: cancel it if queued, and kill its
        budgeted dot run if one is running (a plain running layout finishes unseen)."""
        with self._lock:
            superseded = self._pending.pop(channel, None)
            refinement = self._refining.pop(channel, None)
        if superseded is not None and superseded.cancel():  # False once running
            with self._lock:
                self.cancelled += 1
        if refinement is not None:
            refinement.stop()
            if refinement.killed:
                with self._lock:
                    self.dot_killed += 1

    def _is_current(self, job: Job) -> bool:
        """Whether ``job`` is still its channel's newest request (hold ``_lock``)."""
        return self._is_current_id(job.channel, job.request_id)

    def _is_current_id(self, channel: str, request_id: int) -> bool:
        return not self._closed and self._latest.get(channel) == request_id

    def _cached(self, key: str, request_id: int) -> LayoutResult | None:
        result = self._results.get(key)
        if result is None:
            return None
        with self._lock:
            self.cache_hits += 1
        return replace(result, request_id=request_id, seconds=0.0)

    def _store(self, key: str, result: LayoutResult) -> None:
        with self._lock:
            self.computed += 1
        self._results.put(key, result)

    def _tiny(self, request: LayoutRequest, dot_seconds: float) -> bool:
        """Whether ``request`` is laid out in the calling thread (see the module doc)."""
        return (len(request.nodes) <= self.inline_nodes and request.engine != "layered"
                and not dot_seconds > INLINE_SECONDS)  # NaN: the caller chose dot

    def _compute_inline(self, request: LayoutRequest, key: str) -> LayoutResult:
        result = compute_layout(request)
        self._store(key, result)
        return result

    def _notice(self, message: str) -> None:
        if self._on_notice is None:
            return
        try:
            self._on_notice(message)
        except Exception:  # a listener must not break the worker threads
            log.exception("layout notice listener failed")

    def _deliver(
        self,
        channel: str,
        request_id: int,
        result: LayoutResult | None,
        error: BaseException | None,
        on_done: Callable[[LayoutResult], None],
        on_error: Callable[[BaseException], None] | None,
        pid: int | None = None,
    ) -> None:
        with self._lock:
            current = self._is_current_id(channel, request_id)
            if not current:
                self.dropped += 1
            elif error is None:
                self.last_result_pid = pid
        if not current:
            return
        if error is None:
            assert result is not None  # every caller passes a result or an error
            on_done(result)
        elif on_error is not None:
            on_error(error)
        else:
            log.error("layout %d failed: %s", request_id, error, exc_info=error)
