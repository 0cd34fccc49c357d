"""Exports stay well-formed whatever text a store holds: GraphML parses with
``xml.etree`` and ``networkx.read_graphml`` for labels full of C0 controls, U+FFFE,
lone surrogates and HTML; JSON is strict; DOT and Mermaid can be written as UTF-8."""
from __future__ import annotations

import io
import json
import math
import xml.etree.ElementTree as ET

import networkx as nx
import pygraphviz
import pytest
from lineage_builder import LineageBuilder

from lineage_desktop.graph import LineageModel, dumps_json, to_dot, to_graphml, to_mermaid
from lineage_desktop.graph.export import dumps_strict, xml_text

C0 = "".join(map(chr, range(0x20)))
NASTY = f"a{C0}b\ufffe\uffff\ud800\udfff<b>html</b> &amp; ]]> \"q\" 'q' é 🎉 z"
XML_ILLEGAL = [chr(c) for c in range(0x20) if c not in (0x9, 0xA, 0xD)] + [
    "\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff"]


def _nasty_raw() -> nx.DiGraph:
    b = LineageBuilder(project="p" + NASTY, entity="e" + NASTY)
    data = b.artifact("data", aliases=["best" + NASTY], description=NASTY,
                      metadata={NASTY: NASTY, "auc": math.nan})
    b.graph.nodes[data]["label"] = "data:v0 " + NASTY
    b.job("r" + NASTY, "train" + NASTY, [data], name="run " + NASTY)
    graph = b.build(data)
    graph.graph["note"] = NASTY
    return graph


def _graphs() -> list[nx.DiGraph]:
    raw = _nasty_raw()
    return [raw, LineageModel(raw).view()]


@pytest.mark.parametrize("char", XML_ILLEGAL)
def test_xml_text_replaces_what_xml_cannot_hold(char):
    assert xml_text(f"a{char}b") == "a\ufffdb"


def test_xml_text_keeps_what_xml_can_hold():
    legal = "tab\tnewline\ncr\r<b>&amp;</b> é 🎉 \u2028 \x7f \x85 \ufffd \U0010fffd"
    assert xml_text(legal) == legal


@pytest.mark.parametrize("index", [0, 1], ids=["raw", "view"])
def test_graphml_parses_with_etree_and_networkx(index):
    graph = _graphs()[index]
    text = to_graphml(graph)
    data = text.encode("utf-8")  # a lone surrogate left in would fail here
    ET.fromstring(data)
    parsed = nx.read_graphml(io.BytesIO(data))
    assert parsed.number_of_nodes() == graph.number_of_nodes()
    assert parsed.number_of_edges() == graph.number_of_edges()
    labels = [attrs.get("label", "") for _, attrs in parsed.nodes(data=True)]
    # HTML stays literal text; what XML cannot hold became U+FFFD, the rest survived.
    assert any("<b>html</b> &amp; ]]> \"q\" 'q' é 🎉 z" in label for label in labels)
    assert all(not any(c in label for c in XML_ILLEGAL) for label in labels)
    assert any("a" + "\ufffd" * 9 + "\t\n\ufffd" in label for label in labels)  # tab, LF kept


def test_graphml_keeps_the_json_of_mappings_strict():
    text = to_graphml(_nasty_raw())
    parsed = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    metadata = parsed.nodes["artifact:data:v0"]["metadata"]
    decoded = json.loads(metadata, parse_constant=lambda c: pytest.fail(f"not strict: {c}"))
    assert decoded["auc"] == "NaN"


@pytest.mark.parametrize("index", [0, 1], ids=["raw", "view"])
def test_json_is_strict_and_dot_and_mermaid_encode(index):
    graph = _graphs()[index]
    text = dumps_json(graph)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"not strict: {c}"))
    assert text.isprintable() or all(c.isprintable() or c == "\n" for c in text)
    dot = to_dot(graph)
    dot.encode("utf-8")
    pygraphviz.AGraph(string=dot)
    to_mermaid(graph).encode("utf-8")


def test_dumps_strict_round_trips_unprintable_text_and_names_non_finite_numbers():
    value = {"text": NASTY.replace("\ud800\udfff", ""), "nan": math.nan,
             "inf": [math.inf, -math.inf], math.inf: 1}
    text = dumps_strict(value, ensure_ascii=False, indent=2)
    assert all(c.isprintable() or c == "\n" for c in text)
    decoded = json.loads(text, parse_constant=lambda c: pytest.fail(f"not strict: {c}"))
    assert decoded == {"text": value["text"], "nan": "NaN",
                       "inf": ["Infinity", "-Infinity"], "Infinity": 1}
