"""The ``Store``: one SQLite file (plus its blob folder) and its transactions."""
from __future__ import annotations

import contextlib
import functools
import inspect
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from lineage_desktop.records import ReadOnlyStore, StoreError
from lineage_desktop.store import connection, schema
from lineage_desktop.store.alias_moves import AliasMovesMixin
from lineage_desktop.store.blobs import BlobStore
from lineage_desktop.store.bulk import BulkMixin
from lineage_desktop.store.checks import ChecksMixin
from lineage_desktop.store.deletes import DeleteMixin
from lineage_desktop.store.drafts import DraftsMixin
from lineage_desktop.store.edits import EditMixin
from lineage_desktop.store.errors import translate
from lineage_desktop.store.interop import InteropMixin
from lineage_desktop.store.lineage import LineageMixin
from lineage_desktop.store.links import LinksMixin
from lineage_desktop.store.merge_sql import MergeSqlMixin
from lineage_desktop.store.params import dialect_of
from lineage_desktop.store.pg.location import PgLocation, is_url
from lineage_desktop.store.rows import decode_text
from lineage_desktop.store.run_data import RunDataMixin
from lineage_desktop.store.search import SearchMixin
from lineage_desktop.store.writes import WriteMixin

# Public members that do not pass ``_translating``, and why (a test holds every other
# public method and property of ``Store`` to the wrapper).
UNWRAPPED = {
    "open": "connection.connect_* translate with opening=True (damage found while opening "
            "is a DamagedStoreFile)",
    "transaction": "a context manager: it translates its own BEGIN, COMMIT and the errors "
                   "raised in its block",
}


class Store(MergeSqlMixin, SearchMixin, LinksMixin, LineageMixin, InteropMixin, BulkMixin,
            RunDataMixin, WriteMixin, ChecksMixin, EditMixin, DeleteMixin, DraftsMixin,
            AliasMovesMixin):
    """A lineage store. ``Store.open(path)`` for writing, ``Store.open(path, readonly=True)``
    for reading only (no SQL issued through it can change the file).

    Every public method and property passes ``_translating``: no ``sqlite3`` exception
    leaves the store, callers see named ``StoreError``s."""

    def __init__(self, path: Path | PgLocation, conn: sqlite3.Connection,
                 readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._conn = conn
        self._depth = 0
        self._lock = threading.RLock()
        self._cache: dict[tuple[object, ...], int] = {}
        self._open = True
        self._file_key: tuple[int, int] | None = None
        if isinstance(path, PgLocation):
            self.blobs = team_blobs(conn, path)
        else:
            self.blobs = BlobStore(Path(str(path) + ".files"))
            self._file_key = connection.OPEN_FILES.add(path)

    @classmethod
    def open(cls, path: str | Path | PgLocation, readonly: bool = False) -> Store:
        """Open the store at ``path``, a SQLite file or a ``postgresql://`` URL (a team
        store, ``store.pg``): every store of the program is opened here."""
        if isinstance(path, PgLocation) or is_url(path):
            from lineage_desktop.store.pg.connection import connect

            location = path if isinstance(path, PgLocation) else PgLocation(str(path))
            pg = connect(location, readonly)
            try:
                return cls(location, cast(sqlite3.Connection, pg), readonly=readonly)
            except BaseException:
                pg.close()
                raise
        path = Path(cast(str, path)).expanduser()
        conn = connection.connect_reader(path) if readonly else connection.connect_writer(path)
        try:
            return cls(path, conn, readonly=readonly)
        except BaseException:
            conn.close()
            raise

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``: the few statements that differ ask."""
        return dialect_of(self._conn)

    def set_blob_root(self, root: str) -> None:
        """Set a team store's shared blob folder for every client (``pg-init``)."""
        if self.dialect != "postgresql":
            raise StoreError(f"{self.path}: a SQLite store keeps its files beside it")
        with self.transaction():
            self._conn.set_meta("blob_root", root)  # type: ignore[attr-defined]
        self.blobs = team_blobs(self._conn, cast(PgLocation, self.path))

    def refresh_statistics(self) -> None:
        """After a bulk write (``merge``), let a team store's planner know the new sizes
        (``ANALYZE``) instead of planning on empty tables until autovacuum comes by (a
        lineage read of a freshly merged 1M-version store: 234 ms, 9.7 ms after). SQLite
        stores keep no statistics (their plans hold without them): nothing to do."""
        if self.dialect == "postgresql" and not self.readonly:
            self._conn.execute("ANALYZE")

    def blob_root_setting(self) -> str | None:
        """A team store's blob folder as set for the store (None: not set), or a SQLite
        store's ``.files`` folder."""
        if self.dialect != "postgresql":
            return str(self.blobs.root)
        return cast("str | None", self._conn.meta("blob_root"))  # type: ignore[attr-defined]

    @property
    def closed(self) -> bool:
        return not self._open

    def close(self) -> None:
        """Close the connection (a second call does nothing)."""
        self._open = False
        if self._file_key is not None:
            connection.OPEN_FILES.discard(self._file_key)
            self._file_key = None
        self._conn.close()

    def interrupt(self) -> None:
        """Abort the statement this store is running, from any thread: it raises
        ``sqlite3.OperationalError`` (or the driver's cancel error) in the thread that runs
        it. Nothing is written by a read, so nothing is lost; used to stop a long read when
        the window closes."""
        if self._open:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile
                self._conn.interrupt()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return schema.schema_version(self._conn)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one,
        which is how bulk writers (the demo generator) commit many runs at once. An
        ``sqlite3`` error in the block, or from ``BEGIN``/``COMMIT``, leaves it as the
        named ``StoreError``."""
        if self.readonly:
            raise ReadOnlyStore(f"{self.path} is open for reading only")
        try:
            with self._lock:
                if self._depth:
                    self._depth += 1
                    try:
                        yield self._conn
                    finally:
                        self._depth -= 1
                    return
                begin = getattr(self._conn, "begin_immediate", None)
                if begin is not None:  # a team store's connection (``store.pg``)
                    begin()
                else:
                    connection.begin_immediate(self._conn)
                self._depth = 1
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    # SQLite has already rolled back after some errors (a full disk, I/O);
                    # a failed COMMIT leaves the transaction open, so end it here.
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    # Ids cached inside the transaction may name rows that no longer exist.
                    self._cache.clear()
                    raise
                finally:
                    self._depth = 0
                    connection.end_turn(self._conn)  # the next writer's turn
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap; for live refresh)."""
        if self.dialect == "postgresql":
            return cast(int, self._conn.data_version())  # type: ignore[attr-defined]
        return cast(int, self._conn.execute("PRAGMA data_version").fetchone()[0])

    def explain_lineage_plan(self, version_id: int, direction: str = "up") -> list[str]:
        """``EXPLAIN QUERY PLAN`` of the traversal (tests check it uses the indexes)."""
        from lineage_desktop.store.lineage import traversal_sql

        sql, params = traversal_sql("v", version_id, direction, None, None,
                                    dialect=self.dialect)
        if self.dialect == "postgresql":
            return cast(list[str], self._conn.explain(sql, params))  # type: ignore[attr-defined]
        return [row[-1] for row in self._conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def team_blobs(conn: object, location: PgLocation) -> BlobStore:
    """A team store's blob folder: shared storage every client mounts, named by the
    store's setting or ``$LINEAGE_DESKTOP_BLOB_ROOT``; without either, or while it is
    not mounted, storing content raises ``BlobRootMissing`` saying so."""
    root = conn.blob_root()  # type: ignore[attr-defined]
    how = ("set it for the store with `lineage-desktop pg-init URL --blob-root PATH`, or "
           "for this client with LINEAGE_DESKTOP_BLOB_ROOT")
    if not root:
        return BlobStore(None, shared=f"{location} has no blob root for files: {how}")
    path = Path(root).expanduser()
    return BlobStore(path, shared=f"the blob root {path} of {location} is not there on this "
                     f"machine: mount the shared storage there, or {how}")


_NOT_UTF8 = "Could not decode to UTF-8"

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _read_leniently(store: Store, method: Callable[..., _R], args: tuple[Any, ...],
                    kwargs: dict[str, Any]) -> _R:
    store._conn.text_factory = decode_text
    try:
        return method(store, *args, **kwargs)
    except sqlite3.Error as exc:
        raise translate(exc, store.path) from exc
    finally:
        store._conn.text_factory = str


def _translating(
        method: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """sqlite3's exceptions stay inside the store: callers see named ``StoreError``s."""

    @functools.wraps(method)
    def wrapper(self: Store, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            if _NOT_UTF8 in str(exc) and self._conn.text_factory is str:
                # A cell that is not UTF-8 (a damaged or foreign store): read again with
                # U+FFFD for the bad bytes. Strict decoding stays on the normal path,
                # where it costs nothing (a Python text_factory makes every read ~1.8x).
                return _read_leniently(self, method, args, kwargs)
            raise translate(exc, self.path) from exc

    wrapper.translates_store_errors = True  # type: ignore[attr-defined]
    return wrapper


def _wrap_queries(cls: type) -> None:
    """Wrap every public method and property getter of ``cls`` (its own or a mixin's) in
    ``_translating``, except the ``UNWRAPPED`` names."""
    names = {name for klass in cls.__mro__ if klass is not object for name in vars(klass)}
    for name in sorted(names):
        if name.startswith("_") or name in UNWRAPPED:
            continue
        value = inspect.getattr_static(cls, name)
        if isinstance(value, property):
            if value.fget is not None and not _wrapped(value.fget):
                setattr(cls, name, property(_translating(value.fget), value.fset, value.fdel,
                                            value.__doc__))
        elif inspect.isfunction(value) and not _wrapped(value):
            setattr(cls, name, _translating(value))


def _wrapped(function: object) -> bool:
    return getattr(function, "translates_store_errors", False) is True


_wrap_queries(Store)
