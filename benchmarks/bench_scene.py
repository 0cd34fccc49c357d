"""Building the scene of a wide lineage, clusters off (issue 12): UI stalls and time.

    python benchmarks/bench_scene.py [--full] [--repeat N] [--no-window]

The wide store (``_wide.wide_store``: ``hub:v0`` used by N runs, each logging a version)
is read, modelled with clusters off and laid out once; then a shown ``LineageScene``
receives it, ``--repeat`` times each way, while a 2 ms timer on the UI thread records the
longest gap between its ticks (the worst stall, as in bench_window.py):

- ``baseline``: an empty QGraphicsScene receiving as many plain QGraphicsRectItems as
  the graph has cards and edges (the floor of putting that many items in a scene);
- ``before``: the synchronous build (``sync_build_limit`` raised above the graph), which
  is how every graph was built before the sliced build;
- ``after``: the sliced build, to ``is_building()`` False (overview first, then cards);
- ``replace``: a second ``set_graph`` of the same graph on the same scene (the old items
  are taken apart in slices, the new ones built).

Then (unless ``--no-window``) the whole window path once: ``show_lineage("hub:v0")`` to
``lineage_ready`` with clusters off, worst stall and time. Quick default: 5,000 runs
(10,002 nodes); ``--full``: 25,000 runs (50,002 nodes). Prints medians, p95 and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from _stats import report  # noqa: E402
from bench_window import _isolated_settings, _peak_rss_mb, _StallMeter, _wait  # noqa: E402

from benchmarks._wide import wide_store  # noqa: E402


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _measured(app, start: Callable[[], object], done: Callable[[], bool]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(seconds to ``done``, worst stall in seconds) of ``start()`` then the event loop."""
    meter = _StallMeter()
    app.processEvents()
    meter.start()
    began = time.perf_counter()
    start()
    _wait(app, done, 600)
    elapsed = time.perf_counter() - began
    app.processEvents()  # the paint that follows belongs to the build
    return elapsed, meter.stop() / 1000


def _wide_view(runs: int):  # type: ignore[no-untyped-def]
    import lineage_desktop as ld
    from lineage_desktop.graph import LineageModel
    from lineage_desktop.layout import compute_layout
    from lineage_desktop.ui.scene import build_layout_request
    from lineage_desktop.ui.scene.cards import view_cards

    api = ld.Api(store=wide_store(runs))
    view = LineageModel(api.lineage("hub:v0"), cluster_threshold=0).view()
    started = time.perf_counter()
    view_cards(view)
    measured = time.perf_counter() - started
    layout = compute_layout(build_layout_request(view, engine="layered"))
    return view, layout, measured


def scene_rows(app, view, layout, repeat: int) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene, QGraphicsView

    from lineage_desktop.ui.scene import LineageScene, LineageView

    items = view.number_of_nodes() + view.number_of_edges()
    samples: dict[str, tuple[list[float], list[float]]] = {
        name: ([], []) for name in ("baseline", "before", "after", "replace")
    }
    rss_after = 0.0

    def record(name: str, result: tuple[float, float]) -> None:
        samples[name][0].append(result[0])
        samples[name][1].append(result[1])

    for _ in range(repeat):
        plain = QGraphicsScene()
        plain_view = QGraphicsView(plain)
        plain_view.resize(1400, 860)
        plain_view.show()

        def fill(scene: QGraphicsScene = plain) -> None:
            for i in range(items):
                rect = QGraphicsRectItem(0.0, 0.0, 200.0, 56.0)
                rect.setPos(float(i % 100) * 220.0, float(i // 100) * 70.0)
                scene.addItem(rect)

        record("baseline", _measured(app, fill, lambda: True))
        plain_view.close()
        del plain_view, plain
        for name in ("before", "after"):
            scene = LineageScene()
            shown = LineageView(scene)
            shown.resize(1400, 860)
            shown.show()
            if name == "before":
                scene.sync_build_limit = 10**9
            record(
                name,
                _measured(
                    app,
                    lambda s=scene: s.set_graph(view, layout),
                    lambda s=scene: not s.is_building(),
                ),
            )
            if name == "after":
                rss_after = max(rss_after, _rss_mb())
                record(
                    "replace",
                    _measured(
                        app,
                        lambda s=scene: s.set_graph(view, layout),
                        lambda s=scene: not s.is_building() and not s.is_clearing(),
                    ),
                )
            shown.close()
            del shown, scene
    print(
        f"scene of the wide lineage: {view.number_of_nodes():,} cards, "
        f"{view.number_of_edges():,} edges; {repeat} runs each"
    )
    base_time, base_stall = samples["baseline"]
    for name, (times, stalls) in samples.items():
        baseline_args = {} if name == "baseline" else {"baseline": base_time}
        report(f"{name}: time to complete", times, unit="s", **baseline_args)
        stall_base = {} if name == "baseline" else {"baseline": base_stall}
        report(f"{name}: worst UI stall", stalls, unit="ms", **stall_base)
    print(f"RSS after a sliced build {rss_after:.0f} MB", flush=True)


def window_row(app, runs: int) -> None:  # type: ignore[no-untyped-def]
    from lineage_desktop.ui.window.main_window import MainWindow

    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    ready: list[str] = []
    window.lineage_ready.connect(ready.append)
    window.open_store(wide_store(runs))
    window.controller.set_cluster_threshold(0)
    elapsed, stall = _measured(app, lambda: window.show_lineage("hub:v0"), lambda: bool(ready))
    scene = window.view.scene()
    print(
        f"window: show_lineage('hub:v0'), clusters off, to lineage_ready: {elapsed:.2f} s, "
        f"worst UI stall {stall * 1000:.0f} ms ({len(scene.node_items()):,} cards)",
        flush=True,
    )
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="25,000 runs (50k nodes)")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--no-window", action="store_true")
    args = parser.parse_args()
    runs = 25_000 if args.full else 5_000
    repeat = args.repeat or (1 if args.full else 3)
    _isolated_settings(tempfile.mkdtemp(prefix="bench-scene-"))
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    view, layout, measured = _wide_view(runs)
    print(
        f"card measurements of {view.number_of_nodes():,} nodes (query worker in the "
        f"window): {measured * 1000:.0f} ms",
        flush=True,
    )
    scene_rows(app, view, layout, repeat)
    if not args.no_window:
        window_row(app, runs)
    print(f"peak RSS {_peak_rss_mb():.0f} MB", flush=True)


if __name__ == "__main__":  # the layout service's worker processes import this module
    main()
