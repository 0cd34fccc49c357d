"""Opening a store file safely: header check first, then SQLite, then schema checks.

The header is read *before* SQLite connects: once this process holds a SQLite connection
to a file, opening and closing any other descriptor of it drops the process's POSIX locks.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from lineage_desktop.records import NotALineageStore, SchemaTooNew, StoreError, StoreNotFound
from lineage_desktop.store import schema

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


def check_header(path: Path) -> bool:
    """Return True if ``path`` holds a SQLite database, False if it is empty or absent.

    Raises ``NotALineageStore`` for a file with any other content.
    """
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    except IsADirectoryError:
        raise NotALineageStore(f"{path} is a folder, not a lineage store file") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if not header:
        return False
    if header != SQLITE_HEADER:
        raise NotALineageStore(f"{path} is not a lineage store (not an SQLite database)")
    return True


def connect_writer(path: Path) -> sqlite3.Connection:
    """Open (creating and migrating if needed) a store for writing."""
    if not path.parent.is_dir():
        raise StoreNotFound(
            f"cannot create store {path}: folder {path.parent} does not exist"
        )
    check_header(path)
    try:
        conn = sqlite3.connect(
            str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        schema.check_identity(conn, path, writable=True)
        # WAL lets the window read while runs write; NORMAL is durable across
        # process crashes (only an OS crash can lose the last commits).
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        schema.migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        raise NotALineageStore(f"{path} is damaged or not a lineage store: {exc}") from None
    return conn


def connect_reader(path: Path) -> sqlite3.Connection:
    """Open an existing store so that no SQL can modify it.

    ``mode=ro`` still lets SQLite recover a killed writer's WAL through the shared-memory
    file; on read-only media where that file cannot exist, fall back to ``immutable=1``.
    """
    if not path.exists():
        raise StoreNotFound(f"no lineage store at {path}")
    if not check_header(path):
        raise NotALineageStore(f"{path} is empty, not a lineage store")
    uri = path.resolve().as_uri()
    try:
        try:
            conn = _open_ro(uri + "?mode=ro")
        except sqlite3.OperationalError:
            if os.access(path.parent, os.W_OK):
                raise
            conn = _open_ro(uri + "?immutable=1")
    except sqlite3.DatabaseError as exc:
        raise NotALineageStore(f"{path} is damaged or not a lineage store: {exc}") from None
    try:
        schema.check_identity(conn, path, writable=False)
        schema.check_readable(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NotALineageStore(f"{path} is damaged or not a lineage store: {exc}") from None
    except Exception:
        conn.close()
        raise
    return conn


def _open_ro(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )
    conn.execute("PRAGMA query_only=1")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Force the first real read now so that damage is reported at open time.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


__all__ = ["SchemaTooNew", "check_header", "connect_reader", "connect_writer"]
