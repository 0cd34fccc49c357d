"""Lineage traversal with recursive SQL over the part of the graph asked for.

Nodes are versions (``'v'``, integer id) and runs (``'r'``, text id). Edges run
version -> run (a usage, ``usages``) and run -> version (an output: the run logged it,
``outputs``; every run that logged equal content has one). With a depth limit the
walk carries its depth (bounded by the limit); without one it carries none, so that
``UNION`` deduplicates by node and the walk ends even on cyclic (damaged) data.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lineage_desktop.records import (
    ArtifactVersion,
    Run,
    RunCells,
    VersionCells,
    artifact_key,
    run_key,
)
from lineage_desktop.store.params import dialect_of, ids_param
from lineage_desktop.store.reads import FAR_FUTURE, ReadMixin
from lineage_desktop.store.rows import (
    RUN_COLUMNS,
    RUN_FROM,
    as_text,
    json_object,
    run_cells,
    run_from_row,
)

_STEPS = {
    "up": (
        "SELECT 'r', NULL, o.run_id, {depth} FROM {walk} w JOIN {outputs} o "
        "ON o.version_id = w.vid WHERE w.kind = 'v' AND o.logged_at <= :as_of{limit}",
        "SELECT 'v', u.version_id, NULL, {depth} FROM {walk} w JOIN usages u ON u.run_id = w.rid "
        "WHERE w.kind = 'r' AND u.used_at <= :as_of{limit}",
    ),
    "down": (
        "SELECT 'r', NULL, u.run_id, {depth} FROM {walk} w JOIN usages u ON u.version_id = w.vid "
        "WHERE w.kind = 'v' AND u.used_at <= :as_of{limit}",
        "SELECT 'v', o.version_id, NULL, {depth} FROM {walk} w JOIN {outputs} o "
        "ON o.run_id = w.rid WHERE w.kind = 'r' AND o.logged_at <= :as_of{limit}",
    ),
}


# PostgreSQL allows one recursive term that names the walk once: both steps of a
# direction are one lateral join from the walk's rows (each step keeps to its kind).
_PG_STEPS = {
    "up": (
        "SELECT 'r', CAST(NULL AS BIGINT), o.run_id FROM {outputs} o WHERE w.kind = 'v' "
        "AND o.version_id = w.vid AND o.logged_at <= :as_of",
        "SELECT 'v', u.version_id, CAST(NULL AS TEXT) FROM usages u WHERE w.kind = 'r' "
        "AND u.run_id = w.rid AND u.used_at <= :as_of",
    ),
    "down": (
        "SELECT 'r', CAST(NULL AS BIGINT), u.run_id FROM usages u WHERE w.kind = 'v' "
        "AND u.version_id = w.vid AND u.used_at <= :as_of",
        "SELECT 'v', o.version_id, CAST(NULL AS TEXT) FROM {outputs} o WHERE w.kind = 'r' "
        "AND o.run_id = w.rid AND o.logged_at <= :as_of",
    ),
}


def traversal_sql(
    kind: str, ident: int | str, direction: str, limit: int | None, as_of: str | None,
    outputs: str = "outputs", dialect: str = "sqlite",
) -> tuple[str, dict[str, object]]:
    """The recursive walk; ``outputs`` is the table expression of the run -> version
    edges (``ReadMixin.outputs_table``: the table, or its stand-in on older stores)."""
    return walks_sql(kind, ident, [(direction, limit)], as_of, outputs, dialect)


def walks_sql(
    kind: str, ident: int | str, walks: Sequence[tuple[str, int | None]],
    as_of: str | None, outputs: str = "outputs", dialect: str = "sqlite",
) -> tuple[str, dict[str, object]]:
    """The walks ``(direction, limit)`` from one node in one statement (one round trip
    for both directions): each its own recursive table, their nodes together."""
    params: dict[str, object] = {
        "kind": kind, "vid": ident if kind == "v" else None,
        "rid": ident if kind == "r" else None, "as_of": as_of or FAR_FUTURE,
    }
    tables = []
    for number, (direction, limit) in enumerate(walks):
        name = "walk" if number == 0 else f"walk{number}"
        limit_name = "limit" if number == 0 else f"limit{number}"
        params[limit_name] = limit
        tables.append((name, _walk_table(name, direction, limit, limit_name, outputs,
                                         dialect)))
    sql = ("WITH RECURSIVE " + ",\n".join(body for _, body in tables) + "\n"
           + "\nUNION ALL\n".join(f"SELECT kind, vid, rid FROM {name}" for name, _ in tables))
    return sql, params


def _walk_table(name: str, direction: str, limit: int | None, limit_name: str,
                outputs: str, dialect: str) -> str:
    """One recursive table ``name(kind, vid, rid, depth)``: the walk in ``direction``
    (within ``:limit_name`` edges unless ``limit`` is None)."""
    depth = "w.depth + 1" if limit is not None else "0"
    bound = f" AND w.depth < :{limit_name}" if limit is not None else ""
    seed = "SELECT CAST(:kind AS TEXT), CAST(:vid AS BIGINT), CAST(:rid AS TEXT), 0"
    if dialect == "postgresql":
        steps = (
            f"SELECT n.kind, n.vid, n.rid, {depth} FROM {name} w CROSS JOIN LATERAL ("
            + " UNION ALL ".join(s.format(outputs=outputs) for s in _PG_STEPS[direction])
            + f") AS n(kind, vid, rid) WHERE TRUE{bound}")
    else:
        steps = "\nUNION\n".join(s.format(depth=depth, limit=bound, outputs=outputs, walk=name)
                                  for s in _STEPS[direction])
    return f"{name}(kind, vid, rid, depth) AS (\n{seed}\nUNION\n{steps}\n)"


def missing_version_key(version_id: int) -> str:
    return artifact_key(f"missing-version-{version_id}", 0)


@dataclass
class LineageRows:
    """The records of a lineage subgraph; keys as in ``records.run_key``/``artifact_key``.
    Read with ``cells``, the clean versions and runs are ``VersionCells``/``RunCells``
    (for the graph), the others records."""

    focus: str
    versions: list[ArtifactVersion | VersionCells] = field(default_factory=list)
    runs: list[Run | RunCells] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # key -> "run" | "artifact"
    # version id -> ids of every run that logged it, the first producer first (runs
    # outside the subgraph included, so that a preview can list them all)
    producers: dict[int, list[str]] = field(default_factory=dict)
    # The registry links of the versions (``links_of``), read with them.
    links: dict[int, list[ArtifactVersion]] = field(default_factory=dict)
    # The runs' summaries (``run_summaries``) if asked for, read with the runs.
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)


class LineageMixin(ReadMixin):
    if TYPE_CHECKING:
        def _has_run_data(self) -> bool: ...

    def lineage_rows(
        self, kind: str, ident: int | str, upstream: int | None = None,
        downstream: int | None = None, as_of: str | None = None, summaries: bool = False,
        cells: bool = False,
    ) -> LineageRows:
        """Ancestors within ``upstream`` edges and descendants within ``downstream`` edges
        of a version (``kind='v'``, id) or run (``kind='r'``, id); None means unlimited.
        The versions' links come with them, the runs' summaries with ``summaries``: a
        team store answers each statement in a round trip, so none is spent apart.
        ``cells``: clean rows as ``VersionCells``/``RunCells`` (see ``LineageRows``)."""
        version_ids: set[int] = set()
        run_ids: set[str] = set()
        walks = [(direction, limit) for direction, limit in (("up", upstream),
                                                              ("down", downstream))
                 if limit != 0]
        if walks:  # both directions in one statement
            sql, params = walks_sql(kind, ident, walks, as_of, self._outputs(),
                                    dialect_of(self._conn))
            for node_kind, vid, rid in self._conn.execute(sql, params):
                if node_kind == "v":
                    if isinstance(vid, int):  # (damaged data) a text or BLOB id names nothing
                        version_ids.add(vid)
                else:
                    run_ids.add(as_text(rid))
        if kind == "v":
            version_ids.add(int(ident))
        else:
            run_ids.add(str(ident))
        return self._rows_for(kind, ident, version_ids, run_ids, as_of, summaries,
                              cells and as_of is None)  # as of a time: records, edited

    def _rows_for(
        self, kind: str, ident: int | str, version_ids: set[int], run_ids: set[str],
        as_of: str | None, summaries: bool = False, cells: bool = False,
    ) -> LineageRows:
        versions, links = self._versions_and_links(version_ids, as_of, cells)
        runs, summary_of = self._runs_and_summaries(run_ids, summaries, cells)
        runs = [r for r in runs if as_of is None or (r.started_at or "") <= as_of]
        version_keys = {v.id: v.key for v in versions}
        run_present = {r.id for r in runs}
        rows = LineageRows(focus="", versions=versions, runs=runs, links=links,
                           summaries={rid: summary_of[rid] for rid in run_present
                                      if rid in summary_of})
        for vid in sorted(version_ids - set(version_keys)):
            version_keys[vid] = missing_version_key(vid)
            rows.missing[version_keys[vid]] = "artifact"
        for rid in sorted(run_ids - run_present):
            rows.missing[run_key(rid)] = "run"
        rows.focus = version_keys[int(ident)] if kind == "v" else run_key(str(ident))
        present = {v.id for v in versions}
        rows.producers, usages = self._edges_of(sorted(version_ids), sorted(run_ids), as_of)
        edges = rows.edges  # plain loops: a generator per version cost ~1 µs each
        for vid, producers in rows.producers.items():
            if vid in present:
                version_key = version_keys[vid]
                for rid in producers:
                    if rid in run_ids:
                        edges.append((run_key(rid), version_key))
        for rid, vid in usages:
            if vid in version_ids:
                edges.append((version_keys[vid], run_key(rid)))
        return rows

    def _versions_and_links(
        self, version_ids: set[int], as_of: str | None, cells: bool = False,
    ) -> tuple[list[ArtifactVersion | VersionCells], dict[int, list[ArtifactVersion]]]:
        """``versions_by_ids`` and ``links_of`` of the same ids in one statement (and one
        for the labels of both); with ``cells`` (not as of a time) the clean versions as
        ``VersionCells``."""
        ids = ids_param(version_ids)
        params: tuple[str, ...]
        if not self._has_links():
            where, params = "v.id IN (SELECT value FROM json_each(?))", (ids,)
        else:
            where = ("v.id IN (SELECT value FROM json_each(?)) OR "
                     "v.source_id IN (SELECT value FROM json_each(?))")
            params = (ids, ids)
        found: list[ArtifactVersion | VersionCells] = [
            *(self._version_cells_where(where, params) if cells
              else self._versions_where(where, params, as_of))]
        versions = [v for v in found if v.id in version_ids]
        present = {v.id for v in versions}
        links: dict[int, list[ArtifactVersion]] = defaultdict(list)
        for link in sorted(found, key=lambda v: v.id):  # in the order they were made
            if link.source_id in present and isinstance(link, ArtifactVersion):
                links[link.source_id].append(link)
        return versions, dict(links)

    def _runs_and_summaries(
        self, run_ids: set[str], summaries: bool, cells: bool = False,
    ) -> tuple[list[Run | RunCells], dict[str, dict[str, Any]]]:
        """``runs_by_ids``, and with ``summaries`` ``run_summaries`` of the same runs, in one
        statement; with ``cells`` the clean runs as ``RunCells``."""
        with_summaries = summaries and bool(run_ids) and self._has_run_data()
        summary = ", r.summary" if with_summaries else ", NULL"
        rows = self._conn.execute(
            f"SELECT {RUN_COLUMNS}{summary} FROM {RUN_FROM} "
            "WHERE r.id IN (SELECT value FROM json_each(?))", (ids_param(run_ids),)).fetchall()
        found = {str(row[0]): json_object(row[-1]) for row in rows if row[-1] is not None}
        make = run_cells if cells else run_from_row
        return (self._with_crashes([make(row[:-1]) for row in rows]),
                {rid: summary for rid, summary in found.items() if summary})

    def _edges_of(
        self, version_ids: list[int], run_ids: list[str], as_of: str | None,
    ) -> tuple[dict[int, list[str]], list[tuple[Any, Any]]]:
        """In one statement: the producers of ``version_ids`` as ``producer_ids`` gives
        them (the first producer first) and the usages ``(run id, version id)`` by
        ``run_ids``, both as of ``as_of``."""
        producers: dict[int, list[str]] = defaultdict(list)
        usages: list[tuple[Any, Any]] = []  # as stored: the caller keeps what it knows
        at = as_of or FAR_FUTURE
        for usage, vid, rid, _, _ in self._conn.execute(
            f"SELECT 0, o.version_id, o.run_id, CASE WHEN o.run_id IS v.run_id THEN 0 "
            f"ELSE 1 END, o.logged_at FROM {self._outputs()} o "
            "JOIN versions v ON v.id = o.version_id "
            "WHERE o.version_id IN (SELECT value FROM json_each(:vids)) AND o.logged_at <= :at "
            "UNION ALL SELECT 1, u.version_id, u.run_id, 0, u.used_at FROM usages u "
            "WHERE u.run_id IN (SELECT value FROM json_each(:rids)) AND u.used_at <= :at "
            "ORDER BY 1, 2, 4, 5, 3",
            {"vids": json.dumps(version_ids), "rids": json.dumps(run_ids), "at": at},
        ):
            if usage:
                usages.append((rid, vid))
            else:
                producers[vid].append(rid if type(rid) is str else as_text(rid))
        return dict(producers), usages
