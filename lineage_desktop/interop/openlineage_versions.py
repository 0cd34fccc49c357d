"""The artifact versions that OpenLineage events describe, planned on disk and written in
event-time order.

A dataset's version is its ``version`` facet when it has one, else the run that wrote it;
lineage_desktop's own facet (``lineageDesktop``) names the exact version it exported.
Every dataset an event lists becomes a *candidate*; candidates with the same project,
artifact and digest are one version (``resolve``), and the versions are written sorted
by creation time (``write_versions``), so that numbers follow event time whatever the
order of the lines. An input without a version facet is the newest version that existed
when the run read it; when none did, its first read creates one, numbered at that time
among the others. Candidates and plans live in the import's ``Spool`` (on disk): memory
holds one group of candidates, one batch of versions, and a name per dataset.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from lineage_desktop.interop.naming import dataset_name
from lineage_desktop.interop.openlineage_events import FACET, DatasetRef, Event
from lineage_desktop.interop.openlineage_plans import (
    Planned,
    Where,
    candidate_row,
    merge_plans,
)
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.interop.writer import (
    LineageWriter,
    VersionSpec,
    entry_path,
    reference_entry,
)
from lineage_desktop.records import ArtifactVersion, LineageError, ManifestEntry
from lineage_desktop.sdk.run import default_entity
from lineage_desktop.sdk.validation import validate_aliases, validate_name, validate_type
from lineage_desktop.store import Store, manifest_digest, parse_time

DEFAULT_PROJECT = "openlineage"
BATCH = 2000  # records per transaction: an import's commits are much of its time


def dataset_uri(namespace: str, name: str) -> str:
    """Where a dataset lives, as a URI when the namespace says how (``s3://b`` + ``k``)."""
    if "://" in namespace:
        return f"{namespace.rstrip('/')}/{name.lstrip('/')}"
    if namespace == "file":
        return "file://" + (name if name.startswith("/") else "/" + name)
    return f"{namespace}/{name}"


_dataset_name = lru_cache(maxsize=65536)(dataset_name)


def _origin(version: ArtifactVersion) -> tuple[Any, Any]:
    origin = version.metadata.get("openlineage")
    return (origin.get("namespace"), origin.get("name")) if isinstance(origin, dict) \
        else (None, None)


class VersionPlanning:
    """The dataset half of ``OpenLineageImporter``: naming, planning, writing versions."""

    def __init__(self, store: Store, report: ImportReport, project: str | None = None,
                 entity: str | None = None) -> None:
        self.store, self.report = store, report
        self.writer = LineageWriter(store)
        self.project, self.entity = project, entity
        self._failed_lines: set[Where] = set()
        # (project id, artifact) -> the earliest read planned so far (runs come roughly
        # in time order, so few reads are planned in vain)
        self._read_first: dict[tuple[int, str], str] = {}
        self._login: str | None = None
        # (project id, namespace, name) -> (artifact name, manifest path, URI)
        self._places: dict[tuple[int, str, str], tuple[str, str, str]] = {}

    # ------------------------------------------------------------------ helpers
    def _project_id(self, entity: str | None = None, project: str | None = None) -> int:
        if self._login is None and not (self.entity or entity):
            self._login = default_entity()  # once: it asks the system each time
        return self.writer.project(self.entity or entity or self._login or "",
                                   self.project or project or DEFAULT_PROJECT)

    def _fail(self, where: Iterable[Where], reason: str) -> None:
        for place in where:
            if place not in self._failed_lines:
                self._failed_lines.add(place)
                self.report.skip(place[0], place[1], reason)

    def _artifact_name(self, project_id: int, ref: DatasetRef) -> str:
        """The artifact of a foreign dataset; a name already taken by another dataset
        gets a hash of the original appended."""
        return self.writer.artifact_name(
            project_id, _dataset_name(ref.namespace, ref.name), (ref.namespace, ref.name),
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

    def _own_version(self, event: Event, ref: DatasetRef) -> Planned:
        own = ref.own or {}
        project_id = self._project_id(own.get("entity"), own.get("project"))
        entries = [ManifestEntry(str(f["path"]), str(f["digest"]), int(f.get("size") or 0),
                                 f.get("ref")) for f in own.get("files") or ()]
        return Planned(
            created_at=parse_time(own.get("createdAt") or event.time),
            order=int(own.get("index") or 0), where=(event.source, event.line),
            project_id=project_id, name=validate_name(own["name"]),
            type=validate_type(own.get("type") or "dataset"),
            entries=entries, digest=str(own.get("digest") or "") or None,
            run_id=own.get("loggedBy"), description=own.get("description"),
            metadata=dict(own.get("metadata") or {}), tags=list(own.get("tags") or ()),
            aliases=validate_aliases(own.get("aliases") or []))

    def _foreign_version(self, event: Event, ref: DatasetRef, key: str, created_at: str,
                         run_id: str | None, project_id: int) -> Planned:
        name, path, uri = self._place(project_id, ref)
        size = 0
        stats = ref.io_facets.get("outputStatistics")
        if isinstance(stats, dict) and isinstance(stats.get("size"), int):
            size = stats["size"]
        entry = reference_entry(path, uri, key, size)
        doc = ref.facets.get("documentation")
        metadata: dict[str, Any] = {"openlineage": {
            "namespace": ref.namespace, "name": ref.name, "facets": ref.facets}}
        if event.producer:
            metadata["openlineage"]["producer"] = event.producer
        if ref.io_facets:
            metadata["openlineage"]["ioFacets"] = ref.io_facets
        return Planned(created_at, 0, (event.source, event.line), project_id, name,
                        self._dataset_type(ref), [entry], run_id=run_id, metadata=metadata,
                        description=doc.get("description") if isinstance(doc, dict) else None,
                        digest=manifest_digest([(entry.path, entry.digest)]))

    def _place(self, project_id: int, ref: DatasetRef) -> tuple[str, str, str]:
        """The artifact name, manifest path and URI of a foreign dataset (remembered:
        a dataset is named in many events)."""
        key = (project_id, ref.namespace, ref.name)
        found = self._places.get(key)
        if found is None:
            if len(self._places) >= 65536:
                self._places.clear()  # bounded: the names stay in the writer
            found = self._places[key] = (
                self._artifact_name(project_id, ref), entry_path(ref.name, "dataset"),
                dataset_uri(ref.namespace, ref.name))
        return found

    @staticmethod
    def _version_key(ref: DatasetRef) -> str | None:
        facet = ref.facets.get("version")
        if isinstance(facet, dict) and facet.get("datasetVersion") not in (None, ""):
            return f"version={facet['datasetVersion']}"
        return None

    @staticmethod
    def _logged_at(event: Event, ref: DatasetRef) -> str:
        own = ref.io_facets.get(FACET)
        if isinstance(own, dict) and own.get("loggedAt"):
            return parse_time(own["loggedAt"])
        return event.time

    # ------------------------------------------------------------------ planning
    def _candidate(self, event: Event, ref: DatasetRef, is_output: bool, store_id: str | None,
                   project_id: int | None, seq: str) -> tuple[Planned, str | None] | None:
        """The version ``ref`` names in ``event`` and, for a run's foreign output, the key
        that merges its mentions in several events of that run; None when it is decided
        when the usages are written."""
        if ref.own is not None:
            plan = self._own_version(event, ref)
            if is_output and event.kind == "run" and plan.run_id is None:
                plan.run_id = store_id
            return plan, None
        if event.kind != "run":
            return self._static_candidate(event, ref, is_output, seq)
        if project_id is None:
            return None
        if not is_output:
            return self._read(event, ref, project_id, seq)
        key = self._version_key(ref) or f"run={event.run_id}"
        plan = self._foreign_version(event, ref, key, event.time, store_id, project_id)
        return plan, "\x00".join((event.run_id, ref.namespace, ref.name))

    def _read(self, event: Event, ref: DatasetRef, project_id: int,
              seq: str) -> tuple[Planned, str | None] | None:
        """The version an input names: by its version facet, else (the first read of a
        dataset without a version yet) one created at that time."""
        key = self._version_key(ref)
        if key is not None:
            return self._foreign_version(event, ref, key, event.time, None, project_id), None
        name = self._place(project_id, ref)[0]
        first = self._read_first.get((project_id, name))
        if first is not None and first <= seq:
            return None  # an earlier read is planned already
        self._read_first[(project_id, name)] = seq
        plan = self._foreign_version(event, ref, "", event.time, None, project_id)
        plan.first_read = True
        return plan, None

    def _static_candidate(self, event: Event, ref: DatasetRef, is_output: bool,
                          seq: str) -> tuple[Planned, str | None] | None:
        """A version of a static event's dataset (``DatasetEvent``, or a ``JobEvent``'s
        output): the one its version facet names, else the one its facets describe, so
        that the same facets again are the same version and a new schema a new one. A
        ``JobEvent``'s input is read like a run's. A job event's versions keep the job
        (its facets, inputs and outputs) in their metadata."""
        project_id = self._project_id()
        if is_output:
            key = self._version_key(ref) or "facets=" + hashlib.sha256(json.dumps(
                ref.facets, sort_keys=True, default=str).encode()).hexdigest()[:32]
            found: tuple[Planned, str | None] | None = (
                self._foreign_version(event, ref, key, event.time, None, project_id), None)
        else:
            found = self._read(event, ref, project_id, seq)
        if found is not None and event.kind == "job":
            found[0].metadata["openlineage"]["job"] = {
                "namespace": event.job_namespace, "name": event.job_name,
                "facets": event.job_facets,
                "inputs": [[r.namespace, r.name] for r in event.inputs],
                "outputs": [[r.namespace, r.name] for r in event.outputs]}
        return found

    def plan_events(self, events: Iterable[tuple[str, Event]], store_id: str | None,
                    project_id: int | None) -> Iterator[tuple[bool, tuple[Any, ...]]]:
        """``Spool.add_planned`` rows of ``(sort key, event)`` pairs, the events of one
        written run (its id in the store, its project) or events without a run: a
        candidate for each version they name (a run's mentions of one output merged
        here), a usage for each input of the run."""
        merged: dict[tuple[str, str], tuple[Planned, str, str | None, Any]] = {}
        for k, event in events:
            refs = [(r, True) for r in event.outputs] + [(r, False) for r in event.inputs]
            for index, (ref, is_output) in enumerate(refs):
                seq = f"{k}{index:06d}"
                try:
                    found = self._candidate(event, ref, is_output, store_id, project_id, seq)
                    if not is_output and store_id is not None and project_id is not None:
                        yield True, (k, index, store_id, event.source, event.line,
                                     *self._usage(event, ref, project_id, found))
                    if found is None:
                        continue
                    plan, merge_key = found
                    plan.seq = seq
                    producer = (store_id, self._logged_at(event, ref)) \
                        if is_output and event.kind == "run" else None
                except (LineageError, ValueError, TypeError, KeyError) as exc:
                    self._fail([(event.source, event.line)],
                               f"dataset {ref.namespace}/{ref.name}: {exc}")
                    continue
                digest = plan.digest or manifest_digest([(e.path, e.digest)
                                                         for e in plan.entries])
                if merge_key is None:
                    yield False, candidate_row(plan, digest, None, producer)
                    continue
                earlier = merged.get((ref.namespace, ref.name))
                if earlier is not None and earlier[1] == digest:
                    merge_plans(earlier[0], plan)  # the same output again: one version
                    continue
                if earlier is not None:
                    yield False, candidate_row(*earlier)
                merged[(ref.namespace, ref.name)] = (plan, digest, merge_key, producer)
        for earlier in merged.values():
            yield False, candidate_row(*earlier)

    def _usage(self, event: Event, ref: DatasetRef, project_id: int,
               found: tuple[Planned, str | None] | None) -> tuple[Any, ...]:
        """``(project id, artifact, label, digest, time, used at)`` of an input: the
        version with that digest, else the newest of the artifact at that time."""
        usage = ref.io_facets.get(FACET)
        used_at = parse_time(usage["usedAt"]) if isinstance(usage, dict) \
            and usage.get("usedAt") else event.time
        if ref.own is not None:
            plan = found[0] if found is not None else self._own_version(event, ref)
            return (plan.project_id, plan.name, f"{plan.name}:v{plan.order}",
                    plan.digest or "", None, used_at)
        name = self._place(project_id, ref)[0]
        if self._version_key(ref) is not None and found is not None:
            return project_id, name, name, found[0].digest, None, used_at
        return project_id, name, name, None, event.time, used_at

    @staticmethod
    def resolve(groups: Iterable[list[Any]]) -> Iterator[tuple[str, str, int, int, str, Any]]:
        """One plan (a ``Spool.add_plans`` row) per group of candidates of one digest: the
        first that a run wrote (else the first), with every run that wrote it."""
        for group in groups:
            if len(group) == 1:  # most versions: kept as packed, its producer added
                packed, _, producer = group[0]
                if producer is not None:
                    packed[13].setdefault(producer[0], producer[1])
                yield packed[0], packed[4], packed[1], int(packed[14]), packed[15], packed
                continue
            base: Planned | None = None
            base_key: str | None = None
            for packed, merge_key, producer in group:
                plan = Planned.unpack(packed)
                if base is None or (base.run_id is None and plan.run_id is not None):
                    if base is not None:
                        plan.producers, plan.seq = {**base.producers, **plan.producers}, \
                            base.seq
                    base, base_key = plan, merge_key
                elif merge_key is not None and merge_key == base_key:
                    merge_plans(base, plan)
                    continue
                if producer is not None:
                    # Every run that wrote the content keeps its output edge, also when
                    # an earlier run wrote the same version.
                    base.producers.setdefault(producer[0], producer[1])
            if base is not None:
                yield base.row()

    # ------------------------------------------------------------------ writing
    def write_versions(self, plans: Iterable[Any]) -> None:
        """Write the plans (``Spool.plans``, in creation order), a batch per transaction."""
        for batch in self.writer.batches(plans, BATCH):
            chosen = self._needed([Planned.unpack(packed) for packed in batch])
            try:
                with self.writer.atomic():
                    results: list[bool | None] = self._put_versions(chosen)
            except (LineageError, ValueError, TypeError):
                results = [self._put_version(plan) for plan in chosen]  # one by one
            for created in results:
                if created is not None:
                    self.report.count("versions created" if created else
                                      "versions unchanged")

    def _needed(self, plans: list[Planned]) -> list[Planned]:
        """``plans`` without the first reads of artifacts that had a version by then (the
        store asked once for all of them)."""
        existing = self.store.latest_version_ids_at(
            (plan.project_id, plan.name, plan.created_at) for plan in plans if plan.first_read)
        chosen, seen = [], set()
        for plan in plans:
            key = (plan.project_id, plan.name)
            if plan.first_read and (key in seen or (*key, plan.created_at) in existing):
                continue
            seen.add(key)
            chosen.append(plan)
        return chosen

    @staticmethod
    def _spec(plan: Planned) -> VersionSpec:
        # The first producer is written with the others when the events say when
        # it logged the version; it stays first (``logged_by``) either way.
        first = None if plan.run_id in plan.producers else plan.run_id
        return VersionSpec(
            plan.project_id, plan.name, plan.type, plan.entries, plan.created_at, first,
            plan.digest, plan.description, plan.metadata, plan.tags, plan.aliases)

    @staticmethod
    def _producers(plan: Planned, version_id: int) -> list[tuple[str, int, str]]:
        return [(run_id, version_id, plan.producers[run_id]) for run_id in sorted(
            plan.producers, key=lambda r: (r != plan.run_id, plan.producers[r], r))]

    def _put_versions(self, plans: list[Planned]) -> list[bool | None]:
        placed = self.writer.put_versions([self._spec(plan) for plan in plans])
        self.writer.outputs([edge for plan, (version_id, _) in zip(plans, placed, strict=True)
                             for edge in self._producers(plan, version_id)])
        return [created for _, created in placed]

    def _put_version(self, plan: Planned) -> bool | None:
        try:
            with self.writer.atomic():
                return self._put_versions([plan])[0]
        except (LineageError, ValueError, TypeError) as exc:
            self._fail([plan.where], f"version of {plan.name}: {exc}")
            return None
