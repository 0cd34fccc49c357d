"""Extraction continues the lineage: a node pulled out of a cluster brings its edges along.

As on W&B's lineage page, an extracted node's own producer and consumers must show as
themselves, not as the cluster next door: the members of a cluster that are neighbours
of an extracted node are split from the others. Those of one level, kind and type that
touch the same extracted nodes form a group of their own: below the cluster threshold
they are drawn as plain nodes (the extracted node's edges go to the exact members),
at or above it they form a separate cluster that only the extracted node feeds (or is
fed by). The members touching no extracted node cluster as before.
"""
from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping

import networkx as nx

Key = Hashable


def extraction_split(graph: nx.DiGraph, extracted: Collection[Key]) -> dict[Key, frozenset[Key]]:
    """For every neighbour (predecessor or successor) of an extracted node in ``graph``,
    the set of extracted nodes it touches. Nodes touching none are absent."""
    touches: dict[Key, set[Key]] = {}
    for x in extracted:
        if x not in graph:
            continue
        for n in (*graph.predecessors(x), *graph.successors(x)):
            if n != x:
                touches.setdefault(n, set()).add(x)
    return {n: frozenset(xs) for n, xs in touches.items()}


def split_suffix(tag: frozenset[Key] | None) -> str:
    """The cluster-key suffix of a group split off by ``tag`` ("" for none):
    ``@<extracted>[,<extracted>...]``, sorted, so keys stay stable across rebuilds."""
    if not tag:
        return ""
    return "@" + ",".join(sorted(str(k) for k in tag))


def split_of(split: Mapping[Key, frozenset[Key]], node: Key) -> frozenset[Key]:
    """The tag of ``node`` in ``split`` (empty when it touches no extracted node)."""
    return split.get(node, frozenset())
