"""The centre of the window while a store is open: the focus node's page.

A header names the focus; tabs **Lineage** (find bar + ``lineageView``, the default),
**Overview** (its fields), **Metadata** (metadata or run config as a JSON tree) and
**Files** (path, size, digest).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.graph.nodes import NodeData
from lineage_desktop.records import ManifestEntry, key_kind
from lineage_desktop.ui import style
from lineage_desktop.ui.panels.details import NodeDetails
from lineage_desktop.ui.panels.files_model import FilesModel
from lineage_desktop.ui.panels.find_bar import FindBar
from lineage_desktop.ui.panels.json_tree import JsonTreeView
from lineage_desktop.ui.scene import LineageView
from lineage_desktop.ui.widgets import Dot, bold, muted, plain_label, plain_tooltip

LINEAGE, OVERVIEW, METADATA, FILES = range(4)


class FocusPage(QWidget):
    """Header and tabs of the node the lineage is focused on."""

    def __init__(self, view: LineageView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("focusPage")
        self.view = view
        self._key: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        header = QHBoxLayout()
        header.setContentsMargins(14, 8, 14, 6)
        header.setSpacing(10)
        self.dot = Dot(diameter=16)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = bold(plain_label("", self, object_name="focusTitle", wrap=False), 1.25)
        self.subtitle = muted(plain_label("", self, object_name="focusSubtitle", wrap=False))
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addLayout(titles, 1)
        self.problems = muted(plain_label("", self, object_name="focusProblems"))
        self.problems.setStyleSheet("color: #e8590c;")
        self.problems.setMaximumWidth(420)
        self.problems.hide()
        header.addWidget(self.problems, 0, Qt.AlignmentFlag.AlignVCenter)
        self._header = QWidget(self)
        self._header.setLayout(header)
        self._header.hide()
        layout.addWidget(self._header)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("focusTabs")
        self.tabs.setDocumentMode(True)
        lineage = QWidget()
        lineage_layout = QVBoxLayout(lineage)
        lineage_layout.setContentsMargins(0, 0, 0, 0)
        lineage_layout.setSpacing(0)
        self.find_bar = FindBar(lineage)
        lineage_layout.addWidget(self.find_bar)
        lineage_layout.addWidget(view, 1)
        self._lineage_layout = lineage_layout
        self.lineage_tab = lineage
        self.tabs.addTab(lineage, "Lineage")

        self.overview = NodeDetails("overview", show_files=False, show_focus_button=False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.overview)
        self.tabs.addTab(scroll, "Overview")

        self.metadata = JsonTreeView(object_name="metadataTree")
        self.tabs.addTab(self.metadata, "Metadata")

        self.files_model = FilesModel(self)
        self.files = QTableView()
        self.files.setObjectName("filesTable")
        self.files.setModel(self.files_model)
        self.files.verticalHeader().setVisible(False)
        self.files.verticalHeader().setDefaultSectionSize(24)
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setAlternatingRowColors(True)
        self.files.setShowGrid(False)
        self.files.setWordWrap(False)
        header_view = self.files.horizontalHeader()
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.files, "Files")
        layout.addWidget(self.tabs, 1)

    def add_bar(self, bar: QWidget) -> None:
        """Put a bar (e.g. the paths bar) above the graph, under the find bar."""
        self._lineage_layout.insertWidget(self._lineage_layout.indexOf(self.view), bar)

    @property
    def key(self) -> str | None:
        """Focus key shown by the page."""
        return self._key

    def show_focus(
        self, key: str, attrs: NodeData, run_names: dict[str, str], problems: list[str]
    ) -> None:
        """Fill the header and the tabs for the focus node (files arrive by ``set_files``)."""
        same = key == self._key
        self._key = key
        kind = attrs.kind or key_kind(key)
        palette = style.palette_for(False)
        self.dot.set_colour(palette.run if kind == "run" else palette.artifact)
        if kind == "run":
            self.title.setText(attrs.name or attrs.label_or(key))
            self.subtitle.setText(f"{attrs.job_type or 'run'} run · {attrs.state or ''} · {key}")
            self.tabs.setTabText(METADATA, "Config")
            self.metadata.set_value(dict(attrs.config))
        else:
            self.title.setText(attrs.label_or(key))
            aliases = ", ".join(attrs.aliases)
            suffix = f" · {aliases}" if aliases else ""
            self.subtitle.setText(f"{attrs.type or 'artifact'} artifact version{suffix}")
            self.tabs.setTabText(METADATA, "Metadata")
            self.metadata.set_value(dict(attrs.metadata))
        self.tabs.setTabEnabled(FILES, kind != "run")
        if not same:
            self.files_model.set_entries(None, [])
        self.overview.show_node(key, attrs, run_names, is_focus=True)
        self.problems.setText("\n".join(problems[:3]))
        self.problems.setToolTip(plain_tooltip("\n".join(problems)) if problems else "")
        self.problems.setVisible(bool(problems))
        self._header.show()

    def set_files(self, key: str, entries: list[ManifestEntry]) -> None:
        if key == self._key:
            self.files_model.set_entries(key, entries)
            self.tabs.setTabText(FILES, f"Files ({len(entries):,})")

    def clear(self) -> None:
        self._key = None
        self._header.hide()
        self.metadata.set_value(None)
        self.files_model.set_entries(None, [])
        self.overview.clear()
        self.tabs.setTabText(FILES, "Files")
        self.tabs.setCurrentIndex(LINEAGE)
