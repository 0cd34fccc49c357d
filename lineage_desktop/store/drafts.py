"""Distributed drafts: several runs (processes) upsert entries into one shared draft,
identified by (project, artifact name, distributed id); one finish commits their union
as one version. W&B's ``run.upsert_artifact`` / ``run.finish_artifact``.

Each upsert is one transaction after its blobs are copied in, so a process killed at any
point leaves the draft with all of that call's entries or none of them.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lineage_desktop.records import (
    DraftConflict,
    EmptyDraft,
    ManifestEntry,
    TypeMismatch,
)
from lineage_desktop.store.blobs import BlobStore, manifest_digest
from lineage_desktop.store.schema import EDITS_SINCE, FOLDERS_SINCE, schema_version
from lineage_desktop.store.timeutil import utc_now

if TYPE_CHECKING:
    from lineage_desktop.store.writes import LoggedVersion


@dataclass(frozen=True)
class Draft:
    """An unfinished distributed version: upserted into, not (yet) finished. ``type`` is
    None for a draft that only received empty upserts; ``first_added``/``last_added``
    are the times of its oldest and newest upserted entry (None without entries)."""

    entity: str
    project: str
    name: str
    distributed_id: str
    type: str | None
    files: int
    size: int
    runs: tuple[str, ...]
    aliases: tuple[str, ...]
    first_added: str | None
    last_added: str | None


class DraftsMixin:
    """Upserting into and finishing distributed drafts (table ``draft_entries``)."""

    blobs: BlobStore

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def log_version(self, project_id: int, name: str, type_name: str, digest: str,
                        entries: Sequence[ManifestEntry], files: Iterable[tuple[str, str]] = (),
                        description: str | None = None,
                        metadata: dict[str, Any] | None = None, aliases: Sequence[str] = (),
                        tags: Sequence[str] = (), run_id: str | None = None,
                        created_at: str | None = None, history_step: int | None = None,
                        ttl: int | None = None,
                        folders: Sequence[tuple[str, str]] = ()) -> LoggedVersion: ...

        def _resolved_id(self, name: str, selector: str, project_id: int | None,
                         as_of: str | None) -> int | None: ...

        def _add_output(self, conn: sqlite3.Connection, run_id: str, version_id: int,
                        logged_at: str, claim: bool = True) -> bool: ...

    def upsert_draft(
        self, project_id: int, name: str, type_name: str, distributed_id: str,
        entries: Sequence[ManifestEntry], files: Iterable[tuple[str, str]], run_id: str,
        added_at: str | None = None, aliases: Sequence[str] = (),
        folders: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Add ``entries`` to the shared draft, record ``run_id`` as a contributor and
        ``aliases`` and ``folders`` (folder references) for the finish, which applies
        every upsert's with its own; returns the draft's entry count. A path the same run
        added before is replaced (an upsert); one another run added with other content is
        refused (``DraftConflict``, naming the path and both runs), as is another type."""
        self.blobs.put_files(files)  # before the transaction: a committed row has content
        now = added_at or utc_now()
        key = (project_id, name, distributed_id)
        with self.transaction() as conn:
            other = conn.execute(
                "SELECT type FROM draft_entries WHERE project_id = ? AND name = ? AND "
                "distributed_id = ? AND type != ? LIMIT 1", (*key, type_name)).fetchone()
            if other is not None:
                raise TypeMismatch(f"distributed artifact {name!r} ({distributed_id!r}) has "
                                   f"type {other[0]!r}, cannot upsert it as {type_name!r}")
            for entry in entries:
                row = conn.execute(
                    "SELECT digest, ref, run_id FROM draft_entries WHERE project_id = ? AND "
                    "name = ? AND distributed_id = ? AND path = ?", (*key, entry.path)
                ).fetchone()
                if (row is not None and row[2] != run_id
                        and (row[0], row[1]) != (entry.digest, entry.ref)):
                    raise DraftConflict(
                        f"distributed artifact {name!r} ({distributed_id!r}): path "
                        f"{entry.path!r} was added by run {row[2]!r} with other content than "
                        f"run {run_id!r} adds; give each run's files their own paths")
            conn.executemany(
                "INSERT INTO draft_entries (project_id, name, type, distributed_id, path, "
                "digest, size, ref, run_id, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (project_id, name, distributed_id, path) DO UPDATE SET "
                "digest = excluded.digest, size = excluded.size, ref = excluded.ref, "
                "run_id = excluded.run_id, added_at = excluded.added_at "
                # Equal content from another run keeps its first writer.
                "WHERE draft_entries.run_id = excluded.run_id",
                [(project_id, name, type_name, distributed_id, e.path, e.digest, e.size,
                  e.ref, run_id, now) for e in entries])
            conn.execute("INSERT OR IGNORE INTO draft_runs (project_id, name, distributed_id, "
                         "run_id) VALUES (?, ?, ?, ?)", (*key, run_id))
            conn.executemany(
                "INSERT INTO draft_aliases (project_id, name, distributed_id, alias) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(*key, alias) for alias in dict.fromkeys(aliases)])
            conn.executemany(
                "INSERT INTO draft_folders (project_id, name, distributed_id, prefix, uri) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(*key, prefix, uri) for prefix, uri in folders])
            count: int = conn.execute(
                "SELECT COUNT(*) FROM draft_entries WHERE project_id = ? AND name = ? AND "
                "distributed_id = ?", key).fetchone()[0]
            return count

    def draft_entries(self, project_id: int, name: str,
                      distributed_id: str) -> list[ManifestEntry]:
        """The shared draft's entries so far, sorted by path."""
        return [ManifestEntry(path=row[0], digest=row[1], size=row[2], ref=row[3])
                for row in self._draft_rows(None, project_id, name, distributed_id)]

    def drafts(self) -> list[Draft]:
        """Every unfinished distributed draft of the store, by project, name and id
        (a store before the drafts' schema has none)."""
        reader: sqlite3.Connection = self._conn  # type: ignore[attr-defined]
        version = schema_version(reader)
        if version < EDITS_SINCE:
            return []
        keys = "project_id, name, distributed_id"
        entries = {(r[0], r[1], r[2]): r[3:] for r in reader.execute(
            f"SELECT {keys}, MIN(type), COUNT(*), SUM(size), MIN(added_at), MAX(added_at) "
            f"FROM draft_entries GROUP BY {keys}")}
        runs: dict[tuple[int, str, str], list[str]] = {}
        for row in reader.execute(f"SELECT {keys}, run_id FROM draft_runs ORDER BY run_id"):
            runs.setdefault((row[0], row[1], row[2]), []).append(str(row[3]))
        aliases: dict[tuple[int, str, str], list[str]] = {}
        if version >= FOLDERS_SINCE:
            for row in reader.execute(
                    f"SELECT {keys}, alias FROM draft_aliases ORDER BY alias"):
                aliases.setdefault((row[0], row[1], row[2]), []).append(str(row[3]))
        projects = {int(r[0]): (str(r[1]), str(r[2])) for r in reader.execute(
            "SELECT id, entity, name FROM projects")}
        found = []
        for key in sorted(set(entries) | set(runs), key=lambda k: (
                projects.get(k[0], ("", "")), str(k[1]), str(k[2]))):
            type_name, files, size, first, last = entries.get(key, (None, 0, 0, None, None))
            entity, project = projects.get(key[0], ("?", f"project {key[0]}"))
            found.append(Draft(
                entity, project, str(key[1]), str(key[2]),
                None if type_name is None else str(type_name), int(files), int(size or 0),
                tuple(runs.get(key, ())), tuple(aliases.get(key, ())),
                None if first is None else str(first), None if last is None else str(last)))
        return found

    def _draft_rows(self, conn: sqlite3.Connection | None, project_id: int, name: str,
                    distributed_id: str) -> list[tuple[Any, ...]]:
        reader: Any = conn if conn is not None else self._conn  # type: ignore[attr-defined]
        return list(reader.execute(
            "SELECT path, digest, size, ref, type FROM draft_entries WHERE project_id = ? AND "
            "name = ? AND distributed_id = ? ORDER BY path", (project_id, name, distributed_id)))

    def finish_draft(
        self, project_id: int, name: str, type_name: str, distributed_id: str,
        entries: Sequence[ManifestEntry], files: Iterable[tuple[str, str]], run_id: str,
        description: str | None = None, metadata: dict[str, Any] | None = None,
        aliases: Sequence[str] = (), created_at: str | None = None,
        folders: Sequence[tuple[str, str]] = (),
    ) -> LoggedVersion:
        """Commit the draft's entries plus ``entries`` (the finishing run's own) as one
        version, in one transaction that also gives every contributing run an output
        edge, points the upserts' aliases and ``aliases`` at it, and deletes the draft.
        Nothing to commit raises ``EmptyDraft``."""
        self.blobs.put_files(files)
        now = created_at or utc_now()
        key = (project_id, name, distributed_id)
        with self.transaction() as conn:
            rows = self._draft_rows(conn, *key)
            if any(row[4] != type_name for row in rows):
                raise TypeMismatch(f"distributed artifact {name!r} ({distributed_id!r}) has "
                                   f"type {rows[0][4]!r}, cannot finish it as {type_name!r}")
            merged = {row[0]: ManifestEntry(path=row[0], digest=row[1], size=row[2],
                                            ref=row[3]) for row in rows}
            merged.update((e.path, e) for e in entries)  # the finisher's own win
            if not merged:
                raise EmptyDraft(
                    f"distributed artifact {name!r} ({distributed_id!r}) has no entries to "
                    "commit: nothing was upserted, or it was finished already")
            union = [merged[path] for path in sorted(merged)]
            contributors = [row[0] for row in conn.execute(
                "SELECT run_id FROM draft_runs WHERE project_id = ? AND name = ? AND "
                "distributed_id = ?", key)]
            upserted = [row[0] for row in conn.execute(
                "SELECT alias FROM draft_aliases WHERE project_id = ? AND name = ? AND "
                "distributed_id = ? ORDER BY alias", key)]
            upserted_folders = [(str(row[0]), str(row[1])) for row in conn.execute(
                "SELECT prefix, uri FROM draft_folders WHERE project_id = ? AND name = ? AND "
                "distributed_id = ? ORDER BY prefix, uri", key)]
            # Joins this transaction (nested); its files are in the blob folder already.
            logged = self.log_version(
                project_id, name, type_name,
                manifest_digest([(e.path, e.digest) for e in union]), union, (),
                description, metadata, [*aliases, *upserted], (), run_id, now,
                folders=list(dict.fromkeys([*upserted_folders, *folders])))
            for contributor in contributors:
                if contributor != run_id:
                    self._add_output(conn, contributor, logged.version_id, now, claim=False)
            for table in ("draft_entries", "draft_runs", "draft_aliases", "draft_folders"):
                conn.execute(f"DELETE FROM {table} WHERE project_id = ? AND name = ? AND "
                             "distributed_id = ?", key)
            return logged

    def log_incremental(
        self, project_id: int, name: str, type_name: str, digest: str,
        entries: Sequence[ManifestEntry], files: Iterable[tuple[str, str]] = (),
        description: str | None = None, metadata: dict[str, Any] | None = None,
        aliases: Sequence[str] = (), tags: Sequence[str] = (), run_id: str | None = None,
        created_at: str | None = None, history_step: int | None = None,
        ttl: int | None = None, folders: Sequence[tuple[str, str]] = (),
    ) -> LoggedVersion:
        """``log_version`` of W&B's incremental artifact: the collection's latest
        version's entries with ``entries`` on top (``digest``, the draft's own, is
        recomputed), and its folder references with ``folders``. The latest is read in
        the writing transaction, so two incremental writers at once each build on the
        other's version, never on the same one."""
        self.blobs.put_files(files)
        with self.transaction() as conn:
            latest = self._resolved_id(name, "latest", project_id, None)
            merged = {} if latest is None else {row[0]: ManifestEntry(
                path=row[0], digest=row[1], size=row[2], ref=row[3]) for row in conn.execute(
                    "SELECT path, digest, size, ref FROM manifest WHERE version_id = ?",
                    (latest,))}
            merged.update((e.path, e) for e in entries)
            union = [merged[path] for path in sorted(merged)]
            kept: list[tuple[str, str]] = [] if latest is None else [
                (str(row[0]), str(row[1])) for row in conn.execute(
                    "SELECT prefix, uri FROM reference_folders WHERE version_id = ?",
                    (latest,))]
            return self.log_version(
                project_id, name, type_name,
                manifest_digest([(e.path, e.digest) for e in union]), union, (),
                description, metadata, aliases, tags, run_id, created_at, history_step, ttl,
                list(dict.fromkeys([*kept, *folders])))
