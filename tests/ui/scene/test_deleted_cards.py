"""A deleted version (a tombstone) is drawn muted and struck with a "deleted" type line,
and the preview says when and by whom it was deleted, all as plain text."""

from __future__ import annotations

from hand_built import build_tombstone
from PySide6.QtGui import QColor, QImage, QPainter
from scene_graphs import grid_layout

import lineage_desktop as ld
from lineage_desktop.ui import style
from lineage_desktop.ui.panels.details import NodeDetails
from lineage_desktop.ui.scene import LineageScene, LineageView

HOSTILE = "<b>mallory</b><img src=x>"


def _store_with_a_tombstone(path):
    """data:v0 used by the run that logged model:v0, then deleted by ``HOSTILE``."""
    build_tombstone(path, HOSTILE)
    with ld.Api(store=path) as api:
        return api.lineage("model:v0")


def _view_graph(graph):
    levels = {"artifact:model:v0": 0}
    for key in graph.nodes:
        levels.setdefault(key, -1 if key.startswith("run:") else -2)
    for key, level in levels.items():
        graph.nodes[key]["level"] = level
    return graph


def test_deleted_card_is_muted_struck_and_marked(qtbot, tmp_path):
    graph = _view_graph(_store_with_a_tombstone(tmp_path / "s.db"))
    scene = LineageScene()
    scene.set_graph(graph, grid_layout(graph))
    view = LineageView(scene)
    qtbot.addWidget(view)
    card = scene.node_item("artifact:data:v0")
    assert card.spec.deleted and card.type_line_text == "deleted dataset"
    assert card.spec.aliases == ()
    markup = card.tooltip_markup()
    assert "Deleted " in markup and "&lt;b&gt;mallory&lt;/b&gt;" in markup
    assert "<img" not in markup and "<b>mallory" not in markup
    live = scene.node_item("artifact:model:v0")
    assert not live.spec.deleted
    # Painted: the deleted card's icon disc is the muted colour, the live one's blue.
    image = QImage(scene.sceneRect().size().toSize(), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    scene.render(painter, source=scene.sceneRect())
    painter.end()
    origin = scene.sceneRect().topLeft()

    def icon_colour(item) -> QColor:
        point = item.mapToScene(item.icon_center()) - origin
        return image.pixelColor(int(point.x()) - 12, int(point.y()))  # beside the glyph

    palette = style.palette_for(False)
    assert icon_colour(card).name() == palette.missing
    assert icon_colour(live).name() == palette.artifact
    assert style.struck_name_font().strikeOut()


def test_preview_says_deleted_when_and_by_whom_as_plain_text(qtbot, tmp_path):
    graph = _store_with_a_tombstone(tmp_path / "s.db")
    details = NodeDetails()
    qtbot.addWidget(details)
    details.show_node("artifact:data:v0", graph.nodes["artifact:data:v0"])
    assert details.subtitle.text() == "deleted dataset artifact version"
    shown = details.field_text("deleted")
    assert shown.endswith(f" by {HOSTILE}")
    assert details.fields["deleted"].textFormat().name == "PlainText"
    assert details.form.isRowVisible(details.fields["deleted"])
    details.show_node("artifact:model:v0", graph.nodes["artifact:model:v0"])
    assert details.field_text("deleted") == ""
    assert not details.form.isRowVisible(details.fields["deleted"])
