"""LineageModel: depths, clusters, extraction, hiding and live updates."""
import networkx as nx
from lineage_builder import LineageBuilder, chain, fan_out

from lineage_desktop.graph import LineageModel

DATA = "artifact:data:v0"
CLEAN = "artifact:clean:v0"
RUNS = "cluster:1:run:train"
MODELS = "cluster:2:artifact:model"


def test_view_has_levels_focus_and_clusters():
    model = LineageModel(fan_out(12, 4))
    view = model.view()
    assert view.graph["focus"] == DATA
    assert {view.nodes[n]["level"] for n in view} == {0, 1, 2}
    assert view.nodes[RUNS]["count"] == 12
    assert model.cluster_of("run:t03") == RUNS
    assert model.cluster_of("run:e0") is None
    assert model.problems == []
    assert model.view() is view  # cached until the state changes


def test_depths_and_threshold_settings():
    model = LineageModel(chain())
    assert set(model.view()) == {"artifact:raw:v0", "run:prep", CLEAN, "run:train",
                                 "artifact:model:v0", "run:eval", "artifact:report:v0"}
    model.set_depths(0, 1)
    assert set(model.view()) == {CLEAN, "run:train"}
    assert model.depths == (0, 1)
    fan = LineageModel(fan_out(12, 4), cluster_threshold=None)
    assert len(fan.view()) == 29
    fan.set_cluster_threshold(3)
    assert "cluster:1:run:evaluate" in fan.view()
    fan.set_depths(None, 1)
    assert set(fan.view()) == {DATA, RUNS, "cluster:1:run:evaluate"}


def test_extracting_a_member_keeps_its_own_lineage():
    model = LineageModel(fan_out(12, 0))
    assert model.extract("run:t03")
    view = model.view()
    assert view.nodes[RUNS]["count"] == 11 and "run:t03" not in view.nodes[RUNS]["members"]
    assert view.nodes[RUNS]["label"] == "11 train runs"
    assert view.nodes["run:t03"]["level"] == 1 and view.nodes["run:t03"]["kind"] == "run"
    assert (DATA, "run:t03") in view.edges
    # its lineage continues from it: its own model is pulled out of the model cluster
    assert ("run:t03", "artifact:m-03:v0") in view.edges
    assert ("run:t03", MODELS) not in view.edges and view.nodes[MODELS]["count"] == 11
    assert model.cluster_of("run:t03") is None
    assert model.extracted == ["run:t03"]
    # re-clustering (a new threshold) keeps it out
    model.set_cluster_threshold(2)
    assert "run:t03" in model.view()
    assert model.unextract("run:t03")
    assert model.cluster_of("run:t03") == RUNS
    assert not model.extract("run:nope")


def test_a_cluster_below_threshold_dissolves():
    model = LineageModel(fan_out(5, 0))
    assert RUNS in model.view()
    model.extract("run:t00")
    view = model.view()
    assert RUNS not in view
    assert {f"run:t{i:02d}" for i in range(5)} <= set(view)
    # t00's model goes with it: the four others fall below the threshold too
    assert MODELS not in view and ("run:t00", "artifact:m-00:v0") in view.edges


def test_hiding_removes_node_and_dangling_edges_and_unhiding_restores():
    model = LineageModel(chain())
    assert model.hide("run:train")
    view = model.view()
    assert "run:train" not in view
    assert not any("run:train" in edge for edge in view.edges)
    assert view.nodes["artifact:model:v0"]["level"] == 2  # levels do not shift
    assert model.hidden == [("run:train", "train")]
    assert not model.hide("run:train")  # already hidden
    assert model.unhide("run:train")
    assert set(model.view().edges) >= {(CLEAN, "run:train"), ("run:train", "artifact:model:v0")}
    assert model.hidden == [] and not model.unhide("run:train")


def test_hidden_list_keeps_order_and_unhide_all():
    model = LineageModel(chain())
    model.hide("run:eval")
    model.hide("artifact:raw:v0")
    assert [k for k, _ in model.hidden] == ["run:eval", "artifact:raw:v0"]
    model.unhide_all()
    assert model.hidden == [] and "run:eval" in model.view()


def test_the_focus_cannot_be_hidden():
    model = LineageModel(chain())
    assert not model.hide(CLEAN)
    assert CLEAN in model.view()


def test_hiding_a_cluster_hides_all_its_members():
    model = LineageModel(fan_out(12, 4))
    assert model.hide(RUNS)
    view = model.view()
    assert RUNS not in view and len(model.hidden) == 12
    assert not any(n.startswith("run:t") for n in view)
    assert MODELS in view and view.in_degree(MODELS) == 0
    model.unhide_all()
    assert RUNS in model.view()


def test_hidden_members_are_removed_before_clustering():
    model = LineageModel(fan_out(5, 0))
    model.hide("run:t00")
    assert RUNS not in model.view()  # four left: below the threshold


def test_update_raw_keeps_state_where_keys_still_exist():
    model = LineageModel(fan_out(12, 4))
    model.hide("run:e0")
    model.hide("run:e3")
    model.extract("run:t01")
    b_graph = fan_out(13, 3)  # a new train run appeared; e3 is gone
    model.update_raw(b_graph)
    view = model.view()
    assert view.nodes[RUNS]["count"] == 12  # 13 minus the extracted one
    assert model.hidden == [("run:e0", "e0")]
    assert model.extracted == ["run:t01"]
    assert "run:e0" not in view and "run:e1" in view


def test_node_attributes_for_previews():
    model = LineageModel(fan_out(12, 0))
    assert model.node(RUNS)["count"] == 12
    assert model.node("run:t05")["name"] == "t05"  # a member: read from the raw graph
    assert model.node("run:nope") == {}


def test_model_never_modifies_the_raw_graph():
    raw = fan_out(12, 4)
    before = nx.node_link_data(raw, edges="links")
    model = LineageModel(raw)
    model.hide("run:e0")
    model.extract("run:t00")
    model.view()
    assert nx.node_link_data(raw, edges="links") == before


def test_explicit_focus_and_run_focus():
    b = LineageBuilder()
    d = b.artifact("d")
    r = b.job("r", "train", [d], [b.artifact("m", type="model")])
    model = LineageModel(b.graph, focus=r)  # graph has no focus attribute
    assert model.view().graph["focus"] == r
    assert model.levels == {d: -1, r: 0, "artifact:m:v0": 1}
