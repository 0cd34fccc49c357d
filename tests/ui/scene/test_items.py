"""Cards, clusters and edges carry their keys and texts, as plain text, at the right size."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from scene_graphs import grid_layout, small_graph

from lineage_desktop.ui import style
from lineage_desktop.ui.scene import (
    ClusterItem,
    EdgeItem,
    LineageScene,
    NodeItem,
    build_layout_request,
    card_spec,
)


def test_every_card_carries_its_graph_key_and_label(small):
    scene, graph = small.scene, small.graph
    cards = scene.node_items()
    assert sorted(c.data(0) for c in cards) == sorted(graph.nodes)
    run = scene.node_item("run:pre1")
    assert isinstance(run, NodeItem)
    assert run.label_text == "preprocess-7"
    assert run.type_line_text == "preprocess"
    model = scene.node_item("artifact:churn-model:v3")
    assert (model.type_line_text, model.label_text) == ("model", "churn-model:v3")
    assert model.pos() == QPointF(*small.layout.positions["artifact:churn-model:v3"])


def test_cluster_card_shows_kind_type_and_count(small):
    cluster = small.scene.node_item("cluster:1:run:score")
    assert isinstance(cluster, ClusterItem)
    assert cluster.data(0) == "cluster:1:run:score"
    assert cluster.label_text == "12 runs"
    assert cluster.type_line_text == "score runs"
    assert cluster.spec.count == 12


def test_edges_carry_source_arrow_target_and_nothing_else_uses_data0(small):
    scene, graph = small.scene, small.graph
    edges = scene.edge_items()
    assert sorted(e.data(0) for e in edges) == sorted(f"{s}->{t}" for s, t in graph.edges)
    keyed = [i.data(0) for i in scene.items() if i.data(0) is not None]
    assert len(keyed) == graph.number_of_nodes() + graph.number_of_edges()


def test_html_in_labels_is_plain_text(small):
    card = small.scene.node_item("run:train1")
    assert card.label_text == "train-<b>42</b>"  # drawn literally, tags and all
    markup = card.tooltip_markup()
    assert "train-&lt;b&gt;42&lt;/b&gt;" in markup
    assert "<b>" not in markup
    # The card is as wide as the literal text needs (markup would be narrower).
    f = style.fonts()
    literal = style.TEXT_LEFT + f.name_metrics.horizontalAdvance("train-<b>42</b>")
    assert card.size[0] >= min(literal, style.NODE_MAX_WIDTH)


def test_long_names_are_elided_keeping_the_version_and_tooltip_has_all(small):
    card = small.scene.node_item("artifact:report:v0")
    full = "a-very-long-report-artifact-name-that-needs-eliding:v0"
    assert card.size[0] == style.NODE_MAX_WIDTH
    assert card.label_text != full and "…" in card.label_text
    assert card.label_text.endswith(":v0")
    assert full in card.tooltip_markup()


def test_card_spec_of_runs_artifacts_missing_and_clusters():
    failed = card_spec(
        "run:a", {"kind": "run", "label": "x", "job_type": "train", "state": "crashed"}
    )
    assert failed.failed and not failed.running and failed.type_text == "train"
    running = card_spec("run:b", {"kind": "run", "label": "y", "type": None, "state": "running"})
    assert running.running and running.type_text == "run"
    missing = card_spec("run:gone", {"kind": "run", "label": "gone", "missing": True})
    assert missing.missing and missing.type_text == "missing run" and not missing.running
    art = card_spec(
        "artifact:d:v1",
        {"kind": "artifact", "label": "d:v1", "type": "dataset", "aliases": ["latest"]},
    )
    assert (art.kind, art.member_kind, art.aliases) == ("artifact", "artifact", ("latest",))
    bare = card_spec("artifact:e:v0", {})
    assert bare.kind == "artifact" and bare.label == "artifact:e:v0"
    cluster = card_spec(
        "cluster:2:artifact:model:m",
        {
            "kind": "cluster",
            "member_kind": "artifact",
            "type": "model",
            "label": "7 versions of m",
            "members": ["a"] * 7,
        },
    )
    assert (cluster.member_kind, cluster.count, cluster.type_text) == (
        "artifact",
        7,
        "model artifacts",
    )


def test_node_size_follows_font_metrics(qapp):
    short = style.node_size("run", "a", "train")
    assert short == (style.NODE_WIDTH, style.NODE_HEIGHT)
    wide = style.node_size("run", "longer-run-name-0123", "train")
    assert style.NODE_WIDTH < wide[0] <= style.NODE_MAX_WIDTH
    f = style.fonts()
    expected = style.TEXT_LEFT + f.name_metrics.horizontalAdvance("longer-run-name-0123")
    assert wide[0] >= expected + style.TEXT_RIGHT_PAD
    assert style.node_size("run", "x" * 300, "t")[0] == style.NODE_MAX_WIDTH
    with_alias = style.node_size("artifact", "d:v1", "dataset", aliases=["latest"])
    assert with_alias[1] == style.NODE_HEIGHT + style.ALIAS_ROW_HEIGHT
    cluster = style.node_size("cluster", "12 runs", "train runs", count=12)
    assert cluster[1] == style.NODE_HEIGHT + 2 * style.STACK_OFFSET


def test_layout_request_uses_card_sizes_and_levels(qapp):
    graph = small_graph()
    request = build_layout_request(graph, direction="TB", request_id=7)
    assert request.request_id == 7 and request.direction == "TB"
    nodes = {n.key: n for n in request.nodes}
    assert set(nodes) == set(graph.nodes)
    assert nodes["artifact:churn-model:v3"].rank == 0
    assert nodes["run:pre1"].rank == -3
    assert (nodes["run:pre1"].width, nodes["run:pre1"].height) == style.node_size(
        "run", "preprocess-7", "preprocess"
    )
    assert set(request.edges) == set(graph.edges)


def test_marks_focus_highlight_compromised(small):
    scene = small.scene
    assert scene.focus_key() == "artifact:churn-model:v3"
    assert scene.node_item("artifact:churn-model:v3").focused
    scene.set_focus_key("run:pre1")
    assert scene.node_item("run:pre1").focused
    assert not scene.node_item("artifact:churn-model:v3").focused
    scene.highlight(["run:eval1", "nope"])
    assert scene.node_item("run:eval1").highlighted
    scene.highlight([])
    assert not scene.node_item("run:eval1").highlighted
    scene.set_compromised(["artifact:raw-data:v0"])
    assert scene.node_item("artifact:raw-data:v0").compromised


def test_rebuild_keeps_dragged_positions_and_marks(qtbot):
    graph, scene = small_graph(), LineageScene()
    layout = grid_layout(graph)
    scene.set_compromised(["artifact:raw-data:v0"])
    scene.set_graph(graph, layout)
    scene.set_compromised(["artifact:raw-data:v0"])
    graph.remove_node("artifact:report:v0")
    keep = {"run:pre1": (5.0, 700.0), "artifact:report:v0": (1.0, 1.0)}
    scene.set_graph(graph, layout, keep_positions=keep)
    card = scene.node_item("run:pre1")
    assert card.pos() == QPointF(5.0, 700.0)
    assert scene.node_item("artifact:report:v0") is None
    assert scene.positions(moved_only=True) == {"run:pre1": (5.0, 700.0)}
    assert scene.positions()["run:eval1"] == layout.positions["run:eval1"]
    assert scene.node_item("artifact:raw-data:v0").compromised
    # The edge into the moved card now ends at that card.
    edge = next(e for e in card.edges() if e.target is card)
    tip = edge.control_points()[-1]
    assert abs(tip.y() - 700.0) < card.size[1]


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_edges_without_layout_points_get_a_curve_between_the_boxes(qtbot, direction):
    graph = small_graph()
    layout = grid_layout(graph, direction)
    layout.edges.clear()
    scene = LineageScene()
    scene.set_graph(graph, layout)
    for edge in scene.edge_items():
        assert isinstance(edge, EdgeItem)
        start, end = edge.control_points()[0], edge.control_points()[-1]
        src, dst = edge.source.sceneBoundingRect(), edge.target.sceneBoundingRect()
        assert src.contains(start) and dst.contains(end)


def test_control_characters_do_not_break_labels():
    spec = card_spec("run:x", {"kind": "run", "label": "two\nlines\tand tab", "job_type": "a\nb"})
    assert spec.label == "two lines and tab" and spec.type_text == "a b"


def test_self_loop_is_drawn_as_a_loop_above_the_card(qtbot):
    import networkx as nx

    graph = nx.DiGraph(focus="run:a")
    graph.add_node("run:a", kind="run", label="a", level=0)
    graph.add_edge("run:a", "run:a")
    scene = LineageScene()
    scene.set_graph(graph, grid_layout(graph))
    (edge,) = scene.edge_items()
    card = scene.node_item("run:a")
    assert edge.boundingRect().top() < card.sceneBoundingRect().top()


def test_dimming_fades_cards_and_their_edges_and_survives_a_rebuild(small):
    scene = small.scene
    scene.set_dimmed({"run:pre1", "unknown"})
    assert scene.dimmed_keys() == {"run:pre1"}
    card = scene.node_item("run:pre1")
    assert card.dimmed and card.opacity() == style.DIM_OPACITY
    for edge in scene.edge_items():
        touches = "run:pre1" in (edge.source.key, edge.target.key)
        assert edge.dimmed == touches
        assert edge.opacity() == (style.DIM_OPACITY if touches else 1.0)
    scene.set_graph(small.graph, small.layout)
    assert scene.node_item("run:pre1").dimmed
    scene.set_batched(True)  # the overview draws the faded ones apart
    scene.set_dimmed(())
    assert all(c.opacity() == 1.0 for c in scene.node_items())
    assert not any(e.dimmed for e in scene.edge_items())
