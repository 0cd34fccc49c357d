"""Bad data found in a lineage graph, described for people instead of raised.

Damaged stores, merges and imports can hold cycles, placeholders for deleted runs or
unknown versions, and nodes without attributes. The viewer draws them and lists them.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

from lineage_desktop.graph.nodes import NodeData, nodes_of

Key = Hashable
MAX_PER_KIND = 20  # beyond this a problem kind is summarised, so a huge mess stays readable


def normalize_nodes(graph: nx.DiGraph) -> list[str]:
    """Give nodes lacking ``kind``/``label`` values derived from their key, in place.

    Returns one problem string per node that had to be repaired.
    """
    problems: list[str] = []
    for node in graph:
        attrs = graph.nodes[node]
        data = attrs if isinstance(attrs, NodeData) else NodeData(attrs)
        if data.repaired(node):
            if data is not attrs:
                attrs.update(data)
            problems.append(f"{node} has no usable attributes; drawn from its key")
    return _capped(problems, "nodes without attributes")


def find_cycles(graph: nx.DiGraph) -> list[list[Key]]:
    """One cycle (as a node list, first node repeated at the end) per cyclic component."""
    cycles: list[list[Key]] = []
    if nx.is_directed_acyclic_graph(graph):  # the usual case, cheaper than components
        return cycles
    for node in nx.nodes_with_selfloops(graph):
        cycles.append([node, node])
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        edges = nx.find_cycle(graph.subgraph(component))
        path = [edges[0][0]] + [v for _, v, *_ in edges]
        cycles.append(path)
    cycles.sort(key=lambda c: [str(n) for n in c])
    return cycles


def find_problems(graph: nx.DiGraph) -> list[str]:
    """Human-readable descriptions of cycles and missing runs or versions in ``graph``."""
    problems: list[str] = []
    cycle_lines = [
        "cycle in lineage (damaged data): " + " -> ".join(str(n) for n in cycle)
        for cycle in find_cycles(graph)
    ]
    problems += _capped(cycle_lines, "cycles")
    missing_lines: list[str] = []
    missing = [(str(n), n, d.kind) for n, d in nodes_of(graph) if d.missing]
    for _, node, kind in sorted(missing, key=lambda item: item[0]):
        missing_lines.append(_describe_missing(graph, node, kind))
    problems += _capped(missing_lines, "missing runs or versions")
    return problems


def _describe_missing(graph: nx.DiGraph, node: Key, kind: str) -> str:
    produced = _names(graph.successors(node))
    used = _names(graph.predecessors(node))
    if kind == "run":
        text = f"run {node} is missing (deleted or never recorded)"
        if produced:
            text += f"; it produced {produced}"
        if used:
            text += f"; it used {used}"
        return text
    text = f"version {node} is unknown (missing from the store)"
    if produced:
        text += f"; used by {produced}"
    if used:
        text += f"; logged by {used}"
    return text


def _names(nodes: Iterable[Key], limit: int = 3) -> str:
    keys = sorted(str(n) for n in nodes)
    if len(keys) > limit:
        return ", ".join(keys[:limit]) + f" and {len(keys) - limit} more"
    return ", ".join(keys)


def _capped(lines: list[str], what: str) -> list[str]:
    if len(lines) <= MAX_PER_KIND:
        return lines
    rest = len(lines) - MAX_PER_KIND
    return lines[:MAX_PER_KIND] + [f"... and {rest} more {what}"]
