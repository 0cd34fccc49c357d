"""When the layout worker process cannot run, the window lays out inline instead of never
drawing (for example a script that lacks the ``__main__`` guard that spawn needs)."""
from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

from lineage_desktop.layout.types import LayoutNode, LayoutRequest
from lineage_desktop.ui.layout_runner import LayoutRunner


class BrokenService:
    def submit(self, request, on_done, on_error=None, channel="default"):
        on_error(BrokenProcessPool("worker died at start"))
        return 1

    def shutdown(self, wait=True):
        pass


def test_broken_worker_falls_back_to_inline_layout(qtbot):
    runner = LayoutRunner(synchronous=False)
    runner._service.shutdown(wait=True)
    runner._service = BrokenService()
    request = LayoutRequest((LayoutNode("a", 200, 56), LayoutNode("b", 200, 56)), (("a", "b"),))
    results, errors = [], []
    runner.submit(request, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=10_000)
    assert not errors
    assert set(results[0].positions) == {"a", "b"}
    assert runner.synchronous
    runner.submit(request, results.append, errors.append)  # later layouts stay inline
    qtbot.waitUntil(lambda: len(results) == 2, timeout=10_000)
    runner.shutdown()
