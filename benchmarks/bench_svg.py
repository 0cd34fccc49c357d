"""Size of our SVG export against plain Graphviz's SVG of the same graph (issue 12).

    python benchmarks/bench_svg.py          # 1,000 nodes (well under 30 s)
    python benchmarks/bench_svg.py --full   # also 10,000 nodes (dot's layout takes minutes)

For each size: a lineage DAG from ``_lineage_graphs.lineage_dag``, exported to SVG through
``render_graph_image`` (the CLI's path: window scene, QSvgGenerator, ``svg_compact``), and
its ``graph.export.to_dot`` text drawn by Graphviz (pygraphviz, ``dot``, ``format="svg"``).
Prints bytes, bytes per node, the ratio ours/Graphviz (goal: at most 2) and, for
reference, the size QSvgGenerator wrote before compaction. Times are one run each
(medians would need minutes at 10k); sizes are deterministic.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygraphviz  # noqa: E402

from benchmarks._lineage_graphs import lineage_dag  # noqa: E402
from benchmarks._stats import timed  # noqa: E402
from lineage_desktop.graph.export import to_dot  # noqa: E402
from lineage_desktop.layout import compute_layout  # noqa: E402
from lineage_desktop.ui.export import image  # noqa: E402
from lineage_desktop.ui.scene.cards import build_layout_request  # noqa: E402


def measure(nodes: int, folder: Path) -> None:
    graph = lineage_dag(nodes, seed=0)
    layout = compute_layout(build_layout_request(graph, "LR"))
    raw: list[int] = []
    compact = image.compact_svg

    def counting(data: bytes) -> bytes:  # the uncompacted size, for the report only
        raw.append(len(data))
        return compact(data)

    image.compact_svg = counting
    path = folder / f"ours-{nodes}.svg"
    try:
        [ours_s] = timed(lambda: image.render_graph_image(graph, layout, path, "svg"), 1)
    finally:
        image.compact_svg = compact
    ours = path.stat().st_size
    dot = to_dot(graph, "LR")
    svg: list[bytes] = []
    [gv_s] = timed(lambda: svg.append(pygraphviz.AGraph(string=dot).draw(format="svg",
                                                                        prog="dot")), 1)
    theirs = len(svg[0])
    print(f"{nodes:>6} nodes  ours {ours:>11,} B ({ours / nodes:,.0f} B/node, {ours_s:.1f} s)"
          f"  graphviz {theirs:>11,} B ({theirs / nodes:,.0f} B/node, {gv_s:.1f} s, layout"
          f" included)  ratio {ours / theirs:.2f}  [QSvgGenerator alone {raw[0]:,} B,"
          f" {raw[0] / theirs:.1f}x graphviz]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also 10,000 nodes (slow: dot)")
    args = parser.parse_args()
    image.ensure_app()
    with tempfile.TemporaryDirectory() as folder:
        for nodes in (1_000, 10_000) if args.full else (1_000,):
            measure(nodes, Path(folder))


if __name__ == "__main__":
    main()
