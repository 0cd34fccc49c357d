"""Time to the first and to the final layout through ``LayoutService`` vs plain dot.

Run from the repository root::

    .venv/bin/python benchmarks/bench_layout_engine.py          # quick: dot capped, < 40 s
    .venv/bin/python benchmarks/bench_layout_engine.py --full   # no cap below 30 s, more runs

For each generated graph (plain lineage DAGs, a wide edge-heavy graph, the issue's
clustered view of 1,747 nodes and 5,005 edges) it submits the graph to a warmed
``LayoutService`` ("auto": the cost model picks the engine, dot runs under the time
budget) and records when the first answer arrived and when the final one did, against
plain pygraphviz ``dot`` on the same graph in the same run (``bench_layout.plain_dot``,
in a child process so that it can be stopped at the cap). Before this change "auto"
sent every graph here to dot (they all have fewer than 2,000 nodes), so plain dot's time
is also the old time to the first answer. Medians and p95 (``_stats``).
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import networkx as nx  # noqa: E402

from benchmarks._lineage_graphs import (  # noqa: E402
    clustered_view,
    lineage_dag,
    slow_clustered_view,
    view_request,
    wide_graph,
)
from benchmarks._stats import report  # noqa: E402
from benchmarks.bench_layout import plain_dot  # noqa: E402
from lineage_desktop.layout import (  # noqa: E402
    LayoutRequest,
    LayoutResult,
    LayoutService,
    plan_engine,
)

QUICK_CAP = 5.0  # seconds: dot runs (ours and plain) are stopped here in the quick mode
FULL_CAP = 30.0  # the service's own hard cap

GRAPHS: dict[str, Callable[[], nx.DiGraph]] = {
    "lineage 500": lambda: lineage_dag(500, seed=5),
    "lineage 1,500": lambda: lineage_dag(1_500, seed=15),
    "wide 150 nodes / 2,000 edges": lambda: wide_graph(150, 2_000, seed=2),
    "clustered 1,747 / 5,005": lambda: clustered_view(1_747, 5_005, seed=1_747),
}
FULL_ONLY: dict[str, Callable[[], nx.DiGraph]] = {
    "clustered 1,747 / 5,005, long edges": lambda: slow_clustered_view(seed=1_747),
}


def _plain_dot_seconds(request: LayoutRequest) -> float:
    started = time.perf_counter()
    plain_dot(request)
    return time.perf_counter() - started


class PlainDot:
    """Plain dot in a child process, stopped (and replaced) when it runs past ``cap``."""

    def __init__(self, cap: float) -> None:
        self.cap = cap
        self._pool = self._start()

    def _start(self):
        pool = multiprocessing.get_context("spawn").Pool(1)
        pool.apply(time.sleep, (0,))  # started and imported before anything is timed
        return pool

    def seconds(self, request: LayoutRequest) -> float | None:
        """dot's wall time on ``request``, or None when it passed the cap."""
        pending = self._pool.apply_async(_plain_dot_seconds, (request,))
        try:
            return pending.get(timeout=self.cap + 1.0)  # + the trip of the request
        except multiprocessing.TimeoutError:
            self._pool.terminate()
            self._pool = self._start()
            return None

    def close(self) -> None:
        self._pool.terminate()


def through_service(service: LayoutService, request: LayoutRequest) -> tuple[float, float, str]:
    """Seconds to the first answer, to the final one, and the final engine (cold cache)."""
    service.clear_cache()
    first: list[float] = []
    final = threading.Event()
    engines: list[str] = []

    def on_done(result: LayoutResult) -> None:
        first.append(time.perf_counter())
        if not result.provisional:
            engines.append(result.engine + (" (dot stopped)" if result.extra.get(
                "dot_abandoned") else ""))
            final.set()

    started = time.perf_counter()
    service.submit(request, on_done, lambda exc: final.set())
    if not final.wait(service.hard_cap + 60.0):
        raise RuntimeError("the layout service did not answer")
    finished = time.perf_counter()
    return first[0] - started, finished - started, engines[0] if engines else "error"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true",
                        help=f"dot capped at {FULL_CAP:.0f} s only, 5 runs, one more graph")
    parser.add_argument("--repeats", type=int, help="service runs per graph")
    args = parser.parse_args(argv)
    cap = FULL_CAP if args.full else QUICK_CAP
    repeats = args.repeats or (5 if args.full else 2)
    graphs = {**GRAPHS, **(FULL_ONLY if args.full else {})}

    plain = PlainDot(cap)
    service = LayoutService(hard_cap=cap)
    service.warm_up(wait=True)
    try:
        for name, factory in graphs.items():
            G = factory()
            request = view_request(G)
            plan = plan_engine(request)
            print(f"\n{name}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges; "
                  f"auto -> {plan.engine}, dot predicted {plan.dot_seconds:.2f} s", flush=True)
            runs = [through_service(service, request) for _ in range(repeats)]
            measured: list[float] = []
            for _ in range(3 if args.full else 1):
                seconds = plain.seconds(request)
                if seconds is None:
                    break
                measured.append(seconds)
                if seconds > 3.0:
                    break  # slow runs vary little relative to their length
            if measured:
                report("  plain dot (= old first answer)", measured, unit="s")
            else:
                print(f"  plain dot (= old first answer)                   > {cap:.1f} s "
                      "(stopped at the cap)")
            base = measured or [cap]  # ratios against the cap are lower bounds
            report("  service: first answer", [r[0] for r in runs], base, unit="s")
            report("  service: final answer", [r[1] for r in runs], base, unit="s")
            print(f"  final engine: {', '.join(sorted({r[2] for r in runs}))}", flush=True)
    finally:
        service.shutdown(wait=False)
        plain.close()


if __name__ == "__main__":
    main()
