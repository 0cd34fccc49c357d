"""Exports of a view graph (or a raw lineage graph) as text: DOT, GraphML, Mermaid, JSON.

All outputs are deterministic: nodes ordered by level then key, edges sorted. A raw
graph without ``level`` attributes gets levels computed from ``graph["focus"]``.

Text from a store is untrusted: ``xml_text`` makes it XML (every XML writer uses it)
and ``dumps_strict`` makes any value strict, terminal-safe JSON (every JSON writer of
the exports and the command line uses it).
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Hashable
from typing import Any

import networkx as nx

from lineage_desktop.graph.levels import compute_levels
from lineage_desktop.graph.nodes import NodeData, nodes_of
from lineage_desktop.graph.palette import LIGHT, Palette, node_colours
from lineage_desktop.records import ValidationError
from lineage_desktop.records.json_values import json_ready

Key = Hashable
DIRECTIONS = ("LR", "TB")
_DOT_SAFE_ID = re.compile(r'^[^\\"\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]+$')
# Dropped from DOT and Mermaid labels: controls (a newline becomes a space first), and
# what no UTF-8 file or XML parser (Graphviz reads HTML labels with expat) accepts.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_MERMAID_ID = re.compile(r"[^A-Za-z0-9_]")
# What XML 1.0 cannot hold at all (not even as &#...;): C0 controls but tab, newline and
# carriage return; lone surrogates; U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# -- text and values every format can hold ---------------------------------------------


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD, so that the
    document parses whatever a store holds (escaping ``<``/``&`` is the writer's job)."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def dumps_strict(value: Any, **options: Any) -> str:
    """Strict JSON (RFC 8259: no NaN or Infinity) of ``value``, safe to print: every
    character a terminal would not print as itself (DEL, C1 controls such as CSI, bidi
    overrides, line separators, lone surrogates) is escaped as ``\\uXXXX`` even with
    ``ensure_ascii=False``, so the text decodes to exactly what was stored. Values JSON
    has no type for are written as their text (``default=str``)."""
    options.setdefault("default", str)
    try:
        text = json.dumps(value, allow_nan=False, **options)
    except ValueError:  # NaN or an infinity somewhere: rare, so only then walk the value
        text = json.dumps(json_ready(value), allow_nan=False, **options)
    if text.isprintable():
        return text
    # Outside strings json.dumps writes only printable ASCII, spaces and newlines.
    return "\n".join(line if line.isprintable() else "".join(map(_json_char, line))
                     for line in text.split("\n"))


def _json_char(char: str) -> str:
    if char.isprintable():
        return char
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _check_direction(direction: str) -> str:
    upper = direction.upper()
    if upper not in DIRECTIONS:
        raise ValidationError(f"direction must be LR or TB, not {direction!r}")
    return upper


def node_levels(graph: nx.DiGraph) -> dict[Key, int | None]:
    """Each node's ``level`` attribute, computed from the focus where absent."""
    levels: dict[Key, int | None] = {n: d.level for n, d in nodes_of(graph)}
    focus = graph.graph.get("focus")
    if any(v is None for v in levels.values()) and focus in graph:
        computed = compute_levels(graph, focus)
        for node, level in levels.items():
            if level is None:
                levels[node] = computed.get(node)
    return levels


def ordered_nodes(graph: nx.DiGraph) -> list[tuple[Key, NodeData, int | None]]:
    """``(key, data, level)`` sorted by level (unlevelled last), then key."""
    levels = node_levels(graph)
    rows = [(n, d, levels[n]) for n, d in nodes_of(graph)]
    rows.sort(key=lambda r: (r[2] is None, r[2] or 0, str(r[0])))
    return rows


def ordered_edges(graph: nx.DiGraph) -> list[tuple[Key, Key]]:
    """Edges sorted by source then target key."""
    return sorted(graph.edges(), key=lambda e: (str(e[0]), str(e[1])))


def _kind(data: NodeData) -> str:
    return data.kind or "artifact"


def display_lines(key: Key, data: NodeData) -> tuple[str, str]:
    """The two text lines of a node card: (type or kind, name)."""
    kind = _kind(data)
    label = data.label_or(key)
    if kind == "cluster":
        return f"{data.member_kind or ''} cluster".strip(), label
    type_ = data.type or ("run" if kind == "run" else "artifact")
    if data.missing:
        return f"{type_} (missing)", label
    if data.deleted:  # a tombstone: the version stays in the lineage, marked
        return f"{type_} (deleted)", label
    return type_, label


def _colours(data: NodeData, palette: Palette) -> tuple[str, str]:
    kind = data.member_kind if _kind(data) == "cluster" else _kind(data)
    return node_colours(palette, kind, data.missing or data.deleted)


# -- DOT -------------------------------------------------------------------------------


def _dot_string(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _dot_html(text: str) -> str:
    # HTML-like labels: only &, <, > need escaping, and backslashes stay literal, which
    # quoted DOT strings cannot promise (a trailing backslash would escape the quote).
    return html.escape(_CONTROL.sub("", text.replace("\n", " ")), quote=False)


def dot_ids(graph: nx.DiGraph) -> dict[Key, str]:
    """DOT node ids: the key itself where it is safe to quote, else ``node<i>``."""
    ids: dict[Key, str] = {}
    taken = {str(n) for n in graph}
    counter = 0
    for node in graph:
        text = str(node)
        if _DOT_SAFE_ID.match(text):
            ids[node] = text
            continue
        while f"node{counter}" in taken:
            counter += 1
        ids[node] = f"node{counter}"
        taken.add(ids[node])
    return ids


def to_dot(graph: nx.DiGraph, direction: str = "LR", palette: Palette = LIGHT) -> str:
    """Graphviz DOT text: rounded boxes, runs green, artifacts blue, clusters doubled,
    missing placeholders dashed grey, the focus with a thick border (colours of the
    window's ``palette``)."""
    rankdir = _check_direction(direction)
    ids = dot_ids(graph)
    focus = graph.graph.get("focus")
    lines = [
        "digraph lineage {",
        f'  graph [rankdir={rankdir}, fontname="Helvetica", nodesep=0.3, ranksep=0.6];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        f'  edge [color="{palette.edge}", arrowsize=0.7];',
    ]
    for node, attrs, _ in ordered_nodes(graph):
        top, name = display_lines(node, attrs)
        fill, stroke = _colours(attrs, palette)
        label = (f'<<FONT POINT-SIZE="9" COLOR="{palette.muted}">{_dot_html(top)}</FONT>'
                 f"<BR/><B>{_dot_html(name)}</B>>")
        style = ['fillcolor="' + fill + '"', 'color="' + stroke + '"']
        if attrs.missing or attrs.deleted:
            style.append('style="rounded,filled,dashed"')
        if _kind(attrs) == "cluster":
            style.append("peripheries=2")
        if node == focus:
            style.append("penwidth=3")
        if ids[node] != str(node):
            style.append("key=" + _dot_string(_CONTROL.sub("?", str(node)).replace("\\", "/")))
        lines.append(f"  {_dot_string(ids[node])} [label={label}, {', '.join(style)}];")
    for u, v in ordered_edges(graph):
        lines.append(f"  {_dot_string(ids[u])} -> {_dot_string(ids[v])};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- GraphML ---------------------------------------------------------------------------


def _graphml_value(value: Any) -> Any:
    """A GraphML-compatible scalar, or None to leave the attribute out. Text is made
    XML (``xml_text``): a store may hold control characters or lone surrogates."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if isinstance(value, (set, frozenset)):
            value = sorted(value, key=str)
        return xml_text(dumps_strict(value, sort_keys=True))
    return xml_text(str(value))


def _graphml_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in attrs.items():
        if name == "member_attrs":  # the members' full records; the key list is enough
            continue
        converted = _graphml_value(value)
        if converted is not None:
            out[xml_text(str(name))] = converted
    return out


def to_graphml(graph: nx.DiGraph) -> str:
    """GraphML text; list and dict attributes are JSON-encoded strings, None left out.
    Node ids and text pass through ``xml_text``, so the document always parses."""
    out = nx.DiGraph()
    out.graph.update(_graphml_attrs(dict(graph.graph)))
    levels = node_levels(graph)
    for node, attrs, _ in ordered_nodes(graph):
        converted = _graphml_attrs(attrs)
        if levels[node] is not None:
            converted["level"] = levels[node]
        out.add_node(xml_text(str(node)), **converted)
    for u, v in ordered_edges(graph):
        out.add_edge(xml_text(str(u)), xml_text(str(v)), **_graphml_attrs(graph.edges[u, v]))
    return "\n".join(nx.generate_graphml(out)) + "\n"


# -- Mermaid ---------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    text = _CONTROL.sub("", text.replace("\n", " "))
    text = text.replace("#", "#35;")  # first: the replacements below introduce '#'
    for char, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"),
                       ("`", "#96;")):
        text = text.replace(char, code)
    return text


def mermaid_ids(graph: nx.DiGraph) -> dict[Key, str]:
    """Mermaid node ids: the key with every character outside ``[A-Za-z0-9_]`` made
    ``_``, made unique with a suffix. Keys start with run/artifact/cluster, so an id
    never collides with keywords such as ``end``."""
    ids: dict[Key, str] = {}
    taken: set[str] = set()
    for node in sorted(graph, key=str):
        base = _MERMAID_ID.sub("_", str(node)) or "node"
        if not base[0].isalpha():
            base = "n_" + base
        candidate, i = base, 2
        while candidate in taken or candidate == "end":
            candidate, i = f"{base}_{i}", i + 1
        ids[node] = candidate
        taken.add(candidate)
    return ids


_MERMAID_SHAPES = {"run": ('(["', '"])'), "artifact": ('["', '"]'), "cluster": ('[["', '"]]')}


def to_mermaid(graph: nx.DiGraph, direction: str = "LR", palette: Palette = LIGHT) -> str:
    """Mermaid flowchart text (``flowchart LR``/``flowchart TB``): artifacts as boxes,
    runs as stadiums, clusters as double boxes, styled with classDefs (colours of the
    window's ``palette``)."""
    header = f"flowchart {_check_direction(direction)}"
    ids = mermaid_ids(graph)
    lines = [header]
    classes: dict[str, list[str]] = {"run": [], "artifact": [], "cluster": [], "missing": [],
                                     "focus": []}
    focus = graph.graph.get("focus")
    for node, attrs, _ in ordered_nodes(graph):
        kind = _kind(attrs)
        top, name = display_lines(node, attrs)
        opening, closing = _MERMAID_SHAPES[kind]
        text = f"{_mermaid_text(top)}<br/>{_mermaid_text(name)}"
        lines.append(f"    {ids[node]}{opening}{text}{closing}")
        member_kind = attrs.member_kind if kind == "cluster" else kind
        classes["run" if member_kind == "run" else "artifact"].append(ids[node])
        if kind == "cluster":
            classes["cluster"].append(ids[node])
        if attrs.missing:
            classes["missing"].append(ids[node])
        if node == focus:
            classes["focus"].append(ids[node])
    for u, v in ordered_edges(graph):
        lines.append(f"    {ids[u]} --> {ids[v]}")
    def fill_stroke(kind: str | None, missing: bool = False) -> str:
        fill, stroke = node_colours(palette, kind, missing)
        return f"fill:{fill},stroke:{stroke}"

    lines += [
        f"    classDef run {fill_stroke('run')},color:{palette.text}",
        f"    classDef artifact {fill_stroke('artifact')},color:{palette.text}",
        "    classDef cluster stroke-width:2px",
        f"    classDef missing {fill_stroke(None, missing=True)},stroke-dasharray:4 3",
        "    classDef focus stroke-width:3px",
    ]
    for name, members in classes.items():
        if members:
            lines.append(f"    class {','.join(members)} {name}")
    return "\n".join(lines) + "\n"


# -- JSON ------------------------------------------------------------------------------


def to_json(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as plain data::

        {"focus": key,
         "nodes": [{"key", "kind", "label", "type", "level",
                    "members" (clusters only), ...}],
         "edges": [{"source", "target"}]}

    ``kind`` is "run", "artifact" or "cluster". Extra node keys: ``member_kind`` and
    ``count`` on clusters, ``aliases`` on artifacts, ``config`` and ``summary`` on runs
    (as the run preview shows them), ``"missing": true`` on placeholders of deleted runs
    or unknown versions. Nodes are sorted by level then key, edges by source then target.
    """
    nodes = []
    for node, attrs, level in ordered_nodes(graph):
        kind = _kind(attrs)
        item: dict[str, Any] = {
            "key": str(node),
            "kind": kind,
            "label": attrs.label_or(node),
            "type": attrs.type,
            "level": level,
        }
        if kind == "cluster":
            item["members"] = [str(m) for m in attrs.members]
            item["member_kind"] = attrs.member_kind
            item["count"] = attrs.count
        elif kind == "artifact" and not attrs.missing:
            item["aliases"] = list(attrs.aliases)
        elif kind == "run" and not attrs.missing:
            item["config"] = dict(attrs.config)
            item["summary"] = dict(attrs.summary)
        if attrs.missing:
            item["missing"] = True
        nodes.append(item)
    edges = [{"source": str(u), "target": str(v)} for u, v in ordered_edges(graph)]
    focus = graph.graph.get("focus")
    return {"focus": None if focus is None else str(focus), "nodes": nodes, "edges": edges}


def dumps_json(graph: nx.DiGraph, indent: int | None = 2) -> str:
    """``to_json`` as text (UTF-8 friendly, strict, newline-terminated)."""
    return dumps_strict(to_json(graph), indent=indent, ensure_ascii=False) + "\n"
