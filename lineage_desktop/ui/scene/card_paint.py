"""``PaintedCard``: how a card paints itself, at full detail or as a block.

``paint()`` only reads state (Qt's chip demo): the geometry, elided texts and glyph
paths it draws were computed once by ``CardItem``. Below ``style.LOD_TEXT`` a card is a
filled block with its icon disc; exports always get the full card.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from lineage_desktop.ui import style
from lineage_desktop.ui.scene import glyphs
from lineage_desktop.ui.scene.cards import CardSpec
from lineage_desktop.ui.scene.context import SceneContext

ICON_RADIUS = style.ICON_DIAMETER / 2


class PaintedCard(QGraphicsItem):
    """The painting half of ``CardItem``: reads the geometry and flags ``CardItem`` sets
    (declared here) and draws them; it changes no geometry and no state."""

    HIDEABLE: bool
    spec: CardSpec
    _ctx: SceneContext
    _hovered: bool
    _eye_hot: bool
    focused: bool
    highlighted: bool
    compromised: bool
    tainted: bool
    _card: QRectF
    _icon_center: QPointF
    _glyph: QPainterPath
    _eye_rect: QRectF
    can_hide: bool
    _type_text: str
    _name_text: str
    _type_pos: QPointF
    _name_pos: QPointF
    _pills: list[tuple[QRectF, str, QPointF]]

    # --- painting -------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        ctx = self._ctx
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < style.LOD_TEXT and not ctx.exporting:
            self._paint_block(painter)
        else:
            self._paint_full(painter)

    def _card_pen_brush(self) -> tuple[Any, Any]:
        p = self._ctx.paints
        spec = self.spec
        if self.isSelected() and not self._ctx.exporting:
            pen = p.selected_pen
        elif spec.missing:
            pen = p.missing_pen
        elif spec.deleted:
            pen = p.deleted_pen
        elif spec.failed:
            pen = p.failed_pen
        elif self.compromised:
            pen = p.warning_pen
        elif self.tainted:
            pen = p.tainted_pen
        else:
            pen = p.border_pen
        return pen, (p.failed_brush if spec.failed else p.card_brush)

    def _paint_rings(self, painter: QPainter) -> None:
        p = self._ctx.paints
        r = style.CARD_RADIUS
        if self.highlighted and not self._ctx.exporting:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(p.highlight_brush)
            painter.drawRoundedRect(self._card.adjusted(-6, -6, 6, 6), r + 6, r + 6)
        if self.focused:
            painter.setPen(p.focus_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self._card.adjusted(-4, -4, 4, 4), r + 4, r + 4)

    def _paint_block(self, painter: QPainter) -> None:
        # Too small to read: a kind-tinted block and the icon disc say what it is.
        p = self._ctx.paints
        self._paint_rings(painter)
        pen, brush = self._card_pen_brush()
        painter.setPen(pen)
        if not self.spec.failed and self.spec.kind != "cluster":
            brush = p.cluster_fill["run" if self.spec.kind == "run" else "artifact"]
        painter.setBrush(brush)
        painter.drawRect(self._card)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(p.icon_brush(self.spec.member_kind, self._muted))
        painter.drawEllipse(self._icon_center, ICON_RADIUS, ICON_RADIUS)

    @property
    def _muted(self) -> bool:
        """Missing or deleted: drawn in the muted colour."""
        return self.spec.missing or self.spec.deleted

    def _paint_full(self, painter: QPainter) -> None:
        self._paint_rings(painter)
        self._paint_card(painter)
        self._paint_icon(painter)
        self._paint_texts(painter)
        if self._hovered and self.can_hide and not self._ctx.exporting:
            self._paint_eye(painter)

    def _paint_card(self, painter: QPainter) -> None:
        pen, brush = self._card_pen_brush()
        painter.setPen(pen)
        painter.setBrush(brush)
        painter.drawRoundedRect(self._card, style.CARD_RADIUS, style.CARD_RADIUS)

    def _paint_icon(self, painter: QPainter) -> None:
        p = self._ctx.paints
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(p.icon_brush(self.spec.member_kind, self._muted))
        painter.drawEllipse(self._icon_center, ICON_RADIUS, ICON_RADIUS)
        painter.setBrush(p.glyph_brush)
        painter.drawPath(self._glyph)

    def _paint_texts(self, painter: QPainter) -> None:
        p = self._ctx.paints
        f = style.fonts()
        painter.setFont(f.type)
        painter.setPen(p.muted_pen)
        painter.drawText(self._type_pos, self._type_text)
        painter.setFont(style.struck_name_font() if self.spec.deleted else f.name)
        painter.setPen(p.muted_pen if self._muted else p.text_pen)
        painter.drawText(self._name_pos, self._name_text)
        if self._pills:
            painter.setFont(f.pill)
            for rect, text, pos in self._pills:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(p.pill_brush)
                painter.drawRoundedRect(rect, style.PILL_HEIGHT / 2, style.PILL_HEIGHT / 2)
                painter.setPen(p.pill_text_pen)
                painter.drawText(pos, text)

    def _paint_eye(self, painter: QPainter) -> None:
        p = self._ctx.paints
        center = self._eye_rect.center()
        painter.setPen(Qt.PenStyle.NoPen)
        if self._eye_hot:
            painter.setBrush(p.eye_hot_brush)
            painter.drawEllipse(center, style.EYE_SIZE / 2, style.EYE_SIZE / 2)
        painter.setBrush(p.muted_pen.color())
        glyph = glyphs.EYE_CROSSED if self._eye_hot else glyphs.EYE
        painter.drawPath(glyph.translated(center))
