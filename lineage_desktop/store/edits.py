"""Edits of a logged version (W&B's ``artifact.save()`` on a logged artifact) and the
"as of" reads of the edited fields.

A version's row holds its current description, metadata and TTL; ``version_edits``
keeps every change (the field, its new value as JSON, when, by whom). Before a field's
first change its value as logged is written at the version's ``created_at``, so that the
last row at or before a moment is the value then, found by one step along
``version_edits_lookup`` (version, field, time), however long the history.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from lineage_desktop.store.rows import Cells, version_row
from lineage_desktop.store.timeutil import utc_now
from lineage_desktop.store.writes import _dumps

__all__ = ["EDITED_FIELDS", "EditMixin", "VersionEdit", "edits_as_of"]

# The fields whose history ``version_edits`` keeps (aliases have ``alias_history``).
EDITED_FIELDS = ("description", "metadata", "tags", "ttl")
# One indexed lookup per (version, field): the last change at or before ``:at``.
# The row's id is found by the index, its value and time then by that id.
_EDITS_AS_OF = (
    "SELECT i.value, f.value, x.value, x.changed_at"
    " FROM json_each(:ids) i CROSS JOIN json_each(:fields) f JOIN version_edits x ON x.id ="
    " (SELECT e.id FROM version_edits e"
    " WHERE e.version_id = i.value AND e.field = f.value AND e.changed_at <= :at"
    " ORDER BY e.changed_at DESC, e.id DESC LIMIT 1)")


@dataclass(frozen=True)
class VersionEdit:
    """The changed fields of one ``save()``; a field left ``None`` is unchanged (``ttl``
    and ``description`` use ``clear_*`` to be set to nothing)."""

    description: str | None = None
    clear_description: bool = False
    metadata: dict[str, Any] | None = None
    tags: Sequence[str] | None = None
    ttl: int | None = None
    clear_ttl: bool = False
    add_aliases: Sequence[str] = ()
    remove_aliases: Sequence[str] = ()


class EditMixin:
    """``edit_version``: one transaction per ``save()``."""

    _conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    def edit_version(self, version_id: int, edit: VersionEdit, author: str | None) -> bool:
        """Apply ``edit`` to a version in one transaction; True if anything changed.

        Aliases given to add move from wherever they point in the collection; every
        change is recorded with its time and ``author``."""
        now = utc_now()
        with self.transaction() as conn:
            artifact_id, description, metadata, ttl, created_at = version_row(
                conn, "SELECT artifact_id, description, metadata, ttl, created_at FROM versions "
                "WHERE id = ?", version_id)
            tags = [r[0] for r in conn.execute(
                "SELECT tag FROM version_tags WHERE version_id = ? ORDER BY tag", (version_id,))]
            old: dict[str, Any] = {"description": description,
                                   # untrusted cell: the reads' check and message
                                   "metadata": dict(Cells("versions", version_id).mapping(
                                       "metadata", metadata)),
                                   "ttl": ttl, "tags": tags}
            new = _changes(edit, old)
            for field, value in new.items():
                self._record_edit(conn, version_id, field, old[field], value, created_at,
                                  now, author)
            columns = {k: v for k, v in new.items() if k in ("description", "ttl")}
            if "metadata" in new:
                columns["metadata"] = _dumps(new["metadata"])  # as log_version stores it
            if "tags" in new:
                conn.execute("DELETE FROM version_tags WHERE version_id = ?", (version_id,))
                conn.executemany("INSERT INTO version_tags (version_id, tag) VALUES (?, ?)",
                                 [(version_id, tag) for tag in new["tags"]])
            moved = self._edit_aliases(conn, artifact_id, version_id, edit, now, author)
            if not (new or moved):
                return False
            columns["updated_at"] = now
            sets = ", ".join(f"{name} = ?" for name in columns)  # names from this module
            conn.execute(f"UPDATE versions SET {sets} WHERE id = ?",
                         (*columns.values(), version_id))
            return True

    @staticmethod
    def _record_edit(
        conn: sqlite3.Connection, version_id: int, field: str, old: Any, new: Any,
        created_at: str, now: str, author: str | None,
    ) -> None:
        first = conn.execute(
            "SELECT 1 FROM version_edits WHERE version_id = ? AND field = ? LIMIT 1",
            (version_id, field)).fetchone() is None
        rows = [(version_id, field, json.dumps(new, sort_keys=True), now, author)]
        if first:  # the value as logged, so that "as of" before this edit reads it
            rows.insert(0, (version_id, field, json.dumps(old, sort_keys=True), created_at,
                            None))
        conn.executemany(
            "INSERT INTO version_edits (version_id, field, value, changed_at, author) "
            "VALUES (?, ?, ?, ?, ?)", rows)

    @staticmethod
    def _edit_aliases(
        conn: sqlite3.Connection, artifact_id: int, version_id: int, edit: VersionEdit,
        now: str, author: str | None,
    ) -> bool:
        current = {r[0]: r[1] for r in conn.execute(
            "SELECT alias, version_id FROM aliases WHERE artifact_id = ?", (artifact_id,))}
        moves: list[tuple[str, int | None]] = [
            (a, version_id) for a in dict.fromkeys(edit.add_aliases)
            if current.get(a) != version_id]
        moves += [(a, None) for a in dict.fromkeys(edit.remove_aliases)
                  if current.get(a) == version_id and a not in edit.add_aliases]
        for alias, target in moves:
            if target is None:
                conn.execute("DELETE FROM aliases WHERE artifact_id = ? AND alias = ?",
                             (artifact_id, alias))
            else:
                conn.execute("INSERT OR REPLACE INTO aliases (artifact_id, alias, version_id) "
                             "VALUES (?, ?, ?)", (artifact_id, alias, target))
            conn.execute("INSERT INTO alias_history (artifact_id, alias, version_id, set_at, "
                         "author) VALUES (?, ?, ?, ?, ?)", (artifact_id, alias, target, now,
                                                            author))
        return bool(moves)


def edits_as_of(
    conn: sqlite3.Connection, version_ids: Sequence[int], as_of: str
) -> dict[int, dict[str, Any]]:
    """The edited fields of versions as they were at ``as_of``: for each version with a
    change recorded at or before it, ``{field: value}``, and under ``"changed_at"`` the
    time of the last of those rows. Cells are untrusted: one that is not JSON of the
    field's kind is left out (the row's value stands)."""
    found: dict[int, dict[str, Any]] = {}
    if not version_ids:
        return found
    for version_id, field, value, changed_at in conn.execute(
            _EDITS_AS_OF, {"ids": json.dumps(list(version_ids)), "at": as_of,
                           "fields": json.dumps(EDITED_FIELDS)}):
        if type(value) is not str or type(changed_at) is not str:
            continue
        try:
            decoded = json.loads(value)
        except ValueError:
            continue
        if _KINDS[field](decoded):
            fields = found.setdefault(version_id, {})
            fields[field] = decoded
            fields["changed_at"] = max(changed_at, fields.get("changed_at", changed_at))
    return found


_KINDS = {
    "description": lambda v: v is None or type(v) is str,
    "metadata": lambda v: type(v) is dict,
    "tags": lambda v: type(v) is list and all(type(t) is str for t in v),
    "ttl": lambda v: v is None or (type(v) is int and v > 0),
}


def _changes(edit: VersionEdit, old: dict[str, Any]) -> dict[str, Any]:
    """The fields ``edit`` sets to a value other than the stored one."""
    wanted: dict[str, Any] = {}
    if edit.description is not None or edit.clear_description:
        wanted["description"] = None if edit.clear_description else edit.description
    if edit.metadata is not None:
        wanted["metadata"] = edit.metadata
    if edit.tags is not None:
        wanted["tags"] = sorted(set(edit.tags))
    if edit.ttl is not None or edit.clear_ttl:
        wanted["ttl"] = None if edit.clear_ttl else edit.ttl
    return {k: v for k, v in wanted.items() if _differs(old[k], v)}


def _differs(old: Any, new: Any) -> bool:
    return json.dumps(old, sort_keys=True) != json.dumps(new, sort_keys=True)
