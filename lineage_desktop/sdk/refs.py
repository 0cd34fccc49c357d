"""Parsing of artifact references: ``name``, ``name:alias``, ``name:v3``,
``project/name:alias``, ``entity/project/name:alias`` and graph keys."""
from __future__ import annotations

from dataclasses import dataclass

from lineage_desktop.records import InvalidArtifactName, parse_key
from lineage_desktop.sdk.validation import has_control
from lineage_desktop.sdk.validation import shown as _shown


@dataclass(frozen=True, slots=True)
class ArtifactRef:
    name: str
    selector: str | None = None
    project: str | None = None
    entity: str | None = None


def parse_artifact_ref(text: str) -> ArtifactRef:
    """Split a reference; surrounding spaces are ignored, control characters (a
    trailing newline read from a file, say) refused: no stored name holds them."""
    if not isinstance(text, str):
        raise InvalidArtifactName(
            f"invalid artifact reference {_shown(text)}: expected a string such as "
            "'name:alias'")
    if not text.strip():
        raise InvalidArtifactName(f"empty artifact reference {text!r}")
    if has_control(text):
        raise InvalidArtifactName(
            f"invalid artifact reference {_shown(text)}: it holds control characters")
    text = text.strip(" ")
    if text.startswith("artifact:"):
        _, name, index = parse_key(text)
        return ArtifactRef(name=name, selector=None if index is None else f"v{index}")
    path, colon, selector = text.partition(":")
    parts = path.split("/")
    if len(parts) > 3 or not all(parts) or (colon and not selector):
        raise InvalidArtifactName(
            f"cannot read artifact reference {_shown(text)}: use name, name:alias, "
            "project/name:alias or entity/project/name:alias")
    name = parts[-1]
    project = parts[-2] if len(parts) >= 2 else None
    entity = parts[-3] if len(parts) == 3 else None
    return ArtifactRef(name=name, selector=selector or None, project=project, entity=entity)
