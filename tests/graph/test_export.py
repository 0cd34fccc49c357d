"""Exports parse with real readers and carry every node and edge."""
import io
import json
import re

import networkx as nx
import pygraphviz
import pytest
from lineage_builder import LineageBuilder, chain, fan_out

from lineage_desktop.graph import (
    LineageModel,
    dumps_json,
    to_dot,
    to_graphml,
    to_json,
    to_mermaid,
)
from lineage_desktop.graph.palette import DARK, LIGHT
from lineage_desktop.records import ValidationError

DATA = "artifact:data:v0"


def _fan_view() -> nx.DiGraph:
    return LineageModel(fan_out(12, 4)).view()


def _nasty_view() -> nx.DiGraph:
    """Labels with quotes, backslashes, HTML, '#', backticks, newlines and non-ASCII."""
    b = LineageBuilder()
    d = b.artifact("data", aliases=["best"])
    b.job('we"ird\\', 'job <b>&"type"', [d], name='na"me \\ <i>x</i> #1 `code`\nline2 é\\')
    b.graph.add_edge("run:we\"ird\\", "artifact:out:v0")
    b.graph.nodes["artifact:out:v0"].update(kind="artifact", label="out:v0", type="model")
    return LineageModel(b.build(d)).view()


@pytest.mark.parametrize("make", [_fan_view, _nasty_view, lambda: chain()])
def test_dot_parses_with_graphviz_and_keeps_every_node_and_edge(make):
    view = make()
    agraph = pygraphviz.AGraph(string=to_dot(view))
    assert agraph.is_directed()
    assert agraph.number_of_nodes() == view.number_of_nodes()
    assert agraph.number_of_edges() == view.number_of_edges()


def test_dot_ids_labels_and_styles():
    view = _fan_view()
    text = to_dot(view, direction="TB")
    agraph = pygraphviz.AGraph(string=text)
    assert agraph.graph_attr["rankdir"] == "TB"
    assert set(agraph.nodes()) == set(view)
    assert "12 train runs" in agraph.get_node("cluster:1:run:train").attr["label"]
    # The window's palette (graph.palette): runs green, artifacts blue.
    assert agraph.get_node("run:e0").attr["fillcolor"] == LIGHT.cluster_run_fill
    assert agraph.get_node("run:e0").attr["color"] == LIGHT.run
    assert agraph.get_node(DATA).attr["fillcolor"] == LIGHT.cluster_artifact_fill
    assert agraph.get_node(DATA).attr["color"] == LIGHT.artifact
    dark = pygraphviz.AGraph(string=to_dot(view, palette=DARK))
    assert dark.get_node("run:e0").attr["color"] == DARK.run
    assert agraph.get_node(DATA).attr["penwidth"] == "3"  # focus
    assert agraph.has_edge("cluster:1:run:train", "cluster:2:artifact:model")


def test_dot_escapes_and_falls_back_to_safe_ids():
    view = _nasty_view()
    agraph = pygraphviz.AGraph(string=to_dot(view))
    fallback = [n for n in agraph.nodes() if n.attr.get("key")]
    assert len(fallback) == 1 and fallback[0].attr["key"] == 'run:we"ird/'
    label = fallback[0].attr["label"]
    assert "&lt;i&gt;" in label and "é" in label


def test_graphml_round_trips_with_json_encoded_lists():
    view = _fan_view()
    text = to_graphml(view)
    back = nx.read_graphml(io.BytesIO(text.encode()))
    assert set(back) == set(view) and set(back.edges) == set(view.edges)
    cluster = back.nodes["cluster:1:run:train"]
    assert json.loads(cluster["members"]) == view.nodes["cluster:1:run:train"]["members"]
    assert cluster["count"] == 12 and cluster["level"] == 1
    assert "member_attrs" not in cluster
    assert json.loads(back.nodes["run:e0"]["config"]) == {"lr": 0.1}
    assert back.nodes["run:e0"]["missing"] is False
    assert back.graph["focus"] == DATA


def test_graphml_of_nasty_labels_round_trips():
    view = _nasty_view()
    back = nx.read_graphml(io.BytesIO(to_graphml(view).encode()))
    assert back.nodes['run:we"ird\\']["label"] == 'na"me \\ <i>x</i> #1 `code`\nline2 é\\'


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_mermaid_header_nodes_edges_and_classes(direction):
    view = _fan_view()
    text = to_mermaid(view, direction)
    lines = text.splitlines()
    assert lines[0] == f"flowchart {direction}"
    defined = {re.match(r"\s+([A-Za-z0-9_]+)[\[(]", line).group(1)
               for line in lines[1:] if re.match(r"\s+[A-Za-z0-9_]+[\[(]", line)}
    assert len(defined) == view.number_of_nodes()
    assert "run_e0" in defined and "artifact_data_v0" in defined
    edges = [line for line in lines if "-->" in line]
    assert len(edges) == view.number_of_edges()
    assert "    cluster_1_run_train --> cluster_2_artifact_model" in lines
    assert any(line.startswith("    classDef run ") for line in lines)
    assert any(line.startswith("    class ") and line.endswith(" run") for line in lines)
    assert "12 train runs" in text


def test_mermaid_escapes_labels_and_keeps_ids_unique():
    view = _nasty_view()
    text = to_mermaid(view)
    node_lines = [line for line in text.splitlines() if "<br/>" in line]
    assert len(node_lines) == view.number_of_nodes()
    for line in node_lines:
        inner = line[line.index('"') + 1:line.rindex('"')]
        assert '"' not in inner and "<i>" not in inner and "`" not in inner
    assert "#lt;i#gt;x#lt;/i#gt; #35;1 #96;code#96; line2 é" in text
    g = nx.DiGraph([("run:a-b", "run:a_b")], focus="run:a-b")
    ids = [line.split("(")[0].strip() for line in to_mermaid(g).splitlines()[1:3]]
    assert len(set(ids)) == 2


def test_json_schema_exact_keys_and_order():
    view = _fan_view()
    data = to_json(view)
    assert set(data) == {"focus", "nodes", "edges"} and data["focus"] == DATA
    base = {"key", "kind", "label", "type", "level"}
    for node in data["nodes"]:
        if node["kind"] == "cluster":
            assert set(node) == base | {"members", "member_kind", "count"}
        elif node["kind"] == "artifact":
            assert set(node) == base | {"aliases"}
        else:
            assert set(node) == base | {"config", "summary"}
        assert node["kind"] in ("run", "artifact", "cluster")
    assert [(n["level"], n["key"]) for n in data["nodes"]] == sorted(
        (n["level"], n["key"]) for n in data["nodes"])
    assert data["nodes"][0] == {"key": DATA, "kind": "artifact", "label": "data:v0",
                                "type": "dataset", "level": 0, "aliases": []}
    runs = next(n for n in data["nodes"] if n["key"] == "cluster:1:run:train")
    assert runs["members"] == [f"run:t{i:02d}" for i in range(12)]
    assert all(set(e) == {"source", "target"} for e in data["edges"])
    assert data["edges"] == sorted(data["edges"], key=lambda e: (e["source"], e["target"]))
    assert json.loads(dumps_json(view)) == data


def test_json_marks_missing_nodes_and_levels_raw_graphs():
    b = LineageBuilder()
    gone = b.missing_run("gone")
    d = b.artifact("d")
    b.logged(gone, d)
    data = to_json(b.build(d))  # a raw graph: levels computed from the focus
    assert data["nodes"][0] == {"key": "run:gone", "kind": "run", "label": "gone",
                                "type": None, "level": -1, "missing": True}


def test_exports_are_deterministic():
    a, b = _fan_view(), LineageModel(fan_out(12, 4)).view()
    assert to_dot(a) == to_dot(b) and to_mermaid(a) == to_mermaid(b)
    assert to_graphml(a) == to_graphml(b) and dumps_json(a) == dumps_json(b)


def test_bad_direction_is_refused():
    with pytest.raises(ValidationError):
        to_dot(chain(), direction="RL")
    with pytest.raises(ValueError):
        to_mermaid(chain(), direction="sideways")
