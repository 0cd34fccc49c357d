"""Audit helpers: paths between two nodes and impact lists."""
import pytest
from lineage_builder import LineageBuilder, chain, fan_out

from lineage_desktop.graph import impact, paths_between
from lineage_desktop.records import NotFound


def _diamond():
    """a -> r1 -> b1 -> r3 -> c and a -> r2 -> b2 -> r3, plus a side branch a -> r4 -> x."""
    bld = LineageBuilder()
    a, b1, b2, c, x = (bld.artifact(n) for n in ("a", "b1", "b2", "c", "x"))
    bld.job("r1", "x", [a], [b1])
    bld.job("r2", "x", [a], [b2])
    bld.job("r3", "x", [b1, b2], [c])
    bld.job("r4", "x", [a], [x])
    return bld.build(a)


def test_paths_between_is_the_union_of_all_paths_either_way():
    g = _diamond()
    expected = {"artifact:a:v0", "run:r1", "run:r2", "artifact:b1:v0", "artifact:b2:v0",
                "run:r3", "artifact:c:v0"}
    for a, b in (("artifact:a:v0", "artifact:c:v0"), ("artifact:c:v0", "artifact:a:v0")):
        sub = paths_between(g, a, b)
        assert set(sub) == expected
        assert sub.number_of_edges() == 7
        assert sub.nodes["run:r1"]["type"] == "x"


def test_paths_between_unrelated_nodes_is_empty_and_a_node_with_itself_is_itself():
    g = _diamond()
    assert len(paths_between(g, "artifact:x:v0", "artifact:c:v0")) == 0
    assert set(paths_between(g, "run:r1", "run:r1")) == {"run:r1"}
    with pytest.raises(NotFound):
        paths_between(g, "artifact:a:v0", "artifact:nope:v0")


def test_impact_of_a_chain_and_a_fan_out():
    assert impact(chain(), "artifact:clean:v0") == [
        "run:train", "artifact:model:v0", "run:eval", "artifact:report:v0"]
    assert impact(chain(), "artifact:report:v0") == []
    fan = impact(fan_out(3, 2), "artifact:data:v0")
    assert fan == ["run:e0", "run:e1", "run:t00", "run:t01", "run:t02",
                   "artifact:m-00:v0", "artifact:m-01:v0", "artifact:m-02:v0"]
    assert impact(fan_out(3, 2), "artifact:data:v0", kind="artifact") == fan[5:]


def test_impact_of_the_diamond_lists_shared_descendants_once():
    assert impact(_diamond(), "artifact:a:v0") == [
        "run:r1", "run:r2", "run:r4", "artifact:b1:v0", "artifact:b2:v0", "artifact:x:v0",
        "run:r3", "artifact:c:v0"]


def test_impact_terminates_on_cycles():
    g = chain()
    g.add_edge("artifact:report:v0", "run:prep")
    assert "artifact:clean:v0" not in impact(g, "artifact:clean:v0")
    assert "artifact:raw:v0" not in impact(g, "artifact:clean:v0")
    assert "run:prep" in impact(g, "artifact:clean:v0")
