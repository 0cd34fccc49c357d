"""Checks of the database file itself (``verify`` reports them beside the content)."""
from __future__ import annotations

import sqlite3

from lineage_desktop.store.params import dialect_of

# SQLite's primary result codes for a damaged file (https://sqlite.org/rescode.html).
_CORRUPT, _NOTADB = 11, 26
CHECK_LIMIT = 20


class ChecksMixin:
    _conn: sqlite3.Connection

    def check_database(self, thorough: bool = True, limit: int = CHECK_LIMIT) -> list[str]:
        """SQLite's own check of the file: the problems it reports (at most ``limit``),
        an empty list when the file is sound. Read-only: safe on a reader.

        ``thorough`` runs ``PRAGMA integrity_check``, which also compares every index
        with its table (an index missing rows makes lineage queries miss them); otherwise
        ``PRAGMA quick_check``, which skips that and is about three times faster. Damage
        bad enough to stop the check itself is one problem in the list, not an
        exception, so that the caller can report it with the rest.
        """
        if dialect_of(self._conn) == "postgresql":
            return []  # a team store's server checksums and recovers its own pages
        pragma = "integrity_check" if thorough else "quick_check"
        try:
            rows = self._conn.execute(f"PRAGMA {pragma}({int(limit)})").fetchall()
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            if isinstance(code, int) and code & 0xFF in (_CORRUPT, _NOTADB):
                return [str(exc)]
            raise  # busy, I/O: the store's usual named errors
        messages = [str(row[0]) for row in rows]
        return [] if messages == ["ok"] else messages
