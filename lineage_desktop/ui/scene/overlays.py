"""Small widgets floating over the lineage view: a busy spinner and a placeholder message.

They are children of the view, not of its viewport: scrolling moves the viewport's
children along with the contents, and these must stay put.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QWidget

from lineage_desktop.ui import style

_SPIN_MS = 40


class BusyOverlay(QWidget):
    """A rounded pill with a spinning arc and a short text ("Laying out…")."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lineageBusy")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._text = "Working…"
        self._angle = 0
        self._palette = style.LIGHT
        self._timer = QTimer(self)
        self._timer.setInterval(_SPIN_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.hide()

    def text(self) -> str:
        """The text shown beside the spinner."""
        return self._text

    def set_palette(self, palette: style.Palette) -> None:
        """Colours to draw with."""
        self._palette = palette
        self.update()

    def start(self, text: str) -> None:
        """Show with ``text`` and spin."""
        self._text = text
        self.adjustSize()
        self.show()
        self.raise_()
        self._timer.start()

    def stop(self) -> None:
        """Hide and stop the animation."""
        self._timer.stop()
        self.hide()

    def sizeHint(self):  # noqa: N802 (Qt override)
        metrics = QFontMetricsF(self.font())
        size = super().sizeHint()
        size.setWidth(int(metrics.horizontalAdvance(self._text) + 46))
        size.setHeight(int(max(28.0, metrics.height() + 12)))
        return size

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._angle = (self._angle + 30) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = self._palette
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(p.card_border), 1))
        painter.setBrush(QColor(p.card))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        d = 14.0
        arc = QRectF(12, (rect.height() - d) / 2 + 0.5, d, d)
        pen = QPen(QColor(p.accent), 2.2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(arc, -self._angle * 16, 270 * 16)
        painter.setPen(QColor(p.text))
        painter.drawText(rect.adjusted(34, 0, -10, 0), Qt.AlignmentFlag.AlignVCenter, self._text)
        painter.end()


class MessageOverlay(QLabel):
    """A centred, muted, plain-text message such as "Open a lineage store…"."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lineageMessage")
        self.setTextFormat(Qt.TextFormat.PlainText)  # store texts must never become markup
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.setFont(font)
        self.set_palette(style.LIGHT)
        self.hide()

    def set_palette(self, palette: style.Palette) -> None:
        """Colours to draw with."""
        self.setStyleSheet(f"color: {palette.muted}; background: transparent;")
