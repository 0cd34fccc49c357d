"""``MainWindow`` (objectName ``mainWindow``): menus, toolbar, docks, the focus page.

The window arranges widgets and forwards what the user does to the
``LineageController``; what the controller reports comes back through its signals.
Scripting surface: ``open_store(path)``, ``show_lineage(ref)``, ``export_graph(...)``
and the signal ``lineage_ready(str)``.

``MainWindow`` is assembled from one part per role, each building on the previous:
``WindowWidgets`` (``window_widgets``: building the widgets, docks and toolbar, and
enabling what fits), ``WindowMenus`` (``window_menus``: open, recent stores, close,
reload, find, direction, About) and ``WindowReactions`` (``window_reactions``: following
the controller's signals). This module adds the construction, the one place where
signals are connected, the scripting surface and the window's Qt events.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QShowEvent,
)

from lineage_desktop.ui import style, theme
from lineage_desktop.ui.audit.presenter import AuditFeatures
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.dialogs.hidden_dialog import HiddenNodesDialog
from lineage_desktop.ui.export.dialog import ExportDialog
from lineage_desktop.ui.resources import app_icon
from lineage_desktop.ui.scene import LineageScene, LineageView
from lineage_desktop.ui.window.actions import build_actions
from lineage_desktop.ui.window.context_menu import ContextMenuPresenter
from lineage_desktop.ui.window.dock_policy import DetailsDockPolicy
from lineage_desktop.ui.window.reactions import WindowReactions
from lineage_desktop.ui.window.screen_fit import fit_to_screen
from lineage_desktop.ui.window.settings import AppSettings
from lineage_desktop.ui.window.view_options import ViewOptionsPresenter

SYNC_ENV = "LINEAGE_DESKTOP_SYNC"  # "1": no threads, no layout process (debugging)


class MainWindow(WindowReactions):
    """The lineage_desktop window.

    Signals: ``lineage_ready(str)``: the graph around this focus key is on screen.
    """

    lineage_ready = Signal(str)

    def __init__(
        self, settings: AppSettings | None = None, synchronous: bool | None = None
    ) -> None:
        settings = settings or AppSettings()
        # Before the window exists: it and its children take the theme's palette at birth.
        theme.apply_theme(settings.theme())
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("lineage_desktop")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        if synchronous is None:
            synchronous = os.environ.get(SYNC_ENV) == "1"
        self.settings = settings
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
        self._theme_action(self.settings.theme()).setChecked(True)
        self.audit = AuditFeatures(self, self.controller, self.details, self.focus_page.lineage_tab)
        self.focus_page.add_bar(self.audit.path_bar)
        self._build_toolbar()
        self.dock_policy = DetailsDockPolicy(self.preview, self.settings, self)
        self._connect()
        self._restore_state()
        self.dock_policy.start()
        self._refresh_recent()
        self._update_enabled()
        # Everything alive now (modules, Qt wrappers, the window) lives as long as the
        # process. Taking it out of the collector's generations keeps the full
        # collections that big query results trigger short: a 40,000-version read
        # stalled the UI thread 110 ms in one gen-2 collection before this.
        gc.freeze()

    def _connect(self) -> None:
        a, c, scene = self.actions_, self.controller, self._scene
        a.open.triggered.connect(self._on_open_triggered)
        a.open_team.triggered.connect(self._on_open_team_triggered)
        a.close_store.triggered.connect(self._on_close_store_triggered)
        a.export.triggered.connect(self.dialogs.open_export)
        a.export_selection.triggered.connect(self.dialogs.open_export_selection)
        self.dialogs.track_selection_action(a.export_selection)
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
        a.shortcuts.triggered.connect(self._on_shortcuts_triggered)
        for name in theme.THEMES:
            self._theme_action(name).triggered.connect(partial(self.set_theme, name))

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

        scene.node_clicked.connect(self.dock_policy.reveal)
        scene.cluster_clicked.connect(self.dock_policy.reveal)
        scene.node_activated.connect(c.refocus)
        scene.hide_requested.connect(c.hide)
        scene.unhide_requested.connect(c.unhide_many)
        self.view.zoom_changed.connect(self._on_view_zoom_changed)
        self.context_menu = ContextMenuPresenter(self)
        self.view.context_menu_requested.connect(self.context_menu.open_menu)

        self.sidebar.lineage_requested.connect(self.show_lineage)
        self.start_page.open_requested.connect(self._on_open_triggered)
        self.start_page.recent_chosen.connect(self._on_recent_chosen)
        self.toolbar.depths_changed.connect(c.set_depths)
        self.toolbar.threshold_changed.connect(c.set_cluster_threshold)
        self.toolbar.direction_changed.connect(self._set_direction)
        # After the toolbar's own connections: it reads what the controller just took.
        self.view_options = ViewOptionsPresenter(self, c, self.toolbar)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_color_scheme_changed)

    # --- scripting surface ------------------------------------------------------------

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
        scale: float | None = None,
        visible_only: bool = False,
        dark: bool = False,
        keys: Sequence[str] = (),
        page_size: str = "a4",
        orientation: str = "auto",
    ) -> Path:
        """Export the graph on screen (format from ``fmt`` or the extension); with
        ``keys`` only those nodes and the edges between them, an image cropped to them.
        A PDF is laid out on ``page_size`` paper (a4, letter or fit) in ``orientation``
        (auto, portrait or landscape); ``scale`` is 2 by default, 1 on PDF pages.
        Raises ``ValueError`` subclasses or ``OSError``; the dialog shows them instead."""
        return self.dialogs.export_graph(path, fmt, scale, visible_only, dark, keys,
                                         page_size, orientation)

    def hidden_nodes_dialog(self) -> HiddenNodesDialog | None:
        """The Hidden nodes dialog once it was opened."""
        return self.dialogs.hidden

    def export_dialog(self) -> ExportDialog | None:
        """The last Export dialog opened."""
        return self.dialogs.export

    def set_theme(self, name: str) -> None:
        """Use the ``light``, ``dark`` or ``system`` theme for the whole application now
        and at the next start (View > Theme)."""
        name = theme.normalised(name)
        self.settings.set_theme(name)
        self._theme_action(name).setChecked(True)
        theme.apply_theme(name)
        self._apply_dark(style.app_prefers_dark())  # also when no palette event comes

    def _theme_action(self, name: str) -> QAction:
        a = self.actions_
        return {theme.LIGHT: a.theme_light, theme.DARK: a.theme_dark}.get(name, a.theme_system)

    # --- window events, palette, drops --------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous() and self.size() == self._fitted_size:
            # The frame is known now: keep all of it on the screen. A size the code set
            # on purpose since (a test's, a script's) is left as asked.
            fit_to_screen(self)
        if not self._restored_docks:
            # Docks get their share only once the window has its real size.
            self._restored_docks = True
            QTimer.singleShot(0, self._size_docks)

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
        if self.settings.theme() == theme.SYSTEM:
            theme.apply_theme(theme.SYSTEM)
        self._apply_dark(style.app_prefers_dark())

    def _apply_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            self.view.set_dark(dark)
            self.banner.refresh_colours()

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
