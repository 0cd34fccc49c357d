"""``MainWindow`` (objectName ``mainWindow``): menus, toolbar, docks, the focus page.

The window arranges widgets and forwards what the user does to the
``LineageController``; what the controller reports comes back through its signals.
Scripting surface: ``open_store(path)``, ``show_lineage(ref)``, ``export_graph(...)``
and the signal ``lineage_ready(str)``.
"""

from __future__ import annotations

import gc
import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop import __version__
from lineage_desktop.ui import style
from lineage_desktop.ui.actions import build_actions
from lineage_desktop.ui.audit_features import AuditFeatures
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.dialogs.export_dialog import ExportDialog
from lineage_desktop.ui.dialogs.hidden_dialog import HiddenNodesDialog
from lineage_desktop.ui.dialogs.presenter import DialogsPresenter
from lineage_desktop.ui.panels.focus_page import FocusPage
from lineage_desktop.ui.panels.preview_dock import PreviewDock
from lineage_desktop.ui.panels.start_page import StartPage
from lineage_desktop.ui.panels.toolbar import LineageToolbar
from lineage_desktop.ui.presenters import DetailsPresenter, FindPresenter
from lineage_desktop.ui.queries import GraphSnapshot
from lineage_desktop.ui.resources import app_icon
from lineage_desktop.ui.scene import LineageScene, LineageView
from lineage_desktop.ui.settings import AppSettings
from lineage_desktop.ui.sidebar.sidebar import ProjectSidebar
from lineage_desktop.ui.widgets import Banner

SYNC_ENV = "LINEAGE_DESKTOP_SYNC"  # "1": no threads, no layout process (debugging)
DOCK_WIDTH = 320
READABLE_ZOOM = 0.75  # a new graph is fitted unless that makes its labels unreadable
CHOOSE_TEXT = "Choose an artifact version or a run in the sidebar to see its lineage."


class MainWindow(QMainWindow):
    """The lineage_desktop window.

    Signals: ``lineage_ready(str)``: the graph around this focus key is on screen.
    """

    lineage_ready = Signal(str)

    def __init__(
        self, settings: AppSettings | None = None, synchronous: bool | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("lineage_desktop")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        if synchronous is None:
            synchronous = os.environ.get(SYNC_ENV) == "1"
        self.settings = settings or AppSettings()
        self._dark = style.app_prefers_dark()
        # The window owns its scene; the controller fills it.
        self._scene = LineageScene(self, dark=self._dark)
        self.controller = LineageController(
            self._scene, self, self.settings, synchronous=synchronous
        )
        self.view = LineageView(self._scene)
        self.view.set_dark(self._dark)
        self._dock_memory: dict[str, bool] | None = None
        self._build()
        self.actions_ = build_actions(self)
        self.audit = AuditFeatures(self, self.controller, self.details, self.focus_page.lineage_tab)
        self.focus_page.add_bar(self.audit.path_bar)
        self._build_toolbar()
        self._connect()
        self._restore_state()
        self._refresh_recent()
        self._update_enabled()
        # Everything alive now (modules, Qt wrappers, the window) lives as long as the
        # process. Taking it out of the collector's generations keeps the full
        # collections that big query results trigger short: a 40,000-version read
        # stalled the UI thread 110 ms in one gen-2 collection before this.
        gc.freeze()

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

    def _connect(self) -> None:
        a, c, scene = self.actions_, self.controller, self._scene
        a.open.triggered.connect(self._on_open_triggered)
        a.close_store.triggered.connect(self._on_close_store_triggered)
        a.export.triggered.connect(self.dialogs.open_export)
        a.quit.triggered.connect(self.close)
        a.zoom_in.triggered.connect(self.view.zoom_in)
        a.zoom_out.triggered.connect(self.view.zoom_out)
        a.fit.triggered.connect(self.view.fit_all)
        a.actual_size.triggered.connect(self.view.reset_zoom)
        a.reset_layout.triggered.connect(c.reset_layout)
        a.hidden_nodes.triggered.connect(self.dialogs.open_hidden)
        a.direction_lr.triggered.connect(partial(self._set_direction, "LR"))
        a.direction_tb.triggered.connect(partial(self._set_direction, "TB"))
        a.back.triggered.connect(c.back)
        a.forward.triggered.connect(c.forward)
        a.find.triggered.connect(self._on_find_triggered)
        a.find_next.triggered.connect(self.find_bar.next)
        a.find_previous.triggered.connect(self.find_bar.previous)
        a.reload.triggered.connect(self._on_reload_triggered)
        a.about.triggered.connect(self._on_about_triggered)

        c.store_opened.connect(self._on_controller_store_opened)
        c.store_failed.connect(self._on_controller_store_failed)
        c.store_closed.connect(self._on_controller_store_closed)
        c.store_lost.connect(self._on_controller_store_lost)
        c.lineage_shown.connect(self._on_controller_lineage_shown)
        c.lineage_failed.connect(self._on_controller_lineage_failed)
        c.snapshot_changed.connect(self._on_controller_snapshot_changed)
        c.busy_changed.connect(self._on_controller_busy_changed)
        c.history_changed.connect(self._on_controller_history_changed)
        c.problem.connect(self._on_controller_problem)
        c.layout_notice.connect(self._on_controller_layout_notice)

        scene.node_activated.connect(c.refocus)
        scene.hide_requested.connect(c.hide)
        self.view.zoom_changed.connect(self._on_view_zoom_changed)

        self.sidebar.lineage_requested.connect(self.show_lineage)
        self.start_page.open_requested.connect(self._on_open_triggered)
        self.start_page.recent_chosen.connect(self._on_recent_chosen)
        self.toolbar.depths_changed.connect(c.set_depths)
        self.toolbar.threshold_changed.connect(c.set_cluster_threshold)
        self.toolbar.direction_changed.connect(self._set_direction)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_color_scheme_changed)

    # --- scripting surface ------------------------------------------------------------

    def open_store(self, path: str | os.PathLike[str]) -> bool:
        """Open a store read-only; an error is shown in the window, never raised.
        Returns whether the store opened (its sidebar fills asynchronously)."""
        return self.controller.open_store(path)

    @Slot(str)
    def show_lineage(self, ref: str) -> None:
        """Show the lineage of ``name``, ``name:alias``, ``name:v<n>``, ``run:<id>`` or a
        graph key; ``lineage_ready`` follows once it is on screen."""
        self.controller.show_lineage(ref)

    def scene(self):  # type: ignore[no-untyped-def]
        """The ``LineageScene`` drawn by ``view``."""
        return self._scene

    def export_graph(
        self,
        path: str | os.PathLike[str],
        fmt: str | None = None,
        scale: float = 2.0,
        visible_only: bool = False,
        dark: bool = False,
    ) -> Path:
        """Export the graph on screen (format from ``fmt`` or the extension). Raises
        ``ValueError`` subclasses or ``OSError``; the dialog shows them instead."""
        return self.dialogs.export_graph(path, fmt, scale, visible_only, dark)

    def hidden_nodes_dialog(self) -> HiddenNodesDialog | None:
        """The Hidden nodes dialog once it was opened."""
        return self.dialogs.hidden

    def export_dialog(self) -> ExportDialog | None:
        """The last Export dialog opened."""
        return self.dialogs.export

    def _visible_area(self) -> QRectF:
        return self.view.mapToScene(self.view.viewport().rect()).boundingRect()

    # --- controller -------------------------------------------------------------------

    @Slot(str)
    def _on_controller_store_opened(self, path: str) -> None:
        self.banner.hide()
        self.start_page.set_message("")
        self.stack.setCurrentWidget(self.focus_page)
        self.focus_page.clear()
        self.preview.show_empty()
        self.view.set_message(CHOOSE_TEXT)
        self.setWindowTitle(f"{Path(path).name} — lineage_desktop")
        self.status_text.setText(str(path))
        self._refresh_recent()
        self._update_enabled()

    @Slot(str, str)
    def _on_controller_store_failed(self, path: str, message: str) -> None:
        self.banner.show_message(message, "error")
        self.status_text.setText(message)
        if self.controller.store_path is None:
            self.stack.setCurrentWidget(self.start_page)
            self.start_page.set_message(message)
            self.setWindowTitle("lineage_desktop")
            self.focus_page.clear()
        self._refresh_recent()
        self._update_enabled()

    @Slot()
    def _on_controller_store_closed(self) -> None:
        self.stack.setCurrentWidget(self.start_page)
        self.focus_page.clear()
        self.preview.show_empty()
        self.setWindowTitle("lineage_desktop")
        self.status_text.setText("")
        self._refresh_recent()
        self._update_enabled()

    @Slot(str)
    def _on_controller_store_lost(self, message: str) -> None:
        self.banner.show_message(message, "warning")
        self.status_text.setText(message)

    @Slot(str, bool)
    def _on_controller_lineage_shown(self, focus: str, fit: bool) -> None:
        self.view.set_message(None)
        if fit:
            self._fit_readable(focus)
        self.details.graph_shown()
        self.finder.graph_shown()
        self.sidebar.select_key(focus)
        self._update_enabled()
        self.lineage_ready.emit(focus)

    def _fit_readable(self, focus: str) -> None:
        """Fit the graph; when that would shrink labels below readable, show the focus
        at a readable zoom instead (Ctrl+0 still fits everything)."""
        self.view.fit_all()
        if self.view.isVisible() and self.view.zoom_factor() < READABLE_ZOOM:
            self.view.set_zoom(READABLE_ZOOM)
            self.view.center_on_key(focus)

    @Slot(str, str)
    def _on_controller_lineage_failed(self, ref: str, message: str) -> None:
        if self.controller.snapshot is None:
            self.view.set_message(message)
        self.banner.show_message(message, "error")
        self.status_text.setText(message)

    @Slot(object)
    def _on_controller_snapshot_changed(self, snap: GraphSnapshot) -> None:
        nodes = snap.view.number_of_nodes()
        self.status_text.setText(
            f"{snap.label(snap.focus)} — {nodes:,} nodes shown"
            + (f", {len(snap.hidden)} hidden" if snap.hidden else "")
        )

    @Slot(bool, str)
    def _on_controller_busy_changed(self, busy: bool, text: str) -> None:
        self.view.set_busy(busy, text or "Working…")
        self.busy.setVisible(busy)
        self.busy.setToolTip(text)

    @Slot(bool, bool)
    def _on_controller_history_changed(self, can_back: bool, can_forward: bool) -> None:
        self.actions_.back.setEnabled(can_back)
        self.actions_.forward.setEnabled(can_forward)

    @Slot(str)
    def _on_controller_problem(self, message: str) -> None:
        self.banner.show_message(message, "warning")

    @Slot(str)
    def _on_controller_layout_notice(self, message: str) -> None:
        self.notify(message, "warning")

    def notify(self, message: str, kind: str = "info") -> None:
        """A non-modal message in the banner and the status line (kind: error, warning,
        info)."""
        self.banner.show_message(message, kind)
        self.status_text.setText(message)

    @Slot(float)
    def _on_view_zoom_changed(self, factor: float) -> None:
        self.zoom_label.setText(f"{factor * 100:.0f} %")

    # --- find -------------------------------------------------------------------------

    @Slot()
    def _on_find_triggered(self) -> None:
        if self.stack.currentWidget() is self.focus_page:
            self.focus_page.tabs.setCurrentIndex(0)
            self.find_bar.open_bar()

    # --- menus ------------------------------------------------------------------------

    @Slot()
    def _on_open_triggered(self) -> None:
        start = str(self.controller.store_path.parent) if self.controller.store_path else ""
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open lineage store",
            start,
            "Lineage stores (*.db *.sqlite *.sqlite3);;All files (*)",
        )
        if path:
            self.open_store(path)

    @Slot(str)
    def _on_recent_chosen(self, path: str) -> None:
        if self.controller.store_path is not None and str(self.controller.store_path) == path:
            return
        self.open_store(path)

    @Slot()
    def _on_close_store_triggered(self) -> None:
        self.controller.close_store()

    @Slot()
    def _on_reload_triggered(self) -> None:
        self.controller.reload_collections()
        self.controller.reload_lineage()

    def _refresh_recent(self) -> None:
        recent = self.settings.recent_files()
        self.start_page.set_recent(recent)
        menu = self.actions_.recent_menu if hasattr(self, "actions_") else None
        if menu is None:
            return
        menu.clear()
        for path in recent:
            action = menu.addAction(path)
            action.triggered.connect(partial(self._on_recent_chosen, path))
        if not recent:
            menu.addAction("No recent stores").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear recent stores").triggered.connect(self._on_clear_recent)

    @Slot()
    def _on_clear_recent(self) -> None:
        self.settings.clear_recent()
        self._refresh_recent()

    @Slot()
    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About lineage_desktop",
            f"lineage_desktop {__version__}\n\nAn offline auditor for "
            "machine-learning lineage: runs, versioned artifacts and the "
            "graph between them, from one SQLite file.",
        )

    def _set_direction(self, direction: str) -> None:
        self.toolbar.set_direction(direction)
        (
            self.actions_.direction_tb if direction == "TB" else self.actions_.direction_lr
        ).setChecked(True)
        self.controller.set_direction(direction)

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
                dock.setVisible(memory.get(dock.objectName(), True))

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
        for action in (
            self.audit.verify_action,
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

    # --- window state, palette, drops -------------------------------------------------

    def _restore_state(self) -> None:
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._restored_docks = state is not None and self.restoreState(state)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._restored_docks:
            # Docks get their share only once the window has its real size.
            self._restored_docks = True
            QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        self.resizeDocks(
            [self.sidebar, self.preview], [DOCK_WIDTH, DOCK_WIDTH + 30], Qt.Orientation.Horizontal
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._show_docks(True)  # save the docks as the user arranged them
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.audit.shutdown()
        self.controller.shutdown()
        self.settings.sync()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_dark(style.app_prefers_dark())
        super().changeEvent(event)

    @Slot()
    def _on_color_scheme_changed(self, *args: object) -> None:
        self._apply_dark(style.app_prefers_dark())

    def _apply_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            self.view.set_dark(dark)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        for url in event.mimeData().urls():
            if url.isLocalFile():
                event.acceptProposedAction()
                self.open_store(url.toLocalFile())
                return
        event.ignore()


def create_main_window(synchronous: bool | None = None) -> MainWindow:
    """A new main window (not shown). Sets the application and organisation names when
    the running application has none, so that settings land in a stable place."""
    if not QCoreApplication.organizationName():
        QCoreApplication.setOrganizationName("lineage_desktop")
    name = QCoreApplication.applicationName()
    if not name or name.startswith(("python", "pytest")):
        QCoreApplication.setApplicationName("lineage-desktop")
    return MainWindow(synchronous=synchronous)


__all__ = ["MainWindow", "create_main_window"]
