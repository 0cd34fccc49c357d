"""psycopg's exceptions become the store's named ``StoreError``s, as SQLite's do.

Decided from the SQLSTATE (``exc.sqlstate``), not from the message.
"""
from __future__ import annotations

import errno
from typing import Any

from lineage_desktop.records import (
    ReadOnlyStore,
    StoreBusy,
    StoreError,
    StoreFull,
    StoreIOError,
    StoreNotFound,
    StorePermissionDenied,
    StoreSchemaError,
)


class StoreUnreachable(StoreNotFound):
    """The server cannot be reached, or refused the connection (not a password issue)."""


def translate(exc: Any, where: object, opening: bool = False) -> StoreError:
    """The named error for psycopg's ``exc`` at the store ``where``."""
    state = getattr(exc, "sqlstate", None) or ""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if state == "28P01" or state == "28000":
        return StorePermissionDenied(
            errno.EACCES, f"{where}: the server refused the login ({text}); set the password "
            "in ~/.pgpass or PGPASSWORD (never in the URL you share)")
    if state == "3D000":
        return StoreNotFound(f"no database at {where}: {text}")
    if state == "25006":
        return ReadOnlyStore(f"{where} is open for reading only: {text}")
    if state == "42501":
        return StorePermissionDenied(
            errno.EACCES, f"{where}: permission denied for this role ({text}); a reader "
            "needs SELECT on the store's tables, a writer INSERT, UPDATE and DELETE too")
    if state in ("55P03", "40P01", "57014"):
        return StoreBusy(f"{where} is busy: another client held its lock too long ({text})")
    if state == "53100":
        return StoreFull(errno.ENOSPC, f"{where}: the server's disk is full; nothing was "
                         f"committed ({text})")
    if state.startswith("08") or (not state and "connect" in type(exc).__name__.lower()):
        return StoreUnreachable(f"cannot reach the PostgreSQL store {where}: {text}")
    if state in ("42P01", "42703"):
        return StoreSchemaError(f"{where}: the schema does not match: {text}")
    if state.startswith("23"):
        return StoreError(f"{where}: the write conflicts with stored data: {text}")
    if state == "22P05" or "NUL" in text:
        return StoreError(f"{where}: PostgreSQL cannot store a NUL character in text ({text})")
    if state.startswith("22"):
        return StoreError(f"{where}: a value does not fit its column: {text}")
    if state.startswith("57") or state.startswith("58") or state.startswith("XX"):
        return StoreIOError(errno.EIO, f"{where}: the server failed: {text}")
    return StoreError(f"{where}: {text}")
