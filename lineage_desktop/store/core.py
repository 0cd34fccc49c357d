"""The ``Store``: one SQLite file (plus its blob folder) and its transactions."""
from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lineage_desktop.records import ReadOnlyStore, StoreBusy, StoreDamaged, StoreError
from lineage_desktop.store import connection, schema
from lineage_desktop.store.blobs import BlobStore
from lineage_desktop.store.lineage import LineageMixin
from lineage_desktop.store.writes import WriteMixin


class Store(LineageMixin, WriteMixin):
    """A lineage store. ``Store.open(path)`` for writing, ``Store.open(path, readonly=True)``
    for reading only (no SQL issued through it can change the file)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self.blobs = BlobStore(Path(str(path) + ".files"))
        self._conn = conn
        self._depth = 0
        self._lock = threading.RLock()
        self._cache: dict[tuple[object, ...], int] = {}

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False) -> "Store":
        path = Path(path).expanduser()
        if readonly:
            return cls(path, connection.connect_reader(path), readonly=True)
        return cls(path, connection.connect_writer(path), readonly=False)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return schema.schema_version(self._conn)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one,
        which is how bulk writers (the demo generator) commit many runs at once."""
        if self.readonly:
            raise ReadOnlyStore(f"{self.path} is open for reading only")
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._conn
            except BaseException:
                self._depth = 0
                self._conn.execute("ROLLBACK")
                # Ids cached inside the transaction may name rows that no longer exist.
                self._cache.clear()
                raise
            self._depth = 0
            self._conn.execute("COMMIT")

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap; for live refresh)."""
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def explain_lineage_plan(self, version_id: int, direction: str = "up") -> list[str]:
        """``EXPLAIN QUERY PLAN`` of the traversal (tests check it uses the indexes)."""
        from lineage_desktop.store.lineage import traversal_sql

        sql, params = traversal_sql("v", version_id, direction, None, None)
        return [row[-1] for row in self._conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def _translating(method):  # type: ignore[no-untyped-def]
    """sqlite3's exceptions stay inside the store: callers see named ``StoreError``s."""

    @functools.wraps(method)
    def wrapper(self: Store, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return method(self, *args, **kwargs)
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "readonly" in text or "read-only" in text:
                raise ReadOnlyStore(f"{self.path} is open for reading only: {text}") from exc
            if "malformed" in text or "not a database" in text:
                raise StoreDamaged(f"{self.path} is damaged: {text}") from exc
            raise StoreBusy(f"cannot use {self.path} now: {text}") from exc
        except sqlite3.IntegrityError as exc:  # a constraint: conflicting data, not damage
            raise StoreError(f"{self.path}: the write conflicts with stored data: {exc}") from exc
        except sqlite3.DatabaseError as exc:  # corrupt pages
            raise StoreDamaged(f"{self.path} is damaged: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    return wrapper


def _wrap_queries(cls: type) -> None:
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            if (name.startswith("_") or name in ("open", "transaction")
                    or not callable(value) or isinstance(value, (staticmethod, classmethod))):
                continue
            if getattr(cls, name) is value:
                setattr(cls, name, _translating(value))


_wrap_queries(Store)
