"""Toolbar and View menu: depths, direction, reset layout, find (Ctrl+F)."""

from __future__ import annotations

from backend_switch import store_arg
from PySide6.QtCore import QPoint, QPointF, Qt
from window_helpers import drag, item_point, keys_in_scene

import lineage_desktop as ld


def test_depth_spin_boxes_limit_the_lineage(opened, demo_store, qtbot):
    focus = opened.controller.snapshot.focus
    assert opened.toolbar.upstream.text() == "all"
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):
        opened.toolbar.upstream.setValue(1)
        opened.toolbar.downstream.setValue(0)
    expected = set(ld.Api(demo_store).lineage(focus, upstream=1, downstream=0).nodes)
    assert keys_in_scene(opened) == expected
    assert len(expected) == 2  # the version and the run that logged it
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):
        opened.toolbar.upstream.setValue(-1)  # "all"
        opened.toolbar.downstream.setValue(-1)
    assert len(keys_in_scene(opened)) > 2


def test_direction_top_to_bottom_stacks_levels_vertically(opened, qtbot):
    snap = opened.controller.snapshot
    run = next(iter(snap.view.predecessors(snap.focus)))

    def offset():
        scene = opened.scene()
        a, b = scene.node_item(run).pos(), scene.node_item(snap.focus).pos()
        return b.x() - a.x(), b.y() - a.y()

    dx, dy = offset()
    assert dx > 0 and abs(dy) < dx
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):
        opened.actions_.direction_tb.trigger()
    dx, dy = offset()
    assert dy > 0 and abs(dx) < dy
    assert opened.toolbar.direction.currentData() == "TB"
    assert opened.settings.view_options(str(opened.controller.session.path))["direction"] == "TB"


def test_reset_layout_forgets_dragged_positions(opened, demo_store, qtbot):
    scene, view = opened.scene(), opened.view
    key = opened.controller.snapshot.focus
    item = scene.node_item(key)
    view.centerOn(item)
    start_pos = QPointF(item.pos())
    start = item_point(view, item)
    drag(qtbot, view.viewport(), start, start + QPoint(0, 90))
    assert item.pos().y() > start_pos.y() + 40
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):
        opened.actions_.reset_layout.trigger()
    assert scene.node_item(key).pos() == start_pos
    assert opened.settings.positions(store_arg(demo_store), key, "LR") == {}


def test_find_highlights_and_centres_matches(opened, qtbot):
    snap = opened.controller.snapshot
    runs = [k for k, a in snap.view.nodes(data=True) if a.get("kind") == "run"]
    assert len(runs) >= 2
    qtbot.keyClick(opened, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = opened.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    name = snap.view.nodes[runs[0]]["name"]
    qtbot.keyClicks(bar.field, name)
    assert bar.matches()[0] == runs[0]
    assert opened.scene().node_item(runs[0]).highlighted
    centre = opened.view.mapToScene(opened.view.viewport().rect().center())
    assert (centre - opened.scene().node_item(runs[0]).pos()).manhattanLength() < 5
    bar.field.clear()
    qtbot.keyClicks(bar.field, ":v")  # every artifact version's name:vN
    matches = bar.matches()
    assert set(matches) == {k for k in snap.view if k.startswith("artifact:")}
    assert len(matches) >= 2 and bar.status.text() == f"1 of {len(matches)}"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.current() == matches[1] and bar.status.text() == f"2 of {len(matches)}"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.current() == matches[0]
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert not any(item.highlighted for item in opened.scene().node_items())


def test_fit_shortcut_shows_the_whole_graph(opened, qtbot):
    view = opened.view
    view.set_zoom(3.0)
    opened.actions_.fit.trigger()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(opened.scene().content_rect())


def test_find_by_whole_key_and_inside_clusters(window, demo_store, qtbot):
    window.open_store(demo_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("train-split:v0")
    snap = window.controller.snapshot
    cluster = next(
        k
        for k, a in snap.view.nodes(data=True)
        if a.get("kind") == "cluster" and a["member_kind"] == "run"
    )
    member = snap.view.nodes[cluster]["members"][0]
    assert window.controller.find(member) == [cluster]  # the cluster holding it
    assert window.controller.find(snap.focus) == [snap.focus]
