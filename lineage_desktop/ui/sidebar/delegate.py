"""``TwoToneDelegate``: a tree row's text, then its secondary text in a muted colour."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from lineage_desktop.ui.sidebar.artifact_model import SecondaryRole


class TwoToneDelegate(QStyledItemDelegate):
    """Draws the item text, then its secondary text (counts, aliases) in a muted colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        secondary = index.data(SecondaryRole)
        if not secondary:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        if style is None:
            return
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        used = opt.fontMetrics.horizontalAdvance(opt.text) + 10
        rect = QRect(
            text_rect.left() + used,
            text_rect.top(),
            max(0, text_rect.width() - used),
            text_rect.height(),
        )
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.save()
        painter.setPen(opt.palette.color(role))
        elided = opt.fontMetrics.elidedText(
            str(secondary), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), elided
        )
        painter.restore()
