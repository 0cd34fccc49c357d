"""Queries and writes that importers, the OpenLineage exporter and ``merge`` need.

``Store`` methods like every other query (all SQL of lineage_desktop lives in ``store``),
so that they pass the store's one error-translation point and the interop package never
writes SQL nor reaches into the store's private state. The bulk forms (many rows in one
statement, ``NewVersion``) are ``bulk.py``'s.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from lineage_desktop.records import ArtifactVersion
from lineage_desktop.store.bulk import NewVersion
from lineage_desktop.store.errors import translate
from lineage_desktop.store.params import keys_table
from lineage_desktop.store.pg.location import PgLocation
from lineage_desktop.store.reads import FAR_FUTURE, ReadMixin
from lineage_desktop.store.writes import WriteMixin

__all__ = ["InteropMixin", "NewVersion"]


class InteropMixin(ReadMixin, WriteMixin):
    """Reads for exports and merges, and writes that keep another tool's times."""

    path: Path | PgLocation

    def forget_cached_ids(self) -> None:
        """Drop the writer's id caches (project and type ids).

        A rolled-back transaction may have created rows whose ids were cached; the next
        write must look them up again instead of pointing at rows that no longer exist.
        """
        self._cache.clear()

    def _one_version(self, where: str, params: Sequence[object]) -> ArtifactVersion | None:
        found = self._versions_where(where, params)
        return found[0] if found else None

    def version_by_digest(
        self, project_id: int, name: str, digest: str
    ) -> ArtifactVersion | None:
        """The version of artifact ``name`` in a project with this digest, if any."""
        return self._one_version("a.project_id = ? AND a.name = ? AND v.digest = ?",
                                 (project_id, name, digest))

    def version_id_by_digest(self, project_id: int, name: str, digest: str) -> int | None:
        """The id of what ``version_by_digest`` finds, from the ``versions_digest`` index
        alone (importers need only the id, once per record)."""
        row = self._conn.execute(
            "SELECT v.id FROM artifacts a JOIN versions v ON v.artifact_id = a.id "
            "AND v.digest = ? WHERE a.project_id = ? AND a.name = ? ORDER BY v.idx LIMIT 1",
            (digest, project_id, name)).fetchone()
        return None if row is None else int(row[0])

    def latest_version_id_at(self, project_id: int, name: str, moment: str) -> int | None:
        """The id of what ``latest_version_at`` finds (over ``versions_created``)."""
        row = self._conn.execute(
            "SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id "
            "WHERE a.project_id = ? AND a.name = ? AND v.created_at <= ? "
            "ORDER BY v.created_at DESC, v.idx DESC LIMIT 1",
            (project_id, name, moment)).fetchone()
        return None if row is None else int(row[0])

    def newest_created_at(self, project_id: int, name: str) -> str | None:
        """When the newest version of an artifact was created; None without versions."""
        row = self._conn.execute(
            "SELECT MAX(v.created_at) FROM versions v JOIN artifacts a ON a.id = v.artifact_id "
            "WHERE a.project_id = ? AND a.name = ?", (project_id, name)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the open transaction that is undone alone when its block fails (an
        importer's record, inside a transaction that commits many of them)."""
        with self.transaction() as conn:
            try:
                conn.execute("SAVEPOINT record")
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc
            try:
                yield
            except BaseException:
                try:
                    conn.execute("ROLLBACK TO record")
                    conn.execute("RELEASE record")
                except sqlite3.Error as exc:
                    raise translate(exc, self.path) from exc
                self._cache.clear()
                raise
            try:
                conn.execute("RELEASE record")
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc

    def first_version(self, project_id: int, name: str) -> ArtifactVersion | None:
        """Version 0 (the lowest index) of an artifact, if the artifact has versions."""
        row = self._conn.execute(
            "SELECT MIN(v.idx) FROM versions v JOIN artifacts a ON a.id = v.artifact_id "
            "WHERE a.project_id = ? AND a.name = ?", (project_id, name)).fetchone()
        if row is None or row[0] is None:
            return None
        return self._one_version("a.project_id = ? AND a.name = ? AND v.idx = ?",
                                 (project_id, name, row[0]))

    def latest_version_at(
        self, project_id: int, name: str, moment: str
    ) -> ArtifactVersion | None:
        """The most recently created version of an artifact at ``moment`` (stored form)."""
        row = self._conn.execute(
            "SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id "
            "WHERE a.project_id = ? AND a.name = ? AND v.created_at <= ? "
            "ORDER BY v.created_at DESC, v.idx DESC LIMIT 1",
            (project_id, name, moment)).fetchone()
        return None if row is None else self.version_by_id(row[0])

    def newest_version(self, project_id: int, name: str) -> ArtifactVersion | None:
        """The version with the latest creation time (ties: the highest index)."""
        return self.latest_version_at(project_id, name, FAR_FUTURE)

    def set_alias_at(self, version_id: int, alias: str, set_at: str) -> None:
        """Point ``alias`` at a version, recording the move at ``set_at`` (an import keeps
        the original time so that lineage "as of" a past moment stays right)."""
        with self.transaction() as conn:
            artifact_id = conn.execute("SELECT artifact_id FROM versions WHERE id = ?",
                                       (version_id,)).fetchone()[0]
            self._set_aliases(conn, artifact_id, version_id, [alias], set_at)

    def add_version_tags(self, version_id: int, tags: Iterable[str]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO version_tags (version_id, tag) VALUES (?, ?)",
                [(version_id, tag) for tag in tags])

    def all_versions(self, project_id: int | None = None) -> list[ArtifactVersion]:
        """Every version (of one project, or all), in creation order."""
        where, params = (("a.project_id = ?", [project_id]) if project_id is not None
                         else ("TRUE", []))
        return self._versions_where(where, params, order="v.created_at, a.name, v.idx")

    def all_usages(
        self, project_id: int | None = None, run_id: str | None = None
    ) -> list[tuple[str, int, str]]:
        """``(run id, version id, used at)`` of every usage (of runs of one project, of one
        run, or all), in time order."""
        sql = ("SELECT u.run_id, u.version_id, u.used_at FROM usages u "
               "JOIN runs r ON r.id = u.run_id")
        return self._edges(sql, "u", project_id, run_id, "u.used_at, u.run_id, u.version_id")

    def all_outputs(
        self, project_id: int | None = None, run_id: str | None = None
    ) -> list[tuple[str, int, str]]:
        """``(run id, version id, logged at)`` of every output edge (of runs of one
        project, of one run, or all), in time order; on a store before schema 4, the
        producers that ``versions`` records."""
        sql = (f"SELECT o.run_id, o.version_id, o.logged_at FROM {self._outputs()} o "
               "JOIN runs r ON r.id = o.run_id")
        return self._edges(sql, "o", project_id, run_id, "o.logged_at, o.run_id, o.version_id")

    def _edges(
        self, sql: str, alias: str, project_id: int | None, run_id: str | None, order: str,
    ) -> list[tuple[str, int, str]]:
        clauses: list[str] = []
        params: list[object] = []
        if project_id is not None:
            clauses.append("r.project_id = ?")
            params.append(project_id)
        if run_id is not None:
            clauses.append(f"{alias}.run_id = ?")
            params.append(run_id)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return [tuple(row) for row in self._conn.execute(
            f"{sql} ORDER BY {order}", params)]

    def alias_times(self) -> dict[tuple[int, str], str]:
        """When each current alias was last set: ``{(version id, alias): set_at}``."""
        return {(vid, alias): set_at for vid, alias, set_at in self._conn.execute(
            "SELECT a.version_id, a.alias, MAX(h.set_at) FROM aliases a "
            "LEFT JOIN alias_history h ON h.artifact_id = a.artifact_id AND h.alias = a.alias "
            "AND h.version_id = a.version_id GROUP BY a.version_id, a.alias")}

    def versions_of_runs(self, run_ids: Iterable[str]) -> list[ArtifactVersion]:
        """Versions logged (output) by any of ``run_ids``."""
        return self._versions_where(
            f"v.id IN (SELECT o.version_id FROM {self._outputs()} o "
            "WHERE o.run_id IN (SELECT value FROM json_each(?)))",
            (json.dumps(list(run_ids)),), order="v.created_at, a.name, v.idx")

    def add_usage_if_new(self, run_id: str, version_id: int, used_at: str) -> bool:
        """Record that a run used a version unless it already did; True if it was new."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO usages (run_id, version_id, used_at) VALUES (?, ?, ?)",
                (run_id, version_id, used_at))
            return cursor.rowcount > 0

    def alias_holder(
        self, project_id: int, name: str, alias: str
    ) -> tuple[int, str | None] | None:
        """``(version id, when it was set)`` of an artifact's alias, or None."""
        row = self._conn.execute(
            "SELECT al.version_id, (SELECT MAX(h.set_at) FROM alias_history h "
            " WHERE h.artifact_id = al.artifact_id AND h.alias = al.alias "
            " AND h.version_id = al.version_id) "
            "FROM aliases al JOIN artifacts a ON a.id = al.artifact_id "
            "WHERE a.project_id = ? AND a.name = ? AND al.alias = ?",
            (project_id, name, alias)).fetchone()
        return None if row is None else (row[0], row[1])

    def newest_created(self, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
        """When the newest version of each ``(project id, name)`` that has one was created
        (``newest_created_at`` of each, in one query over the ``versions_created``
        index)."""
        keyed, params = keys_table(self._conn, keys, ("BIGINT", "TEXT"))
        return {(project_id, name): str(newest) for project_id, name, newest in
                self._conn.execute(
                    f"WITH k(p, n) AS ({keyed}) SELECT k.p, k.n, "
                    "(SELECT MAX(v.created_at) FROM versions v WHERE v.artifact_id = a.id) "
                    "FROM k JOIN artifacts a ON a.project_id = k.p AND a.name = k.n", params)
                if newest is not None}

    def latest_version_ids_at(
        self, keys: Iterable[tuple[int, str, str]]
    ) -> dict[tuple[int, str, str], int]:
        """``latest_version_id_at`` of each ``(project id, name, moment)`` that has a
        version then, in one query (an index probe of ``versions_created`` per key)."""
        keyed, params = keys_table(self._conn, keys, ("BIGINT", "TEXT", "TEXT"))
        return {(project_id, name, moment): int(found) for project_id, name, moment, found
                in self._conn.execute(f"WITH k(p, n, m) AS ({keyed}) {LATEST_AT}", params)
                if found is not None}

    def latest_at_plan(self) -> list[str]:
        """``EXPLAIN QUERY PLAN`` of ``latest_version_ids_at`` (a test checks that it
        reads no more than an index probe per key)."""
        return [str(row[-1]) for row in self._conn.execute(
            "EXPLAIN QUERY PLAN WITH k(p, n, m) AS (SELECT 1, 'a', 'b') " + LATEST_AT)]


# Per key, the newest version created at or before the moment (ties: the highest number).
LATEST_AT = (
    "SELECT k.p, k.n, k.m, (SELECT v.id FROM versions v WHERE v.artifact_id = a.id "
    "AND v.created_at <= k.m ORDER BY v.created_at DESC, v.idx DESC LIMIT 1) FROM k "
    "JOIN artifacts a ON a.project_id = k.p AND a.name = k.n")
