"""Parsing of artifact references: ``name``, ``name:alias``, ``name:v3``,
``project/name:alias``, ``entity/project/name:alias`` and graph keys."""
from __future__ import annotations

from dataclasses import dataclass

from lineage_desktop.records import InvalidArtifactName, parse_key


@dataclass(frozen=True, slots=True)
class ArtifactRef:
    name: str
    selector: str | None = None
    project: str | None = None
    entity: str | None = None


def parse_artifact_ref(text: str) -> ArtifactRef:
    if not isinstance(text, str) or not text.strip():
        raise InvalidArtifactName(f"empty artifact reference {text!r}")
    text = text.strip()
    if text.startswith("artifact:"):
        _, name, index = parse_key(text)
        return ArtifactRef(name=name, selector=None if index is None else f"v{index}")
    path, _, selector = text.partition(":")
    parts = path.split("/")
    if len(parts) > 3 or not all(parts):
        raise InvalidArtifactName(
            f"cannot read artifact reference {text!r}: use name, name:alias, "
            "project/name:alias or entity/project/name:alias")
    name = parts[-1]
    project = parts[-2] if len(parts) >= 2 else None
    entity = parts[-3] if len(parts) == 3 else None
    return ArtifactRef(name=name, selector=selector or None, project=project, entity=entity)


def node_ref(key: str, attrs: dict | None) -> str:
    """A reference that names exactly the node ``key`` of a lineage graph.

    Graph keys carry no project, so in a store holding several projects
    ``artifact:data:v3`` can be ambiguous; the node's own attributes make it
    ``entity/project/data:v3``. Runs (store-wide ids) and unknown nodes keep their key.
    """
    if not attrs or attrs.get("kind") != "artifact" or attrs.get("missing"):
        return key
    project, entity = attrs.get("project"), attrs.get("entity")
    name, version = attrs.get("name"), attrs.get("version")
    if not (project and entity and name and version):
        return key
    return f"{entity}/{project}/{name}:{version}"
