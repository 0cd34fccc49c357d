"""``WindowWidgets``: the widgets of the main window, built and kept in step.

The first part of ``MainWindow``: it builds the central stack (start page, focus page),
the docks, the presenters, the status bar and the toolbar, restores and sizes the docks,
and enables the actions and docks that fit what is open (``_update_enabled``). The later
parts (``window_menus``, ``window_reactions``) and ``MainWindow`` build on it.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.ui.audit.presenter import AuditFeatures
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.dialogs.presenter import DialogsPresenter
from lineage_desktop.ui.panels.focus_page import FocusPage
from lineage_desktop.ui.panels.preview_dock import PreviewDock
from lineage_desktop.ui.panels.start_page import StartPage
from lineage_desktop.ui.panels.toolbar import LineageToolbar
from lineage_desktop.ui.scene import LineageScene, LineageView
from lineage_desktop.ui.sidebar.sidebar import ProjectSidebar
from lineage_desktop.ui.widgets import Banner
from lineage_desktop.ui.window.actions import Actions
from lineage_desktop.ui.window.dock_policy import DetailsDockPolicy
from lineage_desktop.ui.window.presenters import DetailsPresenter, FindPresenter
from lineage_desktop.ui.window.screen_fit import fit_to_screen
from lineage_desktop.ui.window.settings import AppSettings

DOCK_WIDTH = 320


class WindowWidgets(QMainWindow):
    """Builds the window's widgets and keeps them in step with what is open. The
    attributes declared below are set by ``MainWindow.__init__``."""

    settings: AppSettings
    controller: LineageController
    view: LineageView
    actions_: Actions
    audit: AuditFeatures
    _scene: LineageScene
    _dark: bool
    _dock_memory: dict[str, bool] | None
    dock_policy: DetailsDockPolicy
    _restored_docks: bool

    # --- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = Banner(self)
        self.start_page = StartPage(self)
        self.focus_page = FocusPage(self.view, self)
        self.find_bar = self.focus_page.find_bar
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("centralStack")
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.focus_page)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.sidebar = ProjectSidebar(self.controller, self)
        self.preview = PreviewDock(self)
        self.details = DetailsPresenter(
            self.controller, self.preview, self.focus_page, self.view, self
        )
        self.finder = FindPresenter(self.controller, self.find_bar, self.view, self)
        self.dialogs = DialogsPresenter(self, self.controller, self._visible_area, self.notify)
        # Side docks run the full height; the audit dock sits under the graph only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.sidebar)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.preview)
        self.sidebar.setMinimumWidth(220)
        self.preview.setMinimumWidth(260)
        self.resize(1440, 880)

        self.status_text = QLabel("", self)
        self.status_text.setObjectName("statusText")
        self.status_text.setTextFormat(Qt.TextFormat.PlainText)  # shows labels from the store
        self.busy = QProgressBar(self)
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.zoom_label = QLabel("", self)
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_label.setMinimumWidth(
            self.zoom_label.fontMetrics().horizontalAdvance("1000 %") + 8
        )
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.zoom_label)

    def _build_toolbar(self) -> None:
        a = self.actions_
        self.toolbar = LineageToolbar(self)
        self.toolbar.addAction(a.back)
        self.toolbar.addAction(a.forward)
        self.toolbar.add_controls()
        self.toolbar.addSeparator()
        self.toolbar.addAction(a.reset_layout)
        self.toolbar.addAction(a.find)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.audit.as_of)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        c = self.controller
        self.toolbar.set_values(*c.depths, c.cluster_threshold, c.direction)
        (a.direction_tb if c.direction == "TB" else a.direction_lr).setChecked(True)
        view_menu = self.menuBar().findChild(QMenu, "viewMenu")
        if view_menu is not None:
            view_menu.addSeparator()
            view_menu.addAction(self.sidebar.toggleViewAction())
            view_menu.addAction(self.preview.toggleViewAction())
            view_menu.addAction(self.toolbar.toggleViewAction())

    # --- what is shown and enabled ------------------------------------------------------

    def _show_docks(self, shown: bool) -> None:
        """The docks have nothing to show without a store: hide them on the start page
        and bring back the ones the user had open."""
        docks = (self.sidebar, self.preview, self.audit.dock)
        if not shown and self._dock_memory is None:
            self._dock_memory = {d.objectName(): not d.isHidden() for d in docks}
            for dock in docks:
                dock.hide()
        elif shown and self._dock_memory is not None:
            memory, self._dock_memory = self._dock_memory, None
            for dock in docks:
                visible = memory.get(dock.objectName(), True)
                if dock is self.preview:  # hidden until a node is clicked
                    visible = self.dock_policy.wants_shown()
                dock.setVisible(visible)

    def _update_enabled(self) -> None:
        a = self.actions_
        has_store = self.controller.store_path is not None
        self._show_docks(has_store)
        has_graph = self.controller.snapshot is not None
        for action in (
            a.export,
            a.zoom_in,
            a.zoom_out,
            a.fit,
            a.actual_size,
            a.reset_layout,
            a.hidden_nodes,
            a.find,
            a.find_next,
            a.find_previous,
        ):
            action.setEnabled(has_graph)
        self.dialogs.refresh_selection_action()
        for action in (
            self.audit.verify_action,
            self.audit.verify_store_action,
            self.audit.impact_action,
            self.audit.diff_action,
            self.audit.paths_action,
            self.audit.report.action,
        ):
            action.setEnabled(has_graph)
        a.close_store.setEnabled(has_store)
        a.reload.setEnabled(has_store)
        self.toolbar.setEnabled(has_store)
        a.back.setEnabled(self.controller.history.can_back())
        a.forward.setEnabled(self.controller.history.can_forward())

    def _restore_state(self) -> None:
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        fit_to_screen(self)  # a saved or default size can exceed this screen
        self._fitted_size = self.size()  # refitted with its frame on show, unless resized
        self._restored_docks = state is not None and self.restoreState(state)

    def _size_docks(self) -> None:
        self.resizeDocks(
            [self.sidebar, self.preview], [DOCK_WIDTH, DOCK_WIDTH + 30], Qt.Orientation.Horizontal
        )

    # --- messages and the visible area --------------------------------------------------

    def notify(self, message: str, kind: str = "info") -> None:
        """A non-modal message in the banner and the status line (kind: error, warning,
        info)."""
        self.banner.show_message(message, kind)
        self.status_text.setText(message)

    def _visible_area(self) -> QRectF:
        return self.view.mapToScene(self.view.viewport().rect()).boundingRect()
