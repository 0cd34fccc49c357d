"""The window's actions (with shortcuts) and the File, View, Go and Help menus."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle


@dataclass
class Actions:
    """Every QAction of the main window (the window connects them in one place)."""

    open: QAction
    open_team: QAction
    close_store: QAction
    export: QAction
    export_selection: QAction
    quit: QAction
    zoom_in: QAction
    zoom_out: QAction
    fit: QAction
    actual_size: QAction
    reset_layout: QAction
    hidden_nodes: QAction
    direction_lr: QAction
    direction_tb: QAction
    back: QAction
    forward: QAction
    find: QAction
    find_next: QAction
    find_previous: QAction
    reload: QAction
    about: QAction
    shortcuts: QAction
    theme_light: QAction
    theme_dark: QAction
    theme_system: QAction
    recent_menu: QMenu


def _action(
    window: QMainWindow,
    name: str,
    text: str,
    shortcut: QKeySequence | str | None = None,
    tip: str | None = None,
    icon: QStyle.StandardPixmap | None = None,
) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(
            f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            if shortcut
            else tip
        )
    if icon is not None:
        action.setIcon(window.style().standardIcon(icon))
    return action


def build_actions(window: QMainWindow) -> Actions:
    """Create the actions and the menu bar of ``window``."""
    sp = QStyle.StandardPixmap
    a = Actions(
        open=_action(
            window,
            "actionOpen",
            "&Open…",
            QKeySequence.StandardKey.Open,
            "Open a lineage store",
            sp.SP_DialogOpenButton,
        ),
        open_team=_action(
            window, "actionOpenTeamStore", "Open &team store (PostgreSQL)…", "Ctrl+Shift+O",
            "Open a team store by its postgresql:// URL (passwords from ~/.pgpass or "
            "PGPASSWORD)"),
        close_store=_action(window, "actionClose", "&Close store", None, "Close the open store"),
        export=_action(
            window,
            "actionExport",
            "&Export…",
            "Ctrl+E",
            "Export the graph as PNG, SVG, PDF, DOT, GraphML, Mermaid or JSON",
            sp.SP_DialogSaveButton,
        ),
        export_selection=_action(
            window,
            "actionExportSelection",
            "Export &selection…",
            "Ctrl+Shift+E",
            "Export the selected nodes and the edges between them",
        ),
        quit=_action(window, "actionQuit", "&Quit", QKeySequence.StandardKey.Quit, "Quit"),
        zoom_in=_action(
            window, "actionZoomIn", "Zoom &in", QKeySequence.StandardKey.ZoomIn, "Zoom in"
        ),
        zoom_out=_action(
            window, "actionZoomOut", "Zoom &out", QKeySequence.StandardKey.ZoomOut, "Zoom out"
        ),
        fit=_action(window, "actionFit", "&Fit to window", "Ctrl+0", "Fit the graph in the window"),
        actual_size=_action(window, "actionActualSize", "&Actual size", "Ctrl+1", "Zoom to 1:1"),
        reset_layout=_action(
            window,
            "actionResetLayout",
            "&Reset layout",
            "Ctrl+R",
            "Forget dragged positions and lay the graph out again",
            sp.SP_BrowserReload,
        ),
        hidden_nodes=_action(
            window, "actionHiddenNodes", "&Hidden nodes…", "Ctrl+H", "Show nodes you hid again"
        ),
        direction_lr=_action(
            window,
            "actionDirectionLR",
            "Left to right",
            None,
            "Lay the graph out from left to right",
        ),
        direction_tb=_action(
            window,
            "actionDirectionTB",
            "Top to bottom",
            None,
            "Lay the graph out from top to bottom",
        ),
        back=_action(window, "actionBack", "&Back", "Alt+Left", "Previous focus", sp.SP_ArrowBack),
        forward=_action(
            window, "actionForward", "&Forward", "Alt+Right", "Next focus", sp.SP_ArrowForward
        ),
        find=_action(
            window,
            "actionFind",
            "&Find…",
            QKeySequence.StandardKey.Find,
            "Find nodes in the graph",
            sp.SP_FileDialogContentsView,
        ),
        find_next=_action(
            window, "actionFindNext", "Find &next", QKeySequence.StandardKey.FindNext, "Next match"
        ),
        find_previous=_action(
            window,
            "actionFindPrevious",
            "Find &previous",
            QKeySequence.StandardKey.FindPrevious,
            "Previous match",
        ),
        reload=_action(
            window,
            "actionReload",
            "Re&load",
            QKeySequence.StandardKey.Refresh,
            "Read the store again",
        ),
        about=_action(window, "actionAbout", "&About lineage_desktop"),
        shortcuts=_action(
            window,
            "actionShortcuts",
            "&Keyboard shortcuts…",
            QKeySequence.StandardKey.HelpContents,
            "List every keyboard shortcut",
        ),
        theme_light=_action(window, "actionThemeLight", "&Light", None, "Use the light theme"),
        theme_dark=_action(window, "actionThemeDark", "&Dark", None, "Use the dark theme"),
        theme_system=_action(
            window,
            "actionThemeSystem",
            "&System",
            None,
            "Follow the light or dark colour scheme of the desktop",
        ),
        recent_menu=QMenu("Open &Recent", window),
    )
    a.recent_menu.setObjectName("recentMenu")
    for action in (a.direction_lr, a.direction_tb):
        action.setCheckable(True)
    group = QActionGroup(window)
    group.setExclusive(True)
    group.addAction(a.direction_lr)
    group.addAction(a.direction_tb)
    a.direction_lr.setChecked(True)
    themes = QActionGroup(window)
    themes.setExclusive(True)
    for action in (a.theme_light, a.theme_dark, a.theme_system):
        action.setCheckable(True)
        themes.addAction(action)
    a.theme_system.setChecked(True)

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.setObjectName("fileMenu")
    file_menu.addAction(a.open)
    file_menu.addAction(a.open_team)
    file_menu.addMenu(a.recent_menu)
    file_menu.addAction(a.close_store)
    file_menu.addSeparator()
    file_menu.addAction(a.export)
    file_menu.addAction(a.export_selection)
    file_menu.setToolTipsVisible(True)  # why Export selection… is disabled
    file_menu.addSeparator()
    file_menu.addAction(a.quit)

    view_menu = bar.addMenu("&View")
    view_menu.setObjectName("viewMenu")
    for action in (a.zoom_in, a.zoom_out, a.fit, a.actual_size):
        view_menu.addAction(action)
    view_menu.addSeparator()
    view_menu.addAction(a.reset_layout)
    view_menu.addAction(a.hidden_nodes)
    direction = view_menu.addMenu("&Direction")
    direction.setObjectName("directionMenu")
    direction.addAction(a.direction_lr)
    direction.addAction(a.direction_tb)
    theme = view_menu.addMenu("&Theme")
    theme.setObjectName("themeMenu")
    for action in (a.theme_light, a.theme_dark, a.theme_system):
        theme.addAction(action)
    view_menu.addSeparator()
    view_menu.addAction(a.reload)

    go_menu = bar.addMenu("&Go")
    go_menu.setObjectName("goMenu")
    for action in (a.back, a.forward):
        go_menu.addAction(action)
    go_menu.addSeparator()
    for action in (a.find, a.find_next, a.find_previous):
        go_menu.addAction(action)

    help_menu = bar.addMenu("&Help")
    help_menu.setObjectName("helpMenu")
    help_menu.addAction(a.shortcuts)
    help_menu.addSeparator()
    help_menu.addAction(a.about)
    return a
