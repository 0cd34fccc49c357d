"""Conversions from SQL rows to records (kept in one place so that columns stay in step).

Any cell may hold anything: the file may have been written by another tool, edited by
hand or damaged, and SQLite stores any value in any column. So every record gets the
types it declares, whatever the cell holds:

- text columns take text as it is, numbers as their decimal text and BLOBs decoded as
  UTF-8 with U+FFFD for bytes that are not;
- JSON columns (metadata, config, tags) take what the JSON says, or keep an unreadable
  cell's text (shortened) under a key that says so, instead of silently dropping it;
  NaN and infinities become the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"``
  (strict JSON has no such numbers), and nesting deeper than ``MAX_JSON_DEPTH`` is
  unreadable rather than a ``RecursionError`` later;
- a cell that cannot be shown as its declared type (a key or a number that is NULL or
  not a whole number) raises ``DamagedRow``, naming the table, row and column.
"""
from __future__ import annotations

import json
import math
import re
import sqlite3
from typing import Any, cast

from lineage_desktop.records import (
    ArtifactCollection,
    ArtifactNotFound,
    ArtifactVersion,
    ManifestEntry,
    Project,
    Run,
    RunCells,
    VersionCells,
)
from lineage_desktop.store.errors import DamagedRow, shown

VERSION_COLUMNS = (
    "v.id, a.name, v.idx, t.name, p.name, p.entity, v.digest, v.description, v.metadata, "
    "v.size, v.file_count, v.created_at, v.run_id, v.state, a.id, t.id, p.id, "
    "v.ttl, v.updated_at, v.deleted_at, v.deleted_by, v.source_id, v.history_step"
)
# A store before schema 8 (``EDITS_SINCE``), which a reader cannot migrate, has none of
# the edit columns: read as never edited, deleted or linked.
VERSION_COLUMNS_BEFORE_8 = (VERSION_COLUMNS.split(", v.ttl")[0]
                            + ", NULL, NULL, NULL, NULL, NULL, NULL")
VERSION_FROM = (
    "versions v JOIN artifacts a ON a.id = v.artifact_id "
    "JOIN artifact_types t ON t.id = a.type_id JOIN projects p ON p.id = a.project_id"
)
RUN_COLUMNS = (
    "r.id, p.name, p.entity, r.name, r.job_type, r.group_name, r.author, r.host, r.state, "
    "r.started_at, r.finished_at, r.config, r.notes, r.tags, r.exit_code, r.rowid, p.id"
)
RUN_FROM = "runs r JOIN projects p ON p.id = r.project_id"

MAX_JSON_DEPTH = 100  # far beyond real metadata, far below a RecursionError
UNREADABLE = "(unreadable JSON)"  # key holding the text of a JSON cell that does not parse
NOT_AN_OBJECT = "(not a JSON object)"  # key holding a JSON value that should be an object
_KEPT = 1_000  # characters of an unreadable cell kept for display
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_WHOLE = re.compile(r"\s*[+-]?\d+\s*")


class Cells:
    """Typed reads of one row's cells; problems name ``table``, the row id and column."""

    __slots__ = ("table", "row_id")

    def __init__(self, table: str, row_id: object) -> None:
        self.table, self.row_id = table, row_id

    def damaged(self, column: str, problem: str) -> DamagedRow:
        return DamagedRow(self.table, self.row_id, column, problem)

    def text(self, column: str, value: object) -> str:
        """A required text: NULL is damage; anything else is shown as text."""
        if value is None:
            raise self.damaged(column, "is NULL")
        return as_text(value)

    def optional_text(self, column: str, value: object) -> str | None:
        return None if value is None else as_text(value)

    def integer(self, column: str, value: object, minimum: int | None = None) -> int:
        """A required whole number (a real with no fraction or digits in text pass)."""
        number = self._whole(column, value)
        if number is None:
            raise self.damaged(column, "is NULL")
        if minimum is not None and number < minimum:
            raise self.damaged(column, f"is {number}, below {minimum}")
        return number

    def optional_integer(self, column: str, value: object,
                         minimum: int | None = None) -> int | None:
        number = self._whole(column, value)
        if number is not None and minimum is not None and number < minimum:
            raise self.damaged(column, f"is {number}, below {minimum}")
        return number

    def _whole(self, column: str, value: object) -> int | None:
        if value is None or (type(value) is int):
            return value
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        if isinstance(value, str) and len(value) < 40 and _WHOLE.fullmatch(value):
            return int(value)
        raise self.damaged(column, f"holds {shown(value)}, not a whole number")

    def mapping(self, column: str, value: object) -> dict[str, Any]:
        return json_object(value)

    def labels(self, column: str, value: object) -> tuple[str, ...]:
        return json_labels(value)


def as_text(value: object) -> str:
    """Any cell as text: BLOBs decoded as UTF-8 (U+FFFD for bad bytes), numbers in decimal."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def decode_text(data: bytes) -> str:
    """``sqlite3.Connection.text_factory``: text cells that are not valid UTF-8 come back
    with U+FFFD instead of failing the whole query with a ``UnicodeDecodeError``."""
    return data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------- JSON


def _constant(name: str) -> str:
    return name  # NaN, Infinity, -Infinity: kept as the words, which strict JSON can hold


def _number(text: str) -> float | str:
    value = float(text)
    return value if math.isfinite(value) else text  # 1e999 parses as infinity


# One decoder for every cell: ``json.loads`` with hooks builds a decoder per call.
_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_number)


def _too_deep(text: str) -> bool:
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


def parse_json(value: object) -> tuple[bool, Any]:
    """``(True, value)`` for a cell holding JSON (SQL NULL and empty text: ``None``),
    ``(False, text)`` for one that does not parse, or nests too deeply, with its text
    shortened for display."""
    if value is None:
        return True, None
    if isinstance(value, (int, float)):
        return True, value if not isinstance(value, float) or math.isfinite(value) else str(value)
    text = as_text(value)
    if not text.strip():
        return True, None
    if _too_deep(text):
        return False, _shorten(text)
    try:
        return True, _DECODER.decode(text)
    except (ValueError, RecursionError):  # RecursionError: belt and braces after _too_deep
        return False, _shorten(text)


def json_object(value: object) -> dict[str, Any]:
    """A metadata or config cell as a dict: ``{}`` for nothing recorded; an unreadable
    cell or a JSON value that is not an object kept under a key that says so."""
    if value == "{}":  # what almost every cell holds: no parse
        return {}
    ok, parsed = parse_json(value)
    if not ok:
        return {UNREADABLE: parsed}
    if parsed is None:
        return {}
    if isinstance(parsed, dict):
        return parsed
    return {NOT_AN_OBJECT: parsed}


def json_labels(value: object) -> tuple[str, ...]:
    """A tags cell (a JSON list of strings) as a tuple of strings: other items as their
    compact JSON; a cell that is not a list shown as one label."""
    if value == "[]":
        return ()
    ok, parsed = parse_json(value)
    if not ok:
        return (parsed,)
    if parsed is None:
        return ()
    items = parsed if isinstance(parsed, list) else [parsed]
    return tuple(item if isinstance(item, str) else
                 json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items)


def _shorten(text: str) -> str:
    return text if len(text) <= _KEPT else f"{text[:_KEPT]}… ({len(text):,} characters)"


# ---------------------------------------------------------------------------- records


def unknown_version(version_id: int) -> ArtifactNotFound:
    """The ``LookupError`` for a version id that no row has."""
    return ArtifactNotFound(f"no artifact version with id {version_id}", asked=str(version_id))


def version_row(conn: sqlite3.Connection, sql: str, version_id: int) -> tuple[Any, ...]:
    """The one row ``sql`` (with the version id as its only parameter) reads about a
    version; ``unknown_version`` if there is none."""
    row = conn.execute(sql, (version_id,)).fetchone()
    if row is None:
        raise unknown_version(version_id)
    return cast(tuple[Any, ...], row)


def version_from_row(
    row: tuple[Any, ...], aliases: tuple[object, ...] = (), tags: tuple[object, ...] = ()
) -> ArtifactVersion:
    (vid, name, idx, type_name, project, entity, digest, description, metadata, size,
     file_count, created_at, run_id, state, artifact_id, type_id, project_id,
     ttl, updated_at, deleted_at, deleted_by, source_id, history_step) = row
    if _clean_version(row):
        # Every cell already of its type and never edited (the common case): no checks
        # per cell.
        return ArtifactVersion(
            id=vid, name=name, index=idx, type=type_name, project=project, entity=entity,
            digest=digest, description=description, metadata=json_object(metadata),
            size=size, file_count=file_count, created_at=created_at, run_id=run_id,
            aliases=_texts(aliases), tags=_texts(tags), state=state,
            history_step=history_step)
    cells = Cells("versions", vid)
    return ArtifactVersion(
        id=cells.integer("id", vid), name=Cells("artifacts", artifact_id).text("name", name),
        index=cells.integer("idx", idx, minimum=0),
        type=Cells("artifact_types", type_id).text("name", type_name),
        project=Cells("projects", project_id).text("name", project),
        entity=Cells("projects", project_id).text("entity", entity),
        digest=cells.text("digest", digest),
        description=cells.optional_text("description", description),
        metadata=cells.mapping("metadata", metadata), size=cells.integer("size", size),
        file_count=cells.integer("file_count", file_count),
        created_at=cells.optional_text("created_at", created_at),
        run_id=cells.optional_text("run_id", run_id),
        aliases=_texts(aliases), tags=_texts(tags),
        state=cells.text("state", state),
        ttl=cells.optional_integer("ttl", ttl, minimum=0),
        updated_at=cells.optional_text("updated_at", updated_at),
        deleted_at=cells.optional_text("deleted_at", deleted_at),
        deleted_by=cells.optional_text("deleted_by", deleted_by),
        source_id=cells.optional_integer("source_id", source_id, minimum=1),
        history_step=cells.optional_integer("history_step", history_step, minimum=0),
    )


def run_from_row(row: tuple[Any, ...]) -> Run:
    (rid, project, entity, name, job_type, group, author, host, state, started_at,
     finished_at, config, notes, tags, exit_code, rowid, project_id) = row
    if _clean_run(row):
        return Run(id=rid, project=project, entity=entity, name=name, job_type=job_type,
                   group=group, author=author, host=host, state=state, started_at=started_at,
                   finished_at=finished_at, config=json_object(config), notes=notes,
                   tags=json_labels(tags), exit_code=exit_code)
    cells = Cells("runs", rid if rid is not None else f"rowid {rowid}")
    return Run(
        id=cells.text("id", rid), project=Cells("projects", project_id).text("name", project),
        entity=Cells("projects", project_id).text("entity", entity),
        name=cells.text("name", name), job_type=cells.optional_text("job_type", job_type),
        group=cells.optional_text("group_name", group),
        author=cells.optional_text("author", author), host=cells.optional_text("host", host),
        state=cells.text("state", state),
        started_at=cells.optional_text("started_at", started_at),
        finished_at=cells.optional_text("finished_at", finished_at),
        config=cells.mapping("config", config), notes=cells.optional_text("notes", notes),
        tags=cells.labels("tags", tags),
        exit_code=cells.optional_integer("exit_code", exit_code),
    )


def _clean_version(row: tuple[Any, ...]) -> bool:
    """Every cell of a ``VERSION_COLUMNS`` row already of its type, and the version never
    edited, linked or deleted: the rows read without checks per cell (a run's version
    has a history step: a whole number from 0 passes)."""
    (vid, name, idx, type_name, project, entity, digest, description, _, size,
     file_count, created_at, run_id, state, _, _, _,
     ttl, updated_at, deleted_at, deleted_by, source_id, history_step) = row
    return (type(vid) is int and type(idx) is int and idx >= 0 and type(size) is int
            and type(file_count) is int and type(name) is str and type(type_name) is str
            and type(project) is str and type(entity) is str and type(digest) is str
            and type(state) is str and (description is None or type(description) is str)
            and (created_at is None or type(created_at) is str)
            and (run_id is None or type(run_id) is str)
            and ttl is updated_at is deleted_at is deleted_by is source_id is None
            and (history_step is None or (type(history_step) is int and history_step >= 0)))


def _clean_run(row: tuple[Any, ...]) -> bool:
    """Every cell of a ``RUN_COLUMNS`` row already of its type."""
    (rid, project, entity, name, job_type, group, author, host, state, started_at,
     finished_at, _, notes, _, exit_code, _, _) = row
    return (type(rid) is str and type(project) is str and type(entity) is str
            and type(name) is str and type(state) is str
            and (exit_code is None or type(exit_code) is int)
            and _text_or_null(job_type, group, author, host, started_at, finished_at, notes))


def version_cells(
    row: tuple[Any, ...], aliases: tuple[object, ...] = (), tags: tuple[object, ...] = ()
) -> VersionCells | ArtifactVersion:
    """A clean row (``_clean_version``) as ``VersionCells`` for the graph; any other as
    its record (``version_from_row``: the checks that name a damaged cell)."""
    if not _clean_version(row):
        return version_from_row(row, aliases, tags)
    return VersionCells(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                        json_object(row[8]), row[9], row[10], row[11], row[12], row[13],
                        _texts(aliases), _texts(tags))


def run_cells(row: tuple[Any, ...]) -> RunCells | Run:
    """A clean row (``_clean_run``) of a run not left running as ``RunCells`` for the
    graph; any other as its record (a running run may read as crashed:
    ``_with_crashes`` replaces records)."""
    if row[8] == "running" or not _clean_run(row):
        return run_from_row(row)
    return RunCells(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                    row[9], row[10], json_object(row[11]), row[12], json_labels(row[13]),
                    row[14])


def project_from_row(row: tuple[Any, ...]) -> Project:
    """``id, entity, name`` of ``projects``."""
    pid, entity, name = row
    cells = Cells("projects", pid)
    return Project(cells.integer("id", pid), cells.text("entity", entity), cells.text("name", name))


def collection_from_row(row: tuple[Any, ...]) -> ArtifactCollection:
    """``a.name, t.name, p.name, p.entity, a.description, version count, a.created_at``
    (the artifact's id last, for naming a damaged row)."""
    name, type_name, project, entity, description, count, created_at, *rest = row
    cells = Cells("artifacts", rest[0] if rest else name)
    return ArtifactCollection(
        name=cells.text("name", name), type=cells.text("type", type_name),
        project=cells.text("project", project), entity=cells.text("entity", entity),
        description=cells.optional_text("description", description),
        version_count=cells.integer("version count", count),
        created_at=cells.optional_text("created_at", created_at),
    )


def entry_from_row(row: tuple[Any, ...], version_id: object = None) -> ManifestEntry:
    """``path, digest, size, ref`` of ``manifest`` (of the version ``version_id``)."""
    path, digest, size, ref = row
    cells = Cells("manifest", f"(version {version_id}, path {shown(path)})")
    return ManifestEntry(cells.text("path", path), cells.text("digest", digest),
                         cells.integer("size", size), cells.optional_text("ref", ref))


def names(values: list[object]) -> list[str]:
    """A column of names (types, artifacts) for listing and suggestions: each shown as
    text; NULLs name nothing and are left out (the rows holding them are reported when
    read as records)."""
    return [as_text(value) for value in values if value is not None]


def process_of(row: tuple[Any, ...]) -> tuple[str, int, str | None] | None:
    """``run_id, pid, process_start`` of ``run_processes`` as plain values, or None when
    the pid is not a process id (such a run cannot be told to have crashed)."""
    run_id, pid, started = row
    if type(pid) is not int or not 0 < pid <= 2**31 - 1:
        return None
    return as_text(run_id), pid, None if started is None else as_text(started)


def _text_or_null(*values: object) -> bool:
    # a set of the cells' types: one C-level pass instead of a generator per row
    return {type(value) for value in values} <= _TEXT_OR_NULL


_TEXT_OR_NULL = {str, type(None)}


def _texts(values: tuple[object, ...]) -> tuple[str, ...]:
    # An alias or tag that is NULL labels nothing: left out, not a reason to refuse the row.
    return tuple(as_text(value) for value in values if value is not None)

__all__ = [
    "MAX_JSON_DEPTH",
    "NOT_AN_OBJECT",
    "RUN_COLUMNS",
    "RUN_FROM",
    "UNREADABLE",
    "VERSION_COLUMNS",
    "VERSION_COLUMNS_BEFORE_8",
    "VERSION_FROM",
    "Cells",
    "as_text",
    "collection_from_row",
    "decode_text",
    "entry_from_row",
    "json_labels",
    "json_object",
    "names",
    "parse_json",
    "process_of",
    "project_from_row",
    "run_cells",
    "run_from_row",
    "version_cells",
    "version_from_row",
]
