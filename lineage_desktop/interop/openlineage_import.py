"""OpenLineage run events into runs and artifact versions.

Mapping (see DESIGN "Command line"): the events of one ``runId`` make one run (START
gives the start, COMPLETE/FAIL/ABORT the end and state); a dataset is an artifact named
from its namespace and name (disallowed characters replaced, the originals kept in the
version metadata); each run's outputs are one version each. A dataset's version is its
``version`` facet when it has one, else the run that wrote it; an input without a version
facet is the newest version that existed when the run read it.

Events that lineage_desktop itself exported carry a ``lineageDesktop`` facet holding the
original ids, names, digests and times; with it, an import restores the store exactly.
Writes happen in three passes (runs, then every version in creation order, then usages),
so that the order of lines in the file does not change the result, and re-importing the
same events adds nothing.
"""
from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lineage_desktop.interop.naming import dataset_name
from lineage_desktop.interop.openlineage_events import FACET, DatasetRef, Event, read_events
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.interop.writer import (
    LineageWriter,
    VersionSpec,
    entry_path,
    reference_entry,
)
from lineage_desktop.records import ArtifactVersion, LineageError, ManifestEntry, Run
from lineage_desktop.sdk.run import default_entity
from lineage_desktop.sdk.validation import validate_aliases, validate_name, validate_type
from lineage_desktop.store import Store, manifest_digest, parse_time

DEFAULT_PROJECT = "openlineage"
_STATES = {"COMPLETE": ("finished", 0), "FAIL": ("failed", 1), "ABORT": ("crashed", None)}


def dataset_uri(namespace: str, name: str) -> str:
    """Where a dataset lives, as a URI when the namespace says how (``s3://b`` + ``k``)."""
    if "://" in namespace:
        return f"{namespace.rstrip('/')}/{name.lstrip('/')}"
    if namespace == "file":
        return "file://" + (name if name.startswith("/") else "/" + name)
    return f"{namespace}/{name}"


@dataclass
class _Planned:
    """A version to write, gathered from the events before anything is written."""

    created_at: str
    order: int
    event: Event
    project_id: int
    name: str
    type: str
    entries: list[ManifestEntry]
    digest: str | None = None
    run_id: str | None = None
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    aliases: list[str] | None = None
    # every run whose events list the version as an output -> when it logged it
    producers: dict[str, str] = field(default_factory=dict)


def _origin(version: ArtifactVersion) -> tuple[Any, Any]:
    origin = version.metadata.get("openlineage")
    return (origin.get("namespace"), origin.get("name")) if isinstance(origin, dict) \
        else (None, None)


class OpenLineageImporter:
    """Imports checked events into a store; ``project``/``entity`` override the event's own."""

    def __init__(self, store: Store, report: ImportReport, project: str | None = None,
                 entity: str | None = None) -> None:
        self.store, self.report = store, report
        self.writer = LineageWriter(store)
        self.project, self.entity = project, entity
        self._run_ids: dict[str, str] = {}  # OpenLineage runId -> store run id
        self._run_projects: dict[str, int] = {}
        self._failed_lines: set[tuple[str, int]] = set()

    # ------------------------------------------------------------------ helpers
    def _project_id(self, entity: str | None = None, project: str | None = None) -> int:
        return self.writer.project(self.entity or entity or default_entity(),
                                   self.project or project or DEFAULT_PROJECT)

    def _fail(self, events: Iterable[Event], reason: str) -> None:
        for event in events:
            if (event.source, event.line) not in self._failed_lines:
                self._failed_lines.add((event.source, event.line))
                self.report.skip(event.source, event.line, reason)

    def _artifact_name(self, project_id: int, ref: DatasetRef) -> str:
        """The artifact of a foreign dataset; a name already taken by another dataset
        gets a hash of the original appended."""
        return self.writer.artifact_name(
            project_id, dataset_name(ref.namespace, ref.name), (ref.namespace, ref.name),
            _origin)

    @staticmethod
    def _dataset_type(ref: DatasetRef) -> str:
        facet = ref.facets.get("datasetType")
        if isinstance(facet, dict) and isinstance(facet.get("datasetType"), str):
            try:
                return validate_type(facet["datasetType"].lower())
            except LineageError:
                pass
        return "dataset"

    # ------------------------------------------------------------------ runs
    def _run_record(self, events: list[Event]) -> tuple[Run, int]:
        own = next((e.run_facets[FACET] for e in reversed(events)
                    if isinstance(e.run_facets.get(FACET), dict)), None)
        if own is not None:
            project_id = self._project_id(own.get("entity"), own.get("project"))
            return Run(
                id=str(own.get("id") or events[0].run_id), project="", entity="",
                name=str(own.get("name") or events[0].job_name), job_type=own.get("jobType"),
                group=own.get("group"), author=own.get("author"), host=own.get("host"),
                state=str(own.get("state") or "finished"),
                started_at=parse_time(own.get("startedAt") or events[0].time),
                finished_at=parse_time(own["finishedAt"]) if own.get("finishedAt") else None,
                config=dict(own.get("config") or {}), notes=own.get("notes"),
                tags=tuple(own.get("tags") or ()), exit_code=own.get("exitCode")), project_id
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
        config = {"openlineage": {
            "job": {"namespace": first.job_namespace, "name": first.job_name,
                    "facets": job_facets},
            "run": {"runId": first.run_id, "facets": run_facets},
            "producer": first.producer}}
        return Run(id=first.run_id, project="", entity="", name=first.job_name,
                   job_type=first.job_name, state=state,
                   started_at=min(starts) if starts else first.time,
                   finished_at=ends[-1].time if ends else None, config=config,
                   notes=notes if isinstance(notes, str) else None,
                   exit_code=exit_code), self._project_id()

    def import_runs(self, groups: dict[str, list[Event]]) -> None:
        ordered = sorted(groups.items(), key=lambda item: item[1][0].time)
        for batch in self.writer.batches(ordered):
            records = []
            for run_id, events in batch:
                try:
                    with self.writer.atomic():  # the record's project is its own too
                        record, project_id = self._run_record(events)
                except (LineageError, ValueError, TypeError, KeyError) as exc:
                    self._fail(events, f"run {run_id}: {exc}")
                    continue
                records.append((run_id, events, record, project_id))
            try:
                with self.writer.atomic():
                    outcomes: list[str | None] = list(self.writer.put_runs(
                        [(project_id, record) for _, _, record, project_id in records]))
            except (LineageError, ValueError, TypeError, KeyError):
                outcomes = [self._put_run(*item) for item in records]  # one by one
            for (run_id, _, record, project_id), outcome in zip(records, outcomes,
                                                                strict=True):
                if outcome is None:
                    continue
                self._run_ids[run_id] = record.id
                self._run_projects[run_id] = project_id
                self.report.count(f"runs {outcome}")

    def _put_run(self, run_id: str, events: list[Event], record: Run,
                 project_id: int) -> str | None:
        try:
            with self.writer.atomic():
                return self.writer.put_run(project_id, record)
        except (LineageError, ValueError, TypeError, KeyError) as exc:
            self._fail(events, f"run {run_id}: {exc}")
            return None

    # ------------------------------------------------------------------ versions
    def _own_version(self, event: Event, ref: DatasetRef) -> _Planned:
        own = ref.own or {}
        project_id = self._project_id(own.get("entity"), own.get("project"))
        entries = [ManifestEntry(str(f["path"]), str(f["digest"]), int(f.get("size") or 0),
                                 f.get("ref")) for f in own.get("files") or ()]
        return _Planned(
            created_at=parse_time(own.get("createdAt") or event.time),
            order=int(own.get("index") or 0), event=event, project_id=project_id,
            name=validate_name(own["name"]), type=validate_type(own.get("type") or "dataset"),
            entries=entries, digest=str(own.get("digest") or "") or None,
            run_id=own.get("loggedBy"), description=own.get("description"),
            metadata=dict(own.get("metadata") or {}), tags=list(own.get("tags") or ()),
            aliases=validate_aliases(own.get("aliases") or []))

    def _foreign_version(self, event: Event, ref: DatasetRef, key: str, created_at: str,
                         run_id: str | None, project_id: int) -> _Planned:
        name = self._artifact_name(project_id, ref)
        size = 0
        stats = ref.io_facets.get("outputStatistics")
        if isinstance(stats, dict) and isinstance(stats.get("size"), int):
            size = stats["size"]
        entry = reference_entry(entry_path(ref.name, "dataset"),
                                dataset_uri(ref.namespace, ref.name), key, size)
        doc = ref.facets.get("documentation")
        metadata: dict[str, Any] = {"openlineage": {
            "namespace": ref.namespace, "name": ref.name, "facets": ref.facets}}
        if ref.io_facets:
            metadata["openlineage"]["ioFacets"] = ref.io_facets
        return _Planned(created_at, 0, event, project_id, name, self._dataset_type(ref),
                        [entry], run_id=run_id, metadata=metadata,
                        description=doc.get("description") if isinstance(doc, dict) else None)

    @staticmethod
    def _version_key(ref: DatasetRef) -> str | None:
        facet = ref.facets.get("version")
        if isinstance(facet, dict) and facet.get("datasetVersion") not in (None, ""):
            return f"version={facet['datasetVersion']}"
        return None

    def plan_versions(self, events: list[Event]) -> list[_Planned]:
        """Every version the events describe, in the order they must be created."""
        planned: dict[tuple[int, str, str], _Planned] = {}
        foreign: dict[tuple[str, str, str], _Planned] = {}
        for event in events:
            if event.kind == "run" and event.run_id not in self._run_ids:
                continue
            for ref, is_output in [(r, True) for r in event.outputs] + [
                    (r, False) for r in event.inputs]:
                try:
                    if ref.own is not None:
                        plan = self._own_version(event, ref)
                        if is_output and event.kind == "run" and plan.run_id is None:
                            plan.run_id = self._run_ids[event.run_id]
                    elif not is_output or event.kind != "run":
                        key = self._version_key(ref)
                        if key is None or event.kind == "dataset":
                            continue  # resolved when the usages are written
                        plan = self._foreign_version(event, ref, key, event.time, None,
                                                     self._run_projects[event.run_id])
                    else:
                        key = self._version_key(ref) or f"run={event.run_id}"
                        plan = self._foreign_version(
                            event, ref, key, event.time, self._run_ids[event.run_id],
                            self._run_projects[event.run_id])
                        earlier = foreign.get((event.run_id, ref.namespace, ref.name))
                        if earlier is not None and earlier.entries[0] == plan.entries[0]:
                            # The same output in several events of a run: one version,
                            # dated by the last event that names it.
                            earlier.created_at = max(earlier.created_at, plan.created_at)
                            earlier.metadata["openlineage"].update(plan.metadata["openlineage"])
                            continue
                        foreign[(event.run_id, ref.namespace, ref.name)] = plan
                except (LineageError, ValueError, TypeError, KeyError) as exc:
                    self._fail([event], f"dataset {ref.namespace}/{ref.name}: {exc}")
                    continue
                digest = plan.digest or manifest_digest([(e.path, e.digest) for e in plan.entries])
                known = planned.get((plan.project_id, plan.name, digest))
                if known is None or (known.run_id is None and plan.run_id is not None):
                    if known is not None:
                        plan.producers = {**known.producers, **plan.producers}
                    planned[(plan.project_id, plan.name, digest)] = known = plan
                if is_output and event.kind == "run":
                    # Every run that wrote the content keeps its output edge, also when
                    # an earlier run wrote the same version.
                    known.producers.setdefault(self._run_ids[event.run_id],
                                               self._logged_at(event, ref))
        return sorted(planned.values(), key=lambda p: (p.created_at, p.name, p.order))

    @staticmethod
    def _logged_at(event: Event, ref: DatasetRef) -> str:
        own = ref.io_facets.get(FACET)
        if isinstance(own, dict) and own.get("loggedAt"):
            return parse_time(own["loggedAt"])
        return event.time

    def write_versions(self, plans: list[_Planned]) -> None:
        for batch in self.writer.batches(plans):
            try:
                with self.writer.atomic():
                    results: list[bool | None] = self._put_versions(batch)
            except (LineageError, ValueError, TypeError):
                results = [self._put_version(plan) for plan in batch]  # one by one
            for created in results:
                if created is not None:
                    self.report.count("versions created" if created else
                                      "versions unchanged")

    @staticmethod
    def _spec(plan: _Planned) -> VersionSpec:
        # The first producer is written with the others when the events say when
        # it logged the version; it stays first (``logged_by``) either way.
        first = None if plan.run_id in plan.producers else plan.run_id
        return VersionSpec(
            plan.project_id, plan.name, plan.type, plan.entries, plan.created_at, first,
            plan.digest, plan.description, plan.metadata, plan.tags, plan.aliases)

    @staticmethod
    def _producers(plan: _Planned, version_id: int) -> list[tuple[str, int, str]]:
        return [(run_id, version_id, plan.producers[run_id]) for run_id in sorted(
            plan.producers, key=lambda r: (r != plan.run_id, plan.producers[r], r))]

    def _put_versions(self, plans: list[_Planned]) -> list[bool | None]:
        placed = self.writer.put_versions([self._spec(plan) for plan in plans])
        self.writer.outputs([edge for plan, (version_id, _) in zip(plans, placed, strict=True)
                             for edge in self._producers(plan, version_id)])
        return [created for _, created in placed]

    def _put_version(self, plan: _Planned) -> bool | None:
        try:
            with self.writer.atomic():
                return self._put_versions([plan])[0]
        except (LineageError, ValueError, TypeError) as exc:
            self._fail([plan.event], f"version of {plan.name}: {exc}")
            return None

    # ------------------------------------------------------------------ usages
    def _input_version(self, event: Event, ref: DatasetRef) -> int:
        if ref.own is not None:
            plan = self._own_version(event, ref)
            found = self.writer.find_version(plan.project_id, plan.name, plan.digest or "")
            if found is None:
                raise LookupError(f"version {plan.name}:v{plan.order} was not written")
            return found
        project_id = self._run_projects[event.run_id]
        key = self._version_key(ref)
        if key is None:
            name = self._artifact_name(project_id, ref)
            current = self.store.latest_version_id_at(project_id, name, event.time)
            if current is not None:
                return current
        plan = self._foreign_version(event, ref, key or "", event.time, None, project_id)
        version_id, created = self.writer.put_version(
            project_id, plan.name, plan.type, plan.entries, created_at=plan.created_at,
            metadata=plan.metadata, description=plan.description)
        if created:
            self.report.count("versions created")
        return version_id

    def write_usages(self, events: list[Event]) -> None:
        for event in self.writer.in_batches(events):
            if event.kind != "run" or event.run_id not in self._run_ids or not event.inputs:
                continue
            if (event.source, event.line) in self._failed_lines:
                continue
            try:
                with self.writer.atomic():
                    for ref in event.inputs:
                        version_id = self._input_version(event, ref)
                        usage = ref.io_facets.get(FACET)
                        used_at = parse_time(usage["usedAt"]) if isinstance(usage, dict) \
                            and usage.get("usedAt") else event.time
                        if self.writer.use(self._run_ids[event.run_id], version_id, used_at):
                            self.report.count("usages created")
            except (LineageError, ValueError, TypeError, KeyError) as exc:
                self._fail([event], f"inputs: {exc}")

    # ------------------------------------------------------------------ all
    def import_events(self, events: list[Event]) -> None:
        ordered = sorted(events, key=lambda e: (e.time, e.source, e.line))
        groups: dict[str, list[Event]] = defaultdict(list)
        for event in ordered:
            if event.kind == "run":
                groups[event.run_id].append(event)
            elif not any(ref.own for ref in event.outputs):
                self._fail([event], "dataset event without a run: only datasets exported "
                                    "by lineage_desktop can be imported alone")
        self.import_runs(groups)
        self.write_versions(self.plan_versions(ordered))
        self.write_usages(ordered)


def import_openlineage(
    store: Store, paths: Iterable[str | os.PathLike[str]], project: str | None = None,
    entity: str | None = None,
) -> ImportReport:
    """Import OpenLineage events (NDJSON files, or folders of them) into ``store``.

    ``project``/``entity`` put every run and dataset into one project (default: the
    project named by lineage_desktop's own facet, else ``openlineage`` under the login
    name). Returns the report; malformed lines are in ``report.skipped``.
    """
    report = ImportReport()
    events = read_events(paths, report)
    importer = OpenLineageImporter(store, report, project, entity)
    importer.import_events(events)
    return report
