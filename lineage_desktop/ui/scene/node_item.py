"""``NodeItem`` (a run or an artifact version) and ``ClusterItem``: the concrete cards."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from lineage_desktop.ui import style
from lineage_desktop.ui.scene import glyphs
from lineage_desktop.ui.scene.card_item import ICON_RADIUS as _ICON_R
from lineage_desktop.ui.scene.card_item import CardItem
from lineage_desktop.ui.scene.card_label import LabelLayout
from lineage_desktop.ui.scene.cards import cluster_title_lines
from lineage_desktop.ui.scene.cluster_marks import MemberMarks, paint_cluster_mark
from lineage_desktop.ui.widgets import plain_tooltip

__all__ = ["CardItem", "ClusterItem", "NodeItem"]


class NodeItem(CardItem):
    """A run or artifact-version card.

    Runs: green disc with a gear; failed runs red-tinted; running runs a pulsing dot.
    Artifacts: blue disc with a parcel; aliases as pills; compromised ones a warning badge.
    """

    def _paint_marks(self, painter: QPainter, label: LabelLayout | None) -> None:
        if self.spec.running:
            self._paint_running_dot(painter)
        if self.compromised:
            self._paint_warning(painter)

    def _paint_running_dot(self, painter: QPainter) -> None:
        p = self._ctx.paints
        center = self._icon_center + QPointF(_ICON_R * 0.72, _ICON_R * 0.72)
        phase = 0.0 if self._ctx.exporting else self._ctx.pulse
        painter.setPen(Qt.PenStyle.NoPen)
        if phase > 0.0:
            halo = QColor(p.running_brush.color())
            halo.setAlphaF(0.55 * (1.0 - phase))
            painter.setBrush(halo)
            painter.drawEllipse(center, 4.5 + 4.0 * phase, 4.5 + 4.0 * phase)
        painter.setBrush(p.card_brush)
        painter.drawEllipse(center, 6.0, 6.0)
        painter.setBrush(p.running_brush)
        painter.drawEllipse(center, 4.5, 4.5)

    def running_dot_rect(self) -> QRectF:
        """Area repainted by the pulse animation, in item coordinates."""
        center = self._icon_center + QPointF(_ICON_R * 0.72, _ICON_R * 0.72)
        return QRectF(center.x() - 9, center.y() - 9, 18, 18)

    def _paint_warning(self, painter: QPainter) -> None:
        p = self._ctx.paints
        center = self._icon_center + QPointF(_ICON_R * 0.75, _ICON_R * 0.65)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(p.card_brush)
        painter.drawEllipse(center + QPointF(0, 1), 9.0, 9.0)
        painter.setBrush(p.warning_brush)
        painter.drawPath(glyphs.WARNING_TRIANGLE.translated(center))
        painter.setBrush(p.glyph_brush)
        painter.drawPath(glyphs.WARNING_MARK.translated(center))


class ClusterItem(CardItem):
    """A collapsed group: a stack of cards tinted in the member kind's colour, with a count.

    Clicking it emits the scene's ``cluster_clicked``; it cannot be hidden from the card.
    A title too long for one line wraps onto two (the whole title is in the tooltip).
    With compromised or tainted members (``integrity_mark``) its border is the warning
    one and a pill on its top edge counts them (``cluster_marks``).
    """

    HIDEABLE = False
    integrity_mark: MemberMarks | None = None

    def set_integrity_mark(self, mark: MemberMarks | None) -> None:
        """Show how many members the integrity audit marked (None: no mark)."""
        if mark != self.integrity_mark:
            self.integrity_mark = mark
            self.update()

    def tooltip_markup(self) -> str:
        mark = self.integrity_mark
        text = self.spec.tooltip if mark is None else f"{self.spec.tooltip}\n{mark.text()}"
        return plain_tooltip(text)

    def _card_rect(self) -> QRectF:
        s = style.STACK_OFFSET
        return self._outer.adjusted(0, 0, -2 * s, -2 * s)

    def _text_right(self) -> float:
        return self._card.left() + style.TEXT_LEFT + style.cluster_text_width(
            self._size[0], self.spec.count
        )

    def _layout_content(self) -> None:
        super()._layout_content()
        f = style.fonts()
        badge_w = style.count_badge_width(self.spec.count, f)
        h = style.COUNT_BADGE_HEIGHT
        self._badge = QRectF(
            self._card.right() - style.CLUSTER_BADGE_PAD - badge_w,
            self._card.center().y() - h / 2,
            badge_w,
            h,
        )
        self._badge_text = str(self.spec.count)
        self._layout_title(f)

    def _layout_title(self, f: style.Fonts) -> None:
        # A long title wraps onto two lines instead of being elided; the layout reserved
        # the height for it (cards.cluster_title_lines decides for both).
        lines = cluster_title_lines(self.spec, self._size[0], f)
        if len(lines) == 1:
            return
        first, second = lines
        label = self.spec.label
        gap = " " if label[len(first):len(first) + 1] == " " else ""
        self._name_text = first + gap + second
        type_h, pitch = f.type_metrics.height(), f.name_metrics.lineSpacing()
        block = type_h + style.LINE_GAP + f.name_metrics.height() + pitch
        top = self._card.center().y() - block / 2
        self._type_pos = QPointF(self._text_x, top + f.type_metrics.ascent())
        first_y = top + type_h + style.LINE_GAP + f.name_metrics.ascent()
        self._name_pos = QPointF(self._text_x, first_y)
        self._name_lines = (
            (first, self._name_pos), (second, QPointF(self._text_x, first_y + pitch))
        )

    def _stack(self) -> list[QRectF]:
        s = style.STACK_OFFSET
        return [self._card.translated(2 * s, 2 * s), self._card.translated(s, s)]

    def _card_pen_brush(self) -> tuple[Any, Any]:
        p = self._ctx.paints
        kind = self.spec.member_kind if self.spec.member_kind in p.cluster_fill else "artifact"
        if self.isSelected() and not self._ctx.exporting:
            pen = p.selected_pen
        elif self.compromised:
            pen = p.warning_pen
        elif self.tainted:
            pen = p.tainted_pen
        else:
            pen = p.cluster_pen[kind]
        return pen, p.cluster_fill[kind]

    def _paint_block(self, painter: QPainter) -> None:
        p = self._ctx.paints
        kind = self.spec.member_kind if self.spec.member_kind in p.cluster_fill else "artifact"
        painter.setPen(p.cluster_pen[kind])
        painter.setBrush(p.cluster_fill[kind])
        painter.drawRect(self._stack()[0])
        super()._paint_block(painter)

    def _paint_card(self, painter: QPainter) -> None:
        p = self._ctx.paints
        kind = self.spec.member_kind if self.spec.member_kind in p.cluster_fill else "artifact"
        painter.setPen(p.cluster_pen[kind])
        painter.setBrush(p.cluster_fill[kind])
        for rect in self._stack():
            painter.drawRoundedRect(rect, style.CARD_RADIUS, style.CARD_RADIUS)
        super()._paint_card(painter)

    def _label_area(self, font_px: int) -> QRectF:
        area = super()._label_area(font_px)
        badge = self._badge_rect(font_px)
        area.setRight(badge.left() - 6)
        return area

    def badge_rect(self) -> QRectF:
        """The count badge at full detail, in item coordinates."""
        return QRectF(self._badge)

    def _badge_rect(self, font_px: int | None) -> QRectF:
        """The count badge, at normal size (None) or grown with an enlarged name."""
        if font_px is None:
            return self._badge
        scale = font_px / style.NAME_FONT_PX
        w, h = self._badge.width() * scale, style.COUNT_BADGE_HEIGHT * scale
        return QRectF(self._card.right() - 8 - w, self._card.center().y() - h / 2, w, h)

    def _paint_marks(self, painter: QPainter, label: LabelLayout | None) -> None:
        p = self._ctx.paints
        rect = self._badge_rect(label.font_px if label is not None else None)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(p.icon_brush(self.spec.member_kind))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        font = style.fonts().badge
        if label is not None:
            font = style.label_font(round(style.BADGE_FONT_PX * rect.height()
                                          / style.COUNT_BADGE_HEIGHT))[0]
        painter.setFont(font)
        painter.setPen(p.glyph_brush.color())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._badge_text)
        if self.integrity_mark is not None:
            paint_cluster_mark(painter, self._card, self.integrity_mark, self._ctx.paints)

    def _clicked(self) -> None:
        self._post("cluster_clicked")

    def _activated(self) -> None:
        # The first click of the double-click already opened the cluster's search.
        pass
