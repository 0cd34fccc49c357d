"""Helpers shared by the layout tests: the benchmark graph generator, small requests, checks."""
from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

from lineage_desktop.layout import LayoutNode, LayoutRequest, LayoutResult

_GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "_lineage_graphs.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("_lineage_graphs", _GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lineage_graphs = _load_generator()


def box(key: str, rank: int | None = None, width: float = 200, height: float = 56) -> LayoutNode:
    return LayoutNode(key, width, height, rank)


def request(keys, edges, **kwargs) -> LayoutRequest:
    return LayoutRequest(tuple(box(k) for k in keys), tuple(edges), **kwargs)


TOLERANCE = 1.0  # Graphviz rounds to 1/100 point and clips splines a little outside boxes


def border_distance(point, centre, size) -> float:
    """Distance from ``point`` to the border of the box (negative inside)."""
    dx = abs(point[0] - centre[0]) - size[0] / 2
    dy = abs(point[1] - centre[1]) - size[1] / 2
    if dx <= 0 and dy <= 0:
        return max(dx, dy)
    return (max(dx, 0.0) ** 2 + max(dy, 0.0) ** 2) ** 0.5


def overlapping_boxes(result: LayoutResult) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap (sweep over x, so it stays cheap)."""
    boxes = sorted(
        (x - w / 2, x + w / 2, y - h / 2, y + h / 2, k)
        for k, (x, y) in result.positions.items()
        for w, h in [result.sizes[k]]
    )
    found = []
    active: list[tuple] = []
    for b in boxes:
        active = [a for a in active if a[1] > b[0] + 1e-6]
        found += [(a[4], b[4]) for a in active if a[2] < b[3] - 1e-6 and b[2] < a[3] - 1e-6]
        active.append(b)
    return found


def assert_well_formed(result: LayoutResult, keys, edges) -> None:
    """Every node placed inside the drawing, edges well formed and touching their boxes."""
    assert set(result.positions) == set(keys)
    assert set(result.sizes) == set(keys)
    for key, (x, y) in result.positions.items():
        w, h = result.sizes[key]
        assert x - w / 2 >= -TOLERANCE and x + w / 2 <= result.width + TOLERANCE, key
        assert y - h / 2 >= -TOLERANCE and y + h / 2 <= result.height + TOLERANCE, key
    expected = {(s, t) for s, t in edges if s in result.positions and t in result.positions}
    assert set(result.edges) == expected
    for (s, t), points in result.edges.items():
        assert len(points) >= 4 and (len(points) - 1) % 3 == 0, (s, t, len(points))
        assert abs(border_distance(points[0], result.positions[s], result.sizes[s])) <= TOLERANCE
        assert abs(border_distance(points[-1], result.positions[t], result.sizes[t])) <= TOLERANCE


WAIT = 120  # seconds; generous, the machine is shared


class Recorder:
    """Collects a layout service's callbacks (and the thread each ran in); lets the test
    wait for them."""

    def __init__(self) -> None:
        self.done: list[LayoutResult] = []
        self.errors: list[BaseException] = []
        self.threads: list[str] = []
        self.notices: list[str] = []
        self._arrived = threading.Condition()

    def on_done(self, result: LayoutResult) -> None:
        with self._arrived:
            self.done.append(result)
            self.threads.append(threading.current_thread().name)
            self._arrived.notify_all()

    def on_error(self, error: BaseException) -> None:
        with self._arrived:
            self.errors.append(error)
            self._arrived.notify_all()

    def on_notice(self, message: str) -> None:
        with self._arrived:
            self.notices.append(message)

    def wait_for(self, count: int, timeout: float = WAIT) -> None:
        with self._arrived:
            assert self._arrived.wait_for(
                lambda: len(self.done) + len(self.errors) >= count, timeout
            ), "no callback arrived"


def wait_until(recorder: Recorder, predicate, timeout: float = WAIT) -> None:
    """Wait until ``predicate(recorder)`` holds (checked whenever a callback arrives)."""
    with recorder._arrived:
        assert recorder._arrived.wait_for(lambda: predicate(recorder), timeout), (
            f"still waiting: {len(recorder.done)} results, {recorder.errors}"
        )


# A dot worker job that waits for the test: when the directory named by GATE_ENV holds
# ``hold-<n>`` (n = the request's node count), the job waits until ``release-<n>`` appears
# there. Runs in the spawned worker, which inherits the environment and ``sys.path``.
GATE_ENV = "LINEAGE_TEST_DOT_GATE"


def gated_dot_work(packed):
    import os
    import time

    from lineage_desktop.layout.jobs import work

    gate = os.environ.get(GATE_ENV)
    n = len(packed.keys)
    if gate and os.path.exists(os.path.join(gate, f"hold-{n}")):
        while not os.path.exists(os.path.join(gate, f"release-{n}")):
            time.sleep(0.01)  # a test's gate, polled; never in real use
    return work(packed)


def failing_dot_work(packed):
    from lineage_desktop.layout.dot import GraphvizError

    raise GraphvizError("Graphviz could not lay out the graph (test)")
