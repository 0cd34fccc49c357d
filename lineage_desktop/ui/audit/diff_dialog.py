"""``DiffDialog``: compare two versions of one artifact (files, metadata, inputs).

The versions list and the diff are read in the background (``audit.diff_versions`` on
a connection of the worker's own); every text is shown as plain text.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.audit import VersionDiff, diff_versions
from lineage_desktop.records.text import exact_size, human_time, plural
from lineage_desktop.sdk import Api
from lineage_desktop.store.pg import PgLocation
from lineage_desktop.ui import style
from lineage_desktop.ui.audit.tasks import BackgroundChannel, TaskContext

ApiFactory = Callable[[], Api]

FILE_HEADERS = ("Change", "Path", "Size A", "Size B", "Digest A", "Digest B")
METADATA_HEADERS = ("Change", "Key", "A", "B")
INPUT_HEADERS = ("Change", "Upstream", "A", "B")


@dataclass(frozen=True)
class VersionChoice:
    """One entry of the version pickers."""

    ref: str  # entity/project/name:v3, unambiguous in any store
    label: str  # v3 (latest, best) · 2026-08-03 08:00


def _choices(factory: ApiFactory, artifact: str, context: TaskContext) -> list[VersionChoice]:
    with factory() as api:
        versions = [a.record for a in api.artifact_versions(artifact)]
    versions.sort(key=lambda v: v.index, reverse=True)  # newest first, as pickers list them
    out = []
    for v in versions:
        aliases = f" ({', '.join(v.aliases)})" if v.aliases else ""
        when = f" · {human_time(v.created_at)}" if v.created_at else ""
        out.append(VersionChoice(v.qualified_name, f"{v.version}{aliases}{when}"))
    return out


def _diff(factory: ApiFactory, a: str, b: str, context: TaskContext) -> VersionDiff:
    with factory() as api:
        return diff_versions(api, a, b)


def value_text(value: Any) -> str:
    """A metadata value on one line: JSON, so that ``"1"`` and ``1`` read differently."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def default_pair(count: int, a: int, b: int) -> tuple[int, int]:
    """Picker indexes (newest first, -1: not chosen) for ``count >= 2`` versions.

    Both chosen: as chosen. One chosen: it and the version before it (or after it, for
    the oldest). None: the two newest.
    """
    if a >= 0 and b >= 0:
        return a, b
    one = a if a >= 0 else b
    if one < 0:
        return 1, 0
    return (one + 1, one) if one + 1 < count else (one, one - 1)


class DiffDialog(QDialog):
    """Two version pickers and the differences between them (objectName ``diffDialog``).

    ``api_factory()`` returns a new read-only ``Api`` (with the window's as-of moment);
    it is called on a worker thread. ``artifact`` names the collection (``name`` or
    ``entity/project/name``); ``a`` and ``b`` preselect versions (``v3`` or refs ending
    in ``:v3``). Only one given: it and the version before it. None: the two newest.

    Signals:

    - ``versions_loaded(list)``: the ``VersionChoice`` list filled into the pickers.
    - ``diff_ready(object)``: the ``VersionDiff`` now shown.
    - ``failed(str)``: the store could not be read (also shown in the dialog).
    """

    versions_loaded = Signal(list)
    diff_ready = Signal(object)
    failed = Signal(str)

    def __init__(self, api_factory: ApiFactory, artifact: str, a: str | None = None,
                 b: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diffDialog")
        self.setWindowTitle(f"Compare versions of {artifact}")
        self.resize(860, 520)
        self._factory = api_factory
        self._artifact = artifact
        self._wanted = (a, b)
        self._choices: list[VersionChoice] = []
        self._diff: VersionDiff | None = None
        self._pending = ""
        self._channel = BackgroundChannel(self)
        self.combo_a = QComboBox()
        self.combo_a.setObjectName("diffVersionA")
        self.combo_b = QComboBox()
        self.combo_b.setObjectName("diffVersionB")
        self.swap_button = QPushButton("Swap")
        self.summary = QLabel("Loading versions…")
        self.summary.setObjectName("diffSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        self.files_table = self._table("diffFiles", FILE_HEADERS)
        self.metadata_table = self._table("diffMetadata", METADATA_HEADERS)
        self.inputs_table = self._table("diffInputs", INPUT_HEADERS)
        for table, title in ((self.files_table, "Files"), (self.metadata_table, "Metadata"),
                             (self.inputs_table, "Lineage")):
            self.tabs.addTab(table, title)
        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self._build()
        self._connect_signals()
        self._set_pickers_enabled(False)
        self._pending = "versions"
        self._channel.submit(lambda context: _choices(api_factory, artifact, context))

    @staticmethod
    def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(list(headers))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        pickers = QGridLayout()
        pickers.addWidget(QLabel("A (older):"), 0, 0)
        pickers.addWidget(self.combo_a, 0, 1)
        pickers.addWidget(self.swap_button, 0, 2, 2, 1)
        pickers.addWidget(QLabel("B (newer):"), 1, 0)
        pickers.addWidget(self.combo_b, 1, 1)
        pickers.setColumnStretch(1, 1)
        layout.addLayout(pickers)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self._buttons)

    def _connect_signals(self) -> None:
        self._channel.done.connect(self._on_channel_done)
        self._channel.failed.connect(self._on_channel_failed)
        self.combo_a.currentIndexChanged.connect(self._on_combo_current_index_changed)
        self.combo_b.currentIndexChanged.connect(self._on_combo_current_index_changed)
        self.swap_button.clicked.connect(self._on_swap_clicked)
        self._buttons.rejected.connect(self.reject)

    # --- public -----------------------------------------------------------------------

    def current_diff(self) -> VersionDiff | None:
        """The diff on screen (None while loading)."""
        return self._diff

    def choices(self) -> list[VersionChoice]:
        return list(self._choices)

    def select(self, a: str, b: str) -> None:
        """Pick versions ``a`` and ``b`` (``v3`` or any ref ending in ``:v3``)."""
        for combo, wanted in ((self.combo_a, a), (self.combo_b, b)):
            index = self._index_of(wanted)
            if index >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
        self._request_diff()

    def rows(self, table: QTableWidget) -> list[tuple[str, ...]]:
        """The texts of ``table``'s rows (for tests and copy)."""
        return [tuple(table.item(r, c).text() if table.item(r, c) else ""
                      for c in range(table.columnCount())) for r in range(table.rowCount())]

    def done(self, result: int) -> None:  # Qt override (QDialog.done): stop the worker first
        self._channel.shutdown()
        super().done(result)

    # --- loading ----------------------------------------------------------------------

    def _index_of(self, wanted: str | None) -> int:
        if not wanted:
            return -1
        version = wanted.rsplit(":", 1)[-1]
        for i, choice in enumerate(self._choices):
            if choice.ref.rsplit(":", 1)[-1] == version:
                return i
        return -1

    def _fill(self, choices: list[VersionChoice]) -> None:
        self._choices = choices
        for combo in (self.combo_a, self.combo_b):
            combo.blockSignals(True)
            combo.clear()
            for choice in choices:
                combo.addItem(choice.label, choice.ref)
            combo.blockSignals(False)
        self.versions_loaded.emit(choices)
        if len(choices) < 2:
            self.summary.setText(f"{self._artifact} has only {len(choices)} version"
                                 f"{'' if len(choices) == 1 else 's'}: nothing to compare.")
            return
        self._set_pickers_enabled(True)
        index_a, index_b = default_pair(len(choices), *(self._index_of(w) for w in self._wanted))
        for combo, index in ((self.combo_a, index_a), (self.combo_b, index_b)):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._request_diff()

    def _request_diff(self) -> None:
        a, b = self.combo_a.currentData(), self.combo_b.currentData()
        if not a or not b:
            return
        self.summary.setText("Comparing…")
        self._pending = "diff"
        self._channel.submit(lambda context: _diff(self._factory, a, b, context))

    def _set_pickers_enabled(self, enabled: bool) -> None:
        for widget in (self.combo_a, self.combo_b, self.swap_button):
            widget.setEnabled(enabled)

    # --- showing ----------------------------------------------------------------------

    def _show_diff(self, diff: VersionDiff) -> None:
        self._diff = diff
        palette = style.palette_for(style.app_prefers_dark())
        colors = {"added": palette.run, "removed": palette.failed_border,
                  "changed": palette.warning, "only in A": palette.failed_border,
                  "only in B": palette.run}
        files = [("added", e.path, "", exact_size(e.size), "", e.digest) for e in diff.files_added]
        files += [("removed", e.path, exact_size(e.size), "", e.digest, "")
                  for e in diff.files_removed]
        files += [("changed", c.path, exact_size(c.old_size), exact_size(c.new_size),
                   c.old_digest, c.new_digest) for c in diff.files_changed]
        metadata = [("added", k, "", value_text(v)) for k, v in diff.metadata_added.items()]
        metadata += [("removed", k, value_text(v), "") for k, v in diff.metadata_removed.items()]
        metadata += [("changed", k, value_text(o), value_text(n))
                     for k, (o, n) in diff.metadata_changed.items()]
        inputs = [("only in A", label, label, "") for label in diff.inputs_only_a]
        inputs += [("only in B", label, "", label) for label in diff.inputs_only_b]
        inputs += [("changed", name, a, b) for name, (a, b) in diff.inputs_changed.items()]
        if diff.producer_a != diff.producer_b:
            inputs.append(("producer", "logged by run", diff.producer_a or "-",
                           diff.producer_b or "-"))
        for index, (table, rows, title) in enumerate((
                (self.files_table, files, "Files"), (self.metadata_table, metadata, "Metadata"),
                (self.inputs_table, inputs, "Lineage"))):
            self._fill_table(table, rows, colors)
            self.tabs.setTabText(index, f"{title} ({len(rows)})")
        lineage_changes = len(inputs) - (1 if diff.producer_a != diff.producer_b else 0)
        self.summary.setText(
            f"{diff.a} → {diff.b}: identical content, metadata and inputs." if diff.identical
            else f"{diff.a} → {diff.b}: {plural(len(files), 'file')}, "
                 f"{plural(len(metadata), 'metadata key')} and "
                 f"{plural(lineage_changes, 'upstream input')} differ.")
        self.diff_ready.emit(diff)

    @staticmethod
    def _fill_table(table: QTableWidget, rows: list[tuple[str, ...]],
                    colors: dict[str, str]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)  # QTableWidgetItem never interprets markup
                if c == 0 and text in colors:
                    item.setForeground(QColor(colors[text]))
                if c > 0:
                    item.setToolTip(text)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        for c in range(table.columnCount()):
            # Digests are long: keep columns readable, the tooltip holds the whole value.
            if header.sectionSize(c) > 260:
                header.resizeSection(c, 260)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

    # --- slots ------------------------------------------------------------------------

    @Slot(object)
    def _on_channel_done(self, result: object) -> None:
        if self._pending == "versions":
            assert isinstance(result, list)
            self._fill(result)
        elif isinstance(result, VersionDiff):
            self._show_diff(result)

    @Slot(str)
    def _on_channel_failed(self, message: str) -> None:
        self.summary.setText(f"Could not compare: {message}")
        self.failed.emit(message)

    @Slot(int)
    def _on_combo_current_index_changed(self, index: int) -> None:
        self._request_diff()

    @Slot()
    def _on_swap_clicked(self) -> None:
        a, b = self.combo_a.currentIndex(), self.combo_b.currentIndex()
        for combo, index in ((self.combo_a, b), (self.combo_b, a)):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._request_diff()


def api_factory(store_path: str | Path | PgLocation, as_of: str | None = None) -> ApiFactory:
    """A factory of read-only ``Api`` objects on ``store_path`` (as of ``as_of``): a file,
    or a team store's location (its URL's password kept: ``str`` of it has none)."""
    def make() -> Api:
        return Api(store=store_path, as_of=as_of)
    return make
