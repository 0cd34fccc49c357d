"""Damaged lineage never raises: it is drawn and reported in ``problems``."""
import networkx as nx
from lineage_builder import LineageBuilder, chain

from lineage_desktop.graph import (
    LineageModel,
    dumps_json,
    find_cycles,
    to_dot,
    to_graphml,
    to_mermaid,
)


def _all_exports_work(view: nx.DiGraph) -> None:
    import pygraphviz

    pygraphviz.AGraph(string=to_dot(view))
    nx.read_graphml(__import__("io").BytesIO(to_graphml(view).encode()))
    assert to_mermaid(view).startswith("flowchart LR")
    dumps_json(view)


def test_cycle_is_drawn_and_reported():
    b = LineageBuilder()
    a = b.artifact("a")
    r = b.job("r", "train", [a], [b.artifact("m", type="model")])
    b.used("artifact:m:v0", r)  # r used what it logged: m -> r -> m
    b.logged(r, a)  # and logged its own input: a -> r -> a
    model = LineageModel(b.build(a))
    view = model.view()
    assert set(view) == {a, r, "artifact:m:v0"}
    assert any(p.startswith("cycle in lineage") for p in model.problems)
    assert view.graph["problems"] == model.problems
    _all_exports_work(view)


def test_self_loop_is_reported():
    g = chain()
    g.add_edge("run:train", "run:train")
    assert ["run:train", "run:train"] in find_cycles(g)
    model = LineageModel(g)
    assert any("run:train -> run:train" in p for p in model.problems)


def test_deleted_producer_run_is_drawn_as_missing():
    b = LineageBuilder()
    gone = b.missing_run("gone")
    data = b.artifact("data")
    b.logged(gone, data)
    b.job("train", "train", [data])
    model = LineageModel(b.build(data))
    view = model.view()
    assert view.nodes[gone]["missing"] is True and view.nodes[gone]["level"] == -1
    assert model.problems == [
        "run run:gone is missing (deleted or never recorded); it produced artifact:data:v0"]
    _all_exports_work(view)


def test_usage_of_an_unknown_version_is_drawn_as_missing():
    b = LineageBuilder()
    data = b.artifact("data")
    unknown = b.missing_artifact("missing-version-42")
    run = b.job("train", "train", [data, unknown])
    model = LineageModel(b.build(run))
    assert unknown in model.view()
    assert any("artifact:missing-version-42:v0 is unknown" in p and run in p
               for p in model.problems)


def test_node_without_attributes_is_drawn_from_its_key():
    g = chain()
    g.add_edge("artifact:mystery:v3", "run:prep")  # a bare node: no attributes at all
    g.add_edge("run:train", "run:bare")
    model = LineageModel(g)
    view = model.view()
    assert view.nodes["artifact:mystery:v3"]["kind"] == "artifact"
    assert view.nodes["artifact:mystery:v3"]["label"] == "mystery:v3"
    assert view.nodes["artifact:mystery:v3"]["level"] == -2
    assert view.nodes["run:bare"]["label"] == "bare"
    assert sum("no usable attributes" in p for p in model.problems) == 2
    assert "kind" not in g.nodes["run:bare"]  # the raw graph is left alone
    _all_exports_work(view)


def test_unconnected_sibling_and_cousin_nodes_are_left_out():
    g = chain()
    g.add_node("run:lonely", kind="run", label="lonely", type="x")
    view = LineageModel(g).view()
    # depth restriction keeps only ancestors and descendants of the focus
    assert not {"run:lonely", "artifact:stats:v0", "run:plot", "artifact:fig:v0"} & set(view)


def test_focus_missing_from_the_graph_gives_an_empty_view():
    model = LineageModel(chain(), focus="artifact:nope:v0")
    view = model.view()
    assert len(view) == 0 and view.graph["focus"] == "artifact:nope:v0"
    assert model.problems == ["the focus 'artifact:nope:v0' is not in the lineage graph"]
    model.hide("run:train")  # state changes still work without a focus
    assert len(model.view()) == 0
    _all_exports_work(view)


def test_empty_graph_without_focus_does_not_raise():
    model = LineageModel(nx.DiGraph())
    assert len(model.view()) == 0 and model.problems


def test_many_missing_nodes_are_summarised():
    b = LineageBuilder()
    d = b.artifact("d")
    for i in range(30):
        b.used(d, b.missing_run(f"gone{i:02d}"))
    model = LineageModel(b.build(d))
    assert len(model.problems) == 21
    assert model.problems[-1] == "... and 10 more missing runs or versions"
