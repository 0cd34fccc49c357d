"""Layout benchmark: plain pygraphviz dot vs our dot path vs the layered engine.

Run from the repository root::

    .venv/bin/python benchmarks/bench_layout.py            # 1k, 2k, 5k (dot), 10k (layered)
    .venv/bin/python benchmarks/bench_layout.py --with-dot-10k   # adds dot at 10k (~1 min)

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
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._lineage_graphs import layout_request, lineage_dag  # noqa: E402
from lineage_desktop.layout import (  # noqa: E402
    LayoutRequest,
    LayoutResult,
    compute_layout,
    count_crossings,
)
from lineage_desktop.layout.dot import _parse_spline, _with_arrow_ends  # noqa: E402

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-dot-10k", action="store_true", help="also run dot at 10,000")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--direction", default="LR", choices=("LR", "TB"))
    args = parser.parse_args(argv)

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
