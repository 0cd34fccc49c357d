"""Levels and depth restriction on hand-built lineages with known answers."""
import networkx as nx
import pytest
from lineage_builder import LineageBuilder, chain

from lineage_desktop.graph import compute_levels, restrict_depth, unlevelled
from lineage_desktop.records import NotFound

CLEAN = "artifact:clean:v0"


def test_levels_of_a_chain_are_signed_distances():
    levels = compute_levels(restrict_depth(chain(), CLEAN), CLEAN)
    assert levels == {
        "artifact:raw:v0": -2, "run:prep": -1, CLEAN: 0, "run:train": 1,
        "artifact:model:v0": 2, "run:eval": 3, "artifact:report:v0": 4,
    }


def test_siblings_and_cousins_are_placed_next_to_their_nearest_neighbour():
    levels = compute_levels(chain(), CLEAN)
    # stats:v0 is logged by prep (-1): one level right of it; plot and fig follow it
    assert levels["artifact:stats:v0"] == 0
    assert levels["run:plot"] == 1
    assert levels["artifact:fig:v0"] == 2


def test_disconnected_nodes_get_no_level():
    g = chain()
    g.add_node("run:lonely", kind="run", label="lonely", type="x")
    levels = compute_levels(g, CLEAN)
    assert "run:lonely" not in levels
    assert unlevelled(g, levels) == ["run:lonely"]


def test_shortest_distance_wins_when_two_paths_reach_a_node():
    b = LineageBuilder()
    a, c = b.artifact("a"), b.artifact("c")
    r1 = b.job("r1", "x", [a], [b.artifact("b")])
    r2 = b.job("r2", "x", ["artifact:b:v0"], [c])
    b.used(a, r2)  # a feeds r2 directly too
    levels = compute_levels(b.build(a), a)
    assert levels[r1] == 1 and levels[r2] == 1 and levels[c] == 2


def test_cycle_picks_smaller_distance_and_upstream_on_ties():
    b = LineageBuilder()
    a = b.artifact("a")
    r = b.job("r", "x", [a], [a])  # a -> r -> a
    levels = compute_levels(b.build(a), a)
    assert levels == {a: 0, r: -1}  # 1 both ways: the tie goes upstream
    b2 = LineageBuilder()
    x, y = b2.artifact("x"), b2.artifact("y")
    r1 = b2.job("r1", "x", [x], [y])
    r2 = b2.job("r2", "x", [y])
    r3 = b2.job("r3", "x", [], [x])
    b2.graph.add_edge(r2, r3)  # damaged: run -> run, closing x -> r1 -> y -> r2 -> r3 -> x
    levels = compute_levels(b2.build(x), x)
    assert levels[r1] == 1 and levels[y] == 2  # nearer downstream
    assert levels[r3] == -1 and levels[r2] == -2  # nearer upstream


@pytest.mark.parametrize(
    "upstream, downstream, expected",
    [
        (None, None, {"artifact:raw:v0", "run:prep", CLEAN, "run:train", "artifact:model:v0",
                      "run:eval", "artifact:report:v0"}),
        (0, 0, {CLEAN}),
        (1, 0, {"run:prep", CLEAN}),
        (2, 0, {"artifact:raw:v0", "run:prep", CLEAN}),
        (0, 1, {CLEAN, "run:train"}),
        (0, 2, {CLEAN, "run:train", "artifact:model:v0"}),
        (1, 2, {"run:prep", CLEAN, "run:train", "artifact:model:v0"}),
        (None, 0, {"artifact:raw:v0", "run:prep", CLEAN}),
        (0, None, {CLEAN, "run:train", "artifact:model:v0", "run:eval", "artifact:report:v0"}),
    ],
)
def test_restrict_depth_counts_edges_and_drops_siblings(upstream, downstream, expected):
    sub = restrict_depth(chain(), CLEAN, upstream, downstream)
    assert set(sub) == expected
    assert "artifact:stats:v0" not in sub and "run:plot" not in sub
    assert sub.graph["focus"] == CLEAN


def test_restrict_depth_keeps_edges_and_copies_attributes():
    g = chain()
    sub = restrict_depth(g, CLEAN, 1, 1)
    assert set(sub.edges) == {("run:prep", CLEAN), (CLEAN, "run:train")}
    sub.nodes[CLEAN]["label"] = "changed"
    assert g.nodes[CLEAN]["label"] == "clean:v0"


def test_restrict_depth_on_a_run_focus():
    sub = restrict_depth(chain(), "run:train", 1, 1)
    assert set(sub) == {CLEAN, "run:train", "artifact:model:v0"}


def test_restrict_depth_terminates_on_cycles():
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    assert set(restrict_depth(g, "a", None, None)) == {"a", "b", "c"}
    assert set(restrict_depth(g, "a", 1, 1)) == {"a", "b", "c"}


def test_unknown_focus_is_a_lookup_error():
    with pytest.raises(NotFound):
        compute_levels(chain(), "artifact:nope:v0")
    with pytest.raises(LookupError):
        restrict_depth(chain(), "artifact:nope:v0")
