"""Link target paths as W&B reads them: ``collection``, ``project/collection``,
``entity/project/collection``, and registry paths ``wandb-registry-<registry>/<collection>``
(the project is ``wandb-registry-<registry>``; its entity the run's, W&B's organization)."""
from __future__ import annotations

from dataclasses import dataclass

from lineage_desktop.records import InvalidArtifactName
from lineage_desktop.sdk.validation import shown, validate_name, validate_project

REGISTRY_PREFIX = "wandb-registry-"
MODEL_REGISTRY = f"{REGISTRY_PREFIX}model"
# W&B's former model registry project; W&B redirects it to the migrated ``model`` registry.
LEGACY_MODEL_REGISTRY = "model-registry"


@dataclass(frozen=True, slots=True)
class TargetPath:
    """Where a link goes: ``entity`` None means the linking run's (or artifact's) entity."""

    collection: str
    project: str
    entity: str | None

    @property
    def is_registry(self) -> bool:
        return is_registry_project(self.project)


def is_registry_project(project: str) -> bool:
    return project.startswith(REGISTRY_PREFIX)


def registry_project(project: str) -> str:
    """The project a stored registry lives in (the legacy model registry is the new one)."""
    return MODEL_REGISTRY if project == LEGACY_MODEL_REGISTRY else project


def parse_target(text: object, default_project: str) -> TargetPath:
    """Check and split a link target; a version or alias (``:``) is refused, as W&B does:
    a link target names a collection."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidArtifactName(
            f"invalid link target {shown(text)}: use 'wandb-registry-<registry>/<collection>'"
            " or '[entity/][project/]collection'")
    if ":" in text:
        raise InvalidArtifactName(
            f"invalid link target {shown(text)}: it names a collection, without ':version' "
            "or ':alias' (give aliases in aliases=)")
    parts = text.split("/")
    if any(part.strip(".") == "" and part for part in parts):
        raise InvalidArtifactName(
            f"invalid link target {shown(text)}: '.' and '..' are not names")
    if len(parts) > 3:
        raise InvalidArtifactName(
            f"invalid link target {shown(text)}: at most entity/project/collection")
    collection = validate_name(parts[-1])
    project = validate_project(parts[-2]) if len(parts) >= 2 else default_project
    entity = validate_project(parts[0], "entity") if len(parts) == 3 else None
    project = registry_project(project)
    if project == REGISTRY_PREFIX:
        raise InvalidArtifactName(
            f"invalid link target {shown(text)}: the registry has no name after "
            f"{REGISTRY_PREFIX!r}")
    return TargetPath(collection=collection, project=project, entity=entity)
