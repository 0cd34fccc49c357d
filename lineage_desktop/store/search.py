"""Searching a store for the sidebar: collections and versions by text.

``search`` answers what a user types into the artifact filter: collection names, types
and descriptions; versions by number (``v151``, ``name:v151``), by alias, by
description, and by the name of a run that logged them. Every query has a ``LIMIT``, and
each walks only what the text can match:

- collections, types and aliases: tables with a row per collection or alias, which do
  not grow with the number of versions;
- a version number: one step down ``UNIQUE (artifact_id, idx)`` per collection (the
  ``CROSS JOIN`` keeps SQLite from scanning the versions instead, as it plans without
  statistics);
- run names: the runs, then one step down the ``outputs`` key per matching run;
- run names and descriptions: the runs (500k: 0.15 s) and the versions newest first
  (1M: 0.15 s) when nothing matches, stopping at the limit (a substring has no index);
  a version number (``v151``) skips both.

The window runs it on its query thread; ``tests/store/test_search.py`` holds the plans.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from lineage_desktop.records import ArtifactCollection, ArtifactVersion
from lineage_desktop.store.params import FAR_FUTURE, like_pattern
from lineage_desktop.store.params import ids_param as _ids_param
from lineage_desktop.store.reads import ReadMixin

SEARCH_LIMIT = 200  # versions (and, separately, collections) one search returns at most
_NUMBER_RE = re.compile(r"^(?:(?P<name>[^:]+):)?v(?P<index>\d{1,18})$", re.IGNORECASE)

# Collections whose name, type or description hold the text.
_COLLECTIONS = (
    "SELECT a.id FROM artifacts a JOIN artifact_types t ON t.id = a.type_id"
    " WHERE (a.name LIKE :pattern ESCAPE '\\' OR t.name LIKE :pattern ESCAPE '\\'"
    " OR a.description LIKE :pattern ESCAPE '\\') AND a.created_at <= :at"
    " ORDER BY a.id LIMIT :limit")
# Version ``idx`` of every collection (named like ``name``, when given).
_BY_NUMBER = (
    "SELECT v.id FROM artifacts a CROSS JOIN versions v"
    " ON v.artifact_id = a.id AND v.idx = :index"
    " WHERE (CAST(:name AS TEXT) IS NULL OR a.name = :name) AND v.created_at <= :at"
    " LIMIT :limit")
# Versions an alias holding the text points at (now, or as of ``at``: the alias's last
# move by then, one step back along ``alias_history_lookup``).
_BY_ALIAS = (
    "SELECT al.version_id FROM aliases al WHERE al.alias LIKE :pattern ESCAPE '\\'"
    " LIMIT :limit")
_BY_ALIAS_AS_OF = (
    "SELECT (SELECT h.version_id FROM alias_history h WHERE h.artifact_id = al.artifact_id"
    " AND h.alias = al.alias AND h.set_at <= :at ORDER BY h.set_at DESC, h.id DESC LIMIT 1)"
    " FROM aliases al WHERE al.alias LIKE :pattern ESCAPE '\\' LIMIT :limit")
# Versions logged by runs whose name holds the text.
_BY_RUN = (
    "SELECT o.version_id FROM runs r CROSS JOIN {outputs} o ON o.run_id = r.id"
    " WHERE r.name LIKE :pattern ESCAPE '\\' AND r.started_at <= :at"
    " ORDER BY r.started_at DESC LIMIT :limit")
# Versions whose description holds the text, newest first.
_BY_DESCRIPTION = (
    "SELECT v.id FROM versions v WHERE v.description LIKE :pattern ESCAPE '\\'"
    " AND v.created_at <= :at ORDER BY v.id DESC LIMIT :limit")


@dataclass(frozen=True)
class VersionHit:
    """A version found by a search, and what matched: ``version`` (its number),
    ``alias``, ``run`` (the name of a run that logged it) or ``description``."""

    version: ArtifactVersion
    matched: str


@dataclass(frozen=True)
class SearchResult:
    """What a search found: collections (by name, type or description, with their
    version counts) and versions, each list at most ``limit`` long; ``truncated`` says a
    list was cut there. ``holders`` are the collections the versions belong to."""

    text: str
    collections: list[ArtifactCollection]
    versions: list[VersionHit]
    truncated: bool = False
    holders: list[ArtifactCollection] = field(default_factory=list)  # of ``versions``


class SearchMixin(ReadMixin):
    _conn: sqlite3.Connection

    def search(
        self, text: str, limit: int = SEARCH_LIMIT, as_of: str | None = None
    ) -> SearchResult:
        """Collections and versions matching ``text`` (case-insensitive substring; see
        the module docstring), as of ``as_of``; deleted ones are left out."""
        text = text.strip()
        if not text:
            return SearchResult(text, [], [])
        at = as_of or FAR_FUTURE
        params: dict[str, object] = {"pattern": like_pattern(text), "at": at, "limit": limit}
        found: dict[int, str] = {}  # version id -> what matched, first reason wins
        number = _NUMBER_RE.match(text)
        if number is not None:
            self._collect(found, "version", _BY_NUMBER,
                          {**params, "index": int(number["index"]), "name": number["name"]})
        alias_sql = _BY_ALIAS if as_of is None else _BY_ALIAS_AS_OF
        self._collect(found, "alias", alias_sql, params)
        if number is None:  # "v151" asks for versions: no scan of runs and descriptions
            self._collect(found, "run", _BY_RUN.format(outputs=self._outputs()), params)
            self._collect(found, "description", _BY_DESCRIPTION, params)
        versions = [
            v for v in self._versions_where(
                "v.id IN (SELECT value FROM json_each(?))", (_ids_param(list(found)),), as_of)
            if v.deleted_at is None and _still_matches(v, found[v.id], text, as_of)]
        ids = [row[0] for row in self._conn.execute(_COLLECTIONS, params)]
        collections = self._collections_by_ids(ids, as_of)
        truncated = len(found) >= limit or len(ids) >= limit
        order = {key: n for n, key in enumerate(found)}
        versions.sort(key=lambda v: order[v.id])
        holders = self._collections_by_ids(self._artifact_ids([v.id for v in versions]), as_of)
        return SearchResult(text, collections, [VersionHit(v, found[v.id]) for v in versions],
                            truncated, holders)

    def _artifact_ids(self, version_ids: list[int]) -> list[int]:
        if not version_ids:
            return []
        return [row[0] for row in self._conn.execute(
            "SELECT DISTINCT artifact_id FROM versions WHERE id IN"
            " (SELECT value FROM json_each(?))", (_ids_param(version_ids),))]

    def _collect(
        self, found: dict[int, str], reason: str, sql: str, params: dict[str, object]
    ) -> None:
        room = int(params["limit"]) - len(found)  # type: ignore[call-overload]
        if room <= 0:
            return
        for (version_id,) in self._conn.execute(sql, {**params, "limit": room}):
            if version_id is not None and version_id not in found:
                found[version_id] = reason

    def _collections_by_ids(
        self, artifact_ids: list[int], as_of: str | None
    ) -> list[ArtifactCollection]:
        """The live collections of these artifact ids, with version counts."""
        if not artifact_ids:
            return []
        return self._collections_where("a.id IN (SELECT value FROM json_each(:ids))",
                                       {"ids": _ids_param(artifact_ids)}, as_of)


def _still_matches(version: ArtifactVersion, matched: str, text: str, as_of: str | None) -> bool:
    """An alias found by today's name must still be on the version then; an edited
    description must still hold the text as of then."""
    needle = text.casefold()
    if matched == "alias":
        return any(needle in alias.casefold() for alias in version.aliases)
    if matched == "description" and as_of is not None:
        return needle in (version.description or "").casefold()
    return True
