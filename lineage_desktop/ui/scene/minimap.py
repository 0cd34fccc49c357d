"""``Minimap`` (objectName ``lineageMinimap``): the whole graph small, over a corner of
the lineage view, with the part the view shows outlined; click or drag in it to move
the view there.

It is shown only while part of the graph is out of view. The graph is drawn with the
scene's batched overview drawing (``LineageScene.paint_overview``) into a pixmap made
again only when the graph changes, so scrolling and zooming repaint just a rectangle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from lineage_desktop.ui import style

if TYPE_CHECKING:
    from lineage_desktop.ui.scene.view import LineageView

MAX_SIZE = QSize(240, 170)  # pixels; the minimap keeps the graph's aspect within this
MIN_SIDE = 48  # a very long graph still gets a usable strip
_PAD = 6.0  # pixels between the frame and the graph


class Minimap(QWidget):
    """The overview map of a ``LineageView`` (its parent)."""

    def __init__(self, view: LineageView) -> None:
        super().__init__(view)
        self.setObjectName("lineageMinimap")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        self._view = view
        self._pixmap: QPixmap | None = None
        self._content = QRectF()
        self._palette = style.LIGHT
        self.hide()

    # --- what it shows ------------------------------------------------------------------

    def set_palette(self, palette: style.Palette) -> None:
        """Colours of the frame and the view rectangle; the graph is drawn again."""
        self._palette = palette
        self.refresh()

    def refresh(self) -> None:
        """The graph changed: draw it again at the next paint."""
        self._pixmap = None
        self.update()

    def wanted_size(self, content: QRectF) -> QSize:
        """The size showing ``content`` with its aspect, within ``MAX_SIZE``."""
        if content.isEmpty():
            return QSize(0, 0)
        inner_w, inner_h = MAX_SIZE.width() - 2 * _PAD, MAX_SIZE.height() - 2 * _PAD
        scale = min(inner_w / content.width(), inner_h / content.height())
        w = max(MIN_SIDE, round(content.width() * scale + 2 * _PAD))
        h = max(MIN_SIDE, round(content.height() * scale + 2 * _PAD))
        return QSize(w, h)

    def set_content(self, content: QRectF) -> None:
        """The scene rectangle of the whole graph."""
        if content != self._content:
            self._content = QRectF(content)
            self.refresh()

    # --- geometry -----------------------------------------------------------------------

    def _graph_rect(self) -> tuple[QRectF, float]:
        """Where the graph is drawn in the widget, and the scale from scene units."""
        content = self._content
        inner = QRectF(self.rect()).adjusted(_PAD, _PAD, -_PAD, -_PAD)
        if content.isEmpty() or inner.isEmpty():
            return QRectF(), 1.0
        scale = min(inner.width() / content.width(), inner.height() / content.height())
        w, h = content.width() * scale, content.height() * scale
        rect = QRectF(inner.center().x() - w / 2, inner.center().y() - h / 2, w, h)
        return rect, scale

    def to_scene(self, point: QPointF) -> QPointF:
        """The scene point under widget point ``point``."""
        rect, scale = self._graph_rect()
        return QPointF(
            self._content.left() + (point.x() - rect.left()) / scale,
            self._content.top() + (point.y() - rect.top()) / scale,
        )

    def from_scene(self, rect: QRectF) -> QRectF:
        """A scene rectangle in widget coordinates."""
        graph, scale = self._graph_rect()
        return QRectF(
            graph.left() + (rect.left() - self._content.left()) * scale,
            graph.top() + (rect.top() - self._content.top()) * scale,
            rect.width() * scale,
            rect.height() * scale,
        )

    # --- painting -----------------------------------------------------------------------

    def _render(self) -> QPixmap:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        scene = self._view.lineage_scene()
        rect, scale = self._graph_rect()
        if scene is not None and not rect.isEmpty():
            painter = QPainter(pixmap)
            painter.translate(rect.left(), rect.top())
            painter.scale(scale, scale)
            painter.translate(-self._content.left(), -self._content.top())
            scene.paint_overview(painter)
            painter.end()
        return pixmap

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        p = self._palette
        if self._pixmap is None or self._pixmap.size() != self.size() * self.devicePixelRatioF():
            self._pixmap = self._render()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        background = QColor(p.card)
        background.setAlphaF(0.94)
        painter.setPen(QPen(QColor(p.card_border), 1))
        painter.setBrush(background)
        painter.drawRoundedRect(frame, 6, 6)
        painter.drawPixmap(0, 0, self._pixmap)
        visible = self.from_scene(self._view.visible_scene_rect())
        visible = visible.intersected(frame.adjusted(1, 1, -1, -1))
        fill = QColor(p.accent)
        fill.setAlphaF(0.12)
        painter.setBrush(fill)
        painter.setPen(QPen(QColor(p.accent), 1.5))
        painter.drawRect(visible)
        painter.end()

    # --- jumping ------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._jump(event.position())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._jump(event.position())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def _jump(self, point: QPointF) -> None:
        self._view.centerOn(self.to_scene(point))
        self.update()
