"""OpenLineage run events into runs and artifact versions.

Mapping (see DESIGN "Command line"): the events of one ``runId`` make one run (START
gives the start, COMPLETE/FAIL/ABORT the end and state); a dataset is an artifact named
from its namespace and name (disallowed characters replaced, the originals kept in the
version metadata); each run's outputs are one version each (``openlineage_versions``).

Events that lineage_desktop itself exported carry a ``lineageDesktop`` facet holding the
original ids, names, digests and times; with it, an import restores the store exactly.

The import streams: events are read a line at a time into a scratch database on disk
(``store.interop_bulk.Spool``) that sorts them; then runs are written grouped by
``runId`` (each run's datasets planned as it is written), every version in creation
order, and the usages in event time. So the order of lines in the files does not change
the result, re-importing the same events adds nothing, and memory does not grow with
the number of events. Each phase works a batch at a time, one transaction per batch:
what a batch needs from the store (its runs, the versions its usages and first reads
name, its artifacts' heads) is asked in one statement per kind, over the indexes, so
an import's cost per event does not grow with the store.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from lineage_desktop.interop.openlineage_events import (
    FACET,
    Event,
    event_files,
    iter_events,
    pack_event,
    unpack_event,
)
from lineage_desktop.interop.openlineage_versions import (
    BATCH,
    DEFAULT_PROJECT,
    VersionPlanning,
    dataset_uri,
)
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.records import LineageError, Run
from lineage_desktop.records.collector import gc_paused
from lineage_desktop.store import Store, parse_time
from lineage_desktop.store.interop_bulk import Spool

__all__ = ["DEFAULT_PROJECT", "OpenLineageImporter", "dataset_uri", "import_openlineage"]

_STATES = {"COMPLETE": ("finished", 0), "FAIL": ("failed", 1), "ABORT": ("crashed", None)}
RunEvents = tuple[str, list[tuple[str, Event]]]  # a runId, its (sort key, event) pairs
RUN_BATCH = 500  # runs per transaction (their events are in memory until it commits)


class OpenLineageImporter(VersionPlanning):
    """Imports checked events into a store; ``project``/``entity`` override the event's own."""

    # ------------------------------------------------------------------ runs
    def _run_record(self, events: list[Event]) -> tuple[Run, int]:
        own = next((e.run_facets[FACET] for e in reversed(events)
                    if isinstance(e.run_facets.get(FACET), dict)), None)
        if own is not None:
            record = Run(
                id=str(own.get("id") or events[0].run_id), project="", entity="",
                name=str(own.get("name") or events[0].job_name), job_type=own.get("jobType"),
                group=own.get("group"), author=own.get("author"), host=own.get("host"),
                state=str(own.get("state") or "finished"),
                started_at=parse_time(own.get("startedAt") or events[0].time),
                finished_at=parse_time(own["finishedAt"]) if own.get("finishedAt") else None,
                config=dict(own.get("config") or {}), notes=own.get("notes"),
                tags=tuple(own.get("tags") or ()), exit_code=own.get("exitCode"))
            # the project last: a record that cannot be read creates none
            return record, self._project_id(own.get("entity"), own.get("project"))
        first = events[0]
        starts = [e.time for e in events if e.event_type == "START"]
        ends = [e for e in events if e.event_type in _STATES]
        state, exit_code = _STATES[ends[-1].event_type] if ends else ("running", None)
        run_facets: dict[str, Any] = {}
        job_facets: dict[str, Any] = {}
        for event in events:
            run_facets.update(event.run_facets)
            job_facets.update(event.job_facets)
        error = run_facets.get("errorMessage")
        notes = error.get("message") if isinstance(error, dict) else None
        config: dict[str, Any] = {"openlineage": {
            "job": {"namespace": first.job_namespace, "name": first.job_name,
                    "facets": job_facets},
            "run": {"runId": first.given_run_id or first.run_id, "facets": run_facets},
            "producer": first.producer}}
        for key in ("inputs", "outputs"):
            io_facets = _io_facets(events, key)
            if io_facets:
                config["openlineage"][key] = io_facets
        return Run(id=first.run_id, project="", entity="", name=first.job_name,
                   job_type=first.job_name, state=state,
                   started_at=min(starts) if starts else first.time,
                   finished_at=ends[-1].time if ends else None, config=config,
                   notes=notes if isinstance(notes, str) else None,
                   exit_code=exit_code), self._project_id()

    def import_runs(self, groups: Iterable[RunEvents]) -> Iterator[tuple[bool, Any]]:
        """Write the run of each ``(runId, its events)``, a batch per transaction, and
        yield the ``Spool.add_planned`` rows of the datasets of each run written."""
        for batch in self.writer.batches(groups, RUN_BATCH):
            records = []
            for run_id, events in batch:
                try:
                    record, project_id = self._run_record([e for _, e in events])
                except (LineageError, ValueError, TypeError, KeyError) as exc:
                    self._fail(_where(events), f"run {run_id}: {exc}")
                    continue
                records.append((run_id, events, record, project_id))
            try:
                with self.writer.atomic():
                    outcomes: list[str | None] = list(self.writer.put_runs(
                        [(project_id, record) for _, _, record, project_id in records]))
            except (LineageError, ValueError, TypeError, KeyError):
                outcomes = [self._put_run(*item) for item in records]  # one by one
            for (_, events, record, project_id), outcome in zip(records, outcomes,
                                                                strict=True):
                if outcome is not None:
                    self.report.count(f"runs {outcome}")
                    yield from self.plan_events(events, record.id, project_id)

    def _put_run(self, run_id: str, events: list[tuple[str, Event]], record: Run,
                 project_id: int) -> str | None:
        try:
            with self.writer.atomic():
                return self.writer.put_run(project_id, record)
        except (LineageError, ValueError, TypeError, KeyError) as exc:
            self._fail(_where(events), f"run {run_id}: {exc}")
            return None

    # ------------------------------------------------------------------ usages
    def _resolved(self, rows: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], int]:
        """The version each usage row names, ``(project id, artifact, label, digest,
        time)`` -> version id, in two queries for all the rows: by digest, else the newest
        of the artifact at that time."""
        by_digest, by_time = [], []
        for _, _, _, project_id, name, _, digest, at, _ in rows:
            if digest is not None:
                by_digest.append((project_id, name, digest))
            else:
                by_time.append((project_id, name, at or ""))
        found: dict[tuple[Any, ...], int] = {
            key: version_id for key, (version_id, _) in
            self.store.versions_with_digests(by_digest).items()} if by_digest else {}
        if by_time:
            found.update(self.store.latest_version_ids_at(by_time))
        return found

    @staticmethod
    def _edges(rows: list[tuple[Any, ...]],
               found: dict[tuple[Any, ...], int]) -> list[tuple[str, int, str]]:
        edges = []
        for store_id, _, _, project_id, name, label, digest, at, used_at in rows:
            version_id = found.get((project_id, name, digest if digest is not None
                                    else at or ""))
            if version_id is None:
                raise LookupError(f"version {label} was not written")
            edges.append((store_id, version_id, used_at))
        return edges

    def write_usages(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Write ``Spool.usages``: the inputs of each event all or none, a batch of
        events per transaction, their versions looked up together."""
        events = (list(group) for _, group in groupby(rows, key=lambda row: row[1:3]))
        for batch in self.writer.batches(events, BATCH):
            batch = [rows for rows in batch if rows[0][1:3] not in self._failed_lines]
            found = self._resolved(row for rows in batch for row in rows)
            try:
                with self.writer.atomic():
                    added = self.store.add_usages(
                        [edge for rows in batch for edge in self._edges(rows, found)])
            except (LineageError, ValueError, TypeError, KeyError):
                added = sum(self._put_usages(rows, found) for rows in batch)  # one by one
            if added:
                self.report.count("usages created", added)

    def _put_usages(self, rows: list[tuple[Any, ...]], found: dict[tuple[Any, ...], int]) -> int:
        try:
            with self.writer.atomic():
                return self.store.add_usages(self._edges(rows, found))
        except (LineageError, ValueError, TypeError, KeyError) as exc:
            self._fail([rows[0][1:3]], f"inputs: {exc}")
            return 0

    # ------------------------------------------------------------------ all
    def _spooled(self, events: Iterable[Event], sources: dict[str, int]) -> Iterator[Any]:
        """``Spool.add_events`` rows, sorted by time, then file, then line."""
        for event in events:
            rank = sources.setdefault(event.source, len(sources))
            head, sets = pack_event(event)
            yield (f"{event.time}{rank:06d}{event.line:012d}",
                   event.run_id if event.kind == "run" else None, event.source, event.line,
                   event.kind, event.time, head, sets)

    def import_events(self, events: Iterable[Event], sources: Iterable[str] = ()) -> None:
        """Import ``events`` (any iterable: they are read once, into the scratch store);
        ``sources``, the files in the order that breaks ties of time (default: as met).

        Without the cyclic garbage collector: the events, plans and rows form no cycles
        (reference counting frees them), and its passes over them were a sixth of the
        time of an import."""
        with gc_paused(), Spool() as spool:
            spool.add_events(self._spooled(events, {s: i for i, s in enumerate(sources)}))
            spool.sort_events()
            spool.add_planned(self.import_runs(
                (run_id, [(k, unpack_event(source, line, "run", time, head, sets))
                          for k, source, line, time, head, sets in events])
                for run_id, events in spool.runs_in_order()))
            spool.add_planned(self.plan_events(
                ((k, unpack_event(source, line, kind, time, head, sets))
                 for k, source, line, kind, time, head, sets in spool.static_events()),
                None, None))
            spool.add_plans(self.resolve(spool.candidates()))
            self.write_versions(spool.plans())
            self.write_usages(spool.usages())


def _io_facets(events: list[Event], key: str) -> list[dict[str, Any]]:
    """The ``inputFacets`` (or ``outputFacets``) the run's events give each of its inputs
    (outputs), later events' facets over earlier ones': what the run said about reading
    or writing it (dbt's data-quality assertions, output statistics), kept with the run
    because another run reading the same version says something else."""
    io_key = "inputFacets" if key == "inputs" else "outputFacets"
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        for ref in event.inputs if key == "inputs" else event.outputs:
            facets = {k: v for k, v in ref.io_facets.items() if k != FACET}
            if facets:
                found.setdefault((ref.namespace, ref.name), {}).update(facets)
    return [{"namespace": namespace, "name": name, io_key: facets}
            for (namespace, name), facets in found.items()]


def _where(events: Iterable[tuple[str, Event]]) -> list[tuple[str, int]]:
    return [(event.source, event.line) for _, event in events]


def import_openlineage(
    store: Store, paths: Iterable[str | os.PathLike[str]], project: str | None = None,
    entity: str | None = None,
) -> ImportReport:
    """Import OpenLineage events (NDJSON files, or folders of them) into ``store``.

    ``project``/``entity`` put every run and dataset into one project (default: the
    project named by lineage_desktop's own facet, else ``openlineage`` under the login
    name). Returns the report; malformed lines are in ``report.skipped``. The files are
    read once, a line at a time; memory does not grow with their size.
    """
    paths = list(paths)
    report = ImportReport()
    importer = OpenLineageImporter(store, report, project, entity)
    importer.import_events(iter_events(paths, report),
                           sorted(str(path) for path in event_files(paths)))
    return report
