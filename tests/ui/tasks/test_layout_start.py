"""What the window's layout runner starts, and when: the layout worker process at once,
at a low CPU priority from its first instruction; the budgeted dot runs' worker only
after the first layout was answered; a small lineage laid out without waiting for
either (on the runner's submitting thread, never the UI thread)."""
from __future__ import annotations

import os
import threading

from lineage_desktop.layout.jobs import WORKER_NICENESS
from lineage_desktop.layout.types import LayoutNode, LayoutRequest
from lineage_desktop.ui.tasks.layout_runner import LayoutRunner

WAIT = 60_000  # ms; spawning a worker and loading Graphviz on a shared machine


def _chain(*keys: str) -> LayoutRequest:
    nodes = tuple(LayoutNode(key, 200, 56) for key in keys)
    return LayoutRequest(nodes, tuple(zip(keys, keys[1:])))


def test_a_small_layout_does_not_wait_for_the_workers_and_the_dot_worker_comes_after(qtbot):
    runner = LayoutRunner()
    service = runner.service
    assert service is not None
    try:
        assert service.dot_worker_pid() is None  # not spawned with the window
        worker = service.worker_pid()
        assert worker is not None  # spawned with the window, already niced by it
        assert os.getpriority(os.PRIO_PROCESS, worker) >= WORKER_NICENESS
        results, errors, threads = [], [], []

        def done(result):
            results.append(result)
            threads.append(threading.current_thread().name)

        runner.submit(_chain("a", "b", "c"), done, errors.append)
        qtbot.waitUntil(lambda: bool(results or errors), timeout=WAIT)
        assert not errors and set(results[0].positions) == {"a", "b", "c"}
        assert service.last_result_pid == os.getpid()  # laid out here, not in a worker
        assert threads == [threading.current_thread().name]  # answered on the UI thread
        qtbot.waitUntil(lambda: service.dot_worker_pid() is not None, timeout=WAIT)
        dot = service.dot_worker_pid()
        assert dot is not None and os.getpriority(os.PRIO_PROCESS, dot) >= WORKER_NICENESS
    finally:
        runner.shutdown()
