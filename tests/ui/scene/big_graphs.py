"""A wide lineage (a hub used by many runs, each logging a model) and a column layout of
it, big enough to go through the scene's sliced build; shared by the tests here."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import networkx as nx  # noqa: E402

from lineage_desktop.layout.types import LayoutResult  # noqa: E402
from lineage_desktop.ui.scene import build_layout_request  # noqa: E402

COL_GAP, ROW_GAP = 80.0, 16.0


def wide_graph(runs: int, prefix: str = "") -> nx.DiGraph:
    """``hub:v0`` -> ``runs`` train runs -> one ``out`` version each (``2 * runs + 1``
    nodes and ``2 * runs`` edges); ``prefix`` makes the keys of another graph."""
    hub = f"artifact:{prefix}hub:v0"
    g = nx.DiGraph(focus=hub)
    g.add_node(
        hub, kind="artifact", label=f"{prefix}hub:v0", type="dataset", aliases=["latest"], level=0
    )
    for i in range(runs):
        run, out = f"run:{prefix}r{i:07d}", f"artifact:{prefix}out:v{i}"
        g.add_node(
            run,
            kind="run",
            label=f"train-{i}",
            job_type="train",
            state="running" if i == 0 else "finished",
            level=1,
        )
        g.add_node(out, kind="artifact", label=f"{prefix}out:v{i}", type="model", level=2)
        g.add_edge(hub, run)
        g.add_edge(run, out)
    return g


def column_layout(view_graph: nx.DiGraph) -> LayoutResult:
    """Columns by ``level``, sized from the real layout request, S-curves between them."""
    request = build_layout_request(view_graph)
    sizes = {n.key: (n.width, n.height) for n in request.nodes}
    col_w = max(w for w, _ in sizes.values()) + COL_GAP
    rows: dict[int, float] = {}
    positions = {}
    for key, attrs in view_graph.nodes(data=True):
        level = int(attrs.get("level", 0))
        y = rows.get(level, 0.0)
        w, h = sizes[key]
        positions[key] = (level * col_w + col_w / 2, y + h / 2)
        rows[level] = y + h + ROW_GAP
    edges = {}
    for s, t in view_graph.edges():
        (sx, sy), (tx, ty) = positions[s], positions[t]
        p0, p1 = (sx + sizes[s][0] / 2, sy), (tx - sizes[t][0] / 2, ty)
        k = (p1[0] - p0[0]) / 2
        edges[(s, t)] = (p0, (p0[0] + k, p0[1]), (p1[0] - k, p1[1]), p1)
    return LayoutResult(
        request_id=0,
        positions=positions,
        sizes=sizes,
        edges=edges,
        width=len(rows) * col_w,
        height=max(rows.values()),
        engine="grid",
        direction="LR",
    )
