"""The node schema: one typed record per node, built from store records, kept through
views, read the same way from hand-made graphs, and the one thing exports are written
from."""
from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

import lineage_desktop as ld
from lineage_desktop.graph import LineageGraph, LineageModel, NodeData, node_data, to_json
from lineage_desktop.graph.nodes import build_graph
from lineage_desktop.records import ArtifactVersion, Run

ROOT = Path(__file__).resolve().parents[2] / "lineage_desktop"


def _version(index: int, run_id: str | None = "r1") -> ArtifactVersion:
    return ArtifactVersion(
        id=10 + index, name="data", type="dataset", index=index, digest="d" * 32,
        project="p", entity="e", aliases=("latest",) if index else (), tags=("gold",),
        description="rows", metadata={"rows": 3}, size=12, file_count=2,
        created_at="2026-01-01T00:00:00Z", run_id=run_id, state="COMMITTED")


def _run(run_id: str = "r1") -> Run:
    return Run(id=run_id, name="prep", project="p", entity="e", job_type="preprocess",
               state="finished", started_at="2026-01-01T00:00:00Z",
               finished_at="2026-01-01T00:01:00Z", author="ana", host="h", group=None,
               config={"lr": 0.1}, notes=None, tags=("x",), exit_code=0)


def test_builder_makes_typed_records_from_store_records():
    graph = build_graph([_version(0), _version(1)], [_run()], {"run:gone": "run"},
                        {11: ["r1", "r2"]}, [("run:r1", "artifact:data:v0")], "artifact:data:v0")
    assert isinstance(graph, LineageGraph) and graph.graph["focus"] == "artifact:data:v0"
    version = node_data(graph, "artifact:data:v1")
    assert isinstance(version, NodeData) and version.is_artifact
    assert (version.label, version.version, version.index) == ("data:v1", "v1", 1)
    assert version.aliases == ("latest",) and version.producers == ("r1", "r2")
    assert version.id_in_store == 11 and version.metadata == {"rows": 3}
    assert node_data(graph, "artifact:data:v0").producers == ("r1",)
    run = node_data(graph, "run:r1")
    assert run.is_run and run.job_type == "preprocess" and run.exit_code == 0
    gone = node_data(graph, "run:gone")
    assert gone.missing and gone.label == "deleted run gone"
    # the flat mapping users of Api.lineage read is the same record
    assert graph.nodes["artifact:data:v1"]["label"] == "data:v1"


def test_accessors_tolerate_damaged_values():
    data = NodeData(kind="artifact", label=5, aliases="prod", size="12", file_count="x",
                    metadata=[1], index=True, members=["a"])
    assert data.label == "5" and data.aliases == ("prod",)
    assert data.size == 12 and data.file_count is None and data.index is None
    assert data.metadata == {} and data.members == ()  # only clusters have members
    assert NodeData().kind == "" and NodeData().label_or("run:x") == "run:x"


def test_reference_names_the_version_exactly():
    data = NodeData.for_version(_version(3))
    assert data.ref("artifact:data:v3") == "e/p/data:v3"
    assert NodeData.for_run(_run()).ref("run:r1") == "run:r1"
    assert NodeData.for_missing("artifact:x:v0", "artifact").ref("artifact:x:v0") == "artifact:x:v0"


def test_views_carry_typed_records_and_clusters_keep_their_members(tmp_path):
    raw = nx.DiGraph(focus="artifact:src:v0")  # a hand-made graph of plain dicts
    raw.add_node("artifact:src:v0", kind="artifact", label="src:v0", type="dataset")
    for i in range(6):
        raw.add_node(f"run:r{i}", kind="run", label=f"train-{i}", type="train", state="finished")
        raw.add_edge("artifact:src:v0", f"run:r{i}")
    view = LineageModel(raw).view()
    assert isinstance(view, LineageGraph)
    (cluster_key,) = [k for k in view if node_data(view, k).is_cluster]
    cluster = node_data(view, cluster_key)
    assert cluster.count == 6 and cluster.member_kind == "run" and cluster.level == 1
    member = cluster.member("run:r3")
    assert isinstance(member, NodeData) and member.label == "train-3"
    assert node_data(view, "artifact:src:v0").level == 0


def test_json_export_is_written_from_the_records(built):
    with ld.Api(store=built.path) as api:
        graph = api.lineage("model:v0")
    exported = {item["key"]: item for item in to_json(graph)["nodes"]}
    for key, item in exported.items():
        data = node_data(graph, key)
        assert (item["kind"], item["label"], item["type"]) == (data.kind, data.label, data.type)
    json.dumps(to_json(graph))


@pytest.mark.parametrize("layer", ["audit", "cli", "ui", "sdk", "interop"])
def test_no_layer_above_graph_reads_node_attributes_by_string_key(layer):
    fields = ("kind|label|missing|members|member_kind|member_attrs|aliases|id_in_store|"
              "logged_by|producers|job_type|started_at|created_at|level")
    pattern = re.compile(rf"""(attrs|\.nodes\[[^]]+\])(\.get\(|\[)["']({fields})["']""")
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in sorted((ROOT / layer).rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if pattern.search(line)]
    assert found == []


def test_records_inserted_directly_behave_as_networkx_nodes_and_edges():
    graph = build_graph([_version(0)], [_run()], {}, {}, [("run:r1", "artifact:data:v0"),
                        ("run:r1", "artifact:data:v0"), ("artifact:data:v0", "run:new")], None)
    assert graph.number_of_edges() == 2 and list(graph.predecessors("artifact:data:v0")) == [
        "run:r1"]
    assert isinstance(graph.nodes["run:new"], NodeData)  # an edge end is added as a node
    copy = graph.copy()
    copy.nodes["run:r1"]["label"] = "changed"
    assert node_data(graph, "run:r1").label == "prep"
    assert nx.is_directed_acyclic_graph(graph) and nx.descendants(graph, "run:r1") == {
        "artifact:data:v0", "run:new"}


def test_a_view_leaves_the_raw_graph_as_it_was():
    graph = build_graph([_version(0), _version(1)], [_run()], {},
                        {}, [("run:r1", "artifact:data:v0"), ("run:r1", "artifact:data:v1")],
                        "artifact:data:v0")
    before = {k: dict(d) for k, d in graph.nodes(data=True)}
    model = LineageModel(graph)
    model.hide("artifact:data:v1")
    view = model.view()
    assert "artifact:data:v1" not in view and "artifact:data:v1" in graph
    assert {k: dict(d) for k, d in graph.nodes(data=True)} == before  # no level written back
    assert node_data(view, "run:r1").level == -1
