"""``scene.subset.drawing_only``: an image of some cards and the edges between them, also
in a big graph whose edges are drawn in batches; the scene is left as it was."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from big_graphs import column_layout, wide_graph
from test_sliced_build import shown_scene, wait_built

from lineage_desktop.ui.export.image import image_size, render_scene
from lineage_desktop.ui.scene.subset import drawing_only, subset_items, subset_rect

RUNS = 1000  # 2,001 cards: built in slices, edges in batches

HUB, RUN, OUT = "artifact:hub:v0", "run:r0000003", "artifact:out:v3"


def test_a_selection_of_a_batched_graph_draws_just_those_cards_and_edges(qtbot, tmp_path):
    scene, view = shown_scene(qtbot)
    graph = wide_graph(RUNS)
    scene.set_graph(graph, column_layout(graph))
    wait_built(qtbot, scene)
    opacities = {card.key: card.opacity() for card in scene.node_items()}

    cards, edges = subset_items(scene, [HUB, RUN, OUT, "run:unknown"])
    assert [c.key for c in cards] == [HUB, RUN, OUT]
    assert {(e.source.key, e.target.key) for e in edges} == {(HUB, RUN), (RUN, OUT)}

    rect = subset_rect(scene, [HUB, RUN, OUT])
    with drawing_only(scene, [HUB, RUN, OUT]) as area:
        assert area == rect
        path = render_scene(scene, tmp_path / "part.svg", "svg", scale=1.0, area=area)
    text = path.read_text(encoding="utf-8")
    assert "hub:v0" in text and "train-3" in text and "out:v3" in text
    # train-1 and out:v1 lie inside the cropped rectangle: left out all the same.
    for absent in ("train-1", "out:v1", "train-2", "out:v0", "train-4", "train-999"):
        assert absent not in text
    root = ET.parse(path).getroot()
    width, height = image_size(rect, 1.0, 24.0)
    assert root.get("viewBox").split()[2:] == [str(width), str(height)]
    # Everything is drawn again afterwards, with the opacity it had.
    assert {card.key: card.opacity() for card in scene.node_items()} == opacities
    whole = render_scene(scene, tmp_path / "whole.svg", "svg", scale=1.0)
    assert "train-999" in whole.read_text(encoding="utf-8")


def test_keys_not_on_screen_give_a_null_rectangle(qtbot):
    scene, _ = shown_scene(qtbot)
    graph = wide_graph(3)
    scene.set_graph(graph, column_layout(graph))
    with drawing_only(scene, ["run:nowhere"]) as area:
        assert area.isNull()
