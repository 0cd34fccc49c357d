"""The left dock (``projectSidebar``): tabs **Artifacts** (``artifactTree`` with a filter
field) and **Runs** (``runList``). Selecting a version or a run asks for its lineage."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLineEdit,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.records import ArtifactCollection, is_run_key, key_ident
from lineage_desktop.store.search import SearchResult
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.session.queries import (
    COLLECTION_PAGE,
    CollectionTree,
    RunRow,
    VersionList,
)
from lineage_desktop.ui.sidebar.artifact_model import (
    ArtifactTreeModel,
    FilterRole,
    KeyRole,
    KindRole,
)
from lineage_desktop.ui.sidebar.delegate import TwoToneDelegate
from lineage_desktop.ui.sidebar.run_model import SORT_KEYS, RunTableModel
from lineage_desktop.ui.sidebar.run_model import KeyRole as RunKeyRole
from lineage_desktop.ui.sidebar.search_model import SearchTreeModel

_FILTER_DELAY_MS = 150


class ProjectSidebar(QDockWidget):
    """Artifacts and runs of the open store.

    Signals: ``lineage_requested(str)`` with a version key, a ``name:latest`` reference
    for a collection, or ``run:<id>``.
    """

    lineage_requested = Signal(str)

    def __init__(self, controller: LineageController, parent: QWidget | None = None) -> None:
        super().__init__("Project", parent)
        self.setObjectName("projectSidebar")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self._controller = controller
        self._runs_started = False
        self._select_guard = False
        self.tree_model = ArtifactTreeModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.tree_model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterRole(FilterRole)
        # What the filter field found in the store; the tree shows it instead of the
        # full tree while the field holds text.
        self.search_model = SearchTreeModel(self)
        self._kept: tuple[list[str], str | None] = ([], None)  # expanded, current of the tree
        self.run_model = RunTableModel(self)
        self._build()
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(_FILTER_DELAY_MS)
        self._run_filter_timer = QTimer(self)
        self._run_filter_timer.setSingleShot(True)
        self._run_filter_timer.setInterval(_FILTER_DELAY_MS)
        self._connect()

    def _build(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("sidebarTabs")
        self.tabs.setDocumentMode(True)

        artifacts = QWidget()
        layout = QVBoxLayout(artifacts)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        self.filter_field = QLineEdit()
        self.filter_field.setObjectName("artifactFilter")
        self.filter_field.setPlaceholderText("Filter names, versions (v3), aliases, runs…")
        self.filter_field.setClearButtonEnabled(True)
        self.tree = QTreeView()
        self.tree.setObjectName("artifactTree")
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)  # 100,000 rows scroll without measuring each
        self.tree.setItemDelegate(TwoToneDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setExpandsOnDoubleClick(True)
        layout.addWidget(self.filter_field)
        layout.addWidget(self.tree)
        self.tabs.addTab(artifacts, "Artifacts")

        self.runs_page = QWidget()
        runs_layout = QVBoxLayout(self.runs_page)
        runs_layout.setContentsMargins(6, 6, 6, 0)
        runs_layout.setSpacing(6)
        self.run_filter = QLineEdit()
        self.run_filter.setObjectName("runFilter")
        self.run_filter.setPlaceholderText("Filter runs by name, id, job type, state…")
        self.run_filter.setClearButtonEnabled(True)
        runs_layout.addWidget(self.run_filter)
        self.runs = QTableView()
        self.runs.setObjectName("runList")
        runs_layout.addWidget(self.runs)
        self.runs.setModel(self.run_model)
        self.runs.setSortingEnabled(True)
        self.runs.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        self.runs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.runs.verticalHeader().setVisible(False)
        self.runs.verticalHeader().setDefaultSectionSize(24)
        self.runs.setShowGrid(False)
        self.runs.setAlternatingRowColors(True)
        self.runs.setWordWrap(False)
        header = self.runs.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((150, 80, 80, 130, 70)):
            self.runs.setColumnWidth(column, width)
        self.tabs.addTab(self.runs_page, "Runs")
        self.setWidget(self.tabs)

    def _connect(self) -> None:
        c = self._controller
        c.store_opened.connect(self._on_controller_store_opened)
        c.store_closed.connect(self._on_controller_store_closed)
        c.store_failed.connect(self._on_controller_store_failed)
        c.collections_loaded.connect(self._on_controller_collections_loaded)
        c.data_changed.connect(self._on_controller_data_changed)
        self.tree_model.versions_wanted.connect(self._on_tree_model_versions_wanted)
        self.tree_model.collections_wanted.connect(self._on_tree_model_collections_wanted)
        self.tree.verticalScrollBar().valueChanged.connect(self._on_tree_scrolled)
        self.tree.expanded.connect(self._on_tree_expanded)
        self.search_model.versions_wanted.connect(self._on_search_model_versions_wanted)
        self.run_model.page_wanted.connect(self._on_run_model_page_wanted)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.runs.selectionModel().currentChanged.connect(self._on_runs_current_changed)
        self.filter_field.textChanged.connect(self._on_filter_field_text_changed)
        self._filter_timer.timeout.connect(self._on_filter_timer_timeout)
        self.run_filter.textChanged.connect(self._on_run_filter_text_changed)
        self._run_filter_timer.timeout.connect(self._on_run_filter_timer_timeout)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        header = self.runs.horizontalHeader()
        header.sortIndicatorChanged.connect(self._on_runs_header_sort_indicator_changed)

    # --- public -----------------------------------------------------------------------

    def select_key(self, key: str) -> None:
        """Mark the row of ``key`` (a version or a run) if it is listed, without asking
        for its lineage again."""
        self._select_guard = True
        try:
            index = self._view_index(self._shown_model().index_of_key(key))
            if index.isValid():
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)
            row = self.run_model.row_of(key_ident(key)) if is_run_key(key) else -1
            if row >= 0:
                self.runs.selectRow(row)
        finally:
            self._select_guard = False

    def expand_collection(self, name: str) -> None:
        """Expand the first collection called ``name`` (loads its versions)."""
        index = self._view_index(self._shown_model().index_of_collection(name))
        if index.isValid():
            self.tree.expand(index.parent())
            self.tree.expand(index)

    def is_searching(self) -> bool:
        """Whether the tree shows the store's answer to the filter, not the full tree."""
        return self.tree.model() is self.search_model

    def _shown_model(self) -> ArtifactTreeModel:
        return self.search_model if self.is_searching() else self.tree_model

    def _view_index(self, source: QModelIndex) -> QModelIndex:
        """The tree's index of a row of the model shown."""
        if not source.isValid() or self.is_searching():
            return source
        return self.proxy.mapFromSource(source)

    # --- controller -------------------------------------------------------------------

    @Slot(str)
    def _on_controller_store_opened(self, path: str) -> None:
        self._reset_filters()
        self.tree_model.clear()
        self.run_model.clear()
        self._runs_started = False
        if self.tabs.currentWidget() is self.runs_page:
            self._start_runs()

    @Slot()
    def _on_controller_store_closed(self) -> None:
        self._reset_filters()
        self.tree_model.clear()
        self.run_model.clear()
        self._runs_started = False

    @Slot(str, str)
    def _on_controller_store_failed(self, path: str, message: str) -> None:
        if self._controller.store_path is None:
            self._on_controller_store_closed()

    @Slot(object)
    def _on_controller_collections_loaded(self, tree: CollectionTree) -> None:
        first = self.tree_model.rowCount() == 0
        self.tree_model.set_types(tree.types, tree.collections, COLLECTION_PAGE)
        if first:
            self.tree.expandToDepth(0)  # types open, collections closed: nothing to load yet
        self._fetch_shown_pages()

    def _fetch_shown_pages(self) -> None:
        """Read the next page of each open type whose last row read is in view (or
        scrolled past): the rest of a type of thousands comes as the user scrolls."""
        if self.is_searching():
            return
        bottom = self.tree.viewport().height()
        for row in range(self.proxy.rowCount()):
            type_index = self.proxy.index(row, 0)
            count = self.proxy.rowCount(type_index)
            source = self.proxy.mapToSource(type_index)
            if not (self.tree.isExpanded(type_index) and self.tree_model.has_more(source)):
                continue
            last = self.proxy.index(count - 1, 0, type_index) if count else type_index
            if self.tree.visualRect(last).top() <= bottom:
                self.tree_model.fetch_collections(source)

    @Slot(str, int, int, int)
    def _on_tree_model_collections_wanted(
        self, type_name: str, offset: int, limit: int, generation: int
    ) -> None:
        self._controller.load_collection_page(
            type_name, offset, limit, partial(self._on_collections_read, type_name, generation),
            lambda exc: self.tree_model.add_collections(type_name, generation, []))

    def _on_collections_read(
        self, type_name: str, generation: int, collections: list[ArtifactCollection]
    ) -> None:
        self.tree_model.add_collections(type_name, generation, collections)
        QTimer.singleShot(0, self._fetch_shown_pages)  # once the view has laid them out

    @Slot()
    def _on_controller_data_changed(self) -> None:
        if self._runs_started:
            self.run_model.reload(keep_count=True)
        if self.is_searching():
            self._search(self.filter_field.text().strip())  # new versions may match

    @Slot(str, str, str)
    def _on_tree_model_versions_wanted(self, name: str, project: str, entity: str) -> None:
        self._controller.load_versions(
            name, project, entity, partial(self._on_versions_loaded, name, project, entity)
        )

    def _on_versions_loaded(self, name: str, project: str, entity: str, rows: VersionList) -> None:
        self.tree_model.set_versions(name, project, entity, rows)

    @Slot(str, str, str)
    def _on_search_model_versions_wanted(self, name: str, project: str, entity: str) -> None:
        # A collection found by its name, expanded in the answer: all its versions.
        answer = self.search_model.result
        self._controller.load_versions(
            name, project, entity, partial(self._on_search_versions_loaded, answer, name,
                                           project, entity))

    def _on_search_versions_loaded(
        self, answer: SearchResult | None, name: str, project: str, entity: str,
        rows: VersionList,
    ) -> None:
        if answer is self.search_model.result:  # not an answer to an older search
            self.search_model.set_versions(name, project, entity, rows)

    @Slot(str, bool, int, int, int)
    def _on_run_model_page_wanted(
        self, order: str, descending: bool, offset: int, limit: int, generation: int
    ) -> None:
        self._controller.load_runs(
            order, descending, offset, limit, partial(self._on_runs_loaded, generation, offset),
            text=self.run_filter.text().strip(),
        )

    def _on_runs_loaded(
        self, generation: int, offset: int, result: tuple[list[RunRow], int]
    ) -> None:
        rows, total = result
        self.run_model.add_page(generation, offset, rows, total)

    def _start_runs(self) -> None:
        if not self._runs_started and self._controller.store_path is not None:
            self._runs_started = True
            self.run_model.reload()

    # --- user -------------------------------------------------------------------------

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.runs_page:
            self._start_runs()  # runs are read the first time the tab is shown

    @Slot(int)
    def _on_tree_scrolled(self, value: int) -> None:
        self._fetch_shown_pages()

    @Slot(QModelIndex)
    def _on_tree_expanded(self, index: QModelIndex) -> None:
        if index.data(KindRole) == "type":
            self._fetch_shown_pages()

    @Slot(QModelIndex, QModelIndex)
    def _on_tree_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._select_guard or not current.isValid():
            return
        kind = current.data(KindRole)
        if kind == "version":
            self.lineage_requested.emit(str(current.data(KeyRole)))
        elif kind == "collection":
            self.lineage_requested.emit(f"{current.data(KeyRole)}:latest")

    @Slot(QModelIndex, QModelIndex)
    def _on_runs_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._select_guard or not current.isValid():
            return
        if current.row() != previous.row() or not previous.isValid():
            self.lineage_requested.emit(str(current.data(RunKeyRole)))

    @Slot(int, Qt.SortOrder)
    def _on_runs_header_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if SORT_KEYS[column] is not None:
            return
        # The database cannot order by duration: put the indicator back where it was.
        key, descending = self.run_model.sort_order()
        header = self.runs.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(
            SORT_KEYS.index(key),
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)

    @Slot(str)
    def _on_filter_field_text_changed(self, text: str) -> None:
        self._filter_timer.start()

    @Slot()
    def _on_filter_timer_timeout(self) -> None:
        text = self.filter_field.text().strip()
        if not text:
            self._show_full_tree()
        elif self._controller.store_path is not None:
            self._search(text)

    def _search(self, text: str) -> None:
        self._controller.search(text, partial(self._on_search_answered, text))

    def _on_search_answered(self, text: str, result: SearchResult) -> None:
        if text != self.filter_field.text().strip():
            return  # the user typed on: a newer search follows
        if not self.is_searching():
            self._kept = (self._expanded_idents(), self._current_key())
        self.search_model.set_result(result)
        if not self.is_searching():
            self._set_tree_model(self.search_model)
        model = self.search_model
        for row in range(model.rowCount()):
            self.tree.expand(model.index(row, 0))
        for ident in model.expanded_idents():
            self.tree.expand(model.index_of_ident(ident))

    def _show_full_tree(self) -> None:
        """Back from an answer to the full tree, expanded and selected as it was."""
        if not self.is_searching():
            return
        expanded, current = self._kept
        self._set_tree_model(self.proxy)
        self.search_model.clear()
        self.tree.expandToDepth(0)
        for ident in expanded:
            self.tree.expand(self._view_index(self.tree_model.index_of_ident(ident)))
        if current is not None:
            self.select_key(current)

    def _set_tree_model(self, model: QAbstractItemModel) -> None:
        old = self.tree.selectionModel()
        self.tree.setModel(model)
        old.deleteLater()
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)

    def _expanded_idents(self) -> list[str]:
        idents = []
        for t in range(self.proxy.rowCount()):
            type_index = self.proxy.index(t, 0)
            for c in range(self.proxy.rowCount(type_index)):
                index = self.proxy.index(c, 0, type_index)
                if self.tree.isExpanded(index):
                    idents.append(str(index.data(KeyRole)))
        return idents

    def _current_key(self) -> str | None:
        current = self.tree.currentIndex()
        return str(current.data(KeyRole)) if current.isValid() else None

    def _reset_filters(self) -> None:
        for field in (self.filter_field, self.run_filter):
            field.blockSignals(True)
            field.clear()
            field.blockSignals(False)
        self._filter_timer.stop()
        self._run_filter_timer.stop()
        self._show_full_tree()
        self._kept = ([], None)

    @Slot(str)
    def _on_run_filter_text_changed(self, text: str) -> None:
        self._run_filter_timer.start()

    @Slot()
    def _on_run_filter_timer_timeout(self) -> None:
        if self._runs_started:
            self.run_model.reload()
