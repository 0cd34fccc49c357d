"""``compute_layout``: the pure, picklable entry point the worker process runs."""
from __future__ import annotations

import time

from lineage_desktop.layout.dot import layout_dot
from lineage_desktop.layout.layered import layout_layered
from lineage_desktop.layout.prepared import prepare
from lineage_desktop.layout.types import LayoutRequest, LayoutResult, Placement

# Above this many nodes "auto" switches from dot to the layered engine: dot takes about
# 0.9 s at 2,000 nodes and grows faster than quadratically (51 s at 10,000).
DOT_NODE_LIMIT = 2_000


def choose_engine(request: LayoutRequest) -> str:
    """The engine that ``request`` runs on: its own choice, or by size for ``"auto"``."""
    if request.engine != "auto":
        return request.engine
    return "dot" if len(request.nodes) <= DOT_NODE_LIMIT else "layered"


def compute_layout(request: LayoutRequest) -> LayoutResult:
    """Lay out ``request``; same input (in any order) gives the same result.

    Raises ``ValueError`` for an unknown direction or engine and
    ``lineage_desktop.layout.dot.GraphvizError`` if Graphviz fails. Bad data (cycles,
    self loops, duplicate edges, edges to unknown nodes) never raises.
    """
    started = time.perf_counter()
    prep = prepare(request)
    engine = choose_engine(request)
    placement: Placement
    if prep.n == 0:
        placement = {}, {}, 0.0, 0.0
    elif engine == "dot":
        placement = layout_dot(prep)
    else:
        placement = layout_layered(prep)
    positions, edges, width, height = placement
    sizes = {k: (w, h) for k, w, h in zip(prep.keys, prep.width.tolist(), prep.height.tolist())}
    return LayoutResult(
        request_id=request.request_id,
        positions=positions,
        sizes=sizes,
        edges=edges,
        width=width,
        height=height,
        engine=engine,
        direction=request.direction,
        seconds=time.perf_counter() - started,
        extra={"nodes": float(prep.n), "edges": float(len(prep.edges))},
    )
