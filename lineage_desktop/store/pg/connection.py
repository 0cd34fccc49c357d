"""A PostgreSQL connection that the store's code uses as it uses ``sqlite3``'s.

``PgConnection`` offers what the store calls on a connection (``execute``,
``executemany``, ``in_transaction``, ``close``) over psycopg 3 in autocommit mode, so
that, as with SQLite, a read outside a transaction sees every commit before it and the
store's own ``BEGIN``/``COMMIT`` delimit its writes. Each statement is rewritten once by
``translate``.

A writer keeps the planner's statistics up with a store that grows faster than
autovacuum looks at it (``_statistics_due``).

Writers are serialised as SQLite's ``BEGIN IMMEDIATE`` serialises them: a write
transaction first takes one advisory lock of the store, so versions are numbered by one
writer at a time (gap-free, unique) on any number of hosts, and the change counter the
window polls (``data_version``) is bumped in the same transaction.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from lineage_desktop.store.pg import errors, schema
from lineage_desktop.store.pg.location import PgLocation
from lineage_desktop.store.pg.translate import translate

# The advisory lock every writer of a store takes first: one store per database.
WRITE_LOCK = 0x4C4E4744
BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10
_BEGIN_WRITE = (
    f"BEGIN; SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}; "
    f"SELECT pg_advisory_xact_lock({WRITE_LOCK}); "
    "UPDATE lineage_meta SET value = (value::bigint + 1)::text WHERE key = 'changes'")
BLOB_ROOT_VARIABLE = "LINEAGE_DESKTOP_BLOB_ROOT"
# A writer that commits version id 2**k (k >= 7) checks the planner's statistics: if most
# of ``versions`` was written since they were taken, it analyses the store after COMMIT.
ANALYZE_FROM = 128
_STALE = ("SELECT last_analyze IS NULL AND last_autoanalyze IS NULL "
          "OR 2 * n_mod_since_analyze > n_live_tup "
          "FROM pg_stat_user_tables WHERE relid = 'versions'::regclass")


def connect(location: PgLocation, readonly: bool) -> PgConnection:
    """Connect to the store at ``location``; a writer creates or migrates its schema, a
    reader's session is read-only (``default_transaction_read_only``)."""
    import psycopg

    try:
        raw = psycopg.connect(location.conninfo, autocommit=True,
                              connect_timeout=CONNECT_TIMEOUT_S,
                              application_name="lineage_desktop")
    except psycopg.Error as exc:
        if getattr(exc, "sqlstate", None):
            raise errors.translate(exc, location, opening=True) from None
        raise errors.StoreUnreachable(
            f"cannot reach the PostgreSQL store {location}: "
            f"{' '.join(str(exc).split())}") from None
    # Text is sent as ``text`` (psycopg's default is "unknown"): lists of names become
    # ``text[]``, which ``unnest`` and ``= ANY`` need to know.
    from psycopg.types.string import StrDumper

    raw.adapters.register_dumper(str, StrDumper)
    # The store's statements are small: JIT compiling one costs more than running it.
    raw.execute("SET jit = off")
    conn = PgConnection(raw, location, readonly)
    try:
        with conn._errors():
            if readonly:
                raw.execute("SET default_transaction_read_only = on")
                meta = schema.check_identity(raw, location, writable=False)
                assert meta is not None
                schema.check_readable(raw, location, int(meta["schema_version"]))
            else:
                schema.migrate(raw, location, os.environ.get(BLOB_ROOT_VARIABLE), WRITE_LOCK)
    except BaseException:
        conn.close()
        raise
    return conn


class PgCursor:
    """The rows of one statement, and the inserted row's ``id`` as ``lastrowid``."""

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int,
                 lastrowid: int | None = None) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._next = self._rows[self._next:], len(self._rows)
        return rows

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        rows = self._rows[self._next:self._next + size]
        self._next += len(rows)
        return rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while (row := self.fetchone()) is not None:
            yield row


Params = Sequence[object] | Mapping[str, object]


class PgConnection:
    """The store's connection to a PostgreSQL database (see the module's docstring)."""

    dialect = "postgresql"

    def __init__(self, raw: Any, location: PgLocation, readonly: bool) -> None:
        self._raw = raw
        self.location = location
        self.readonly = readonly
        self.text_factory: object = str  # the store sets it for lenient reads; text is text
        self._trace: Callable[[str], object] | None = None
        self._check_statistics = False  # set by a version id of ``_statistics_due``

    def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        """As ``sqlite3``'s: ``callback`` gets each statement sent (as PostgreSQL runs
        it, placeholders unbound), None stops; tests count a call's round trips."""
        self._trace = callback

    # -- the sqlite3.Connection surface the store uses ---------------------------------
    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self._raw.info.transaction_status != TransactionStatus.IDLE)

    @property
    def total_changes(self) -> int:
        return 0

    def execute(self, sql: str, params: Params = ()) -> PgCursor:
        statement = translate(sql)
        wants_id = statement.id_table
        text = statement.sql + (" RETURNING id" if wants_id else "")
        if self._trace is not None:
            self._trace(text)
        with self._errors(), self._raw.cursor() as cursor:
            cursor.execute(text, statement.bind(params))
            rows = cursor.fetchall() if cursor.description is not None else []
            count = cursor.rowcount
            if statement.explicit_ids:
                _advance_ids(cursor, statement.explicit_ids)
        lastrowid = None
        if wants_id:
            lastrowid = rows[0][0] if rows else None
            rows = []
            if statement.inserts == "versions" and _statistics_due(lastrowid):
                self._check_statistics = True
        elif statement.sql in ("COMMIT", "ROLLBACK"):
            if self._check_statistics and statement.sql == "COMMIT":
                self._refresh_statistics()
            self._check_statistics = False
        return PgCursor(_plain(rows), count, lastrowid)

    def executemany(self, sql: str, seq: Any) -> PgCursor:
        statement = translate(sql)
        params = [statement.bind(p) for p in seq]
        if not params:
            return PgCursor([], 0)
        if self._trace is not None:
            self._trace(statement.sql)
        with self._errors(), self._raw.cursor() as cursor:
            cursor.executemany(statement.sql, params)
            count = cursor.rowcount
            if statement.explicit_ids:
                _advance_ids(cursor, statement.explicit_ids)
        return PgCursor([], count)

    def interrupt(self) -> None:
        """Cancel the statement running on this connection (sqlite3's ``interrupt``)."""
        with contextlib.suppress(Exception):
            self._raw.cancel_safe(timeout=2.0)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._raw.close()

    # -- what differs from SQLite ------------------------------------------------------
    def begin_immediate(self) -> None:
        """Begin a write transaction holding the store's write lock (waits for it)."""
        # One round trip: BEGIN, the lock (waiting at most BUSY_TIMEOUT_MS) and the bump
        # of the change counter, as one simple query.
        with self._errors():
            try:
                self._raw.execute(_BEGIN_WRITE)
            except BaseException:
                if self.in_transaction:
                    self._raw.execute("ROLLBACK")
                raise

    def _refresh_statistics(self) -> None:
        """``ANALYZE`` the store if the statistics of ``versions`` miss most of it (autovacuum
        has not come by yet: a store filled in its first minute, or autovacuum off). Best
        effort, after the commit: the write is done whatever happens here; a role that
        does not own the tables is only warned by the server (and skipped)."""
        import psycopg

        with contextlib.suppress(psycopg.Error):
            row = self._raw.execute(_STALE).fetchone()
            if row is not None and row[0]:
                self._raw.execute("ANALYZE")

    def meta(self, key: str) -> str | None:
        """One setting of the store (``lineage_meta``)."""
        row = self.execute("SELECT value FROM lineage_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        self.execute("INSERT INTO lineage_meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                     "DO UPDATE SET value = EXCLUDED.value", (key, value))

    def schema_version(self) -> int:
        return int(self.meta("schema_version") or 0)

    def blob_root(self) -> str | None:
        """The folder every client keeps content in: ``$LINEAGE_DESKTOP_BLOB_ROOT`` if set
        (a client that mounts the shared storage elsewhere), else the store's setting."""
        return os.environ.get(BLOB_ROOT_VARIABLE) or self.meta("blob_root")

    def data_version(self) -> int:
        row = self.execute("SELECT value FROM lineage_meta WHERE key = 'changes'").fetchone()
        return int(row[0]) if row else 0

    def explain(self, sql: str, params: Params) -> list[str]:
        statement = translate(sql)
        with self._errors(), self._raw.cursor() as cursor:
            cursor.execute("EXPLAIN " + statement.sql, statement.bind(params))
            return [str(row[0]) for row in cursor.fetchall()]

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.Error as exc:
            raise errors.translate(exc, self.location) from exc


def _statistics_due(version_id: object) -> bool:
    """Whether committing ``version_id`` checks the statistics: at each doubling of the
    store, log2(n) cheap checks in its life (and at most as many ``ANALYZE``s)."""
    return (isinstance(version_id, int) and version_id >= ANALYZE_FROM
            and version_id & (version_id - 1) == 0)


def _advance_ids(cursor: Any, table: str) -> None:
    """Move ``table``'s identity sequence past its highest id (rows written with ids)."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"GREATEST((SELECT MAX(id) FROM {table}), 1))")


def _plain(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows as SQLite gives them: ``Decimal`` sums as ``int``/``float``, booleans as 0/1."""
    out = []
    for row in rows:
        if any(isinstance(cell, (Decimal, bool)) for cell in row):
            row = tuple(_cell(cell) for cell in row)
        out.append(row)
    return out


def _cell(cell: Any) -> Any:
    if isinstance(cell, bool):
        return int(cell)
    if isinstance(cell, Decimal):
        return int(cell) if cell == cell.to_integral_value() else float(cell)
    return cell
