"""The one background primitive (``ui.background``) and its users: request ids, newest
answer wins, errors answered the same way inline and on a thread. Needs Qt (signals,
offscreen: see tests/conftest.py), unlike ``test_session.py``."""

from __future__ import annotations

import pytest

from lineage_desktop.records import LineageError
from lineage_desktop.ui.tasks.background import Answers, describe_failure, run_captured
from lineage_desktop.ui.tasks.worker import QueryWorker


def test_run_captured_answers_expected_errors_and_bugs_alike(caplog) -> None:
    assert run_captured("t", lambda x: x + 1, 1) == (True, 2)
    ok, exc = run_captured("t", lambda: (_ for _ in ()).throw(LookupError("no such run")))
    assert not ok and isinstance(exc, LookupError) and not caplog.records
    ok, exc = run_captured("t", lambda: 1 / 0)
    assert not ok and isinstance(exc, ZeroDivisionError)
    assert "background task t failed" in caplog.text  # a bug is logged with its traceback
    assert describe_failure(LineageError("bad store")) == "bad store"
    assert describe_failure(ZeroDivisionError("x")) == "ZeroDivisionError: x"


def test_answers_newest_wins_and_cancel_drops(qtbot) -> None:
    answers = Answers()
    got: list[object] = []
    first = answers.request("c", got.append, got.append)
    second = answers.request("c", got.append, got.append)
    other = answers.request("d", got.append, got.append)
    assert (first, second, other) == (1, 2, 3)
    assert not answers.is_current("c", first) and answers.is_current("c", second)
    answers.deliver(first, True, "old")
    answers.deliver(second, True, "new")
    qtbot.waitUntil(lambda: got == ["new"], timeout=5_000)
    assert answers.is_pending("d") and answers.pending() == 1
    answers.cancel("d")
    answers.finish(other, True, "dropped")
    assert got == ["new"] and answers.pending() == 0


def _bug(api):  # noqa: ANN001, ANN202
    raise RuntimeError("a bug in a task")


@pytest.mark.parametrize("synchronous", [True, False])
def test_query_worker_reports_errors_the_same_in_both_modes(
    qtbot, built, synchronous: bool
) -> None:
    worker = QueryWorker(synchronous=synchronous)
    try:
        opened: list[object] = []
        worker.open(built.path, on_done=opened.append)
        qtbot.waitUntil(lambda: opened == [None], timeout=10_000)
        errors: list[BaseException] = []
        worker.submit("bug", _bug, on_error=errors.append)
        worker.submit("lookup", lambda api: api.store.run("nope"), on_error=errors.append)
        qtbot.waitUntil(lambda: len(errors) == 2, timeout=10_000)
        assert isinstance(errors[0], RuntimeError) and isinstance(errors[1], LookupError)
    finally:
        worker.shutdown()


def _endless_read(started: list[bool]):  # noqa: ANN202
    def task(api):  # noqa: ANN001, ANN202
        started.append(True)
        # A read that would take hours: the closing window must not wait it out.
        return api.store._conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT count(*) FROM n").fetchone()
    return task


@pytest.mark.timeout(60)
def test_shutdown_interrupts_a_read_in_flight_and_drops_queued_tasks(qtbot, built) -> None:
    """Closing the window while the worker reads (the as-of timeline of a 500k-version
    collection) used to destroy the QThread while it ran, which aborts the process."""
    worker = QueryWorker()
    opened: list[object] = []
    worker.open(built.path, on_done=opened.append)
    qtbot.waitUntil(lambda: opened == [None], timeout=10_000)
    started: list[bool] = []
    later: list[object] = []
    worker.submit("timeline", _endless_read(started))
    worker.submit("queued", lambda api: later.append("ran"))
    qtbot.waitUntil(lambda: started == [True], timeout=10_000)
    thread = worker._thread
    worker.shutdown()
    assert thread is not None and thread.isFinished()
    assert later == []  # the queued task was dropped, not run after the interrupt
