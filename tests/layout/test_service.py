"""LayoutService: ids, stale results, cache, sync mode, the worker process, shutdown.

A dying worker: test_worker_restart.py."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import replace

import pytest
from layout_checks import WAIT, Recorder, lineage_graphs, request

from lineage_desktop.layout import LayoutResult, LayoutService, compute_layout, content_key


@pytest.fixture
def service():
    svc = LayoutService()
    yield svc
    svc.shutdown(wait=False)


@pytest.fixture(scope="module")
def big_request():
    """A dot layout that keeps the worker busy for a few seconds."""
    G = lineage_graphs.lineage_dag(5_000, seed=2)
    return lineage_graphs.layout_request(G, engine="dot")


def test_sync_mode_calls_back_inline_with_increasing_ids():
    svc = LayoutService(sync=True)
    rec = Recorder()
    first = svc.submit(request("ab", [("a", "b")]), rec.on_done)
    second = svc.submit(request("abc", [("a", "b"), ("b", "c")]), rec.on_done)
    assert second > first
    assert [r.request_id for r in rec.done] == [first, second]
    assert set(rec.done[1].positions) == {"a", "b", "c"}
    assert rec.threads == [threading.current_thread().name] * 2
    assert svc.computed == 2


def test_cache_hit_returns_without_a_new_computation():
    svc = LayoutService(sync=True)
    rec = Recorder()
    req = request("abc", [("a", "b"), ("a", "c")])
    same_content = replace(req, nodes=req.nodes[::-1], edges=req.edges[::-1], request_id=77)
    first = svc.submit(req, rec.on_done)
    second = svc.submit(same_content, rec.on_done)
    assert svc.computed == 1 and svc.cache_hits == 1
    assert rec.done[1].request_id == second != first
    assert rec.done[1].positions == rec.done[0].positions
    assert svc.layout_now(req).positions == rec.done[0].positions
    assert svc.computed == 1 and svc.cache_hits == 2
    svc.submit(replace(req, direction="TB"), rec.on_done)
    assert svc.computed == 2


def test_content_key_ignores_ids_and_order_but_not_content():
    req = request("abc", [("a", "b"), ("a", "c")])
    assert content_key(req) == content_key(replace(req, request_id=5, edges=req.edges[::-1]))
    assert content_key(req) == content_key(replace(req, engine="dot"))  # "auto" is dot here
    assert content_key(req) != content_key(replace(req, engine="layered"))
    assert content_key(req) != content_key(replace(req, direction="TB"))
    bigger = replace(req, nodes=(replace(req.nodes[0], width=300),) + req.nodes[1:])
    assert content_key(req) != content_key(bigger)
    assert content_key(req) != content_key(replace(req, edges=req.edges[:1]))


def test_errors_reach_on_error_in_sync_mode():
    svc = LayoutService(sync=True)
    rec = Recorder()
    svc.submit(request("ab", [("a", "b")], direction="diagonal"), rec.on_done, rec.on_error)
    assert rec.done == [] and isinstance(rec.errors[0], ValueError)


def test_worker_computes_off_thread_and_reports_errors(service):
    rec = Recorder()
    request_id = service.submit(request("ab", [("a", "b")]), rec.on_done, rec.on_error)
    rec.wait_for(1)
    assert rec.done[0].request_id == request_id
    assert rec.done[0].positions == compute_layout(request("ab", [("a", "b")])).positions
    assert rec.threads[0] != threading.current_thread().name
    service.submit(request("ab", [("a", "b")], engine="spring"), rec.on_done, rec.on_error,
                   channel="other")
    rec.wait_for(2)
    assert isinstance(rec.errors[0], ValueError)


def test_superseded_requests_are_dropped(service):
    service.warm_up(wait=True)
    rec = Recorder()
    slow = lineage_graphs.layout_request(lineage_graphs.lineage_dag(1_500, seed=3), engine="dot")
    service.submit(slow, rec.on_done)
    running = service._pending["default"]  # white box: wait until it is really running
    deadline = time.monotonic() + WAIT
    while not running.running() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert service.busy()
    service.submit(request("abc", [("a", "b")]), rec.on_done)  # queued behind it
    latest = service.submit(request("xy", [("x", "y")]), rec.on_done)
    other = service.submit(request("pq", [("p", "q")]), rec.on_done, channel="sidebar")
    rec.wait_for(2)
    # One worker runs requests in order, so the running stale layout has arrived (and been
    # dropped) before the latest one; the queued one was cancelled or dropped too.
    assert sorted(r.request_id for r in rec.done) == [latest, other]
    assert service.latest_id() == latest and not service.busy()
    assert service.dropped >= 1 and service.dropped + service.cancelled == 2
    # The dropped layout still went into the cache: asking again is instant.
    again = service.submit(slow, rec.on_done)
    assert rec.done[-1].request_id == again and service.cache_hits == 1


def test_ui_thread_keeps_running_while_the_worker_lays_out(service, big_request):
    """``submit`` returns at once and the caller's loop keeps ticking while the worker
    process is busy; the result comes back on another thread. How long the caller stalls
    is measured by benchmarks/bench_layout_stall.py, not asserted here."""
    service.warm_up(wait=True)
    finished = threading.Event()
    rec = Recorder()

    def on_done(result: LayoutResult) -> None:
        rec.on_done(result)
        finished.set()

    service.submit(big_request, on_done, lambda error: finished.set())
    assert service.busy() and not finished.is_set()  # submit did not wait for the layout
    busy_ticks = 0
    deadline = time.monotonic() + WAIT
    while not finished.is_set() and time.monotonic() < deadline:
        time.sleep(0.010)  # a UI event loop's tick
        busy_ticks += service.busy()
    assert finished.is_set() and rec.done, "the layout did not finish"
    assert busy_ticks >= 1  # the caller ran while the layout was still going
    assert len(rec.done[0].positions) == 5_000
    assert rec.done[0].seconds > 0.5  # the worker really was busy for a while
    assert rec.threads and threading.current_thread().name not in rec.threads


def test_shutdown_stops_callbacks_and_submissions(big_request):
    svc = LayoutService()
    svc.warm_up(wait=True)
    rec = Recorder()
    svc.submit(big_request, rec.on_done, rec.on_error)
    svc.shutdown(wait=False)
    time.sleep(0.2)
    assert rec.done == [] and rec.errors == []
    with pytest.raises(RuntimeError):
        svc.submit(request("ab", [("a", "b")]), rec.on_done)


def test_a_tiny_layout_is_laid_out_in_the_calling_thread_a_bigger_one_in_the_worker():
    svc = LayoutService(inline_nodes=3)
    try:
        svc.warm_up(wait=True, dot=False)
        rec = Recorder()
        svc.submit(request("abc", [("a", "b"), ("b", "c")]), rec.on_done, rec.on_error)
        # Answered before submit returned, here, like a cache hit: no worker round trip.
        assert len(rec.done) == 1 and rec.threads == [threading.current_thread().name]
        assert svc.last_result_pid == os.getpid() and svc.computed == 1
        assert rec.done[0].engine == "dot"  # the same layout the worker would have made

        svc.submit(request("abcd", [("a", "b"), ("b", "c"), ("c", "d")]), rec.on_done,
                   rec.on_error)
        rec.wait_for(2)
        assert not rec.errors
        assert svc.last_result_pid not in (None, os.getpid())  # four nodes: the worker's
    finally:
        svc.shutdown(wait=False)
