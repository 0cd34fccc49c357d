"""Write operations. Each public method is one transaction (or joins an outer one)."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lineage_desktop.records import ArtifactVersion, ManifestEntry, Run
from lineage_desktop.records.json_values import json_ready
from lineage_desktop.store.processes import current_process, is_alive, this_host
from lineage_desktop.store.rows import Cells
from lineage_desktop.store.timeutil import utc_now

if TYPE_CHECKING:
    from lineage_desktop.store.blobs import BlobStore


@dataclass(frozen=True, slots=True)
class LoggedVersion:
    """What ``log_version`` did: the version's row id and index, whether it is new, and
    the version as stored (``record``, what ``version_by_id`` would read)."""

    version_id: int
    index: int
    created: bool
    record: ArtifactVersion


class WriteMixin:
    _conn: sqlite3.Connection
    _cache: dict[tuple[object, ...], int]
    blobs: BlobStore

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    if TYPE_CHECKING:
        def version_by_id(self, version_id: int) -> ArtifactVersion: ...

    def ensure_project(self, entity: str, name: str) -> int:
        key = ("project", entity, name)
        if key not in self._cache:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO projects (entity, name, created_at) VALUES (?, ?, ?)",
                    (entity, name, utc_now()),
                )
                self._cache[key] = conn.execute(
                    "SELECT id FROM projects WHERE entity = ? AND name = ?", (entity, name)
                ).fetchone()[0]
        return self._cache[key]

    def insert_run(self, project_id: int, run: Run, record_process: bool = True) -> None:
        """Record a run; ``record_process`` also notes this process, so that the run shows
        as crashed if the process dies before finishing it (importers pass False)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO runs (id, project_id, name, job_type, group_name, author, host, "
                "state, started_at, finished_at, config, notes, tags, exit_code) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.id, project_id, run.name, run.job_type, run.group, run.author, run.host,
                 run.state, run.started_at, run.finished_at, _dumps(run.config), run.notes,
                 json.dumps(list(run.tags)), run.exit_code),
            )
            if record_process:
                host, pid, started = current_process()
                conn.execute(
                    "INSERT OR REPLACE INTO run_processes (run_id, host, pid, process_start) "
                    "VALUES (?, ?, ?, ?)", (run.id, host, pid, started))

    def mark_crashed_runs(self) -> list[str]:
        """Record as ``crashed`` the runs left ``running`` by processes of this host that
        are gone. Returns their ids."""
        crashed = [run_id for run_id, pid, started in self._conn.execute(
            "SELECT p.run_id, p.pid, p.process_start FROM run_processes p "
            "JOIN runs r ON r.id = p.run_id WHERE r.state = 'running' AND p.host = ?",
            (this_host(),)) if not is_alive(pid, started)]
        if crashed:
            with self.transaction() as conn:
                conn.executemany(
                    "UPDATE runs SET state = 'crashed' WHERE id = ? AND state = 'running'",
                    [(run_id,) for run_id in crashed])
        return crashed

    def update_run(self, run_id: str, **fields: Any) -> None:
        """Update columns of a run (``state``, ``finished_at``, ``exit_code``, ``config``,
        ``name``, ``notes``, ``tags``, ``started_at``, ``summary``)."""
        allowed = {"state", "finished_at", "exit_code", "config", "name", "notes", "tags",
                   "started_at", "job_type", "summary"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update run columns {sorted(unknown)}")
        values = {k: _dumps(v) if k in ("config", "tags", "summary") else v
                  for k, v in fields.items()}
        assignments = ", ".join(f"{column} = ?" for column in values)
        with self.transaction() as conn:
            conn.execute(f"UPDATE runs SET {assignments} WHERE id = ?",
                         (*values.values(), run_id))
            if fields.get("state", "running") != "running":
                conn.execute("DELETE FROM run_processes WHERE run_id = ?", (run_id,))

    def _type_id(self, conn: sqlite3.Connection, project_id: int, type_name: str) -> int:
        key = ("type", project_id, type_name)
        if key not in self._cache:
            conn.execute("INSERT OR IGNORE INTO artifact_types (project_id, name) VALUES (?, ?)",
                         (project_id, type_name))
            type_id = self._cache[key] = conn.execute(
                "SELECT id FROM artifact_types WHERE project_id = ? AND name = ?",
                (project_id, type_name),
            ).fetchone()[0]
            self._names()[("type", type_id)] = (str(project_id), type_name)
        return self._cache[key]

    @staticmethod
    def _type_name(conn: sqlite3.Connection, type_id: int) -> str:
        """The name of an artifact type (for the message of a type mismatch)."""
        return str(conn.execute("SELECT name FROM artifact_types WHERE id = ?",
                                (type_id,)).fetchone()[0])

    def _artifact_id(
        self, conn: sqlite3.Connection, project_id: int, name: str, type_id: int,
        description: str | None, now: str,
    ) -> tuple[int, int]:
        """Return ``(artifact id, its type id)``, creating the collection if needed.

        Cached per connection: collections are never erased (a deleted one keeps its
        row) or retyped, and the cache is cleared when a transaction that may have
        created one rolls back."""
        key = ("artifact", project_id, name)
        found = self._cache.get(key)
        if found is not None:
            return found, self._cache[("artifact type", found)]
        row = conn.execute(
            "SELECT id, type_id FROM artifacts WHERE project_id = ? AND name = ?",
            (project_id, name),
        ).fetchone()
        if row is None:
            cursor = conn.execute(
                "INSERT INTO artifacts (project_id, type_id, name, description, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (project_id, type_id, name, description, now),
            )
            row = (cursor.lastrowid or 0, type_id)
        self._cache[key], self._cache[("artifact type", row[0])] = row
        return row[0], row[1]

    def _names(self) -> dict[tuple[str, int], tuple[str, str]]:
        """Names of cached type ids: ``("type", id)`` -> ``(project id as text, type
        name)``. An entry counts only while the id cache still maps those names to that
        id: clearing ``_cache`` (a rollback) voids them all."""
        names: dict[tuple[str, int], tuple[str, str]] = vars(self).setdefault("_id_names", {})
        return names

    def artifact_type_of(self, project_id: int, name: str) -> str | None:
        artifact_id = self._cache.get(("artifact", project_id, name))
        if artifact_id is not None:  # known to this writer: no read transaction
            type_id = self._cache[("artifact type", artifact_id)]
            names = self._names().get(("type", type_id))
            if names is not None and self._cache.get(
                    ("type", project_id, names[1])) == type_id and names[0] == str(project_id):
                return names[1]
        row = self._conn.execute(
            "SELECT t.name FROM artifacts a JOIN artifact_types t ON t.id = a.type_id "
            "WHERE a.project_id = ? AND a.name = ?", (project_id, name)).fetchone()
        return row[0] if row else None

    def log_version(
        self,
        project_id: int,
        name: str,
        type_name: str,
        digest: str,
        entries: Sequence[ManifestEntry],
        files: Iterable[tuple[str, str]] = (),
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        aliases: Sequence[str] = (),
        tags: Sequence[str] = (),
        run_id: str | None = None,
        created_at: str | None = None,
        history_step: int | None = None,
        ttl: int | None = None,
        folders: Sequence[tuple[str, str]] = (),
    ) -> LoggedVersion:
        """Record a version (or find the one with the same digest) and move its aliases.

        With ``run_id`` the run gets an output edge to the version in both cases; the
        first run to log a version's content stays its producer (``versions.run_id``).

        ``files`` are ``(digest, local path)`` pairs copied into the blob folder *before*
        the transaction, so a committed version always has its content. ``latest`` should
        be among ``aliases``; the caller decides (imports may log older history).
        ``history_step`` is the logging run's history step then and ``ttl`` the draft's
        TTL in seconds (a new version keeps both; an existing one keeps its own), and
        ``folders`` its ``(entry prefix, file:// URI)`` folder references (likewise).
        Raises ``TypeMismatch`` if the artifact exists with another type.
        """
        self.blobs.put_files(files)  # all or none of them
        with self.transaction() as conn:
            # Under the write lock: versions numbered in commit order are dated in it too
            # (taken before, a writer that waited would date v4 before v3).
            now = created_at or utc_now()
            type_id = self._type_id(conn, project_id, type_name)
            artifact_id, existing_type = self._artifact_id(
                conn, project_id, name, type_id, description, now)
            if existing_type != type_id:
                from lineage_desktop.records import TypeMismatch

                raise TypeMismatch(
                    f"artifact {name!r} has type {self._type_name(conn, existing_type)!r}, "
                    f"cannot log it as {type_name!r}")
            # One read for the rest: the project's names, the collection's last number,
            # the live version that has this content already, if one has, and whether
            # the collection was deleted.
            project, entity, last, existing, collection_deleted, last_at = conn.execute(
                "SELECT name, entity, (SELECT MAX(idx) FROM versions WHERE artifact_id = ?2), "
                "(SELECT id FROM versions WHERE artifact_id = ?2 AND digest = ?3 "
                "AND deleted_at IS NULL LIMIT 1), "
                "(SELECT deleted_at FROM artifacts WHERE id = ?2), "
                "(SELECT MAX(created_at) FROM versions WHERE artifact_id = ?2) "
                "FROM projects WHERE id = ?1",
                (project_id, artifact_id, digest)).fetchone()
            if created_at is None and isinstance(last_at, str) and last_at > now:
                # The wall clock stepped back (NTP, a VM resumed): a new version is never
                # dated before the one numbered below it, or "as of" would show v59
                # without v58 (seen in tests/store/test_concurrency.py under load).
                now = last_at
            if existing is not None:
                # Equal content reuses the version; the run still has its output edge.
                if run_id is not None:
                    self._add_output(conn, run_id, existing, now)
                self._set_aliases(conn, artifact_id, existing, aliases, now)
                # Other aliases, tags and its producer are the stored ones: read them.
                stored = self.version_by_id(existing)
                return LoggedVersion(existing, stored.index, False, stored)
            # A tombstone's number is never reused, nor is its content revived: new
            # content (or a deleted version's) is a new version of a live collection.
            index = 0 if last is None else last + 1
            if collection_deleted is not None:  # a new version revives the collection
                conn.execute("UPDATE artifacts SET deleted_at = NULL, deleted_by = NULL "
                             "WHERE id = ?", (artifact_id,))
            stored_metadata, size = _dumps(metadata or {}), sum(e.size for e in entries)
            version_id = conn.execute(
                "INSERT INTO versions (artifact_id, idx, digest, description, metadata, size, "
                "file_count, created_at, run_id, history_step, ttl) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (artifact_id, index, digest, description, stored_metadata, size,
                 len(entries), now, run_id, history_step, ttl),
            ).lastrowid or 0
            conn.executemany(
                "INSERT INTO manifest (version_id, path, digest, size, ref) VALUES (?, ?, ?, ?, ?)",
                [(version_id, e.path, e.digest, e.size, e.ref) for e in entries],
            )
            if folders:
                conn.executemany(
                    "INSERT INTO reference_folders (version_id, prefix, uri) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING", [(version_id, p, u) for p, u in folders])
            if tags:
                conn.executemany(
                    "INSERT OR IGNORE INTO version_tags (version_id, tag) VALUES (?, ?)",
                    [(version_id, tag) for tag in tags])
            if run_id is not None:
                self._add_output(conn, run_id, version_id, now, claim=False)
            self._set_aliases(conn, artifact_id, version_id, aliases, now)
            # A new version holds exactly what was written: no re-read (sorted as the
            # reads sort aliases and tags; the metadata as its stored JSON reads back).
            record = ArtifactVersion(
                name=name, index=index, type=type_name, project=project, entity=entity,
                digest=digest, description=description,
                metadata=Cells("versions", version_id).mapping("metadata", stored_metadata),
                size=size, file_count=len(entries), created_at=now, run_id=run_id,
                aliases=tuple(sorted(set(aliases))), tags=tuple(sorted(set(tags))),
                id=version_id, history_step=history_step, ttl=ttl)
            return LoggedVersion(version_id, index, True, record)

    def _set_aliases(
        self, conn: sqlite3.Connection, artifact_id: int, version_id: int,
        aliases: Sequence[str], now: str,
    ) -> None:
        for alias in dict.fromkeys(aliases):
            conn.execute(
                "INSERT OR REPLACE INTO aliases (artifact_id, alias, version_id) VALUES (?, ?, ?)",
                (artifact_id, alias, version_id))
            conn.execute(
                "INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                "VALUES (?, ?, ?, ?)", (artifact_id, alias, version_id, now))

    def set_aliases(self, version_id: int, aliases: Sequence[str]) -> None:
        """Point ``aliases`` at a version (moving them from wherever they were)."""
        with self.transaction() as conn:
            artifact_id = conn.execute("SELECT artifact_id FROM versions WHERE id = ?",
                                       (version_id,)).fetchone()[0]
            self._set_aliases(conn, artifact_id, version_id, aliases, utc_now())

    def remove_alias(self, version_id: int, alias: str) -> None:
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT artifact_id FROM aliases WHERE version_id = ? AND alias = ?",
                (version_id, alias)).fetchone()
            if row is None:
                return
            conn.execute("DELETE FROM aliases WHERE artifact_id = ? AND alias = ?",
                         (row[0], alias))
            conn.execute(
                "INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                "VALUES (?, ?, NULL, ?)", (row[0], alias, utc_now()))

    def add_output(self, run_id: str, version_id: int, logged_at: str | None = None) -> bool:
        """Record that a run logged (output) a version, unless it already did; True if
        the edge is new. A version without a producer gets ``run_id`` as its first one.
        For importers and merges, which keep the other tool's times in ``logged_at``."""
        with self.transaction() as conn:
            return self._add_output(conn, run_id, version_id, logged_at or utc_now())

    def _add_output(
        self, conn: sqlite3.Connection, run_id: str, version_id: int, logged_at: str,
        claim: bool = True,
    ) -> bool:
        added = conn.execute(
            "INSERT OR IGNORE INTO outputs (run_id, version_id, logged_at) VALUES (?, ?, ?)",
            (run_id, version_id, logged_at)).rowcount > 0
        if claim:  # a version logged outside any run gets its first producer
            conn.execute("UPDATE versions SET run_id = ? WHERE id = ? AND run_id IS NULL",
                         (run_id, version_id))
        return added

    def add_usage(self, run_id: str, version_id: int, used_at: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO usages (run_id, version_id, used_at) VALUES (?, ?, ?)",
                (run_id, version_id, used_at or utc_now()))


def _dumps(value: Any) -> str:
    # default=str keeps odd config values (paths, numpy scalars) instead of failing a run;
    # NaN and infinities (the SDK refuses them; imports may carry them) are stored as the
    # strings "NaN"/"Infinity", so every cell is strict JSON that any tool can parse.
    # The C encoder first: it refuses NaN and infinities (keys too), and only then does
    # the walk over every value run.
    try:
        return json.dumps(value, default=str, sort_keys=True, allow_nan=False)
    except ValueError:
        return json.dumps(json_ready(value), default=str, sort_keys=True, allow_nan=False)
