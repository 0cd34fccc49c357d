"""The lineage graph whose nodes are ``NodeData`` (``LineageGraph``), typed reads of its
nodes (``node_data``, ``nodes_of``) and the one builder from store records
(``build_graph``), with the copy-free inserts it and the clustering use.

The node schema itself, ``NodeData`` (``node_data.py``), is re-exported here, where every
layer imports it.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import networkx as nx

from lineage_desktop.graph.node_data import (
    DETAIL_FIELDS,
    KINDS,
    Key,
    NodeData,
    as_node_data,
    needs_repair,
)
from lineage_desktop.records import ArtifactVersion, Run, RunCells, VersionCells

__all__ = [
    "DETAIL_FIELDS",
    "KINDS",
    "Key",
    "LineageGraph",
    "NodeData",
    "as_node_data",
    "build_graph",
    "insert_edges",
    "insert_nodes",
    "needs_repair",
    "node_data",
    "nodes_of",
]


class LineageGraph(nx.DiGraph):  # type: ignore[misc]  # networkx has no type hints
    """A ``networkx.DiGraph`` whose node attributes are ``NodeData``."""

    node_attr_dict_factory = NodeData


def node_data(graph: nx.DiGraph, key: Key) -> NodeData:
    """The typed attributes of node ``key`` (empty when the graph lacks it)."""
    if key not in graph:
        return NodeData()
    return as_node_data(graph.nodes[key])


def nodes_of(graph: nx.DiGraph) -> Iterator[tuple[Key, NodeData]]:
    """``(key, data)`` of every node, in the graph's order."""
    for key, attrs in graph.nodes(data=True):
        yield key, as_node_data(attrs)


def build_graph(
    versions: Iterable[ArtifactVersion | VersionCells], runs: Iterable[Run | RunCells],
    missing: Mapping[str, str],
    producers: Mapping[int, list[str]], edges: Iterable[tuple[str, str]], focus: str | None,
    links: Mapping[int, list[ArtifactVersion]] | None = None,
    summaries: Mapping[str, Mapping[str, Any]] | None = None,
) -> LineageGraph:
    """The raw lineage graph from store records: the one builder every reader shares.
    ``links`` are the registry links of source versions, by source id; ``summaries``
    the runs' summaries, by run id. Versions and runs are records or the store's cells
    (``records.cells``)."""
    graph = LineageGraph(focus=focus)
    found = links or {}
    insert_nodes(graph, ((version.key, NodeData.for_version(
        version, producers.get(version.id), found.get(version.id, ()))) for version in versions))
    summary_of = summaries or {}
    insert_nodes(graph, ((run.key, NodeData.for_run(run, summary_of.get(run.id)))
                         for run in runs))
    insert_nodes(graph, ((key, NodeData.for_missing(key, kind)) for key, kind in missing.items()))
    insert_edges(graph, edges)
    return graph


# add_nodes_from copies every attribute dict twice (and raises and catches a TypeError
# per node to tell a pair from a key), add_edges_from makes a dict per edge through
# several calls: together most of the time of a 50k-node lineage or view. Records that
# are new and owned by the graph go into networkx's own tables as add_node and add_edge
# would put them there, without the copies.


def insert_nodes(graph: nx.DiGraph, items: Iterable[tuple[Key, NodeData]]) -> None:
    """Add ``(key, data)`` nodes; ``data`` becomes the node's attribute dict itself."""
    succ, pred, node = graph._succ, graph._pred, graph._node
    for key, data in items:
        if key in node:
            node[key].update(data)
            continue
        succ[key] = {}
        pred[key] = {}
        node[key] = data
    nx._clear_cache(graph)


def insert_edges(graph: nx.DiGraph, edges: Iterable[tuple[Key, Key]]) -> None:
    """Add attribute-less edges (both ends added first when absent, as add_edge does)."""
    succ, pred, node = graph._succ, graph._pred, graph._node
    factory = graph.node_attr_dict_factory
    for u, v in edges:
        for end in (u, v):
            if end not in node:
                succ[end], pred[end], node[end] = {}, {}, factory()
        if v not in succ[u]:
            data: dict[str, Any] = {}
            succ[u][v] = data
            pred[v][u] = data
    nx._clear_cache(graph)
