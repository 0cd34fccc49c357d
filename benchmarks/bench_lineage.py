"""Large lineage results against the recursive-CTE floor (issue 12).

    python benchmarks/bench_lineage.py [--full] [--repeat N]

A hub version used by N runs, each logging a version (``benchmarks/_wide.py``): the
lineage of the hub both ways is 2N + 2 nodes. Interleaved in one run:

- floor: the store's own traversal SQL (both directions) fetched, nothing built;
- ``Api.lineage``: the traversal, the records and the networkx graph;
- ``LineageModel.view()`` with clusters on (the two wide levels collapse) and off.

Quick (the default, what ``make bench`` runs): N = 5,000. ``--full``: N = 25,000
(50,002 nodes, the issue's wide graph).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lineage_desktop as ld  # noqa: E402
from benchmarks._stats import interleaved, report  # noqa: E402
from benchmarks._wide import wide_store  # noqa: E402
from lineage_desktop.graph import LineageModel  # noqa: E402
from lineage_desktop.store.lineage import traversal_sql  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--repeat", type=int, default=0)
    args = parser.parse_args()
    runs = 25_000 if args.full else 5_000
    repeat = args.repeat or (5 if args.full else 7)
    path = wide_store(runs)
    api = ld.Api(store=path)
    store = api.store
    hub = api.artifact("hub:v0").id

    def floor() -> None:
        outputs = store._outputs()
        for direction in ("up", "down"):
            sql, params = traversal_sql("v", hub, direction, None, None, outputs)
            store._conn.execute(sql, params).fetchall()

    graph = api.lineage("hub:v0")
    print(f"lineage of hub:v0: {graph.number_of_nodes():,} nodes, "
          f"{graph.number_of_edges():,} edges; {repeat} interleaved samples")
    samples = interleaved({
        "floor": floor,
        "lineage": lambda: api.lineage("hub:v0"),
        "view, clusters on": lambda: LineageModel(graph).view(),
        "view, clusters off": lambda: LineageModel(graph, cluster_threshold=0).view(),
    }, repeat)
    report("recursive CTE, both ways (floor)", samples["floor"])
    report("Api.lineage", samples["lineage"], samples["floor"])
    report("LineageModel.view, clusters on", samples["view, clusters on"], samples["floor"])
    report("LineageModel.view, clusters off", samples["view, clusters off"], samples["floor"])
    api.close()


if __name__ == "__main__":
    main()
