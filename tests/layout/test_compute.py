"""compute_layout with both engines: geometry, order, determinism, bad data."""
from __future__ import annotations

import pickle
import random
from dataclasses import replace

import pytest
from layout_checks import (
    assert_well_formed,
    border_distance,
    box,
    lineage_graphs,
    overlapping_boxes,
    request,
)

from lineage_desktop.layout import (
    LayoutRequest,
    choose_engine,
    compute_layout,
    count_crossings,
)

ENGINES = ("dot", "layered")
DIRECTIONS = ("LR", "TB")


def lineage_request(G, **kwargs) -> LayoutRequest:
    return lineage_graphs.layout_request(G, **kwargs)


def comparable(result):
    """Everything but the timing."""
    return replace(result, seconds=0.0)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_lineage_graph_is_well_formed_and_flows_one_way(lineage_300, engine, direction):
    req = lineage_request(lineage_300, engine=engine, direction=direction)
    result = compute_layout(req)
    assert result.engine == engine and result.direction == direction
    assert_well_formed(result, lineage_300.nodes, lineage_300.edges)
    axis = 0 if direction == "LR" else 1
    for s, t in lineage_300.edges:
        # Upstream strictly before downstream along the rank axis: left of it, or above.
        assert result.positions[s][axis] < result.positions[t][axis], (s, t)
    assert overlapping_boxes(result) == []
    for key, node in ((n.key, n) for n in req.nodes):
        assert result.sizes[key] == (node.width, node.height)


@pytest.mark.parametrize("engine", ENGINES)
def test_same_graph_in_any_order_gives_the_same_layout(lineage_300, engine):
    req = lineage_request(lineage_300, engine=engine)
    shuffled_nodes = list(req.nodes)
    shuffled_edges = list(req.edges)
    random.Random(7).shuffle(shuffled_nodes)
    random.Random(8).shuffle(shuffled_edges)
    other = replace(req, nodes=tuple(shuffled_nodes), edges=tuple(shuffled_edges), request_id=9)
    first, again, reordered = compute_layout(req), compute_layout(req), compute_layout(other)
    assert comparable(first) == comparable(again)
    assert first.positions == reordered.positions
    assert first.edges == reordered.edges
    assert reordered.request_id == 9


@pytest.mark.parametrize("engine", ENGINES)
def test_box_sizes_are_respected_and_boxes_do_not_overlap(engine):
    # A wide fan-out of boxes of different sizes: all in one rank.
    keys = [f"artifact:out-{i}:v0" for i in range(12)]
    nodes = [box("run:src", width=120, height=40)]
    nodes += [box(k, width=80 + 20 * i, height=30 + 5 * i) for i, k in enumerate(keys)]
    req = LayoutRequest(tuple(nodes), tuple(("run:src", k) for k in keys), engine=engine)
    result = compute_layout(req)
    assert overlapping_boxes(result) == []
    for node in nodes:
        assert result.sizes[node.key] == (node.width, node.height)
    # LR: the fan-out stacks vertically, so the drawing is at least as tall as the boxes.
    assert result.height >= sum(30 + 5 * i for i in range(12))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_edges_touch_their_boxes_in_both_directions(engine, direction):
    req = request("abcd", [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("a", "d")],
                  engine=engine, direction=direction)
    result = compute_layout(req)
    assert_well_formed(result, "abcd", req.edges)
    # The long edge a -> d ends where the arrow tip touches d, on d's upstream side.
    tip = result.edges[("a", "d")][-1]
    axis = 0 if direction == "LR" else 1
    d_centre, d_size = result.positions["d"], result.sizes["d"]
    assert tip[axis] == pytest.approx(d_centre[axis] - d_size[axis] / 2, abs=1.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_and_single_node(engine):
    empty = compute_layout(LayoutRequest((), (), engine=engine))
    assert (empty.positions, empty.edges, empty.width, empty.height) == ({}, {}, 0.0, 0.0)
    single = compute_layout(request(["run:x"], [], engine=engine))
    assert single.positions == {"run:x": (100.0, 28.0)}
    assert (single.width, single.height) == (200.0, 56.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_data_does_not_raise(engine):
    keys = ["a", "b", "c", "d"]
    edges = [
        ("a", "b"), ("b", "c"), ("c", "a"),  # a cycle
        ("d", "d"),  # a self loop
        ("a", "b"), ("a", "b"),  # duplicates
        ("a", "ghost"), ("ghost", "d"),  # unknown nodes
        ("c", "b"),  # a two-cycle with b -> c
    ]
    result = compute_layout(request(keys, edges, engine=engine))
    assert_well_formed(result, keys, edges)
    assert ("a", "ghost") not in result.edges
    assert len(result.edges) == 5
    assert overlapping_boxes(result) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_keys_with_quotes_backslashes_and_newlines(engine):
    keys = ['artifact:a"b:v0', "artifact:back\\slash\\:v1", "run:new\nline", "run:ünï cödé",
            'x\\"']
    edges = list(zip(keys, keys[1:]))
    result = compute_layout(request(keys, edges, engine=engine))
    assert_well_formed(result, keys, edges)


def test_layered_uses_given_ranks_as_columns():
    ranks = {"a": -2, "b": -1, "c": -1, "focus": 0, "d": 1, "e": 3}
    nodes = tuple(box(k, rank=r) for k, r in ranks.items())
    # d -> b points against the ranks; b -> c stays within one.
    edges = (("a", "b"), ("a", "c"), ("b", "focus"), ("c", "focus"), ("focus", "d"),
             ("d", "e"), ("d", "b"), ("b", "c"))
    result = compute_layout(LayoutRequest(nodes, edges, engine="layered"))
    assert_well_formed(result, ranks, edges)
    x = {k: p[0] for k, p in result.positions.items()}
    assert x["b"] == x["c"]
    assert x["a"] < x["b"] < x["focus"] < x["d"] < x["e"]  # gaps in ranks are closed
    assert x["e"] - x["d"] == pytest.approx(x["d"] - x["focus"])
    assert overlapping_boxes(result) == []
    # The edge against the ranks leaves d on its upstream side and reaches b downstream.
    back = result.edges[("d", "b")]
    assert back[0][0] == pytest.approx(x["d"] - 100) and back[-1][0] == pytest.approx(x["b"] + 100)


def test_layered_has_at_most_dot_crossings_times_1_4(lineage_300):
    dot_req = lineage_request(lineage_300, engine="dot")
    layered_req = lineage_request(lineage_300, engine="layered")
    dot_crossings = count_crossings(dot_req, compute_layout(dot_req))
    layered_crossings = count_crossings(layered_req, compute_layout(layered_req))
    assert dot_crossings > 0
    assert layered_crossings <= 1.4 * dot_crossings


def test_auto_picks_dot_for_small_and_layered_for_big_graphs():
    small = lineage_request(lineage_graphs.lineage_dag(200, seed=1))
    big = lineage_request(lineage_graphs.lineage_dag(8_000, seed=1))
    assert choose_engine(small) == "dot" and choose_engine(big) == "layered"
    assert compute_layout(small).engine == "dot"
    result = compute_layout(big)
    assert result.engine == "layered"
    assert len(result.positions) == 8_000
    assert result.seconds > 0


def test_layered_lays_out_10000_nodes_quickly():
    # The target is well under 0.5 s; the bound is loose because the machine is shared.
    G = lineage_graphs.lineage_dag(10_000, seed=0)
    result = compute_layout(lineage_request(G, engine="layered"))
    assert len(result.positions) == 10_000
    assert result.seconds < 2.0


def test_request_and_result_cross_a_process_boundary(lineage_300):
    req = lineage_request(lineage_300, engine="layered")
    result = compute_layout(req)
    assert pickle.loads(pickle.dumps(req)) == req
    assert pickle.loads(pickle.dumps(result)) == result


@pytest.mark.parametrize("field, value", [("direction", "RL"), ("engine", "neato")])
def test_unknown_direction_or_engine_is_refused(field, value):
    with pytest.raises(ValueError, match=value):
        compute_layout(replace(request("ab", [("a", "b")]), **{field: value}))


def test_gaps_change_the_spacing():
    req = request("abc", [("a", "b"), ("a", "c")], engine="layered")
    tight = compute_layout(replace(req, node_gap=0, rank_gap=10))
    loose = compute_layout(replace(req, node_gap=100, rank_gap=200))
    assert tight.positions["b"][0] - tight.positions["a"][0] == pytest.approx(210)
    assert loose.positions["b"][0] - loose.positions["a"][0] == pytest.approx(400)
    assert abs(loose.positions["b"][1] - loose.positions["c"][1]) == pytest.approx(156)
    dot = compute_layout(replace(req, engine="dot", rank_gap=200))
    assert dot.positions["b"][0] - dot.positions["a"][0] == pytest.approx(400, abs=1)


def test_self_loop_starts_and_ends_on_its_box():
    for engine in ENGINES:
        result = compute_layout(request(["a"], [("a", "a")], engine=engine))
        points = result.edges[("a", "a")]
        centre, size = result.positions["a"], result.sizes["a"]
        assert abs(border_distance(points[0], centre, size)) <= 1.0
        assert abs(border_distance(points[-1], centre, size)) <= 1.0
