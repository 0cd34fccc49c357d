"""The W&B cluster rule on hand-built lineages: which nodes collapse at which threshold."""
import networkx as nx
from lineage_builder import LineageBuilder, fan_out

from lineage_desktop.graph import cluster_graph, compute_levels, natural_key

DATA = "artifact:data:v0"


def _view(g, threshold=5, keep=()):
    return cluster_graph(g, compute_levels(g, g.graph["focus"]), threshold, keep)


def test_twelve_train_runs_and_their_models_collapse_at_five():
    view, plan = _view(fan_out(12, 4))
    assert set(plan.members) == {"cluster:1:run:train", "cluster:2:artifact:model"}
    runs = view.nodes["cluster:1:run:train"]
    assert runs["kind"] == "cluster" and runs["member_kind"] == "run"
    assert runs["type"] == "train" and runs["count"] == 12 and runs["level"] == 1
    assert runs["label"] == "12 train runs"
    assert runs["members"] == [f"run:t{i:02d}" for i in range(12)]
    models = view.nodes["cluster:2:artifact:model"]
    assert models["label"] == "12 model artifacts" and models["member_kind"] == "artifact"
    # the 4 evaluate runs stay single nodes
    assert {f"run:e{i}" for i in range(4)} <= set(view)
    assert set(view) == {DATA, "cluster:1:run:train", "cluster:2:artifact:model"} | {
        f"run:e{i}" for i in range(4)}
    # edges redirected and deduplicated
    assert set(view.edges) == {(DATA, "cluster:1:run:train"),
                               ("cluster:1:run:train", "cluster:2:artifact:model")} | {
        (DATA, f"run:e{i}") for i in range(4)}
    assert all(view.nodes[n]["level"] is not None for n in view)
    assert view.graph["focus"] == DATA


def test_threshold_three_also_collapses_four_eval_runs():
    view, plan = _view(fan_out(12, 4), threshold=3)
    assert set(plan.members) == {"cluster:1:run:train", "cluster:1:run:evaluate",
                                 "cluster:2:artifact:model"}
    assert view.nodes["cluster:1:run:evaluate"]["label"] == "4 evaluate runs"


def test_four_members_do_not_collapse_at_five_but_five_do():
    _, plan = _view(fan_out(4, 0))
    assert plan.members == {}
    _, plan = _view(fan_out(5, 0))
    assert set(plan.members) == {"cluster:1:run:train", "cluster:2:artifact:model"}


def test_threshold_zero_or_none_disables_clustering():
    for threshold in (0, None):
        view, plan = _view(fan_out(12, 4), threshold=threshold)
        assert plan.members == {} and len(view) == 1 + 12 + 12 + 4


def test_runs_without_job_type_cluster_as_runs():
    b = LineageBuilder()
    d = b.artifact("d")
    for i in range(5):
        b.job(f"r{i}", None, [d])
    view, _ = _view(b.build(d))
    assert view.nodes["cluster:1:run:run"]["label"] == "5 runs"


def _sweep(versions: int, others: int) -> nx.DiGraph:
    """One sweep run logs ``versions`` versions of churn-model and ``others`` other
    models (all type model), every output at level 2 of the focus data:v0."""
    b = LineageBuilder()
    d = b.artifact("data")
    outs = [b.artifact("churn-model", i, type="model") for i in range(versions)]
    outs += [b.artifact(f"other-{i}", type="model") for i in range(others)]
    b.job("sweep", "sweep", [d], outs)
    return b.build(d)


def test_versions_of_one_artifact_collapse_by_name_first():
    view, plan = _view(_sweep(7, 2))
    key = "cluster:2:artifact:model:churn-model"
    assert set(plan.members) == {key}
    assert view.nodes[key]["label"] == "7 versions of churn-model"
    assert view.nodes[key]["name"] == "churn-model"
    assert {"artifact:other-0:v0", "artifact:other-1:v0"} <= set(view)
    assert ("run:sweep", key) in view.edges


def test_name_groups_below_threshold_join_their_type_group():
    view, plan = _view(_sweep(3, 3))
    assert set(plan.members) == {"cluster:2:artifact:model"}
    assert view.nodes["cluster:2:artifact:model"]["count"] == 6


def test_member_order_is_natural_by_label_then_key():
    view, _ = _view(_sweep(12, 0))
    members = view.nodes["cluster:2:artifact:model:churn-model"]["members"]
    assert members == [f"artifact:churn-model:v{i}" for i in range(12)]
    assert natural_key("a:v2") < natural_key("a:v10")


def test_focus_and_kept_nodes_never_collapse():
    g = nx.DiGraph(focus="run:f")
    for i in range(5):
        g.add_node(f"run:{i}", kind="run", label=str(i), type="train")
    g.add_node("run:f", kind="run", label="f", type="train")
    levels = {n: 0 for n in g}
    view, plan = cluster_graph(g, levels, 5)
    assert plan.members["cluster:0:run:train"] == [f"run:{i}" for i in range(5)]
    assert "run:f" in view and plan.cluster_of.get("run:f") is None
    # with one of them kept only four remain: no cluster
    view, plan = cluster_graph(g, levels, 5, keep={"run:0"})
    assert plan.members == {} and len(view) == 6


def test_missing_placeholders_never_collapse():
    b = LineageBuilder()
    d = b.artifact("d")
    for i in range(5):
        b.used(d, b.missing_run(f"gone{i}"))
    view, plan = _view(b.build(d))
    assert plan.members == {} and len(view) == 6


def test_levels_separate_clusters():
    b = LineageBuilder()
    d = b.artifact("d")
    for i in range(3):
        b.job(f"a{i}", "train", [d], [b.artifact(f"x{i}")])
    for i in range(3):
        b.job(f"b{i}", "train", [f"artifact:x{i}:v0"])
    _, plan = _view(b.build(d))
    assert plan.members == {}  # 3 train runs at level 1, 3 at level 3: neither reaches 5


def test_no_self_loops_from_edges_inside_a_cluster():
    b = LineageBuilder()
    d = b.artifact("d")
    runs = [b.job(f"r{i}", "train", [d]) for i in range(5)]
    b.graph.add_edge(runs[0], runs[1])  # damaged: run -> run in the same level
    view, _ = _view(b.build(d))
    assert nx.number_of_selfloops(view) == 0
