"""Focus graph of a version of the 100,000-run demo: read, cluster, size, lay out (issue 3).

    python benchmarks/bench_focus.py [--runs N] [--samples K]

For a spread of versions of every artifact, times the whole path the window takes:
``Api.lineage`` (recursive SQL) -> ``LineageModel.view()`` (levels, W&B clusters) ->
``build_layout_request`` (real font metrics) -> ``compute_layout``. The baseline in the
same run is the same graph laid out unclustered with plain ``dot``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import lineage_desktop as ld
from lineage_desktop.graph import LineageModel
from lineage_desktop.layout import LayoutNode, LayoutRequest, compute_layout
from lineage_desktop.ui.export.image import ensure_app
from lineage_desktop.ui.scene import build_layout_request


def demo_store(runs: int) -> Path:
    cache = Path(os.environ.get("LINEAGE_BENCH_CACHE", Path.home() / ".cache" / "lineage_desktop"))
    cache.mkdir(parents=True, exist_ok=True)
    store = cache / f"bench-{runs}.db"
    if not store.exists():
        subprocess.run([sys.executable, "-m", "lineage_desktop.cli.main", "demo", str(store),
                        "--runs", str(runs)], check=True)
    return store


def refs(api: ld.Api, samples: int) -> list[str]:
    chosen = []
    for collection in api.artifact_collections():
        count = collection.version_count
        for i in range(samples):
            chosen.append(f"{collection.name}:v{(count - 1) * i // max(samples - 1, 1)}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=8, help="versions per artifact")
    args = parser.parse_args()
    ensure_app()
    api = ld.Api(store=demo_store(args.runs))
    totals, sizes, engines, worst = [], [], set(), ("", 0.0)
    base_times: list[float] = []
    largest: list = []
    for ref in refs(api, args.samples):
        start = time.perf_counter()
        raw = api.lineage(ref)
        view = LineageModel(raw).view()
        request = build_layout_request(view)
        result = compute_layout(request)
        elapsed = time.perf_counter() - start
        totals.append(elapsed)
        sizes.append((raw.number_of_nodes(), view.number_of_nodes()))
        engines.add(result.engine)
        if elapsed > worst[1]:
            worst = (ref, elapsed)
        largest.append((raw.number_of_nodes(), ref, raw))
        largest = sorted(largest, key=lambda item: -item[0])[:8]
    for _, _ref, raw in largest:  # baseline: the biggest raw graphs, unclustered, plain dot
        plain = LayoutRequest(tuple(LayoutNode(str(k), 200, 56) for k in raw.nodes),
                              tuple((str(s), str(t)) for s, t in raw.edges), engine="dot")
        start = time.perf_counter()
        compute_layout(plain)
        base_times.append(time.perf_counter() - start)
    raw_nodes = [r for r, _ in sizes]
    view_nodes = [v for _, v in sizes]
    print(f"{len(totals)} focus versions of the {args.runs}-run demo "
          f"(raw nodes median {statistics.median(raw_nodes):.0f}, max {max(raw_nodes)}; "
          f"visible median {statistics.median(view_nodes):.0f}, max {max(view_nodes)})")
    print(f"read + cluster + size + layout: median {statistics.median(totals) * 1000:.1f} ms, "
          f"max {max(totals) * 1000:.1f} ms ({worst[0]}), budget 300 ms; engines {engines}")
    print(f"baseline: the {len(base_times)} largest raw graphs ({largest[-1][0]}-{largest[0][0]} "
          f"nodes) unclustered through plain dot: median "
          f"{statistics.median(base_times) * 1000:.1f} ms, max {max(base_times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
