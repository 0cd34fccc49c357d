"""The window on a big store (issue 4): time to a painted window, memory, UI stalls.

    python benchmarks/bench_window.py [--runs 100000] [--repeat 3] [--quick]
    python benchmarks/bench_window.py --only wide [--wide-runs 25000] [--repeat 3]
    python benchmarks/bench_window.py --only sized [--versions 1000000] [--depth 3]

1. Cold start, in a fresh process each time: from process start to the first paint of
   the view after ``lineage_ready`` for ``churn-model:production`` (target < 2 s), and
   the peak memory of that process (target < 500 MB). Baseline in the same run: the
   same process doing only ``import PySide6`` + an empty QMainWindow painted.
2. UI-thread stalls (a 2 ms timer records the longest gap between its ticks) while the
   worker thread reads 40,000 versions of one artifact, pages through 100,000 runs
   sorted by state, and while a 2,000-node lineage is laid out in the worker process
   (target < 50 ms). Applying a big layout to the scene happens on the UI thread and
   is reported separately.
3. ``--only wide`` (issue 12): the wide store (``_wide.py``: a hub used by 25,000 runs),
   ``hub:v0`` shown clusters off (50,002 cards) and on, each in a fresh process: time
   to the first paint, worst UI stall on the way (2 ms heartbeat), peak RSS; the floor
   is the same on a 100-run wide store, interleaved; then the UI-thread CPU time of a
   full repaint at that first view and zoomed to 3:1. Goals: stall <= 100 ms and
   RSS <= 600 MB clusters off, <= 2 s to painted clusters on.
4. ``--only sized``: the 1M-version store opened to a painted lineage (goal 1 s,
   300 MB) against the 10k store.

The demo store is cached as ``~/.cache/lineage_desktop/bench-<runs>.db`` (shared with
bench_store.py; set LINEAGE_BENCH_CACHE to move it). Prints medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

START = time.perf_counter()
HERE = Path(__file__).resolve().parent


def cached_store(runs: int) -> Path:
    cache = Path(os.environ.get("LINEAGE_BENCH_CACHE", Path.home() / ".cache" / "lineage_desktop"))
    cache.mkdir(parents=True, exist_ok=True)
    store = cache / f"bench-{runs}.db"
    if not store.exists():
        print(f"writing the demo store ({runs:,} runs) to {store} once…", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lineage_desktop.cli.main",
                "demo",
                str(store),
                "--runs",
                str(runs),
            ],
            check=True,
        )
        print(f"  done in {time.perf_counter() - started:.1f} s")
    return store


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _isolated_settings(folder: str) -> None:
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("lineage_desktop-bench")
    QCoreApplication.setApplicationName("bench-window")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


class _PaintWatch:
    """Event filter noting the first paint of a widget after ``arm()``."""

    def __init__(self, widget) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            def eventFilter(inner, obj, event):  # noqa: N802, N805
                if event.type() == QEvent.Type.Paint and self.armed and self.painted is None:
                    self.painted = time.perf_counter()
                return False

        self.armed = False
        self.painted: float | None = None
        self._filter = Filter()
        widget.installEventFilter(self._filter)

    def arm(self) -> None:
        self.armed = True


def child_open(store: str, ref: str, settings: str) -> None:
    """One cold start (runs in its own process); prints a JSON line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _isolated_settings(settings)
    app = QApplication([sys.argv[0]])
    from lineage_desktop.ui.window.main_window import MainWindow

    window = MainWindow()
    watch = _PaintWatch(window.view.viewport())
    times: dict[str, float] = {}

    def ready(key: str) -> None:
        times["ready"] = time.perf_counter()
        watch.arm()
        window.view.viewport().update()

    def tree(_: object) -> None:
        times.setdefault("tree", time.perf_counter())

    window.lineage_ready.connect(ready)
    window.controller.collections_loaded.connect(tree)
    window.resize(1400, 860)
    window.show()
    window.open_store(store)
    window.show_lineage(ref)
    deadline = time.perf_counter() + 60
    while watch.painted is None and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    print(
        json.dumps(
            {
                "painted": (watch.painted or float("nan")) - START,
                "ready": times.get("ready", float("nan")) - START,
                "tree": times.get("tree", float("nan")) - START,
                "rss_mb": _peak_rss_mb(),
            }
        ),
        flush=True,
    )
    window.close()


def child_wide(store: str, ref: str, settings: str, clusters: str, depth: str) -> None:
    """One wide or sized open (its own process, for a true peak RSS): the store opened,
    then ``ref`` shown; a 2 ms heartbeat on the UI thread measures the worst stall from
    ``show_lineage`` to the first paint after ``lineage_ready``; prints a JSON line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _isolated_settings(settings)
    app = QApplication([sys.argv[0]])
    from lineage_desktop.ui.window.main_window import MainWindow

    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    ready: list[str] = []
    window.lineage_ready.connect(ready.append)
    opened = time.perf_counter()
    window.open_store(store)
    if depth != "all":  # after opening: depths are per store, read from its view options
        window.controller.session.set_depths(int(depth), int(depth))
    if clusters == "off":
        window.controller.set_cluster_threshold(0)
    _wait(app, lambda: window.sidebar.proxy.rowCount() > 0, 600)
    tree = time.perf_counter() - opened
    watch = _PaintWatch(window.view.viewport())
    meter = _StallMeter()
    meter.start()
    started = time.perf_counter()
    window.show_lineage(ref)
    _wait(app, lambda: bool(ready), 600)
    watch.arm()
    window.view.viewport().update()
    _wait(app, lambda: watch.painted is not None, 60)
    painted = (watch.painted or float("nan")) - started
    for _ in range(20):  # what the first paint left queued belongs to it
        app.processEvents()
        time.sleep(0.002)
    stall = meter.stop()
    cards = len(window.view.scene().node_items())
    first = _repaint_cpu_ms(window.view)
    window.view.set_zoom(3.0)
    zoomed = _repaint_cpu_ms(window.view)
    print(json.dumps({"painted": painted, "opened": painted + tree, "tree": tree,
                      "stall_ms": stall, "stall_cpu_ms": meter.worst_cpu * 1000,
                      "rss_mb": _peak_rss_mb(), "cards": cards, "repaint_cpu_ms": first,
                      "zoomed_repaint_cpu_ms": zoomed}), flush=True)
    window.close()


def _repaint_cpu_ms(view, times: int = 3) -> float:  # type: ignore[no-untyped-def]
    """The median UI-thread CPU time of repainting the whole view (what a pan or a
    zoom step costs), after the first paint."""
    spent = []
    for _ in range(times):
        started = time.thread_time()
        view.viewport().repaint()
        spent.append((time.thread_time() - started) * 1000)
    return statistics.median(spent)


def bench_wide(repeat: int, settings: str, runs: int, floor_runs: int) -> None:
    """Issue 12: the wide store, clusters off (all nodes drawn) and on (refocus on the
    hub), against a small wide store as the floor; children interleaved."""
    sys.path[:0] = [str(HERE.parent)]
    from _stats import p95

    from benchmarks._wide import wide_store

    big, small = wide_store(runs), wide_store(floor_runs)
    for clusters in ("off", "on"):
        rows: dict[str, list[dict[str, float]]] = {"big": [], "floor": []}
        for _ in range(repeat):
            for name, store in (("big", big), ("floor", small)):
                folder = os.path.join(settings, f"{clusters}-{name}")  # view options persist
                rows[name].append(_run_child(
                    ["--child-wide", str(store), "hub:v0", folder, clusters, "all"]))
        _print_rows(f"wide store ({runs:,} runs), clusters {clusters}, hub:v0 to painted",
                    rows, p95)


def bench_sized(repeat: int, settings: str, versions: int, depth: int) -> None:
    """Issue 12: a store of ``versions`` versions opened to a painted lineage (depth
    ``depth`` both ways: the sized store's lineage is one long chain) against the 10k
    store as the floor; children interleaved."""
    sys.path[:0] = [str(HERE.parent)]
    from _stats import p95

    from benchmarks._stores import sized_store

    big, small = sized_store(versions), sized_store(10_000)
    rows: dict[str, list[dict[str, float]]] = {"big": [], "floor": []}
    for _ in range(repeat):
        for name, store in (("big", big), ("floor", small)):
            rows[name].append(_run_child(
                ["--child-wide", str(store), "model:production", settings, "on", str(depth)]))
    _print_rows(f"sized store ({versions:,} versions), model:production depth {depth}, "
                "open to painted", rows, p95, first="opened")


def _print_rows(title: str, rows: dict[str, list[dict[str, float]]], p95,  # type: ignore[no-untyped-def]
                first: str = "painted") -> None:
    loads = [r["load"] for name in ("big", "floor") for r in rows[name] if "load" in r]
    load = (f"; load {statistics.median(loads):.1f}, {min(loads):.1f}-{max(loads):.1f}"
            if loads else "")
    print(title, f"({rows['big'][0]['cards']:.0f} cards; floor {rows['floor'][0]['cards']:.0f}"
          f"{load})")
    for field, unit in ((first, "s"), ("tree", "s"), ("stall_ms", "ms"), ("stall_cpu_ms", "ms"),
                        ("rss_mb", "MB"), ("repaint_cpu_ms", "ms"),
                        ("zoomed_repaint_cpu_ms", "ms")):
        if field not in rows["big"][0]:
            continue
        big = [r[field] for r in rows["big"]]
        floor = [r[field] for r in rows["floor"]]
        ratio = statistics.median(big) / max(statistics.median(floor), 1e-9)
        print(f"  {field:<9} median {statistics.median(big):8.2f} {unit}  p95 {p95(big):8.2f} "
              f"{unit}  floor median {statistics.median(floor):8.2f} {unit}  x{ratio:.2f}",
              flush=True)


def child_baseline() -> None:
    """Baseline process: PySide6 and one painted empty main window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.resize(1400, 860)
    watch = _PaintWatch(window)
    watch.arm()
    window.show()
    while watch.painted is None:
        app.processEvents()
        time.sleep(0.001)
    print(json.dumps({"painted": watch.painted - START, "rss_mb": _peak_rss_mb()}), flush=True)


def _run_child(args: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"child {args} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    if done.returncode != 0:  # measured, then died on the way out: say so, keep the row
        print(f"  note: child exited with {done.returncode} after measuring "
              f"({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''})",
              file=sys.stderr, flush=True)
    row: dict[str, float] = json.loads(lines[-1])
    row.setdefault("load", os.getloadavg()[0])  # beside every number: the machine is shared
    return row


def bench_cold_start(store: Path, repeat: int, settings: str) -> None:
    ref = "churn-model:production"
    runs = [_run_child(["--child-open", str(store), ref, settings]) for _ in range(repeat)]
    base = [_run_child(["--child-baseline"]) for _ in range(repeat)]
    painted = statistics.median(r["painted"] for r in runs)
    ready = statistics.median(r["ready"] for r in runs)
    tree = statistics.median(r["tree"] for r in runs)
    rss = max(r["rss_mb"] for r in runs)
    base_painted = statistics.median(r["painted"] for r in base)
    base_rss = max(r["rss_mb"] for r in base)
    print(
        f"cold start to a painted lineage of {ref}: median {painted:.2f} s (target 2 s; "
        f"lineage_ready at {ready:.2f} s, artifact tree filled at {tree:.2f} s; baseline "
        f"empty Qt window {base_painted:.2f} s, ratio {painted / base_painted:.1f}x)"
    )
    print(f"peak memory: {rss:.0f} MB (target 500 MB; baseline empty Qt window {base_rss:.0f} MB)")


class _StallMeter:
    """A 2 ms timer on the UI thread; the longest gap between ticks is the worst stall.

    ``worst_cpu`` tells work from waiting: the most CPU time the UI thread used within
    any one gap (``time.thread_time``). On a loaded machine a gap of 300 ms in which
    the UI thread ran 30 ms is the scheduler's, not the window's."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.last_cpu = 0.0
        self.worst = 0.0
        self.worst_cpu = 0.0

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, now - self.last)
        self.worst_cpu = max(self.worst_cpu, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu

    def start(self) -> None:
        self.worst, self.last = 0.0, time.perf_counter()
        self.worst_cpu, self.last_cpu = 0.0, time.thread_time()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst * 1000


def _wait(app, condition, timeout: float = 120.0) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("benchmark step did not finish")
        app.processEvents()
        time.sleep(0.0005)
    return time.perf_counter() - started


def bench_stalls(store: Path, repeat: int, settings: str, quick: bool) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    _isolated_settings(settings)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    from lineage_desktop.ui.scene import build_layout_request
    from lineage_desktop.ui.window.main_window import MainWindow

    sys.path.insert(0, str(HERE))
    from _lineage_graphs import lineage_dag

    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    ready: list[str] = []
    window.lineage_ready.connect(ready.append)
    window.open_store(store)
    window.show_lineage("churn-model:production")
    _wait(app, lambda: ready)
    meter = _StallMeter()
    results: dict[str, list[float]] = {"versions": [], "runs": [], "layout": [], "apply": []}
    seconds: dict[str, list[float]] = {k: [] for k in results}
    sidebar = window.sidebar
    for _ in range(repeat):
        # 1. expanding the biggest collection: its versions are read off the UI thread
        sidebar.tree_model.clear()
        window.controller.reload_collections()
        _wait(app, lambda: sidebar.proxy.rowCount() > 0)
        index = sidebar.tree_model.index_of_collection("churn-model")
        total = sidebar.tree_model.data(index, Qt.ItemDataRole.UserRole + 3)
        meter.start()
        sidebar.tree.expand(sidebar.proxy.mapFromSource(index))
        seconds["versions"].append(_wait(app, lambda: sidebar.tree_model.rowCount(index) > 1))
        results["versions"].append(meter.stop())

        # 2. the run list sorted by state (a big ORDER BY plus row conversion)
        sidebar.tabs.setCurrentWidget(sidebar.runs_page)  # the tab: the table sits in it
        _wait(app, lambda: sidebar.run_model.rowCount() > 0)
        order = (
            Qt.SortOrder.AscendingOrder
            if len(results["runs"]) % 2 == 0
            else Qt.SortOrder.DescendingOrder
        )
        meter.start()
        sidebar.runs.sortByColumn(1, order)
        model = sidebar.run_model
        expected = ("state", order == Qt.SortOrder.DescendingOrder)
        seconds["runs"].append(
            _wait(
                app,
                lambda: (
                    model.sort_order() == expected and not model._waiting and model.rowCount() > 0
                ),
            )
        )
        results["runs"].append(meter.stop())

        # 3. a big lineage laid out in the worker process, then drawn
        graph = lineage_dag(600 if quick else 2_000, seed=len(results["layout"]) + 1)
        for node in graph:
            graph.nodes[node].setdefault("level", 0)
        request = build_layout_request(graph)
        done: list[object] = []
        meter.start()
        window.controller._layout.submit(request, done.append, done.append)
        seconds["layout"].append(_wait(app, lambda: done))
        results["layout"].append(meter.stop())
        started = time.perf_counter()
        window.controller.scene.set_graph(graph, done[0])
        app.processEvents()
        seconds["apply"].append(time.perf_counter() - started)
        results["apply"].append(seconds["apply"][-1] * 1000)
    labels = {
        "versions": f"reading the versions of churn-model ({total})",
        "runs": "sorting the run list by state",
        "layout": f"laying out a {600 if quick else 2_000}-node lineage in the worker process",
    }
    for name, label in labels.items():
        worst = statistics.median(results[name])
        took = statistics.median(seconds[name])
        print(
            f"UI stall while {label}: median worst gap {worst:.1f} ms over {took:.2f} s of "
            f"work (target 50 ms; a 2 ms timer, so 2 ms is no stall)"
        )
    print(
        f"applying that layout to the scene (UI thread, items built): median "
        f"{statistics.median(results['apply']):.0f} ms"
    )
    window.close()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-open":
        child_open(*sys.argv[2:5])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-wide":
        child_wide(*sys.argv[2:7])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-baseline":
        child_baseline()
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a 5,000-run store, fewer repeats")
    parser.add_argument("--only", choices=("start", "stalls", "wide", "sized"),
                        help="run one part (wide and sized run only when named)")
    parser.add_argument("--wide-runs", type=int, default=25_000,
                        help="runs of the wide store (2 nodes each)")
    parser.add_argument("--versions", type=int, default=1_000_000, help="of the sized store")
    parser.add_argument("--depth", type=int, default=3, help="lineage depth on the sized store")
    args = parser.parse_args()
    import tempfile

    if args.only in ("wide", "sized"):
        with tempfile.TemporaryDirectory() as settings:
            if args.only == "wide":
                bench_wide(args.repeat, settings, args.wide_runs, 100)
            else:
                bench_sized(args.repeat, settings, args.versions, args.depth)
        return
    runs = 5_000 if args.quick else args.runs
    repeat = 1 if args.quick else args.repeat
    store = cached_store(runs)
    with tempfile.TemporaryDirectory() as settings:
        print(f"store: {store} ({store.stat().st_size / 1e6:.0f} MB)")
        if args.only != "stalls":
            bench_cold_start(store, repeat, settings)
        if args.only != "start":
            bench_stalls(store, repeat, settings, args.quick)


if __name__ == "__main__":
    main()
