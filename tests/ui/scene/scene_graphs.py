"""Small view graphs and a layered placement for scene tests (no layout engine needed)."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.ui.scene.cards import node_sizes

COL_GAP = 90.0
ROW_GAP = 36.0


def grid_layout(view_graph: nx.DiGraph, direction: str = "LR") -> LayoutResult:
    """Place nodes in columns by ``level`` (rows in order), edges as simple S-curves.

    Good enough to exercise the scene; the real engines live in ``lineage_desktop.layout``.
    """
    sizes = node_sizes(view_graph)
    columns: dict[int, list[str]] = defaultdict(list)
    for key, attrs in view_graph.nodes(data=True):
        columns[int(attrs.get("level", 0))].append(key)
    col_w = max((w for w, _ in sizes.values()), default=200.0) + COL_GAP
    positions: dict[str, tuple[float, float]] = {}
    height = 0.0
    for i, level in enumerate(sorted(columns)):
        y = 0.0
        for key in columns[level]:
            w, h = sizes[key]
            positions[key] = (i * col_w + col_w / 2, y + h / 2)
            y += h + ROW_GAP
        height = max(height, y)
    edges = {}
    for s, t in view_graph.edges():
        if s == t:
            continue  # self-loops: the scene draws its own loop
        (sx, sy), (tx, ty) = positions[s], positions[t]
        p0 = (sx + sizes[s][0] / 2, sy)
        p1 = (tx - sizes[t][0] / 2, ty)
        k = (p1[0] - p0[0]) / 2
        edges[(s, t)] = (p0, (p0[0] + k, p0[1]), (p1[0] - k, p1[1]), p1)
    return LayoutResult(
        request_id=0,
        positions=positions,
        sizes=sizes,
        edges=edges,
        width=len(columns) * col_w,
        height=height,
        engine="grid",
        direction=direction,
    )


def small_graph() -> nx.DiGraph:
    """raw-data:v0 -> preprocess run -> clean-data:v2 -> train run -> churn-model:v3 -> eval."""
    g = nx.DiGraph(focus="artifact:churn-model:v3")
    g.add_node(
        "artifact:raw-data:v0",
        kind="artifact",
        label="raw-data:v0",
        type="dataset",
        aliases=["latest"],
        level=-4,
    )
    g.add_node(
        "run:pre1",
        kind="run",
        label="preprocess-7",
        type="preprocess",
        job_type="preprocess",
        state="finished",
        level=-3,
    )
    g.add_node(
        "artifact:clean-data:v2",
        kind="artifact",
        label="clean-data:v2",
        type="dataset",
        aliases=[],
        level=-2,
        description="<b>bold</b> description",
    )
    g.add_node(
        "run:train1",
        kind="run",
        label="train-<b>42</b>",
        type="train",
        job_type="train",
        state="failed",
        level=-1,
    )
    g.add_node(
        "artifact:churn-model:v3",
        kind="artifact",
        label="churn-model:v3",
        type="model",
        aliases=["best", "latest", "production"],
        level=0,
    )
    g.add_node(
        "run:eval1",
        kind="run",
        label="evaluate",
        type="eval",
        job_type="eval",
        state="running",
        level=1,
    )
    g.add_node(
        "cluster:1:run:score",
        kind="cluster",
        member_kind="run",
        type="score",
        label="12 runs",
        count=12,
        members=[f"run:s{i}" for i in range(12)],
        level=1,
    )
    g.add_node(
        "artifact:report:v0",
        kind="artifact",
        label="a-very-long-report-artifact-name-that-needs-eliding:v0",
        type="report",
        aliases=[],
        level=2,
    )
    g.add_edge("artifact:raw-data:v0", "run:pre1")
    g.add_edge("run:pre1", "artifact:clean-data:v2")
    g.add_edge("artifact:clean-data:v2", "run:train1")
    g.add_edge("run:train1", "artifact:churn-model:v3")
    g.add_edge("artifact:churn-model:v3", "run:eval1")
    g.add_edge("artifact:churn-model:v3", "cluster:1:run:score")
    g.add_edge("run:eval1", "artifact:report:v0")
    return g


def chain_graph(levels: int, width: int) -> nx.DiGraph:
    """``levels`` alternating artifact/run columns of ``width`` nodes, each fed by its row."""
    g = nx.DiGraph(focus="artifact:a0-0:v0")
    for level in range(levels):
        for row in range(width):
            if level % 2 == 0:
                key = f"artifact:a{level}-{row}:v0"
                g.add_node(
                    key,
                    kind="artifact",
                    label=f"a{level}-{row}:v0",
                    type="dataset",
                    aliases=[],
                    level=level,
                )
            else:
                key = f"run:r{level}-{row}"
                g.add_node(
                    key,
                    kind="run",
                    label=f"run-{level}-{row}",
                    type="train",
                    job_type="train",
                    state="finished",
                    level=level,
                )
            if level:
                prev = (
                    f"artifact:a{level - 1}-{row}:v0"
                    if level % 2 == 1
                    else f"run:r{level - 1}-{row}"
                )
                g.add_edge(prev, key)
    return g


def view_point(view, scene_point):
    """Viewport pixel of a scene point (what a test clicks)."""
    return view.mapFromScene(scene_point)
