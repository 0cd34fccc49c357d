"""The work the query thread does: plain functions of an ``Api`` returning plain data.

No Qt here: these run on the worker thread and hand back frozen records, light tuples
and graphs that the UI thread then only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx

from lineage_desktop.graph.hidden import HiddenMark
from lineage_desktop.graph.levels import downstream_distances, upstream_distances
from lineage_desktop.graph.model import LineageModel
from lineage_desktop.graph.nodes import NodeData, node_data
from lineage_desktop.graph.search import cluster_members as cluster_members
from lineage_desktop.graph.search import find_nodes as find_nodes
from lineage_desktop.graph.views import same_view as same_view
from lineage_desktop.records import (
    ArtifactCollection,
    ManifestEntry,
    artifact_key,
    parse_key,
    run_key,
)
from lineage_desktop.sdk import Api
from lineage_desktop.store import RunOrder, parse_time
from lineage_desktop.store.search import SearchResult

# The first view of a lineage (no depths chosen): all of it up to about this many nodes,
# else the neighbourhood of the focus that holds about as many (DESIGN: "The first view").
FIRST_VIEW_NODES = 500
FIRST_VIEW_DEPTH = 8  # edges both ways of the first bounded read; doubled while small

# Sort orders of the run list, (ascending, descending) for each sort column.
RUN_ORDERS = {
    "started": (RunOrder.STARTED_ASC, RunOrder.STARTED_DESC),
    "state": (RunOrder.STATE_ASC, RunOrder.STATE_DESC),
    "job_type": (RunOrder.JOB_TYPE_ASC, RunOrder.JOB_TYPE_DESC),
    "name": (RunOrder.NAME_ASC, RunOrder.NAME_DESC),
}


class VersionRow(NamedTuple):
    """One artifact version as the sidebar lists it (a tuple of plain values: the garbage
    collector stops tracking it, which matters at 100,000 rows)."""

    index: int
    aliases: tuple[str, ...]
    created_at: str | None
    key: str


class VersionList:
    """The versions of one collection, newest first, kept as columns (a list of ints, a
    list of strings, a dict of the few versions with aliases): 100,000 versions are a
    handful of objects for the garbage collector instead of 200,000. Rows are built
    on demand."""

    __slots__ = ("name", "indices", "created", "aliases")

    def __init__(
        self,
        name: str,
        indices: list[int],
        created: list[str | None],
        aliases: dict[int, tuple[str, ...]],
    ) -> None:
        self.name, self.indices, self.created, self.aliases = name, indices, created, aliases

    def __len__(self) -> int:
        return len(self.indices)

    def row(self, position: int) -> VersionRow:
        index = self.indices[position]
        return VersionRow(
            index,
            self.aliases.get(index, ()),
            self.created[position],
            artifact_key(self.name, index),
        )

    def rows(self, start: int, end: int) -> list[VersionRow]:
        return [self.row(i) for i in range(start, min(end, len(self.indices)))]


class RunRow(NamedTuple):
    """One run as the run list shows it (a plain tuple, like ``VersionRow``)."""

    id: str
    name: str
    job_type: str | None
    state: str
    started_at: str | None
    finished_at: str | None
    author: str | None

    @property
    def key(self) -> str:
        return run_key(self.id)


@dataclass(frozen=True)
class GraphSnapshot:
    """What the UI thread may read of a lineage model: the graphs and state it produced.

    The model itself stays with the worker (it is mutated there); the view and raw
    graphs of a snapshot are never modified afterwards.
    """

    focus: str
    raw: nx.DiGraph
    view: nx.DiGraph
    hidden: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    depths: tuple[int | None, int | None] = (None, None)
    threshold: int | None = None
    marks: tuple[HiddenMark, ...] = ()  # where hidden nodes were (graph.hidden)
    extracted: tuple[str, ...] = ()  # nodes pulled out of clusters, in that order

    def attrs(self, key: str) -> NodeData:
        """Attributes of a visible node, else of a raw node (cluster member); empty if
        unknown."""
        return node_data(self.view if key in self.view else self.raw, key)

    def label(self, key: str) -> str:
        return self.attrs(key).label_or(key)


def snapshot(model: LineageModel) -> GraphSnapshot:
    """Build the model's view (on the worker) and capture it for the UI thread."""
    view = model.view()
    return GraphSnapshot(
        focus=str(model.focus),
        raw=model.raw,
        view=view,
        hidden=[(str(k), label) for k, label in model.hidden],
        problems=list(view.graph.get("problems") or ()),
        depths=model.depths,
        threshold=model.cluster_threshold,
        marks=tuple(model.hidden_marks),
        extracted=tuple(str(k) for k in model.extracted),
    )


def load_lineage(
    api: Api,
    ref: str,
    upstream: int | None,
    downstream: int | None,
    threshold: int | None,
    hidden: Iterable[str],
    extracted: Iterable[str] = (),
    budget: int | None = None,
) -> tuple[LineageModel, GraphSnapshot]:
    """Read the lineage around ``ref`` and build a model with the user's hidden and
    extracted nodes (those of a history entry when going Back or Forward).

    ``budget`` (the window's first view, when the user chose no depths): read all of the
    lineage when it holds about ``budget`` nodes or fewer, else only the focus's
    neighbourhood, deep enough to hold about ``budget`` nodes; the model's depths say
    which (see ``bounded_lineage``)."""
    if budget is not None:
        raw, (upstream, downstream) = bounded_lineage(api, ref, budget)
    else:
        raw = api.lineage(ref, upstream=upstream, downstream=downstream)
    model = LineageModel(raw, cluster_threshold=threshold, upstream=upstream, downstream=downstream)
    # Only raw keys: another lineage's key would make the model look for a cluster.
    model.hide_many(key for key in hidden if key in raw)  # the focus is skipped
    for key in extracted:
        model.extract(key)
    return model, snapshot(model)


def bounded_lineage(
    api: Api, ref: str, budget: int, depth: int = FIRST_VIEW_DEPTH
) -> tuple[nx.DiGraph, tuple[int | None, int | None]]:
    """The lineage of ``ref`` read in bounded steps: ``depth`` edges both ways, doubled
    while the graph is cut at that depth and holds fewer than ``budget`` nodes. Returns
    the graph and its depths: ``(None, None)`` when it is the whole lineage, else the
    depth read both ways. Each step costs about what it shows, so a chain of a million
    versions is never read to its end for a first view."""
    while True:
        raw = api.lineage(ref, upstream=depth, downstream=depth)
        focus = raw.graph.get("focus")
        deepest = max(
            max(upstream_distances(raw, focus, depth).values(), default=0),
            max(downstream_distances(raw, focus, depth).values(), default=0),
        ) if focus in raw else 0
        if deepest < depth:  # nothing reaches the cut: this is all of it
            return raw, (None, None)
        if raw.number_of_nodes() >= budget:
            return raw, (depth, depth)
        depth *= 2


def model_of(
    api: Api, raw: nx.DiGraph, threshold: int | None, hidden: Iterable[str]
) -> tuple[LineageModel, GraphSnapshot]:
    """A model of a given raw graph (not read from the store), with hidden nodes."""
    model = LineageModel(raw, cluster_threshold=threshold)
    model.hide_many(key for key in hidden if key in raw)
    return model, snapshot(model)


def set_as_of(api: Api, moment: str | None) -> None:
    """Make the worker's reads show the store as of ``moment`` (None: now)."""
    api.as_of = parse_time(moment) if moment else None


def load_impact(api: Api, ref: str) -> list[Any]:
    """Every run and version downstream of ``ref`` (``audit.impact_rows``)."""
    from lineage_desktop.audit import impact_rows

    return impact_rows(api, ref)


def reload_lineage(
    api: Api, model: LineageModel, upstream: int | None, downstream: int | None
) -> GraphSnapshot:
    """Re-read the model's lineage (new depths, or another process wrote) in place."""
    raw = api.lineage(str(model.focus), upstream=upstream, downstream=downstream)
    model.set_depths(upstream, downstream)
    model.update_raw(raw)
    return snapshot(model)


def mutate(
    model: LineageModel, change: Callable[[LineageModel], Any]
) -> Callable[[Api], GraphSnapshot]:
    """A worker task applying ``change`` to ``model`` and returning the new snapshot."""

    def task(api: Api) -> GraphSnapshot:
        change(model)
        return snapshot(model)

    return task


# Collections of one type read (and handed to the sidebar) at a time: a store of 5,000
# collections of a type lists the first page at once and the rest as the user scrolls.
COLLECTION_PAGE = 200


class CollectionTree(NamedTuple):
    """The sidebar's first look at a store: every artifact type with its number of
    collections, and the first page of collections of each type (by name)."""

    types: dict[str, int]
    collections: list[ArtifactCollection]


def load_collections(api: Api) -> CollectionTree:
    """Every artifact type of the store with its number of collections and the first
    ``COLLECTION_PAGE`` collections of each (with version counts), as of the Api's
    moment: what it costs does not grow with the number of collections."""
    types = api.store.collection_types(api.as_of)
    return CollectionTree(types, [c for name in types
                                  for c in load_collection_page(api, name, 0)])


def load_collection_page(
    api: Api, type_name: str, offset: int, limit: int | None = None,
) -> list[ArtifactCollection]:
    """Collections of type ``type_name`` from position ``offset`` by name (a page of
    ``COLLECTION_PAGE`` unless ``limit``), with their version counts, as of the Api's
    moment."""
    return api.store.collections(None, type_name, api.as_of,
                                 limit=COLLECTION_PAGE if limit is None else limit,
                                 offset=offset)


def load_versions(api: Api, name: str, project: str, entity: str) -> VersionList:
    """Versions of one collection, newest first, as columns."""
    versions = api.collection_versions(name, project, entity)[::-1]
    return VersionList(
        name,
        [v.index for v in versions],
        [v.created_at for v in versions],
        {v.index: tuple(v.aliases) for v in versions if v.aliases},
    )


# Versions the as-of timeline lists at a time, newest first; "Older versions…" reads on.
TIMELINE_VERSIONS = 200


class Timeline(NamedTuple):
    """A page of the as-of timeline: ``(label, ISO moment)`` newest first, and the index
    below which older versions remain to be read (None: this page reaches the oldest)."""

    moments: list[tuple[str, str]]
    older: int | None


def load_timeline(
    api: Api, name: str, project: str, entity: str, before: int | None = None,
    newest: int | None = None,
) -> Timeline:
    """``(label, ISO moment)`` of the newest ``newest`` versions of a collection (those
    below index ``before``: the next page) and of the moves of its aliases in their
    span (the newest ``MAX_ALIAS_MOVES``), newest first, read as the store is *now*
    (the moments to pick from, whatever the as-of moment is). A move made as its target
    was logged (``latest`` on a new version) is that version's moment, not listed twice;
    aliases moved together (one ``save()``) share one line. Reads a page, never the
    whole history of a collection of a million versions."""
    newest = TIMELINE_VERSIONS if newest is None else newest
    moment, api.as_of = api.as_of, None  # the worker runs one task at a time
    try:
        # One more than a page: whether older versions remain, without counting them.
        versions = api.collection_versions(name, project, entity, newest=newest + 1,
                                           before=before)
        # The moves within this page's span: from its oldest version (the last page: all
        # older moves) up to the version above it (the previous page's oldest), so no
        # move is listed twice.
        high = None if before is None else _created_at(api, name, project, entity, before)
        moves = [m for p in api.store.find_projects(project, entity)
                 for m in api.store.alias_moves(name, p.id, before=high)]
    finally:
        api.as_of = moment
    more = len(versions) > newest
    versions = versions[-newest:] if newest > 0 else []
    older = versions[0].index if more and versions else None
    low = versions[0].created_at if more and versions else None
    created = {v.index: v.created_at for v in versions}
    entries: list[tuple[str, int, str]] = []  # (moment, kind: 1 version / 0 move, label)
    for v in versions:
        if v.created_at:
            aliases = f"  [{', '.join(v.aliases)}]" if v.aliases else ""
            entries.append((v.created_at, 1, f"{v.name}:{v.version} — {_when(v.created_at)}"
                                              f"{aliases}"))
    together: dict[tuple[str, int | None], list[str]] = {}
    for m in moves:
        if low is not None and m.set_at < low:
            continue
        if m.index is None or created.get(m.index) != m.set_at:
            together.setdefault((m.set_at, m.index), []).append(m.alias)
    for (at, index), aliases in together.items():
        target = "removed" if index is None else f"v{index}"
        entries.append((at, 0, f"{', '.join(sorted(aliases))} → {target} — {_when(at)}"))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    return Timeline([(label, at) for at, _kind, label in entries], older)


def _created_at(api: Api, name: str, project: str, entity: str, index: int) -> str | None:
    """When version ``index`` of a collection was logged (None: not found)."""
    found = api.collection_versions(name, project, entity, newest=1, before=index + 1)
    return found[0].created_at if found and found[0].index == index else None


def _when(moment: str) -> str:
    """``2026-08-03 08:00:00 UTC``; with milliseconds when it has them (alias moves of
    one script come within a second, and must not read alike)."""
    digits = moment[20:].rstrip("Z") if moment[19:20] == "." else ""
    millis = digits[:3].ljust(3, "0") if digits.isdigit() else ""
    fraction = f".{millis}" if millis.strip("0") else ""
    return f"{moment[:19].replace('T', ' ')}{fraction} UTC"


def load_runs(
    api: Api, order: str, descending: bool, offset: int, limit: int, text: str = ""
) -> tuple[list[RunRow], int]:
    """A page of runs in the given order and the total number of runs; with ``text``,
    of the runs whose name, id, job type or state hold it (the total is then "at least
    one more" while pages come back full: counting every match would read every run)."""
    # Ties (same state, same job type) newest first, then by id for a stable paging order.
    run_order = RUN_ORDERS.get(order, RUN_ORDERS["started"])[1 if descending else 0]
    text = text.strip()
    if text:
        runs = api.store.runs(as_of=api.as_of, limit=limit, order=run_order, offset=offset,
                              text=text)
    else:
        runs = [run.record for run in api.runs(order=run_order, limit=limit, offset=offset)]
    rows = [
        RunRow(r.id, r.name, r.job_type, r.state, r.started_at, r.finished_at, r.author)
        for r in runs
    ]
    # A short page is the last one; otherwise count (as of the same moment).
    if len(rows) < limit:
        total = offset + len(rows)
    else:
        total = offset + limit + 1 if text else max(api.run_count(), offset + limit)
    return rows, total


def search_store(api: Api, text: str) -> SearchResult:
    """Collections and versions matching ``text`` as of the Api's moment (the sidebar's
    filter; see ``store.search``)."""
    return api.store.search(text, as_of=api.as_of)


def load_files(api: Api, key: str, version_id: int | None) -> list[ManifestEntry]:
    """The manifest of an artifact version (by store id, else resolved from its key)."""
    if version_id is None:
        kind, name, index = parse_key(key)
        if kind != "artifact" or index is None:
            return []
        version_id = api.resolve(f"{name}:v{index}").id
    return api.manifest(int(version_id))
