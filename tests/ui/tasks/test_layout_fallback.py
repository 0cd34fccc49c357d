"""When the layout worker process cannot run at all, the window lays out in its own
process (on a background thread, never the UI thread) instead of never drawing, and says
so; for example a script that lacks the ``__main__`` guard that spawn needs."""
from __future__ import annotations

import os
import threading
from functools import partial

from lineage_desktop.layout.service import MAX_RESTARTS, LayoutService
from lineage_desktop.layout.types import LayoutNode, LayoutRequest
from lineage_desktop.ui.tasks.layout_runner import LayoutRunner


def _request(*keys: str) -> LayoutRequest:
    nodes = tuple(LayoutNode(key, 200, 56) for key in keys)
    return LayoutRequest(nodes, tuple(zip(keys, keys[1:])))


def test_a_worker_that_cannot_start_falls_back_to_inline_layout(qtbot):
    # Every worker process exits in its initializer, before it can lay anything out.
    runner = LayoutRunner(service_factory=partial(LayoutService, initializer=partial(os._exit, 3)),
                          inline_nodes=0)  # even these tiny layouts go to a worker
    results, errors, notices, threads = [], [], [], []
    runner.notice.connect(notices.append)
    service = runner.service

    def done(result):
        results.append(result)
        threads.append(threading.current_thread().name)

    try:
        for count, keys in enumerate((("a", "b"), ("c", "d"), ("e", "f")), start=1):
            runner.submit(_request(*keys), done, errors.append)
            qtbot.waitUntil(lambda n=count: len(results) + len(errors) == n, timeout=60_000)
        assert not errors
        assert [set(r.positions) for r in results] == [{"a", "b"}, {"c", "d"}, {"e", "f"}]
        assert runner.mode == "inline" and service.restarts == MAX_RESTARTS + 1
        assert service.last_result_pid == os.getpid()
        qtbot.waitUntil(lambda: any("cannot be started" in n for n in notices), timeout=10_000)
        # Answers arrive on the UI thread (test_worker_restart checks where they ran).
        assert threads == [threading.current_thread().name] * 3
    finally:
        runner.shutdown()
