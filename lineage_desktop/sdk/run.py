"""``init`` and the writer ``Run``: the W&B tracking names, recording into a local store."""
from __future__ import annotations

import getpass
import os
import socket
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from lineage_desktop.records import (
    ArtifactNotFound,
    InvalidRunId,
    LineageError,
    TypeMismatch,
    ValidationError,
    run_key,
)
from lineage_desktop.records import (
    Run as RunRecord,
)
from lineage_desktop.sdk import hooks, session
from lineage_desktop.sdk.artifact import Artifact
from lineage_desktop.sdk.distributed import DistributedMixin
from lineage_desktop.sdk.history import History
from lineage_desktop.sdk.names import friendly_name, friendly_number, new_run_id
from lineage_desktop.sdk.refs import parse_artifact_ref
from lineage_desktop.sdk.registry import RegistryMixin
from lineage_desktop.sdk.registry_paths import registry_project
from lineage_desktop.sdk.run_data import Config, Summary
from lineage_desktop.sdk.run_files import save_files
from lineage_desktop.sdk.sources import local_path, same_file
from lineage_desktop.sdk.validation import (
    MAX_TEXT_NAME,
    PROJECT_FORBIDDEN,
    validate_aliases,
    validate_json_object,
    validate_name,
    validate_project,
    validate_run_id,
    validate_run_tags,
    validate_tags,
    validate_text,
    validate_type,
)
from lineage_desktop.store import Store, utc_now


class DuplicateContentWarning(UserWarning):
    """Logged content equals an existing version: no new version, the aliases moved."""


class RunFinished(LineageError, RuntimeError):
    """The run has finished; it cannot log or use artifacts any more."""


def default_entity() -> str:
    """The login name, with the characters an entity name cannot hold made ``_`` (a
    Windows domain login is ``DOMAIN\\user``)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "local"
    safe = "".join("_" if c in PROJECT_FORBIDDEN or not c.isprintable() else c for c in login)
    return safe.strip()[:128] or "local"


@dataclass(frozen=True, slots=True)
class RunFields:
    """What ``init`` was given, checked (W&B's rules) before anything is written."""

    project: str
    entity: str
    name: str | None
    job_type: str | None
    group: str | None
    config: dict[str, Any]
    notes: str | None
    tags: tuple[str, ...]
    run_id: str | None

    @classmethod
    def checked(cls, project: object, entity: object, name: object, job_type: object,
                group: object, config: object, notes: object, tags: object,
                run_id: object) -> RunFields:
        return cls(
            project=validate_project(project),
            entity=default_entity() if entity is None else validate_project(entity, "entity"),
            name=validate_text(name, "run name", MAX_TEXT_NAME) or None,
            job_type=validate_text(job_type, "job type", MAX_TEXT_NAME),
            group=validate_text(group, "group", MAX_TEXT_NAME),
            config=validate_json_object(config, "config"),
            notes=validate_text(notes, "notes"),
            tags=validate_run_tags(tags),
            run_id=None if run_id is None else validate_run_id(run_id))


class Run(RegistryMixin, DistributedMixin):
    """A run being recorded. Use as a context manager, or call ``finish()``."""

    def __init__(
        self, store: Store, project: str, entity: str | None = None, name: str | None = None,
        job_type: str | None = None, group: str | None = None,
        config: dict[str, Any] | None = None, notes: str | None = None,
        tags: list[str] | tuple[str, ...] | None = None, run_id: str | None = None,
        started_at: str | None = None, clock: Callable[[], str] | None = None,
        author: str | None = None, host: str | None = None,
    ) -> None:
        # Everything is checked before the first write (the project row).
        fields = RunFields.checked(project, entity, name, job_type, group, config, notes,
                                   tags, run_id)
        if fields.run_id is not None and store.runs_by_ids([fields.run_id]):
            raise InvalidRunId(f"a run with id {fields.run_id!r} already exists in "
                               f"{store.path}; run ids are unique per store")
        # The clock stamps every record of the run; importers and the demo pass their own.
        self._clock = clock or utc_now
        self._store = store
        self.project = fields.project
        self.entity = fields.entity
        self._project_id = store.ensure_project(self.entity, self.project)
        self.id = fields.run_id or new_run_id()
        self.name = fields.name or friendly_name(self._run_number())
        self.job_type = fields.job_type
        self.group = fields.group
        self._config = Config(fields.config, persist=self._config_changed)
        self.summary = Summary({}, persist=self._summary_changed)
        self._history = History(store, self.id, self.summary)
        self.notes = fields.notes
        self.tags = fields.tags
        self.state = "running"
        self.started_at = started_at or self._clock()
        store.insert_run(self._project_id, RunRecord(
            id=self.id, project=self.project, entity=self.entity, name=self.name,
            job_type=self.job_type, group=self.group, author=author or default_entity(),
            host=host or socket.gethostname(), state="running", started_at=self.started_at,
            config=self.config, notes=self.notes, tags=self.tags))
        hooks.notify("run_started", self)

    def _run_number(self) -> int:
        """The run's number in its project: one more than the runs before it. Counting
        them grows with the store, so the last recorded run's number is read instead
        when it has one (a name this function made); it is that count, since every run
        named here got the count before it. Otherwise (a run named by the user, an
        import) count."""
        last = friendly_number(self._store.last_run_name(self._project_id))
        if last is not None:
            return last + 1
        return self._store.run_count(self._project_id) + 1

    def __repr__(self) -> str:
        return f"<Run {self.id} {self.name!r} {self.state}>"

    @property
    def config(self) -> Config:
        """The run's hyperparameters (W&B's ``run.config``)."""
        return self._config

    @config.setter
    def config(self, values: dict[str, Any]) -> None:
        """Replace the whole config (checked, and written at once)."""
        self._config = Config(validate_json_object(values, "config"),
                              persist=self._config_changed)
        self._config._save()

    def _config_changed(self, config: dict[str, Any]) -> None:
        if self.state == "running":
            self._store.update_run(self.id, config=config)

    def _summary_changed(self, summary: dict[str, Any]) -> None:
        self._history.summary_changed()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.state == "running":
            self.finish(exit_code=1 if exc_type is not None else 0)

    @property
    def store(self) -> Store:
        return self._store

    @property
    def key(self) -> str:
        return run_key(self.id)

    def finish(self, exit_code: int | None = None, finished_at: str | None = None) -> None:
        """End the run: ``finished`` on exit code 0 (or None), ``failed`` otherwise."""
        if self.state != "running":
            return
        # run.config may have changed since init: refused (and the run left running, to
        # finish again once fixed) rather than written as JSON that readers cannot parse.
        validate_json_object(self.config, "config")
        self._history.close()
        self.state = "finished" if not exit_code else "failed"
        self._store.update_run(self.id, state=self.state, finished_at=finished_at or self._clock(),
                               exit_code=0 if exit_code is None else exit_code,
                               config=self.config.as_dict())
        session.finished(self)
        hooks.notify("run_finished", self)

    def _check_running(self) -> None:
        if self.state != "running":
            raise RunFinished(f"run {self.id} has finished; start a new run with init()")

    # ------------------------------------------------------------------ history
    @property
    def step(self) -> int:
        """The current history step (the next ``log`` without ``step`` goes there)."""
        return self._history.step

    def log(self, data: dict[str, Any], step: int | None = None,
            commit: bool | None = None) -> None:
        """W&B's ``run.log``: add ``data`` to the history and the summary. Each call is a
        step unless ``commit=False`` (or an explicit ``step``, until a later step or
        ``commit=True``); a step below the current one is ignored with a warning."""
        self._check_running()
        self._history.log(data, step, commit)

    def save(self, glob_str: str | os.PathLike[str], base_path: str | os.PathLike[str] | None
             = None, policy: str = "live") -> list[str]:
        """Record the files ``glob_str`` matches as part of the run; returns their
        names in the run (relative to ``base_path``)."""
        self._check_running()
        return save_files(self._store, self.id, glob_str, base_path, policy, self._clock())

    # ------------------------------------------------------------------ inputs
    def use_artifact(
        self, artifact_or_name: str | Artifact, type: str | None = None,
        aliases: list[str] | None = None, used_at: str | None = None,
    ) -> Artifact:
        """Mark a version as an input of this run and return it.

        Accepts ``name``, ``name:alias``, ``name:v3``, ``entity/project/name:alias`` or an
        ``Artifact`` (a draft is logged first, without a producing run, then used).
        """
        self._check_running()
        if isinstance(artifact_or_name, Artifact):
            artifact = artifact_or_name
            if artifact.state != "COMMITTED":
                self._commit(artifact, aliases, None, run_id=None)
        else:
            artifact = self._resolve(artifact_or_name, type)
        if type is not None and artifact.type != type:
            raise TypeMismatch(
                f"artifact {artifact.name} has type {artifact.type!r}, not {type!r}")
        # A registry link is used through its source: lineage stays a DAG of sources.
        record = artifact.record
        self._store.add_usage(self.id, record.source_id or record.id, used_at or self._clock())
        return artifact

    def _resolve(self, text: str, type_name: str | None) -> Artifact:
        ref = parse_artifact_ref(text)
        project = registry_project(ref.project or self.project)
        # The run's own entity first; then the same project name under another entity
        # (stores merged from several machines often differ only in the login name).
        entities = [ref.entity] if ref.entity else [self.entity, None]
        for entity in entities:
            for candidate in self._store.find_projects(project, entity):
                # One indexed row (project, name), not the project's list of names.
                if self._store.artifact_type_of(candidate.id, ref.name) is not None:
                    record = self._store.resolve_version(ref.name, ref.selector, candidate.id)
                    return Artifact._from_record(self._store, record)
        if ref.project is None:
            raise self._store._unknown_artifact(ref.name, self._project_id)
        raise ArtifactNotFound(
            f"no artifact {ref.name!r} in project {project!r} of {self._store.path}",
            asked=text)

    # ------------------------------------------------------------------ outputs
    def log_artifact(
        self, artifact_or_path: Artifact | str | os.PathLike[str], name: str | None = None,
        type: str | None = None, aliases: list[str] | None = None,
        tags: list[str] | None = None,
    ) -> Artifact:
        """Record ``artifact_or_path`` as an output of this run; ``latest`` is always added.

        A path becomes ``run-<run id>-<basename>`` of type ``unspecified``. Content equal to
        an existing version (same digest) makes no new version: the aliases move to it.
        """
        self._check_running()
        artifact = self._artifact_of(artifact_or_path, name, type)
        if artifact.state == "COMMITTED":
            return self._relog(artifact, aliases)
        return self._commit(artifact, aliases, tags, run_id=self.id)

    def _artifact_of(self, artifact_or_path: Artifact | str | os.PathLike[str],
                     name: str | None, type: str | None) -> Artifact:
        """``artifact_or_path`` itself, or a draft of the file or folder at that path, or
        (a ``scheme://`` URI that is no local path, as W&B) of one reference to it."""
        if isinstance(artifact_or_path, Artifact):
            return artifact_or_path
        path = local_path(artifact_or_path, "file or folder")
        text = os.fspath(artifact_or_path)
        # W&B's order: a local file, a local folder, then anything holding "://".
        remote = "://" in text and not path.exists()
        # W&B names it by ``os.path.basename`` of the text: for a URI, its last part.
        base = os.path.basename(text) if remote else path.name
        artifact = Artifact(validate_name(name or f"run-{self.id}-{base}"),
                            validate_type(type or "unspecified"))
        if remote:
            artifact.add_reference(text)
        elif path.is_dir():
            artifact.add_dir(path)
        else:
            artifact.add_file(path)
        return artifact

    def _relog(self, artifact: Artifact, aliases: list[str] | None) -> Artifact:
        """Log an already committed version again: this run becomes one of its producers
        and the aliases move to it, in one transaction."""
        wanted = ["latest", *validate_aliases(aliases)]
        source = artifact._store
        if source is None or not same_file(source.path, self._store.path):
            raise ValidationError(
                f"artifact {artifact.name!r} belongs to another store "
                f"({source.path if source else 'none'}); download it and log its files")
        with self._store.transaction():
            self._store.add_output(self.id, artifact.record.id, self._clock())
            self._store.set_aliases(artifact.record.id, wanted)
        return artifact

    def _check_type(self, artifact: Artifact) -> None:
        # Checked here as well as in the store's transaction: the store copies the blobs
        # in before its transaction, so its refusal would leave them behind.
        existing = self._store.artifact_type_of(self._project_id, artifact.source_name)
        if existing is not None and existing != artifact.type:
            raise TypeMismatch(f"artifact {artifact.source_name!r} has type {existing!r}, "
                               f"cannot log it as {artifact.type!r}")

    def _commit(self, artifact: Artifact, aliases: list[str] | None,
                tags: list[str] | None, run_id: str | None) -> Artifact:
        # Every check before the first write: blobs are copied in before the transaction.
        wanted = ["latest", *[a for a in validate_aliases(aliases) if a != "latest"]]
        checked_tags = validate_tags(tags)
        metadata = artifact._check_loggable()
        self._check_type(artifact)
        # Incremental (W&B): on top of the latest version, read in the same transaction.
        log = self._store.log_incremental if artifact.incremental else self._store.log_version
        logged = log(
            self._project_id, artifact.source_name, artifact.type, artifact.digest,
            artifact.files(), artifact._pending_files(), artifact.description,
            metadata, wanted, checked_tags, run_id, self._clock(),
            self._history.step if run_id is not None else None, artifact._draft_ttl(),
            list(artifact._folder_refs))
        record = logged.record
        if not logged.created:
            warnings.warn(
                f"{artifact.source_name}: content identical to {record.name}:{record.version}; "
                f"no new version, aliases {', '.join(wanted)} now point to it",
                DuplicateContentWarning, stacklevel=3)
        artifact._bind(self._store, record)
        return artifact

    def logged_artifacts(self) -> list[Artifact]:
        return [Artifact._from_record(self._store, v)
                for v in self._store.versions_logged_by(self.id)]

    def used_artifacts(self) -> list[Artifact]:
        return [Artifact._from_record(self._store, v)
                for v in self._store.versions_used_by(self.id)]
