"""The time budget of "auto" dot layouts: a provisional layered answer, then dot's.

dot is slowed by a gate the test opens (``layout_checks.gated_dot_work``), so every
check is about the order of events, never about how long anything took.
"""
from __future__ import annotations

from dataclasses import replace

import pytest
from layout_checks import (
    GATE_ENV,
    WAIT,
    Recorder,
    failing_dot_work,
    gated_dot_work,
    request,
    wait_until,
)

from lineage_desktop.layout import LayoutService, compute_layout

SMALL = request("abcdefgh", [("a", "b"), ("b", "c"), ("c", "d"), ("a", "e"), ("e", "f"),
                             ("f", "g"), ("g", "h"), ("b", "g")])
OTHER = request("xyz", [("x", "y"), ("y", "z")])


@pytest.fixture
def gate(tmp_path, monkeypatch):
    """Hold the dot worker's jobs for graphs of n nodes: ``gate.hold(n)``, ``release(n)``."""
    monkeypatch.setenv(GATE_ENV, str(tmp_path))

    class Gate:
        def hold(self, n: int) -> None:
            (tmp_path / f"hold-{n}").touch()

        def release(self, n: int) -> None:
            (tmp_path / f"release-{n}").touch()

    yield Gate()
    for path in tmp_path.glob("hold-*"):  # never leave a worker waiting
        (tmp_path / path.name.replace("hold", "release")).touch()


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


def make_service(rec, **kwargs) -> LayoutService:
    kwargs.setdefault("dot_work", gated_dot_work)
    # direct_limit=0: even this small graph gets the budget (and the dot worker).
    svc = LayoutService(on_notice=rec.on_notice, budget=0.05, hard_cap=WAIT, direct_limit=0.0,
                        **kwargs)
    svc.warm_up(wait=True)
    return svc


@pytest.fixture
def service(rec, gate):
    svc = make_service(rec)
    yield svc
    svc.shutdown(wait=False)


def finals(rec: Recorder) -> list:
    return [r for r in rec.done if not r.provisional]


def test_a_slow_dot_answers_layered_first_then_dot(service, rec, gate):
    gate.hold(len(SMALL.nodes))
    request_id = service.submit(SMALL, rec.on_done, rec.on_error)
    rec.wait_for(1)
    first = rec.done[0]
    assert first.provisional and first.engine == "layered" and first.request_id == request_id
    assert first.positions == compute_layout(replace(SMALL, engine="layered")).positions
    assert service.busy()  # dot is still working

    gate.release(len(SMALL.nodes))
    rec.wait_for(2)
    final = rec.done[1]
    assert not final.provisional and final.engine == "dot" and final.request_id == request_id
    assert final.positions == compute_layout(SMALL).positions
    assert rec.errors == [] and len(rec.done) == 2 and not service.busy()
    assert service.provisional == 1 and service.dot_killed == 0

    # The final layout was cached: asking again answers at once with dot's layout.
    service.submit(SMALL, rec.on_done, rec.on_error)
    assert len(rec.done) == 3 and rec.done[2].engine == "dot" and not rec.done[2].provisional


def test_a_dot_within_the_budget_answers_once(rec, gate):
    svc = LayoutService(budget=WAIT, hard_cap=WAIT, dot_work=gated_dot_work, direct_limit=0.0)
    try:
        svc.submit(SMALL, rec.on_done, rec.on_error)
        rec.wait_for(1)
        assert rec.done[0].engine == "dot" and not rec.done[0].provisional
        assert svc.provisional == 0
        assert svc.last_result_pid == svc.dot_worker_pid() != svc.worker_pid()
    finally:
        svc.shutdown(wait=False)


def test_a_superseded_dot_is_killed_and_delivers_nothing(service, rec, gate):
    gate.hold(len(SMALL.nodes))
    stale = service.submit(SMALL, rec.on_done, rec.on_error)
    rec.wait_for(1)  # the provisional answer: dot is running (held) now
    assert rec.done[0].provisional and rec.done[0].request_id == stale
    old_dot_pid = service.dot_worker_pid()

    latest = service.submit(OTHER, rec.on_done, rec.on_error)
    wait_until(rec, lambda r: any(x.request_id == latest for x in finals(r)))
    gate.release(len(SMALL.nodes))  # too late: its worker is gone

    assert service.dot_killed == 1
    assert [r.request_id for r in finals(rec)] == [latest]
    assert finals(rec)[0].engine == "dot"
    assert all(r.request_id == latest for r in rec.done[1:])
    new_dot_pid = service.dot_worker_pid()
    assert new_dot_pid not in (None, old_dot_pid)
    # A kill on purpose is no failure: the workers are not given up on.
    assert service.mode == "worker" and service.restarts == 0 and rec.notices == []


def test_the_hard_cap_kills_a_runaway_dot_and_the_service_keeps_working(rec, gate):
    svc = make_service(rec)
    svc.hard_cap = 0.5  # the held dot below never finishes on its own
    try:
        gate.hold(len(SMALL.nodes))
        runaway = svc.submit(SMALL, rec.on_done, rec.on_error)
        old_dot_pid = svc.dot_worker_pid()
        wait_until(rec, lambda r: finals(r))
        final = finals(rec)[0]
        assert final.request_id == runaway and final.engine == "layered"
        assert final.extra["dot_abandoned"] == 1.0
        assert all(r.provisional for r in rec.done[:-1]) and rec.done[-1] is final
        assert svc.dot_abandoned == 1 and not svc.busy()
        assert len(rec.notices) == 1 and "stopped" in rec.notices[0]

        # The service keeps working: a fresh dot worker lays out the next graph.
        svc.hard_cap = WAIT
        svc.submit(OTHER, rec.on_done, rec.on_error)
        wait_until(rec, lambda r: len(finals(r)) == 2)
        assert finals(rec)[1].engine == "dot"
        assert svc.dot_worker_pid() not in (None, old_dot_pid)
        assert svc.mode == "worker" and svc.restarts == 0

        # The runaway graph is remembered: no second dot run, the layered layout at once.
        count = len(rec.done)
        svc.submit(SMALL, rec.on_done, rec.on_error)
        wait_until(rec, lambda r: len(r.done) > count)
        assert rec.done[-1].engine == "layered" and not rec.done[-1].provisional
        assert svc.dot_abandoned == 1
    finally:
        svc.shutdown(wait=False)


def test_a_failing_dot_falls_back_to_the_layered_layout(rec, gate):
    svc = make_service(rec, dot_work=failing_dot_work)
    try:
        svc.submit(SMALL, rec.on_done, rec.on_error)
        wait_until(rec, lambda r: finals(r))
        assert rec.errors == []
        assert finals(rec)[0].engine == "layered" and finals(rec)[0].extra["dot_abandoned"]
    finally:
        svc.shutdown(wait=False)


def test_a_dot_predicted_quick_runs_as_a_plain_request(rec, gate):
    svc = LayoutService(budget=0.0, hard_cap=WAIT, dot_work=gated_dot_work)
    try:
        gate.hold(len(SMALL.nodes))  # would hold it, were it sent to the dot worker
        svc.submit(SMALL, rec.on_done, rec.on_error)
        rec.wait_for(1)
        assert [(r.engine, r.provisional) for r in rec.done] == [("dot", False)]
        assert svc.last_result_pid == svc.worker_pid() and svc.provisional == 0
    finally:
        svc.shutdown(wait=False)


def test_sync_mode_has_no_budget():
    svc = LayoutService(sync=True, budget=0.0)
    rec = Recorder()
    svc.submit(SMALL, rec.on_done)
    assert [(r.engine, r.provisional) for r in rec.done] == [("dot", False)]


def test_shutdown_while_refining_stops_everything(rec, gate):
    svc = make_service(rec)
    gate.hold(len(SMALL.nodes))
    svc.submit(SMALL, rec.on_done, rec.on_error)
    rec.wait_for(1)
    svc.shutdown(wait=True)  # must not wait for the held dot run
    gate.release(len(SMALL.nodes))
    assert len(rec.done) == 1 and rec.done[0].provisional


def test_cancel_stops_the_refinement(service, rec, gate):
    gate.hold(len(SMALL.nodes))
    service.submit(SMALL, rec.on_done, rec.on_error)
    rec.wait_for(1)
    service.cancel()
    assert service.dot_killed == 1 and not service.busy()
    # Next request still works and nothing of the cancelled one arrives.
    latest = service.submit(OTHER, rec.on_done, rec.on_error)
    wait_until(rec, lambda r: any(x.request_id == latest for x in finals(r)))
    assert len(finals(rec)) == 1
