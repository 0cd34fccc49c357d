"""File > Export: images through the scene's renderer, text through the graph exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence

from lineage_desktop.ui.export.image import image_size


def test_png_has_the_size_of_the_graph_times_the_scale(opened, tmp_path):
    path = opened.export_graph(tmp_path / "graph.png", scale=1.5)
    image = QImage(str(path))
    width, height = image_size(opened.scene().content_rect(), 1.5, 24.0)
    assert (image.width(), image.height()) == (width, height)


def test_png_of_the_visible_area_is_smaller(opened, tmp_path):
    opened.view.set_zoom(2.0)
    whole = QImage(str(opened.export_graph(tmp_path / "whole.png", scale=1.0)))
    part = QImage(str(opened.export_graph(tmp_path / "part.png", scale=1.0, visible_only=True)))
    assert part.width() * part.height() < whole.width() * whole.height()


def test_svg_and_pdf_are_well_formed(opened, tmp_path):
    svg = opened.export_graph(tmp_path / "graph.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text(encoding="utf-8")
    focus_label = opened.controller.snapshot.label(opened.controller.snapshot.focus)
    assert focus_label in text  # labels stay text in vector formats
    pdf = opened.export_graph(tmp_path / "graph.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_text_exports_describe_the_graph_on_screen(opened, tmp_path):
    view = opened.controller.snapshot.view
    data = json.loads(opened.export_graph(tmp_path / "graph.json").read_text(encoding="utf-8"))
    assert set(data) == {"focus", "nodes", "edges"}
    assert data["focus"] == opened.controller.snapshot.focus
    assert {n["key"] for n in data["nodes"]} == set(view.nodes)
    assert all({"key", "kind", "label", "type", "level"} <= set(n) for n in data["nodes"])
    assert {(e["source"], e["target"]) for e in data["edges"]} == set(view.edges)
    dot = opened.export_graph(tmp_path / "graph.dot").read_text(encoding="utf-8")
    assert dot.lstrip().startswith("digraph") and "rankdir" in dot
    graphml = nx.read_graphml(opened.export_graph(tmp_path / "graph.graphml"))
    assert set(graphml.nodes) == set(view.nodes)
    mermaid = opened.export_graph(tmp_path / "graph.mmd").read_text(encoding="utf-8")
    assert mermaid.startswith("flowchart LR")


def test_export_dialog_writes_the_chosen_format(opened, tmp_path, qtbot):
    assert opened.actions_.export.shortcut() == QKeySequence("Ctrl+E")
    opened.actions_.export.trigger()
    dialog = opened.export_dialog()
    assert dialog is not None and dialog.isVisible()
    dialog.format.setCurrentIndex(dialog.format.findData("svg"))
    target = tmp_path / "from-dialog.svg"
    dialog.path.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: target.exists(), timeout=10_000)
    assert ET.parse(target).getroot().tag.endswith("svg")
    assert "Exported" in opened.banner.text()


def test_export_to_an_unwritable_place_is_reported(opened, tmp_path, qtbot):
    opened.actions_.export.trigger()
    dialog = opened.export_dialog()
    dialog.path.setText(str(tmp_path / "missing-folder" / "graph.json"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Export failed" in opened.banner.text(), timeout=10_000)
    assert opened.isVisible()


def test_export_without_a_graph_raises_a_clear_error(window, tmp_path):
    with pytest.raises(Exception, match="no graph"):
        window.export_graph(tmp_path / "x.png")
