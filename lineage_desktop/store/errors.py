"""sqlite3's exceptions become named ``StoreError``s at the store's boundary.

The name says what happened, decided from SQLite's result code (not from words in the
message, which differ between SQLite versions): busy, disk full, permission, I/O error,
damage, a schema that does not match, a conflicting write, a read-only connection.
Cells that cannot be read as their column's type are ``DamagedRow``s (``store.rows``).
"""
from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

from lineage_desktop.records import (
    NotALineageStore,
    ReadOnlyStore,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreIOError,
    StorePermissionDenied,
    StoreSchemaError,
)
from lineage_desktop.store.pg.location import PgLocation

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_ERROR, _PERM, _BUSY, _LOCKED, _NOMEM, _READONLY = 1, 3, 5, 6, 7, 8
_IOERR, _CORRUPT, _FULL, _CANTOPEN, _SCHEMA = 10, 11, 13, 14, 17
_CONSTRAINT, _MISMATCH, _NOTADB = 19, 20, 26
_IOERR_SHORT_READ = _IOERR | (2 << 8)  # the file ends before a page it points at
_READONLY_CANTINIT, _READONLY_DIRECTORY = _READONLY | (5 << 8), _READONLY | (6 << 8)

_SCHEMA_WORDS = ("no such table", "no such column", "has no column", "malformed database schema")
_NOT_UTF8 = "Could not decode to UTF-8"  # Python's sqlite3 decoding a TEXT cell


class DamagedStoreFile(NotALineageStore, StoreDamaged):
    """Damage found while opening: the file is refused untouched, as one that is not a
    lineage store is, and named for what it is."""


class DamagedSchemaFile(NotALineageStore, StoreSchemaError):
    """Tables or columns that do not match the schema version, found while opening."""


class DamagedRow(StoreDamaged):
    """One row holds a value its column cannot hold (NULL where a value is required, a
    number that is not a whole number, ...). ``table``, ``row_id`` and ``column`` name it."""

    def __init__(self, table: str, row_id: object, column: str, problem: str) -> None:
        self.table, self.row_id, self.column = table, row_id, column
        plain = isinstance(row_id, int) or (
            isinstance(row_id, str) and row_id.isprintable() and len(row_id) < 80)
        where = row_id if plain else shown(row_id)
        super().__init__(f"the store is damaged: {table} row {where}: {column} {problem}")


def shown(value: object, limit: int = 40) -> str:
    """A stored value for a one-line message: its repr, shortened, control characters
    (a store may hold escape sequences) escaped by the repr."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def translate(exc: sqlite3.Error, path: Path | PgLocation,
              opening: bool = False) -> StoreError:
    """The named error for ``exc`` raised while using the store at ``path``.

    ``opening``: damage found while opening is a ``DamagedStoreFile`` (both
    ``StoreDamaged`` and ``NotALineageStore``: the file is refused untouched, whatever it
    is); later it is ``StoreDamaged``.
    """
    if isinstance(path, PgLocation):  # sqlite3 raised for a team store: a wrong call
        return StoreError(f"{path}: {exc}")
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary == _NOTADB:
        return NotALineageStore(
            f"{path} is not a lineage store (not an SQLite database, or its header is "
            f"damaged): {text}")
    if primary in (_CORRUPT, _MISMATCH) or code == _IOERR_SHORT_READ:
        if opening:
            return DamagedStoreFile(f"{path} is damaged: {text}")
        return StoreDamaged(f"{path} is damaged: {text}")
    if primary in (_BUSY, _LOCKED):
        return StoreBusy(f"{path} is busy: another process held its lock too long ({text})")
    if primary == _FULL or (primary == _IOERR and _disk_full(path)):
        return StoreFull(errno.ENOSPC, f"{path}: the disk is full; nothing was committed ({text})")
    if primary == _READONLY:
        if code in (_READONLY_CANTINIT, _READONLY_DIRECTORY) or not _writable(path):
            return StorePermissionDenied(
                errno.EACCES, f"{path}: the store or its folder is read-only for this user "
                f"({text})")
        return ReadOnlyStore(f"{path} is open for reading only: {text}")
    if primary in (_PERM, _CANTOPEN):
        if not _writable(path) or (path.exists() and not os.access(path, os.R_OK)):
            return StorePermissionDenied(errno.EACCES, f"{path}: permission denied ({text})")
        return StoreIOError(errno.EIO, f"cannot open {path}: {text}")
    if primary == _IOERR:
        return StoreIOError(errno.EIO, f"{path}: I/O error ({text})")
    if primary == _CONSTRAINT or isinstance(exc, sqlite3.IntegrityError):
        return StoreError(f"{path}: the write conflicts with stored data: {text}")
    if primary in (_ERROR, _SCHEMA) and any(word in text for word in _SCHEMA_WORDS):
        if opening:
            return DamagedSchemaFile(f"{path} is damaged: its schema does not match: {text}")
        return StoreSchemaError(f"{path} is damaged: its schema does not match: {text}")
    if primary == _NOMEM:
        return StoreError(f"{path}: out of memory while reading the store ({text})")
    if primary is None and text.startswith(_NOT_UTF8):
        return StoreDamaged(f"{path} is damaged: a text cell is not valid UTF-8 "
                            f"({_shorten(text[len(_NOT_UTF8):].strip())})")
    if isinstance(exc, sqlite3.ProgrammingError):  # a closed store, a wrong call: not damage
        return StoreError(f"{path}: {text}")
    if isinstance(exc, sqlite3.DatabaseError) and primary is None:
        return StoreDamaged(f"{path} is damaged: {text}")
    return StoreError(f"{path}: {text}")


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _writable(path: Path) -> bool:
    folder = path.parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _disk_full(path: Path) -> bool:
    # SQLite reports some ENOSPC writes as a plain I/O error; the free space tells.
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False
