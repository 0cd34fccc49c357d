"""``PaintedCard``: how a card paints itself, at full detail, as a label, or as a block.

``paint()`` only reads state (Qt's chip demo): the geometry, elided texts and glyph
paths it draws were computed once by ``CardItem`` (an enlarged name once per font size,
``card_label``). Semantic zoom: from ``style.LOD_FULL`` down the type line and pills go
and the name is drawn large enough to read (``style.name_font_px``); below
``style.LOD_TEXT`` a card is a filled block with its icon disc. Exports always get the
full card.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from lineage_desktop.ui import style
from lineage_desktop.ui.scene import glyphs
from lineage_desktop.ui.scene.card_label import LabelLayout
from lineage_desktop.ui.scene.cards import CardSpec
from lineage_desktop.ui.scene.context import SceneContext

ICON_RADIUS = style.ICON_DIAMETER / 2
FULL, LABEL, BLOCK = "full", "label", "block"  # what a card draws at a level of detail


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
    _name_lines: tuple[tuple[str, QPointF], ...]
    _pills: list[tuple[QRectF, str, QPointF]]

    def label_layout(self, font_px: int, min_px: int) -> LabelLayout:  # CardItem's
        raise NotImplementedError

    # --- level of detail ------------------------------------------------------------------

    def detail_at(self, lod: float) -> str:
        """What the card draws at level of detail ``lod``: ``FULL`` (type line, name,
        pills), ``LABEL`` (only the name, enlarged) or ``BLOCK`` (no text)."""
        if self._ctx.exporting or lod >= style.LOD_FULL:
            return FULL
        return LABEL if lod >= style.LOD_TEXT else BLOCK

    def name_screen_px(self, lod: float) -> float:
        """On-screen pixel size of the name as drawn at ``lod`` (0 when not drawn)."""
        detail = self.detail_at(lod)
        if detail == FULL:
            return style.NAME_FONT_PX * lod
        if detail == LABEL:
            return self.label_layout(*_label_px(lod)).font_px * lod
        return 0.0

    def drawn_name(self, lod: float) -> str:
        """The name as drawn at ``lod`` (lines joined by a space; "" for a block)."""
        detail = self.detail_at(lod)
        if detail == FULL:
            return self._name_text
        return self.label_layout(*_label_px(lod)).text if detail == LABEL else ""

    # --- painting -------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        detail = self.detail_at(lod)
        if detail == BLOCK:
            self._paint_block(painter)
        elif detail == LABEL:
            self._paint_label(painter, self.label_layout(*_label_px(lod)))
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
        self._paint_marks(painter, None)
        if self._hovered and self.can_hide and not self._ctx.exporting:
            self._paint_eye(painter)

    def _paint_label(self, painter: QPainter, label: LabelLayout) -> None:
        # Zoomed out: the name alone, large enough to read; the type line and pills go.
        p = self._ctx.paints
        self._paint_rings(painter)
        self._paint_card(painter)
        self._paint_icon(painter)
        font = label.font
        if self.spec.deleted:
            font = QFont(font)
            font.setStrikeOut(True)
        painter.setFont(font)
        painter.setPen(p.muted_pen if self._muted else p.text_pen)
        for text, pos in label.lines:
            painter.drawText(pos, text)
        self._paint_marks(painter, label)
        if self._hovered and self.HIDEABLE:
            self._paint_eye(painter)

    def _paint_marks(self, painter: QPainter, label: LabelLayout | None) -> None:
        """State marks drawn over the card at full and label detail (subclasses);
        ``label`` is the enlarged name when drawn as a label."""

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
        for text, pos in self._name_lines:
            painter.drawText(pos, text)
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


def _label_px(lod: float) -> tuple[int, int]:
    """The enlarged name's font size at ``lod`` and the smallest size still legible there,
    in whole scene pixels (one layout for each pair)."""
    return round(style.name_font_px(lod)), math.ceil(style.LABEL_MIN_SCREEN_PX / lod)
