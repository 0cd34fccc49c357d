"""``export``: every format holds the expected nodes and edges of a hand-built lineage;
images follow --scale and keep labels as text."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pygraphviz
import pytest
from cli_readers import mermaid_graph, pdf_texts, png_size, svg_texts

from lineage_desktop.graph.export import mermaid_ids


def _export(cli, lineage, out: Path, *extra: object) -> str:
    status, stdout, stderr = cli("export", lineage.store, "model:v0", "-o", out, *extra)
    assert status == 0, stderr
    assert out.is_file()
    return stderr


@pytest.mark.parametrize("suffix", [".json", ".mmd"])
def test_export_overwrites_an_existing_file(cli, lineage, tmp_path, suffix):
    out = tmp_path / f"lineage{suffix}"
    out.write_text("old content")
    _export(cli, lineage, out)
    assert "old content" not in out.read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".lineage")]


def test_json_holds_the_lineage(cli, lineage, tmp_path):
    out = tmp_path / "lineage.json"
    stderr = _export(cli, lineage, out)
    data = json.loads(out.read_text())
    nodes, edges = lineage.focus_lineage
    assert data["focus"] == "artifact:model:v0"
    assert {n["key"] for n in data["nodes"]} == nodes
    assert {(e["source"], e["target"]) for e in data["edges"]} == edges
    levels = {n["key"]: n["level"] for n in data["nodes"]}
    assert levels["artifact:model:v0"] == 0
    assert levels[lineage.run_key("ingest")] == -5
    assert levels["artifact:report:v0"] == 2
    assert "wrote" in stderr and "8 nodes" in stderr


def test_dot_parses_with_graphviz(cli, lineage, tmp_path):
    out = tmp_path / "lineage.gv"
    _export(cli, lineage, out)
    graph = pygraphviz.AGraph(out.read_text())
    nodes, edges = lineage.focus_lineage
    assert set(graph.nodes()) == nodes
    assert set(graph.edges()) == edges
    assert graph.graph_attr["rankdir"] == "LR"


def test_graphml_round_trips(cli, lineage, tmp_path):
    out = tmp_path / "lineage.graphml"
    _export(cli, lineage, out)
    graph = nx.read_graphml(out)
    nodes, edges = lineage.focus_lineage
    assert set(graph.nodes) == nodes
    assert set(graph.edges) == edges
    assert graph.nodes["artifact:model:v0"]["label"] == "model:v0"
    assert graph.nodes[lineage.run_key("train")]["kind"] == "run"


@pytest.mark.parametrize("suffix", [".mmd", ".mermaid"])
def test_mermaid_holds_the_lineage(cli, lineage, tmp_path, suffix):
    out = tmp_path / f"lineage{suffix}"
    _export(cli, lineage, out, "--direction", "TB")
    text = out.read_text()
    assert text.startswith("flowchart TB")
    found_nodes, found_edges = mermaid_graph(text)
    nodes, edges = lineage.focus_lineage
    ids = mermaid_ids(nx.DiGraph(list(edges)))
    assert set(found_nodes) == {ids[n] for n in nodes}
    assert found_edges == {(ids[u], ids[v]) for u, v in edges}
    assert "model:v0" in found_nodes[ids["artifact:model:v0"]]


def test_format_option_overrides_the_extension(cli, lineage, tmp_path):
    out = tmp_path / "lineage.txt"
    _export(cli, lineage, out, "--format", "json")
    assert json.loads(out.read_text())["focus"] == "artifact:model:v0"


def test_stdout_output(cli, lineage):
    status, stdout, _ = cli("export", lineage.store, "model:v0", "-o", "-", "--format", "dot")
    assert status == 0
    assert stdout.startswith("digraph lineage {")


def test_depths_and_run_focus(cli, lineage, tmp_path):
    out = tmp_path / "lineage.json"
    _export(cli, lineage, out, "--upstream", "1", "--downstream", "0")
    keys = {n["key"] for n in json.loads(out.read_text())["nodes"]}
    assert keys == {"artifact:model:v0", lineage.run_key("train")}
    run_id = lineage.runs["prep"]
    status, _, stderr = cli("export", lineage.store, run_id, "-o", out, "--upstream", "0")
    assert status == 0, stderr
    data = json.loads(out.read_text())
    assert data["focus"] == f"run:{run_id}"
    assert "artifact:raw-data:v0" not in {n["key"] for n in data["nodes"]}


def test_clusters_and_no_clusters(cli, lineage, tmp_path):
    # features:v0 has two consumers (train, train-2): threshold 2 collapses them.
    out = tmp_path / "lineage.json"
    status, _, stderr = cli("export", lineage.store, "features:v0", "-o", out,
                            "--cluster-threshold", "2")
    assert status == 0, stderr
    nodes = json.loads(out.read_text())["nodes"]
    clusters = [n for n in nodes if n["kind"] == "cluster"]
    assert any(set(c["members"]) == {lineage.run_key("train"), lineage.run_key("train-2")}
               for c in clusters)
    assert "artifact:features:v0" in {n["key"] for n in nodes}  # the focus never collapses
    for flags in (["--no-clusters"], ["--cluster-threshold", "0"], []):
        status, _, _ = cli("export", lineage.store, "features:v0", "-o", out, *flags)
        assert status == 0
        kinds = {n["kind"] for n in json.loads(out.read_text())["nodes"]}
        assert "cluster" not in kinds  # default threshold 5: two runs stay apart


def test_png_size_follows_scale(cli, lineage, tmp_path):
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    _export(cli, lineage, one)
    _export(cli, lineage, two, "--scale", "2")
    (w1, h1), (w2, h2) = png_size(one), png_size(two)
    assert w1 > h1 > 50  # left to right: wider than tall
    # The whole image, margins included, doubles (up to the rounding of each side).
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2
    _export(cli, lineage, one, "--direction", "TB")
    w3, h3 = png_size(one)
    assert h3 > w3


def _labels(lineage) -> set[str]:
    return {"model:v0", "features:v0", "raw-data:v0", "report:v0", "ingest", "prep",
            "train", "evaluate"}


def test_svg_keeps_labels_as_text(cli, lineage, tmp_path):
    out = tmp_path / "lineage.svg"
    _export(cli, lineage, out)
    texts = set(svg_texts(out))
    assert _labels(lineage) <= texts
    assert "train-2" not in texts and "model:v1" not in texts


def test_pdf_keeps_labels_as_text(cli, lineage, tmp_path):
    out = tmp_path / "lineage.pdf"
    _export(cli, lineage, out, "--dark")
    assert out.read_bytes().startswith(b"%PDF-")
    texts = set(pdf_texts(out))
    assert _labels(lineage) <= texts
