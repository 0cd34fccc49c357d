"""Plain, picklable layout request and result: the only things that cross into the worker."""
from __future__ import annotations

from dataclasses import dataclass, field

Point = tuple[float, float]
# What an engine computes: ``(positions, edges, width, height)`` as in ``LayoutResult``.
Placement = tuple[dict[str, Point], dict[tuple[str, str], tuple[Point, ...]], float, float]


@dataclass(frozen=True, slots=True)
class LayoutNode:
    """A box to place. ``width``/``height`` are scene units (1 unit = 1 px at 1:1 zoom).

    ``rank`` is the node's level (signed distance from the focus); the fast layered engine
    uses it, ``dot`` ignores it.
    """

    key: str
    width: float
    height: float
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class LayoutRequest:
    """What to lay out. Edges naming a node not in ``nodes`` are ignored, duplicates merged.

    ``node_gap`` is the space between neighbouring boxes of one rank and ``rank_gap`` the
    space between ranks, both in scene units; ``None`` picks a default for the direction.
    ``engine="auto"`` uses ``dot`` when the cost model predicts it finishes within
    ``compute.DOT_REFINE_LIMIT`` seconds and ``layered`` otherwise (see ``compute``).
    ``viewport`` is the size in pixels ``(width, height)`` of the view that will show
    the result: a layout much longer than the view's aspect is folded into bands to fit
    it (see ``fold``); ``None`` never folds.
    """

    nodes: tuple[LayoutNode, ...]
    edges: tuple[tuple[str, str], ...]
    direction: str = "LR"  # "LR" (left to right) or "TB" (top to bottom)
    engine: str = "auto"  # "auto", "dot" or "layered"
    request_id: int = 0
    node_gap: float | None = None
    rank_gap: float | None = None
    viewport: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class LayoutResult:
    """Positions in scene coordinates (y grows downwards), node centres.

    ``edges`` maps ``(source, target)`` to the cubic Bezier control points of its spline:
    ``[p0, c1, c2, p1, c1, c2, p2, ...]`` (1 + 3k points), starting on the source box
    border and ending where the arrowhead's tip touches the target box border.

    ``engine`` names the engine that produced it. ``provisional`` is True for a fast
    layered layout handed out while ``dot`` is still working on the same request: a
    final result (``provisional=False``, same ``request_id``) follows unless the request
    is superseded; its ``engine`` is "dot", or "layered" again when dot failed or ran
    past the hard cap (``extra["dot_abandoned"] == 1.0``).
    """

    request_id: int
    positions: dict[str, Point]
    sizes: dict[str, Point]
    edges: dict[tuple[str, str], tuple[Point, ...]]
    width: float
    height: float
    engine: str  # "dot" or "layered"
    direction: str = "LR"
    seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)
    provisional: bool = False
