"""Distributed versions: W&B's ``run.upsert_artifact`` and ``run.finish_artifact``
(several runs, often processes of one group, fill one version; ``store/drafts.py``).

``DistributedMixin`` is a base of ``Run`` (``run.py``), which owns the state it uses.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from lineage_desktop.records import MissingDistributedId
from lineage_desktop.sdk.artifact import Artifact
from lineage_desktop.sdk.validation import validate_aliases
from lineage_desktop.store import Store


class DistributedMixin:
    """The shared-draft half of ``Run``."""

    id: str
    group: str | None
    _store: Store
    _project_id: int
    _clock: Callable[[], str]

    if TYPE_CHECKING:
        def _check_running(self) -> None: ...

        def _artifact_of(self, artifact_or_path: Artifact | str | os.PathLike[str],
                         name: str | None, type: str | None) -> Artifact: ...

        def _check_type(self, artifact: Artifact) -> None: ...

    def _distributed_id(self, distributed_id: str | None, verb: str) -> str:
        # W&B: the run's group unless given; neither is a TypeError there.
        if distributed_id is None and self.group is None:
            raise MissingDistributedId(
                f"cannot {verb} artifact unless the run is in a group or distributed_id "
                "is given: pass distributed_id=, or ld.init(group=...)")
        return distributed_id if distributed_id is not None else (self.group or "")

    def upsert_artifact(
        self, artifact_or_path: Artifact | str | os.PathLike[str], name: str | None = None,
        type: str | None = None, aliases: list[str] | None = None,
        distributed_id: str | None = None,
    ) -> Artifact:
        """Add the artifact's files to the shared draft of (name, ``distributed_id``),
        one transaction; this run becomes one of its producers. ``finish_artifact``
        commits the draft. ``aliases`` (default ``latest``) are kept with the draft and
        applied to the finished version with the finisher's own: W&B sends every call's
        aliases to the one version, so the version gets their union."""
        self._check_running()
        shared = self._distributed_id(distributed_id, "upsert")
        artifact = self._artifact_of(artifact_or_path, name, type)
        artifact._draft()
        wanted = [a for a in validate_aliases(aliases) if a != "latest"]
        artifact._check_loggable()
        self._check_type(artifact)
        self._store.upsert_draft(
            self._project_id, artifact.source_name, artifact.type, shared, artifact.files(),
            artifact._pending_files(), self.id, self._clock(), wanted,
            list(artifact._folder_refs))
        return artifact

    def finish_artifact(
        self, artifact_or_path: Artifact | str | os.PathLike[str], name: str | None = None,
        type: str | None = None, aliases: list[str] | None = None,
        distributed_id: str | None = None,
    ) -> Artifact:
        """Commit the shared draft, plus this artifact's own files, as one version: every
        run that upserted gets an output edge, and the draft is gone."""
        self._check_running()
        shared = self._distributed_id(distributed_id, "finish")
        artifact = self._artifact_of(artifact_or_path, name, type)
        artifact._draft()
        wanted = ["latest", *[a for a in validate_aliases(aliases) if a != "latest"]]
        metadata = artifact._check_loggable()
        self._check_type(artifact)
        logged = self._store.finish_draft(
            self._project_id, artifact.source_name, artifact.type, shared, artifact.files(),
            artifact._pending_files(), self.id, artifact.description, metadata, wanted,
            self._clock(), list(artifact._folder_refs))
        artifact._bind(self._store, logged.record)
        return artifact
