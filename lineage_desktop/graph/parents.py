"""The run that started a run, as the tool it was imported from recorded it.

OpenLineage's ``parent`` run facet (an Airflow DAG run, a dbt invocation, a Spark
application: ``{"job": {"namespace", "name"}, "run": {"runId"}}``) is kept by the import
in ``config["openlineage"]["run"]["facets"]["parent"]``; an MLflow nested run keeps its
parent as ``config["parent_run"] = {"id", "name"}``. ``parent_of`` reads either into one
``ParentRun`` whose ``id`` is the id that parent run has in a store imported from the same
source (``openlineage_run_id`` is how an OpenLineage import keys its runs).
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ParentRun:
    """``id``: the parent's run id in the store; ``given_id``: its id as the other tool
    wrote it (an OpenLineage runId, an MLflow run id); ``name``: its job name
    (OpenLineage) or run name (MLflow) as the child names it, if it does."""

    id: str
    given_id: str
    name: str | None = None
    namespace: str | None = None

    @property
    def label(self) -> str:
        """``name (run <id>)``, or the id alone: plain text, to be shown escaped."""
        return f"{self.name} (run {self.given_id})" if self.name else f"run {self.given_id}"


def openlineage_run_id(run_id: str, job_namespace: str, job_name: str) -> tuple[str, str]:
    """The store id of an OpenLineage run, and the runId it gave when that is not a UUID.

    The spec makes ``runId`` a UUID, unique across jobs. Tools that send something else
    (a task name, "1", a date) often send the same text for different jobs, whose events
    would merge into one run: such a run is keyed by its job as well, as a UUID derived
    from both (the same at every import), and the given text is kept."""
    try:
        return str(uuid.UUID(run_id)), ""
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL,
                              f"openlineage:{job_namespace}/{job_name}#{run_id}")), run_id


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _get(mapping: Any, *path: str) -> Any:
    for key in path:
        mapping = mapping.get(key) if isinstance(mapping, Mapping) else None
    return mapping


def parent_of(config: Mapping[str, Any] | None) -> ParentRun | None:
    """The parent a run's config names (OpenLineage facet or MLflow ``parent_run``), or
    None. A store's config is untrusted: anything not shaped as expected is no parent."""
    facet = _get(config, "openlineage", "run", "facets", "parent")
    given = _text(_get(facet, "run", "runId"))
    if given is not None:
        namespace = _text(_get(facet, "job", "namespace"))
        name = _text(_get(facet, "job", "name"))
        run_id, _ = openlineage_run_id(given, namespace or "", name or "")
        return ParentRun(id=run_id, given_id=given, name=name, namespace=namespace)
    nested = _get(config, "parent_run")
    given = _text(_get(nested, "id"))
    if given is not None:
        return ParentRun(id=given, given_id=given, name=_text(_get(nested, "name")))
    return None
