"""The lineage graph in the window: items and keys, preview on click, re-focus with
Back/Forward, hiding and restoring, zoom."""

from __future__ import annotations

from backend_switch import store_arg
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from window_helpers import item_point, keys_in_scene, move, wheel

import lineage_desktop as ld
from lineage_desktop.ui.formatting import human_size


def test_items_carry_graph_keys_and_labels(opened, demo_store):
    snap = opened.controller.snapshot
    assert snap.focus == "artifact:" + ld.Api(demo_store).resolve("churn-model:production").key[9:]
    assert keys_in_scene(opened) == set(snap.view.nodes)
    for item in opened.scene().node_items():
        attrs = snap.view.nodes[item.data(0)]
        assert item.spec.label == str(attrs["label"])
    focus_item = opened.scene().node_item(snap.focus)
    assert focus_item.focused
    keyed_edges = [e for e in opened.scene().edge_items() if e.data(0) is not None]
    assert all(str(e.data(0)).count("->") == 1 for e in keyed_edges)


def test_clicking_a_run_fills_the_preview(opened, demo_store, qtbot):
    scene, view = opened.scene(), opened.view
    snap = opened.controller.snapshot
    run_key = next(k for k in snap.view.predecessors(snap.focus))
    run = ld.Api(demo_store).run(run_key)
    item = scene.node_item(run_key)
    view.centerOn(item)
    with qtbot.waitSignal(scene.node_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, item))
    preview = opened.preview
    assert preview.page() == "node"
    assert preview.field_text("name") == run.name
    assert preview.field_text("id") == run.id
    assert preview.field_text("state") == run.state
    assert preview.field_text("started").startswith(run.started_at[:10])
    assert preview.field_text("duration") != ""
    assert preview.field_text("author") == run.author
    assert preview.field_text("job_type") == run.job_type == "train"
    assert "lr: " in preview.field_text("config")  # a "Config" row, no longer JSON


def test_clicking_an_artifact_fills_the_preview_with_files(opened, demo_store, qtbot):
    scene, view = opened.scene(), opened.view
    snap = opened.controller.snapshot
    key = next(k for k in snap.view.nodes if k.startswith("artifact:") and k != snap.focus)
    api = ld.Api(demo_store)
    artifact = api.artifact(key.removeprefix("artifact:"))
    item = scene.node_item(key)
    view.centerOn(item)
    with qtbot.waitSignal(scene.node_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, item))
    preview = opened.preview
    assert preview.field_text("name") == artifact.name
    assert preview.field_text("type") == artifact.type
    assert preview.field_text("aliases") == ", ".join(artifact.aliases)
    assert preview.field_text("created").startswith(artifact.created_at[:10])
    producer = artifact.logged_by()
    assert preview.field_text("logged_by") == f"{producer.name} ({producer.id})"
    assert preview.field_text("size").startswith(human_size(artifact.size))
    assert preview.field_text("file_count") == f"{artifact.file_count} file" + (
        "" if artifact.file_count == 1 else "s"
    )
    assert preview.field_text("digest") == artifact.digest
    files = preview.details.files_model
    qtbot.waitUntil(lambda: files.rowCount() == artifact.file_count, timeout=10_000)
    assert [e.path for e in files.entries()] == [e.path for e in artifact.files()]


def test_double_click_refocuses_and_back_forward_walk_the_history(opened, qtbot):
    scene, view = opened.scene(), opened.view
    first = opened.controller.snapshot.focus
    target = next(k for k in opened.controller.snapshot.view.predecessors(first))
    item = scene.node_item(target)
    view.centerOn(item)
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000) as ready:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, item))
    assert ready.args == [target]
    assert opened.controller.snapshot.focus == target
    assert scene.node_item(target).focused
    assert opened.actions_.back.isEnabled() and not opened.actions_.forward.isEnabled()
    assert opened.actions_.back.shortcut() == QKeySequence("Alt+Left")
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000) as ready:
        qtbot.keyClick(opened, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert ready.args == [first]
    assert opened.actions_.forward.isEnabled()
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000) as ready:
        qtbot.keyClick(opened, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert ready.args == [target]
    assert not opened.actions_.forward.isEnabled()


def test_show_lineage_accepts_every_reference_form(opened, demo_store, qtbot):
    api = ld.Api(demo_store)
    latest = api.resolve("churn-model:latest")
    run_id = latest.run_id
    for ref, expected in [
        ("churn-model", latest.key),
        ("churn-model:latest", latest.key),
        (f"churn-model:v{latest.index}", latest.key),
        (f"run:{run_id}", f"run:{run_id}"),
        (latest.key, latest.key),
    ]:
        with qtbot.waitSignal(opened.lineage_ready, timeout=20_000) as ready:
            opened.show_lineage(ref)
        assert ready.args == [expected], ref


def test_unknown_reference_is_reported_in_the_window(opened, qtbot):
    before = opened.controller.snapshot.focus
    with qtbot.waitSignal(opened.controller.lineage_failed, timeout=10_000):
        opened.show_lineage("no-such-artifact:v1")
    assert "no-such-artifact" in opened.banner.text()
    assert opened.controller.snapshot.focus == before  # the graph stays


def test_hover_eye_hides_a_node_and_hidden_nodes_restores_it(opened, demo_store, qtbot):
    scene, view = opened.scene(), opened.view
    snap = opened.controller.snapshot
    key = next(k for k in snap.view.successors(snap.focus))
    item = scene.node_item(key)
    view.centerOn(item)
    eye = item_point(view, item, item.eye_rect().center())
    move(view.viewport(), item_point(view, item))
    move(view.viewport(), eye)
    qtbot.waitUntil(lambda: item._eye_hot)
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=eye)
    assert key not in keys_in_scene(opened)
    assert key in [k for k, _ in opened.controller.hidden_nodes()]
    assert key in opened.settings.hidden_keys(store_arg(demo_store))  # remembered per store

    opened.actions_.hidden_nodes.trigger()
    dialog = opened.hidden_nodes_dialog()
    assert dialog.isVisible() and dialog.keys() == [key]
    dialog.list.item(0).setSelected(True)
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert key in keys_in_scene(opened)
    assert dialog.keys() == []
    assert opened.settings.hidden_keys(store_arg(demo_store)) == []


def test_hidden_nodes_stay_hidden_in_a_new_window(opened, demo_store, qtbot):
    from lineage_desktop.app import create_main_window

    snap = opened.controller.snapshot
    key = next(k for k in snap.view.successors(snap.focus))
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):
        opened.controller.hide(key)
    opened.close()
    second = create_main_window()
    qtbot.addWidget(second)
    second.show()
    second.open_store(demo_store)
    with qtbot.waitSignal(second.lineage_ready, timeout=20_000):
        second.show_lineage(snap.focus)
    assert key not in keys_in_scene(second)
    assert key in [k for k, _ in second.controller.hidden_nodes()]


def test_wheel_zooms_under_the_cursor(opened, qtbot):
    view = opened.view
    before = view.zoom_factor()
    item = opened.scene().node_item(opened.controller.snapshot.focus)
    point = item_point(view, item)
    scene_point = view.mapToScene(point)
    wheel(view.viewport(), point, 240)
    assert view.zoom_factor() > before * 1.3
    assert (view.mapFromScene(scene_point) - point).manhattanLength() <= 2
    opened.actions_.zoom_out.trigger()
    assert opened.zoom_label.text().endswith("%")


def test_focus_page_tabs_show_overview_metadata_and_files(opened, demo_store, qtbot):
    page = opened.focus_page
    artifact = ld.Api(demo_store).artifact("churn-model:production")
    assert page.tabs.tabText(0) == "Lineage" and page.tabs.currentIndex() == 0
    assert page.overview.field_text("digest") == artifact.digest
    model = page.metadata.json_model()
    keys = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert keys == set(artifact.metadata)
    qtbot.waitUntil(lambda: page.files_model.rowCount() == artifact.file_count, timeout=10_000)
    assert page.tabs.tabText(3) == f"Files ({artifact.file_count})"
