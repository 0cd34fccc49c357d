"""Sending runs to an OpenLineage server through the official ``openlineage-python`` client.

``init(...)`` starts a run exactly like ``lineage_desktop.init`` and also emits its START
and final events through an ``OpenLineageClient``: by default the client configures its
transport from ``openlineage.yml`` or ``OPENLINEAGE_URL``/``OPENLINEAGE__TRANSPORT__*``
(HTTP, file, console, Kafka...), so a team's lineage server receives every run recorded.
``emit_events`` sends already exported events (``export_events``) the same way.
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from typing import Any

from lineage_desktop.interop.extras import require
from lineage_desktop.interop.openlineage_export import EventBuilder
from lineage_desktop.sdk import stores
from lineage_desktop.sdk.run import Run
from lineage_desktop.store import Store


class EmitWarning(UserWarning):
    """An event could not be sent; the run itself is recorded all the same."""


def client_for(url: str | None = None, file: str | os.PathLike[str] | None = None,
               endpoint: str | None = None) -> Any:
    """An ``OpenLineageClient``: HTTP to ``url``, appending to ``file``, or (neither) as
    configured by the environment and ``openlineage.yml``."""
    client_module = require("openlineage.client", "sending OpenLineage events")
    if url is not None:
        config: dict[str, Any] = {"type": "http", "url": url}
        if endpoint:
            config["endpoint"] = endpoint
        return client_module.OpenLineageClient(config={"transport": config})
    if file is not None:
        return client_module.OpenLineageClient(config={"transport": {
            "type": "file", "log_file_path": str(file), "append": True}})
    return client_module.OpenLineageClient()


def _facets(kind: str, facets: dict[str, Any] | None) -> dict[str, Any]:
    base = require("openlineage.client.generated.base", "sending OpenLineage events")
    cls = getattr(base, kind)
    built = {}
    for key, value in (facets or {}).items():
        if not isinstance(value, dict):
            continue
        fields = {k: v for k, v in value.items() if not k.startswith("_") and k.isidentifier()}
        facet = cls(producer=value.get("_producer") or "").with_additional_properties(**fields)
        if value.get("_schemaURL"):
            facet._schemaURL = value["_schemaURL"]  # keep the facet's own schema
        built[key] = facet
    return built


def to_client_event(event: dict[str, Any]) -> Any:
    """The client's ``RunEvent``/``DatasetEvent`` for one of our event dicts."""
    v2 = require("openlineage.client.event_v2", "sending OpenLineage events")

    def dataset(item: dict[str, Any], cls: Any, io_kind: str | None) -> Any:
        extra = {}
        if io_kind == "InputDatasetFacet":
            extra["inputFacets"] = _facets(io_kind, item.get("inputFacets"))
        elif io_kind == "OutputDatasetFacet":
            extra["outputFacets"] = _facets(io_kind, item.get("outputFacets"))
        return cls(namespace=item["namespace"], name=item["name"],
                   facets=_facets("DatasetFacet", item.get("facets")), **extra)

    if "dataset" in event:
        return v2.DatasetEvent(eventTime=event["eventTime"], producer=event["producer"],
                               dataset=dataset(event["dataset"], v2.StaticDataset, None))
    return v2.RunEvent(
        eventType=v2.RunState(event["eventType"]), eventTime=event["eventTime"],
        producer=event["producer"],
        run=v2.Run(runId=event["run"]["runId"],
                   facets=_facets("RunFacet", event["run"].get("facets"))),
        job=v2.Job(namespace=event["job"]["namespace"], name=event["job"]["name"],
                   facets=_facets("JobFacet", event["job"].get("facets"))),
        inputs=[dataset(i, v2.InputDataset, "InputDatasetFacet") for i in event["inputs"]],
        outputs=[dataset(o, v2.OutputDataset, "OutputDatasetFacet") for o in event["outputs"]])


def emit_events(events: Iterable[dict[str, Any]], client: Any) -> int:
    """Send events through ``client``; returns how many were sent."""
    count = 0
    for event in events:
        client.emit(to_client_event(event))
        count += 1
    return count


def run_events(store: Store, run_id: str) -> list[dict[str, Any]]:
    """The events of one recorded run, as ``export_events`` writes them."""
    run = store.run(run_id)
    usages = [(vid, used_at) for _, vid, used_at in store.all_usages(run_id=run_id)]
    logged = [(vid, logged_at) for _, vid, logged_at in store.all_outputs(run_id=run_id)]
    versions = {v.id: v for v in store.versions_by_ids([vid for vid, _ in usages + logged])}
    inputs = [(versions[vid], used_at) for vid, used_at in usages if vid in versions]
    outputs = [(versions[vid], logged_at) for vid, logged_at in logged if vid in versions]
    return EventBuilder(store).run_events(run, inputs, outputs)


class OpenLineageRun(Run):
    """A ``Run`` that also tells an OpenLineage server when it starts and ends."""

    def __init__(self, *args: Any, client: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.openlineage_client = client if client is not None else client_for()
        self._emit(run_events(self.store, self.id)[:1])

    def _emit(self, events: list[dict[str, Any]]) -> None:
        try:
            emit_events(events, self.openlineage_client)
        except Exception as exc:  # the lineage server being down must not fail training
            warnings.warn(f"could not send OpenLineage event for run {self.id}: {exc}",
                          EmitWarning, stacklevel=3)

    def finish(self, exit_code: int | None = None, finished_at: str | None = None) -> None:
        was_running = self.state == "running"
        super().finish(exit_code, finished_at)
        if was_running:
            self._emit(run_events(self.store, self.id)[1:])


class OpenLineageListener:
    """Sends START/COMPLETE/FAIL for every run the SDK records (``ld.init`` included)."""

    def __init__(self, client: Any = None) -> None:
        self.client = client if client is not None else client_for()

    def run_started(self, run: Run) -> None:
        emit_events(run_events(run.store, run.id)[:1], self.client)

    def run_finished(self, run: Run) -> None:
        emit_events(run_events(run.store, run.id)[1:], self.client)


def enable_openlineage(client: Any = None) -> OpenLineageListener:
    """From now on every run recorded in this process (``ld.init``) is also sent to an
    OpenLineage server through the official client (default: configured from
    ``openlineage.yml`` / ``OPENLINEAGE_URL``). Returns the listener; pass it to
    ``disable_openlineage`` to stop. A server that is down only causes a warning."""
    from lineage_desktop.sdk.hooks import add_run_listener

    return add_run_listener(OpenLineageListener(client))  # type: ignore[return-value]


def disable_openlineage(listener: OpenLineageListener) -> None:
    from lineage_desktop.sdk.hooks import remove_run_listener

    remove_run_listener(listener)


def init(
    project: str | None = None, entity: str | None = None, name: str | None = None,
    job_type: str | None = None, group: str | None = None,
    config: dict[str, Any] | None = None, notes: str | None = None,
    tags: list[str] | None = None, store: str | os.PathLike[str] | Store | None = None,
    id: str | None = None, client: Any = None,
) -> OpenLineageRun:
    """``lineage_desktop.init`` that also emits OpenLineage events through ``client``
    (an ``OpenLineageClient``; default: configured from the environment)."""
    return OpenLineageRun(stores.writer(store), project or "uncategorized", entity=entity,
                          name=name, job_type=job_type, group=group, config=config,
                          notes=notes, tags=tags, run_id=id, client=client)
