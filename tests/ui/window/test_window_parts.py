"""Pieces of the window without a store: formatting, history, settings, the xcb check,
the query worker, drag-and-drop, menus and shortcuts, window state."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from backend_switch import store_arg
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QTreeView

from lineage_desktop.records import ReadOnlyStore
from lineage_desktop.ui import formatting
from lineage_desktop.ui.session.history import History
from lineage_desktop.ui.window import platform_check
from lineage_desktop.ui.window.settings import AppSettings


def test_formatting():
    assert formatting.human_size(0) == "0 B"
    assert formatting.human_size(1536) == "1.5 kB"  # SI: k is lower case
    assert formatting.human_size(250_000_000) == "250 MB"
    assert formatting.human_size(None) == ""
    assert formatting.human_time("2026-08-03T08:00:00.000000Z") == "2026-08-03 08:00:00 UTC"
    assert formatting.human_time("not a time") == "not a time"
    assert formatting.human_duration(3725) == "1h 2m 5s"
    assert formatting.human_duration(4.25) == "4.2s"
    assert (
        formatting.run_duration("2026-08-03T08:00:00Z", "2026-08-03T08:01:30Z", "finished")
        == "1m 30s"
    )
    assert formatting.run_duration("2026-08-03T08:00:00Z", None, "running").startswith(
        "running for"
    )
    assert formatting.plural(1, "version") == "1 version"
    assert formatting.plural(12000, "version") == "12,000 versions"


def test_history_walks_like_a_browser():
    history = History()
    for key in ("a", "b", "c"):
        history.visit(key)
    assert history.back() == "b" and history.back() == "a" and history.back() is None
    assert history.forward() == "b"
    history.visit("d")  # drops "c"
    assert history.entries() == ["a", "b", "d"] and not history.can_forward()
    history.visit("d")
    assert history.entries() == ["a", "b", "d"]


def test_settings_remember_recent_files_hidden_nodes_and_positions(tmp_path):
    settings = AppSettings()
    store = str(tmp_path / "a.db")
    settings.add_recent(store)
    settings.add_recent(tmp_path / "b.db")
    settings.add_recent(store)
    assert settings.recent_files() == [store, str(tmp_path / "b.db")]
    settings.set_hidden_keys(store, ["run:x", "run:x", "artifact:d:v1"])
    assert settings.hidden_keys(store) == ["run:x", "artifact:d:v1"]
    assert settings.hidden_keys(str(tmp_path / "b.db")) == []
    settings.set_positions(store, "artifact:d:v1", "LR", {"run:x": (10.04, -3.0)})
    assert settings.positions(store, "artifact:d:v1", "LR") == {"run:x": (10.0, -3.0)}
    assert settings.positions(store, "artifact:d:v1", "TB") == {}
    settings.sync()
    again = AppSettings()
    assert again.hidden_keys(store) == ["run:x", "artifact:d:v1"]


def test_settings_stay_out_of_the_users_real_settings(isolated_settings):
    settings = AppSettings()
    settings.add_recent("/x.db")
    settings.sync()
    written = list(Path(isolated_settings).rglob("*.ini"))
    assert written and "lineage_desktop-tests" in str(written[0])


def test_xcb_check_names_the_debian_package():
    env = {"DISPLAY": ":0"}
    message = platform_check.xcb_problem(env, loader=lambda name: "cursor" not in name)
    assert message is not None and "sudo apt install libxcb-cursor0" in message
    assert platform_check.xcb_problem(env, loader=lambda name: True) is None
    assert (
        platform_check.xcb_problem(
            {"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, loader=lambda name: False
        )
        is None
    )
    assert platform_check.wants_xcb({"QT_QPA_PLATFORM": "xcb"})
    assert not platform_check.wants_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})


def test_no_display_is_said_in_words():
    assert "no display" in platform_check.display_problem({}, platform="linux")
    assert platform_check.display_problem({"DISPLAY": ":1"}, platform="linux") is None
    assert platform_check.display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert platform_check.display_problem({}, platform="darwin") is None


def test_run_window_prints_the_package_instead_of_aborting(monkeypatch, capsys):
    from lineage_desktop.ui.window import app

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(platform_check, "_can_load", lambda name: "cursor" not in name)
    monkeypatch.setattr(
        app, "xcb_problem", lambda: platform_check.xcb_problem(loader=platform_check._can_load)
    )
    assert app.run_window(None, None) == 1
    assert "libxcb-cursor0" in capsys.readouterr().err


def test_query_worker_drops_stale_answers(qtbot, demo_store):
    from lineage_desktop.ui.tasks.worker import QueryWorker

    worker = QueryWorker()
    got = []
    opened = []
    worker.open(Path(demo_store), on_done=opened.append)
    qtbot.waitUntil(lambda: opened == [None], timeout=10_000)
    worker.submit("c", lambda api: "old", got.append)
    worker.submit("c", lambda api: "new", got.append)
    worker.submit("d", lambda api: len(api.artifact_types()), got.append)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10_000)
    assert got == ["new", 5]
    errors = []
    worker.submit("e", lambda api: api.store.run("nope"), got.append, errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=10_000)
    assert isinstance(errors[0], LookupError)
    worker.submit(
        "f", lambda api: api.store._conn.execute("DROP TABLE runs"), got.append, errors.append
    )
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=10_000)
    # Read-only: nothing can change the store (a team store's driver names the refusal).
    team = store_arg(demo_store) != str(demo_store)
    assert isinstance(errors[1], ReadOnlyStore if team else sqlite3.Error), errors[1]
    worker.shutdown()


def test_menus_and_shortcuts(window):
    a = window.actions_
    assert a.open.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert a.export.shortcut() == QKeySequence("Ctrl+E")
    assert a.fit.shortcut() == QKeySequence("Ctrl+0")
    assert a.back.shortcut() == QKeySequence("Alt+Left")
    assert a.forward.shortcut() == QKeySequence("Alt+Right")
    assert a.find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    menus = {m.objectName(): [x.text() for x in m.actions()] for m in window.findChildren(QMenu)}
    assert {"&Open…", "Open &Recent", "&Export…", "&Quit"} <= set(menus["fileMenu"])
    assert {
        "Zoom &in",
        "Zoom &out",
        "&Fit to window",
        "&Reset layout",
        "&Hidden nodes…",
        "&Direction",
    } <= set(menus["viewMenu"])
    assert {"&Back", "&Forward", "&Find…"} <= set(menus["goMenu"])
    assert window.objectName() == "mainWindow"
    names = {d.objectName() for d in window.findChildren(QDockWidget)}
    assert {"projectSidebar", "previewDock"} <= names
    assert window.findChild(QTreeView, "artifactTree") is not None
    assert window.view.objectName() == "lineageView"


def test_start_page_without_a_store(window, demo_store, qtbot):
    assert window.stack.currentWidget() is window.start_page
    assert not window.sidebar.isVisible() and not window.preview.isVisible()
    window.settings.add_recent(demo_store)
    window._refresh_recent()
    item = window.start_page.recent.item(0)
    rect = window.start_page.recent.visualItemRect(item)
    qtbot.mouseClick(
        window.start_page.recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.focus_page)
    # The details dock waits for a node to be clicked (the canvas gets the width).
    assert window.sidebar.isVisible() and not window.preview.isVisible()
    assert window.view.message_text().startswith("Choose an artifact")
    recent = window.findChild(QMenu, "recentMenu")
    assert str(Path(demo_store).absolute()) in [x.text() for x in recent.actions()]


@pytest.mark.sqlite_file("drops the store's file onto the window: a team store has none")
def test_dropping_a_store_file_opens_it(window, demo_store, qtbot):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(demo_store))])
    point = QPoint(200, 200)
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    assert window.controller.store_path == Path(demo_store).absolute()
    qtbot.waitUntil(lambda: window.sidebar.proxy.rowCount() > 0, timeout=10_000)


def test_window_geometry_and_docks_are_restored(window, demo_store, qtbot):
    from lineage_desktop.app import create_main_window

    window.open_store(demo_store)
    window.resize(731, 517)  # within the 800x600 offscreen screen: restoreGeometry clamps
    window.preview.hide()  # the user closed the details dock
    window.close()
    geometry, state = window.settings.window_state()
    assert geometry is not None and state is not None
    second = create_main_window()
    qtbot.addWidget(second)
    assert second.size() == window.size()
    second._show_docks(True)  # as once a store is open
    assert second.sidebar.isVisibleTo(second) and not second.preview.isVisibleTo(second)


def test_busy_indicator_shows_while_a_lineage_loads(window, demo_store, qtbot):
    window.open_store(demo_store)
    busy_seen = []
    window.controller.busy_changed.connect(lambda busy, text: busy_seen.append((busy, text)))
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("churn-model:production")
        assert window.view.is_busy() and window.busy.isVisible()  # asynchronous by default
    texts = [text for busy, text in busy_seen if busy]
    assert "Reading lineage…" in texts and "Laying out…" in texts
    qtbot.waitUntil(lambda: not window.busy.isVisible(), timeout=10_000)
    assert not window.view.is_busy()


@pytest.mark.parametrize("dark", [False, True])
def test_palette_follows_the_system(window, dark, qtbot):
    from PySide6.QtGui import QColor, QPalette

    app = QApplication.instance()
    saved = app.palette()
    palette = QPalette(saved)
    palette.setColor(QPalette.ColorRole.Window, QColor("#202124" if dark else "#efefef"))
    try:
        app.setPalette(palette)
        qtbot.waitUntil(
            lambda: window.scene().palette_colors().name == ("dark" if dark else "light")
        )
    finally:
        app.setPalette(saved)


def test_desktop_file_names_the_command_and_icon():
    from lineage_desktop.ui.resources import resource_path

    desktop = resource_path("lineage-desktop.desktop")
    assert desktop is not None
    text = desktop.read_text(encoding="utf-8")
    assert "Exec=lineage-desktop %f" in text and "Icon=lineage-desktop" in text
    assert resource_path("icons/lineage-desktop.svg") is not None


def test_store_errors_read_as_advice(tmp_path):
    from lineage_desktop.records import StoreBusy, StoreDamaged
    from lineage_desktop.ui.errors import describe_error

    path = tmp_path / "x.db"
    path.write_bytes(b"")
    damaged = describe_error(StoreDamaged(f"{path} is damaged: malformed"), path)
    assert "truncated or corrupt" in damaged and "not changed" in damaged
    assert "try again" in describe_error(StoreBusy(f"cannot use {path} now: locked"), path)
