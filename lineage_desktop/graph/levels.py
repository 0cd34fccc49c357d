"""Levels (signed distance from the focus) and depth restriction of a lineage graph.

Edges run version -> run (the run used it) and run -> version (the run logged it), so
"upstream" means following predecessors and "downstream" following successors. A depth
counts edges, as MLMD does: from an artifact, its producing run is 1 upstream and that
run's inputs are 2.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable

import networkx as nx

from lineage_desktop.records import NotFound

Key = Hashable


def _bfs(
    start: Key, neighbours: Callable[[Key], Iterable[Key]], limit: int | None
) -> dict[Key, int]:
    """Distances in edges from ``start`` by breadth-first search, at most ``limit`` deep.

    A plain BFS visits each node once, so cycles in damaged data cannot loop it.
    """
    dist = {start: 0}
    if limit is not None and limit <= 0:
        return dist
    queue = deque([start])
    while queue:
        node = queue.popleft()
        d = dist[node] + 1
        for nxt in neighbours(node):
            if nxt not in dist:
                dist[nxt] = d
                if limit is None or d < limit:
                    queue.append(nxt)
    return dist


def upstream_distances(graph: nx.DiGraph, focus: Key, limit: int | None = None) -> dict[Key, int]:
    """Distance of every ancestor of ``focus`` (and 0 for the focus), ``limit`` edges at most."""
    return _bfs(focus, graph.predecessors, limit)


def downstream_distances(
    graph: nx.DiGraph, focus: Key, limit: int | None = None
) -> dict[Key, int]:
    """Distance of every descendant of ``focus`` (and 0 for the focus), ``limit`` edges at most."""
    return _bfs(focus, graph.successors, limit)


def _require(graph: nx.DiGraph, key: Key) -> None:
    if key not in graph:
        raise NotFound(f"{key!r} is not a node of the lineage graph", asked=str(key))


def compute_levels(graph: nx.DiGraph, focus: Key) -> dict[Key, int]:
    """Signed shortest distance in edges from ``focus``: 0 for the focus, negative for
    ancestors (following predecessors), positive for descendants (following successors).

    Cycles (damaged data) can make a node both an ancestor and a descendant; it gets the
    side with the smaller distance, and on a tie the upstream (negative) side, because
    "where did this come from" is the question lineage answers first.

    Nodes that are neither ancestors nor descendants (siblings or cousins, which the
    store does not return but a hand-made or merged graph may hold) are placed next to
    their nearest levelled neighbour: one level left of a node they feed, one level right
    of a node that feeds them, nearest to the focus first. Nodes in a component that does
    not touch the focus at all get no level; ``unlevelled`` lists them.

    Raises ``NotFound`` when ``focus`` is not in ``graph``.
    """
    _require(graph, focus)
    up = upstream_distances(graph, focus)
    down = downstream_distances(graph, focus)
    levels: dict[Key, int] = {}
    for node, d in down.items():
        levels[node] = d
    for node, d in up.items():
        if node not in levels or d <= levels[node]:
            levels[node] = -d
    if len(levels) < graph.number_of_nodes():
        _attach_the_rest(graph, levels)
    return levels


def _attach_the_rest(graph: nx.DiGraph, levels: dict[Key, int]) -> None:
    """Level the nodes not on a directed path through the focus by their nearest neighbour.

    Multi-source BFS over undirected adjacency, seeded in order of distance from the
    focus so that a node touching two levelled nodes takes the one nearer the focus.
    """
    seeds = sorted(levels, key=lambda k: (abs(levels[k]), levels[k] > 0, str(k)))
    queue = deque(seeds)
    while queue:
        node = queue.popleft()
        level = levels[node]
        for pred in graph.predecessors(node):
            if pred not in levels:
                levels[pred] = level - 1
                queue.append(pred)
        for succ in graph.successors(node):
            if succ not in levels:
                levels[succ] = level + 1
                queue.append(succ)


def unlevelled(graph: nx.DiGraph, levels: dict[Key, int]) -> list[Key]:
    """Nodes of ``graph`` that ``levels`` does not place (not connected to the focus)."""
    return sorted((n for n in graph if n not in levels), key=str)


def restrict_depth(
    graph: nx.DiGraph, focus: Key, upstream: int | None = None, downstream: int | None = None
) -> nx.DiGraph:
    """Subgraph of ``focus``, its ancestors within ``upstream`` edges and its descendants
    within ``downstream`` edges (None = unlimited, 0 = none).

    Siblings and cousins are left out: only nodes on directed paths to or from the focus
    stay. Edges between kept nodes are kept. Node and graph attributes are copied
    (shallowly), so callers may change the result's attribute dicts.

    Raises ``NotFound`` when ``focus`` is not in ``graph``.
    """
    keep = depth_keep(graph, focus, upstream, downstream)
    sub = graph.copy() if len(keep) == graph.number_of_nodes() else induced_copy(graph, keep)
    sub.graph["focus"] = focus
    return sub


def depth_keep(
    graph: nx.DiGraph, focus: Key, upstream: int | None = None, downstream: int | None = None
) -> set[Key]:
    """The nodes ``restrict_depth`` keeps, without building the subgraph."""
    _require(graph, focus)
    keep = set(upstream_distances(graph, focus, upstream))
    keep.update(downstream_distances(graph, focus, downstream))
    return keep


def induced_copy(graph: nx.DiGraph, keep: set[Key]) -> nx.DiGraph:
    """``graph.subgraph(keep).copy()`` without the subgraph view, which filters every
    adjacency lookup and is several times slower on large graphs."""
    sub = graph.__class__()  # a LineageGraph stays one
    sub.graph.update(graph.graph)
    nodes = graph.nodes
    sub.add_nodes_from((n, nodes[n]) for n in graph if n in keep)
    succ = graph.adj
    sub.add_edges_from(
        (u, v, data) for u in sub for v, data in succ[u].items() if v in keep
    )
    return sub
