"""Small widgets shared by the panels: plain-text labels, the message banner, dots.

Everything that shows text from the store goes through ``plain_label`` (or a
``QPlainTextEdit``): Qt guesses "rich text" for a string that looks like HTML, and a
description holding ``<img src=...>`` must show literally, never load anything.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from lineage_desktop.ui import style


def plain_tooltip(text: str) -> str:
    """Tooltip markup that shows ``text`` literally (Qt guesses rich text otherwise)."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def plain_label(
    text: str = "",
    parent: QWidget | None = None,
    *,
    selectable: bool = True,
    wrap: bool = True,
    object_name: str | None = None,
) -> QLabel:
    """A label that never interprets its text as markup."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setCursor(Qt.CursorShape.IBeamCursor)
    if object_name:
        label.setObjectName(object_name)
    return label


def muted(label: QLabel, scale: float = 0.92) -> QLabel:
    """Smaller, secondary-coloured text (from the widget palette, so dark themes work)."""
    font = QFont(label.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() * scale))
    label.setFont(font)
    # A role, not a colour: the text follows the application palette when the theme changes.
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class Dot(QWidget):
    """A filled disc in a colour (the run-green / artifact-blue icon of a preview)."""

    def __init__(
        self, colour: str = "#2f6fde", diameter: int = 14, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._colour = QColor(colour)
        self._diameter = diameter
        self.setFixedSize(QSize(diameter, diameter))

    def set_colour(self, colour: str) -> None:
        self._colour = QColor(colour)
        self.update()

    def colour(self) -> QColor:
        return QColor(self._colour)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour)
        painter.drawEllipse(0, 0, self._diameter - 1, self._diameter - 1)
        painter.end()


class Banner(QFrame):
    """A dismissible, non-modal message strip (objectName ``messageBanner``).

    ``kind`` is ``error`` (red), ``warning`` (amber) or ``info`` (blue); the text is plain.
    ``set_action`` offers one way out of what the message says (a button, objectName
    ``messageBannerAction``); a new message drops it. Clicking it closes the banner.
    """

    dismissed = Signal()

    # kind: (background, border, text) in the light theme, then in the dark one
    _COLOURS: ClassVar[dict[str, tuple[tuple[str, str, str], tuple[str, str, str]]]] = {
        "error": (("#fdecec", "#e03131", "#5c1a1a"), ("#3a2426", "#ff6b6b", "#ffd8d8")),
        "warning": (("#fff4e0", "#f08c00", "#5c3b00"), ("#3a2f1c", "#ff922b", "#ffe3bf")),
        "info": (("#e7f0fd", "#2f6fde", "#16325c"), ("#1f2c44", "#4a86f0", "#d0e1ff")),
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        self.label = plain_label("", self, object_name="messageBannerText")
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        close = QToolButton(self)
        close.setObjectName("messageBannerClose")
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self._on_close_clicked)
        self.action_button = QPushButton(self)
        self.action_button.setObjectName("messageBannerAction")
        self.action_button.hide()
        self.action_button.clicked.connect(self._on_action_button_clicked)
        layout.addWidget(self.label)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._kind = "info"
        self._styled: tuple[str, bool] | None = None
        self._action: Callable[[], object] | None = None
        self.hide()

    def kind(self) -> str:
        return self._kind

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def show_message(self, text: str, kind: str = "error") -> None:
        self._kind = kind if kind in self._COLOURS else "info"
        self._restyle()
        self.label.setText(text)
        self.set_action(None)
        self.show()

    def _restyle(self) -> None:
        dark = style.app_prefers_dark()
        if self._styled == (self._kind, dark):
            return  # a style sheet set again would repolish and send another palette event
        self._styled = (self._kind, dark)
        background, border, foreground = self._COLOURS[self._kind][dark]
        self.setStyleSheet(
            f"#messageBanner {{ background: {background}; border-bottom: 1px solid {border}; }}"
            f"#messageBannerText, #messageBannerClose {{ color: {foreground}; }}"
        )

    def refresh_colours(self) -> None:
        """Follow the application's theme (light or dark). Its style sheet fixes the
        banner's own palette, so no palette event reaches it: the window calls this."""
        self._restyle()

    def set_action(self, text: str | None, on_clicked: Callable[[], object] | None = None,
                   ) -> None:
        """Offer the button ``text`` (plain) calling ``on_clicked``; None removes it."""
        self._action = on_clicked if text else None
        self.action_button.setText((text or "").replace("&", "&&"))
        self.action_button.setVisible(self._action is not None)

    @Slot()
    def _on_action_button_clicked(self) -> None:
        action = self._action
        self.hide()
        self.set_action(None)
        if action is not None:
            action()

    @Slot()
    def _on_close_clicked(self) -> None:
        self.hide()
        self.dismissed.emit()
