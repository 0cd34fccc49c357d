"""``WrappedValue``: a details-form value for long unbroken strings (a 64-digit digest)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget


class WrappedValue(QPlainTextEdit):
    """A read-only, frameless value that wraps anywhere (a 64-digit digest) and grows to
    as many lines as it needs; selectable and copyable, never markup."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setReadOnly(True)
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.setStyleSheet("QPlainTextEdit { background: transparent; }")
        self.document().setDocumentMargin(0)
        font = self.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (the QLabel name the form uses)
        self.setPlainText(text)
        self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        # Monospace text wrapped anywhere: the line count follows from the width.
        metrics = self.fontMetrics()
        per_line = max(1, (self.viewport().width() - 4) // max(1, metrics.horizontalAdvance("0")))
        lines = max(1, math.ceil(len(self.toPlainText()) / per_line))
        height = lines * metrics.lineSpacing() + 6
        if self.height() != height:
            self.setFixedHeight(height)
