"""Integrity marks: tainted cards get a dashed warning border; exports carry the marks."""
from __future__ import annotations

from PySide6.QtCore import Qt
from scene_graphs import grid_layout, small_graph

from lineage_desktop.ui.export.image import render_graph_image
from lineage_desktop.ui.scene import LineageScene


def test_tainted_mark_survives_rebuild_and_uses_dashed_pen(qapp):
    graph = small_graph()
    scene = LineageScene()
    scene.set_graph(graph, grid_layout(graph))
    scene.set_compromised(["artifact:raw-data:v0"])
    scene.set_tainted(["artifact:churn-model:v3", "run:nope"])
    card = scene.node_item("artifact:churn-model:v3")
    assert card.tainted and not card.compromised
    pen, _ = card._card_pen_brush()
    assert pen.style() == Qt.PenStyle.DashLine
    scene.set_graph(graph, grid_layout(graph))
    assert scene.node_item("artifact:churn-model:v3").tainted
    scene.set_tainted([])
    assert not scene.node_item("artifact:churn-model:v3").tainted


def test_exported_image_differs_with_marks(qapp, tmp_path):
    graph = small_graph()
    layout = grid_layout(graph)
    plain = render_graph_image(graph, layout, tmp_path / "plain.svg")
    marked = render_graph_image(graph, layout, tmp_path / "marked.svg",
                                compromised=["artifact:raw-data:v0"],
                                tainted=["artifact:churn-model:v3"])
    assert plain.read_text() != marked.read_text()
