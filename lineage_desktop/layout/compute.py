"""``compute_layout``: the pure, picklable entry point the worker process runs, and the
choice of engine for ``engine="auto"``.

"auto" asks the cost model (``cost``) how long ``dot`` would take: dot when that is at
most ``DOT_REFINE_LIMIT`` seconds, the layered engine beyond. Node count alone misleads:
a clustered view of 1,747 nodes and 5,005 edges took dot 45.9 s, a plain lineage graph
of 2,000 nodes under 1 s. ``LayoutService`` runs an "auto" dot layout with a time
budget: if dot has not answered within ``DOT_BUDGET`` seconds the layered layout is
shown first and dot's replaces it when it finishes (killed after ``DOT_HARD_CAP``).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from lineage_desktop.layout.cost import SCREEN_EDGES, SCREEN_NODES, estimate_dot_seconds
from lineage_desktop.layout.dot import layout_dot
from lineage_desktop.layout.fold import fold
from lineage_desktop.layout.layered import layout_layered
from lineage_desktop.layout.prepared import prepare
from lineage_desktop.layout.types import LayoutRequest, LayoutResult, Placement

# Seconds a view waits for dot before the layered layout is shown in its place.
DOT_BUDGET = 1.0
# Predicted dot seconds up to which "auto" runs dot as a plain request, without the
# budget's second worker: even the model's worst error (x2.4) keeps it within the budget,
# and such layouts keep the first worker's fault handling (retried, then inline once).
DOT_DIRECT_LIMIT = 0.25
# Predicted dot seconds beyond which "auto" does not run dot at all: a refined layout
# arriving later than this replaces one the user has started to read, and the model's
# worst error (about 2x, see ``cost.CALIBRATION``) must stay well below the hard cap.
DOT_REFINE_LIMIT = 10.0
# A budgeted dot run still going after this many seconds is stopped (its worker killed).
DOT_HARD_CAP = 30.0


@dataclass(frozen=True, slots=True)
class EnginePlan:
    """How a request is laid out: ``engine`` gives the final answer; ``budgeted`` when it
    is dot chosen by "auto" (so run with the time budget and the layered layout as
    fallback when predicted above ``DOT_DIRECT_LIMIT``); ``dot_seconds`` is the cost
    model's prediction (NaN when the caller chose the engine)."""

    engine: str
    budgeted: bool
    dot_seconds: float


def plan_engine(request: LayoutRequest) -> EnginePlan:
    """The engine ``request`` runs on: its own choice, or by predicted dot time for "auto"."""
    if request.engine != "auto":
        return EnginePlan(request.engine, False, math.nan)
    if len(request.nodes) > SCREEN_NODES or len(request.edges) > SCREEN_EDGES:
        return EnginePlan("layered", False, math.inf)  # not worth preparing to ask
    try:
        prep = prepare(request)
    except ValueError:  # a bad direction: ``compute_layout`` raises it where it is caught
        return EnginePlan("auto", False, math.nan)
    seconds = estimate_dot_seconds(prep)
    if seconds <= DOT_REFINE_LIMIT:
        return EnginePlan("dot", True, seconds)
    return EnginePlan("layered", False, seconds)


def choose_engine(request: LayoutRequest) -> str:
    """The engine that ``request`` runs on (see ``plan_engine``)."""
    return plan_engine(request).engine


def compute_layout(request: LayoutRequest) -> LayoutResult:
    """Lay out ``request``; same input (in any order) gives the same result, folded
    into bands when it is much longer than ``request.viewport``'s aspect (``fold``).

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
    result = LayoutResult(
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
    folded = fold(result, request.viewport)
    return replace(folded, seconds=time.perf_counter() - started)
