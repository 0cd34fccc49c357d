"""``Api``'s W&B listings: ``runs(path, filters, order)``, ``run(path)``, artifact types,
collections and versions with W&B's signatures, and a clear ``NotAvailableOffline``
for the read-API calls that need W&B's server."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineage_desktop.records import (
    ArtifactNotFound,
    InvalidRunId,
    Project,
    RunNotFound,
    TypeMismatch,
    ValidationError,
    is_run_key,
    key_ident,
)
from lineage_desktop.sdk.api_collections import ArtifactCollection, ArtifactType, Runs
from lineage_desktop.sdk.offline import NotAvailableOffline
from lineage_desktop.sdk.refs import parse_artifact_ref
from lineage_desktop.store import RunOrder

if TYPE_CHECKING:
    from lineage_desktop.records import Run as RunRecord
    from lineage_desktop.sdk.api_run import ApiRun
    from lineage_desktop.sdk.artifact import Artifact
    from lineage_desktop.store import Store

# W&B ``Api`` methods that talk to its server for things no store file holds.
SERVER_ONLY = frozenset({
    "reports", "sweep", "sweeps", "create_sweep", "launch", "queued_run", "run_queue",
    "create_run_queue", "upsert_run_queue", "create_project", "create_run", "create_team",
    "create_user", "team", "user", "users", "viewer", "default_entity_name", "flush",
    "create_custom_chart", "registries", "create_registry", "registry", "integrations",
    "slack_integrations", "webhook_integrations", "automation", "automations",
    "create_automation", "update_automation", "delete_automation", "job", "list_jobs",
})
_NAMED_ORDERS = {order.value for order in RunOrder}


class ApiListingMixin:
    """The W&B listings of ``Api`` (``api.py``), which owns the store and the scope."""

    store: Store
    project: str | None
    entity: str
    as_of: str | None

    if TYPE_CHECKING:
        def _run(self, record: RunRecord) -> ApiRun: ...
        def _project_ids(self, project: str | None, entity: str | None) -> list[Project]: ...
        def resolve(self, ref: str) -> Any: ...

    def __getattr__(self, name: str) -> Any:
        if name in SERVER_ONLY:
            raise NotAvailableOffline(
                f"Api.{name} is not available offline: it needs a W&B server")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------ scope
    def _scope(self, path: str | None) -> list[int] | None:
        """The project ids of ``"entity/project"``, ``"project"`` or (None) the Api's
        project; None means every project."""
        if path is None:
            if self.project is None:
                return None
            return [p.id for p in self._project_ids(None, None)]
        if not isinstance(path, str) or not path.strip("/") or path.count("/") > 1:
            raise ValidationError(f"invalid path {path!r}: use 'entity/project' or 'project'")
        entity, _, project = path.strip("/").rpartition("/")
        return [p.id for p in self._project_ids(project, entity or None)]

    # ------------------------------------------------------------------ runs
    def run(self, path: str = "") -> ApiRun:
        """A run by ``"entity/project/run_id"``, ``"project/run_id"``, its id or a graph
        key (``run:<id>``)."""
        if not isinstance(path, str) or not path.strip("/"):
            raise InvalidRunId(f"invalid run path {path!r}: expected 'entity/project/run_id'")
        if is_run_key(path):
            path = key_ident(path)
        *scope, run_id = path.strip("/").split("/")
        record = self.store.run(run_id)
        if scope and scope[-1] != record.project or len(scope) > 1 and scope[0] != record.entity:
            raise RunNotFound(f"run {run_id!r} is not in {'/'.join(scope)!r} "
                              f"(it is in {record.entity}/{record.project})", asked=path)
        return self._run(record)

    def runs(
        self, path: str | None = None, filters: dict[str, Any] | None = None,
        order: RunOrder | str = "+created_at", per_page: int = 50,
        include_sweeps: bool = True, lazy: bool = True, *, job_type: str | None = None,
        state: str | None = None, limit: int | None = None, offset: int = 0,
    ) -> Runs | list[ApiRun]:
        """W&B's ``Api.runs``: the runs of ``path`` (``"entity/project"``; default the
        Api's project, else all) matching ``filters`` (MongoDB-style, see
        ``store/run_filters.py``), in ``order`` (``"+created_at"``,
        ``"-summary_metrics.loss"``, ...), read ``per_page`` at a time. The named orders
        of ``RunOrder`` and ``job_type``/``state``/``limit``/``offset`` still work (a
        ``limit`` returns that page as a list)."""
        scope = self._scope(path)
        wanted: Any = filters or {}
        if job_type is not None or state is not None:
            extra = {k: v for k, v in (("jobType", job_type), ("state", state)) if v is not None}
            wanted = {"$and": [wanted, extra]} if wanted else extra
        if str(order) in _NAMED_ORDERS and (scope is None or len(scope) == 1):
            if not isinstance(wanted, dict) or set(wanted) - {"jobType", "state"}:
                raise ValidationError(f"order {order!r} cannot be combined with filters; "
                                      "use W&B's form, such as '+created_at'")
            project_id, named = (scope[0] if scope else None), str(order)

            def fetch(count: int, start: int) -> list[ApiRun]:
                return [self._run(r) for r in self.store.runs(
                    project_id, job_type, state, self.as_of, count, named, start)]
        else:
            sql_order = "+created_at" if str(order) in _NAMED_ORDERS else str(order)

            def fetch(count: int, start: int) -> list[ApiRun]:
                return self._filtered(scope, wanted, sql_order, count, start)
        if limit is not None:
            return fetch(limit, offset)
        return Runs(lambda count, start: fetch(count, start + offset), per_page)

    def _filtered(self, scope: list[int] | None, filters: Any, order: str,
                  count: int, start: int) -> list[ApiRun]:
        return [self._run(r) for r in self.store.runs_matching(
            scope, filters or None, order, count, start, self.as_of)]

    # ------------------------------------------------------------------ artifacts
    def artifact_types(self, project: str | None = None) -> list[ArtifactType]:
        """The artifact types of ``project`` (default: the Api's, else all), as W&B's
        ``ArtifactType`` objects (each also compares as its name)."""
        scope = self._scope(project)
        if scope is None:
            names = self.store.artifact_types(None)
        else:
            names = sorted({t for pid in scope for t in self.store.artifact_types(pid)})
        return [ArtifactType(name, self, project) for name in names]  # type: ignore[arg-type]

    def artifact_type(self, type_name: str, project: str | None = None) -> ArtifactType:
        for found in self.artifact_types(project):
            if found == type_name:
                return found
        raise ArtifactNotFound(f"no artifact type {type_name!r}", asked=type_name)

    def artifact_collections(self, *args: str | None, **kwargs: str | None
                             ) -> list[ArtifactCollection]:
        """W&B's ``artifact_collections(project_name, type_name)``; one argument (or
        ``type_name=``) alone is the type, as before."""
        project, type_name = _project_and_type(args, kwargs)
        scope = self._scope(project)
        records = ([c for pid in scope for c in self.store.collections(pid, type_name,
                                                                         self.as_of)]
                   if scope is not None else
                   self.store.collections(None, type_name, self.as_of))
        return [ArtifactCollection(self, record) for record in records]  # type: ignore[arg-type]

    def artifact_collection(self, type_name: str, name: str) -> ArtifactCollection:
        """The collection ``name`` (``entity/project/name`` or ``project/name``) of type
        ``type_name``."""
        ref = parse_artifact_ref(name)
        project = "/".join(p for p in (ref.entity, ref.project) if p) or None
        for found in self.artifact_collections(project, type_name):
            if found.name == ref.name:
                return found
        raise ArtifactNotFound(f"no {type_name} collection {name!r}", asked=name)

    def artifact_versions(self, *args: str, **kwargs: Any) -> list[Artifact]:
        """W&B's ``artifact_versions(type_name, name)``; ``artifact_versions(name)`` as
        before. Every version but the deleted ones, oldest first."""
        kwargs.pop("per_page", None)
        if len(args) == 2 or "type_name" in kwargs:
            type_name, name = (*args, kwargs.get("name"))[:2] if len(args) == 2 else (
                kwargs["type_name"], args[0] if args else kwargs["name"])
        else:
            type_name, name = None, args[0] if args else kwargs["name"]
        from lineage_desktop.sdk.artifact import Artifact

        parsed = parse_artifact_ref(name)
        projects = self._project_ids(parsed.project, parsed.entity)
        project_id = projects[0].id if projects else None
        versions = self.store.artifact_versions(parsed.name, project_id, self.as_of)
        if type_name is not None and versions and versions[0].type != type_name:
            raise TypeMismatch(f"artifact {name!r} has type {versions[0].type!r}, "
                               f"not {type_name!r}")
        return [Artifact._from_record(self.store, v) for v in versions]

    def artifacts(self, type_name: str, name: str, per_page: int = 50) -> list[Artifact]:
        """W&B's ``Api.artifacts(type_name, name)``: the collection's versions."""
        return self.artifact_versions(type_name, name)


def _project_and_type(args: tuple[str | None, ...], kwargs: dict[str, str | None]
                      ) -> tuple[str | None, str | None]:
    kwargs = {k: v for k, v in kwargs.items() if k not in ("order", "per_page")}
    if len(args) > 2 or set(kwargs) - {"project_name", "type_name"}:
        raise ValidationError("artifact_collections(project_name, type_name) takes two "
                              f"arguments, not {args!r} {kwargs!r}")
    if len(args) == 2:
        return args[0], args[1]
    if len(args) == 1:
        if "type_name" in kwargs:
            return args[0], kwargs["type_name"]
        return kwargs.get("project_name"), args[0]
    return kwargs.get("project_name"), kwargs.get("type_name")
