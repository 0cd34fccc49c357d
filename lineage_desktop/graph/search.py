"""Searching a cluster's members: exact matches first, then prefixes, then substrings."""
from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from typing import Any

import networkx as nx

from lineage_desktop.graph.nodes import NodeData, as_node_data, node_data, nodes_of
from lineage_desktop.records import NotFound

Key = Hashable
EXACT, PREFIX, SUBSTRING = 0, 1, 2


def searchable_texts(key: Key, attrs: Mapping[str, Any]) -> Iterator[str]:
    """The strings a member is found by: label, name, ``name:vN``, version, aliases
    (also as ``name:alias``), run name and run id; the key only when there is no label
    (matching "artifact:" in every key would make every query a prefix match)."""
    data = as_node_data(attrs)
    if not data.label:
        yield str(key)
    for value in (data.label, data.name, data.version, data.id):
        if value:
            yield value
    name, version = data.name, data.version
    if data.is_artifact and name and version:
        yield f"{name}:{version}"
    for alias in data.aliases:
        yield alias
        if name:
            yield f"{name}:{alias}"


def match_rank(query: str, texts: Iterator[str] | list[str]) -> int | None:
    """Best rank of ``query`` (already case-folded) against ``texts``; None: no match."""
    best: int | None = None
    for text in texts:
        folded = text.casefold()
        if folded == query:
            return EXACT
        if folded.startswith(query):
            best = PREFIX
        elif best is None and query in folded:
            best = SUBSTRING
    return best


def _members(graph: nx.DiGraph, cluster_key: Key) -> tuple[list[Key], NodeData]:
    if cluster_key not in graph:
        raise NotFound(f"{cluster_key!r} is not a node of this graph", asked=str(cluster_key))
    cluster = node_data(graph, cluster_key)
    return list(cluster.members), cluster


def search_members(graph: nx.DiGraph, cluster_key: Key, query: str) -> list[Key]:
    """Member keys of the cluster ``cluster_key`` in the view ``graph`` matching ``query``.

    Case-insensitive; ranked exact matches first, then prefix matches, then substring
    matches, each group in member order. An empty (or blank) query returns every member
    in order. Member attributes come from the cluster's ``member_attrs`` (set by the
    clustering); members present as nodes of ``graph`` are also looked up there.
    Raises ``NotFound`` for an unknown cluster key.
    """
    members, cluster = _members(graph, cluster_key)
    folded = query.strip().casefold()
    if not folded:
        return members
    ranked: list[tuple[int, int, Key]] = []
    for position, member in enumerate(members):
        attrs = cluster.member(member) or node_data(graph, member)
        rank = match_rank(folded, list(searchable_texts(member, attrs)))
        if rank is not None:
            ranked.append((rank, position, member))
    ranked.sort(key=lambda row: (row[0], row[1]))
    return [member for _, _, member in ranked]


def cluster_members(view: nx.DiGraph, cluster_key: str, query: str = "") -> list[str]:
    """Members of a cluster of ``view`` matching ``query`` (all when blank), ranked by
    the graph layer's member search; [] for an unknown cluster."""
    if cluster_key not in view:
        return []
    try:
        return [str(k) for k in search_members(view, cluster_key, query)]
    except LookupError:
        return []


def _rank(query: str, key: Key, attrs: Mapping[str, Any]) -> int | None:
    # A whole graph key ("run:abc") finds its node; parts of keys would match noise.
    if query == str(key).casefold():
        return EXACT
    return match_rank(query, list(searchable_texts(key, attrs)))


def find_nodes(view: nx.DiGraph, text: str) -> list[str]:
    """Keys of the nodes of ``view`` matching ``text`` (name, version, alias, run id, whole
    key; a cluster matches when one of its members does), best matches first, then in
    graph order."""
    query = text.strip().casefold()
    if not query:
        return []
    ranked: list[tuple[int, int, str]] = []
    for position, (key, data) in enumerate(nodes_of(view)):
        rank = _rank(query, key, data)
        if rank is None and data.is_cluster:
            found = [r for r in (_rank(query, m, data.member(m)) for m in data.members)
                     if r is not None]
            rank = min(found) + 1 if found else None  # below a direct match
        if rank is not None:
            ranked.append((rank, position, str(key)))
    ranked.sort()
    return [key for _, _, key in ranked]
