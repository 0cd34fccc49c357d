"""Integrity audit: re-hash content, mark compromised versions and what they taint.

A version is *compromised* when a stored or referenced file no longer matches its
digest (changed or missing), cannot be read, or is refused unread because the store
names it unsafely (a path or digest reaching outside the store, a linked blob, a
reference into a protected location): the checks are the verify engine's
(``sdk/integrity.py``), the same for the window, the report and ``verify``. Every run
that consumed a compromised version, directly or further down, and every version those
runs logged, is *tainted*.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx

from lineage_desktop.audit.verify import downstream_in, downstream_of
from lineage_desktop.records import ArtifactVersion, FileCheck
from lineage_desktop.sdk.integrity import verify_version
from lineage_desktop.store import Store

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IntegrityReport:
    """``compromised`` maps artifact keys to their findings; ``tainted`` holds the keys
    downstream of them (runs and versions), compromised keys excluded."""

    checked: int = 0
    compromised: dict[str, tuple[FileCheck, ...]] = field(default_factory=dict)
    tainted: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.compromised

    def problems(self) -> list[FileCheck]:
        return [check for key in sorted(self.compromised) for check in self.compromised[key]]

    def status(self, key: str) -> str:
        """``compromised``, ``tainted`` or ``ok`` for one node key."""
        if key in self.compromised:
            return "compromised"
        return "tainted" if key in self.tainted else "ok"


def _check_versions(
    store: Store, versions: list[ArtifactVersion], progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> tuple[int, dict[str, tuple[FileCheck, ...]]]:
    compromised: dict[str, tuple[FileCheck, ...]] = {}
    done, total = 0, len(versions)
    for version in versions:
        if cancelled is not None and cancelled():
            break
        found = verify_version(store, version)
        if found:
            compromised[version.key] = tuple(found)
        done += 1
        if progress is not None:
            progress(done, total)
    return done, compromised


def scan_graph(
    store: Store, graph: nx.DiGraph, progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> IntegrityReport:
    """Check every artifact version of a lineage graph (``id_in_store`` attribute)."""
    ids = [attrs["id_in_store"] for _, attrs in sorted(graph.nodes(data=True))
           if attrs.get("kind") == "artifact" and attrs.get("id_in_store") is not None]
    versions = sorted(store.versions_by_ids(ids), key=lambda v: v.key)  # one query for all
    checked, compromised = _check_versions(store, versions, progress, cancelled)
    return IntegrityReport(checked, compromised, frozenset(downstream_in(graph, compromised)))


def scan_store(
    store: Store, version_ids: list[int] | None = None, progress: Progress | None = None,
) -> IntegrityReport:
    """Check the given versions (default: all) and follow the compromised ones downstream
    through the store."""
    if version_ids is None:
        version_ids = store.all_version_ids()
    records = {v.id: v for v in store.versions_by_ids(version_ids)}
    versions = [records[i] for i in version_ids if i in records]
    checked, compromised = _check_versions(store, versions, progress, None)
    tainted = downstream_of(store, [v.id for v in versions if v.key in compromised])
    return IntegrityReport(checked, compromised, frozenset(tainted - set(compromised)))


@dataclass(frozen=True)
class ViewMarks:
    """Keys of the view graph to mark: ``compromised`` (warning badge) and ``tainted``
    (downstream of compromised content). A cluster takes its worst member's mark."""

    compromised: frozenset[str]
    tainted: frozenset[str]


def view_marks(report: IntegrityReport, view_graph: nx.DiGraph) -> ViewMarks:
    """The report's marks on the keys of ``view_graph`` (clusters included)."""
    compromised: set[str] = set()
    tainted: set[str] = set()
    for key, attrs in view_graph.nodes(data=True):
        members = attrs.get("members") if attrs.get("kind") == "cluster" else (key,)
        statuses = {report.status(str(m)) for m in members or ()}
        if "compromised" in statuses:
            compromised.add(str(key))
        elif "tainted" in statuses:
            tainted.add(str(key))
    return ViewMarks(frozenset(compromised), frozenset(tainted))
