"""What a run records besides artifacts: its metric history (one JSON row per step), its
summary and the files saved with it (``run.log``, ``run.summary``, ``ld.save``).

Stores older than ``schema.RUN_DATA_SINCE`` have none of these: they read as empty, and
a writer has migrated before it gets here."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from lineage_desktop.store.bulk_cells import plain_json
from lineage_desktop.store.params import ids_param
from lineage_desktop.store.rows import Cells, json_object
from lineage_desktop.store.schema import RUN_DATA_SINCE, schema_version
from lineage_desktop.store.writes import _dumps as dumps

HISTORY_PAGE = 1_000  # rows read per query when scanning a history
# History rows keep the keys in logged order and skip the cycle check (they come from
# ``sdk.history``, which copies them into plain JSON values): about twice as fast as the
# cells' encoder; a row holding NaN or an infinity goes through ``dumps``, like any cell.
_ROW_ENCODER = json.JSONEncoder(allow_nan=False, check_circular=False, separators=(",", ":"))


def _row_json(values: dict[str, Any]) -> str:
    try:
        return _ROW_ENCODER.encode(values)
    except (ValueError, TypeError):
        return dumps(values)


@dataclass(frozen=True, slots=True)
class SavedFile:
    """A file saved with a run (``ld.save``): its name in the run and its content."""

    path: str
    digest: str
    size: int
    saved_at: str


class RunDataMixin:
    _conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover
        raise NotImplementedError

    def _has_run_data(self) -> bool:
        # Schema versions only grow: once seen, the tables stay (an older store is asked
        # again each time, as ``ReadMixin._outputs`` asks).
        if not getattr(self, "_run_data_seen", False):
            self._run_data_seen = schema_version(self._conn) >= RUN_DATA_SINCE
        return bool(self._run_data_seen)

    # ------------------------------------------------------------------ writes
    def append_history(self, run_id: str, rows: Sequence[tuple[int, dict[str, Any]]],
                       summary: dict[str, Any] | None) -> None:
        """Add history rows ``(step, values)`` and set the run's summary, in one
        transaction. A step recorded before (a resumed run) gets the new keys merged in."""
        encoded = [(run_id, step, _row_json(values)) for step, values in rows]
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO run_history (run_id, step, row) VALUES (?, ?, ?) "
                "ON CONFLICT (run_id, step) DO UPDATE SET "
                "row = json_patch(run_history.row, excluded.row)",
                encoded)
            if summary is not None:
                conn.execute("UPDATE runs SET summary = ? WHERE id = ?",
                             (dumps(summary), run_id))

    def set_summary(self, run_id: str, summary: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET summary = ? WHERE id = ?", (dumps(summary), run_id))

    def save_run_file(self, run_id: str, path: str, digest: str, size: int,
                      saved_at: str) -> None:
        """Record a file saved with the run (its blob is already in the blob folder); a
        second save of one name records the new content."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO run_files (run_id, path, digest, size, saved_at) "
                "VALUES (?, ?, ?, ?, ?)", (run_id, path, digest, size, saved_at))

    # ------------------------------------------------------------------ merges
    def has_run_data(self) -> bool:
        """Whether the store's schema records run history, summaries and saved files."""
        return self._has_run_data()

    def history_cells(self) -> Iterator[tuple[str, int, str]]:
        """For a merge: every history row ``(run id, step, row)``, by run and step; a
        row as strict JSON text, copied as it is, or written anew as a reader reads it."""
        for run_id, step, text in self._conn.execute(
                "SELECT run_id, step, row FROM run_history ORDER BY run_id, step"):
            cells = Cells("run_history", run_id)
            if type(step) is not int:
                step = cells.integer("step", step)
            yield (cells.text("run_id", run_id), step,
                   text if plain_json(text, dict) else dumps(json_object(text)))

    def run_file_cells(self) -> list[tuple[str, str, str, int, str]]:
        """For a merge: every saved file ``(run id, path, digest, size, saved at)``, by
        run and path, read as ``run_saved_files`` reads them."""
        found = []
        for run_id, path, digest, size, at in self._conn.execute(
                "SELECT run_id, path, digest, size, saved_at FROM run_files "
                "ORDER BY run_id, path"):
            cells = Cells("run_files", run_id)
            found.append((cells.text("run_id", run_id), cells.text("path", path),
                          cells.text("digest", digest), cells.integer("size", size, minimum=0),
                          cells.text("saved_at", at)))
        return found

    def run_file_digests(self, run_ids: Iterable[str]) -> dict[tuple[str, str], str]:
        """``{(run id, path): digest}`` of the files saved with ``run_ids``."""
        return {(str(run_id), str(path)): str(digest) for run_id, path, digest in
                self._conn.execute(
                    "SELECT run_id, path, digest FROM run_files "
                    "WHERE run_id IN (SELECT value FROM json_each(?))", (ids_param(run_ids),))}

    def add_history_cells(self, rows: Iterable[tuple[str, int, str]]) -> int:
        """History rows ``(run id, step, row text)``; a step the run has is left alone.
        The number added."""
        with self.transaction() as conn:
            return max(conn.executemany(
                "INSERT OR IGNORE INTO run_history (run_id, step, row) VALUES (?, ?, ?)",
                list(rows)).rowcount, 0)

    def add_run_file_cells(self, rows: Iterable[tuple[str, str, str, int, str]]) -> int:
        """Saved files ``(run id, path, digest, size, saved at)`` (their blobs are in the
        blob folder); a name the run has is left alone. The number added."""
        with self.transaction() as conn:
            return max(conn.executemany(
                "INSERT OR IGNORE INTO run_files (run_id, path, digest, size, saved_at) "
                "VALUES (?, ?, ?, ?, ?)", list(rows)).rowcount, 0)

    # ------------------------------------------------------------------ reads
    def run_summary(self, run_id: str) -> dict[str, Any]:
        if not self._has_run_data():
            return {}
        row = self._conn.execute("SELECT summary FROM runs WHERE id = ?", (run_id,)).fetchone()
        return {} if row is None else json_object(row[0])

    def run_summaries(self, run_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The summaries of ``run_ids`` that have one, in one query (a graph's runs)."""
        ids = list(run_ids)
        if not ids or not self._has_run_data():
            return {}
        rows = self._conn.execute(
            "SELECT id, summary FROM runs WHERE summary IS NOT NULL "
            "AND id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)).fetchall()
        found = {str(run_id): json_object(text) for run_id, text in rows}
        return {run_id: summary for run_id, summary in found.items() if summary}

    def last_history_step(self, run_id: str) -> int | None:
        """The highest step recorded for the run (a resumed run continues after it)."""
        if not self._has_run_data():
            return None
        row = self._conn.execute(
            "SELECT step FROM run_history WHERE run_id = ? ORDER BY step DESC LIMIT 1",
            (run_id,)).fetchone()
        return None if row is None else int(row[0])

    def history_length(self, run_id: str) -> int:
        if not self._has_run_data():
            return 0
        return int(self._conn.execute("SELECT COUNT(*) FROM run_history WHERE run_id = ?",
                                      (run_id,)).fetchone()[0])

    def history_rows(self, run_id: str, min_step: int | None = None,
                     max_step: int | None = None,
                     keys: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
        """The run's history rows in step order, ``min_step <= step < max_step``, read a
        page at a time (a long history is never all in memory). With ``keys``, only rows
        holding all of them (W&B's ``scan_history``), cut to those keys and ``_step``."""
        if not self._has_run_data():
            return
        wanted = None if keys is None else frozenset(keys)
        low = -(2 ** 63) if min_step is None else min_step
        high = 2 ** 63 - 1 if max_step is None else max_step
        while True:
            page = self._conn.execute(
                "SELECT step, row FROM run_history WHERE run_id = ? AND step >= ? AND step < ? "
                "ORDER BY step LIMIT ?", (run_id, low, high, HISTORY_PAGE)).fetchall()
            for step, text in page:
                row = json_object(text)
                row.setdefault("_step", Cells("run_history", step).integer("step", step))
                if wanted is None:
                    yield row
                elif wanted.issubset(row):
                    yield {k: v for k, v in row.items() if k in wanted or k == "_step"}
            if len(page) < HISTORY_PAGE:
                return
            low = int(page[-1][0]) + 1

    def run_saved_files(self, run_id: str) -> list[SavedFile]:
        if not self._has_run_data():
            return []
        cells = Cells("run_files", run_id)
        return [SavedFile(cells.text("path", path), cells.text("digest", digest),
                          cells.integer("size", size, minimum=0), cells.text("saved_at", at))
                for path, digest, size, at in self._conn.execute(
                    "SELECT path, digest, size, saved_at FROM run_files WHERE run_id = ? "
                    "ORDER BY path", (run_id,))]
