"""A store's runs and versions as OpenLineage run events (plain dicts, spec 2-0-2).

Each run becomes a START event (its inputs) and a COMPLETE, FAIL or ABORT event (inputs
and outputs; a run still running gets a RUNNING event when it has outputs). Versions that
no run logged or used become static dataset events. Standard facets say what other tools
understand (``version``, ``documentation``, ``jobType``, ``errorMessage``); the custom
``lineageDesktop`` facets hold the original ids, names, digests and times, so that
importing the events into an empty store gives back the same lineage.
"""
from __future__ import annotations

import functools
import json
import os
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterable
from importlib import metadata as importlib_metadata
from typing import IO, Any

from lineage_desktop.interop.openlineage_events import FACET
from lineage_desktop.interop.openlineage_facets import complete, is_uri
from lineage_desktop.records import ArtifactVersion, Run
from lineage_desktop.store import RunOrder, Store

SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
FACETS = "https://openlineage.io/spec/facets"
OWN_SCHEMA = "urn:lineage-desktop:openlineage-facets:1"


@functools.cache
def producer() -> str:
    try:
        version = importlib_metadata.version("lineage-desktop")
    except importlib_metadata.PackageNotFoundError:
        version = "unknown"
    return f"urn:lineage-desktop:{version}"


def _facet(schema: str, **fields: Any) -> dict[str, Any]:
    return {"_producer": producer(), "_schemaURL": schema, **fields}


def namespace_of(entity: str, project: str) -> str:
    return f"lineage-desktop://{entity}/{project}"


def ol_run_id(run: Run) -> str:
    """The OpenLineage runId (a UUID): the imported one, the run id if it is a UUID, else
    a UUID derived from the run id (the same every time)."""
    imported = ((run.config.get("openlineage") or {}).get("run") or {}).get("runId") \
        if isinstance(run.config.get("openlineage"), dict) else None
    for candidate in (imported, run.id):
        try:
            return str(uuid.UUID(str(candidate)))
        except ValueError:
            continue
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"lineage-desktop:run:{run.id}"))


def _imported(record_config: dict[str, Any], part: str) -> dict[str, Any]:
    found = record_config.get("openlineage")
    if isinstance(found, dict) and isinstance(found.get(part), dict):
        return found[part]
    return {}


def _origin_producer(found: object) -> str:
    """The producer of the events a record was imported from, when it is a URI (the
    producer of the facets copied from them that do not name their own), else ours."""
    value = found.get("producer") if isinstance(found, dict) else None
    return value if isinstance(value, str) and is_uri(value) else producer()


def _io_facets(config: dict[str, Any], key: str) -> dict[tuple[str, str], Any]:
    """The input (``key`` "inputs") or output facets an imported run gave its datasets."""
    origin = config.get("openlineage")
    items = origin.get(key) if isinstance(origin, dict) else None
    io_key = "inputFacets" if key == "inputs" else "outputFacets"
    return {(str(item.get("namespace")), str(item.get("name"))): item.get(io_key)
            for item in items or () if isinstance(item, dict)}


def run_facet(run: Run) -> dict[str, Any]:
    return _facet(
        f"{OWN_SCHEMA}#/$defs/LineageDesktopRunFacet", id=run.id, entity=run.entity,
        project=run.project, name=run.name, jobType=run.job_type, group=run.group,
        author=run.author, host=run.host, state=run.state, startedAt=run.started_at,
        finishedAt=run.finished_at, config=run.config, notes=run.notes, tags=list(run.tags),
        exitCode=run.exit_code)


class EventBuilder:
    """Builds the events of runs of one store (caching versions' manifests)."""

    def __init__(self, store: Store, include_files: bool = True) -> None:
        self.store = store
        self.include_files = include_files

    def dataset(self, version: ArtifactVersion) -> dict[str, Any]:
        origin = version.metadata.get("openlineage")
        facets: dict[str, Any] = {}
        if isinstance(origin, dict) and origin.get("namespace") and origin.get("name"):
            namespace, name = str(origin["namespace"]), str(origin["name"])
            facets.update({k: v for k, v in complete(
                origin.get("facets"), "DatasetFacet", _origin_producer(origin)).items()
                if k != FACET})
        else:
            namespace, name = namespace_of(version.entity, version.project), version.name
        facets.setdefault("version", _facet(
            f"{FACETS}/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet",
            datasetVersion=version.digest))
        said = facets.get("documentation")
        if version.description and (not isinstance(said, dict)
                                    or said.get("description") != version.description):
            facets["documentation"] = _facet(
                f"{FACETS}/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet",
                description=version.description)
        own = _facet(
            f"{OWN_SCHEMA}#/$defs/LineageDesktopDatasetFacet", entity=version.entity,
            project=version.project, name=version.name, type=version.type, index=version.index,
            digest=version.digest, description=version.description, metadata=version.metadata,
            size=version.size, fileCount=version.file_count, createdAt=version.created_at,
            loggedBy=version.run_id, aliases=list(version.aliases), tags=list(version.tags))
        if self.include_files:
            own["files"] = [{"path": e.path, "digest": e.digest, "size": e.size, "ref": e.ref}
                            for e in self.store.manifest(version.id)]
        facets[FACET] = own
        return {"namespace": namespace, "name": name, "facets": facets}

    def run_events(
        self, run: Run, inputs: Iterable[tuple[ArtifactVersion, str]],
        outputs: Iterable[tuple[ArtifactVersion, str]],
    ) -> list[dict[str, Any]]:
        """START, then the final (or RUNNING) event of one run; ``inputs`` are
        ``(version, used at)`` and ``outputs`` ``(version, logged at)`` pairs (every
        version the run logged, also those whose first producer is another run)."""
        outputs = list(outputs)
        job_origin = _imported(run.config, "job")
        origin_producer = _origin_producer(run.config.get("openlineage"))
        job = {"namespace": job_origin.get("namespace") or namespace_of(run.entity, run.project),
               "name": job_origin.get("name") or run.job_type or run.name,
               "facets": complete(job_origin.get("facets"), "JobFacet", origin_producer)}
        job["facets"].setdefault("jobType", _facet(
            f"{FACETS}/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",
            processingType="BATCH", integration="LINEAGE_DESKTOP",
            jobType=(run.job_type or "RUN").upper()))
        facets = {k: v for k, v in complete(_imported(run.config, "run").get("facets"),
                                            "RunFacet", origin_producer).items() if k != FACET}
        if run.state in ("failed", "crashed") and run.notes and "errorMessage" not in facets:
            facets["errorMessage"] = _facet(
                f"{FACETS}/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet",
                message=run.notes, programmingLanguage="python")
        facets[FACET] = run_facet(run)
        run_part = {"runId": ol_run_id(run), "facets": facets}
        input_list = []
        said = _io_facets(run.config, "inputs")
        for version, used_at in inputs:
            entry = self.dataset(version)
            entry["inputFacets"] = {**complete(
                said.get((entry["namespace"], entry["name"])), "InputDatasetFacet",
                origin_producer), FACET: _facet(
                f"{OWN_SCHEMA}#/$defs/LineageDesktopInputFacet", usedAt=used_at)}
            input_list.append(entry)
        output_list = []
        said = _io_facets(run.config, "outputs")
        for version, logged_at in outputs:
            entry = self.dataset(version)
            entry["outputFacets"] = {**complete(
                said.get((entry["namespace"], entry["name"])), "OutputDatasetFacet",
                origin_producer), FACET: _facet(
                f"{OWN_SCHEMA}#/$defs/LineageDesktopOutputFacet", loggedAt=logged_at)}
            output_list.append(entry)
        started = run.started_at or ""
        events = [self._event("START", started, run_part, job, input_list, [])]
        final = {"finished": "COMPLETE", "failed": "FAIL", "crashed": "ABORT"}.get(run.state)
        if final is not None:
            events.append(self._event(final, run.finished_at or started, run_part, job,
                                      input_list, output_list))
        elif output_list:
            moment = max([started] + [logged_at or "" for _, logged_at in outputs])
            events.append(self._event("RUNNING", moment, run_part, job, input_list,
                                      output_list))
        return events

    @staticmethod
    def _event(kind: str, moment: str, run: dict[str, Any], job: dict[str, Any],
               inputs: list[dict[str, Any]], outputs: list[dict[str, Any]]) -> dict[str, Any]:
        return {"eventType": kind, "eventTime": moment, "producer": producer(),
                "schemaURL": f"{SPEC}#/$defs/RunEvent", "run": run, "job": job,
                "inputs": inputs, "outputs": outputs}

    def dataset_event(self, version: ArtifactVersion) -> dict[str, Any]:
        return {"eventTime": version.created_at, "producer": producer(),
                "schemaURL": f"{SPEC}#/$defs/DatasetEvent", "dataset": self.dataset(version)}

    def job_event(self, job: dict[str, Any], moment: str,
                  versions: list[ArtifactVersion]) -> dict[str, Any]:
        """The static ``JobEvent`` that an import kept in ``versions``' metadata (``job``:
        its namespace, name, facets, inputs and outputs): the datasets it listed, each
        with the version of it when there is one."""
        written = {(entry["namespace"], entry["name"]): entry
                   for entry in map(self.dataset, versions)}

        def listed(key: str) -> list[dict[str, Any]]:
            return [written.get((str(ns), str(name)))
                    or {"namespace": str(ns), "name": str(name), "facets": {}}
                    for ns, name in job.get(key) or ()]

        origin_producer = _origin_producer(versions[0].metadata.get("openlineage"))
        return {"eventTime": moment, "producer": producer(),
                "schemaURL": f"{SPEC}#/$defs/JobEvent",
                "job": {"namespace": str(job.get("namespace")), "name": str(job.get("name")),
                        "facets": complete(job.get("facets"), "JobFacet", origin_producer)},
                "inputs": listed("inputs"), "outputs": listed("outputs")}


def _static_job(version: ArtifactVersion) -> dict[str, Any] | None:
    """The static job event a version was imported from, if it was."""
    origin = version.metadata.get("openlineage")
    job = origin.get("job") if isinstance(origin, dict) else None
    return job if isinstance(job, dict) and job.get("namespace") and job.get("name") else None


def export_events(
    store: Store, project: str | None = None, entity: str | None = None,
    include_files: bool = True,
) -> list[dict[str, Any]]:
    """Every run (of one project, or all) as OpenLineage events, in time order."""
    projects = store.find_projects(project, entity) if project else [
        p for p in store.projects() if entity in (None, p.entity)]
    builder = EventBuilder(store, include_files)
    events: list[tuple[str, int, dict[str, Any]]] = []
    for proj in projects:
        versions = {v.id: v for v in store.all_versions(proj.id)}
        runs = store.runs(proj.id, order=RunOrder.STARTED_ASC)
        run_ids = {r.id for r in runs}
        used: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for run_id, version_id, used_at in store.all_usages(proj.id):
            used[run_id].append((version_id, used_at))
        logged: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for run_id, version_id, logged_at in store.all_outputs(proj.id):
            logged[run_id].append((version_id, logged_at))
        outside = {vid for pairs in [*used.values(), *logged.values()] for vid, _ in pairs} \
            - set(versions)
        versions.update({v.id: v for v in store.versions_by_ids(outside)})
        for run in runs:
            inputs = [(versions[vid], used_at) for vid, used_at in used[run.id]]
            outputs = [(versions[vid], logged_at) for vid, logged_at in logged[run.id]
                       if vid in versions]
            for event in builder.run_events(run, inputs, outputs):
                events.append((event["eventTime"], len(events), event))
        touched = {vid for pairs in used.values() for vid, _ in pairs}
        jobs: dict[str, tuple[dict[str, Any], str, list[ArtifactVersion]]] = {}
        for version in versions.values():
            if version.project != proj.name or version.entity != proj.entity:
                continue
            job = _static_job(version) if version.run_id is None else None
            if job is not None:  # one JobEvent for the versions of one, read or not
                key = json.dumps([job.get("namespace"), job.get("name"), version.created_at])
                jobs.setdefault(key, (job, version.created_at, []))[2].append(version)
            elif version.id not in touched and version.run_id not in run_ids:
                event = builder.dataset_event(version)
                events.append((event["eventTime"], len(events), event))
        for job, moment, members in jobs.values():
            event = builder.job_event(job, moment, members)
            events.append((event["eventTime"], len(events), event))
    return [event for _, _, event in sorted(events, key=lambda item: (item[0], item[1]))]


def write_events(events: Iterable[dict[str, Any]], target: str | os.PathLike[str] | IO[str]) -> int:
    """Write events as newline-delimited JSON to a path (``-`` for stdout) or a stream."""
    count = 0
    if isinstance(target, (str, os.PathLike)) and str(target) != "-":
        with open(target, "w", encoding="utf-8") as handle:
            return write_events(events, handle)
    stream = sys.stdout if not hasattr(target, "write") else target
    for event in events:
        stream.write(json.dumps(event, separators=(",", ":"), default=str) + "\n")
        count += 1
    stream.flush()
    return count
