"""Cluster membership in a view graph: which real nodes a cluster node stands for.

One home for "expand a cluster to its members", used by search, paths, the integrity
marks and the cards.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

from lineage_desktop.graph.nodes import node_data, nodes_of

Key = Hashable


def stands_for(view: nx.DiGraph, key: Key) -> tuple[Key, ...]:
    """The real nodes ``key`` shows: a cluster's members, else the node itself."""
    return node_data(view, key).members or (key,)


def expand(view: nx.DiGraph, keys: Iterable[Key]) -> set[str]:
    """The keys with every cluster among them replaced by its members."""
    return {str(member) for key in keys for member in stands_for(view, key)}


def owners(view: nx.DiGraph) -> dict[str, str]:
    """Member key -> the key of the cluster that holds it, for every cluster of ``view``."""
    return {str(member): str(key) for key, data in nodes_of(view) for member in data.members}
