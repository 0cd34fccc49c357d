"""Queries and writes that importers, the OpenLineage exporter and ``merge`` need.

``Store`` methods like every other query (all SQL of lineage_desktop lives in ``store``),
so that they pass the store's one error-translation point and the interop package never
writes SQL nor reaches into the store's private state.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lineage_desktop.records import ArtifactVersion, ManifestEntry, Run, TypeMismatch
from lineage_desktop.store.errors import translate
from lineage_desktop.store.reads import FAR_FUTURE, ReadMixin
from lineage_desktop.store.rows import entry_from_row
from lineage_desktop.store.writes import WriteMixin, _dumps


def _cell(value: Any) -> str:
    """``writes._dumps(value)``, without its walk over every value when there is no NaN
    or infinity to spell out (the C encoder refuses those; then the walk runs)."""
    try:
        return json.dumps(value, default=str, sort_keys=True, allow_nan=False)
    except ValueError:
        return _dumps(value)


@dataclass(frozen=True, slots=True)
class NewVersion:
    """A version for ``append_versions``: what ``log_version`` takes, as one value.

    ``run_id`` is its first producer (with an output edge logged at ``created_at``);
    ``aliases`` move to it at ``created_at``; ``files`` are ``(digest, local path)``
    pairs copied into the blob folder.
    """

    project_id: int
    name: str
    type: str
    digest: str
    entries: Sequence[ManifestEntry]
    created_at: str
    description: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    tags: Sequence[str] = ()
    run_id: str | None = None
    aliases: Sequence[str] = ()
    files: Sequence[tuple[str, str]] = ()


class InteropMixin(ReadMixin, WriteMixin):
    """Reads for exports and merges, and writes that keep another tool's times."""

    path: Path

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
                         else ("1", []))
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

    # ------------------------------------------------------------------ bulk
    # Merges, big imports and the demo read and write many rows at once: one query or one
    # ``executemany`` per table instead of a round trip (and a transaction) per record.

    def all_manifests(self) -> dict[int, list[ManifestEntry]]:
        """The manifest of every version: ``{version id: entries}``, entries by path."""
        found: dict[int, list[ManifestEntry]] = defaultdict(list)
        for version_id, *row in self._conn.execute(
                "SELECT version_id, path, digest, size, ref FROM manifest "
                "ORDER BY version_id, path"):
            found[version_id].append(entry_from_row(tuple(row), version_id))
        return dict(found)

    def versions_with_digests(
        self, keys: Iterable[tuple[int, str, str]]
    ) -> dict[tuple[int, str, str], tuple[int, tuple[str, ...]]]:
        """For each ``(project id, artifact name, digest)`` that a version has: ``(version
        id, its tags)`` of the lowest-numbered such version (what ``version_by_digest``
        finds), in one query over the ``versions_digest`` index."""
        rows = self._conn.execute(
            "WITH k(p, n, d) AS (SELECT json_extract(value, '$[0]'), "
            "json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?)) "
            "SELECT k.p, k.n, k.d, v.id, v.idx FROM k "
            "JOIN artifacts a ON a.project_id = k.p AND a.name = k.n "
            "JOIN versions v ON v.artifact_id = a.id AND v.digest = k.d",
            (json.dumps(list(dict.fromkeys(keys))),)).fetchall()
        lowest: dict[tuple[int, str, str], tuple[int, int]] = {}
        for project_id, name, digest, version_id, index in rows:
            key = (project_id, name, digest)
            if key not in lowest or index < lowest[key][1]:
                lowest[key] = (version_id, index)
        tags = self._tags_of([version_id for version_id, _ in lowest.values()])
        return {key: (version_id, tuple(tags.get(version_id, ())))
                for key, (version_id, _) in lowest.items()}

    def _tags_of(self, version_ids: Sequence[int]) -> dict[int, list[str]]:
        tags: dict[int, list[str]] = defaultdict(list)
        for version_id, tag in self._conn.execute(
                "SELECT version_id, tag FROM version_tags WHERE version_id IN "
                "(SELECT value FROM json_each(?)) ORDER BY tag", (json.dumps(version_ids),)):
            tags[version_id].append(tag)
        return tags

    def artifact_heads(
        self, keys: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[str, int]]:
        """``(type, next free version number)`` of each ``(project id, name)`` that exists."""
        found = {}
        for key in dict.fromkeys(keys):
            row = self._conn.execute(
                "SELECT t.name, (SELECT COALESCE(MAX(v.idx) + 1, 0) FROM versions v "
                "WHERE v.artifact_id = a.id) FROM artifacts a "
                "JOIN artifact_types t ON t.id = a.type_id "
                "WHERE a.project_id = ? AND a.name = ?", key).fetchone()
            if row is not None:
                found[key] = (row[0], row[1])
        return found

    def newest_created(self, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
        """When the newest version of each ``(project id, name)`` that has one was created
        (``newest_created_at`` of each, over the ``versions_created`` index)."""
        found = {}
        for key in dict.fromkeys(keys):
            value = self.newest_created_at(*key)
            if value is not None:
                found[key] = value
        return found

    def existing_run_ids(self, run_ids: Iterable[str]) -> set[str]:
        """Which of ``run_ids`` the store has."""
        return {row[0] for row in self._conn.execute(
            "SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(run_ids)),))}

    def insert_runs(self, runs: Iterable[tuple[int, Run]]) -> None:
        """Record ``(project id, run)`` pairs as ``insert_run`` does (importers' form: no
        process is noted), in one statement."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO runs (id, project_id, name, job_type, group_name, author, host, "
                "state, started_at, finished_at, config, notes, tags, exit_code) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run.id, project_id, run.name, run.job_type, run.group, run.author,
                  run.host, run.state, run.started_at, run.finished_at, _cell(run.config),
                  run.notes, json.dumps(list(run.tags)), run.exit_code)
                 for project_id, run in runs])

    def append_versions(self, versions: Sequence[NewVersion]) -> list[tuple[int, int]]:
        """Record new versions as ``log_version`` records a new one, in order, in one
        transaction; returns ``(version id, number)`` of each.

        The caller has checked that no version of the artifact has the digest (these are
        new versions; ``versions_with_digests`` finds the existing ones). A missing
        artifact is created with the type and description of its first version. The
        blobs of each version (``files``) are copied before the transaction, all or none.
        """
        for version in versions:  # as ``log_version`` each: all or none of a version's
            if version.files:     # (one call for all would check its list per file)
                self.blobs.put_files(version.files)
        with self.transaction() as conn:
            artifacts: dict[tuple[int, str], list[int]] = {}  # -> [artifact id, next idx]
            next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM versions").fetchone()[0]
            rows: list[tuple[object, ...]] = []
            entries: list[tuple[object, ...]] = []
            tags: list[tuple[int, str]] = []
            outputs: list[tuple[str, int, str]] = []
            moves: list[tuple[int, str, int, str]] = []
            placed: list[tuple[int, int]] = []
            for version in versions:
                key = (version.project_id, version.name)
                if key not in artifacts:
                    artifacts[key] = self._artifact_head(conn, version)
                head = artifacts[key]
                version_id, index = next_id, head[1]
                next_id, head[1] = next_id + 1, head[1] + 1
                placed.append((version_id, index))
                rows.append((version_id, head[0], index, version.digest, version.description,
                             _cell(dict(version.metadata)),
                             sum(e.size for e in version.entries), len(version.entries),
                             version.created_at, version.run_id))
                entries.extend((version_id, e.path, e.digest, e.size, e.ref)
                               for e in version.entries)
                tags.extend((version_id, tag) for tag in version.tags)
                if version.run_id is not None:
                    outputs.append((version.run_id, version_id, version.created_at))
                moves.extend((head[0], alias, version_id, version.created_at)
                             for alias in dict.fromkeys(version.aliases))
            conn.executemany(
                "INSERT INTO versions (id, artifact_id, idx, digest, description, metadata, "
                "size, file_count, created_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows)
            conn.executemany("INSERT INTO manifest (version_id, path, digest, size, ref) "
                             "VALUES (?, ?, ?, ?, ?)", entries)
            conn.executemany("INSERT OR IGNORE INTO version_tags (version_id, tag) "
                             "VALUES (?, ?)", tags)
            conn.executemany("INSERT OR IGNORE INTO outputs (run_id, version_id, logged_at) "
                             "VALUES (?, ?, ?)", outputs)
            self._move_aliases(conn, moves)
        return placed

    def _artifact_head(self, conn: sqlite3.Connection, version: NewVersion) -> list[int]:
        """``[artifact id, next free number]``, creating the artifact if needed."""
        type_id = self._type_id(conn, version.project_id, version.type)
        artifact_id, existing_type = self._artifact_id(
            conn, version.project_id, version.name, type_id, version.description,
            version.created_at)
        if existing_type != type_id:
            raise TypeMismatch(f"artifact {version.name!r} has another type, cannot log it "
                               f"as {version.type!r}")
        index = conn.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM versions "
                             "WHERE artifact_id = ?", (artifact_id,)).fetchone()[0]
        return [artifact_id, index]

    @staticmethod
    def _move_aliases(conn: sqlite3.Connection,
                      moves: Sequence[tuple[int, str, int, str]]) -> None:
        # In order: the last move of an alias wins, as with one ``_set_aliases`` each.
        conn.executemany("INSERT OR REPLACE INTO aliases (artifact_id, alias, version_id) "
                         "VALUES (?, ?, ?)", [m[:3] for m in moves])
        conn.executemany("INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                         "VALUES (?, ?, ?, ?)", moves)

    def move_aliases(self, moves: Iterable[tuple[int, str, str]]) -> None:
        """``(version id, alias, set at)`` moves, in order, as ``set_alias_at`` each."""
        moves = list(moves)
        with self.transaction() as conn:
            artifacts = dict(conn.execute(
                "SELECT id, artifact_id FROM versions WHERE id IN "
                "(SELECT value FROM json_each(?))",
                (json.dumps(list({m[0] for m in moves})),)))
            self._move_aliases(conn, [(artifacts[version_id], alias, version_id, set_at)
                                      for version_id, alias, set_at in moves])

    def add_outputs(self, edges: Iterable[tuple[str, int, str]]) -> int:
        """``(run id, version id, logged at)`` output edges, each once, in order, as
        ``add_output`` each (a version without a producer gets the first); the number
        that were new."""
        edges = list(edges)
        with self.transaction() as conn:
            added = conn.executemany(
                "INSERT OR IGNORE INTO outputs (run_id, version_id, logged_at) "
                "VALUES (?, ?, ?)", edges).rowcount
            conn.executemany("UPDATE versions SET run_id = ? WHERE id = ? AND run_id IS NULL",
                             [(run_id, version_id) for run_id, version_id, _ in edges])
            return max(added, 0)

    def add_usages(self, usages: Iterable[tuple[str, int, str]]) -> int:
        """``(run id, version id, used at)`` usages, each once (the first wins); the number
        that were new."""
        with self.transaction() as conn:
            return max(conn.executemany(
                "INSERT OR IGNORE INTO usages (run_id, version_id, used_at) VALUES (?, ?, ?)",
                list(usages)).rowcount, 0)

    def add_tags(self, tags: Iterable[tuple[int, str]]) -> None:
        """``(version id, tag)`` pairs (tags a version already has are left alone)."""
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO version_tags (version_id, tag) "
                             "VALUES (?, ?)", list(tags))
