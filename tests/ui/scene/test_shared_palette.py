"""The window and the data exports draw with one palette (graph.palette): a run is the
same green in the window, in a PNG and in a DOT or Mermaid file."""
from __future__ import annotations

import pygraphviz
from PySide6.QtGui import QColor
from scene_graphs import small_graph, view_point

from lineage_desktop.graph import palette
from lineage_desktop.graph.export import to_dot, to_mermaid
from lineage_desktop.ui import style


def _close(a: QColor, b: QColor, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3]))


def test_style_colours_are_the_shared_palette():
    for dark in (False, True):
        shared, window = palette.palette_for(dark), style.palette_for(dark)
        assert window.run == shared.run and window.artifact == shared.artifact
        assert window.color("run") == QColor(shared.run)


def test_dot_export_and_window_use_the_same_run_and_artifact_colours(small, artifacts_dir):
    dot = pygraphviz.AGraph(string=to_dot(small_graph()))
    run_stroke = dot.get_node("run:train1").attr["color"]
    artifact_stroke = dot.get_node("artifact:churn-model:v3").attr["color"]
    assert (run_stroke, artifact_stroke) == (style.LIGHT.run, style.LIGHT.artifact)
    mermaid = to_mermaid(small_graph())
    assert f"stroke:{style.LIGHT.run}" in mermaid
    assert f"stroke:{style.LIGHT.artifact}" in mermaid

    view, scene = small.view, small.scene
    view.set_zoom(1.0)
    view.center_on_key("artifact:churn-model:v3")
    image = view.viewport().grab().toImage()
    image.save(str(artifacts_dir / "shared_palette.png"))
    run, model = scene.node_item("run:train1"), scene.node_item("artifact:churn-model:v3")
    # The icon discs on screen are the colours the DOT file names.
    run_px = image.pixelColor(view_point(view, run.mapToScene(run.icon_center())))
    model_px = image.pixelColor(view_point(view, model.mapToScene(model.icon_center())))
    assert _close(run_px, QColor(run_stroke)), (run_px.name(), run_stroke)
    assert _close(model_px, QColor(artifact_stroke)), (model_px.name(), artifact_stroke)
