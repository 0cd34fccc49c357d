"""Every move of a collection's aliases (``alias_history``), for picking a moment."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

__all__ = ["AliasMove", "AliasMovesMixin", "MAX_ALIAS_MOVES"]

MAX_ALIAS_MOVES = 200  # the newest moves; a long-lived "latest" may have thousands


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
    ) -> list[AliasMove]:
        """The newest ``limit`` moves of the aliases of collection ``name`` of project
        ``project_id``, newest first (moves at the same time: the last recorded first)."""
        rows = self._conn.execute(
            "SELECT h.alias, v.idx, h.set_at, h.author FROM artifacts a"
            " JOIN alias_history h ON h.artifact_id = a.id"
            " LEFT JOIN versions v ON v.id = h.version_id"
            " WHERE a.name = ? AND a.project_id = ?"
            " ORDER BY h.set_at DESC, h.id DESC LIMIT ?", (name, project_id, limit))
        return [AliasMove(str(alias), None if idx is None else int(idx), str(at),
                          None if author is None else str(author))
                for alias, idx, at, author in rows]
