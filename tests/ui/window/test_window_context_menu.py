"""The right-click menu of the lineage view (nodes and background) and Help > Keyboard
shortcuts…, driven by real clicks on the real window."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu
from window_helpers import item_point, keys_in_scene

import lineage_desktop as ld

NODE_ACTIONS = [
    "Show lineage from here", "Hide", "Copy reference", "Show in sidebar", "Export &selection…"
]


def right_click(qtbot, window, point: QPoint) -> QMenu:
    """Right-click the view at viewport ``point``; the menu that pops up."""
    view = window.view
    before = window.context_menu.menu()
    viewport = view.viewport()
    # QTest's clicks skip the platform's context-menu event: send it as X11 does, after
    # the right button's press.
    qtbot.mousePress(viewport, Qt.MouseButton.RightButton, pos=point)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, viewport.mapToGlobal(point)
    )
    QApplication.sendEvent(viewport, event)
    qtbot.mouseRelease(viewport, Qt.MouseButton.RightButton, pos=point)
    qtbot.waitUntil(
        lambda: window.context_menu.menu() not in (None, before)
        and window.context_menu.menu().isVisible()
    )
    menu = window.context_menu.menu()
    assert menu.objectName() == "lineageContextMenu"
    return menu


def right_click_node(qtbot, window, key: str) -> QMenu:
    item = window.scene().node_item(key)
    window.view.centerOn(item)
    point = item_point(window.view, item)
    assert window.view.key_at(point) == key
    return right_click(qtbot, window, point)


def texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def choose(qtbot, menu: QMenu, text: str) -> None:
    """Click the entry ``text`` of an open menu."""
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def _artifact_key(window) -> str:
    snap = window.controller.snapshot
    return next(k for k in snap.view.nodes if k.startswith("artifact:") and k != snap.focus)


def test_right_click_on_an_artifact_offers_the_node_actions_and_copies_its_reference(
    opened, demo_store, qtbot
):
    key = _artifact_key(opened)
    version = ld.Api(demo_store).artifact(key.removeprefix("artifact:"))
    QGuiApplication.clipboard().setText("before")
    menu = right_click_node(qtbot, opened, key)
    assert texts(menu) == NODE_ACTIONS
    choose(qtbot, menu, "Copy reference")
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert QGuiApplication.clipboard().text() == version.name == key.removeprefix("artifact:")


def test_copy_reference_of_a_run_is_run_and_its_id(opened, qtbot):
    snap = opened.controller.snapshot
    run_key = next(k for k in snap.view.predecessors(snap.focus) if k.startswith("run:"))
    menu = right_click_node(qtbot, opened, run_key)
    choose(qtbot, menu, "Copy reference")
    assert QGuiApplication.clipboard().text() == run_key
    assert run_key == "run:" + snap.attrs(run_key).id


def test_hide_from_the_menu_hides_the_node(opened, qtbot):
    key = _artifact_key(opened)
    menu = right_click_node(qtbot, opened, key)
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):
        choose(qtbot, menu, "Hide")
    assert key not in keys_in_scene(opened)
    assert key in [k for k, _ in opened.controller.hidden_nodes()]


def test_the_focus_cannot_be_hidden_from_the_menu(opened, qtbot):
    menu = right_click_node(qtbot, opened, opened.controller.snapshot.focus)
    assert "Hide" not in texts(menu)
    assert "Show lineage from here" in texts(menu)
    menu.close()


def test_show_lineage_from_here_refocuses(opened, qtbot):
    key = _artifact_key(opened)
    menu = right_click_node(qtbot, opened, key)
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000) as ready:
        choose(qtbot, menu, "Show lineage from here")
    assert ready.args == [key]
    assert opened.controller.snapshot.focus == key
    assert opened.actions_.back.isEnabled()  # recorded in the history


def test_show_in_sidebar_selects_the_version_row(opened, qtbot):
    from lineage_desktop.ui.sidebar.artifact_model import KeyRole

    key = _artifact_key(opened)
    menu = right_click_node(qtbot, opened, key)
    choose(qtbot, menu, "Show in sidebar")
    tree = opened.sidebar.tree
    qtbot.waitUntil(lambda: tree.currentIndex().data(KeyRole) == key, timeout=10_000)
    assert opened.sidebar.isVisible()
    assert opened.sidebar.tabs.currentIndex() == 0


def test_show_in_sidebar_selects_a_run_on_the_runs_tab(opened, qtbot):
    snap = opened.controller.snapshot
    run_key = next(k for k in snap.view.predecessors(snap.focus) if k.startswith("run:"))
    menu = right_click_node(qtbot, opened, run_key)
    choose(qtbot, menu, "Show in sidebar")
    sidebar = opened.sidebar
    assert sidebar.tabs.currentWidget() is sidebar.runs_page


def test_right_click_on_the_background_offers_the_window_actions(opened, qtbot):
    view = opened.view
    point = QPoint(4, view.viewport().height() - 4)
    assert view.key_at(point) == ""
    menu = right_click(qtbot, opened, point)
    a = opened.actions_
    assert menu.actions()[:2] == [a.fit, a.reset_layout]
    assert [x for x in menu.actions() if not x.isSeparator()] == [
        a.fit,
        a.reset_layout,
        a.export,
        a.export_selection,
        a.hidden_nodes,
    ]
    choose(qtbot, menu, a.hidden_nodes.text())
    qtbot.waitUntil(lambda: opened.hidden_nodes_dialog() is not None)
    assert opened.hidden_nodes_dialog().isVisible()


def test_fit_to_window_from_the_background_menu(opened, qtbot):
    view = opened.view
    view.set_zoom(2.0)
    menu = right_click(qtbot, opened, QPoint(4, 4))
    choose(qtbot, menu, opened.actions_.fit.text())
    assert view.zoom_factor() < 2.0
    assert view.visible_scene_rect().contains(opened.scene().content_rect())


def test_the_menu_key_opens_the_menu_of_the_selected_card(opened, qtbot):
    key = _artifact_key(opened)
    view, item = opened.view, opened.scene().node_item(key)
    view.centerOn(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, item))
    assert item.isSelected()
    corner = QPoint(4, 4)  # where the keyboard "cursor" is: not on the card
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, corner, view.viewport().mapToGlobal(corner)
    )
    with qtbot.waitSignal(view.context_menu_requested) as asked:
        QApplication.sendEvent(view.viewport(), event)
    assert asked.args[0] == key
    assert asked.args[1] == view.viewport().mapToGlobal(item_point(view, item))
    menu = opened.context_menu.menu()
    assert menu.isVisible() and "Copy reference" in texts(menu)
    menu.close()


def test_keyboard_shortcuts_lists_every_shortcut_of_the_window(opened, qtbot):
    opened.actions_.shortcuts.trigger()
    dialog = opened.shortcuts_dialog
    assert dialog.objectName() == "shortcutsDialog" and dialog.isVisible()
    rows = dialog.rows()
    native = QKeySequence.SequenceFormat.NativeText
    find = QKeySequence(QKeySequence.StandardKey.Find).toString(native)
    assert ("Go › Find…", find) in rows
    assert ("View › Fit to window", "Ctrl+0") in rows
    assert ("Help › Keyboard shortcuts…", "F1") in rows
    with_keys = {
        a.shortcut().toString(native)
        for a in opened.findChildren(QAction)
        if not a.shortcut().isEmpty() and (a.parent() is opened or a in opened.actions())
    }
    listed = {keys for _, keys in rows}
    assert with_keys <= listed
    menus = [a.menu() for a in opened.menuBar().actions()]
    in_menus = {a.shortcut().toString(native) for m in menus for a in m.actions()}
    assert {keys for path, keys in rows if "›" in path} <= in_menus | with_keys
    assert len(rows) == len({p for p, _ in rows})  # no action listed twice

    qtbot.keyClicks(dialog.filter_field, "zoom")
    shown = dialog.rows(visible_only=True)
    assert shown and all("zoom" in p.lower() for p, _ in shown)


def test_f1_opens_the_shortcuts_dialog(opened, qtbot):
    qtbot.keyClick(opened.view, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(opened, "shortcuts_dialog", None) is not None)
    assert opened.shortcuts_dialog.isVisible()
