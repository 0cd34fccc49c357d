"""Integrity audit: the verify engine (``audit/verify.py``) over a lineage graph or a
store, and the marks its report puts on a view graph.

A version is *compromised* when a stored or referenced file no longer matches its
digest (changed or missing), an extra file appeared in a folder it references, a file
cannot be read, or the store names it unsafely (a path or digest reaching outside the
store, a linked blob, a reference into a protected location). Every run that consumed a
compromised version, directly or further down, and every version those runs logged, is
*tainted*. The window, the report and ``verify`` get the same ``VerifyReport``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from lineage_desktop.audit.verify import Cancelled, Progress, VerifyReport, verify_versions
from lineage_desktop.audit.verify_counts import WHOLE_STORE
from lineage_desktop.graph.membership import stands_for
from lineage_desktop.graph.nodes import nodes_of
from lineage_desktop.records import is_cluster_key
from lineage_desktop.records.text import plural
from lineage_desktop.store import Store

# The name the window and the report have always used for the engine's report.
IntegrityReport = VerifyReport

LINEAGE_SCOPE = "this lineage"


def scan_graph(
    store: Store, graph: nx.DiGraph, progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> VerifyReport:
    """Check every artifact version of a lineage graph (``id_in_store`` attribute) and
    the database; the taint stays within the graph."""
    ids = [data.id_in_store for _, data in sorted(nodes_of(graph), key=lambda row: str(row[0]))
           if data.is_artifact and data.id_in_store is not None]
    versions = sorted(store.versions_by_ids(ids), key=lambda v: v.key)  # one query for all
    return verify_versions(store, versions, progress, cancelled, scope=LINEAGE_SCOPE,
                           lineage=graph)


def scan_store(
    store: Store, version_ids: list[int] | None = None, progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> VerifyReport:
    """Check the given versions (default: all, tombstones included) and the database,
    and follow the compromised versions downstream through the whole store."""
    scope = WHOLE_STORE if version_ids is None else "the given versions"
    if version_ids is None:
        version_ids = store.all_version_ids()
    records = {v.id: v for v in store.versions_by_ids(version_ids)}
    versions = [records[i] for i in version_ids if i in records]
    return verify_versions(store, versions, progress, cancelled, scope=scope)


@dataclass(frozen=True)
class ClusterMark:
    """How many of a cluster's ``members`` are ``compromised`` and ``tainted``."""

    compromised: int
    tainted: int
    members: int

    def text(self) -> str:
        """``2 of 7 members compromised, 1 tainted`` (plain text, for a tooltip)."""
        parts = []
        if self.compromised:
            parts.append(f"{self.compromised:,} compromised")
        if self.tainted:
            parts.append(f"{self.tainted:,} tainted (downstream of compromised content)")
        return f"Integrity: {', '.join(parts)} — of {plural(self.members, 'member')}"


@dataclass(frozen=True)
class ViewMarks:
    """Keys of the view graph to mark: ``compromised`` (warning badge) and ``tainted``
    (downstream of compromised content). A cluster takes its worst member's mark, and
    ``clusters`` says how many of its members are which."""

    compromised: frozenset[str]
    tainted: frozenset[str]
    clusters: dict[str, ClusterMark] = field(default_factory=dict)


def view_marks(report: VerifyReport, view_graph: nx.DiGraph) -> ViewMarks:
    """The report's marks on the keys of ``view_graph`` (clusters included)."""
    compromised: set[str] = set()
    tainted: set[str] = set()
    clusters: dict[str, ClusterMark] = {}
    for key in view_graph.nodes:
        members = stands_for(view_graph, key)
        statuses = Counter(report.status(str(m)) for m in members)
        if statuses["compromised"]:
            compromised.add(str(key))
        elif statuses["tainted"]:
            tainted.add(str(key))
        if is_cluster_key(str(key)) and (statuses["compromised"] or statuses["tainted"]):
            clusters[str(key)] = ClusterMark(statuses["compromised"], statuses["tainted"],
                                             len(members))
    return ViewMarks(frozenset(compromised), frozenset(tainted), clusters)
