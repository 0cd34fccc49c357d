"""The lineage model: raw graph + user state (depths, threshold, hidden, extracted) -> view.

Pure Python over networkx, no Qt: the window's controller owns one ``LineageModel`` per
shown lineage, changes its state from user intents and hands ``view()`` to layout.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

from lineage_desktop.graph.checks import find_problems, normalize_nodes
from lineage_desktop.graph.clusters import DEFAULT_THRESHOLD, ClusterPlan, cluster_graph
from lineage_desktop.graph.extraction import extraction_split
from lineage_desktop.graph.hidden import HiddenMark, hidden_marks
from lineage_desktop.graph.levels import compute_levels, depth_keep, induced_copy, unlevelled
from lineage_desktop.graph.nodes import NodeData, needs_repair, node_data, nodes_of
from lineage_desktop.graph.search import search_members
from lineage_desktop.records.collector import gc_paused

Key = Hashable


class LineageModel:
    """A lineage graph as the user sees it.

    ``raw`` is the graph from ``Api.lineage`` (``raw.graph["focus"]`` names the focus
    unless ``focus`` is given). The model never changes ``raw`` and never raises on bad
    data: cycles, missing placeholders and attribute-less nodes are drawn and listed in
    ``problems``.

    Pipeline of ``view()``: restrict to the depths -> repair attribute-less nodes ->
    levels -> drop unconnected and hidden nodes -> cluster (the focus and extracted nodes
    kept out, the neighbours of extracted nodes apart from the rest) -> marks where
    hidden nodes were (``hidden_marks``). Levels are computed before hiding, so hiding
    never shifts other nodes.
    The view is cached until the state changes; treat it as read-only.
    """

    def __init__(
        self,
        raw: nx.DiGraph,
        focus: Key | None = None,
        cluster_threshold: int | None = DEFAULT_THRESHOLD,
        upstream: int | None = None,
        downstream: int | None = None,
    ) -> None:
        self._raw = raw
        self._focus = focus if focus is not None else raw.graph.get("focus")
        self._threshold = cluster_threshold
        self._upstream = upstream
        self._downstream = downstream
        self._hidden: dict[Key, str] = {}  # insertion-ordered: the order the user hid them
        self._extracted: dict[Key, None] = {}
        self._view: nx.DiGraph | None = None
        self._plan = ClusterPlan()
        self._levels: dict[Key, int] = {}
        self._problems: list[str] = []
        self._marks: list[HiddenMark] = []

    # -- state ---------------------------------------------------------------------------

    @property
    def raw(self) -> nx.DiGraph:
        """The graph the model was built from (never modified)."""
        return self._raw

    @property
    def focus(self) -> Key | None:
        """Key of the focus node."""
        return self._focus

    @property
    def cluster_threshold(self) -> int | None:
        """Members needed to form a cluster; 0 or None: clustering off."""
        return self._threshold

    @property
    def depths(self) -> tuple[int | None, int | None]:
        """``(upstream, downstream)`` depth limits in edges; None means unlimited."""
        return self._upstream, self._downstream

    @property
    def hidden(self) -> list[tuple[Key, str]]:
        """Hidden nodes as ``(key, label)``, in the order they were hidden."""
        return list(self._hidden.items())

    @property
    def extracted(self) -> list[Key]:
        """Nodes the user pulled out of clusters, in the order they were extracted."""
        return list(self._extracted)

    @property
    def hidden_marks(self) -> list[HiddenMark]:
        """Where hidden nodes were in the current view (see ``graph.hidden``)."""
        self._ensure()
        return list(self._marks)

    @property
    def problems(self) -> list[str]:
        """Human-readable descriptions of bad data found while building the view."""
        self._ensure()
        return list(self._problems)

    @property
    def levels(self) -> dict[Key, int]:
        """Level of every raw node within the depths (hidden and clustered ones too)."""
        self._ensure()
        return dict(self._levels)

    def set_cluster_threshold(self, threshold: int | None) -> None:
        """Change the cluster threshold (0 or None turns clustering off)."""
        if threshold != self._threshold:
            self._threshold = threshold
            self._invalidate()

    def set_depths(self, upstream: int | None, downstream: int | None) -> None:
        """Change the upstream and downstream depth limits (None = unlimited, 0 = none)."""
        if (upstream, downstream) != (self._upstream, self._downstream):
            self._upstream, self._downstream = upstream, downstream
            self._invalidate()

    def update_raw(self, raw: nx.DiGraph, focus: Key | None = None) -> None:
        """Replace the raw graph (live updates, re-reads), keeping hidden and extracted
        nodes whose keys still exist. ``focus`` defaults to the current focus."""
        self._raw = raw
        if focus is not None:
            self._focus = focus
        elif self._focus is None:
            self._focus = raw.graph.get("focus")
        self._hidden = {k: self._label(k) for k in self._hidden if k in raw}
        self._extracted = {k: None for k in self._extracted if k in raw}
        self._invalidate()

    # -- user intents --------------------------------------------------------------------

    def hide(self, key: Key) -> bool:
        """Hide a node, or every member of a cluster. The focus cannot be hidden.

        Returns whether anything was newly hidden.
        """
        return self.hide_many([key])

    def hide_many(self, keys: Iterable[Key]) -> bool:
        """Hide several nodes (or clusters' members) at once: the view is rebuilt once,
        when next asked for, however many keys there are. Unknown keys and the focus are
        skipped. Returns whether anything was newly hidden."""
        changed = False
        for key in keys:
            for k in self._hideable(key):
                if k in self._raw and k != self._focus and k not in self._hidden:
                    self._hidden[k] = self._label(k)
                    changed = True
        if changed:
            self._invalidate()
        return changed

    def _hideable(self, key: Key) -> list[Key]:
        """The raw keys hiding ``key`` means: a raw node itself, or a cluster's members.

        Only a key the raw graph lacks can name a cluster, so hiding raw nodes never
        needs the view (restoring 30 hidden nodes used to build it 31 times)."""
        if key in self._raw:
            return [key]
        view = self._view
        if view is None and self._threshold:
            view = self.view()
        if view is not None and key in view and node_data(view, key).is_cluster:
            return list(node_data(view, key).members)
        return []

    def unhide(self, key: Key) -> bool:
        """Show a hidden node again; returns whether it was hidden."""
        if key not in self._hidden:
            return False
        del self._hidden[key]
        self._invalidate()
        return True

    def unhide_all(self) -> None:
        """Show every hidden node again."""
        if self._hidden:
            self._hidden.clear()
            self._invalidate()

    def extract(self, member_key: Key) -> bool:
        """Pull a node out of its cluster for good: it is drawn as a normal node, its own
        edges continue from it (its neighbours cluster apart from the rest, see
        ``graph.extraction``), and re-clustering keeps it out. A cluster that falls
        below the threshold dissolves. Returns False for keys not in the raw graph."""
        if member_key not in self._raw or member_key in self._extracted:
            return False
        self._extracted[member_key] = None
        self._invalidate()
        return True

    def unextract(self, key: Key) -> bool:
        """Let an extracted node collapse into clusters again."""
        if key not in self._extracted:
            return False
        del self._extracted[key]
        self._invalidate()
        return True

    # -- queries -------------------------------------------------------------------------

    def view(self) -> nx.DiGraph:
        """The view graph: visible nodes after depths, hiding and clustering; every node
        has ``level``; ``G.graph["focus"]`` and ``G.graph["problems"]`` are set."""
        self._ensure()
        assert self._view is not None
        return self._view

    def cluster_of(self, key: Key) -> str | None:
        """The cluster key ``key`` is collapsed into in the current view, else None."""
        self._ensure()
        return self._plan.cluster_of.get(key)

    def members(self, cluster_key: Key) -> list[Key]:
        """Ordered member keys of a cluster of the current view ([] if unknown)."""
        self._ensure()
        # Cluster keys are strings; any other key names no cluster.
        found = self._plan.members.get(cluster_key) if isinstance(cluster_key, str) else None
        return list(found or ())

    def search(self, cluster_key: Key, query: str) -> list[Key]:
        """Members of a cluster matching ``query`` (see ``search_members``)."""
        return search_members(self.view(), cluster_key, query)

    def node(self, key: Key) -> NodeData:
        """Attributes of a view node, or of a raw node (e.g. a cluster member); empty if
        unknown."""
        view = self.view()
        return node_data(view if key in view else self._raw, key)

    # -- building ------------------------------------------------------------------------

    def _label(self, key: Key) -> str:
        return node_data(self._raw, key).label_or(key)

    def _invalidate(self) -> None:
        self._view = None

    def _ensure(self) -> None:
        if self._view is None:
            with gc_paused():  # a copy of every shown node: no cycles to look for
                self._build()

    def _restricted(self, focus: Key) -> nx.DiGraph:
        """The raw graph within the depths: the raw graph itself when the depths keep
        everything and no node needs repairing (the view copies what it shows), else a
        copy the build may repair."""
        raw = self._raw
        keep = depth_keep(raw, focus, self._upstream, self._downstream)
        if len(keep) < raw.number_of_nodes():
            work = induced_copy(raw, keep)
        elif any(needs_repair(data) for _, data in nodes_of(raw)):
            work = raw.copy()
        else:
            return raw
        work.graph["focus"] = focus
        return work

    def _build(self) -> None:
        focus = self._focus
        self._plan = ClusterPlan()
        self._marks = []
        if focus is None or focus not in self._raw:
            self._levels = {}
            self._problems = [f"the focus {focus!r} is not in the lineage graph"]
            self._view = nx.DiGraph(focus=focus, problems=list(self._problems))
            return
        work = self._restricted(focus)
        # The raw graph itself comes back only when no node needs repairing.
        problems = [] if work is self._raw else normalize_nodes(work)
        problems += find_problems(work)
        levels = compute_levels(work, focus)
        orphans = unlevelled(work, levels)
        if orphans:
            problems.append(
                f"{len(orphans)} node(s) not connected to the focus left out: "
                + ", ".join(str(k) for k in orphans[:5])
            )
        drop = set(orphans).union(k for k in self._hidden if k != focus)
        split = extraction_split(work, self._extracted) if self._extracted else None
        view, plan = cluster_graph(work, levels, self._threshold, keep=self._extracted,
                                   drop=drop, split=split)
        view.graph["focus"] = focus
        view.graph["problems"] = list(problems)
        hidden = {k: label for k, label in self._hidden.items() if k != focus}
        self._marks = hidden_marks(work, levels, hidden, plan.cluster_of, view)
        self._levels, self._plan, self._problems, self._view = levels, plan, problems, view
