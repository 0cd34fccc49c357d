"""Hidden marks in the layout and the scene: the hidden card's place is kept, the pill
and its dashed stubs are drawn there and follow dragged cards."""

from __future__ import annotations

import networkx as nx
import pytest
from PySide6.QtCore import QPointF

from lineage_desktop.graph import LineageModel
from lineage_desktop.layout.compute import compute_layout
from lineage_desktop.ui.scene import LineageScene, build_layout_request
from lineage_desktop.ui.scene.cards import card_spec, spec_size
from lineage_desktop.ui.scene.hidden_marks import with_marks


def _chain() -> nx.DiGraph:
    """data:v0 (focus) -> train -> model:v0 -> evaluate -> report:v0, and data -> stats."""
    raw = nx.DiGraph(focus="artifact:data:v0")
    for key, kind, label in [
        ("artifact:data:v0", "artifact", "data:v0"),
        ("run:train", "run", "a-long-training-run-name"),
        ("artifact:model:v0", "artifact", "model:v0"),
        ("run:eval", "run", "eval"),
        ("artifact:report:v0", "artifact", "report:v0"),
        ("run:stats", "run", "stats"),
    ]:
        raw.add_node(key, kind=kind, label=label, type="train" if kind == "run" else "dataset")
    nx.add_path(raw, ["artifact:data:v0", "run:train", "artifact:model:v0", "run:eval",
                      "artifact:report:v0"])
    raw.add_edge("artifact:data:v0", "run:stats")
    return raw


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_a_hidden_run_keeps_its_place_in_the_layout(qapp, direction):
    model = LineageModel(_chain())
    full = compute_layout(build_layout_request(model.view(), direction))
    model.hide("run:train")
    view, [mark] = model.view(), model.hidden_marks
    request = with_marks(build_layout_request(view, direction), [mark], model.raw)
    box = next(n for n in request.nodes if n.key == mark.key)
    size = spec_size(card_spec("run:train", model.raw.nodes["run:train"]))
    assert (box.width, box.height) == size and box.rank == 1
    assert ("artifact:data:v0", mark.key) in request.edges
    assert (mark.key, "artifact:model:v0") in request.edges
    hidden = compute_layout(request)
    axis = 0 if direction == "LR" else 1
    for key in view:
        assert hidden.positions[key][axis] == pytest.approx(full.positions[key][axis])
    assert hidden.positions[mark.key][axis] == pytest.approx(full.positions["run:train"][axis])
    assert with_marks(request, [], model.raw) is request


def test_the_mark_and_its_stubs_follow_a_dragged_card(qapp):
    model = LineageModel(_chain())
    model.hide("run:train")
    model.hide("artifact:model:v0")
    view, marks = model.view(), model.hidden_marks
    layout = compute_layout(with_marks(build_layout_request(view), marks, model.raw))
    scene = LineageScene()
    scene.set_graph(view, layout)
    scene.set_hidden_marks(marks, layout)
    items = {m.key: m for m in scene.hidden_mark_items()}
    assert [items[m.key].text for m in marks] == ["1 hidden", "1 hidden"]
    pairs = {(s.ends[0].key, s.ends[1].key) for s in scene.stub_items()}
    first, second = (m.key for m in marks)
    assert pairs == {("artifact:data:v0", first), (first, second), (second, "run:eval")}
    assert scene.content_rect().contains(scene.hidden_mark_items()[0].sceneBoundingRect())
    stub = next(s for s in scene.stub_items() if s.ends[1].key == "run:eval")
    before = stub.boundingRect()
    card = scene.node_item("run:eval")
    card.setPos(card.pos() + QPointF(0, 200))
    assert stub.boundingRect().bottom() > before.bottom() + 150
    # an impact or path view fades what touches faded cards only
    scene.set_dimmed(["run:eval", "artifact:report:v0"])
    assert stub.opacity() < 1.0
    assert all(s.opacity() == 1.0 for s in scene.stub_items() if s is not stub)
    assert all(m.opacity() == 1.0 for m in scene.hidden_mark_items())
    scene.set_dimmed(["run:eval", "artifact:data:v0"])
    assert all(s.opacity() < 1.0 for s in scene.stub_items() if "run:eval" in
               (s.source.key, s.target.key) or "artifact:data:v0" in (s.source.key, s.target.key))
    # a new graph takes the marks away
    scene.set_graph(view, layout)
    assert scene.hidden_mark_items() == [] and scene.stub_items() == []
