"""Extraction continues the lineage: an extracted member's own edges reach exact nodes."""
from lineage_builder import LineageBuilder, fan_out

from lineage_desktop.graph import LineageModel
from lineage_desktop.graph.extraction import extraction_split, split_suffix

DATA = "artifact:data:v0"
RUNS = "cluster:1:run:train"
MODELS = "cluster:2:artifact:model"


def _two_stage(width: int = 8):
    """data:v0 (focus) -> train t<i> -> model m-<i>:v0 -> evaluate e<i> -> report r-<i>:v0,
    ``width`` times: every level a cluster at threshold 5."""
    b = LineageBuilder()
    data = b.artifact("data")
    for i in range(width):
        model = b.artifact(f"m-{i}", type="model")
        b.job(f"t{i}", "train", [data], [model])
        b.job(f"e{i}", "evaluate", [model], [b.artifact(f"r-{i}", type="report")])
    return b.build(data)


def test_split_tags_the_neighbours_of_each_extracted_node():
    graph = _two_stage()
    split = extraction_split(graph, ["artifact:m-2:v0"])
    assert split == {"run:t2": frozenset({"artifact:m-2:v0"}),
                     "run:e2": frozenset({"artifact:m-2:v0"})}
    assert split_suffix(frozenset({"b", "a"})) == "@a,b" and split_suffix(None) == ""


def test_an_extracted_member_connects_to_its_exact_producer_and_consumer():
    model = LineageModel(_two_stage())
    assert set(model.view()) == {DATA, RUNS, MODELS, "cluster:3:run:evaluate",
                                 "cluster:4:artifact:report"}
    model.extract("artifact:m-2:v0")
    view = model.view()
    # downstream: its consumer is pulled out of the evaluate cluster, edge to the exact run
    assert ("artifact:m-2:v0", "run:e2") in view.edges
    assert not any(u == "artifact:m-2:v0" and v.startswith("cluster:") for u, v in view.edges)
    # upstream: its producer comes out of the train cluster, the edge from the exact run
    assert ("run:t2", "artifact:m-2:v0") in view.edges
    assert list(view.predecessors("artifact:m-2:v0")) == ["run:t2"]
    assert (DATA, "run:t2") in view.edges  # the producer's own input is the focus
    # the rest still clusters, without the pulled-out members
    assert view.nodes[RUNS]["count"] == 7 and "run:t2" not in view.nodes[RUNS]["members"]
    assert view.nodes["cluster:3:run:evaluate"]["count"] == 7
    assert view.nodes[MODELS]["count"] == 7
    # beyond the pulled-out consumer the lineage goes on into its cluster
    assert ("run:e2", "cluster:4:artifact:report") in view.edges


def test_many_neighbours_of_an_extracted_node_form_a_cluster_of_their_own():
    b = LineageBuilder()
    data, other = b.artifact("data"), b.artifact("other")
    for i in range(6):
        b.job(f"a{i}", "train", [data, other])
    for i in range(6):
        b.job(f"b{i}", "train", [data])
    b.job("p", "prep", [data], [other])
    model = LineageModel(b.build(data))
    assert model.view().nodes[RUNS]["count"] == 12
    model.extract(other)
    view = model.view()
    via = RUNS + "@" + other
    assert view.nodes[via]["count"] == 6 and view.nodes[RUNS]["count"] == 6
    assert (other, via) in view.edges and (other, RUNS) not in view.edges
    assert set(view.nodes[via]["members"]) == {f"run:a{i}" for i in range(6)}
    assert view.nodes[via]["label"] == "6 train runs via other:v0"  # told from its twin
    assert view.nodes[RUNS]["label"] == "6 train runs"


def test_unextracting_clusters_the_neighbours_again():
    model = LineageModel(fan_out(12, 0))
    model.extract("run:t03")
    assert "artifact:m-03:v0" in model.view()
    model.unextract("run:t03")
    assert model.cluster_of("artifact:m-03:v0") == MODELS
    assert model.view().nodes[MODELS]["count"] == 12
