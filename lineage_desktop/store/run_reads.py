"""Run reads: the named run orders, runs by id, listing and paging, the runs that used a
version, and runs left ``running`` by a process that is gone read as ``crashed``."""
from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from enum import StrEnum
from typing import TypeVar, cast

from lineage_desktop.records import Run, RunCells, RunNotFound
from lineage_desktop.store.params import FAR_FUTURE, dialect_of, like_pattern
from lineage_desktop.store.params import ids_param as _ids_param
from lineage_desktop.store.processes import is_alive, this_host
from lineage_desktop.store.rows import (
    RUN_COLUMNS,
    RUN_FROM,
    Cells,
    as_text,
    names,
    process_of,
    run_from_row,
)
from lineage_desktop.store.schema import RUN_COUNTS_SINCE, schema_version

_Runs = TypeVar("_Runs", Run, Run | RunCells)


class RunOrder(StrEnum):
    """The orders ``Store.runs`` lists runs in (the SQL stays here). Ties within a state,
    job type or name: newest first; then by id, for a stable paging order."""

    STARTED_DESC = "started_desc"
    STARTED_ASC = "started_asc"
    STATE_ASC = "state_asc"
    STATE_DESC = "state_desc"
    JOB_TYPE_ASC = "job_type_asc"
    JOB_TYPE_DESC = "job_type_desc"
    NAME_ASC = "name_asc"
    NAME_DESC = "name_desc"


# What the run list's filter field matches (``runs(text=...)``).
_TEXT_COLUMNS = ("r.name", "r.id", "r.job_type", "r.state")
_RUN_ORDER_SQL = {
    RunOrder.STARTED_DESC: "r.started_at DESC, r.id",
    RunOrder.STARTED_ASC: "r.started_at, r.id",
    RunOrder.STATE_ASC: "r.state, r.started_at DESC, r.id",
    RunOrder.STATE_DESC: "r.state DESC, r.started_at DESC, r.id",
    RunOrder.JOB_TYPE_ASC: "r.job_type, r.started_at DESC, r.id",
    RunOrder.JOB_TYPE_DESC: "r.job_type DESC, r.started_at DESC, r.id",
    RunOrder.NAME_ASC: "r.name, r.started_at DESC, r.id",
    RunOrder.NAME_DESC: "r.name DESC, r.started_at DESC, r.id",
}


def run_order_sql(order: RunOrder | str) -> str:
    """The ORDER BY of a named order; anything else (SQL text) is refused."""
    try:
        return _RUN_ORDER_SQL[RunOrder(order)]
    except ValueError:
        known = ", ".join(o.value for o in RunOrder)
        raise ValueError(f"unknown run order {order!r}; one of {known}") from None


class RunReadMixin:
    _conn: sqlite3.Connection

    def run_count(self, project_id: int | None = None, as_of: str | None = None) -> int:
        """How many runs (of one project) started at or before ``as_of``.

        From schema 7 the store keeps the counts per day and hour (``run_counts``): the
        cost is a project's days, one day's hours and one hour's runs, not the store's
        runs. An older store (a reader cannot migrate it) is counted."""
        if not self._run_counts_kept():
            return self._counted_runs(project_id, as_of)
        days = "c.project_id = p.id AND c.span = 10"
        if as_of is None:
            per_project = f"(SELECT TOTAL(c.runs) FROM run_counts c WHERE {days})"
        else:  # the days before as_of's, the hours of its day before its hour, its hour
            per_project = (
                f"(SELECT TOTAL(c.runs) FROM run_counts c WHERE {days}"
                " AND c.period < substr(:at, 1, 10))"
                " + (SELECT TOTAL(c.runs) FROM run_counts c WHERE c.project_id = p.id"
                " AND c.span = 13 AND c.period >= substr(:at, 1, 10)"
                " AND c.period < substr(:at, 1, 13))"
                " + (SELECT COUNT(*) FROM runs r WHERE r.project_id = p.id"
                " AND r.started_at >= substr(:at, 1, 13) AND r.started_at <= :at)")
        projects = ("(SELECT :project AS id)" if project_id is not None
                    else "(SELECT id FROM projects)")
        row = self._conn.execute(f"SELECT TOTAL({per_project}) FROM {projects} p",
                                 {"at": as_of, "project": project_id}).fetchone()
        return int(row[0])

    def _run_counts_kept(self) -> bool:
        # Schema versions only grow: once seen, kept (as ``ReadMixin._outputs``).
        if not getattr(self, "_run_counts_seen", False):
            self._run_counts_seen = schema_version(self._conn) >= RUN_COUNTS_SINCE
        return self._run_counts_seen

    def _counted_runs(self, project_id: int | None, as_of: str | None) -> int:
        sql = "SELECT COUNT(*) FROM runs WHERE started_at <= ?"
        params: list[object] = [as_of or FAR_FUTURE]
        if project_id is not None:
            sql += " AND project_id = ?"
            params.append(project_id)
        return cast(int, self._conn.execute(sql, params).fetchone()[0])

    def last_run_name(self, project_id: int) -> str | None:
        """The name of the project's most recently recorded run (the highest rowid, one
        step down the ``runs_project`` index), or None if it has no runs."""
        row = self._conn.execute(
            "SELECT name FROM runs WHERE project_id = ? ORDER BY rowid DESC LIMIT 1",
            (project_id,)).fetchone()
        return None if row is None else as_text(row[0])

    def runs_by_ids(self, ids: Iterable[str]) -> list[Run]:
        return self._with_crashes([run_from_row(row) for row in self._conn.execute(
            f"SELECT {RUN_COLUMNS} FROM {RUN_FROM} WHERE r.id IN (SELECT value FROM json_each(?))",
            (_ids_param(ids),))])

    def _with_crashes(self, runs: list[_Runs]) -> list[_Runs]:
        """Runs left ``running`` by a process of this host that is gone read as
        ``crashed`` (a reader cannot record that; the next writer does). A running run
        is always a record (``run_cells``)."""
        running = [r.id for r in runs if r.state == "running"]
        if not running or schema_version(self._conn) < 3:
            return runs
        processes = map(process_of, self._conn.execute(
            "SELECT run_id, pid, process_start FROM run_processes WHERE host = ? AND run_id IN "
            "(SELECT value FROM json_each(?))", (this_host(), _ids_param(running))))
        dead = {p[0] for p in processes if p is not None and not is_alive(p[1], p[2])}
        return [replace(r, state="crashed") if r.id in dead and isinstance(r, Run) else r
                for r in runs]

    def run(self, run_id: str) -> Run:
        found = self.runs_by_ids([run_id])
        if not found:
            orphan = self._conn.execute("SELECT project_id FROM runs WHERE id = ?",
                                        (run_id,)).fetchone()
            if orphan is not None:  # the run is there, its project is not: damage
                raise Cells("runs", run_id).damaged(
                    "project_id", f"names project {orphan[0]!r}, which does not exist")
            ids = names([row[0] for row in self._conn.execute(
                "SELECT id FROM runs WHERE id LIKE ? LIMIT 200", (run_id[:2] + "%",))])
            close = difflib.get_close_matches(run_id, ids, n=5, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise RunNotFound(f"no run with id {run_id!r}{hint}", asked=run_id, suggestions=close)
        return found[0]

    def runs(
        self, project_id: int | None = None, job_type: str | None = None,
        state: str | None = None, as_of: str | None = None, limit: int | None = None,
        order: RunOrder | str = RunOrder.STARTED_DESC, offset: int = 0,
        text: str | None = None,
    ) -> list[Run]:
        """Runs in ``order`` (a ``RunOrder`` or its name, such as ``"started_asc"``);
        ``limit``/``offset`` page through them without reading the pages before.
        ``text`` keeps the runs whose name, id, job type or state hold it (any case)."""
        order_by = run_order_sql(order)
        sql = f"SELECT {RUN_COLUMNS} FROM {RUN_FROM} WHERE r.started_at <= ?"
        params: list[object] = [as_of or FAR_FUTURE]
        if text and text.strip():
            sql += " AND (" + " OR ".join(
                f"{column} LIKE ? ESCAPE '\\'" for column in _TEXT_COLUMNS) + ")"
            params.extend([like_pattern(text.strip())] * len(_TEXT_COLUMNS))
        for column, value in (("r.project_id", project_id), ("r.job_type", job_type),
                              ("r.state", state)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        sql += f" ORDER BY {order_by}"
        if limit is not None or offset:
            sql += f" LIMIT {int(limit) if limit is not None else -1} OFFSET {int(offset)}"
        return self._with_crashes([run_from_row(row) for row in self._conn.execute(sql, params)])

    def runs_matching(
        self, project_ids: Iterable[int] | None, filters: object = None,
        order: str = "+created_at", limit: int | None = None, offset: int = 0,
        as_of: str | None = None,
    ) -> list[Run]:
        """Runs of some projects (None: all) that match a W&B filter document, in W&B's
        ``order`` (see ``run_filters``); ``limit``/``offset`` page through them."""
        from lineage_desktop.store.run_filters import filter_sql, order_sql, regexp

        params: list[object] = [as_of or FAR_FUTURE]
        sql = f"SELECT {RUN_COLUMNS} FROM {RUN_FROM} WHERE r.started_at <= ?"
        if project_ids is not None:
            sql += " AND r.project_id IN (SELECT value FROM json_each(?))"
            params.append(_ids_param(project_ids))
        dialect = dialect_of(self._conn)
        sql += (f" AND ({filter_sql(filters, params, dialect)})"
                f" ORDER BY {order_sql(order, dialect)}")
        if limit is not None or offset:
            sql += f" LIMIT {int(limit) if limit is not None else -1} OFFSET {int(offset)}"
        if dialect_of(self._conn) == "sqlite":  # PostgreSQL has its own (``~``)
            self._conn.create_function("regexp", 2, regexp, deterministic=True)
        return self._with_crashes([run_from_row(row) for row in self._conn.execute(sql, params)])

    def runs_using(self, version_id: int, as_of: str | None = None) -> list[Run]:
        return self._with_crashes([run_from_row(row) for row in self._conn.execute(
            f"SELECT {RUN_COLUMNS} FROM {RUN_FROM} JOIN usages u ON u.run_id = r.id "
            "WHERE u.version_id = ? AND u.used_at <= ? AND r.started_at <= ? ORDER BY r.started_at",
            (version_id, as_of or FAR_FUTURE, as_of or FAR_FUTURE))])
