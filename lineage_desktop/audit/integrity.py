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

from dataclasses import dataclass

import networkx as nx

from lineage_desktop.audit.verify import Cancelled, Progress, VerifyReport, verify_versions
from lineage_desktop.audit.verify_counts import WHOLE_STORE
from lineage_desktop.graph.membership import stands_for
from lineage_desktop.graph.nodes import nodes_of
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
class ViewMarks:
    """Keys of the view graph to mark: ``compromised`` (warning badge) and ``tainted``
    (downstream of compromised content). A cluster takes its worst member's mark."""

    compromised: frozenset[str]
    tainted: frozenset[str]


def view_marks(report: VerifyReport, view_graph: nx.DiGraph) -> ViewMarks:
    """The report's marks on the keys of ``view_graph`` (clusters included)."""
    compromised: set[str] = set()
    tainted: set[str] = set()
    for key in view_graph.nodes:
        statuses = {report.status(str(m)) for m in stands_for(view_graph, key)}
        if "compromised" in statuses:
            compromised.add(str(key))
        elif "tainted" in statuses:
            tainted.add(str(key))
    return ViewMarks(frozenset(compromised), frozenset(tainted))
