"""Runs and versions as their stored cells, for a merge that copies them to another store.

A merge reads every run and version of its sources and writes most of them unchanged:
building a ``Run`` or an ``ArtifactVersion`` of each, parsing its JSON cells and writing
them back as JSON again is most of its cost. These reads hand back the cells instead.
A cell of its type whose JSON is strict (an object, or a list of strings for tags, no
NaN, not nested beyond what a reader parses) is copied as its text: read from the
target, it gives what it gave read from the source. Any other row goes through the
checked reader (``run_from_row``, ``version_from_row``) and its JSON is written anew, as
before, so that a damaged source is read exactly as every reader reads it.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

from lineage_desktop.records import ManifestEntry, Run
from lineage_desktop.store.params import ids_param
from lineage_desktop.store.reads import ReadMixin
from lineage_desktop.store.rows import (
    MAX_JSON_DEPTH,
    RUN_COLUMNS,
    RUN_FROM,
    VERSION_FROM,
    _texts,
    entry_from_row,
    json_object,
    run_from_row,
    version_from_row,
)
from lineage_desktop.store.run_reads import RunOrder, run_order_sql
from lineage_desktop.store.schema import RUN_DATA_SINCE, schema_version
from lineage_desktop.store.writes import _dumps

# Positions in a row of ``run_cells``: ``RUN_COLUMNS`` (the cells ``run_from_row`` reads).
# then the run's summary (``'{}'`` in a store older than ``RUN_DATA_SINCE``).
RUN_ID, RUN_PROJECT, RUN_ENTITY, RUN_STATE, RUN_CONFIG, RUN_TAGS = 0, 1, 2, 8, 11, 13
RUN_SUMMARY = 17
# What a merge compares of two records of a run, and the cell of each.
RUN_COMPARED = {"name": 3, "job_type": 4, "group": 5, "author": 6, "host": 7, "state": 8,
                "started_at": 9, "finished_at": 10, "config": 11, "notes": 12, "tags": 13,
                "exit_code": 14, "summary": RUN_SUMMARY}


class VersionCells(NamedTuple):
    """What a merge needs of a version: ``metadata`` is the cell's JSON text."""

    id: int
    name: str
    idx: int  # its number (``index`` is a tuple's method)
    type: str
    project: str
    entity: str
    digest: str
    description: str | None
    metadata: str
    size: int
    file_count: int
    created_at: str | None
    run_id: str | None
    source_id: int | None
    deleted_at: str | None
    deleted_by: str | None
    aliases: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def version(self) -> str:
        return f"v{self.idx}"


def _refuse(name: str) -> None:
    raise ValueError(name)


_STRICT = json.JSONDecoder(parse_constant=_refuse)  # no hooks: the C scanner alone


def plain_json(text: object, kind: type) -> bool:
    """Whether a cell is text holding strict JSON of ``kind`` (``dict``; ``list``: of
    strings), which a copy of the text keeps as it is."""
    if text == "{}" and kind is dict or text == "[]" and kind is list:
        return True
    if type(text) is not str or text.count("[") + text.count("{") > MAX_JSON_DEPTH:
        return False
    try:
        value, end = _STRICT.raw_decode(text)
    except (ValueError, RecursionError):
        return False
    if end != len(text):
        return False
    if kind is list:
        return type(value) is list and all(type(item) is str for item in value)
    return type(value) is kind


_TEXT = {str, type(None)}


def _counts(*values: object) -> bool:
    return all(value is None or type(value) is int and value >= 0 for value in values)


class CellsMixin(ReadMixin):
    """Run and version rows as stored, checked cheaply (see the module's text)."""

    def run_cells(self, ids: Iterable[str] | None = None) -> list[tuple[Any, ...]]:
        """Every run (or those of ``ids``), oldest first, as ``RUN_COLUMNS`` cells and its
        summary; a run left running by a process that is gone reads as ``crashed``, as
        in ``runs``."""
        summary = "r.summary" if schema_version(self._conn) >= RUN_DATA_SINCE else "'{}'"
        sql = f"SELECT {RUN_COLUMNS}, {summary} FROM {RUN_FROM}"
        params: tuple[object, ...] = ()
        if ids is not None:
            sql += " WHERE r.id IN (SELECT value FROM json_each(?))"
            params = (ids_param(ids),)
        rows: list[tuple[Any, ...]] = []
        running = []
        for row in self._conn.execute(f"{sql} ORDER BY {run_order_sql(RunOrder.STARTED_ASC)}",
                                      params):
            if not plain_json(row[RUN_SUMMARY], dict):  # written anew, as a reader reads it
                row = (*row[:RUN_SUMMARY], _dumps(json_object(row[RUN_SUMMARY])))
            if not (type(row[0]) is type(row[1]) is type(row[2]) is type(row[3])
                    is type(row[8]) is str
                    and {type(row[i]) for i in (4, 5, 6, 7, 9, 10, 12)} <= _TEXT
                    and (row[14] is None or type(row[14]) is int)
                    and plain_json(row[RUN_CONFIG], dict) and plain_json(row[RUN_TAGS], list)):
                row = _cells_of_run(run_from_row(row[:RUN_SUMMARY]), row)
            if row[RUN_STATE] == "running":
                running.append(len(rows))
            rows.append(row)
        if running:
            runs = self._with_crashes([run_from_row(rows[i][:RUN_SUMMARY]) for i in running])
            for i, run in zip(running, runs, strict=True):
                if run.state != rows[i][RUN_STATE]:
                    rows[i] = (*rows[i][:RUN_STATE], run.state, *rows[i][RUN_STATE + 1:])
        return rows

    def version_cells(self, aliased: bool = False) -> list[VersionCells]:
        """Every version (or those with an alias), in creation order (as
        ``all_versions``), with its aliases and tags."""
        columns = self._version_columns()
        where = " WHERE v.id IN (SELECT version_id FROM aliases)" if aliased else ""
        rows = self._conn.execute(f"SELECT {columns} FROM {VERSION_FROM}{where} "
                                  "ORDER BY v.created_at, a.name, v.idx").fetchall()
        aliases = self._labels("SELECT version_id, alias FROM aliases ORDER BY alias")
        tags = self._labels("SELECT version_id, tag FROM version_tags ORDER BY tag")
        found = []
        for row in rows:
            (vid, name, idx, type_name, project, entity, digest, description, metadata, size,
             file_count, created_at, run_id, state, _, _, _, ttl, updated_at, deleted_at,
             deleted_by, source_id, history_step) = row
            named = (aliases.get(vid, ()), tags.get(vid, ()))
            if (type(vid) is type(idx) is type(size) is type(file_count) is int and idx >= 0
                    and type(name) is type(type_name) is type(project) is type(entity)
                    is type(digest) is type(state) is str
                    and {type(description), type(created_at), type(run_id), type(updated_at),
                         type(deleted_at), type(deleted_by)} <= _TEXT
                    and (ttl is source_id is history_step is None
                         or _counts(ttl, source_id, history_step))
                    and plain_json(metadata, dict)):
                found.append(VersionCells(
                    vid, name, idx, type_name, project, entity, digest, description, metadata,
                    size, file_count, created_at, run_id, source_id, deleted_at, deleted_by,
                    *named))
                continue
            v = version_from_row(row, *named)
            found.append(VersionCells(
                v.id, v.name, v.index, v.type, v.project, v.entity, v.digest, v.description,
                _dumps(dict(v.metadata)), v.size, v.file_count, v.created_at, v.run_id,
                v.source_id, v.deleted_at, v.deleted_by, v.aliases, v.tags))
        return found

    def _labels(self, sql: str) -> dict[int, tuple[str, ...]]:
        found: dict[int, list[object]] = defaultdict(list)
        for version_id, label in self._conn.execute(sql):
            found[version_id].append(label)
        return {version_id: _texts(tuple(labels)) for version_id, labels in found.items()}

    def all_manifests(self) -> dict[int, list[ManifestEntry]]:
        """The manifest of every version: ``{version id: entries}``, entries by path."""
        found: dict[int, list[ManifestEntry]] = defaultdict(list)
        for version_id, path, digest, size, ref in self._conn.execute(
                "SELECT version_id, path, digest, size, ref FROM manifest "
                "ORDER BY version_id, path"):
            if (type(path) is str and type(digest) is str and type(size) is int
                    and (ref is None or type(ref) is str)):
                found[version_id].append(ManifestEntry(path, digest, size, ref))
            else:
                found[version_id].append(entry_from_row((path, digest, size, ref), version_id))
        return dict(found)


def _cells_of_run(run: Run, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The cells a checked run is written as (its JSON anew), ``RUN_COLUMNS`` order."""
    return (run.id, run.project, run.entity, run.name, run.job_type, run.group, run.author,
            run.host, run.state, run.started_at, run.finished_at, _dumps(run.config),
            run.notes, json.dumps(list(run.tags)), run.exit_code, *row[15:])
