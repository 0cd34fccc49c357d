"""Read queries: projects, versions, references, manifests, collections (the run reads
are ``run_reads.py``'s, mixed in). Every method returns records, never rows.

``as_of`` (a stored-form timestamp) restricts reads to what existed at that moment:
runs started, versions created, outputs and usages recorded before it, aliases as they
were then.
"""
from __future__ import annotations

import difflib
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from lineage_desktop.records import (
    ArtifactCollection,
    ArtifactNotFound,
    ArtifactVersion,
    ManifestEntry,
    Project,
    Run,
    VersionCells,
)
from lineage_desktop.store.deletes import deleted_as_of, deletion_error
from lineage_desktop.store.edits import edits_as_of
from lineage_desktop.store.params import FAR_FUTURE
from lineage_desktop.store.params import ids_param as _ids_param
from lineage_desktop.store.rows import (
    VERSION_COLUMNS,
    VERSION_COLUMNS_BEFORE_8,
    VERSION_FROM,
    as_text,
    collection_from_row,
    entry_from_row,
    names,
    project_from_row,
    unknown_version,
    version_cells,
    version_from_row,
)
from lineage_desktop.store.run_reads import RunOrder, RunReadMixin, run_order_sql
from lineage_desktop.store.schema import (
    EDITS_SINCE,
    FOLDERS_SINCE,
    has_outputs,
    schema_version,
)
from lineage_desktop.store.time_hints import as_of_miss

__all__ = ["FAR_FUTURE", "ReadMixin", "RunOrder", "run_order_sql"]

_VERSION_RE = re.compile(r"^v(\d+)$")
# Versions come back in ``a.name, v.idx`` order. A listing (a collection's versions) reads
# them in that order from ``UNIQUE (artifact_id, idx)``. A lookup by id, digest, run or
# alias must not: given that index order SQLite walks every version of the collection
# rather than sort the few rows found (``+`` makes the terms expressions no index gives).
_LISTING_ORDER = "a.name, v.idx"
_POINT_ORDER = "+a.name, +v.idx"
# The version found and whether it is the collection's: an alias reaches its version by
# id, and the check that it belongs to the collection is read, never joined on (joined,
# ``v.artifact_id = a.id`` let a team store's planner without statistics reach the alias
# through every version of the collection).
_RESOLVE_SELECT = "SELECT v.idx, v.id, v.artifact_id = a.id FROM artifacts a"
# An alias as of a moment is its last move at or before it: the latest ``set_at``, of
# moves at the same time the last recorded. One step back along ``alias_history_lookup``
# (artifact_id, alias, set_at, then the rowid), however long the alias's history.
_LAST_MOVE = "ORDER BY h.set_at DESC, h.id DESC LIMIT 1"
# The aliases of some versions as of a moment (``ids`` in JSON, ``at``): the
# aliases each of their collections ever had, found by a skip along the same index (one
# step per alias name, not per move), each with its last move then.
_ALIASES_AS_OF = (
    "WITH RECURSIVE c(id) AS (SELECT DISTINCT artifact_id FROM versions"
    " WHERE id IN (SELECT value FROM json_each(:ids))),"
    " n(artifact_id, alias) AS ("
    " SELECT c.id, (SELECT MIN(alias) FROM alias_history WHERE artifact_id = c.id) FROM c"
    " UNION ALL SELECT n.artifact_id, (SELECT MIN(alias) FROM alias_history"
    " WHERE artifact_id = n.artifact_id AND alias > n.alias) FROM n WHERE n.alias IS NOT NULL),"
    " m(version_id, alias) AS (SELECT (SELECT h.version_id FROM alias_history h"
    " WHERE h.artifact_id = n.artifact_id AND h.alias = n.alias AND h.set_at <= :at"
    f" {_LAST_MOVE}), n.alias FROM n WHERE n.alias IS NOT NULL)"
    " SELECT 0, version_id, alias FROM m WHERE version_id IS NOT NULL")
# A store before schema 4 knows one producer per version, ``versions.run_id``; read with
# the columns of the ``outputs`` table, it serves every query written for that table.
_OUTPUTS_BEFORE_4 = ("(SELECT run_id, id AS version_id, created_at AS logged_at "
                     "FROM versions WHERE run_id IS NOT NULL)")


class ReadMixin(RunReadMixin):
    _conn: sqlite3.Connection

    def outputs_table(self) -> str:
        """The ``outputs`` relation as an SQL table expression (``FROM {it} o``): the
        table itself, or on a store older than schema 4 (which a reader cannot migrate)
        the producer recorded in ``versions``."""
        return self._outputs()

    def _outputs(self) -> str:
        # Schema versions only grow, so a table once seen stays; an older store is asked
        # again each time (a writer may migrate it while this connection reads).
        if not getattr(self, "_outputs_seen", False):
            self._outputs_seen = has_outputs(self._conn)
        return "outputs" if self._outputs_seen else _OUTPUTS_BEFORE_4

    def _version_columns(self) -> str:
        # As ``_outputs``: a store older than schema 8 is asked again each time.
        if not getattr(self, "_edits_seen", False):
            self._edits_seen = schema_version(self._conn) >= EDITS_SINCE
        return VERSION_COLUMNS if self._edits_seen else VERSION_COLUMNS_BEFORE_8

    # ----------------------------------------------------------------- projects
    def projects(self) -> list[Project]:
        return [project_from_row(row) for row in self._conn.execute(
            "SELECT id, entity, name FROM projects ORDER BY entity, name")]

    def find_projects(self, name: str, entity: str | None = None) -> list[Project]:
        return [p for p in self.projects() if p.name == name and entity in (None, p.entity)]

    # ----------------------------------------------------------------- versions
    def _labels_for(
        self, version_ids: Sequence[int], as_of: str | None
    ) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
        """The aliases (as of ``as_of``) and tags of some versions, each sorted, in one
        statement: a lineage read asks for both of every version it shows."""
        aliases: dict[int, list[str]] = defaultdict(list)
        tags: dict[int, list[str]] = defaultdict(list)
        if not version_ids:
            return aliases, tags
        ids = _ids_param(version_ids)
        tag_rows = ("SELECT 1, version_id, tag FROM version_tags WHERE version_id IN "
                    "(SELECT value FROM json_each(:ids))")
        if as_of is None:
            sql = ("SELECT 0, version_id, alias FROM aliases WHERE version_id IN "
                   f"(SELECT value FROM json_each(:ids)) UNION ALL {tag_rows} ORDER BY 1, 3")
        else:
            sql = f"{_ALIASES_AS_OF} UNION ALL {tag_rows} ORDER BY 1, 3"
        wanted = set(version_ids)
        for kind, version_id, label in self._conn.execute(sql, {"ids": ids, "at": as_of}):
            if version_id in wanted:
                (tags if kind else aliases)[version_id].append(label)
        return aliases, tags

    def _versions_where(
        self, where: str, params: Sequence[object], as_of: str | None = None,
        order: str = _POINT_ORDER, labels: bool = True,
    ) -> list[ArtifactVersion]:
        """The versions ``where`` selects; without ``labels`` their aliases and tags are
        left empty (one statement fewer, for a caller that only wants ids)."""
        rows, aliases, tags = self._version_rows(where, params, as_of, order, labels)
        versions = [deleted_as_of(version_from_row(r, tuple(aliases[r[0]]), tuple(tags[r[0]])),
                                  as_of) for r in rows]
        if as_of is not None and rows and self._edits_seen:
            versions = self._as_edited(versions, as_of)
        return versions

    def _version_rows(
        self, where: str, params: Sequence[object], as_of: str | None, order: str,
        labels: bool,
    ) -> tuple[list[tuple[Any, ...]], dict[int, list[str]], dict[int, list[str]]]:
        """The rows ``where`` selects (created by ``as_of``) and their aliases and tags."""
        sql = f"SELECT {self._version_columns()} FROM {VERSION_FROM} WHERE ({where})"
        if as_of is not None:
            sql += " AND v.created_at <= ?"
            params = (*params, as_of)
        rows = self._conn.execute(f"{sql} ORDER BY {order}", params).fetchall()
        aliases, tags = (self._labels_for([row[0] for row in rows], as_of) if labels
                         else (defaultdict(list), defaultdict(list)))
        return rows, aliases, tags

    def _version_cells_where(self, where: str, params: Sequence[object]
                             ) -> list[VersionCells | ArtifactVersion]:
        """``_versions_where`` as the graph takes them (now, not as of a time): clean
        rows as ``VersionCells``, the others as records (``version_cells``)."""
        rows, aliases, tags = self._version_rows(where, params, None, _POINT_ORDER, True)
        return [version_cells(r, tuple(aliases[r[0]]), tuple(tags[r[0]])) for r in rows]

    def _as_edited(self, versions: list[ArtifactVersion], as_of: str) -> list[ArtifactVersion]:
        """Description, metadata, tags and TTL as they were at ``as_of`` (``save()``
        edits): one indexed lookup per version and field, see ``store/edits.py``."""
        edits = edits_as_of(self._conn, [v.id for v in versions], as_of)
        found = []
        for version in versions:
            fields: dict[str, Any] = dict(edits.get(version.id, {}))
            changed = fields.pop("changed_at", None)
            if "tags" in fields:
                fields["tags"] = tuple(sorted(fields["tags"]))
            if version.updated_at is not None and version.updated_at > as_of:
                # Edited later: the last edit by then (a field's value as logged is
                # recorded at creation, no edit). Alias moves alone are not counted.
                created = version.created_at or ""
                fields["updated_at"] = changed if changed and changed > created else None
            found.append(replace(version, **fields) if fields else version)
        return found

    def versions_by_ids(
        self, ids: Iterable[int], as_of: str | None = None
    ) -> list[ArtifactVersion]:
        return self._versions_where("v.id IN (SELECT value FROM json_each(?))",
                                    (_ids_param(ids),), as_of)

    def version_by_id(self, version_id: int) -> ArtifactVersion:
        found = self.versions_by_ids([version_id])
        if not found:
            raise unknown_version(version_id)
        return found[0]

    def artifact_versions(
        self, name: str, project_id: int | None = None, as_of: str | None = None,
        include_deleted: bool = False, newest: int | None = None, before: int | None = None,
    ) -> list[ArtifactVersion]:
        """A collection's versions, oldest first; deleted ones (tombstones) only with
        ``include_deleted``, as W&B lists them. ``newest``: only the newest that many
        (by index), read as such (a page of a long history, not all of it sorted);
        ``before``: only versions of an index below it (the next page of older ones)."""
        where = "a.name = ?"
        params: list[object] = [name]
        if project_id is not None:
            where += " AND a.project_id = ?"
            params.append(project_id)
        if before is not None:
            where += " AND v.idx < ?"
            params.append(before)
        if newest is not None:
            versions = self._newest_versions(where, params, as_of, include_deleted, newest)
        else:
            versions = self._versions_where(where, params, as_of, order=_LISTING_ORDER)
        if not include_deleted:
            versions = [v for v in versions if v.deleted_at is None]
        if not versions and not self._artifact_projects(name, project_id):
            raise self._unknown_artifact(name, project_id)
        return versions

    def _newest_versions(
        self, where: str, params: list[object], as_of: str | None, include_deleted: bool,
        newest: int,
    ) -> list[ArtifactVersion]:
        """``artifact_versions`` limited to the newest ``newest`` (oldest first): their ids
        found by a walk down ``UNIQUE (artifact_id, idx)`` from the top that stops after
        them, tombstones (as of ``as_of``) left out there so the page is full."""
        self._version_columns()
        inner, inner_params = where, list(params)
        if as_of is not None:
            inner += " AND v.created_at <= ?"
            inner_params.append(as_of)
        if not include_deleted and self._edits_seen:
            inner += " AND (v.deleted_at IS NULL OR v.deleted_at > ?)"
            inner_params.append(as_of or FAR_FUTURE)
        page = (f"v.id IN (SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id"
                f" WHERE {inner} ORDER BY a.name DESC, v.idx DESC LIMIT ?)")
        return self._versions_where(page, [*inner_params, max(0, newest)], as_of,
                                    order=_LISTING_ORDER)

    def _artifact_projects(self, name: str, project_id: int | None) -> list[int]:
        sql = "SELECT project_id FROM artifacts WHERE name = ?"
        params: list[object] = [name]
        if project_id is not None:
            sql += " AND project_id = ?"
            params.append(project_id)
        return [row[0] for row in self._conn.execute(sql, params)]

    def artifact_projects(self, name: str) -> list[Project]:
        """Projects that hold an artifact collection named ``name``."""
        return [project_from_row(row) for row in self._conn.execute(
            "SELECT p.id, p.entity, p.name FROM artifacts a JOIN projects p ON p.id = a.project_id"
            " WHERE a.name = ? ORDER BY p.entity, p.name", (name,))]

    def artifact_names(self, project_id: int | None = None) -> list[str]:
        sql, params = "SELECT DISTINCT name FROM artifacts", []
        if project_id is not None:
            sql += " WHERE project_id = ?"
            params.append(project_id)
        return names([row[0] for row in self._conn.execute(sql + " ORDER BY name", params)])

    def _unknown_artifact(self, name: str, project_id: int | None) -> ArtifactNotFound:
        close = difflib.get_close_matches(name, self.artifact_names(project_id), n=5, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        return ArtifactNotFound(f"no artifact named {name!r}{hint}", asked=name, suggestions=close)

    def resolve_version(
        self, name: str, selector: str | None, project_id: int | None = None,
        as_of: str | None = None, labels: bool = True,
    ) -> ArtifactVersion:
        """``name`` with ``latest`` (None), ``v<n>`` or an alias, within one project;
        without ``labels`` the record's aliases and tags are left empty."""
        selector = selector or "latest"
        version_id = self._resolved_id(name, selector, project_id, as_of)
        if version_id is None and not self._artifact_projects(name, project_id):
            raise self._unknown_artifact(name, project_id)
        found = [] if version_id is None else self._versions_where(
            "v.id = ?", [version_id], as_of, labels=labels)
        if found and found[0].deleted_at is not None:
            raise deletion_error(found[0], f"{name}:{selector}")
        if found:
            return found[0]
        known = self._versions_where("a.name = ?" + (" AND a.project_id = ?" if project_id
                                     is not None else ""),
                                     [name] + ([project_id] if project_id is not None else []),
                                     as_of, order=_LISTING_ORDER)
        live = [v for v in known if v.deleted_at is None]  # a tombstone is no suggestion
        if as_of is not None:  # then suggest by time: what existed at that moment
            ever = self._versions_where("a.name = ?" + (" AND a.project_id = ?" if project_id
                                        is not None else ""),
                                        [name] + ([project_id] if project_id is not None
                                                  else []), None, order=_LISTING_ORDER)
            raise as_of_miss(name, selector, as_of, live,
                             [v for v in ever if v.deleted_at is None])
        choices = sorted({v.version for v in live} | {a for v in live for a in v.aliases})
        close = difflib.get_close_matches(selector, choices, n=5, cutoff=0.3) or choices[:5]
        when = f" as of {as_of}" if as_of else ""
        raise ArtifactNotFound(
            f"artifact {name!r} has no version or alias {selector!r}{when}; "
            f"closest: {', '.join(close) if close else 'none'}",
            asked=f"{name}:{selector}", suggestions=close)

    def _resolved_id(
        self, name: str, selector: str, project_id: int | None, as_of: str | None,
    ) -> int | None:
        """The id ``resolve_version`` returns, looked up through the indexes: the artifact
        by name, then one row per collection (``UNIQUE (artifact_id, idx)``, the alias's
        primary key, or its history), never a walk over the collection's versions. Of
        several collections of that name (no project given), the lowest index wins, as
        the ``a.name, v.idx`` order of the reads had it."""
        sql, params = self._resolved_id_sql(selector, as_of)
        params = [*params, name]
        if project_id is not None:
            sql += " AND a.project_id = ?"
            params.append(project_id)
        if as_of is not None:
            sql += " AND v.created_at <= ?"
            params.append(as_of)
        rows = [row for row in self._conn.execute(sql, params).fetchall() if row[2]]
        return min(rows, key=lambda row: row[0])[1] if rows else None

    @staticmethod
    def _resolved_id_sql(selector: str, as_of: str | None) -> tuple[str, list[object]]:
        match = _VERSION_RE.match(selector)
        if match:
            return (f"{_RESOLVE_SELECT} JOIN versions v ON v.artifact_id = a.id AND v.idx = ? "
                    "WHERE a.name = ?", [int(match.group(1))])
        if as_of is None:
            return (f"{_RESOLVE_SELECT} JOIN aliases al ON al.artifact_id = a.id "
                    "AND al.alias = ? JOIN versions v ON v.id = al.version_id "
                    "WHERE a.name = ?",
                    [selector])
        # As of a moment: the alias's last move at or before it.
        return (f"{_RESOLVE_SELECT} JOIN versions v ON v.id = (SELECT h.version_id "
                f"FROM alias_history h WHERE h.artifact_id = a.id AND h.alias = ? "
                f"AND h.set_at <= ? {_LAST_MOVE}) WHERE a.name = ?",
                [selector, as_of])

    def all_version_ids(self) -> list[int]:
        return [row[0] for row in self._conn.execute("SELECT id FROM versions ORDER BY id")]

    def _has_links(self) -> bool:
        """Whether the store's schema can hold registry links (``versions.source_id``)."""
        return self._version_columns() == VERSION_COLUMNS

    def manifest(self, version_id: int) -> list[ManifestEntry]:
        """The version's entries; a registry link has none of its own: its source's."""
        owner = "COALESCE((SELECT source_id FROM versions WHERE id = ?1), ?1)" \
            if self._has_links() else "?1"
        return [entry_from_row(row, version_id) for row in self._conn.execute(
            f"SELECT path, digest, size, ref FROM manifest WHERE version_id = {owner} "
            "ORDER BY path", (version_id,))]

    def reference_folders(self, version_id: int) -> list[tuple[str, str]]:
        """``(entry prefix, file:// URI)`` of every local folder the version added as one
        reference (a link: its source's); none before schema 9. Store text: validate."""
        if schema_version(self._conn) < FOLDERS_SINCE:
            return []
        owner = "COALESCE((SELECT source_id FROM versions WHERE id = ?1), ?1)"
        return [(str(row[0]), str(row[1])) for row in self._conn.execute(
            f"SELECT prefix, uri FROM reference_folders WHERE version_id = {owner} "
            "ORDER BY prefix, uri", (version_id,))]

    def versions_logged_by(self, run_id: str, as_of: str | None = None) -> list[ArtifactVersion]:
        """Every version the run output, including content equal to an existing version
        (which reused that version rather than creating one)."""
        where = (f"v.id IN (SELECT o.version_id FROM {self._outputs()} o "
                 "WHERE o.run_id = ? AND o.logged_at <= ?)")
        return self._versions_where(where, (run_id, as_of or FAR_FUTURE), as_of)

    def producer_ids(
        self, version_ids: Iterable[int], as_of: str | None = None
    ) -> dict[int, list[str]]:
        """The ids of the runs that logged each version (those that have any): the first
        producer (``versions.run_id``, what ``logged_by`` returns) first, then the others
        in the order they logged the content."""
        found: dict[int, list[str]] = defaultdict(list)
        for version_id, run_id in self._conn.execute(
            f"SELECT o.version_id, o.run_id FROM {self._outputs()} o "
            "JOIN versions v ON v.id = o.version_id "
            "WHERE o.version_id IN (SELECT value FROM json_each(?)) AND o.logged_at <= ? "
            "ORDER BY o.version_id, o.run_id IS NOT v.run_id, o.logged_at, o.run_id",
            (_ids_param(version_ids), as_of or FAR_FUTURE)):
            found[version_id].append(as_text(run_id))
        return dict(found)

    def versions_used_by(self, run_id: str, as_of: str | None = None) -> list[ArtifactVersion]:
        where = "v.id IN (SELECT version_id FROM usages WHERE run_id = ?"
        params: list[object] = [run_id]
        if as_of is not None:
            where += " AND used_at <= ?"
            params.append(as_of)
        return self._versions_where(where + ")", params, as_of)

    # ----------------------------------------------------------------- collections
    def artifact_types(self, project_id: int | None = None) -> list[str]:
        sql, params = "SELECT DISTINCT name FROM artifact_types", []
        if project_id is not None:
            sql += " WHERE project_id = ?"
            params.append(project_id)
        return names([row[0] for row in self._conn.execute(sql + " ORDER BY name", params)])

    def collections(
        self, project_id: int | None = None, type_name: str | None = None,
        as_of: str | None = None, limit: int | None = None, offset: int = 0,
    ) -> list[ArtifactCollection]:
        """The collections existing at ``as_of``, by type and name, with their version
        counts then; ``limit``/``offset``: a page of them in that order (only its
        collections' versions counted)."""
        where: list[str] = []
        params: dict[str, object] = {}
        if project_id is not None:
            where.append("a.project_id = :project")
            params["project"] = project_id
        if type_name is not None:
            where.append("t.name = :type")
            params["type"] = type_name
        return self._collections_where(" AND ".join(where), params, as_of, limit, offset)

    def collection_types(self, as_of: str | None = None) -> dict[str, int]:
        """Each artifact type's number of collections existing at ``as_of``, by type
        name (one pass over the collections; no version is read)."""
        self._version_columns()
        live_a = " AND (a.deleted_at IS NULL OR a.deleted_at > :at)" if self._edits_seen else ""
        rows = self._conn.execute(
            "SELECT t.name, COUNT(*) FROM artifacts a JOIN artifact_types t ON t.id = a.type_id"
            f" WHERE a.created_at <= :at{live_a} GROUP BY t.name ORDER BY t.name",
            {"at": as_of or FAR_FUTURE})
        return {str(name): int(count) for name, count in rows}

    def _collections_where(
        self, where: str, params: dict[str, object], as_of: str | None,
        limit: int | None = None, offset: int = 0,
    ) -> list[ArtifactCollection]:
        """The collections (artifacts ``a`` of type ``t`` in project ``p``) that match the
        SQL condition ``where`` ("" for all) and exist at ``as_of``, with their version
        counts then, by type and name; ``limit``: a page of them, chosen before any
        version is counted."""
        # Deleted collections and versions (tombstones laid by then) are not listed, as
        # W&B lists them; a store before schema 8 has none.
        self._version_columns()
        live_v, live_a = ((" AND (v.deleted_at IS NULL OR v.deleted_at > :at)",
                           " AND (a.deleted_at IS NULL OR a.deleted_at > :at)")
                          if self._edits_seen else ("", ""))
        chosen = f"a.created_at <= :at{live_a}" + (f" AND {where}" if where else "")
        if limit is not None:
            chosen = (f"a.id IN (SELECT a.id FROM artifacts a JOIN artifact_types t"
                      f" ON t.id = a.type_id WHERE {chosen}"
                      " ORDER BY t.name, a.name, a.id LIMIT :limit OFFSET :offset)")
            params = {**params, "limit": max(0, limit), "offset": max(0, offset)}
        sql = (
            "SELECT a.name, t.name, p.name, p.entity, a.description, "
            "(SELECT COUNT(*) FROM versions v WHERE v.artifact_id = a.id "
            f"AND v.created_at <= :at{live_v}),"
            " a.created_at, a.id FROM artifacts a JOIN artifact_types t ON t.id = a.type_id "
            f"JOIN projects p ON p.id = a.project_id WHERE {chosen}"
            " ORDER BY t.name, a.name, a.id")
        rows = self._conn.execute(sql, {**params, "at": as_of or FAR_FUTURE})
        return [collection_from_row(row) for row in rows]

    def version_counts(self) -> dict[str, int]:
        """Total number of artifact versions and runs (cheap; for status lines)."""
        versions = self._conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        runs = self._conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        return {"versions": versions, "runs": runs}

    def runs_logging(self, version_id: int, as_of: str | None = None) -> list[Run]:
        """Every run that logged the version's content, in ``producer_ids`` order (the
        first is ``logged_by``); runs that were deleted are left out."""
        order = self.producer_ids([version_id], as_of).get(version_id, [])
        found = {r.id: r for r in self.runs_by_ids(order)
                 if as_of is None or (r.started_at or "") <= as_of}
        return [found[run_id] for run_id in order if run_id in found]
