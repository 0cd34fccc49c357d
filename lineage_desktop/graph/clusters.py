"""W&B-style clusters: wide levels of one kind and type collapse into one node.

Within one level, ``threshold`` or more runs of one job type, or ``threshold`` or more
artifact versions of one artifact type, become one cluster node. Versions of a single
artifact are grouped first, so "7 versions of churn-model" stays separate from other
models when it reaches the threshold on its own. The focus, extracted nodes and missing
placeholders never collapse; the neighbours of extracted nodes cluster apart from the
others (see ``extraction``).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from lineage_desktop.graph.extraction import split_of, split_suffix
from lineage_desktop.graph.nodes import (
    LineageGraph,
    NodeData,
    insert_edges,
    insert_nodes,
    node_data,
    nodes_of,
)
from lineage_desktop.records import cluster_key, parse_key

Key = Hashable
DEFAULT_THRESHOLD = 5
_DIGITS = re.compile(r"(\d+)")
# (level, kind or artifact type, type or artifact name, extraction tag): one group each
_Group = tuple[int, str, str, frozenset[Key]]


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders ``data:v2`` before ``data:v10`` (digits compare as numbers)."""
    parts = _DIGITS.split(text)
    return tuple(
        (0, int(p), "") if i % 2 else (1, 0, p.casefold()) for i, p in enumerate(parts) if p
    )


def member_sort_key(key: Key, data: NodeData) -> tuple[Any, str]:
    """Deterministic member order: by label (numbers compared as numbers), then by key."""
    return natural_key(data.label_or(key)), str(key)


def node_type(data: NodeData) -> str:
    """The type a node clusters by: job type for runs (None -> "run"), artifact type."""
    return data.type or ("run" if data.is_run else "unknown")


def artifact_name(key: Key, data: NodeData) -> str:
    """Artifact (collection) name of a version node, from its attributes or its key."""
    if data.name:
        return data.name
    kind, name, _ = parse_key(str(key))
    return name if kind == "artifact" else str(key)


def cluster_label(member_kind: str, type_: str, count: int, name: str | None = None) -> str:
    """Human label: "12 train runs", "12 runs", "7 dataset artifacts", "7 versions of m"."""
    if name is not None:
        return f"{count} versions of {name}"
    if member_kind == "run":
        return f"{count} runs" if type_ == "run" else f"{count} {type_} runs"
    return f"{count} {type_} artifacts"


@dataclass
class ClusterPlan:
    """Which nodes collapse: cluster key -> ordered members, and the attributes to draw."""

    members: dict[str, list[Key]] = field(default_factory=dict)
    attrs: dict[str, NodeData] = field(default_factory=dict)
    cluster_of: dict[Key, str] = field(default_factory=dict)


def plan_clusters(
    graph: nx.DiGraph,
    levels: Mapping[Key, int],
    threshold: int | None = DEFAULT_THRESHOLD,
    keep: Collection[Key] = (),
    drop: Collection[Key] = (),
    split: Mapping[Key, frozenset[Key]] | None = None,
) -> ClusterPlan:
    """Decide the clusters of ``graph`` without building anything.

    ``keep`` holds nodes that never collapse (the focus, extracted nodes), ``drop``
    nodes left out of the view (hidden ones). ``split`` tags the neighbours of extracted
    nodes (``extraction.extraction_split``): nodes with different tags never share a
    cluster, so an extracted node's edges reach its exact neighbours. A threshold of 0
    or None disables clustering. Nodes without a level are left alone.
    """
    plan = ClusterPlan()
    if not threshold or threshold < 1:
        return plan
    split = split or {}
    by_type: dict[_Group, list[Key]] = defaultdict(list)
    by_name: dict[_Group, list[Key]] = defaultdict(list)
    for node, data in nodes_of(graph):
        if node in keep or data.missing or node not in levels or node in drop:
            continue
        tag = split_of(split, node)
        if data.is_run:
            by_type[(levels[node], "run", node_type(data), tag)].append(node)
        elif data.is_artifact:
            name_group = (levels[node], node_type(data), artifact_name(node, data), tag)
            by_name[name_group].append(node)
    for (level, type_, name, tag), members in by_name.items():
        if len(members) >= threshold:
            key = cluster_key(level, "artifact", type_, name) + split_suffix(tag)
            _add(plan, graph, key, members, level, "artifact", type_, name, tag)
        else:
            by_type[(level, "artifact", type_, tag)].extend(members)
    for (level, kind, type_, tag), members in by_type.items():
        if len(members) >= threshold:
            key = cluster_key(level, kind, type_) + split_suffix(tag)
            _add(plan, graph, key, members, level, kind, type_, tag=tag)
    return plan


def _add(
    plan: ClusterPlan, graph: nx.DiGraph, key: str, members: list[Key], level: int,
    member_kind: str, type_: str, name: str | None = None, tag: frozenset[Key] = frozenset(),
) -> None:
    nodes = {m: node_data(graph, m) for m in members}
    ordered = sorted(members, key=lambda m: member_sort_key(m, nodes[m]))
    label = cluster_label(member_kind, type_, len(ordered), name) + _via(graph, tag)
    plan.attrs[key] = NodeData.for_cluster(
        member_kind, type_, label, ordered, {m: nodes[m] for m in ordered}, level, name)
    plan.members[key] = ordered
    for member in ordered:
        plan.cluster_of[member] = key


def _via(graph: nx.DiGraph, tag: frozenset[Key]) -> str:
    """What tells a cluster split off by extraction from its twin: " via data:v3"."""
    if not tag:
        return ""
    if len(tag) > 1:
        return f" via {len(tag)} extracted nodes"
    (node,) = tag
    return f" via {node_data(graph, node).label_or(node)}"


def apply_clusters(
    graph: nx.DiGraph, levels: Mapping[Key, int], plan: ClusterPlan, drop: Collection[Key] = (),
) -> nx.DiGraph:
    """Build the view graph: members replaced by their cluster, edges redirected and
    deduplicated, no self-loops from clustering, every node carrying ``level``; nodes of
    ``drop`` and their edges left out. ``graph`` is not changed: the view's nodes are
    copies.

    Nodes are added in (level, key) order so that layouts are stable across rebuilds.
    """
    view = LineageGraph()
    view.graph.update(graph.graph)
    rows: list[tuple[int, str, Key, NodeData]] = []
    for node, data in nodes_of(graph):
        if node in plan.cluster_of or node in drop:
            continue
        level = levels.get(node)
        rows.append((level if level is not None else 0, str(node), node,
                     data.with_level(level)))
    for key, data in plan.attrs.items():
        rows.append((data.level or 0, key, key, data))
    rows.sort(key=lambda row: (row[0], row[1]))
    insert_nodes(view, ((node, attrs) for _, _, node, attrs in rows))
    rep = plan.cluster_of
    plain: list[tuple[Key, Key]] = []
    for u, v, data in graph.edges(data=True):
        if u in drop or v in drop:
            continue
        if u not in rep and v not in rep:
            if data:
                view.add_edge(u, v, **data)
            else:
                plain.append((u, v))  # a self-loop here is damaged data: keep it visible
            continue
        ru, rv = rep.get(u, u), rep.get(v, v)
        if ru != rv:  # inside one cluster it would only be a self-loop
            plain.append((ru, rv))
    insert_edges(view, plain)  # duplicates collapse into one edge
    return view


def cluster_graph(
    graph: nx.DiGraph,
    levels: Mapping[Key, int],
    threshold: int | None = DEFAULT_THRESHOLD,
    keep: Collection[Key] = (),
    drop: Collection[Key] = (),
    split: Mapping[Key, frozenset[Key]] | None = None,
) -> tuple[nx.DiGraph, ClusterPlan]:
    """Plan and apply clusters; the focus (``graph.graph["focus"]``) is always kept."""
    focus = graph.graph.get("focus")
    kept = set(keep)
    if focus is not None:
        kept.add(focus)
    plan = plan_clusters(graph, levels, threshold, kept, drop, split)
    return apply_clusters(graph, levels, plan, drop), plan
