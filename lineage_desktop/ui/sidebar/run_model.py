"""``RunTableModel``: the runs of a store, a page at a time, sortable by the database.

Sorting asks the database for a new order (``sort`` emits ``page_wanted`` from row 0);
scrolling to the end asks for the next page (``fetchMore``). Answers carry the
generation they were asked for, so a page of an old sort order is ignored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from lineage_desktop.records.text import human_time, run_duration
from lineage_desktop.ui.session.queries import RunRow
from lineage_desktop.ui.table_model import RowsTableModel
from lineage_desktop.ui.widgets import plain_tooltip

PAGE = 500
COLUMNS = ("Name", "State", "Job type", "Started", "Duration")
# Column -> database order (None: not sortable by the database).
SORT_KEYS = ("name", "state", "job_type", "started", None)
STATE_COLOURS = {
    "finished": "#2e9d5b",
    "running": "#1c7ed6",
    "failed": "#e03131",
    "crashed": "#f08c00",
}
KeyRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def state_icon(state: str, size: int = 12) -> QIcon:
    """A small filled disc in the state's colour (grey for unknown states)."""
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x: crisp on high-DPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(STATE_COLOURS.get(state, "#868e96")))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


class RunTableModel(RowsTableModel):
    """Runs with name, state (with an icon), job type, start time and duration.

    ``page_wanted(str order, bool descending, int offset, int limit, int generation)``
    asks for rows; answer with ``add_page``.
    """

    page_wanted = Signal(str, bool, int, int, int)
    HEADERS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RunRow] = []
        self._total = 0
        self._order = "started"
        self._descending = True
        self._generation = 0
        self._waiting = False
        self._icons: dict[str, QIcon] = {}

    # --- filling ----------------------------------------------------------------------

    def reload(self, keep_count: bool = False) -> None:
        """Ask for the rows again from the top (a new store, or another process wrote).

        ``keep_count`` re-reads as many rows as are shown, so the scroll position holds.
        """
        self._generation += 1
        self._waiting = True
        limit = max(PAGE, len(self._rows)) if keep_count else PAGE
        self.page_wanted.emit(self._order, self._descending, 0, limit, self._generation)

    def clear(self) -> None:
        self._generation += 1
        self._waiting = False
        self.beginResetModel()
        self._rows, self._total = [], 0
        self.endResetModel()

    def add_page(self, generation: int, offset: int, rows: list[RunRow], total: int) -> None:
        """Rows from ``offset`` on, for the request of ``generation``."""
        if generation != self._generation:
            return
        self._waiting = False
        self._total = total
        if offset == 0:
            if [r.id for r in rows] == [r.id for r in self._rows[: len(rows)]] and len(rows) == len(
                self._rows
            ):
                self._rows = list(rows)  # same rows: update in place (states, finish times)
                if rows:
                    self.dataChanged.emit(
                        self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1)
                    )
                return
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()
            return
        if offset != len(self._rows) or not rows:
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    @property
    def total(self) -> int:
        """Number of runs in the store (as of the last answer)."""
        return self._total

    def sort_order(self) -> tuple[str, bool]:
        return self._order, self._descending

    def row_at(self, row: int) -> RunRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, run_id: str) -> int:
        for position, row in enumerate(self._rows):
            if row.id == run_id:
                return position
        return -1

    # --- Qt model ---------------------------------------------------------------------

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._waiting and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        self._waiting = True
        self.page_wanted.emit(
            self._order, self._descending, len(self._rows), PAGE, self._generation
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._order, self._descending) and self._rows:
            return
        self._order, self._descending = key, descending
        self.reload()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == KeyRole:
            return row.key
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            icon = self._icons.get(row.state)
            if icon is None:
                icon = self._icons[row.state] = state_icon(row.state)
            return icon
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_tooltip(f"{row.name}\nid {row.id}\nby {row.author or 'unknown'}")
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == 1
            and row.state in ("failed", "crashed")
        ):
            return QColor(STATE_COLOURS[row.state])
        return None

    @staticmethod
    def _text(row: RunRow, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return row.state
        if column == 2:
            return row.job_type or "run"
        if column == 3:
            return human_time(row.started_at).removesuffix(" UTC")
        return run_duration(row.started_at, row.finished_at, row.state)
