"""The one place where store files are opened: checks that open no descriptor, then SQLite.

POSIX drops *all* of a process's fcntl locks on a file when *any* descriptor of that file
is closed. So while this process may hold a SQLite connection to a store, nothing but
SQLite may open the database file (or its ``-wal``/``-shm``): not to read its header, not
to hash or copy it. The checks here use ``os.stat`` only and let SQLite itself say
whether the content is a database; ``OpenFiles`` remembers which files this process has
open so that other code can refuse to touch them (``ensure_not_open_store``).
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lineage_desktop.records import (
    NetworkFilesystem,
    NotALineageStore,
    OpenStoreFile,
    SchemaTooNew,
    StoreError,
    StoreNotFound,
    StorePermissionDenied,
)
from lineage_desktop.store import schema
from lineage_desktop.store.errors import translate
from lineage_desktop.store.filesystems import network_filesystem
from lineage_desktop.store.write_queue import WriteQueue, queue_for

BUSY_TIMEOUT_MS = 30_000
# How long a writer sleeps between attempts to take the write lock: SQLite's own busy
# handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms, so a writer
# that has waited a while sleeps through many commits of the others (16 writers on two
# cores: worst calls of 400 ms); short, capped steps take the lock soon after it is free.
BEGIN_STEPS_S = (0.0001, 0.0002, 0.0005, 0.001)
BEGIN_STEP_CAP_S = 0.002
SIDECARS = ("-wal", "-shm", "-journal")
# A writer checkpoints the WAL after changing this many rows (a one-file log changes 5
# or 6, touching about 10 pages: about SQLite's default of one per 1,000 WAL pages).
CHECKPOINT_ROWS = 600


class OpenFiles:
    """The store files this process holds connections to, by ``(device, inode)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[int, int], int] = {}

    def add(self, path: Path) -> tuple[int, int]:
        info = os.stat(path)
        key = (info.st_dev, info.st_ino)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
        return key

    def discard(self, key: tuple[int, int]) -> None:
        with self._lock:
            left = self._counts.get(key, 0) - 1
            if left > 0:
                self._counts[key] = left
            else:
                self._counts.pop(key, None)

    def holds(self, path: str | os.PathLike[str]) -> bool:
        """True if ``path`` is (or is a ``-wal``/``-shm`` of) a store open in this process."""
        text = os.fspath(path)  # plain strings: verify asks this for every blob
        candidates = [text, *(text[: -len(s)] for s in SIDECARS if text.endswith(s))]
        for candidate in candidates:
            try:
                info = os.stat(candidate)
            except OSError:
                continue
            with self._lock:
                if (info.st_dev, info.st_ino) in self._counts:
                    return True
        return False

    def identities(self) -> frozenset[tuple[int, int]]:
        """``(device, inode)`` of every store open now (``holds`` without a path)."""
        with self._lock:
            return frozenset(self._counts)


OPEN_FILES = OpenFiles()


def ensure_not_open_store(path: str | os.PathLike[str]) -> None:
    """Refuse to open ``path`` outside SQLite if it is a store this process has open:
    closing that descriptor would silently drop SQLite's locks."""
    if OPEN_FILES.holds(path):
        raise OpenStoreFile(
            f"{path} is a lineage store (or its journal) open in this process; it cannot "
            "be read as a plain file while open (copy it after closing the store)")


def probe(path: Path) -> bool:
    """True if ``path`` is a file with content, False if it is absent or empty.

    Only ``os.stat``: no descriptor of the database file is ever opened here.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    except PermissionError:
        raise StorePermissionDenied(13, f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise NotALineageStore(f"{path} is a folder, not a lineage store file")
    if not stat.S_ISREG(info.st_mode):
        raise NotALineageStore(f"{path} is not a regular file, not a lineage store")
    return info.st_size > 0


def _refuse_network_filesystem(path: Path, writing: bool) -> bool:
    """Refuse a store on a network filesystem for writing; for reading, return True if
    it must be opened as an immutable snapshot (no WAL to recover there)."""
    kind = network_filesystem(path.parent)
    if kind is None or os.environ.get("LINEAGE_DESKTOP_NETWORK_FS") == "allow":
        return False
    if writing:
        raise NetworkFilesystem(
            f"{path} is on a network filesystem ({kind}), where SQLite's locks and WAL "
            "cannot be trusted and concurrent runs would corrupt it; use a store on a "
            "local disk (then `lineage-desktop merge`), or a team store on PostgreSQL")
    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise NetworkFilesystem(
            f"{path} is on a network filesystem ({kind}) and has a write-ahead log "
            f"({wal.name}) that cannot be read safely there; open it on the machine that "
            "writes it, or copy the store (with its -wal) to a local disk")
    return True


def connect_writer(path: Path) -> sqlite3.Connection:
    """Open (creating and migrating if needed) a store for writing."""
    if not path.parent.is_dir():
        raise StoreNotFound(
            f"cannot create store {path}: folder {path.parent} does not exist"
        )
    probe(path)
    _refuse_network_filesystem(path, writing=True)

    def prepare(conn: sqlite3.Connection) -> None:
        schema.check_identity(conn, path, writable=True)
        # WAL lets the window read while runs write; NORMAL is durable across
        # process crashes (only an OS crash can lose the last commits).
        _wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        # SQLite's automatic checkpoint runs inside a COMMIT, fsyncs and all, while
        # the other writers wait for the lock (16 writers: calls of 100-250 ms):
        # ``begin_immediate`` checkpoints instead, before it takes the lock.
        conn.execute("PRAGMA wal_autocheckpoint=0")
        schema.migrate(conn, path)

    def connect() -> sqlite3.Connection:
        conn = _connect(str(path), factory=WriterConnection)
        assert isinstance(conn, WriterConnection)
        conn.queue = queue_for(path)
        return conn

    return _open(path, connect, prepare)


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL. The switch needs the file to itself and SQLite does not wait for
    it with the busy handler: processes creating one store at once retry (as
    ``begin_immediate`` does) for up to ``BUSY_TIMEOUT_MS``."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    attempt = 0
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL").fetchall()
            return
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_BUSY) & 0xFF
            if code not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                    or time.monotonic() >= deadline:
                raise
        time.sleep(BEGIN_STEPS_S[attempt] if attempt < len(BEGIN_STEPS_S) else BEGIN_STEP_CAP_S)
        attempt += 1


class WriterConnection(sqlite3.Connection):
    """A writer's connection: it remembers when it last checkpointed, and takes its
    process's turn among the store's writers (``write_queue``) for each transaction."""

    checkpointed = 0  # ``total_changes`` at the last checkpoint
    queue: WriteQueue | None = None
    in_turn = False  # this connection's transaction holds a share of the turn


def connect_reader(path: Path) -> sqlite3.Connection:
    """Open an existing store so that no SQL can modify it.

    ``mode=ro`` still lets SQLite recover a killed writer's WAL through the shared-memory
    file; on read-only media where that file cannot exist, fall back to ``immutable=1``.
    """
    if not path.exists():
        raise StoreNotFound(f"no lineage store at {path}")
    if not probe(path):
        raise NotALineageStore(f"{path} is empty, not a lineage store")
    uri = path.resolve().as_uri()
    snapshot_only = _refuse_network_filesystem(path, writing=False)

    def connect() -> sqlite3.Connection:
        if snapshot_only:
            return _open_ro(uri + "?immutable=1")
        try:
            return _open_ro(uri + "?mode=ro")
        except sqlite3.OperationalError:
            if os.access(path.parent, os.W_OK):
                raise
            return _open_ro(uri + "?immutable=1")

    def prepare(conn: sqlite3.Connection) -> None:
        schema.check_identity(conn, path, writable=False)
        schema.check_readable(conn, path)

    return _open(path, connect, prepare)


def _open(
    path: Path, connect: Callable[[], sqlite3.Connection],
    prepare: Callable[[sqlite3.Connection], None],
) -> sqlite3.Connection:
    """Connect and prepare; on any failure close what was opened, and name SQLite's
    errors (damage found while opening reads as "not a lineage store")."""
    conn = None
    try:
        conn = connect()
        prepare(conn)
    except BaseException as exc:
        _close_quietly(conn)
        if isinstance(exc, sqlite3.Error):
            raise translate(exc, path, opening=True) from None
        if isinstance(exc, UnicodeDecodeError):  # SQLite's message quotes damaged bytes
            raise NotALineageStore(
                f"{path} is damaged: SQLite cannot read its schema") from None
        raise
    return conn


def begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, waiting for other writers up to ``BUSY_TIMEOUT_MS``: a
    writer's connection first checkpoints, if it is due (``checkpoint_if_due``), then
    waits for its turn in the kernel (``write_queue``; ``end_turn`` after ``COMMIT`` or
    ``ROLLBACK``); SQLite's lock, which a writer without the queue may hold, is then
    tried in the fine steps above (SQLite's busy handler is off for the attempts, on
    again after). After the timeout the ``SQLITE_BUSY`` error is raised as it would have
    been."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    writer = conn if isinstance(conn, WriterConnection) else None
    if writer is not None:
        checkpoint_if_due(writer)
        if writer.queue is not None and not writer.in_turn:
            writer.in_turn = writer.queue.acquire(max(0.0, deadline - time.monotonic()))
    try:
        _begin_polling(conn, deadline)
    except BaseException:
        if writer is not None:
            end_turn(writer)
        raise


def end_turn(conn: sqlite3.Connection) -> None:
    """After ``COMMIT`` or ``ROLLBACK``: give back this transaction's share of the turn
    (nothing if it has none)."""
    if isinstance(conn, WriterConnection) and conn.in_turn:
        conn.in_turn = False
        if conn.queue is not None:
            conn.queue.release()


def _begin_polling(conn: sqlite3.Connection, deadline: float) -> None:
    conn.execute("PRAGMA busy_timeout=0")
    try:
        attempt = 0
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_BUSY) & 0xFF \
                        != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise
            step = BEGIN_STEPS_S[attempt] if attempt < len(BEGIN_STEPS_S) else BEGIN_STEP_CAP_S
            time.sleep(step)
            attempt += 1
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def checkpoint_if_due(conn: WriterConnection) -> None:
    """Every ``CHECKPOINT_ROWS`` rows this connection changed, copy the WAL into the
    database: passive (it waits for no one; what it cannot copy now, the next one does),
    outside any transaction, so no other writer waits for its fsyncs. Rows stand in for
    WAL pages, which Python's sqlite3 does not report (no ``wal_hook``)."""
    if conn.total_changes - conn.checkpointed < CHECKPOINT_ROWS or conn.in_transaction:
        return
    conn.checkpointed = conn.total_changes
    # As with SQLite's automatic checkpoint, a failure here fails nothing: the WAL keeps
    # the commits, and the next checkpoint copies them.
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _connect(target: str, uri: bool = False,
             factory: type[sqlite3.Connection] = sqlite3.Connection) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target, uri=uri, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False, factory=factory,
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _open_ro(uri: str) -> sqlite3.Connection:
    conn = _connect(uri, uri=True)
    try:
        conn.execute("PRAGMA query_only=1")
        # Force the first real read now so that damage is reported at open time.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def _close_quietly(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        with contextlib.suppress(sqlite3.Error):
            conn.close()


__all__ = [
    "OPEN_FILES",
    "OpenStoreFile",
    "SchemaTooNew",
    "begin_immediate",
    "checkpoint_if_due",
    "connect_reader",
    "connect_writer",
    "end_turn",
    "ensure_not_open_store",
    "probe",
]
