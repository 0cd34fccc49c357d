"""The W&B registry names of ``Run``: ``link_artifact``, ``link_model`` and ``use_model``."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from lineage_desktop.records import InvalidArtifactName, InvalidArtifactType, ValidationError
from lineage_desktop.sdk.artifact import Artifact
from lineage_desktop.sdk.artifact_links import link_version
from lineage_desktop.sdk.registry_paths import LEGACY_MODEL_REGISTRY
from lineage_desktop.sdk.sources import same_file
from lineage_desktop.sdk.validation import shown

if TYPE_CHECKING:
    from lineage_desktop.store import Store


class RegistryMixin:
    """Registry links for ``Run`` (which provides the attributes declared here)."""

    entity: str
    project: str
    _store: Store

    if TYPE_CHECKING:
        def _check_running(self) -> None: ...

        def log_artifact(self, artifact_or_path: Artifact | str | os.PathLike[str],
                         name: str | None = None, type: str | None = None,
                         aliases: list[str] | None = None,
                         tags: list[str] | None = None) -> Artifact: ...

        def use_artifact(self, artifact_or_name: str | Artifact, type: str | None = None,
                         aliases: list[str] | None = None,
                         used_at: str | None = None) -> Artifact: ...

    def link_artifact(self, artifact: Artifact, target_path: str,
                      aliases: list[str] | None = None) -> Artifact:
        """Link ``artifact`` to the collection ``target_path`` with ``aliases`` (W&B's
        ``run.link_artifact``); a draft is logged by this run first, as W&B does.
        Returns the linked artifact (``is_link``, ``source_artifact``)."""
        self._check_running()
        if artifact.state != "COMMITTED":
            artifact = self.log_artifact(artifact)
        elif artifact._store is None or not same_file(artifact._store.path, self._store.path):
            raise ValidationError(
                f"artifact {artifact.name!r} belongs to another store; links stay in one "
                "store (log its files in this run, then link)")
        linked = link_version(self._store, artifact.record, target_path, aliases,
                              self.entity, self.project)
        return Artifact._from_record(self._store, linked)

    def link_model(self, path: str | os.PathLike[str], registered_model_name: str,
                   name: str | None = None, aliases: list[str] | None = None) -> Artifact:
        """Log ``path`` as a ``model`` artifact (``name``, default ``run-<run id>-<basename>``)
        and link it to the registered model ``registered_model_name`` (W&B's target
        ``model-registry/<name>``, now the ``wandb-registry-model`` registry); ``aliases``
        apply to the link only. A ``name`` already logged keeps its type, which must
        contain ``model``."""
        self._check_running()
        if not isinstance(registered_model_name, str) or "/" in registered_model_name:
            raise InvalidArtifactName(
                f"invalid registered model name {shown(registered_model_name)}: give only "
                "the name, without entity or project")
        type_name = "model"
        if name is not None:
            existing = self._store.artifact_type_of(
                self._store.ensure_project(self.entity, self.project), name)
            if existing is not None:
                _require_model(existing, name)
                type_name = existing
        artifact = self.log_artifact(path, name=name, type=type_name)
        return self.link_artifact(artifact, f"{LEGACY_MODEL_REGISTRY}/{registered_model_name}",
                                  aliases)

    def use_model(self, name: str) -> str:
        """Use the model artifact ``name`` (a registry path too), download it and return
        the path: the one file's when it holds one, else the folder (W&B's ``use_model``)."""
        artifact = self.use_artifact(name)
        _require_model(artifact.type, name)
        folder = artifact.download()
        entries = os.listdir(folder)
        return str(Path(folder) / entries[0]) if len(entries) == 1 else folder


def _require_model(type_name: str, name: str) -> None:
    if "model" not in type_name.lower():
        raise InvalidArtifactType(
            f"artifact {shown(name)} has type {type_name!r}; use_model and link_model take "
            "'model' artifacts (a type containing 'model')")
