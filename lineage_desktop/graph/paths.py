"""Audit helpers: the paths between two nodes, and everything downstream of a node."""
from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

from lineage_desktop.graph.levels import downstream_distances, upstream_distances
from lineage_desktop.graph.membership import expand, owners
from lineage_desktop.graph.nodes import node_data
from lineage_desktop.records import NotFound

Key = Hashable


def _require(graph: nx.DiGraph, *keys: Key) -> None:
    for key in keys:
        if key not in graph:
            raise NotFound(f"{key!r} is not a node of the lineage graph", asked=str(key))


def _between(graph: nx.DiGraph, source: Key, target: Key) -> set[Key]:
    """Nodes reachable from ``source`` that also reach ``target`` (empty if none)."""
    after = set(downstream_distances(graph, source))
    if target not in after:
        return set()
    return after & set(upstream_distances(graph, target))


def paths_between(graph: nx.DiGraph, a: Key, b: Key) -> nx.DiGraph:
    """Union of the directed paths from ``a`` to ``b`` and from ``b`` to ``a``, as a
    subgraph (attributes copied; ``graph["focus"]`` kept when present in the result).

    Computed by reachability (descendants of the start that are ancestors of the end),
    linear in the graph size instead of enumerating paths, which can be exponential.
    On a DAG this is exactly the union of all simple paths; on damaged cyclic data it
    also holds the cycles those paths touch. No path either way: an empty graph.
    ``a == b``: that node alone. Raises ``NotFound`` for keys not in ``graph``.
    """
    _require(graph, a, b)
    nodes = _between(graph, a, b) | _between(graph, b, a)
    sub = graph.subgraph(nodes).copy()
    if graph.graph.get("focus") not in nodes:
        sub.graph.pop("focus", None)
    return sub


def impact(graph: nx.DiGraph, key: Key, kind: str | None = None) -> list[Key]:
    """Every transitive descendant of ``key`` (not ``key`` itself), nearest first, then
    by key. ``kind`` ("run" or "artifact") keeps only nodes of that kind.
    Raises ``NotFound`` when ``key`` is not in ``graph``.
    """
    _require(graph, key)
    dist = downstream_distances(graph, key)
    dist.pop(key, None)
    found = [n for n in dist if kind is None or node_data(graph, n).kind == kind]
    return sorted(found, key=lambda n: (dist[n], str(n)))


def path_keys(graph: nx.DiGraph, a: Key, b: Key) -> set[str]:
    """Keys of every node on a directed path between ``a`` and ``b`` (either way)."""
    return {str(k) for k in paths_between(graph, a, b).nodes}


def view_path_keys(raw: nx.DiGraph | None, view: nx.DiGraph, a: str, b: str) -> set[str]:
    """Keys of ``view`` to mark for the paths between ``a`` and ``b``.

    Paths are found in the raw graph when both ends are real nodes (so a path running
    through a cluster marks that cluster), else in the view graph (a cluster end).
    """
    if raw is not None and a in raw and b in raw:
        owner = owners(view)
        shown = (key if key in view else owner.get(key) for key in path_keys(raw, a, b))
        return {key for key in shown if key is not None}
    return path_keys(view, a, b)


def isolated_graph(raw: nx.DiGraph, view: nx.DiGraph | None, a: str, b: str) -> nx.DiGraph:
    """The raw subgraph of the paths between ``a`` and ``b``, ready for ``LineageModel``.

    A cluster end stands for its members: the paths are found in the view graph and
    every cluster on them contributes all its members. ``graph["focus"]`` is the shown
    focus when it lies on a path, else the upstream end.
    """
    if a in raw and b in raw:
        sub = paths_between(raw, a, b)
    else:
        if view is None:
            raise KeyError(f"{a!r} or {b!r} is not in the lineage graph")
        keys = expand(view, path_keys(view, a, b))
        sub = raw.subgraph(k for k in keys if k in raw).copy()
    focus = raw.graph.get("focus")
    if focus not in sub:
        heads = sorted(str(k) for k in sub.nodes if sub.in_degree(k) == 0)
        focus = heads[0] if heads else (next(iter(sub.nodes), None))
    sub.graph["focus"] = focus
    sub.graph["path_ends"] = (a, b)
    return sub
