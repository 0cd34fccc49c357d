"""A scratch database that sorts an import's records without holding them in memory.

An import whose result must not depend on the order of the lines it reads (OpenLineage
events numbered by event time, a run's events grouped whatever the files) needs its
input sorted, and the input may be bigger than memory. ``Spool`` keeps it in SQLite's
private temporary database (``sqlite3.connect("")``): a file in the temporary folder
(``SQLITE_TMPDIR``, ``TMPDIR``, ``/var/tmp``, ``/tmp``) that SQLite unlinks as soon as it
opens it, so nothing is left behind after a close, a crash or a kill, and no more of it
than a small page cache is ever in memory. It holds no lineage: the store is written only
by the importer, through the store's own transactions.

Values are kept with ``marshal`` (plain tuples, lists, dicts, strings and numbers:
whatever ``json.loads`` returns), which reads back several times faster than JSON.
"""
from __future__ import annotations

import marshal
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from lineage_desktop.store.errors import translate

_WHERE = Path(tempfile.gettempdir()) / "(an import's scratch database)"

CHUNK = 2000  # rows per executemany
CACHE_KIB = 8192  # the scratch database's page cache: the bound on its memory

_SCHEMA = """
CREATE TABLE events (k TEXT NOT NULL, run TEXT, source TEXT NOT NULL, line INTEGER NOT NULL,
    kind TEXT NOT NULL, time TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE candidates (g TEXT NOT NULL, seq TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE usages (k TEXT NOT NULL, seq INTEGER NOT NULL, run TEXT NOT NULL,
    source TEXT NOT NULL, line INTEGER NOT NULL, project_id INTEGER NOT NULL,
    name TEXT NOT NULL, label TEXT NOT NULL, digest TEXT, at TEXT, used_at TEXT NOT NULL);
CREATE TABLE plans (created TEXT NOT NULL, name TEXT NOT NULL, ord INTEGER NOT NULL,
    kind INTEGER NOT NULL, seq TEXT NOT NULL, data BLOB NOT NULL);
"""

# The ordered reads: each walks an index built once the events are in (a test checks
# that SQLite sorts nothing when it reads them).
RUNS_IN_ORDER = (
    "SELECT f.run, e.k, e.source, e.line, e.time, e.data FROM firsts f "
    "CROSS JOIN events e INDEXED BY events_run ON e.run = f.run AND e.run IS NOT NULL "
    "ORDER BY f.f, e.k")
STATIC_IN_ORDER = (
    "SELECT k, source, line, kind, time, data FROM events INDEXED BY events_static "
    "WHERE run IS NULL ORDER BY k")

# One event of ``runs_in_order``: (sort key, source, line, time, head, sets).
SpooledEvent = tuple[str, str, int, str, Any, Any]


class Spool:
    """Events, run ids and version plans of one import, sorted on disk.

    The methods are called in the order of an import: ``add_events``, ``sort_events``,
    ``runs_in_order`` and ``static_events`` (with ``add_planned``), ``candidates``,
    ``add_plans``, ``plans``, ``usages``; then ``close``.
    """

    def __init__(self) -> None:
        try:
            self._conn = sqlite3.connect("", isolation_level=None)
            # 64 KiB pages: a tenth of the reads and writes of the file once it spills
            for pragma in ("page_size = 65536", "journal_mode = OFF", "synchronous = OFF",
                           f"cache_size = -{CACHE_KIB}", "temp_store = FILE",
                           "locking_mode = EXCLUSIVE"):
                self._conn.execute(f"PRAGMA {pragma}")
            self._conn.executescript(_SCHEMA)
            # One transaction for the whole life of the spool: nothing here is worth a
            # commit (each commit of a temporary database writes its whole cache out),
            # and SQLite spills pages to the file when its cache is full.
            self._conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise translate(exc, _WHERE) from exc

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _insert(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> int:
        count = 0
        iterator = iter(rows)
        try:
            while chunk := list(islice(iterator, CHUNK)):
                self._conn.executemany(sql, chunk)
                count += len(chunk)
        except sqlite3.Error as exc:
            raise translate(exc, _WHERE) from exc
        return count

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        try:
            cursor = self._conn.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK):
                yield from rows
        except sqlite3.Error as exc:
            raise translate(exc, _WHERE) from exc

    # ------------------------------------------------------------------ events
    def add_events(
        self, events: Iterable[tuple[str, str | None, str, int, str, str, Any, Any]]
    ) -> int:
        """Keep ``(sort key, run id or None, source, line, kind, time, head, sets)`` of
        each event (``head`` and ``sets`` any marshal-able values); how many."""
        dumps = marshal.dumps  # head and sets in one value: one call each way, not two
        return self._insert(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((k, run, source, line, kind, time, dumps((head, sets)))
             for k, run, source, line, kind, time, head, sets in events))

    def sort_events(self) -> None:
        """Index the events by run and sort key, and those without a run by sort key
        (after they are all in: one sort instead of an index kept up to date insert by
        insert)."""
        try:  # statement by statement: ``executescript`` would commit first
            for sql in ("CREATE INDEX events_static ON events (k) WHERE run IS NULL",
                        "CREATE INDEX events_run ON events (run, k) WHERE run IS NOT NULL",
                        "CREATE TABLE firsts (f TEXT PRIMARY KEY, run TEXT NOT NULL) "
                        "WITHOUT ROWID",
                        "INSERT INTO firsts SELECT MIN(k), run FROM events "
                        "WHERE run IS NOT NULL GROUP BY run"):
                self._conn.execute(sql)
        except sqlite3.Error as exc:
            raise translate(exc, _WHERE) from exc

    def runs_in_order(self) -> Iterator[tuple[str, list[SpooledEvent]]]:
        """Each run id with its events in sort-key order; the runs in the order of their
        first events."""
        loads = marshal.loads
        current: str | None = None
        events: list[SpooledEvent] = []
        for run, k, source, line, time, data in self._rows(RUNS_IN_ORDER):
            if run != current:
                if current is not None:
                    yield current, events
                current, events = run, []
            events.append((k, source, line, time, *loads(data)))
        if current is not None:
            yield current, events

    def static_events(self) -> Iterator[tuple[str, str, int, str, str, Any, Any]]:
        """``(sort key, source, line, kind, time, head, sets)`` of the events without a
        run, in sort-key order."""
        loads = marshal.loads
        for k, source, line, kind, time, data in self._rows(STATIC_IN_ORDER):
            yield k, source, line, kind, time, *loads(data)

    # ------------------------------------------------------------------ plans
    def add_planned(self, rows: Iterable[tuple[bool, tuple[Any, ...]]]) -> None:
        """Keep candidates, ``(False, (group key, sequence key, value))``, for
        ``candidates``, and usages, ``(True, (sort key, sequence number, store run id,
        source, line, project id, artifact name, label, digest or None, time or None,
        used at))``, for ``usages``."""
        dumps = marshal.dumps
        iterator = iter(rows)
        try:
            while chunk := list(islice(iterator, CHUNK)):
                self._conn.executemany(
                    "INSERT INTO candidates VALUES (?, ?, ?)",
                    [(r[0], r[1], dumps(r[2])) for usage, r in chunk if not usage])
                self._conn.executemany(
                    "INSERT INTO usages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [row for usage, row in chunk if usage])
        except sqlite3.Error as exc:
            raise translate(exc, _WHERE) from exc

    def usages(self) -> Iterator[tuple[Any, ...]]:
        """The usage rows of ``add_planned`` (without sort key and sequence number), in
        sort-key order: the usages of one event are next to each other."""
        return (row[2:] for row in self._rows(
            "SELECT * FROM usages ORDER BY k, seq"))

    def candidates(self) -> Iterator[list[Any]]:
        """The values of each group key, in sequence order (a group at a time)."""
        loads = marshal.loads
        current: str | None = None
        group: list[Any] = []
        for g, data in self._rows("SELECT g, data FROM candidates ORDER BY g, seq"):
            if g != current:
                if group:
                    yield group
                current, group = g, []
            group.append(loads(data))
        if group:
            yield group

    def add_plans(self, rows: Iterable[tuple[str, str, int, int, int, Any]]) -> None:
        """Keep ``(created, name, order, kind, sequence key, value)`` rows for ``plans``."""
        dumps = marshal.dumps
        self._insert("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?)",
                     ((c, n, o, kind, seq, dumps(data)) for c, n, o, kind, seq, data in rows))

    def plans(self) -> Iterator[Any]:
        """The values of ``add_plans`` by creation time, name, order, kind, sequence."""
        loads = marshal.loads
        for (data,) in self._rows("SELECT data FROM plans ORDER BY created, name, ord, "
                                  "kind, seq"):
            yield loads(data)

    def query_plan(self, sql: str) -> list[str]:
        """``EXPLAIN QUERY PLAN`` of one of the spool's queries (for tests)."""
        return [row[-1] for row in self._conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
