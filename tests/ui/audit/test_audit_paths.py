"""Paths between two nodes: all of them in a diamond, highlighted or isolated."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

import lineage_desktop as ld
from lineage_desktop.graph import isolated_graph, path_keys, view_path_keys
from lineage_desktop.ui.audit import PathController, PathToolbar

RAW, MODEL = "artifact:raw:v0", "artifact:model:v0"


def _on_paths(diamond):
    r = diamond.runs
    return {RAW, r["left"], "artifact:a:v0", r["right"], "artifact:b:v0", r["join"], MODEL}


def test_all_paths_in_a_diamond(diamond):
    graph = ld.Api(store=diamond.path).lineage("raw")
    expected = _on_paths(diamond)
    assert path_keys(graph, RAW, MODEL) == expected
    assert path_keys(graph, MODEL, RAW) == expected  # either order
    assert path_keys(graph, "artifact:a:v0", "artifact:c:v0") == set()  # cousins
    assert path_keys(graph, diamond.runs["left"], MODEL) == {
        diamond.runs["left"], "artifact:a:v0", diamond.runs["join"], MODEL}


def test_paths_through_clusters(diamond, drawn):
    for n in range(5):  # five parallel branches from raw into one merge
        diamond.step(f"branch{n}", ["raw:latest"], [(f"part{n}", "shard")])
    diamond.step("merge", [f"part{n}:latest" for n in range(5)], [("merged", "dataset")])
    raw = ld.Api(store=diamond.path).lineage("raw")
    scene, view = drawn(raw, threshold=5)
    clusters = {k for k, a in view.nodes(data=True) if a.get("kind") == "cluster"}
    assert clusters == {"cluster:2:artifact:shard"}  # runs differ in job type: not clustered
    shards = "cluster:2:artifact:shard"
    marked = view_path_keys(raw, view, RAW, "artifact:merged:v0")
    assert marked == {shards, RAW, diamond.runs["merge"], "artifact:merged:v0"} | {
        diamond.runs[f"branch{n}"] for n in range(5)}
    # A cluster as an end stands for its members.
    sub = isolated_graph(raw, view, RAW, shards)
    assert set(sub) == {RAW} | {diamond.runs[f"branch{n}"] for n in range(5)} | {
        f"artifact:part{n}:v0" for n in range(5)}
    assert sub.graph["focus"] == RAW


def test_controller_highlights_dims_isolates_and_clears(qtbot, diamond, drawn, artifacts_dir):
    raw = ld.Api(store=diamond.path).lineage("raw")
    scene, view = drawn(raw)
    controller = PathController(scene)
    toolbar = PathToolbar(controller)
    qtbot.addWidget(toolbar)
    controller.set_graphs(raw, view)
    assert not toolbar.highlight_button.isEnabled() and not toolbar.clear_button.isEnabled()
    with qtbot.waitSignal(controller.pair_changed) as pair:
        controller.set_selection([MODEL, RAW])
    assert sorted(pair.args[0]) == sorted([MODEL, RAW])
    assert toolbar.highlight_button.isEnabled() and toolbar.isolate_button.isEnabled()
    with qtbot.waitSignal(controller.paths_highlighted) as highlighted:
        toolbar.highlight_button.click()
    expected = _on_paths(diamond)
    assert set(highlighted.args[0]) == expected
    assert scene.dimmed_keys() == set(view) - expected
    assert all(scene.node_item(k).highlighted for k in expected)
    assert toolbar.status_text() in ("7 nodes on the paths between model:v0 and raw:v0.",
                                     "7 nodes on the paths between raw:v0 and model:v0.")
    assert toolbar.clear_button.isEnabled()
    toolbar.resize(760, toolbar.sizeHint().height())
    toolbar.show()
    qtbot.waitExposed(toolbar)
    toolbar.grab().save(str(artifacts_dir / "ui_audit_path_toolbar.png"))
    _save_scene(scene, artifacts_dir / "ui_audit_paths_highlighted.png")
    with qtbot.waitSignal(controller.paths_isolated) as isolated:
        toolbar.isolate_button.click()
    sub = isolated.args[0]
    assert set(sub) == expected and sub.graph["focus"] == RAW
    assert set(sub.edges) == {e for e in raw.edges if e[0] in expected and e[1] in expected}
    with qtbot.waitSignal(controller.paths_cleared):
        toolbar.clear_button.click()
    assert scene.dimmed_keys() == set()
    assert not any(scene.node_item(k).highlighted for k in expected)
    assert not toolbar.clear_button.isEnabled()


def test_no_path_between_cousins(qtbot, diamond, drawn):
    raw = ld.Api(store=diamond.path).lineage("raw")
    scene, view = drawn(raw)
    controller = PathController(scene)
    controller.set_graphs(raw, view)
    controller.set_selection(["artifact:a:v0", "artifact:c:v0"])
    with qtbot.waitSignal(controller.paths_highlighted) as highlighted:
        controller.highlight()
    assert highlighted.args == [[]]
    assert controller.status() == "No path between a:v0 and c:v0."
    assert scene.dimmed_keys() == set()
    assert controller.isolate() is None


def test_ctrl_click_two_cards_in_the_view(qtbot, diamond, drawn):
    from lineage_desktop.ui.scene import LineageView

    raw = ld.Api(store=diamond.path).lineage("raw")
    scene, view_graph = drawn(raw)
    view = LineageView(scene)
    qtbot.addWidget(view)
    view.resize(1400, 600)
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    controller = PathController(scene)
    controller.set_graphs(raw, view_graph)
    scene.selection_keys_changed.connect(controller.set_selection)
    for key, modifier in ((RAW, Qt.KeyboardModifier.NoModifier),
                          ("artifact:b:v0", Qt.KeyboardModifier.ControlModifier)):
        card = scene.node_item(key)
        point = view.mapFromScene(card.sceneBoundingRect().center())
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, point)
    qtbot.waitUntil(lambda: controller.pair() is not None)
    assert controller.pair() == (RAW, "artifact:b:v0")
    assert set(controller.highlight()) == {RAW, diamond.runs["right"], "artifact:b:v0"}


def _save_scene(scene, path):
    rect = scene.content_rect().adjusted(-20, -20, 20, 20)
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(0xFFF6F7F9)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, source=rect)
    painter.end()
    image.save(str(path))
