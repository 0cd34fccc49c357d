"""``KeyValueTable``: sorted ``key -> value`` rows (a run's config or summary).

The rows come from ``graph.key_values.flat_rows`` (plain text); a table item never
interprets markup, and the tooltip of an elided value is escaped (Qt guesses rich text
for tooltips).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from lineage_desktop.graph.key_values import flat_rows
from lineage_desktop.ui.widgets import plain_tooltip

SHOWN_VALUE = 80  # characters of a value shown in its cell; the tooltip has all of it
ROW_HEIGHT = 22


def _elided(text: str) -> str:
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


class KeyValueTable(QTableWidget):
    """A read-only two-column table of a mapping's flattened, sorted rows."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName(object_name)
        self.setHorizontalHeaderLabels(["Key", "Value"])
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setMaximumHeight(200)
        self._rows: list[tuple[str, str]] = []

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` (nested dicts as ``a.b`` keys); an empty mapping, no rows."""
        self._rows = flat_rows(values)
        self.setRowCount(len(self._rows))
        for row, (key, value) in enumerate(self._rows):
            for column, text in enumerate((key, value)):
                item = QTableWidgetItem(_elided(text))
                item.setToolTip(plain_tooltip(text))
                self.setItem(row, column, item)
        # Tall enough for the rows (up to the maximum), so that a short summary is compact.
        self.setFixedHeight(min(200, ROW_HEIGHT * (len(self._rows) + 1) + 6))

    def rows(self) -> list[tuple[str, str]]:
        """The full ``(key, value)`` texts shown (before eliding)."""
        return list(self._rows)

    def text(self) -> str:
        """``key: value`` lines of the full texts."""
        return "\n".join(f"{key}: {value}" for key, value in self._rows)
