"""``Api``: the read side. Opens the store read-only; never changes it."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from lineage_desktop.records import (
    ArtifactDeleted,
    ArtifactNotFound,
    ArtifactVersion,
    ManifestEntry,
    NotFound,
    Project,
    RunNotFound,
    TypeMismatch,
    ValidationError,
    is_artifact_key,
    is_run_key,
    key_ident,
    parse_key,
)
from lineage_desktop.records import Run as RunRecord
from lineage_desktop.records.collector import gc_paused
from lineage_desktop.sdk import stores
from lineage_desktop.sdk.api_listing import ApiListingMixin
from lineage_desktop.sdk.api_run import ApiRun
from lineage_desktop.sdk.api_run_data import as_logged
from lineage_desktop.sdk.artifact import Artifact
from lineage_desktop.sdk.refs import parse_artifact_ref
from lineage_desktop.sdk.registry_paths import registry_project
from lineage_desktop.sdk.run import default_entity
from lineage_desktop.sdk.sources import local_path
from lineage_desktop.sdk.validation import validate_project
from lineage_desktop.store import Store, parse_time
from lineage_desktop.store.pg import PgLocation

if TYPE_CHECKING:  # networkx and the graph layer load when a lineage is read
    import networkx as nx


class Api(ApiListingMixin):
    """Read access to a store: artifacts, runs and lineage graphs.

    ``as_of`` (ISO-8601) shows the store as it stood at that moment.
    """

    def __init__(
        self, store: str | os.PathLike[str] | PgLocation | Store | None = None,
        project: str | None = None,
        entity: str | None = None, as_of: str | None = None,
        overrides: dict[str, Any] | None = None, timeout: int | None = None,
        api_key: str | None = None,
    ) -> None:
        # W&B's Api(overrides={"entity": ..., "project": ...}); timeout and api_key steer
        # its server and mean nothing offline.
        if overrides is not None:
            if not isinstance(overrides, dict):
                raise ValidationError(f"overrides must be a dict, not {overrides!r}")
            project = project if project is not None else overrides.get("project")
            entity = entity if entity is not None else overrides.get("entity")
        # Everything is checked before the store is opened, so a refusal leaks nothing.
        self.project = validate_project(project) if project is not None else None
        self.entity = validate_project(entity, "entity") if entity is not None else (
            default_entity())
        self.as_of = parse_time(as_of) if as_of else None
        if store is not None and not isinstance(store, (Store, PgLocation)):
            local_path(store, "store file")  # a team store's location is checked already
        self.store, self._owns_store = stores.reader(store)

    def close(self) -> None:
        """Close the store if this ``Api`` opened it (a ``Store`` passed in stays open)."""
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ resolving
    def _project_ids(self, project: str | None, entity: str | None) -> list[Project]:
        project = project or self.project
        if project is None:
            return []
        found = self.store.find_projects(project, entity)
        if entity is None and len(found) > 1:
            # W&B resolves ``project/name`` within the default entity: prefer it.
            found = sorted(found, key=lambda p: p.entity != self.entity)
        return found

    def resolve(self, ref: str) -> ArtifactVersion:
        """An artifact version record from any reference form (a bare name means latest)."""
        return self._resolve(ref)

    def _resolve(self, ref: str, labels: bool = True) -> ArtifactVersion:
        """``resolve``; without ``labels`` the record's aliases and tags are left empty (a
        caller that wants the version's id reads one statement fewer)."""
        parsed = parse_artifact_ref(ref)
        # W&B redirects its former model registry to the migrated one; so do we.
        project = registry_project(parsed.project) if parsed.project else None
        projects = self._project_ids(project, parsed.entity)
        if parsed.project or self.project:
            if not projects:
                raise ArtifactNotFound(f"no project {(parsed.project or self.project)!r} "
                                       f"holds {ref!r}", asked=ref)
            return self.store.resolve_version(parsed.name, parsed.selector, projects[0].id,
                                              self.as_of, labels=labels)
        holders = self.store.artifact_projects(parsed.name)
        if len(holders) > 1:
            listing = ", ".join(f"{p.entity}/{p.name}/{parsed.name}" for p in holders)
            raise ArtifactNotFound(
                f"{parsed.name!r} exists in several projects: {listing}; "
                "name the project (project/name:alias) or pass project=",
                asked=ref, suggestions=[f"{p.entity}/{p.name}/{parsed.name}" for p in holders])
        return self.store.resolve_version(parsed.name, parsed.selector,
                                          holders[0].id if holders else None, self.as_of,
                                          labels=labels)

    def _single_project_id(self) -> int | None:
        projects = self._project_ids(None, None)
        return projects[0].id if projects else None

    # ------------------------------------------------------------------ artifacts
    def artifact(self, name: str, type: str | None = None) -> Artifact:
        record = self.resolve(name)
        if type is not None and record.type != type:
            raise TypeMismatch(f"artifact {name!r} has type {record.type!r}, not {type!r}")
        return Artifact._from_record(self.store, record)

    def artifact_exists(self, name: str, type: str | None = None) -> bool:
        """Whether ``name`` resolves (W&B's ``Api.artifact_exists``)."""
        try:
            self.artifact(name, type)
        except (NotFound, TypeMismatch):  # an unknown name, alias or version; another type
            return False
        return True

    def artifact_collection_exists(self, name: str, type: str) -> bool:
        """Whether the collection ``name`` of ``type`` exists."""
        return any(c.name == parse_artifact_ref(name).name
                   for c in self.artifact_collections(type))

    # ------------------------------------------------------------------ runs
    def _run(self, record: RunRecord) -> ApiRun:
        return ApiRun(self.store, record, self.as_of, artifact=Artifact._from_record)

    def run_count(self) -> int:
        """How many runs there are (as of the Api's time)."""
        return self.store.run_count(self._single_project_id(), self.as_of)

    # ------------------------------------------------------------------ one version's facts
    def collection_versions(
        self, name: str, project: str, entity: str, newest: int | None = None,
        before: int | None = None,
    ) -> list[ArtifactVersion]:
        """Every version of the collection ``name`` of one project but the deleted ones,
        oldest first, by the project's record: a project name holding '/' (an older or
        foreign store) works. ``newest``/``before``: a page, as ``Store.artifact_versions``
        reads it (the newest that many of the versions below index ``before``)."""
        versions = [v for p in self.store.find_projects(project, entity)
                    for v in self.store.artifact_versions(name, p.id, self.as_of,
                                                          newest=newest, before=before)]
        versions.sort(key=lambda v: v.index)
        return versions if newest is None else versions[-newest:] if newest > 0 else []

    def manifest(self, version_id: int) -> list[ManifestEntry]:
        """The files of a version (by its store id)."""
        return self.store.manifest(int(version_id))

    def runs_logging(self, version_id: int) -> list[ApiRun]:
        """Every run that logged the version's content, the first producer first."""
        return [self._run(r)
                for r in self.store.runs_logging(version_id, self.as_of)]

    def runs_using(self, version_id: int) -> list[ApiRun]:
        """Every run that used the version, in start order."""
        return [self._run(r)
                for r in self.store.runs_using(version_id, self.as_of)]

    # ------------------------------------------------------------------ any node
    def node(self, ref: str) -> Artifact | ApiRun:
        """The artifact version or run that ``ref`` names, as of the Api's time: any form
        ``use_artifact`` takes (``name``, ``name:alias``, ``name:v3``,
        ``project/name:alias``, ...), a graph key (``artifact:name:v3``, ``run:<id>``) or
        a bare run id. The one resolver of references for the CLI, the window and audits."""
        return self._node(ref)

    def _node(self, ref: str, labels: bool = True) -> Artifact | ApiRun:
        """``node``; without ``labels`` a version's aliases and tags are left empty."""
        if not isinstance(ref, str):
            raise ArtifactNotFound(f"cannot read reference {ref!r}: expected text", asked=str(ref))
        if is_run_key(ref):
            return self._run_as_of(key_ident(ref))
        text = ref
        if is_artifact_key(ref):
            _, name, index = parse_key(ref)
            text = name if index is None else f"{name}:v{index}"
        try:
            return Artifact._from_record(self.store, self._resolve(text, labels))
        except ArtifactNotFound as missing:
            if ":" in ref or "/" in ref:
                raise
            try:
                return self._run_as_of(ref)
            except RunNotFound:
                raise ArtifactNotFound(
                    f"{missing} (and no run has the id {ref!r})",
                    asked=ref, suggestions=missing.suggestions) from None

    def _run_as_of(self, run_id: str) -> ApiRun:
        run = self.run(run_id)
        if self.as_of is not None and (run.started_at or "") > self.as_of:
            raise RunNotFound(f"run {run_id!r} started at {run.started_at}, after {self.as_of}",
                              asked=run_id)
        return run

    # ------------------------------------------------------------------ lineage
    def focus_of(self, ref: str) -> tuple[str, Any]:
        """``("v", version id)`` or ``("r", run id)`` for any reference ``node`` takes;
        a deleted version's own reference focuses its tombstone (audits read its lineage)."""
        try:  # only the id is kept: the lineage read fetches the focus with its labels
            found = self._node(ref, labels=False)
        except ArtifactDeleted as deleted:
            if deleted.version_id is None:
                raise
            return "v", deleted.version_id
        if isinstance(found, ApiRun):
            return "r", found.record.id
        # A registry link's lineage is its source's, as in W&B's registry.
        return "v", found.record.source_id or found.record.id

    def lineage(self, ref: str, upstream: int | None = None,
                downstream: int | None = None) -> nx.DiGraph:
        """The lineage around ``ref`` (version reference, graph key, or ``run:<id>``):
        ancestors within ``upstream`` edges, descendants within ``downstream`` edges
        (None: all). Read with recursive SQL, never by loading the whole project."""
        kind, ident = self.focus_of(ref)
        for label, depth in (("upstream", upstream), ("downstream", downstream)):
            if depth is not None and depth < 0:
                raise ValueError(f"{label} depth must be 0 or more, not {depth}")
        from lineage_desktop.graph.nodes import build_graph

        with gc_paused():  # 2 records and a node dict per node: no cycles to look for
            # The versions' links and the runs' summaries come with them (no statement
            # per node, nor one apart).
            # Clean rows come as cells, not records: the graph copies them and drops them.
            rows = self.store.lineage_rows(kind, ident, upstream, downstream, self.as_of,
                                           summaries=True, cells=True)
            summaries = {run_id: as_logged(summary)
                         for run_id, summary in rows.summaries.items()}
            return build_graph(rows.versions, rows.runs, rows.missing, rows.producers,
                               rows.edges, rows.focus, rows.links, summaries)
