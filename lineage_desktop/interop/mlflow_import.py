"""MLflow runs, their dataset and model inputs, and their logged models, read through
MLflow's own client (``pip install 'lineage-desktop[mlflow]'``).

Mapping: an MLflow run is a run with the same id (name, user, status, times; params as
config, metrics and tags under ``config["mlflow"]``; the experiment as its group). A
dataset input is a version of an artifact named after the dataset, identified by the
dataset's digest; a logged model (MLflow 3's ``LoggedModel``, or MLflow 2's
``mlflow.log-model.history`` tag) is a version of a ``model`` artifact, identified by its
model id, logged by its source run; a dataset's producer is the run that logged it as an
artifact (``mlflow_producers``), a run's parent (``mlflow.parentRunId``) is in its config
as ``parent_run``, and the model registry becomes registry collections
(``mlflow_registry``). Importing again adds nothing.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lineage_desktop.interop.extras import require
from lineage_desktop.interop.mlflow_producers import ArtifactIndex
from lineage_desktop.interop.mlflow_registry import (
    RegistryVersion,
    link_registry,
    read_registry,
    source_model_id,
)
from lineage_desktop.interop.naming import safe_name
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.interop.writer import LineageWriter, entry_path, reference_entry
from lineage_desktop.records import ArtifactVersion, LineageError, Run
from lineage_desktop.sdk.run import default_entity
from lineage_desktop.store import Store
from lineage_desktop.store.timeutil import to_iso

DEFAULT_PROJECT = "mlflow"
_STATES = {"FINISHED": ("finished", 0), "FAILED": ("failed", 1), "KILLED": ("crashed", None)}
_REMOTE = ("http", "https", "databricks", "databricks-uc", "postgresql", "mysql", "mssql", "uc")
_DATABASES = ("sqlite", "postgresql", "mysql", "mssql")  # MLflow's SQL store (SQLAlchemy)
_DRIVERS = {"postgresql": "psycopg2-binary", "mysql": "pymysql", "mssql": "pyodbc"}
_SQLITE_HEADER = b"SQLite format 3\x00"


class TrackingUnreadable(LineageError, ValueError):
    """A tracking URI that MLflow's client cannot read here; says what to install."""


def _iso(millis: int | None) -> str | None:
    if millis is None:
        return None
    return to_iso(datetime.fromtimestamp(millis / 1000, UTC))


def tracking_uri(text: str) -> str:
    """A tracking URI from a URI or a local ``mlruns`` folder / ``mlflow.db`` file.

    A local folder or database that is missing is refused here, before anything is
    created: MLflow would create an empty database at a ``sqlite:///`` path.
    """
    scheme = urlparse(text).scheme.split("+")[0]
    if scheme in _REMOTE or text in ("databricks", "databricks-uc", "uc"):
        return text
    if scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy reads them
        path = Path(text.split("://", 1)[1][1:].split("?")[0]).expanduser()
        _check_database(path, text)
        return text
    path = Path(urlparse(text).path if scheme == "file" else text).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"no MLflow tracking folder or database at {text!r}")
    if path.is_file():
        _check_database(path, text)
        return f"sqlite:///{path.resolve()}"
    return path.resolve().as_uri()


def _check_database(path: Path, text: str) -> None:
    """Refuse a missing, empty or non-SQLite file (MLflow would write its tables into it)."""
    if not path.name or path.name == ":memory:" or not path.is_file():
        raise FileNotFoundError(f"no MLflow database file {str(path)!r} (from {text!r})")
    with path.open("rb") as handle:
        if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise TrackingUnreadable(f"{str(path)!r} is not an MLflow (SQLite) database")


def unreadable(uri: str, exc: BaseException) -> TrackingUnreadable:
    """The one-line error for a URI that MLflow's client failed on, naming what to install
    when a library is missing (mlflow-skinny leaves out the SQL store's SQLAlchemy)."""
    scheme = urlparse(uri).scheme.split("+")[0]
    missing = []
    if scheme in _DATABASES:
        missing = [m for m in ("sqlalchemy", "alembic") if importlib.util.find_spec(m) is None]
    absent = exc.name.split(".")[0] if isinstance(exc, ModuleNotFoundError) and exc.name else ""
    if absent and absent not in ("mlflow", *missing):  # a database driver
        missing.append(_DRIVERS.get(scheme, absent))
    if missing:
        return TrackingUnreadable(f"reading MLflow's {scheme} database needs "
                                  f"{', '.join(missing)}: pip install {' '.join(missing)}")
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return TrackingUnreadable(f"cannot read MLflow tracking URI {uri!r}: {reason}")


@contextmanager
def _file_store_allowed(uri: str) -> Iterator[None]:
    # MLflow 3 refuses to open a tracking folder unless told to; reading an existing one
    # is exactly what an import is for.
    if not uri.startswith("file:"):
        yield
        return
    before = os.environ.get("MLFLOW_ALLOW_FILE_STORE")
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MLFLOW_ALLOW_FILE_STORE", None)
        else:
            os.environ["MLFLOW_ALLOW_FILE_STORE"] = before


def _pages(fetch: Callable[[str | None], Any]) -> list[Any]:
    found, token = [], None
    while True:
        page = fetch(token)
        found.extend(page)
        token = getattr(page, "token", None)
        if not token:
            return found


@dataclass
class _Version:
    name: str
    type: str
    key: str
    uri: str
    created_at: str
    run_id: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    users: list[tuple[str, str]] = field(default_factory=list)  # (run id, used at)
    # runs other than ``run_id`` that produced the same content -> when
    also_logged_by: dict[str, str] = field(default_factory=dict)


def _origin(version: ArtifactVersion) -> object:
    origin = version.metadata.get("mlflow")
    return origin.get("name") if isinstance(origin, dict) else None


class MlflowImporter:
    def __init__(self, store: Store, report: ImportReport, uri: str, project_id: int,
                 artifacts: ArtifactIndex | None = None) -> None:
        self.writer = LineageWriter(store)
        self.report, self.uri, self.project_id = report, uri, project_id
        self.artifacts = artifacts
        self.versions: dict[tuple[str, str], _Version] = {}
        self.model_keys: dict[str, tuple[str, str]] = {}  # MLflow model id -> version key
        self.model_uris: dict[str, tuple[str, str]] = {}  # runs:/ and models:/ URIs -> key
        self.version_ids: dict[tuple[str, str], int] = {}  # version key -> stored id
        self.run_names: dict[str, str] = {}  # MLflow run id -> run name (for parent_run)

    def run_record(self, run: Any, experiment: str) -> Run:
        info, data = run.info, run.data
        tags = dict(data.tags)
        state, exit_code = _STATES.get(info.status, ("running", None))
        source = tags.get("mlflow.source.name")
        job_type = tags.get("job_type") or (Path(source).stem if source else None)
        config: dict[str, Any] = dict(data.params)
        config["mlflow"] = {
            "experiment": experiment, "experiment_id": info.experiment_id,
            "metrics": dict(data.metrics), "artifact_uri": info.artifact_uri,
            "tags": {k: v for k, v in tags.items() if not k.startswith("mlflow.")},
            "parent_run_id": tags.get("mlflow.parentRunId")}
        parent = tags.get("mlflow.parentRunId")
        if parent:
            config["parent_run"] = {"id": parent, "name": self.run_names.get(parent)}
        return Run(id=info.run_id, project="", entity="",
                   name=info.run_name or tags.get("mlflow.runName") or info.run_id[:8],
                   job_type=job_type, group=experiment,
                   author=info.user_id or tags.get("mlflow.user"), state=state,
                   started_at=_iso(info.start_time) or _iso(0), finished_at=_iso(info.end_time),
                   config=config, notes=tags.get("mlflow.note.content"), exit_code=exit_code)

    def _add(self, version: _Version) -> _Version:
        key = (version.name, version.key)
        known = self.versions.get(key)
        if known is None:
            self.versions[key] = version
            return version
        if version.run_id is not None and version.run_id != known.run_id:
            if known.run_id is None:
                known.run_id = version.run_id
            else:  # the same content from another run: that run's output edge too
                known.also_logged_by.setdefault(version.run_id, version.created_at)
        known.created_at = min(known.created_at, version.created_at)
        return known

    def plan_datasets(self, run: Any, run_ids: set[str]) -> None:
        started = _iso(run.info.start_time) or _iso(0) or ""
        for index, item in enumerate(run.inputs.dataset_inputs if run.inputs else ()):
            dataset = item.dataset
            if not dataset.name or not dataset.digest:
                self.report.skip(self.uri, None, f"run {run.info.run_id}: dataset input "
                                                 f"{index} has no name or digest")
                continue
            try:
                source = json.loads(dataset.source) if dataset.source else {}
            except ValueError:
                source = {"text": dataset.source}
            where = next((source[k] for k in ("uri", "url", "path", "table_name")
                          if isinstance(source, dict) and source.get(k)), None)
            producer = None
            if isinstance(where, str) and where.startswith("runs:/"):
                producer = where[6:].split("/")[0] or None
                producer = producer if producer in run_ids else None
            elif self.artifacts is not None:
                producer = self.artifacts.producer(
                    where if isinstance(where, str) else None, dataset.digest, run.info.run_id)
            name = self.writer.artifact_name(self.project_id, safe_name(dataset.name),
                                             dataset.name, _origin)
            version = self._add(_Version(
                name, "dataset", f"digest={dataset.digest}",
                str(where or f"mlflow-dataset:{dataset.name}"), started, producer,
                {"mlflow": {"name": dataset.name, "digest": dataset.digest,
                            "source_type": dataset.source_type, "source": source,
                            "schema": dataset.schema, "profile": dataset.profile,
                            "context": {t.key: t.value for t in item.tags}}}))
            version.users.append((run.info.run_id, started))

    def plan_model(self, model: Any, run_ids: set[str]) -> None:
        label = model.name or "model"
        name = self.writer.artifact_name(self.project_id, safe_name(label), label, _origin)
        metrics = [{"key": m.key, "value": m.value, "step": m.step}
                   for m in (getattr(model, "metrics", None) or [])]
        version = self._add(_Version(
            name, "model", f"model_id={model.model_id}",
            str(model.artifact_location or model.model_uri),
            _iso(model.creation_timestamp) or _iso(0) or "",
            model.source_run_id if model.source_run_id in run_ids else None,
            {"mlflow": {"name": label, "model_id": model.model_id,
                        "model_uri": model.model_uri, "model_type": model.model_type,
                        "params": dict(model.params or {}), "metrics": metrics,
                        "tags": dict(model.tags or {}), "status": str(model.status)}}))
        self.model_keys[model.model_id] = (version.name, version.key)
        self.model_uris[f"models:/{model.model_id}"] = (version.name, version.key)
        if model.source_run_id:
            self.model_uris.setdefault(f"runs:/{model.source_run_id}/{model.name}",
                                       (version.name, version.key))

    def plan_model_history(self, run: Any) -> None:
        """MLflow 2 records logged models only in a run tag."""
        text = run.data.tags.get("mlflow.log-model.history")
        if not text:
            return
        try:
            entries = json.loads(text)
        except ValueError:
            self.report.skip(self.uri, None, f"run {run.info.run_id}: unreadable "
                                             "mlflow.log-model.history tag")
            return
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not entry.get("model_uuid"):
                continue
            if entry["model_uuid"] in self.model_keys:
                continue
            label = str(entry.get("artifact_path") or "model")
            name = self.writer.artifact_name(self.project_id, safe_name(label), label, _origin)
            created = entry.get("utc_time_created")
            version = self._add(_Version(
                name, "model", f"model_uuid={entry['model_uuid']}",
                f"runs:/{run.info.run_id}/{label}",
                (created.replace(" ", "T") + "Z") if isinstance(created, str) else
                _iso(run.info.start_time) or "", run.info.run_id,
                {"mlflow": {"name": label, "model_uuid": entry["model_uuid"],
                            "flavors": entry.get("flavors")}}))
            self.model_keys[entry["model_uuid"]] = (version.name, version.key)
            self.model_uris.setdefault(f"runs:/{run.info.run_id}/{label}",
                                       (version.name, version.key))

    def plan_model_inputs(self, run: Any, inputs: Any) -> None:
        """``inputs``: the run's inputs as ``get_run`` reads them (``search_runs`` leaves
        model inputs out on the SQL store)."""
        started = _iso(run.info.start_time) or ""
        for item in getattr(inputs, "model_inputs", None) or ():
            key = self.model_keys.get(item.model_id)
            if key is None:
                self.report.skip(self.uri, None, f"run {run.info.run_id}: input model "
                                                 f"{item.model_id} was not found")
                continue
            self.versions[key].users.append((run.info.run_id, started))

    def write(self, records: list[Run]) -> None:
        for record in records:
            try:
                with self.writer.atomic():
                    outcome = self.writer.put_run(self.project_id, record)
            except (LineageError, ValueError) as exc:
                self.report.skip(self.uri, None, f"run {record.id}: {exc}")
                continue
            self.report.count(f"runs {outcome}")
        for version in sorted(self.versions.values(), key=lambda v: (v.created_at, v.name)):
            entry = reference_entry(entry_path(version.metadata["mlflow"]["name"]),
                                    version.uri, version.key)
            try:
                with self.writer.atomic():
                    version_id, created = self.writer.put_version(
                        self.project_id, version.name, version.type, [entry],
                        created_at=version.created_at, run_id=version.run_id,
                        metadata=version.metadata)
                    for run_id, logged_at in sorted(version.also_logged_by.items()):
                        self.writer.output(run_id, version_id, logged_at)
                    for run_id, used_at in version.users:
                        if self.writer.has_run(run_id) and \
                                self.writer.use(run_id, version_id, used_at):
                            self.report.count("usages created")
            except (LineageError, ValueError) as exc:
                self.report.skip(self.uri, None, f"{version.name}: {exc}")
                continue
            self.version_ids[(version.name, version.key)] = version_id
            self.report.count("versions created" if created else "versions unchanged")

    def registry_sources(self, versions: list[RegistryVersion]) -> dict[int, int | None]:
        """The stored version each registry version was made from (by position)."""
        found: dict[int, int | None] = {}
        for position, version in enumerate(versions):
            model_id = source_model_id(version)
            key = self.model_keys.get(model_id) if model_id else None
            key = key or self.model_uris.get(version.source.rstrip("/"))
            found[position] = self.version_ids.get(key) if key else None
        return found


def _client(uri: str, tracking: str) -> tuple[Any, Any]:
    """MLflow's client of ``uri`` and its experiments (inside ``_file_store_allowed``);
    a URI it cannot read raises ``TrackingUnreadable``."""
    mlflow_client = require("mlflow.tracking", "import-mlflow")
    view = require("mlflow.entities", "import-mlflow").ViewType
    # MLflow logs a failed database connection as a warning with its whole traceback
    # before raising: the one-line error below says it (the CLI's errors are one line).
    quiet = logging.getLogger("mlflow.store.db.utils")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        client = mlflow_client.MlflowClient(tracking_uri=uri)
        return client, _pages(lambda t: client.search_experiments(
            view_type=view.ALL, max_results=1000, page_token=t))
    except Exception as exc:  # whatever MLflow's client raises for a URI it cannot read
        raise unreadable(tracking, exc) from exc
    finally:
        quiet.setLevel(level)


def check_readable(tracking: str) -> None:
    """Refuse a tracking URI that cannot be read before anything (the store) is created."""
    uri = tracking_uri(tracking)
    with _file_store_allowed(uri):
        _client(uri, tracking)


def import_mlflow(
    store: Store, tracking: str, project: str | None = None, entity: str | None = None,
    experiments: list[str] | None = None,
) -> ImportReport:
    """Import the runs of an MLflow tracking server, folder or database into ``store``."""
    uri = tracking_uri(tracking)
    view = require("mlflow.entities", "import-mlflow").ViewType
    report = ImportReport()
    registry: list[RegistryVersion] = []
    with _file_store_allowed(uri):
        client, found = _client(uri, tracking)
        if experiments:
            names = {e.name for e in found}
            unknown = [n for n in experiments if n not in names]
            if unknown:
                raise LookupError(f"no MLflow experiment named {unknown[0]!r} at {tracking}; "
                                  f"experiments: {', '.join(sorted(names)) or 'none'}")
            found = [e for e in found if e.name in experiments]
        by_id = {e.experiment_id: e.name for e in found}
        runs = _pages(lambda t: client.search_runs(
            list(by_id), run_view_type=view.ALL, max_results=1000,
            order_by=["attributes.start_time ASC"], page_token=t)) if by_id else []
        try:
            models = _pages(lambda t: client.search_logged_models(
                list(by_id), max_results=1000, page_token=t)) if by_id else []
        except AttributeError:  # MLflow 2 has no LoggedModel
            models = []
        inputs = {r.info.run_id: client.get_run(r.info.run_id).inputs for r in runs}
        registry = _registry(client, report, tracking)
        report.read = len(runs) + len(models) + len(registry)
        entity = entity or default_entity()
        project_id = store.ensure_project(entity, project or DEFAULT_PROJECT)
        importer = MlflowImporter(store, report, tracking, project_id, ArtifactIndex(client, runs))
        importer.run_names = {r.info.run_id: r.info.run_name for r in runs if r.info.run_name}
        run_ids = {r.info.run_id for r in runs}
        for model in models:
            importer.plan_model(model, run_ids)
        for run in runs:
            importer.plan_model_history(run)
            importer.plan_datasets(run, run_ids)
            importer.plan_model_inputs(run, inputs[run.info.run_id])
    importer.write([importer.run_record(r, by_id[r.info.experiment_id]) for r in runs])
    imported = [v for v in registry if v.run_id is None or v.run_id in run_ids or not experiments]
    link_registry(store, report, tracking, entity, imported, importer.registry_sources(imported))
    return report


def _registry(client: Any, report: ImportReport, where: str) -> list[RegistryVersion]:
    """The registry's versions; a tracking store without a registry has none."""
    try:
        return read_registry(client, _pages)
    except Exception as exc:  # noqa: BLE001 - whatever MLflow's registry client raises
        report.skip(where, None, f"model registry not read: {unreadable(where, exc)}")
        return []
