"""The engine "auto" picks: by the predicted work of dot (cost model), not node count."""
from __future__ import annotations

import math

import numpy as np
from layout_checks import lineage_graphs, request

from lineage_desktop.layout import DOT_REFINE_LIMIT, choose_engine, plan_engine
from lineage_desktop.layout.cost import (
    SCREEN_EDGES,
    dot_features,
    predict_dot_seconds,
    quick_ranks,
)
from lineage_desktop.layout.prepared import prepare
from lineage_desktop.layout.ranking import ranks_for


def test_a_wide_edge_heavy_graph_with_few_nodes_goes_to_layered():
    wide = lineage_graphs.view_request(lineage_graphs.wide_graph(250, 11_000, seed=1))
    normal = lineage_graphs.view_request(lineage_graphs.lineage_dag(1_000, seed=1))
    assert len(wide.nodes) < len(normal.nodes) and len(wide.edges) < SCREEN_EDGES
    wide_plan, normal_plan = plan_engine(wide), plan_engine(normal)
    assert wide_plan.engine == "layered" and not wide_plan.budgeted
    assert wide_plan.dot_seconds > DOT_REFINE_LIMIT  # decided by the model, not a screen
    assert normal_plan.engine == "dot" and normal_plan.budgeted
    assert normal_plan.dot_seconds < wide_plan.dot_seconds


def test_a_small_normal_graph_goes_to_dot_under_the_budget():
    small = request("abcd", [("a", "b"), ("b", "c"), ("a", "d")])
    plan = plan_engine(small)
    assert plan.engine == "dot" and plan.budgeted and plan.dot_seconds < 0.1
    assert choose_engine(small) == "dot"


def test_an_explicit_engine_is_kept_without_a_budget():
    wide = lineage_graphs.view_request(lineage_graphs.wide_graph(250, 11_000, seed=1),
                                       engine="dot")
    plan = plan_engine(wide)
    assert plan.engine == "dot" and not plan.budgeted and math.isnan(plan.dot_seconds)
    assert plan_engine(request("ab", [("a", "b")], engine="layered")).engine == "layered"


def test_predicted_time_grows_with_edges_and_long_edges_not_nodes():
    few_edges = dot_features(prepare(lineage_graphs.view_request(
        lineage_graphs.clustered_view(1_000, 1_500, seed=2))))
    many_edges = dot_features(prepare(lineage_graphs.view_request(
        lineage_graphs.clustered_view(1_000, 3_000, seed=2))))
    long_edges = dot_features(prepare(lineage_graphs.view_request(
        lineage_graphs.slow_clustered_view(1_000, 3_000, seed=2))))
    assert few_edges.nodes == many_edges.nodes == long_edges.nodes
    assert long_edges.dummies > many_edges.dummies
    times = [predict_dot_seconds(f) for f in (few_edges, many_edges, long_edges)]
    assert times == sorted(times) and times[0] < times[2]


def test_quick_ranks_are_a_layering_and_survive_cycles():
    G = lineage_graphs.lineage_dag(500, seed=3)
    prep = prepare(lineage_graphs.layout_request(G))
    pairs = np.array(prep.edges)
    src, dst = pairs[:, 0], pairs[:, 1]
    rank = quick_ranks(prep.n, src, dst)
    assert (rank[dst] > rank[src]).all() and rank.min() == 0
    # Not far from the ranks the layered engine computes (shortened longest path).
    span = (rank[dst] - rank[src]).sum()
    reference = ranks_for(prep.n, src, dst, None)
    assert span <= 2 * (reference[dst] - reference[src]).sum()

    cyclic = prepare(request("abc", [("a", "b"), ("b", "c"), ("c", "a")]))
    pairs = np.array(cyclic.edges)
    assert len(set(quick_ranks(3, pairs[:, 0], pairs[:, 1]).tolist())) == 3
    assert dot_features(cyclic).edges == 3
