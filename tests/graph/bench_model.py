"""Micro-benchmark of the graph layer (not a test: run it as a script).

    .venv/bin/python tests/graph/bench_model.py

Builds synthetic lineages (a wide sweep and a deep layered pipeline) and times the model
pipeline and the exports against a baseline in the same run, ``networkx.DiGraph.copy``
of the raw graph, printing ratios so numbers compare across machines.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from lineage_builder import LineageBuilder  # noqa: E402

from lineage_desktop.graph import (  # noqa: E402
    LineageModel,
    dumps_json,
    to_dot,
    to_graphml,
    to_mermaid,
)


def sweep(runs: int):
    """One dataset used by ``runs`` train runs, each logging 3 versions of one model."""
    b = LineageBuilder()
    data = b.artifact("data")
    for i in range(runs):
        outs = [b.artifact(f"model-{i % 50}", i // 50 * 3 + j, type="model") for j in range(3)]
        b.job(f"r{i}", "train", [data], outs)
    return b.build(data)


def pipeline(width: int, depth: int):
    """``depth`` stages of ``width`` runs, each consuming two outputs of the stage before."""
    b = LineageBuilder()
    root = b.artifact("root")
    previous = [root]
    for stage in range(depth):
        current = []
        for i in range(width):
            out = b.artifact(f"s{stage}-{i}", type=f"stage{stage % 3}")
            inputs = {previous[i % len(previous)], previous[(i * 7 + 1) % len(previous)]}
            b.job(f"s{stage}r{i}", f"job{stage % 4}", sorted(inputs), [out])
            current.append(out)
        previous = current
    return b.build(root)


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    for name, raw in (("sweep 2,000 runs", sweep(2_000)), ("pipeline 20x250", pipeline(250, 20))):
        base = best_of(raw.copy)
        view_t = best_of(lambda: LineageModel(raw).view())
        model = LineageModel(raw)
        view = model.view()
        key = next(n for n in view if view.nodes[n]["kind"] == "cluster")
        extract_t = best_of(lambda: (model.extract(view.nodes[key]["members"][0]),
                                     model.view(), model.unextract(view.nodes[key]["members"][0]),
                                     model.view()))
        search_t = best_of(lambda: model.search(key, "1"))
        print(f"{name}: raw {raw.number_of_nodes()} nodes/{raw.number_of_edges()} edges -> "
              f"view {view.number_of_nodes()} nodes; baseline copy {base * 1e3:.1f} ms")
        print(f"  view() {view_t * 1e3:.1f} ms ({view_t / base:.1f}x copy); "
              f"extract+rebuild x2 {extract_t * 1e3:.1f} ms; search {search_t * 1e3:.2f} ms")
        unclustered = LineageModel(raw, cluster_threshold=None).view()
        for label, fn in (("dot", to_dot), ("graphml", to_graphml), ("mermaid", to_mermaid),
                          ("json", dumps_json)):
            t = best_of(lambda: fn(unclustered), repeat=1)
            print(f"  {label} of {unclustered.number_of_nodes()} nodes: {t * 1e3:.1f} ms "
                  f"({t / base:.1f}x copy)")


if __name__ == "__main__":
    main()
