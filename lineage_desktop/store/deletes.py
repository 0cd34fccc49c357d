"""Deleting versions and collections (W&B's ``Artifact.delete`` and
``ArtifactCollection.delete``) as tombstones.

Nothing is erased: the version keeps its row, manifest, outputs and usages, so the
lineage stays auditable and "as of" an earlier moment sees what was there. A deletion
sets ``deleted_at``/``deleted_by``, removes the version's aliases (writing
``alias_history`` with the author) and records a ``version_edits`` row (field
``deleted``), all in one transaction.
"""
from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from lineage_desktop.records import (
    ArtifactDeleted,
    ArtifactHasAliases,
    ArtifactNotFound,
    ArtifactVersion,
)
from lineage_desktop.store.rows import version_row
from lineage_desktop.store.timeutil import utc_now

# W&B keeps ``latest`` itself (the newest version that is not deleted), so it never
# blocks a deletion: it moves back to the newest remaining version instead.
LATEST = "latest"
EDIT_FIELD = "deleted"


def deleted_as_of(version: ArtifactVersion, as_of: str | None) -> ArtifactVersion:
    """The version as it was at ``as_of``: a tombstone laid later reads as not deleted."""
    if as_of is None or version.deleted_at is None or version.deleted_at <= as_of:
        return version
    return dataclasses.replace(version, deleted_at=None, deleted_by=None)


def deletion_error(version: ArtifactVersion, asked: str) -> ArtifactDeleted:
    """The ``LookupError`` for a reference that names a deleted version."""
    who = f" by {version.deleted_by!r}" if version.deleted_by else ""
    return ArtifactDeleted(
        f"artifact version {asked!r} was deleted at {version.deleted_at}{who}; "
        "its tombstone stays in the lineage graph", asked=asked,
        deleted_at=version.deleted_at, deleted_by=version.deleted_by, version_id=version.id)


class DeleteMixin:
    _conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    if TYPE_CHECKING:
        def version_by_id(self, version_id: int) -> ArtifactVersion: ...

    def delete_version(self, version_id: int, author: str | None,
                       delete_aliases: bool = False) -> ArtifactVersion:
        """Tombstone one version (W&B's ``Artifact.delete(delete_aliases)``) and return it
        as stored. Aliases other than ``latest`` refuse the deletion (``ArtifactHasAliases``)
        unless ``delete_aliases``; a version deleted already raises ``ArtifactDeleted``."""
        with self.transaction() as conn:
            self._tombstone(conn, version_id, author, delete_aliases, utc_now())
        return self.version_by_id(version_id)

    def delete_collection(self, artifact_id: int, author: str | None) -> int:
        """Tombstone a collection and every version of it not deleted yet (W&B's
        ``ArtifactCollection.delete()``: aliases go too). Returns how many versions it
        tombstoned; an unknown id raises ``ArtifactNotFound``."""
        now = utc_now()
        with self.transaction() as conn:
            row = conn.execute("SELECT name FROM artifacts WHERE id = ?",
                               (artifact_id,)).fetchone()
            if row is None:
                raise ArtifactNotFound(f"no artifact collection with id {artifact_id}",
                                       asked=str(artifact_id))
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM versions WHERE artifact_id = ? AND deleted_at IS NULL "
                "ORDER BY idx", (artifact_id,))]
            for version_id in ids:
                self._tombstone(conn, version_id, author, True, now)
            conn.execute(
                "UPDATE artifacts SET deleted_at = ?, deleted_by = ? WHERE id = ?",
                (now, author, artifact_id))
        return len(ids)

    def collection_id(self, project_id: int, name: str) -> int:
        """The row id of the collection ``name`` of a project (for ``delete_collection``)."""
        row = self._conn.execute("SELECT id FROM artifacts WHERE project_id = ? AND name = ?",
                                 (project_id, name)).fetchone()
        if row is None:
            raise ArtifactNotFound(f"no artifact named {name!r}", asked=name)
        return int(row[0])

    def _tombstone(self, conn: sqlite3.Connection, version_id: int, author: str | None,
                   delete_aliases: bool, now: str) -> None:
        artifact_id, created_at, deleted_at, name, index = version_row(
            conn, "SELECT v.artifact_id, v.created_at, v.deleted_at, a.name, v.idx FROM versions v "
            "JOIN artifacts a ON a.id = v.artifact_id WHERE v.id = ?", version_id)
        if deleted_at is not None:
            raise deletion_error(self.version_by_id(version_id), f"{name}:v{index}")
        aliases = [r[0] for r in conn.execute(
            "SELECT alias FROM aliases WHERE version_id = ? ORDER BY alias", (version_id,))]
        blocking = [alias for alias in aliases if alias != LATEST]
        if blocking and not delete_aliases:
            raise ArtifactHasAliases(
                f"artifact {name}:v{index} still has aliases {', '.join(blocking)}; "
                "remove them or call delete(delete_aliases=True)", aliases=blocking)
        conn.execute("UPDATE versions SET deleted_at = ?, deleted_by = ? WHERE id = ?",
                     (now, author, version_id))
        self._drop_aliases(conn, artifact_id, aliases, author, now)
        if LATEST in aliases:
            self._move_latest(conn, artifact_id, author, now)
        self._record_deletion(conn, version_id, created_at, author, now)

    @staticmethod
    def _drop_aliases(conn: sqlite3.Connection, artifact_id: int, aliases: Sequence[str],
                      author: str | None, now: str) -> None:
        for alias in aliases:
            conn.execute("DELETE FROM aliases WHERE artifact_id = ? AND alias = ?",
                         (artifact_id, alias))
            conn.execute(
                "INSERT INTO alias_history (artifact_id, alias, version_id, set_at, author) "
                "VALUES (?, ?, NULL, ?, ?)", (artifact_id, alias, now, author))

    @staticmethod
    def _move_latest(conn: sqlite3.Connection, artifact_id: int, author: str | None,
                     now: str) -> None:
        # Backwards along UNIQUE (artifact_id, idx): the newest version not deleted.
        row = conn.execute(
            "SELECT id FROM versions WHERE artifact_id = ? AND deleted_at IS NULL "
            "ORDER BY idx DESC LIMIT 1", (artifact_id,)).fetchone()
        if row is None:
            return
        conn.execute("INSERT OR REPLACE INTO aliases (artifact_id, alias, version_id) "
                     "VALUES (?, ?, ?)", (artifact_id, LATEST, row[0]))
        conn.execute(
            "INSERT INTO alias_history (artifact_id, alias, version_id, set_at, author) "
            "VALUES (?, ?, ?, ?, ?)", (artifact_id, LATEST, row[0], now, author))

    @staticmethod
    def _record_deletion(conn: sqlite3.Connection, version_id: int, created_at: str,
                         author: str | None, now: str) -> None:
        # The first edit of a field is preceded by its value as logged (schema 8's rule),
        # so "as of" any moment reads the field from ``version_edits`` alone.
        first = conn.execute(
            "SELECT 1 FROM version_edits WHERE version_id = ? AND field = ? LIMIT 1",
            (version_id, EDIT_FIELD)).fetchone() is None
        rows: list[tuple[int, str, str, str, str | None]] = (
            [(version_id, EDIT_FIELD, json.dumps(False), created_at, None)] if first else [])
        rows.append((version_id, EDIT_FIELD, json.dumps(True), now, author))
        conn.executemany(
            "INSERT INTO version_edits (version_id, field, value, changed_at, author) "
            "VALUES (?, ?, ?, ?, ?)", rows)
