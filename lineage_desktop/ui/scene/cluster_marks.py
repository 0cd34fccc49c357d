"""The integrity mark of a cluster card: how many of its members the audit found
compromised or tainted.

A cluster stands for many versions or runs, so one warning triangle would not say how
bad it is: the mark is a pill on the card's top edge with the warning triangle and a
count, filled in the warning colour when members are compromised and outlined when they
are only tainted; the tooltip line says both counts and of how many members. Kept apart
from ``card_paint`` (which paints every card) so that the card's own painting is
unchanged for clusters the audit did not mark.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter

from lineage_desktop.ui import style
from lineage_desktop.ui.scene import glyphs
from lineage_desktop.ui.scene.context import Paints

PILL_HEIGHT = 18.0
_GLYPH_WIDTH = 14.0  # the warning triangle's room in the pill
_PAD = 6.0


class MemberMarks(Protocol):
    """What the scene needs of a cluster's mark (``audit.ClusterMark``)."""

    compromised: int
    tainted: int
    members: int

    def text(self) -> str: ...


def mark_count(mark: MemberMarks) -> int:
    """The number the pill shows: compromised members, else tainted ones."""
    return mark.compromised or mark.tainted


def mark_rect(card: QRectF, mark: MemberMarks) -> QRectF:
    """Where the pill lies in item coordinates: on the card's top edge, at the right
    (within the card's bounding margin)."""
    text_w = style.fonts().badge_metrics.horizontalAdvance(f"{mark_count(mark):,}")
    width = _PAD + _GLYPH_WIDTH + 3.0 + text_w + _PAD
    top = card.top() - PILL_HEIGHT / 2 + 2.0
    return QRectF(card.right() - 12.0 - width, top, width, PILL_HEIGHT)


def paint_cluster_mark(painter: QPainter, card: QRectF, mark: MemberMarks,
                       paints: Paints) -> None:
    """Draw ``mark`` on a cluster whose front card is ``card`` (see the module doc)."""
    rect = mark_rect(card, mark)
    radius = PILL_HEIGHT / 2
    if mark.compromised:
        painter.setPen(paints.warning_pen)
        painter.setBrush(paints.warning_brush)
    else:
        painter.setPen(paints.tainted_pen)
        painter.setBrush(paints.card_brush)
    painter.drawRoundedRect(rect, radius, radius)
    centre = QPointF(rect.left() + _PAD + _GLYPH_WIDTH / 2, rect.center().y())
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(paints.card_brush if mark.compromised else paints.warning_brush)
    painter.drawPath(glyphs.WARNING_TRIANGLE.translated(centre))
    painter.setBrush(paints.warning_brush if mark.compromised else paints.glyph_brush)
    painter.drawPath(glyphs.WARNING_MARK.translated(centre))
    painter.setFont(style.fonts().badge)
    painter.setPen(paints.glyph_brush.color() if mark.compromised else paints.text_pen.color())
    text_rect = rect.adjusted(_PAD + _GLYPH_WIDTH + 3.0, 0, -_PAD + 2.0, 0)
    painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                     f"{mark_count(mark):,}")


__all__ = ["MemberMarks", "mark_count", "mark_rect", "paint_cluster_mark"]
