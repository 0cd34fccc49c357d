"""Layout layer: Graphviz ``dot`` or a fast layered layout as a pure function, run in a
worker process by ``LayoutService``. No Qt here.
"""
from lineage_desktop.layout.compute import (
    DOT_BUDGET,
    DOT_DIRECT_LIMIT,
    DOT_HARD_CAP,
    DOT_REFINE_LIMIT,
    EnginePlan,
    choose_engine,
    compute_layout,
    plan_engine,
)
from lineage_desktop.layout.cost import predict_dot_seconds
from lineage_desktop.layout.crossings import count_crossings
from lineage_desktop.layout.dot import GraphvizError
from lineage_desktop.layout.service import LayoutService, content_key
from lineage_desktop.layout.types import LayoutNode, LayoutRequest, LayoutResult, Point

__all__ = [
    "DOT_BUDGET",
    "DOT_DIRECT_LIMIT",
    "DOT_HARD_CAP",
    "DOT_REFINE_LIMIT",
    "EnginePlan",
    "GraphvizError",
    "LayoutNode",
    "LayoutRequest",
    "LayoutResult",
    "LayoutService",
    "Point",
    "choose_engine",
    "compute_layout",
    "content_key",
    "count_crossings",
    "plan_engine",
    "predict_dot_seconds",
]
