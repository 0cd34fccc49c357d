"""``FindBar``: Ctrl+F over the graph. Matches are highlighted and the current one centred.

The bar keeps the list of matches and which one is current; finding them is the
controller's job (``set_matches``). Enter goes to the next match, Shift+Enter to the
previous one, Escape closes the bar and clears the highlight.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QToolButton, QWidget

from lineage_desktop.ui.widgets import muted, plain_label


class _FindField(QLineEdit):
    previous_pressed = Signal()
    escape_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.previous_pressed.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        super().keyPressEvent(event)


class FindBar(QFrame):
    """Signals: ``query_changed(str)``; ``current_changed(str)`` with the key to centre;
    ``closed()``."""

    query_changed = Signal(str)
    current_changed = Signal(str)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._matches: list[str] = []
        self._index = -1
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(4)
        self.field = _FindField(self)
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in graph: name, version, alias, run id…")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(260)
        self.status = muted(
            plain_label("", self, selectable=False, wrap=False, object_name="findStatus")
        )
        self.previous_button = self._button("findPrevious", "▲", "Previous match (Shift+Enter)")
        self.next_button = self._button("findNext", "▼", "Next match (Enter)")
        close = self._button("findClose", "✕", "Close (Esc)")
        layout.addWidget(self.field)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(close)
        self.field.textChanged.connect(self.query_changed)
        self.field.returnPressed.connect(self.next)
        self.field.previous_pressed.connect(self.previous)
        self.field.escape_pressed.connect(self.close_bar)
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        close.clicked.connect(self.close_bar)
        self.hide()

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # --- public -----------------------------------------------------------------------

    def open_bar(self) -> None:
        """Show, focus and select the field."""
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        if self.field.text():
            self.query_changed.emit(self.field.text())

    @Slot()
    def close_bar(self) -> None:
        self.hide()
        self.set_matches([])
        self.closed.emit()

    def matches(self) -> list[str]:
        return list(self._matches)

    def current(self) -> str | None:
        return self._matches[self._index] if 0 <= self._index < len(self._matches) else None

    def set_matches(self, keys: list[str]) -> None:
        """New matches for the text in the field; the first becomes current."""
        self._matches = list(keys)
        self._index = 0 if keys else -1
        self._update_status()
        if keys:
            self.current_changed.emit(keys[0])

    @Slot()
    def next(self) -> None:
        self._step(1)

    @Slot()
    def previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self._matches:
            return
        self._index = (self._index + delta) % len(self._matches)
        self._update_status()
        self.current_changed.emit(self._matches[self._index])

    def _update_status(self) -> None:
        if not self.field.text().strip():
            self.status.setText("")
        elif not self._matches:
            self.status.setText("no matches")
        else:
            self.status.setText(f"{self._index + 1} of {len(self._matches)}")
        self.previous_button.setEnabled(len(self._matches) > 1)
        self.next_button.setEnabled(len(self._matches) > 1)
