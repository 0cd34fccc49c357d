"""Registry links: versions of a (registry) collection that point at source versions.

A link is a row of ``versions`` with ``source_id`` set: its own collection, index and
aliases, the source's type, digest, size and file count, and no manifest rows of its own
(``ReadMixin.manifest`` reads the source's). Usages and outputs stay on source versions,
so lineage remains a DAG of sources; links only annotate it.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence

from lineage_desktop.records import ArtifactVersion, TypeMismatch
from lineage_desktop.store.params import ids_param as _ids_param
from lineage_desktop.store.reads import ReadMixin
from lineage_desktop.store.timeutil import utc_now
from lineage_desktop.store.writes import LoggedVersion, WriteMixin

__all__ = ["LinksMixin"]


class LinksMixin(ReadMixin, WriteMixin):
    def link_version(
        self, project_id: int, collection: str, source_id: int, aliases: Sequence[str] = (),
        created_at: str | None = None,
    ) -> LoggedVersion:
        """Link version ``source_id`` into ``collection`` of project ``project_id``, in one
        transaction; ``aliases`` (``latest`` among them, the caller decides) move to the
        link. A source already linked there keeps its link (``created`` False), aliases
        added. A link of a link points at the first source. Raises ``TypeMismatch`` if the
        collection exists with another type. ``created_at`` is for importers, which keep
        the other tool's time of a new link (default: now)."""
        with self.transaction() as conn:
            # under the write lock: time order is the order of the links
            now = created_at or utc_now()
            source = self.version_by_id(source_id)  # an unknown id raises NotFound
            if source.source_id is not None:
                source = self.version_by_id(source.source_id)
            type_id = self._type_id(conn, project_id, source.type)
            artifact_id, existing_type = self._artifact_id(
                conn, project_id, collection, type_id, None, now)
            if existing_type != type_id:
                raise TypeMismatch(
                    f"collection {collection!r} holds type "
                    f"{self._type_name(conn, existing_type)!r}, cannot link "
                    f"{source.name}:{source.version} of type {source.type!r} into it")
            existing, last = conn.execute(
                "SELECT (SELECT id FROM versions WHERE artifact_id = ?1 AND source_id = ?2 "
                "LIMIT 1), (SELECT MAX(idx) FROM versions WHERE artifact_id = ?1)",
                (artifact_id, source.id)).fetchone()
            created = existing is None
            if created:
                existing = self._insert_link(conn, artifact_id, 0 if last is None else last + 1,
                                             source, now)
            self._set_aliases(conn, artifact_id, existing, aliases, now)
            record = self.version_by_id(existing)
            return LoggedVersion(existing, record.index, created, record)

    @staticmethod
    def _insert_link(conn: sqlite3.Connection, artifact_id: int, index: int,
                     source: ArtifactVersion, now: str) -> int:
        # The link's own row: no producing run (the source has it) and no manifest rows.
        return conn.execute(
            "INSERT INTO versions (artifact_id, idx, digest, description, metadata, size, "
            "file_count, created_at, run_id, source_id) "
            "VALUES (?, ?, ?, ?, (SELECT metadata FROM versions WHERE id = ?), ?, ?, ?, NULL, ?)",
            (artifact_id, index, source.digest, source.description, source.id, source.size,
             source.file_count, now, source.id)).lastrowid or 0

    def links_of(
        self, version_ids: Iterable[int], as_of: str | None = None
    ) -> dict[int, list[ArtifactVersion]]:
        """The links pointing at each of ``version_ids`` (those that have any), in the
        order they were made; ``as_of`` a time, those made by then with their aliases
        then."""
        ids = list(version_ids)
        found: dict[int, list[ArtifactVersion]] = defaultdict(list)
        if not ids or not self._has_links():
            return found
        # One probe of the partial index ``versions_source`` per id (most stores hold no
        # link: then this one statement is all, its labels are read only for links found).
        for link in self._versions_where(
                "v.source_id IN (SELECT value FROM json_each(?))", (_ids_param(ids),),
                as_of, order="v.id"):
            if link.source_id is not None:
                found[link.source_id].append(link)
        return dict(found)
