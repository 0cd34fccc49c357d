"""``HotOverlay``: a hovered or selected card's batched edges drawn emphasised.

A hub has 25,000 of them: made as one ``EdgeBatchItem`` (a path and an arrowhead per
edge, in Python) selecting the hub stalled the window 0.6-0.8 s, and every frame drew
them all. Here the routes go to numpy at once: the curves are drawn as much as the
exposed rectangle shows (``VisibleCurves``), the arrowheads are triangles computed in
numpy of which only those in the exposed rectangle are drawn. Exports leave it out (no
emphasis in an export; the batches draw every edge).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.scene.edge_item import Point
from lineage_desktop.ui.scene.paint_only import PaintOnlyItem
from lineage_desktop.ui.scene.visible_curves import VisibleCurves, route_pieces


def arrow_triangles(routes: Sequence[Sequence[Point]]) -> np.ndarray:
    """The arrowhead at the end of each route, ``(n, 3, 2)``: tip, then the two corners
    (as ``edge_item.arrow_head``, pointing away from the last control point)."""
    if not routes:
        return np.empty((0, 3, 2))
    ends = np.array([(r[-1], r[-2] if r[-2] != r[-1] else r[0]) for r in routes],
                    dtype=np.float64)  # (n, 2, 2): tip, before
    tip, before = ends[:, 0], ends[:, 1]
    d = tip - before
    length = np.hypot(d[:, 0], d[:, 1])
    u = d / np.where(length == 0, 1.0, length)[:, None]
    base = tip - u * style.ARROW_LENGTH
    n = np.stack([-u[:, 1], u[:, 0]], axis=1) * style.ARROW_HALF_WIDTH
    return np.stack([tip, base + n, base - n], axis=1)


class HotOverlay(PaintOnlyItem):
    """The emphasised edges of one card (see the module docstring)."""

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__()
        self._ctx = ctx
        self._curves = VisibleCurves(np.empty((0, 4, 2)))
        self._arrows = np.empty((0, 3, 2))
        self._bounds = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(style.Z_EDGE_EMPHASISED)

    def show_routes(self, routes: Iterable[Sequence[Point]]) -> None:
        """Emphasise these routes (spline control points) from now on."""
        routes = list(routes)
        pieces = route_pieces(routes)
        self._curves = VisibleCurves(pieces)
        self._arrows = arrow_triangles(routes)
        self.prepareGeometryChange()
        if len(pieces):
            points = np.concatenate([pieces.reshape(-1, 2), self._arrows.reshape(-1, 2)])
            (left, top), (right, bottom) = points.min(axis=0) - 3, points.max(axis=0) + 3
            self._bounds = QRectF(left, top, right - left, bottom - top)
        else:
            self._bounds = QRectF()
        self.update()

    def curve_count(self) -> int:
        return len(self._curves)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        ctx = self._ctx
        if ctx.exporting:
            return
        exposed = option.exposedRect
        smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(ctx.paints.batch_edge_hot_pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        curves = self._curves  # whole only if too many stretches are in view (lazily)
        curves.draw(painter, exposed, (c.whole_path() for c in (curves,)))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        arrows = self._arrows
        lo, hi = arrows.min(axis=1), arrows.max(axis=1)
        inside = np.flatnonzero((hi[:, 0] >= exposed.left()) & (lo[:, 0] <= exposed.right())
                                & (hi[:, 1] >= exposed.top()) & (lo[:, 1] <= exposed.bottom()))
        if len(inside):
            path = QPainterPath()
            for triangle in arrows[inside].tolist():
                path.addPolygon(QPolygonF([QPointF(x, y) for x, y in triangle]))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ctx.paints.edge_hot_brush)
            painter.drawPath(path)
