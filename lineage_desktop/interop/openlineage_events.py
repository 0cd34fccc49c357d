"""Reading OpenLineage events (newline-delimited JSON) into checked plain values.

Every line is one record; a line that is not valid JSON, has an unknown ``eventType`` or
lacks a required field is reported as ``FILE:LINE: reason`` and left out.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lineage_desktop.graph.parents import openlineage_run_id
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.store import parse_time

RUN_EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "FAIL", "ABORT", "OTHER")
FACET = "lineageDesktop"  # our custom facet: what round-trips a store exactly


class EventError(ValueError):
    """A line that cannot be imported; the message is the reason reported."""


# Not frozen: the events of an import are made twice each (read, then back from the
# scratch store), and a frozen class's ``__init__`` was 8 times as slow (5.3 us an event).
@dataclass(slots=True)
class DatasetRef:
    namespace: str
    name: str
    facets: dict[str, Any] = field(default_factory=dict)
    io_facets: dict[str, Any] = field(default_factory=dict)  # inputFacets / outputFacets

    @property
    def own(self) -> dict[str, Any] | None:
        """Our facet, present when lineage_desktop exported the dataset."""
        found = self.facets.get(FACET)
        return found if isinstance(found, dict) and found.get("name") else None


@dataclass(slots=True)
class Event:
    """One checked event. ``kind`` is ``run``, or ``dataset`` or ``job`` for the spec's
    static ``DatasetEvent`` and ``JobEvent`` (no run: datasets and job facets only)."""

    source: str
    line: int
    kind: str
    time: str
    event_type: str = "OTHER"
    run_id: str = ""
    job_namespace: str = ""
    job_name: str = ""
    run_facets: dict[str, Any] = field(default_factory=dict)
    job_facets: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[DatasetRef, ...] = ()
    outputs: tuple[DatasetRef, ...] = ()
    producer: str = ""
    given_run_id: str = ""  # the event's own runId when it is not a UUID (see ``run_key``)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


# An event as plain values (for a scratch store that sorts events on disk): its run
# part and its datasets, each ``(namespace, name, facets, io facets)``.
Head = tuple[str, str, str, str, dict[str, Any], dict[str, Any], str, str]
Sets = tuple[list[tuple[str, str, dict[str, Any], dict[str, Any]]], ...]


def pack_event(event: Event) -> tuple[Head, Sets]:
    """``event`` minus where and when it is, as ``(head, sets)`` of plain values."""
    head = (event.event_type, event.run_id, event.job_namespace, event.job_name,
            event.run_facets, event.job_facets, event.producer, event.given_run_id)
    sets = tuple([(r.namespace, r.name, r.facets, r.io_facets) for r in refs]
                 for refs in (event.inputs, event.outputs))
    return head, sets


def unpack_event(source: str, line: int, kind: str, time: str, head: Head | None,
                 sets: Sets | None) -> Event:
    """The event ``pack_event`` took apart (without its datasets when ``sets`` is None,
    without its run part when ``head`` is None)."""
    inputs, outputs = sets or ((), ())
    event_type, run_id, job_namespace, job_name, run_facets, job_facets, producer, given = \
        head or ("OTHER", "", "", "", {}, {}, "", "")
    return Event(source, line, kind, time, event_type, run_id, job_namespace, job_name,
                 run_facets, job_facets, tuple(DatasetRef(*ref) for ref in inputs),
                 tuple(DatasetRef(*ref) for ref in outputs), producer, given)


def run_key(run_id: str, job_namespace: str, job_name: str) -> tuple[str, str]:
    """The run an event belongs to, and the runId it gave when that is not a UUID (see
    ``openlineage_run_id``: parent facets name their run the same way)."""
    return openlineage_run_id(run_id, job_namespace, job_name)


def _text(obj: dict[str, Any], key: str, label: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise EventError(f"missing field {label!r}")
    return value


def _facets(obj: dict[str, Any], key: str, label: str) -> dict[str, Any]:
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EventError(f"field {label!r} is not an object")
    return value


def _datasets(event: dict[str, Any], key: str) -> tuple[DatasetRef, ...]:
    value = event.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EventError(f"field {key!r} is not a list")
    io_key = "inputFacets" if key == "inputs" else "outputFacets"
    found = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise EventError(f"{key}[{index}] is not an object")
        # The checks of ``_text`` and ``_facets``, inline for the usual plain values.
        namespace, name = item.get("namespace"), item.get("name")
        facets, io_facets = item.get("facets"), item.get(io_key)
        if facets is None:
            facets = {}
        if io_facets is None:
            io_facets = {}
        if namespace.__class__ is not str or name.__class__ is not str \
                or facets.__class__ is not dict or io_facets.__class__ is not dict:
            label = f"{key}[{index}]"  # the checks again, naming what is wrong
            namespace = _text(item, "namespace", f"{label}.namespace")
            name = _text(item, "name", f"{label}.name")
            facets = _facets(item, "facets", f"{label}.facets")
            io_facets = _facets(item, io_key, f"{label}.{io_key}")
        elif not namespace.strip() or not name.strip():
            label = f"{key}[{index}]"
            _text(item, "namespace", f"{label}.namespace")
            _text(item, "name", f"{label}.name")
        found.append(DatasetRef(namespace, name, facets, io_facets))
    return tuple(found)


def parse_event(obj: Any, source: str, line: int) -> Event:
    """Check one decoded event; raise ``EventError`` naming what is wrong."""
    if not isinstance(obj, dict):
        raise EventError("not a JSON object")
    time = _text(obj, "eventTime", "eventTime")
    try:
        stored_time = parse_time(time)
    except ValueError:
        raise EventError(f"eventTime {time!r} is not an ISO-8601 time") from None
    producer = obj["producer"] if isinstance(obj.get("producer"), str) else ""
    if "dataset" in obj and "run" not in obj:
        dataset = obj["dataset"]
        if not isinstance(dataset, dict):
            raise EventError("field 'dataset' is not an object")
        ref = DatasetRef(_text(dataset, "namespace", "dataset.namespace"),
                         _text(dataset, "name", "dataset.name"),
                         _facets(dataset, "facets", "dataset.facets"))
        return Event(source, line, "dataset", stored_time, outputs=(ref,), producer=producer)
    if "run" not in obj and "job" in obj:  # a static JobEvent: a job's facets and datasets
        job = obj["job"]
        if not isinstance(job, dict):
            raise EventError("field 'job' is not an object")
        inputs, outputs = _datasets(obj, "inputs"), _datasets(obj, "outputs")
        if not inputs and not outputs:
            raise EventError("job event without datasets: nothing to record (a store "
                             "keeps jobs only with the runs or datasets they describe)")
        return Event(source, line, "job", stored_time,
                     job_namespace=_text(job, "namespace", "job.namespace"),
                     job_name=_text(job, "name", "job.name"),
                     job_facets=_facets(job, "facets", "job.facets"),
                     inputs=inputs, outputs=outputs, producer=producer)
    if "run" not in obj:
        raise EventError("missing field 'run'")
    event_type = obj.get("eventType", "OTHER")
    if not isinstance(event_type, str) or event_type.upper() not in RUN_EVENT_TYPES:
        raise EventError(f"unknown event type {event_type!r} (expected one of "
                         f"{', '.join(RUN_EVENT_TYPES)})")
    run = obj["run"]
    job = obj.get("job")
    if not isinstance(run, dict):
        raise EventError("field 'run' is not an object")
    if not isinstance(job, dict):
        raise EventError("missing field 'job'")
    job_namespace = _text(job, "namespace", "job.namespace")
    job_name = _text(job, "name", "job.name")
    run_id, given = run_key(_text(run, "runId", "run.runId"), job_namespace, job_name)
    return Event(
        source, line, "run", stored_time, event_type=event_type.upper(),
        run_id=run_id, given_run_id=given, job_namespace=job_namespace, job_name=job_name,
        run_facets=_facets(run, "facets", "run.facets"),
        job_facets=_facets(job, "facets", "job.facets"),
        inputs=_datasets(obj, "inputs"), outputs=_datasets(obj, "outputs"), producer=producer)


def event_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files to read: each path, or the ``.json``/``.ndjson``/``.jsonl`` files of a
    folder (the file transport writes one event per file unless it appends)."""
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                and p.suffix.lower() in (".json", ".ndjson", ".jsonl")))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such events file or folder: {str(raw)!r}")
    return found


def read_events(paths: Iterable[str | os.PathLike[str]], report: ImportReport) -> list[Event]:
    """Every importable event of the files; every other non-blank line goes to ``report``."""
    return list(iter_events(paths, report))


def iter_events(paths: Iterable[str | os.PathLike[str]], report: ImportReport) -> Iterator[Event]:
    """``read_events`` one event at a time, reading each file a line at a time."""
    for path in event_files(paths):
        for line_no, obj_or_error in _lines(path):
            report.read += 1
            try:
                if isinstance(obj_or_error, EventError):
                    raise obj_or_error
                event = parse_event(obj_or_error, str(path), line_no)
            except EventError as exc:
                report.skip(str(path), line_no, str(exc))
                continue
            if event.given_run_id:
                report.notes.append(
                    f"{path}:{line_no}: run.runId {event.given_run_id!r} is not a UUID; "
                    f"imported as run {event.run_id} of job "
                    f"{event.job_namespace}/{event.job_name}")
            yield event


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        numbered = enumerate(handle, start=1)
        for line_no, line in numbered:
            if not line.strip():
                continue
            head = line.lstrip()
            if head.startswith("[") or (head.startswith("{") and not _parses(line)):
                # A JSON array of events, or one pretty-printed event: one document.
                yield from _document(line_no, line + handle.read())
                return
            yield from _parsed(line_no, line)
            break
        for line_no, line in numbered:
            if line.strip():
                yield from _parsed(line_no, line)


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _parsed(line_no: int, line: str) -> Iterator[tuple[int, Any]]:
    line = line[:-1] if line.endswith("\n") else line  # as ``str.splitlines`` gives it
    try:
        yield line_no, json.loads(line)
    except ValueError as exc:
        yield line_no, EventError(f"not valid JSON: {exc}")


def _document(first_line: int, text: str) -> Iterator[tuple[int, Any]]:
    """A file read as one JSON document; when it is not one, its lines one by one."""
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, list):
        yield from ((1, item) for item in whole)
        return
    if isinstance(whole, dict):
        yield 1, whole
        return
    for line_no, line in enumerate(text.splitlines(), start=first_line):
        if line.strip():
            yield from _parsed(line_no, line)
