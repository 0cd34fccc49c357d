"""A request cleaned up once for every engine: sorted keys, integer edges, default gaps.

Sorting here is what makes every engine deterministic: the same set of nodes and edges
gives the same layout whatever order the caller listed them in.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lineage_desktop.layout.types import LayoutRequest, Point

DIRECTIONS = ("LR", "TB")
ENGINES = ("auto", "dot", "layered")

# Default gaps in scene units, chosen for 200x56 cards: in LR the ranks are columns, so the
# rank gap is horizontal room for the curves and the node gap a small vertical gutter.
DEFAULT_GAPS = {"LR": (20.0, 80.0), "TB": (30.0, 60.0)}  # (node_gap, rank_gap)
MIN_SIZE = 1.0


@dataclass(slots=True)
class Prepared:
    """Nodes ``0..n-1`` in key order and the valid, de-duplicated edges between them."""

    keys: list[str]
    width: np.ndarray  # float64, scene units
    height: np.ndarray
    rank: np.ndarray | None  # int64 when every node came with a rank, else None
    edges: list[tuple[int, int]]  # sorted, unique, both ends known; self loops kept
    direction: str
    node_gap: float
    rank_gap: float

    @property
    def n(self) -> int:
        return len(self.keys)


def prepare(request: LayoutRequest) -> Prepared:
    """Validate ``request`` and index it. Raises ``ValueError`` for an unknown direction/engine.

    A key listed twice keeps its last box. Edges naming unknown nodes are dropped: the view
    graph may hide a node while an edge to it is still being removed.
    """
    if request.direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {request.direction!r}")
    if request.engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {request.engine!r}")
    boxes = {node.key: node for node in request.nodes}
    keys = sorted(boxes)
    index = {key: i for i, key in enumerate(keys)}
    width = np.array([max(float(boxes[k].width), MIN_SIZE) for k in keys], dtype=np.float64)
    height = np.array([max(float(boxes[k].height), MIN_SIZE) for k in keys], dtype=np.float64)
    ranks = [boxes[k].rank for k in keys]
    rank = None
    if keys and all(r is not None for r in ranks):
        rank = np.array(ranks, dtype=np.int64)
    edges = sorted(
        {(index[s], index[t]) for s, t in request.edges if s in index and t in index}
    )
    node_gap, rank_gap = DEFAULT_GAPS[request.direction]
    if request.node_gap is not None:
        node_gap = max(float(request.node_gap), 0.0)
    if request.rank_gap is not None:
        rank_gap = max(float(request.rank_gap), 0.0)
    return Prepared(keys, width, height, rank, edges, request.direction, node_gap, rank_gap)


def straight_edge(p: Point, q: Point) -> tuple[Point, ...]:
    """A straight segment as one cubic Bezier (control points at thirds)."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    return (p, (p[0] + dx / 3, p[1] + dy / 3), (p[0] + 2 * dx / 3, p[1] + 2 * dy / 3), q)


def border_point(centre: Point, size: Point, toward: Point) -> Point:
    """Where the ray from a box's centre toward ``toward`` leaves the box."""
    cx, cy = centre
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return centre
    hw, hh = size[0] / 2, size[1] / 2
    scale = min(hw / abs(dx) if dx else float("inf"), hh / abs(dy) if dy else float("inf"))
    return (cx + dx * scale, cy + dy * scale)
