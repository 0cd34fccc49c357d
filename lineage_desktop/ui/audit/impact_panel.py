"""``ImpactPanel``: everything downstream of a version as a sortable, copyable table."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QKeyEvent, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.audit import ImpactRow, impact_csv
from lineage_desktop.records.text import human_time
from lineage_desktop.ui import style
from lineage_desktop.ui.table_model import RowsTableModel

# (header, ImpactRow field) in display order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "name"), ("Kind", "kind"), ("Type", "type"), ("Version", "version"),
    ("Created", "created"), ("Author", "author"), ("Level", "level"),
)
SORT_ROLE = Qt.ItemDataRole.UserRole  # raw values: levels sort as numbers, v10 after v9
KEY_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


def _display_time(text: str) -> str:
    # The column header says UTC, so the cells leave it out.
    return human_time(text).removesuffix(" UTC")


def kind_icon(kind: str, dark: bool = False) -> QIcon:
    """A small disc in the graph's colour of ``kind`` (runs green, artifacts blue)."""
    pixmap = QPixmap(24, 24)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(0, 0, 0, 0))
    painter.setBrush(style.palette_for(dark).kind_color(kind))
    painter.drawEllipse(2, 2, 8, 8)
    painter.end()
    return QIcon(pixmap)


def _version_sort(text: str) -> Any:
    return int(text[1:]) if text[:1] == "v" and text[1:].isdigit() else -1


class ImpactModel(RowsTableModel):
    """Impact rows as a table; ``SORT_ROLE`` gives sortable raw values, ``KEY_ROLE`` keys."""

    HEADERS = tuple("Created (UTC)" if h == "Created" else h for h, _ in COLUMNS)
    NUMBERED = True

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ImpactRow] = []
        dark = style.app_prefers_dark()
        self._icons = {kind: kind_icon(kind, dark) for kind in ("run", "artifact")}

    def set_rows(self, rows: Sequence[ImpactRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ImpactRow:
        return self._rows[row]

    def rows(self) -> list[ImpactRow]:
        return list(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        field = COLUMNS[index.column()][1]
        value = getattr(row, field)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_value(row, field)
        if role == SORT_ROLE:
            if field == "version":
                return _version_sort(value)
            return value
        if role == KEY_ROLE:
            return row.key
        if role == Qt.ItemDataRole.DecorationRole and field == "name":
            return self._icons.get(row.kind)
        if role == Qt.ItemDataRole.ToolTipRole and field == "name":
            return row.key
        if role == Qt.ItemDataRole.TextAlignmentRole and field == "level":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def display_value(row: ImpactRow, field: str) -> str:
    """The text a cell shows (and Copy puts on the clipboard)."""
    value = getattr(row, field)
    if field == "created":
        return _display_time(value)
    return str(value)


class _ImpactTable(QTableView):
    """A table whose Copy key copies whole rows (Qt's own copies the current cell only)."""

    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ImpactPanel(QWidget):
    """The impact list of one version or run (objectName ``impactPanel``).

    Signals:

    - ``node_activated(str)``: a row was double-clicked (its graph key).
    - ``node_clicked(str)``: a row became current (its graph key), for the preview.
    - ``csv_saved(str)``: the CSV file was written (its path).
    """

    node_activated = Signal(str)
    node_clicked = Signal(str)
    csv_saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("impactPanel")
        self._model = ImpactModel(self)
        self._source: str | None = None
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self._model)
        self._proxy.setSortRole(SORT_ROLE)
        self._proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._proxy.setFilterKeyColumn(-1)  # any column matches
        self._title = QLabel("No impact list yet.")
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._filter = QLineEdit()
        self._filter.setPlaceholderText("Filter…")
        self._filter.setClearButtonEnabled(True)
        self._copy = QPushButton("Copy")
        self._copy.setToolTip("Copy the selected rows (all rows if none) as tab-separated "
                              "text (Ctrl+C)")
        self._save = QPushButton("Save CSV…")
        self._table = _ImpactTable()
        self._table.setObjectName("impactTable")
        self._table.setModel(self._proxy)
        self._setup_table()
        self._build()
        self._connect_signals()

    def _setup_table(self) -> None:
        table = self._table
        table.setSortingEnabled(True)
        table.sortByColumn(len(COLUMNS) - 1, Qt.SortOrder.AscendingOrder)  # nearest first
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        top.addWidget(self._title, 1)
        top.addWidget(self._filter)
        top.addWidget(self._copy)
        top.addWidget(self._save)
        layout.addLayout(top)
        layout.addWidget(self._table, 1)

    def _connect_signals(self) -> None:
        self._copy.clicked.connect(self._on_copy_clicked)
        self._save.clicked.connect(self._on_save_clicked)
        self._table.copy_requested.connect(self._on_table_copy_requested)
        self._filter.textChanged.connect(self._on_filter_text_changed)
        self._table.doubleClicked.connect(self._on_table_double_clicked)
        self._table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)

    # --- public -----------------------------------------------------------------------

    def set_rows(self, rows: Sequence[ImpactRow], source_label: str | None = None) -> None:
        """Show ``rows`` (from ``audit.impact_rows`` or ``rows_from_graph``)."""
        self._model.set_rows(rows)
        self._source = source_label
        count = len(rows)
        noun = "node" if count == 1 else "nodes"
        where = f" downstream of {source_label}" if source_label else " downstream"
        self._title.setText(f"{count} {noun}{where}" if count or source_label
                            else "Nothing downstream.")
        self._table.resizeColumnsToContents()
        self._table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._copy.setEnabled(bool(rows))
        self._save.setEnabled(bool(rows))

    def table_view(self) -> QTableView:
        return self._table

    def visible_rows(self) -> list[ImpactRow]:
        """Rows in the table's current order (sorted and filtered)."""
        proxy = self._proxy
        return [self._model.row_at(proxy.mapToSource(proxy.index(r, 0)).row())
                for r in range(proxy.rowCount())]

    def selected_rows(self) -> list[ImpactRow]:
        """Selected rows in table order (all visible rows when none is selected)."""
        chosen = sorted(i.row() for i in self._table.selectionModel().selectedRows())
        rows = self.visible_rows()
        return [rows[r] for r in chosen] if chosen else rows

    def tsv(self, rows: Sequence[ImpactRow]) -> str:
        """Rows as tab-separated text with a header line (pastes into spreadsheets)."""
        lines = ["\t".join(h for h, _ in COLUMNS)]
        for row in rows:
            cells = (display_value(row, f).replace("\t", " ").replace("\n", " ")
                     for _, f in COLUMNS)
            lines.append("\t".join(cells))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> str:
        """Put the selected rows on the clipboard as TSV; returns the text."""
        text = self.tsv(self.selected_rows())
        QGuiApplication.clipboard().setText(text)
        return text

    def save_csv(self, path: str | Path) -> Path:
        """Write the visible rows, in table order, as CSV (``audit.impact_csv`` columns)."""
        target = Path(path)
        target.write_text(impact_csv(self.visible_rows()), encoding="utf-8")
        self.csv_saved.emit(str(target))
        return target

    # --- slots ------------------------------------------------------------------------

    @Slot()
    def _on_copy_clicked(self) -> None:
        self.copy_selection()

    @Slot()
    def _on_table_copy_requested(self) -> None:
        self.copy_selection()

    @Slot()
    def _on_save_clicked(self) -> None:
        name = f"impact-{self._source or 'list'}.csv".replace(":", "-").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(self, "Save impact list", name,
                                              "CSV files (*.csv);;All files (*)")
        if path:
            try:
                self.save_csv(path)
            except OSError as exc:
                self._title.setText(f"Could not save {path}: {exc.strerror or exc}")

    @Slot(str)
    def _on_filter_text_changed(self, text: str) -> None:
        self._proxy.setFilterFixedString(text)

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        key = self._proxy.data(index, KEY_ROLE)
        if key:
            self.node_activated.emit(str(key))

    @Slot(QModelIndex, QModelIndex)
    def _on_table_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        key = self._proxy.data(current, KEY_ROLE) if current.isValid() else None
        if key:
            self.node_clicked.emit(str(key))
