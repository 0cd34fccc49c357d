"""Where hidden nodes were: marks that keep the picture of a lineage after hiding.

Hiding removes a node from the view, not from the lineage: levels are computed before
hiding, and each group of hidden nodes leaves a *mark* in its place, connected to the
visible nodes (or clusters, or other marks) the hidden ones touched. The layout places a
mark like the node it stands for, so the nodes around it keep their columns, and the
window draws it as a small "2 hidden" pill with dashed edges that restores its members
when clicked.

Hidden nodes of one level that share a neighbour form one mark (hiding a cluster leaves
one mark, not one per member); hidden nodes of different levels never share one, so a
hidden chain keeps one column per level.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain

import networkx as nx

Key = Hashable
MARK_PREFIX = "hidden:"


@dataclass(frozen=True)
class HiddenMark:
    """One group of hidden nodes of one level, as the view shows it.

    ``key`` names the mark in layouts (``hidden:<level>:<first member>``, never a graph
    key of the view); ``members`` and ``labels`` are the hidden nodes in the order they
    were hidden; ``sources`` are the view nodes (or marks) with an edge into the group,
    ``targets`` those the group has an edge to.
    """

    key: str
    level: int
    members: tuple[str, ...]
    labels: tuple[str, ...]
    sources: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """What the mark says: ``1 hidden``, ``3 hidden``."""
        return f"{len(self.members)} hidden"

    @property
    def tooltip(self) -> str:
        """Plain text naming every member (escape it before showing it as rich text)."""
        shown = list(self.labels[:12])
        more = len(self.labels) - len(shown)
        lines = ["Hidden here:", *(f"  {label}" for label in shown)]
        if more:
            lines.append(f"  … and {more} more")
        lines.append("Click to show again (or View > Hidden nodes).")
        return "\n".join(lines)


def is_mark_key(key: object) -> bool:
    """True for the layout keys of hidden marks."""
    return isinstance(key, str) and key.startswith(MARK_PREFIX)


def hidden_marks(
    graph: nx.DiGraph,
    levels: Mapping[Key, int],
    hidden: Mapping[Key, str],
    shown_as: Mapping[Key, str],
    view: nx.DiGraph,
) -> list[HiddenMark]:
    """The marks of the ``hidden`` nodes (key -> label, in hiding order) of ``graph``.

    ``levels`` are the levels computed before hiding (nodes without one are out of the
    lineage and leave no mark), ``shown_as`` maps clustered nodes to their cluster key
    and ``view`` is the view graph the marks attach to. A mark that touches nothing
    visible (all its neighbours hidden or out of the view) is left out.
    """
    keys = [k for k in hidden if k in graph and k in levels]
    if not keys:
        return []
    is_hidden = set(keys)
    groups = _group(graph, levels, keys, is_hidden, shown_as)
    mark_of: dict[Key, str] = {}
    for members in groups:
        key = f"{MARK_PREFIX}{levels[members[0]]}:{members[0]}"
        for member in members:
            mark_of[member] = key

    def where(node: Key) -> str | None:
        if node in is_hidden:
            return mark_of.get(node)
        shown = shown_as.get(node, node)
        return str(shown) if shown in view else None

    marks = []
    for members in groups:
        key = mark_of[members[0]]
        sources = _ordered(where(p) for m in members for p in graph.predecessors(m))
        targets = _ordered(where(s) for m in members for s in graph.successors(m))
        sources = tuple(s for s in sources if s != key)
        targets = tuple(t for t in targets if t != key)
        marks.append(HiddenMark(key, levels[members[0]], tuple(str(m) for m in members),
                                tuple(hidden[m] for m in members), sources, targets))
    return _connected(marks)


def _group(
    graph: nx.DiGraph,
    levels: Mapping[Key, int],
    keys: list[Key],
    is_hidden: set[Key],
    shown_as: Mapping[Key, str],
) -> list[list[Key]]:
    """Hidden nodes of one level sharing a neighbour (as shown) fall in one group."""
    parent = {k: k for k in keys}

    def root(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    first_at: dict[tuple[int, Key], Key] = {}
    for k in keys:
        for n in chain(graph.predecessors(k), graph.successors(k)):
            shared = (levels[k], n if n in is_hidden else shown_as.get(n, n))
            other = first_at.setdefault(shared, k)
            a, b = root(other), root(k)
            if a != b:
                parent[b] = a
    groups: dict[Key, list[Key]] = {}
    for k in keys:  # hiding order within and across groups
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())


def _connected(marks: list[HiddenMark]) -> list[HiddenMark]:
    """Leave out marks that reach no visible node, even through other marks."""
    by_key = {m.key: m for m in marks}
    reaches: set[str] = set()
    frontier = [m.key for m in marks
                if any(not is_mark_key(k) for k in (*m.sources, *m.targets))]
    while frontier:
        key = frontier.pop()
        if key in reaches:
            continue
        reaches.add(key)
        mark = by_key[key]
        frontier.extend(k for k in (*mark.sources, *mark.targets) if is_mark_key(k))
    kept = [m for m in marks if m.key in reaches]
    return kept


def _ordered(keys: Iterable[str | None]) -> tuple[str, ...]:
    """Unique keys, first occurrence first, Nones dropped."""
    return tuple(dict.fromkeys(k for k in keys if k is not None))
