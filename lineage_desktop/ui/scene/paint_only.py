"""``PaintOnlyItem``: the base of items that are drawn but never hit (edge batches, their
arrowheads, the visible curves, the hover overlay): hover and clicks go to the cards."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsItem

_NO_SHAPE = QPainterPath()


class PaintOnlyItem(QGraphicsItem):
    """An item whose bounds are ``_bounds`` (set by the subclass, with
    ``prepareGeometryChange`` first) and whose shape is empty."""

    _bounds: QRectF

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def shape(self) -> QPainterPath:
        return _NO_SHAPE
