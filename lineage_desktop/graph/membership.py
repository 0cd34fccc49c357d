"""Cluster membership in a view graph: which real nodes a cluster node stands for.

One home for "expand a cluster to its members", used by search, paths, the integrity
marks and the cards.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx

Key = Hashable


def members_of(attrs: Mapping[str, Any]) -> tuple[Key, ...]:
    """The members of a cluster node's attributes; () for any other node."""
    if attrs.get("kind") != "cluster":
        return ()
    return tuple(attrs.get("members") or ())


def member_count(attrs: Mapping[str, Any]) -> int:
    """How many nodes a cluster stands for (its ``count``, else its member list)."""
    try:
        return int(attrs.get("count") or len(attrs.get("members") or ()))
    except (TypeError, ValueError):
        return len(attrs.get("members") or ())


def stands_for(view: nx.DiGraph, key: Key) -> tuple[Key, ...]:
    """The real nodes ``key`` shows: a cluster's members, else the node itself."""
    attrs = view.nodes[key] if key in view else {}
    return members_of(attrs) or (key,)


def expand(view: nx.DiGraph, keys: Iterable[Key]) -> set[str]:
    """The keys with every cluster among them replaced by its members."""
    return {str(member) for key in keys for member in stands_for(view, key)}


def owners(view: nx.DiGraph) -> dict[str, str]:
    """Member key -> the key of the cluster that holds it, for every cluster of ``view``."""
    return {str(member): str(key) for key, attrs in view.nodes(data=True)
            for member in members_of(attrs)}
