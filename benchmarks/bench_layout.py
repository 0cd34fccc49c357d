"""Layout benchmark: plain pygraphviz dot vs our dot path vs the layered engine.

Run from the repository root::

    .venv/bin/python benchmarks/bench_layout.py            # 1k, 2k, 5k (dot), 10k (layered)
    .venv/bin/python benchmarks/bench_layout.py --with-dot-10k   # adds dot at 10k (~1 min)
    .venv/bin/python benchmarks/bench_layout.py --calibrate      # fit layout/cost.py (~5 min)

For each size it prints the median time of a few runs (one run where a run takes
seconds) and the edge crossings of each layout, counted the same way for all
(``lineage_desktop.layout.count_crossings``), and the ratios against plain dot.

"Plain dot" is pygraphviz as a first attempt would use it: ``add_node``/``add_edge``
calls, default graph settings, Graphviz's default labels, ``layout(prog="dot")``, then
one attribute lookup per node and edge. Same box sizes everywhere.
"""
from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._lineage_graphs import (  # noqa: E402
    clustered_view,
    layout_request,
    lineage_dag,
    slow_clustered_view,
    view_request,
    wide_graph,
)
from lineage_desktop.layout import (  # noqa: E402
    LayoutRequest,
    LayoutResult,
    compute_layout,
    cost,  # noqa: E402
    count_crossings,
)
from lineage_desktop.layout.dot import _parse_spline, _with_arrow_ends, layout_dot  # noqa: E402
from lineage_desktop.layout.prepared import prepare  # noqa: E402

SIZES = (1_000, 2_000, 5_000, 10_000)
DOT_DEFAULT_MAX = 5_000


@contextlib.contextmanager
def quiet_stderr():
    """Graphviz warns on stderr for every default label wider than its box: hide that."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def plain_dot(request: LayoutRequest) -> LayoutResult:
    """The baseline: pygraphviz with default settings, driven node by node."""
    import pygraphviz

    started = time.perf_counter()
    G = pygraphviz.AGraph(directed=True)
    G.graph_attr["rankdir"] = request.direction
    for node in request.nodes:
        G.add_node(node.key, shape="box", fixedsize="true",
                   width=node.width / 72, height=node.height / 72)
    for s, t in request.edges:
        G.add_edge(s, t)
    with quiet_stderr():
        G.layout(prog="dot")
    llx, lly, urx, ury = (float(v) for v in G.graph_attr["bb"].split(","))
    positions = {}
    for n in G.nodes():
        x, y = n.attr["pos"].split(",")
        positions[str(n)] = (float(x) - llx, ury - float(y))
    edges = {}
    for e in G.edges():
        points, start, end = _parse_spline(e.attr["pos"], ury, llx)
        edges[(str(e[0]), str(e[1]))] = tuple(_with_arrow_ends(points, start, end))
    sizes = {n.key: (n.width, n.height) for n in request.nodes}
    return LayoutResult(0, positions, sizes, edges, urx - llx, ury - lly, "plain dot",
                        request.direction, time.perf_counter() - started)


def timed(fn, request: LayoutRequest, repeats: int) -> tuple[float, LayoutResult]:
    """Median wall time of ``repeats`` runs (fewer if one run is slow) and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn(request)
        times.append(time.perf_counter() - started)
        if times[-1] > 3.0:
            break  # slow runs vary little relative to their length; one is enough
    return statistics.median(times), result


# The calibration set of ``layout/cost.py``: (name, graph factory) pairs.
CALIBRATION_GRAPHS = (
    [(f"lineage {n}", lambda n=n: lineage_dag(n, seed=n)) for n in
     (100, 300, 700, 1_200, 2_000, 3_000)]
    + [(f"clustered {n}/{e}", lambda n=n, e=e: clustered_view(n, e, seed=n)) for n, e in
       ((150, 400), (300, 800), (300, 1_200), (500, 1_400), (600, 1_200), (800, 2_200),
        (1_000, 2_500), (1_200, 3_500), (1_747, 3_500), (1_747, 5_005))]
    + [(f"clustered long {n}/{e}", lambda n=n, e=e: slow_clustered_view(n, e, seed=n)) for n, e in
       ((400, 1_100), (800, 2_200), (1_200, 3_500), (1_747, 5_005))]
    + [(f"wide {n}/{e}x{lv}", lambda n=n, e=e, lv=lv: wide_graph(n, e, seed=e, levels=lv))
       for n, e, lv in ((60, 500, 3), (100, 1_000, 3), (120, 2_000, 3), (200, 3_000, 3),
                        (80, 1_500, 5), (300, 4_000, 4))]
)
CALIBRATION_TIMEOUT = 25.0  # seconds; slower graphs count as "at least this" (censored)


def _dot_seconds(request: LayoutRequest, out) -> None:
    prep = prepare(request)
    started = time.process_time()
    layout_dot(prep)
    out.put(time.process_time() - started)


def measure_dot(request: LayoutRequest, timeout: float) -> float:
    """dot's CPU time on ``request`` in a fresh process, or ``inf`` past ``timeout``.

    CPU, not wall time: the machine is shared, and other work made dot's wall time vary
    up to six times between calibration runs; its CPU time (the wall time it takes on a
    free core, which is what the worker gets at best) varies far less."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    process = ctx.Process(target=_dot_seconds, args=(request, out))
    process.start()
    process.join(timeout + 10.0)  # + start-up: spawning and importing take a few seconds
    if process.is_alive():
        process.kill()
        process.join()
        return math.inf
    seconds = out.get() if not out.empty() else math.inf
    return seconds if seconds <= timeout else math.inf


def calibrate() -> None:
    """Measure dot on ``CALIBRATION_GRAPHS``, fit ``cost``'s power law, print both."""
    import numpy as np

    rows = []
    for name, factory in CALIBRATION_GRAPHS:
        request = view_request(factory())
        features = cost.dot_features(prepare(request))
        seconds = measure_dot(request, CALIBRATION_TIMEOUT)
        if seconds < 2.0:  # cheap to repeat: the faster of two is less disturbed
            seconds = min(seconds, measure_dot(request, CALIBRATION_TIMEOUT))
        rows.append((name, features, seconds))
        print(f"{name:<22} {features} {seconds:8.3f} s", flush=True)

    def design(f: cost.DotFeatures) -> list[float]:
        return [1.0, math.log(f.virtual_edges), math.log(1 + f.max_degree)]

    fit = [(f, s) for _, f, s in rows if math.isfinite(s) and f.edges]
    X = np.array([design(f) for f, _ in fit])
    y = np.log([s for _, s in fit])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    residual = y - X @ coef
    errors = abs(residual)
    print(f"\nLOG_SCALE, EXPONENT, DEGREE_EXPONENT = "
          f"{coef[0]:.3f}, {coef[1]:.3f}, {coef[2]:.3f}")
    print(f"{len(fit)} graphs fitted; error factor: median x{math.exp(np.median(errors)):.2f}"
          f", worst x{math.exp(errors.max()):.2f}")
    for name, f, s in rows:
        predicted = math.exp(float(np.array(design(f)) @ coef)) if f.edges else 0.0
        print(f"{name:<22} measured {s:8.3f} s  predicted {predicted:8.3f} s  "
              f"(current constants {cost.predict_dot_seconds(f):8.3f} s)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true",
                        help="measure dot on generated graphs and fit layout/cost.py")
    parser.add_argument("--with-dot-10k", action="store_true", help="also run dot at 10,000")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--direction", default="LR", choices=("LR", "TB"))
    args = parser.parse_args(argv)
    if args.calibrate:
        calibrate()
        return

    engines = {
        "plain dot": plain_dot,
        "our dot": lambda r: compute_layout(LayoutRequest(r.nodes, r.edges, r.direction, "dot")),
        "layered": lambda r: compute_layout(
            LayoutRequest(r.nodes, r.edges, r.direction, "layered")),
    }
    print(f"{'nodes':>6} {'edges':>6} {'engine':<10} {'seconds':>8} {'crossings':>10} "
          f"{'time/plain':>10} {'cross/plain':>11}")
    for n in args.sizes:
        G = lineage_dag(n, seed=0)
        request = layout_request(G, direction=args.direction)
        baseline: tuple[float, int] | None = None
        for name, fn in engines.items():
            if name != "layered" and n > DOT_DEFAULT_MAX and not args.with_dot_10k:
                skipped = "skipped (--with-dot-10k)"
                print(f"{n:>6} {G.number_of_edges():>6} {name:<10} {skipped:>30}")
                continue
            seconds, result = timed(fn, request, args.repeats)
            crossings = count_crossings(request, result)
            if name == "plain dot":
                baseline = (seconds, crossings)
            ratios = ""
            if baseline is not None:
                ratios = f"{seconds / baseline[0]:>10.3f} {crossings / max(baseline[1], 1):>11.2f}"
            print(f"{n:>6} {G.number_of_edges():>6} {name:<10} {seconds:>8.3f} {crossings:>10} "
                  f"{ratios}", flush=True)


if __name__ == "__main__":
    main()
