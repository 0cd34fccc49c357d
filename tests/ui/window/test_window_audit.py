"""The audit features as wired into the window: integrity marks, impact list, version
diff, paths between two nodes, lineage as of a time, the HTML report."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from window_helpers import item_point, keys_in_scene

import lineage_desktop as ld
from lineage_desktop.store import Store


def test_audit_menu_lists_the_features(opened):
    menu = opened.findChild(QMenu, "auditMenu")
    texts = [a.text() for a in menu.actions()]
    assert {
        "&Verify integrity",
        "&Impact list",
        "&Compare versions…",
        "&Paths between selection",
        "Audit &Report…",
    } <= set(texts)


def test_verify_marks_a_tampered_version(opened, demo_store, qtbot):
    window = opened
    snap = window.controller.snapshot
    upstream = next(k for k in snap.view if k.startswith("artifact:") and k != snap.focus)
    artifact = ld.Api(demo_store).artifact(upstream.removeprefix("artifact:"))
    store = Store.open(demo_store, readonly=True)
    blob = store.blobs.path_for(artifact.files()[0].digest)
    store.close()
    blob.write_bytes(b"tampered after logging")
    with qtbot.waitSignal(window.audit.runner.finished, timeout=30_000) as done:
        window.audit.verify_action.trigger()
    report = done.args[0]
    assert upstream in report.compromised
    assert window.audit.dock.isVisible()
    assert window.audit.legend.counts()["compromised"] >= 1
    assert window.scene().node_item(upstream).compromised
    assert window.scene().node_item(snap.focus).compromised is False  # downstream: tainted


def test_impact_list_of_the_selected_node_and_refocus_from_it(opened, demo_store, qtbot):
    window, scene, view = opened, opened.scene(), opened.view
    snap = window.controller.snapshot
    run = next(iter(snap.view.predecessors(snap.focus)))
    item = scene.node_item(run)
    view.centerOn(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, item))
    window.audit.impact_action.trigger()
    panel = window.audit.impact
    expected = {k for k in ld.Api(demo_store).lineage(run, upstream=0).nodes if k != run}
    qtbot.waitUntil(lambda: {r.key for r in panel.visible_rows()} == expected, timeout=10_000)
    target = next(r.key for r in panel.visible_rows() if r.key.startswith("artifact:"))
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000) as ready:
        panel.node_activated.emit(target)
    assert ready.args == [target]


def test_compare_versions_opens_the_diff_of_the_focus(opened, qtbot):
    window = opened
    window.audit.diff_action.trigger()
    dialog = window.audit.diff_dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(dialog.diff_ready, timeout=20_000) as ready:
        pass
    diff = ready.args[0]
    focus_version = window.controller.snapshot.focus.rsplit(":", 1)[1]
    assert diff.b.endswith(focus_version) or diff.a.endswith(focus_version)
    dialog.close()


def test_paths_between_two_ctrl_clicked_nodes_isolated(opened, qtbot):
    window, scene, view = opened, opened.scene(), opened.view
    snap = window.controller.snapshot
    run = next(iter(snap.view.predecessors(snap.focus)))
    down = next(iter(snap.view.successors(snap.focus)))
    view.set_zoom(0.6)
    view.center_on_key(snap.focus)
    for key, modifier in (
        (run, Qt.KeyboardModifier.NoModifier),
        (down, Qt.KeyboardModifier.ControlModifier),
    ):
        item = scene.node_item(key)
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, modifier, item_point(view, item)
        )
    qtbot.waitUntil(lambda: window.audit.paths.pair() is not None, timeout=5_000)
    assert window.audit.path_bar.isVisible()
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        qtbot.mouseClick(window.audit.path_bar.isolate_button, Qt.MouseButton.LeftButton)
    assert keys_in_scene(window) == {run, snap.focus, down}


def test_as_of_shows_the_store_as_it_was(opened, demo_store, qtbot):
    window = opened
    runs = sorted(ld.Api(demo_store).runs(), key=lambda r: r.started_at)
    middle = runs[len(runs) // 2].started_at
    before = window.sidebar.tree_model.index_of_collection("churn-model")
    count_now = window.sidebar.tree_model.data(before, Qt.ItemDataRole.UserRole + 3)
    with qtbot.waitSignal(window.controller.collections_loaded, timeout=20_000):
        window.audit.as_of.set_as_of(middle)
    assert window.controller.as_of == middle.replace("Z", "")[:19] + ".000000Z"
    index = window.sidebar.tree_model.index_of_collection("churn-model")
    count_then = window.sidebar.tree_model.data(index, Qt.ItemDataRole.UserRole + 3)
    assert count_then != count_now
    expected = len(ld.Api(demo_store, as_of=middle).artifact_versions("churn-model"))
    assert count_then == f"{expected} version" + ("" if expected == 1 else "s")
    window.sidebar.tabs.setCurrentWidget(window.sidebar.runs_page)
    started_then = [r for r in runs if r.started_at <= middle]
    model = window.sidebar.run_model
    qtbot.waitUntil(lambda: model.rowCount() == len(started_then), timeout=10_000)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("raw-customers:v0")
    for key, attrs in window.controller.snapshot.raw.nodes(data=True):
        if attrs.get("kind") == "run":
            assert attrs["started_at"] <= window.controller.as_of, key


def test_audit_report_of_what_is_shown(opened, tmp_path):
    window = opened
    inputs = window.audit._report_inputs()
    path = window.audit.report.write(tmp_path / "audit.html", inputs)
    html = path.read_text(encoding="utf-8")
    assert "<svg" in html and window.controller.snapshot.label(inputs.focus) in html
