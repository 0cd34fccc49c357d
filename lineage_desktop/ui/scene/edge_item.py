"""``EdgeItem``: a thin cubic Bezier spline with a filled arrowhead, following its cards.

The layout gives control points for the cards' laid-out centres. When a card moves the
curve keeps its shape: each control point is translated by a blend of the two cards'
displacements (the start moves with the source, the end with the target), so the
endpoints stay on the box borders. When a drag turns the edge around (the target no
longer lies downstream of the source), a fresh S-curve between the nearest box sides
replaces it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.context import SceneContext

if TYPE_CHECKING:
    from lineage_desktop.ui.scene.card_item import CardItem

Point = tuple[float, float]


def fresh_route(
    source: QPointF, source_size: Point, target: QPointF, target_size: Point, direction: str = "LR"
) -> list[QPointF]:
    """An S-shaped cubic from the side of the source box facing the target to the target.

    A self-loop (bad data) becomes a small loop over the box's top-right corner.
    """
    dx, dy = target.x() - source.x(), target.y() - source.y()
    sw, sh = source_size[0] / 2, source_size[1] / 2
    if source == target:
        x, top = source.x() + sw * 0.5, source.y() - sh
        return [
            QPointF(x, top),
            QPointF(x + 10, top - 45),
            QPointF(x + 60, top - 45),
            QPointF(x + 40, top),
        ]
    tw, th = target_size[0] / 2, target_size[1] / 2
    gap_x, gap_y = abs(dx) - (sw + tw), abs(dy) - (sh + th)
    # Prefer the layout's own axis unless the boxes clearly sit along the other one.
    horizontal = gap_x + 20 >= gap_y if direction == "LR" else gap_x > gap_y + 20
    if horizontal:
        sign = 1.0 if dx >= 0 else -1.0
        p0 = QPointF(source.x() + sign * sw, source.y())
        p1 = QPointF(target.x() - sign * tw, target.y())
        k = max(30.0, abs(p1.x() - p0.x()) / 2)
        return [p0, QPointF(p0.x() + sign * k, p0.y()), QPointF(p1.x() - sign * k, p1.y()), p1]
    sign = 1.0 if dy >= 0 else -1.0
    p0 = QPointF(source.x(), source.y() + sign * sh)
    p1 = QPointF(target.x(), target.y() - sign * th)
    k = max(30.0, abs(p1.y() - p0.y()) / 2)
    return [p0, QPointF(p0.x(), p0.y() + sign * k), QPointF(p1.x(), p1.y() - sign * k), p1]


def blended_route(
    points: Sequence[QPointF], source_shift: QPointF, target_shift: QPointF
) -> list[QPointF]:
    """Spline control points after their end cards moved by ``source_shift`` and
    ``target_shift``: each knot (every third point) moves by a blend of the two along the
    path, and each control point with the knot it belongs to, so that the curve keeps its
    tangent at every knot and stays a smooth curve (a straight edge whose target moved up
    becomes an S that still leaves and enters its cards level)."""
    last = len(points) - 1
    if last < 3 or last % 3:  # not a chain of cubic segments: blend point by point
        return [p + source_shift * (1.0 - i / last) + target_shift * (i / last)
                for i, p in enumerate(points)]
    knots = last // 3

    def shift(knot: int) -> QPointF:
        t = knot / knots
        return source_shift * (1.0 - t) + target_shift * t

    # Point i belongs to knot round(i / 3): c1 of a segment to its start, c2 to its end.
    return [p + shift((i + 1) // 3) for i, p in enumerate(points)]


def arrow_head(tip: QPointF, before: QPointF) -> tuple[QPolygonF, QPointF, QRectF]:
    """Arrowhead triangle at ``tip`` pointing away from ``before``, its base centre and bounds."""
    tx, ty = tip.x(), tip.y()
    dx, dy = tx - before.x(), ty - before.y()
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = tx - ux * style.ARROW_LENGTH, ty - uy * style.ARROW_LENGTH
    nx, ny = -uy * style.ARROW_HALF_WIDTH, ux * style.ARROW_HALF_WIDTH
    xs, ys = (tx, bx + nx, bx - nx), (ty, by + ny, by - ny)
    polygon = QPolygonF([tip, QPointF(xs[1], ys[1]), QPointF(xs[2], ys[2])])
    # Computed here: QPolygonF.boundingRect() through the bindings costs ~9 µs.
    left, top = min(xs), min(ys)
    return polygon, QPointF(bx, by), QRectF(left, top, max(xs) - left, max(ys) - top)


def edge_shape(points: Sequence[QPointF]) -> tuple[QPainterPath, QPolygonF, QRectF]:
    """The drawn curve of spline control points ``points`` (ending under the arrowhead),
    the arrowhead and the bounds of both (with room for the pen)."""
    path, arrow, bounds, _ = edge_geometry(points)
    return path, arrow, bounds


def edge_geometry(
    points: Sequence[QPointF],
) -> tuple[QPainterPath, QPolygonF, QRectF, list[QPointF]]:
    """``edge_shape`` and the control points of the drawn curve."""
    before_tip = next((p for p in reversed(points[:-1]) if p != points[-1]), points[0])
    arrow, base, arrow_bounds = arrow_head(points[-1], before_tip)
    path = QPainterPath(points[0])
    segments = list(points[1:])
    segments[-1] = base  # the line stops under the arrowhead, not at its sharp tip
    for i in range(0, len(segments) - 2, 3):
        path.cubicTo(segments[i], segments[i + 1], segments[i + 2])
    bounds = path.controlPointRect().united(arrow_bounds).adjusted(-3, -3, 3, 3)
    return path, arrow, bounds, [points[0], *segments]


def usable_points(points: Sequence[Point] | None) -> bool:
    """True when ``points`` are cubic spline control points (p0, c1, c2, p1, ...)."""
    return points is not None and len(points) >= 4 and (len(points) - 1) % 3 == 0


class CurveEnd(Protocol):
    """What a curve needs of the items at its ends (a card, or a hidden mark)."""

    @property
    def size(self) -> Point: ...

    def pos(self) -> QPointF: ...

    def add_edge(self, edge: Any) -> None: ...


class ArrowCurveItem(QGraphicsItem):
    """A curve with a filled arrowhead from one item to another, re-routed when an end
    moves: what an ``EdgeItem`` and a hidden mark's dashed stub have in common.

    A subclass sets up its own state, then calls ``_attach()``; it gives the route
    (``_route``) and paints with ``_draw``.
    """

    def __init__(self, source: Any, target: Any, ctx: SceneContext, direction: str) -> None:
        super().__init__()
        self._source = source
        self._target = target
        self._ctx = ctx
        self._direction = direction
        self._points: list[QPointF] = []
        self._path = QPainterPath()
        self._arrow = QPolygonF()
        self._bounds = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(style.Z_EDGE)

    @property
    def source(self) -> Any:
        """The item the curve starts from (an ``EdgeItem``'s: a card)."""
        return self._source

    @property
    def target(self) -> Any:
        """The item the arrow points at."""
        return self._target

    def _attach(self) -> None:
        """Follow both ends from now on, and take the first route."""
        self._source.add_edge(self)
        self._target.add_edge(self)
        self.adjust()

    def _route(self) -> list[QPointF]:
        s, t = self._source, self._target
        return fresh_route(s.pos(), s.size, t.pos(), t.size, self._direction)

    def adjust(self) -> None:
        """Re-route after an end moved (announces the geometry change to the scene)."""
        points = self._route()
        path, arrow, bounds = edge_shape(points)
        self.prepareGeometryChange()
        self._points, self._path, self._arrow, self._bounds = points, path, arrow, bounds

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def _draw(self, painter: QPainter, pen: QPen, brush: QBrush) -> None:
        """The curve in ``pen``, the arrowhead filled with ``brush``."""
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(brush)
        painter.drawPolygon(self._arrow)


class EdgeItem(ArrowCurveItem):
    """A directed edge between two cards; ``data(0)`` is ``"<source>-><target>"``."""

    _source: CardItem
    _target: CardItem

    def __init__(
        self,
        source: CardItem,
        target: CardItem,
        ctx: SceneContext,
        points: Sequence[Point] | None = None,
        base_source: Point | None = None,
        base_target: Point | None = None,
        direction: str = "LR",
    ) -> None:
        super().__init__(source, target, ctx, direction)
        self._hot = False
        self.dimmed = False  # faded with an end card (see LineageScene.set_dimmed)
        usable = points is not None and usable_points(points)
        self._base_points = [QPointF(x, y) for x, y in points] if points and usable else []
        self._base_source = QPointF(*base_source) if base_source else source.pos()
        self._base_target = QPointF(*base_target) if base_target else target.pos()
        self.setData(0, f"{source.key}->{target.key}")
        self._attach()

    @property
    def emphasised(self) -> bool:
        """True while one of its cards is hovered or selected."""
        return self._hot

    def control_points(self) -> list[QPointF]:
        """The current spline control points in scene coordinates (p0, c1, c2, p1, ...)."""
        return list(self._points)

    def path(self) -> QPainterPath:
        """A copy of the drawn curve (ending at the arrowhead's base)."""
        return QPainterPath(self._path)

    def curve(self) -> QPainterPath:
        """The drawn curve itself, not a copy (read only: for batching)."""
        return self._path

    def _route(self) -> list[QPointF]:
        src, dst = self._source.pos(), self._target.pos()
        if self._base_points:
            ds, dt = src - self._base_source, dst - self._base_target
            if ds.isNull() and dt.isNull():
                return list(self._base_points)
            first, last = self._base_points[0], self._base_points[-1]
            horizontal = self._direction != "TB"
            before = (last.x() - first.x()) if horizontal else (last.y() - first.y())
            moved_first, moved_last = first + ds, last + dt
            after = (
                (moved_last.x() - moved_first.x())
                if horizontal
                else (moved_last.y() - moved_first.y())
            )
            if before * after > 0 and abs(after) > 16:
                return blended_route(self._base_points, ds, dt)
        return super()._route()

    def refresh_emphasis(self) -> None:
        """Thicken and colour the edge while one of its cards is hovered or selected."""
        hot = self._source.emphasised or self._target.emphasised
        if hot != self._hot:
            self._hot = hot
            self.setZValue(style.Z_EDGE_EMPHASISED if hot else style.Z_EDGE)
            self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        p = self._ctx.paints
        hot = self._hot and not self._ctx.exporting
        if hot:
            self._draw(painter, p.edge_hot_pen, p.edge_hot_brush)
        else:
            self._draw(painter, p.edge_pen, p.edge_brush)
