"""Every move of a collection's aliases (``alias_history``), for picking a moment."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from lineage_desktop.store.params import FAR_FUTURE

__all__ = ["AliasMove", "AliasMovesMixin", "MAX_ALIAS_MOVES"]

MAX_ALIAS_MOVES = 200  # the newest moves; a long-lived "latest" may have thousands

# The newest moves of each alias of one collection (a skip along ``alias_history_lookup``,
# one step per alias name, then a walk down that alias's moves that stops at ``limit``),
# merged: a "latest" moved 500,000 times costs ``limit`` rows, not a sort of all of them.
_NEWEST_MOVES = (
    "WITH RECURSIVE c(id) AS (SELECT id FROM artifacts WHERE name = :name"
    " AND project_id = :project),"
    " n(artifact_id, alias) AS ("
    " SELECT c.id, (SELECT MIN(alias) FROM alias_history WHERE artifact_id = c.id) FROM c"
    " UNION ALL SELECT n.artifact_id, (SELECT MIN(alias) FROM alias_history"
    " WHERE artifact_id = n.artifact_id AND alias > n.alias) FROM n WHERE n.alias IS NOT NULL)"
    " SELECT h.alias, v.idx, h.set_at, h.author FROM n"
    " JOIN alias_history h ON h.id IN (SELECT m.id FROM alias_history m"
    " WHERE m.artifact_id = n.artifact_id AND m.alias = n.alias AND m.set_at < :before"
    " ORDER BY m.set_at DESC, m.id DESC LIMIT :limit)"
    " LEFT JOIN versions v ON v.id = h.version_id"
    " WHERE n.alias IS NOT NULL ORDER BY h.set_at DESC, h.id DESC LIMIT :limit")


@dataclass(frozen=True)
class AliasMove:
    """``alias`` was set to version ``index`` (``None``: removed) at ``set_at``."""

    alias: str
    index: int | None
    set_at: str
    author: str | None = None


class AliasMovesMixin:
    """``alias_moves``: a collection's alias history, newest first."""

    _conn: sqlite3.Connection

    def alias_moves(
        self, name: str, project_id: int, limit: int = MAX_ALIAS_MOVES,
        before: str | None = None,
    ) -> list[AliasMove]:
        """The newest ``limit`` moves of the aliases of collection ``name`` of project
        ``project_id`` (made before ``before``, a stored-form time, if given), newest
        first (moves at the same time: the last recorded first)."""
        rows = self._conn.execute(_NEWEST_MOVES, {"name": name, "project": project_id,
                                                  "before": before or FAR_FUTURE,
                                                  "limit": limit})
        return [AliasMove(str(alias), None if idx is None else int(idx), str(at),
                          None if author is None else str(author))
                for alias, idx, at, author in rows]
