"""The layout worker process dies (SIGKILL): a fresh one takes over, the request it was
laying out is run again, and only a worker that cannot start at all is given up on."""
from __future__ import annotations

import os
import signal
import threading
import time
from functools import partial

import pytest
from layout_checks import WAIT, Recorder, lineage_graphs, request

from lineage_desktop.layout import LayoutService
from lineage_desktop.layout.service import MAX_RESTARTS


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def service(rec):
    svc = LayoutService(on_notice=rec.on_notice)
    yield svc
    svc.shutdown(wait=False)


@pytest.fixture(scope="module")
def slow_request():
    """A dot layout that keeps a worker busy for about a second."""
    G = lineage_graphs.lineage_dag(2_000, seed=3)
    return lineage_graphs.layout_request(G, engine="dot")


def _kill(pid: int | None) -> int:
    assert pid is not None and pid != os.getpid(), "no worker process to kill"
    os.kill(pid, signal.SIGKILL)
    return pid


def _new_worker_pid(service: LayoutService, old: int) -> int:
    """Wait until the service has started a worker other than ``old``; its pid."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        pid = service.worker_pid()
        if pid is not None and pid != old:
            return pid
        time.sleep(0.002)  # polling a process table, not waiting for a result
    raise AssertionError("no fresh worker was started")


def test_after_a_kill_between_requests_the_next_layout_runs_in_a_new_worker(service, rec):
    service.warm_up(wait=True)
    first_pid = service.worker_pid()
    assert first_pid is not None and first_pid != os.getpid()
    service.submit(request("ab", [("a", "b")]), rec.on_done, rec.on_error)
    rec.wait_for(1)
    assert service.last_result_pid == first_pid

    _kill(first_pid)
    second = service.submit(request("xyz", [("x", "y"), ("y", "z")]), rec.on_done, rec.on_error)
    rec.wait_for(2)

    assert rec.errors == [], rec.errors
    assert rec.done[-1].request_id == second
    assert set(rec.done[-1].positions) == {"x", "y", "z"}
    new_pid = service.last_result_pid
    assert new_pid not in (None, first_pid, os.getpid()), "not laid out by a new worker"
    assert service.worker_pid() == new_pid
    assert service.mode == "worker" and service.restarts == 1
    assert rec.notices == []  # one restart is no news for the user


def test_the_request_in_flight_is_run_again_on_a_fresh_worker(service, rec, slow_request):
    service.warm_up(wait=True)
    first_pid = service.worker_pid()
    request_id = service.submit(slow_request, rec.on_done, rec.on_error)
    _kill(first_pid)  # the layout takes about a second: it is in flight
    rec.wait_for(1)

    assert rec.errors == [], rec.errors
    assert rec.done[0].request_id == request_id
    assert len(rec.done[0].positions) == len(slow_request.nodes)
    assert service.retried == 1 and service.inline_runs == 0
    assert service.last_result_pid not in (None, first_pid, os.getpid())
    assert rec.threads[0] != threading.current_thread().name


def test_when_the_fresh_worker_dies_too_the_request_is_laid_out_inline_once(
    service, rec, slow_request
):
    service.warm_up(wait=True)
    first_pid = _kill(service.worker_pid())
    request_id = service.submit(slow_request, rec.on_done, rec.on_error)
    second_pid = _kill(_new_worker_pid(service, first_pid))  # the retry's worker
    rec.wait_for(1)

    assert rec.errors == [], rec.errors
    assert rec.done[0].request_id == request_id
    assert len(rec.done[0].positions) == len(slow_request.nodes)
    assert service.inline_runs == 1
    assert service.last_result_pid == os.getpid()  # laid out in this process...
    assert rec.threads[0] != threading.current_thread().name  # ...but off this thread
    assert len(rec.notices) == 1 and "own process" in rec.notices[0]

    # Not for good: the next request goes to a worker process again.
    assert service.mode == "worker"
    service.submit(request("ab", [("a", "b")]), rec.on_done, rec.on_error)
    rec.wait_for(2)
    assert rec.errors == []
    assert service.last_result_pid not in (None, first_pid, second_pid, os.getpid())


def test_stale_requests_are_not_run_again(service, rec, slow_request):
    service.warm_up(wait=True)
    pid = service.worker_pid()
    service.submit(slow_request, rec.on_done, rec.on_error)
    latest = service.submit(request("pq", [("p", "q")]), rec.on_done, rec.on_error)
    _kill(pid)  # both requests were in the dead worker's pool
    rec.wait_for(1)
    service.submit(request("ab", [("a", "b")]), rec.on_done, rec.on_error, channel="probe")
    rec.wait_for(2)  # requests run in order: anything for the first one came before

    assert rec.errors == [], rec.errors
    assert [r.request_id for r in rec.done][:1] == [latest]
    assert service.retried == 1  # only the newest; the superseded one was dropped
    assert service.dropped + service.cancelled >= 1


def test_a_worker_that_cannot_start_is_given_up_on_after_a_few_restarts(rec):
    # Every worker exits in its initializer: the pool breaks before any layout runs.
    service = LayoutService(on_notice=rec.on_notice, initializer=partial(os._exit, 3))
    try:
        for count, keys in enumerate(("ab", "cd", "ef"), start=1):
            service.submit(request(keys, [tuple(keys)]), rec.on_done, rec.on_error)
            rec.wait_for(count)
        assert rec.errors == [], rec.errors
        assert [set(r.positions) for r in rec.done] == [{"a", "b"}, {"c", "d"}, {"e", "f"}]
        assert service.mode == "inline"
        assert service.restarts == MAX_RESTARTS + 1  # then no more spawning
        assert service.worker_pid() is None
        assert service.last_result_pid == os.getpid()
        assert all(name != threading.current_thread().name for name in rec.threads)
        assert "cannot be started" in rec.notices[-1]
        assert sum("cannot be started" in n for n in rec.notices) == 1
    finally:
        service.shutdown(wait=False)
