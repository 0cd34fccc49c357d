"""Run counts (schema 7's ``run_counts``) of a bulk insert of runs, counted once.

The insert trigger counts each run as it is written: two upserts per run, a quarter of a
big merge's time. ``counted_at_end`` drops that trigger for a block of inserts and counts
the block's runs at its end with one grouping statement per span (as the migration's
back-fill), then re-creates the trigger from its own text. SQLite's DDL is part of the
transaction: a reader never sees the counts without the block's runs, nor the table
without its trigger. Only SQLite: on PostgreSQL the trigger runs in the server and
disabling it would take the table's owner, so there the trigger counts as always.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from lineage_desktop.store.params import dialect_of, ids_param

INSERT_TRIGGER = "run_counts_insert"
# Fewer runs than this keep the trigger: a schema change (which every other connection
# notices and re-reads) costs more than a few upserts.
AT_END_FROM = 100
# The runs named by a JSON list, counted per project and hour, then the hours per day
# (one pass over the runs), added to the counts. A run without a start time or project
# is counted under '' and 0, as the trigger counts it.
_ADD_COUNTS = """
WITH hours (project_id, period, runs) AS (
    SELECT coalesce(project_id, 0), coalesce(substr(started_at, 1, 13), ''), COUNT(*)
    FROM runs WHERE id IN ({ids}) GROUP BY 1, 2)
INSERT INTO run_counts (project_id, span, period, runs)
    SELECT project_id, 13, period, runs FROM hours WHERE true
    UNION ALL
    SELECT project_id, 10, substr(period, 1, 10), SUM(runs) FROM hours GROUP BY 1, 3
ON CONFLICT (project_id, span, period) DO UPDATE SET runs = runs + excluded.runs"""


@contextmanager
def counted_at_end(conn: sqlite3.Connection, run_ids: Iterable[str]) -> Iterator[None]:
    """Inside a write transaction: the runs ``run_ids`` inserted in the block are counted
    once when it ends, not one by one. The block must only insert runs (an update or
    delete of a run in it would be counted by its trigger against counts not yet
    added). A block that fails is undone (a savepoint), its trigger back."""
    run_ids = list(run_ids)
    with counted_at_end_of(conn, len(run_ids), "SELECT value FROM json_each(?)",
                           (ids_param(run_ids),)):
        yield


@contextmanager
def counted_at_end_of(conn: sqlite3.Connection, count: int, ids: str,
                      params: tuple[object, ...] = ()) -> Iterator[None]:
    """``counted_at_end`` of ``count`` runs named by the SQL query ``ids`` (with
    ``params``), read when the block ends (a set-based insert names its runs so)."""
    trigger = _insert_trigger(conn) if count >= AT_END_FROM else None
    if trigger is None:  # few runs, PostgreSQL, or a store without counts (before 7)
        yield
        return
    # A savepoint: a block that fails inside a caller's transaction leaves no runs
    # uncounted behind (the caller may go on and commit).
    conn.execute("SAVEPOINT counted_at_end")
    try:
        conn.execute(f"DROP TRIGGER {INSERT_TRIGGER}")
        yield
        conn.execute(_ADD_COUNTS.format(ids=ids), params)
        conn.execute(trigger)
        conn.execute("RELEASE counted_at_end")
    except BaseException:
        if conn.in_transaction:  # else SQLite has rolled it all back (a full disk, I/O)
            conn.execute("ROLLBACK TO counted_at_end")
            conn.execute("RELEASE counted_at_end")
        raise
    finally:  # whatever happened, the trigger is there
        if _insert_trigger(conn) is None:
            conn.execute(trigger)


def _insert_trigger(conn: sqlite3.Connection) -> str | None:
    """The text of SQLite's insert trigger, or None where there is none to drop."""
    if dialect_of(conn) != "sqlite":
        return None
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                       (INSERT_TRIGGER,)).fetchone()
    return None if row is None else str(row[0])
