"""Graphviz ``dot`` through pygraphviz, converted once into scene coordinates.

The graph goes in as one DOT string (three times faster than ``add_node``/``add_edge``)
with nodes named ``n0, n1, ...`` by their index in key order: keys never enter the DOT
text, so keys holding quotes, backslashes, colons or newlines need no escaping. The layout comes
back as Graphviz's JSON rendering, parsed by the C ``json`` module, instead of one
attribute lookup per node and edge.

Graphviz units are points (1/72 inch) with y growing upwards; one scene unit is one
point, so a box ``w`` units wide is ``w / 72`` inches, and y is flipped against the
bounding box.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from lineage_desktop.layout.ordering import bfs_sequence
from lineage_desktop.layout.prepared import Prepared, border_point, straight_edge
from lineage_desktop.layout.ranking import ranks_for
from lineage_desktop.layout.types import Placement, Point

POINTS_PER_INCH = 72.0


class GraphvizError(RuntimeError):
    """Graphviz failed to lay out or render the graph."""


def emission_order(prep: Prepared) -> np.ndarray:
    """The order to list nodes in: breadth-first from the sources, ties by key.

    dot's crossing minimisation starts from the order nodes appear in. Key order scatters
    related nodes (run ids are random) and cost about 6 % more crossings on lineage graphs
    than this order, which still depends on nothing but the graph's content.
    """
    if not prep.edges:
        return np.arange(prep.n)
    pairs = np.array(prep.edges, dtype=np.int64)
    ranks = ranks_for(prep.n, pairs[:, 0], pairs[:, 1], None)
    sequence, _ = bfs_sequence(prep.n, ranks, pairs[:, 0], pairs[:, 1])
    return sequence


def dot_source(prep: Prepared) -> str:
    """The DOT text for ``prep``: box nodes of fixed size, no labels (the UI draws them)."""
    ppi = POINTS_PER_INCH
    order = emission_order(prep)
    slot = np.empty(prep.n, dtype=np.int64)
    slot[order] = np.arange(prep.n)
    widths, heights = prep.width.tolist(), prep.height.tolist()
    lines = [
        "digraph G {",
        f"graph [rankdir={prep.direction}, splines=true, nodesep={prep.node_gap / ppi:.4f}, "
        f"ranksep={prep.rank_gap / ppi:.4f}];",
        # label="" skips text measurement; fixedsize keeps boxes exactly the given size.
        'node [shape=box, fixedsize=true, label=""];',
    ]
    lines += [
        f"n{i} [width={widths[i] / ppi:.5f}, height={heights[i] / ppi:.5f}];"
        for i in order.tolist()
    ]
    slots = slot.tolist()
    edges = sorted(prep.edges, key=lambda e: (slots[e[0]], slots[e[1]]))
    lines += [f"n{s} -> n{t};" for s, t in edges]
    lines.append("}")
    return "\n".join(lines)


def run_graphviz(source: str, prog: str = "dot") -> dict[str, Any]:
    """Lay out DOT ``source`` in this process and return Graphviz's ``json0`` rendering."""
    import pygraphviz  # imported here: only the worker process needs Graphviz loaded
    from pygraphviz import graphviz as gv

    graph = pygraphviz.AGraph(string=source)
    # Call libgvc directly: AGraph.draw(prog=...) writes a warning to stderr above 1,000
    # nodes and AGraph.layout() renders a DOT text we would not use.
    gvc = gv.gvContextWithBuiltins()
    try:
        if gv.gvLayout(gvc, graph.handle, prog.encode()) != 0:
            raise GraphvizError(f"Graphviz could not lay out the graph with {prog!r}")
        try:
            err, data = gv.gvRenderData(gvc, graph.handle, b"json0")
        finally:
            gv.gvFreeLayout(gvc, graph.handle)
        if err:
            raise GraphvizError(f"Graphviz could not render the layout (error {err})")
    finally:
        gv.gvFreeContext(gvc)
    rendering: dict[str, Any] = json.loads(data)
    return rendering


def _parse_spline(
    text: str, flip: float, left: float
) -> tuple[list[Point], Point | None, Point | None]:
    """Points of an edge ``pos`` (``[s,x,y] [e,x,y] p0 c1 c2 p1 ...``), flipped to scene."""
    start = end = None
    points: list[Point] = []
    # Several splines (';') only appear with concentrate=true; the first is the edge.
    for token in text.split(";")[0].split():
        head, _, rest = token.partition(",")
        if head == "e" or head == "s":
            x, y = rest.split(",")
            p = (float(x) - left, flip - float(y))
            if head == "e":
                end = p
            else:
                start = p
        else:
            points.append((float(head) - left, flip - float(rest)))
    return points, start, end


def _with_arrow_ends(points: list[Point], start: Point | None, end: Point | None) -> list[Point]:
    """Extend the spline straight to the arrow tips so the curve touches both borders.

    Graphviz stops the spline at the arrowhead's base and gives the tip separately; a
    straight cubic segment from base to tip keeps ``1 + 3k`` points and the final tangent
    along the arrow.
    """
    if end is not None:
        points = points + list(straight_edge(points[-1], end)[1:])
    if start is not None:
        points = list(straight_edge(start, points[0])[:3]) + points
    return points


def layout_dot(prep: Prepared) -> Placement:
    """``(positions, edges, width, height)`` of ``prep`` laid out by ``dot``, scene units."""
    data = run_graphviz(dot_source(prep))
    llx, lly, urx, ury = (float(v) for v in data.get("bb", "0,0,0,0").split(","))
    keys = prep.keys
    positions: dict[str, Point] = {}
    gvid_to_index: dict[int, int] = {}
    for obj in data.get("objects", ()):
        name = obj.get("name", "")
        if not name.startswith("n") or "pos" not in obj:
            continue  # subgraphs have no position
        i = int(name[1:])
        gvid_to_index[obj["_gvid"]] = i
        x, y = obj["pos"].split(",")
        positions[keys[i]] = (float(x) - llx, ury - float(y))
    sizes = {k: (w, h) for k, w, h in zip(keys, prep.width.tolist(), prep.height.tolist())}
    edges: dict[tuple[str, str], tuple[Point, ...]] = {}
    for obj in data.get("edges", ()):
        s, t = keys[gvid_to_index[obj["tail"]]], keys[gvid_to_index[obj["head"]]]
        points: list[Point] = []
        if "pos" in obj:
            points, start, end = _parse_spline(obj["pos"], ury, llx)
            if len(points) >= 4:
                points = _with_arrow_ends(points, start, end)
        if len(points) < 4 or (len(points) - 1) % 3:
            # Graphviz gave up routing this edge: draw it straight, border to border.
            p = border_point(positions[s], sizes[s], positions[t])
            q = border_point(positions[t], sizes[t], positions[s])
            points = list(straight_edge(p, q))
        edges[(s, t)] = tuple(points)
    return positions, edges, urx - llx, ury - lly
