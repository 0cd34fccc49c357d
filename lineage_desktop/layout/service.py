"""``LayoutService``: layouts off the calling thread, in a worker process, cached.

pygraphviz holds the GIL for the whole of a Graphviz layout (a 6,000-node ``dot`` run in a
thread froze the UI for 14 s), so layouts run in a ``ProcessPoolExecutor`` started with
"spawn" (never fork a process that may hold Qt or a Graphviz context). Only plain data
crosses, packed (``transfer``): a few lists and byte buffers, cheap to pickle, so that
receiving a big result never stalls the UI thread. The worker runs at a lower CPU
priority so that the UI keeps its time slices when the cores are busy.

Faults: when the worker dies (killed, out of memory, Graphviz crashed) a fresh one is
started (``workers``), and the request it was laying out is run again once on the fresh
worker; if that worker dies too, the request is laid out once in this process, on a
background thread, and ``on_notice`` says so. The next request uses a worker process
again. Only when workers fail to start again and again (``MAX_RESTARTS`` within
``RESTART_WINDOW`` seconds) do layouts stay in this process for good (``mode`` is then
``"inline"``), again with a notice.

Threading contract: ``on_done``/``on_error`` run either in the thread that called
``submit`` (cache hits, synchronous mode) before ``submit`` returns, or later in an
executor thread; so does ``on_notice``. The Qt layer marshals them to the UI thread (a
queued signal); nothing here touches Qt.
"""
from __future__ import annotations

import contextlib
import itertools
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial

from lineage_desktop.layout.compute import compute_layout
from lineage_desktop.layout.transfer import (
    PackedRequest,
    PackedResult,
    pack_request,
    pack_result,
    request_digest,
    unpack_request,
    unpack_result,
)
from lineage_desktop.layout.types import LayoutNode, LayoutRequest, LayoutResult
from lineage_desktop.layout.workers import MAX_RESTARTS, RESTART_WINDOW, Workers

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = "default"
WORKER_NICENESS = 10


def content_key(request: LayoutRequest) -> str:
    """A digest of what decides a layout: boxes, ranks, edges, direction, engine, gaps.

    Not the request id, and not the order nodes or edges were listed in (the engines sort
    them, so the layout does not depend on it either).
    """
    return request_digest(pack_request(request))


__all__ = ["MAX_RESTARTS", "RESTART_WINDOW", "LayoutService", "content_key"]


def _work(packed: PackedRequest) -> tuple[int, PackedResult]:
    """What the worker process runs: plain data in, plain data out, and who computed it."""
    return os.getpid(), pack_result(compute_layout(unpack_request(packed)))


def _warm_worker() -> None:
    """Worker initializer: yield the CPU to the UI, load Graphviz before the first request."""
    if hasattr(os, "nice"):
        # A layout can use a whole core for seconds; the UI thread must not wait for a
        # time slice behind it when the cores are busy.
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)

    nodes = (LayoutNode("a", 10, 10), LayoutNode("b", 10, 10))
    try:
        compute_layout(LayoutRequest(nodes, (("a", "b"),), engine="dot"))
    except Exception:  # a failing initializer would break the pool for good
        log.exception("warming the layout worker failed")


def _ping() -> int:
    return os.getpid()


@dataclass
class _Job:
    """A request on its way through a worker (or two, when the first one dies)."""

    channel: str
    request_id: int
    key: str
    packed: PackedRequest
    on_done: Callable[[LayoutResult], None]
    on_error: Callable[[BaseException], None] | None
    deaths: int = 0  # workers that died under this request


class LayoutService:
    """Runs ``compute_layout`` in a worker process, newest request per channel wins.

    ``submit`` assigns monotonic request ids. Submitting on a channel supersedes the
    channel's previous request: a pending one is cancelled, a running one finishes but its
    result is dropped (a process cannot be interrupted safely mid-layout). Results are
    cached by graph content (``content_key``), so returning to a previous view is instant.

    ``sync=True`` computes inline in the calling thread (tests, command line).
    ``on_notice(message)`` hears, from any thread, about what the user should know: a
    layout that had to run in this process, workers given up on (see the module doc).
    """

    def __init__(
        self,
        sync: bool = False,
        cache_size: int = 16,
        max_workers: int = 1,
        on_notice: Callable[[str], None] | None = None,
        initializer: Callable[[], object] | None = _warm_worker,
    ) -> None:
        """``initializer`` runs first in every worker process (tests pass one that fails
        to see what happens when a worker cannot start)."""
        self.sync = sync
        self.cache_size = cache_size
        self.max_workers = max_workers
        self.computed = 0  # layouts actually computed (worker or inline)
        self.cache_hits = 0
        self.dropped = 0  # results that arrived for a superseded request
        self.cancelled = 0  # superseded requests cancelled before they started
        self.retried = 0  # requests run again because their worker died
        self.inline_runs = 0  # requests laid out in this process because workers died
        # Pid of the process that computed the newest delivered result (ours when laid
        # out inline), None when it came from the cache.
        self.last_result_pid: int | None = None
        self._on_notice = on_notice
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, LayoutResult] = OrderedDict()
        self._latest: dict[str, int] = {}
        self._pending: dict[str, Future[tuple[int, PackedResult]]] = {}
        self._workers = Workers(initializer, max_workers, on_give_up=self._notice)
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
        ``on_error(exception)`` (logged when not given). See the module docstring for the
        thread the callbacks run in. Raises ``RuntimeError`` after ``shutdown``.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("LayoutService has been shut down")
            request_id = next(self._ids)
            self._latest[channel] = request_id
            superseded = self._pending.pop(channel, None)
        if superseded is not None and superseded.cancel():  # False once running
            with self._lock:
                self.cancelled += 1
        request = replace(request, request_id=request_id)
        packed = pack_request(request)
        key = request_digest(packed)
        cached = self._cached(key, request_id)
        if cached is not None:
            self._deliver(channel, request_id, cached, None, on_done, on_error)
            return request_id
        if self.sync:
            try:
                result = self._compute_inline(request, key)
            except Exception as exc:  # handed to on_error like a worker failure
                self._deliver(channel, request_id, None, exc, on_done, on_error)
            else:
                self._deliver(channel, request_id, result, None, on_done, on_error, os.getpid())
            return request_id
        self._dispatch(_Job(channel, request_id, key, packed, on_done, on_error))
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
            pending = self._pending.pop(channel, None)
        if pending is not None and pending.cancel():
            with self._lock:
                self.cancelled += 1

    def busy(self, channel: str = DEFAULT_CHANNEL) -> bool:
        """Whether ``channel``'s newest request is still being computed (for a spinner)."""
        with self._lock:
            future = self._pending.get(channel)
        return future is not None and not future.done()

    @property
    def mode(self) -> str:
        """Where layouts run: ``"worker"`` (a worker process), ``"inline"`` (this process,
        for good: the worker cannot start) or ``"sync"`` (the calling thread)."""
        if self.sync:
            return "sync"
        return "inline" if self._workers.given_up else "worker"

    @property
    def restarts(self) -> int:
        """How many times a dead worker process was replaced."""
        return self._workers.restarts

    def worker_pid(self) -> int | None:
        """Pid of the live worker process, or None (not started yet, just died, sync or
        inline mode). For diagnostics and tests; ``last_result_pid`` says who computed
        a result."""
        return None if self.sync else self._workers.worker_pid()

    def warm_up(self, wait: bool = False) -> None:
        """Start the worker process now (and load Graphviz in it), so the first layout a
        user waits for does not pay for spawning. ``wait=True`` blocks until it is ready
        (or has died: a dead worker is replaced by the next request).
        """
        if self.sync or self._workers.given_up:
            return
        future = self._workers.run(_ping)
        if wait:
            future.exception()

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def shutdown(self, wait: bool = True) -> None:
        """Stop the worker. Pending requests are cancelled and no callback runs after this.

        ``wait=False`` also terminates a worker still busy with a long layout, so that
        quitting the application never waits for Graphviz.
        """
        with self._lock:
            self._closed = True
            self._latest.clear()
            self._pending.clear()
        self._workers.shutdown(wait=wait)

    def __enter__(self) -> LayoutService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown(wait=False)

    # -- internals --------------------------------------------------------------------

    def _dispatch(self, job: _Job, in_process: bool = False) -> None:
        future = self._workers.run(_work, job.packed, in_process=in_process)
        with self._lock:
            current = self._is_current(job)
            if current:
                self._pending[job.channel] = future
        if not current and future.cancel():  # superseded while we were dispatching
            with self._lock:
                self.cancelled += 1
        future.add_done_callback(partial(self._on_future_done, job))

    def _is_current(self, job: _Job) -> bool:
        """Whether ``job`` is still its channel's newest request (hold ``_lock``)."""
        return not self._closed and self._latest.get(job.channel) == job.request_id

    def _cached(self, key: str, request_id: int) -> LayoutResult | None:
        with self._lock:
            result = self._cache.get(key)
            if result is None:
                return None
            self._cache.move_to_end(key)
            self.cache_hits += 1
        return replace(result, request_id=request_id, seconds=0.0)

    def _store(self, key: str, result: LayoutResult) -> None:
        with self._lock:
            self.computed += 1
            if self.cache_size <= 0:
                return
            self._cache[key] = result
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def _compute_inline(self, request: LayoutRequest, key: str) -> LayoutResult:
        result = compute_layout(request)
        self._store(key, result)
        return result

    def _on_future_done(self, job: _Job, future: Future[tuple[int, PackedResult]]) -> None:
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

    def _run_again(self, job: _Job) -> bool:
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
            current = not self._closed and self._latest.get(channel) == request_id
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
