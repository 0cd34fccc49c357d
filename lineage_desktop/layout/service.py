"""``LayoutService``: layouts off the calling thread, in a worker process, cached.

pygraphviz holds the GIL for the whole of a Graphviz layout (a 6,000-node ``dot`` run in a
thread froze the UI for 14 s), so layouts run in a ``ProcessPoolExecutor`` started with
"spawn" (never fork a process that may hold Qt or a Graphviz context). Only plain data
crosses, packed (``transfer``): a few lists and byte buffers, cheap to pickle, so that
receiving a big result never stalls the UI thread. The worker runs at a lower CPU
priority so that the UI keeps its time slices when the cores are busy.

Threading contract: ``on_done``/``on_error`` run either in the thread that called
``submit`` (cache hits, synchronous mode) before ``submit`` returns, or later in an
executor thread. The Qt layer marshals them to the UI thread (a queued signal); nothing
here touches Qt.
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
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

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = "default"
WORKER_NICENESS = 10


def content_key(request: LayoutRequest) -> str:
    """A digest of what decides a layout: boxes, ranks, edges, direction, engine, gaps.

    Not the request id, and not the order nodes or edges were listed in (the engines sort
    them, so the layout does not depend on it either).
    """
    return request_digest(pack_request(request))


def _work(packed: PackedRequest) -> PackedResult:
    """What the worker process runs: plain data in, plain data out."""
    return pack_result(compute_layout(unpack_request(packed)))


def _warm_worker() -> None:
    """Worker initializer: yield the CPU to the UI, load Graphviz before the first request."""
    if hasattr(os, "nice"):
        try:
            # A layout can use a whole core for seconds; the UI thread must not wait for a
            # time slice behind it when the cores are busy.
            os.nice(WORKER_NICENESS)
        except OSError:
            pass

    nodes = (LayoutNode("a", 10, 10), LayoutNode("b", 10, 10))
    try:
        compute_layout(LayoutRequest(nodes, (("a", "b"),), engine="dot"))
    except Exception:  # a failing initializer would break the pool for good
        log.exception("warming the layout worker failed")


def _ping() -> bool:
    return True


class LayoutService:
    """Runs ``compute_layout`` in a worker process, newest request per channel wins.

    ``submit`` assigns monotonic request ids. Submitting on a channel supersedes the
    channel's previous request: a pending one is cancelled, a running one finishes but its
    result is dropped (a process cannot be interrupted safely mid-layout). Results are
    cached by graph content (``content_key``), so returning to a previous view is instant.

    ``sync=True`` computes inline in the calling thread (tests, command line).
    """

    def __init__(self, sync: bool = False, cache_size: int = 16, max_workers: int = 1) -> None:
        self.sync = sync
        self.cache_size = cache_size
        self.max_workers = max_workers
        self.computed = 0  # layouts actually computed (worker or inline)
        self.cache_hits = 0
        self.dropped = 0  # results that arrived for a superseded request
        self.cancelled = 0  # superseded requests cancelled before they started
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, LayoutResult] = OrderedDict()
        self._latest: dict[str, int] = {}
        self._pending: dict[str, Future] = {}
        self._pool: ProcessPoolExecutor | None = None
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
                self._deliver(channel, request_id, result, None, on_done, on_error)
            return request_id
        future = self._executor().submit(_work, packed)
        with self._lock:
            self._pending[channel] = future
        future.add_done_callback(
            partial(self._on_future_done, channel, request_id, key, on_done, on_error)
        )
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

    def warm_up(self, wait: bool = False) -> None:
        """Start the worker process now (and load Graphviz in it), so the first layout a
        user waits for does not pay for spawning. ``wait=True`` blocks until it is ready.
        """
        if self.sync:
            return
        future = self._executor().submit(_ping)
        future.add_done_callback(self._on_ping_done)
        if wait:
            future.result()

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
            pool, self._pool = self._pool, None
        if pool is None:
            return
        if not wait:
            # ProcessPoolExecutor has no public way to stop a running task; these are the
            # worker processes this service started.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> LayoutService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown(wait=False)

    # -- internals --------------------------------------------------------------------

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("LayoutService has been shut down")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.max_workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_warm_worker,
                )
            return self._pool

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

    def _on_future_done(
        self,
        channel: str,
        request_id: int,
        key: str,
        on_done: Callable[[LayoutResult], None],
        on_error: Callable[[BaseException], None] | None,
        future: Future,
    ) -> None:
        if future.cancelled():
            return
        with self._lock:
            if self._pending.get(channel) is future:
                del self._pending[channel]
        error = future.exception()
        result = None
        if error is None:
            try:
                result = unpack_result(future.result())
            except Exception as exc:  # a malformed answer is an error like any other
                error = exc
            else:
                self._store(key, result)  # even a stale result is worth keeping
        elif isinstance(error, BrokenProcessPool):
            self._reset_pool()
        self._deliver(channel, request_id, result, error, on_done, on_error)

    def _on_ping_done(self, future: Future) -> None:
        if not future.cancelled() and isinstance(future.exception(), BrokenProcessPool):
            self._reset_pool()

    def _reset_pool(self) -> None:
        """The worker died (Graphviz crashed, killed): start a fresh one next time."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _deliver(
        self,
        channel: str,
        request_id: int,
        result: LayoutResult | None,
        error: BaseException | None,
        on_done: Callable[[LayoutResult], None],
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        with self._lock:
            current = not self._closed and self._latest.get(channel) == request_id
            if not current:
                self.dropped += 1
        if not current:
            return
        if error is None:
            on_done(result)
        elif on_error is not None:
            on_error(error)
        else:
            log.error("layout %d failed: %s", request_id, error, exc_info=error)
