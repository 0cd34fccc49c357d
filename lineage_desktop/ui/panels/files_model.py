"""``FilesModel``: an artifact version's manifest (path, size, digest) as a table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from lineage_desktop.records import ManifestEntry
from lineage_desktop.ui.formatting import human_size, short_digest
from lineage_desktop.ui.table_model import RowsTableModel
from lineage_desktop.ui.widgets import plain_tooltip

COLUMNS = ("Path", "Size", "Digest")
Index = QModelIndex | QPersistentModelIndex


class FilesModel(RowsTableModel):
    """Manifest entries; a reference shows its URI in the tooltip."""

    HEADERS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ManifestEntry] = []
        self._key: str | None = None

    def set_entries(self, key: str | None, entries: list[ManifestEntry]) -> None:
        self.beginResetModel()
        self._key, self._rows = key, list(entries)
        self.endResetModel()

    def key(self) -> str | None:
        """Graph key of the version whose files are shown."""
        return self._key

    def entries(self) -> list[ManifestEntry]:
        return list(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return entry.path
            if column == 1:
                return human_size(entry.size)
            return short_digest(entry.digest)
        if role == Qt.ItemDataRole.ToolTipRole:
            # QToolTip guesses rich text: escape paths and URIs from the store.
            if column == 2:
                return plain_tooltip(entry.digest)
            if column == 0:
                ref = f"\nreference: {entry.ref}" if entry.ref else ""
                return plain_tooltip(entry.path + ref)
            if column == 1:
                return f"{entry.size:,} bytes"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
