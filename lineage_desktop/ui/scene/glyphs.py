"""Vector glyphs drawn on cards, as painter paths centred on (0, 0).

Paths instead of SVG files: they are built once, draw at any zoom without resampling,
and stay vectors in SVG/PDF exports. The icon discs are 32 units across; every glyph
leaves the disc's centre free so that the disc colour shows there (a visual test and a
user at low zoom both read the kind from it).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPolygonF, QTransform


def gear(radius: float = 10.0, teeth: int = 8) -> QPainterPath:
    """A cog wheel with a round hole: the run glyph."""
    body_r, hole_r = radius * 0.68, radius * 0.34
    path = QPainterPath()
    path.addEllipse(QPointF(0, 0), body_r, body_r)
    tooth_half = math.pi / teeth * 0.45
    for i in range(teeth):
        a = 2 * math.pi * i / teeth
        tooth = QPolygonF(
            [
                QPointF(
                    body_r * 0.9 * math.cos(a - tooth_half * 1.3),
                    body_r * 0.9 * math.sin(a - tooth_half * 1.3),
                ),
                QPointF(radius * math.cos(a - tooth_half), radius * math.sin(a - tooth_half)),
                QPointF(radius * math.cos(a + tooth_half), radius * math.sin(a + tooth_half)),
                QPointF(
                    body_r * 0.9 * math.cos(a + tooth_half * 1.3),
                    body_r * 0.9 * math.sin(a + tooth_half * 1.3),
                ),
            ]
        )
        tooth_path = QPainterPath()
        tooth_path.addPolygon(tooth)
        tooth_path.closeSubpath()
        path = path.united(tooth_path)
    hole = QPainterPath()
    hole.addEllipse(QPointF(0, 0), hole_r, hole_r)
    return path.subtracted(hole).simplified()


def box(half: float = 9.0) -> QPainterPath:
    """A parcel seen from the front (lid band over an outlined body): the artifact glyph."""
    lid = QPainterPath()
    r = half * 0.17
    lid.addRoundedRect(QRectF(-half, -half * 0.85, 2 * half, half * 0.5), r, r)
    body_outline = QPainterPath()
    body_outline.addRoundedRect(QRectF(-half * 0.85, -half * 0.35, 1.7 * half, half * 1.2), r, r)
    stroker = QPainterPathStroker()
    stroker.setWidth(half * 0.22)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    # The handle slot sits below the centre so that the disc colour shows at the centre.
    slot = QPainterPath()
    slot.addRoundedRect(QRectF(-half * 0.33, half * 0.25, half * 0.66, half * 0.16), r / 2, r / 2)
    return lid.united(stroker.createStroke(body_outline)).united(slot).simplified()


def eye(half: float = 7.0, crossed: bool = False) -> QPainterPath:
    """An eye (almond and pupil) as a filled outline; ``crossed`` adds a slash."""
    outline = QPainterPath()
    outline.moveTo(-half, 0)
    outline.quadTo(0, -half * 1.15, half, 0)
    outline.quadTo(0, half * 1.15, -half, 0)
    outline.closeSubpath()
    stroker = QPainterPathStroker()
    stroker.setWidth(half * 0.21)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    path = stroker.createStroke(outline)
    pupil = QPainterPath()
    pupil.addEllipse(QPointF(0, 0), half * 0.32, half * 0.32)
    path = path.united(pupil)
    if crossed:
        slash = QPainterPath()
        slash.moveTo(-half * 0.85, half * 0.85)
        slash.lineTo(half * 0.85, -half * 0.85)
        stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
        path = path.united(stroker.createStroke(slash))
    return path.simplified()


def warning_triangle(size: float = 14.0) -> tuple[QPainterPath, QPainterPath]:
    """A warning sign: ``(triangle, exclamation mark)`` to fill in two colours."""
    h = size * math.sqrt(3) / 2
    tri = QPainterPath()
    tri.addPolygon(
        QPolygonF([QPointF(0, -h * 0.6), QPointF(size / 2, h * 0.4), QPointF(-size / 2, h * 0.4)])
    )
    tri.closeSubpath()
    mark = QPainterPath()
    mark.addRoundedRect(
        QRectF(-size * 0.07, -h * 0.3, size * 0.14, h * 0.42), size * 0.07, size * 0.07
    )
    mark.addEllipse(QPointF(0, h * 0.24), size * 0.08, size * 0.08)
    return tri, mark


def placed(kind: str, center: QPointF) -> QPainterPath:
    """The run or artifact glyph moved to ``center`` (shared: cards differ in few widths)."""
    key = (kind, center.x(), center.y())
    path = _PLACED.get(key)
    if path is None:
        path = (RUN_GLYPH if kind == "run" else ARTIFACT_GLYPH).translated(center)
        _PLACED[key] = path
    return path


_PLACED: dict[tuple[str, float, float], QPainterPath] = {}


def _fine(build: Callable[[float], QPainterPath], size: float) -> QPainterPath:
    """Build at 20x and scale down: boolean path operations flatten curves into polygons
    with a fixed tolerance, so a small circle would come out as a visible octagon."""
    return QTransform.fromScale(1 / _OVERSAMPLE, 1 / _OVERSAMPLE).map(build(size * _OVERSAMPLE))


_OVERSAMPLE = 20.0

# Built once at import: QPainterPath needs no QGuiApplication.
RUN_GLYPH = _fine(gear, 10.0)
ARTIFACT_GLYPH = _fine(box, 9.0)
EYE = _fine(eye, 7.0)
EYE_CROSSED = _fine(lambda half: eye(half, crossed=True), 7.0)
WARNING_TRIANGLE, WARNING_MARK = warning_triangle()
