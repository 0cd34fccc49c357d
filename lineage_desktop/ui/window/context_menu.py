"""``ContextMenuPresenter``: the right-click menu of the lineage view (objectName
``lineageContextMenu``).

On a card: Show lineage from here, Hide (not on the focus), Copy reference, Show in
sidebar, Export selection…; a cluster card offers Hide and Export selection…. On the
background: the window's own Fit to window, Reset layout, Export…, Export selection…
and Hidden nodes… actions, so shortcuts and enabled states are the menu bar's.

Export selection… on a card exports the selected cards when the card is one of them,
else that card alone: right-clicking a card that is not selected does not select it.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from lineage_desktop.graph.nodes import NodeData
from lineage_desktop.records import is_run_key, key_ident
from lineage_desktop.ui.dialogs.presenter import export_selection_tip
from lineage_desktop.ui.sidebar.artifact_model import KeyRole

if TYPE_CHECKING:
    from lineage_desktop.ui.window.main_window import MainWindow


def copy_reference(key: str, data: NodeData) -> str:
    """What "Copy reference" puts on the clipboard: ``name:v3`` for an artifact version
    (from its attributes), ``run:<id>`` for a run, else the key."""
    if data.is_run or is_run_key(key):
        return f"run:{data.id or key_ident(key)}"
    if data.is_artifact and not data.missing and data.name and data.version:
        return f"{data.name}:{data.version}"
    return key


class ContextMenuPresenter(QObject):
    """Builds and opens the view's context menu for the window it belongs to."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._menu: QMenu | None = None
        self._pending_select = ""
        tree_model = window.sidebar.tree_model
        tree_model.rowsInserted.connect(self._on_sidebar_rows_inserted)

    def menu(self) -> QMenu | None:
        """The menu opened last (for tests and tools)."""
        return self._menu

    @Slot(str, QPoint)
    def open_menu(self, key: str, global_pos: QPoint) -> None:
        """Build the menu for the card ``key`` ("" for the background) and pop it up."""
        if self._menu is not None:
            self._menu.deleteLater()
        menu = QMenu(self._window.view)
        menu.setObjectName("lineageContextMenu")
        menu.setToolTipsVisible(True)  # why Export selection… is disabled
        if key:
            self._fill_node(menu, key)
        else:
            self._fill_background(menu)
        self._menu = menu
        menu.popup(global_pos)

    def _fill_node(self, menu: QMenu, key: str) -> None:
        c = self._window.controller
        snap = c.snapshot
        data = snap.attrs(key) if snap is not None else NodeData()
        if not data.is_cluster:
            show = menu.addAction("Show lineage from here")
            show.setObjectName("contextShowLineage")
            show.triggered.connect(partial(c.refocus, key))
        if snap is None or key != snap.focus:
            hide = menu.addAction("Hide")
            hide.setObjectName("contextHide")
            hide.triggered.connect(partial(c.hide, key))
        if data.is_cluster:
            self._add_export_selection(menu, key)
            return
        menu.addSeparator()
        copy = menu.addAction("Copy reference")
        copy.setObjectName("contextCopyReference")
        reference = copy_reference(key, data)
        copy.setStatusTip(f"Copy {reference}")
        copy.triggered.connect(partial(QGuiApplication.clipboard().setText, reference))
        sidebar = menu.addAction("Show in sidebar")
        sidebar.setObjectName("contextShowInSidebar")
        sidebar.triggered.connect(partial(self.show_in_sidebar, key, data.name or ""))
        self._add_export_selection(menu, key)

    def _add_export_selection(self, menu: QMenu, key: str) -> None:
        menu.addSeparator()
        selected = self._window.scene().selected_keys()
        keys = selected if key in selected else [key]
        export = menu.addAction(self._window.actions_.export_selection.text())
        export.setObjectName("contextExportSelection")
        export.setStatusTip(
            export_selection_tip(len(keys)) if key in selected else "Export this node"
        )
        export.setToolTip(export.statusTip())
        export.triggered.connect(partial(self._window.dialogs.open_export_of, keys))

    def _fill_background(self, menu: QMenu) -> None:
        a = self._window.actions_
        menu.addAction(a.fit)
        menu.addAction(a.reset_layout)
        menu.addSeparator()
        menu.addAction(a.export)
        menu.addAction(a.export_selection)
        menu.addAction(a.hidden_nodes)

    # --- show in sidebar ----------------------------------------------------------------

    def show_in_sidebar(self, key: str, name: str = "") -> None:
        """Show the sidebar on the tab listing ``key`` and select its row; an artifact's
        collection is expanded first and the row selected once its versions are read."""
        sidebar = self._window.sidebar
        sidebar.show()
        sidebar.raise_()
        run = is_run_key(key)
        sidebar.tabs.setCurrentWidget(sidebar.runs_page if run else sidebar.tree.parentWidget())
        self._pending_select = ""
        if not run and name:
            sidebar.expand_collection(name)
        sidebar.select_key(key)
        if not run and not self._sidebar_shows(key):
            self._pending_select = key  # the versions are still being read

    def _sidebar_shows(self, key: str) -> bool:
        index = self._window.sidebar.tree.currentIndex()
        return index.isValid() and index.data(KeyRole) == key

    @Slot(QModelIndex, int, int)
    def _on_sidebar_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        key = self._pending_select
        if key:
            self._window.sidebar.select_key(key)
            if self._sidebar_shows(key):
                self._pending_select = ""
