"""W&B's validation rules for names, aliases, types and entry paths."""
from __future__ import annotations

import re
from collections.abc import Iterable

from lineage_desktop.records import (
    InvalidAlias,
    InvalidArtifactName,
    InvalidArtifactType,
)

# One entry-path rule for what callers add and what readers find in a store.
from lineage_desktop.records.validation import shown as _shown
from lineage_desktop.records.validation import validate_entry_path

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
MAX_NAME = 128
RESERVED_TYPES = ("job",)
RESERVED_TYPE_PREFIXES = ("wandb-", "lineage-desktop-")
_VERSION_ALIAS = re.compile(r"^v\d+$")


def validate_name(name: object) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name) or len(name) > MAX_NAME:
        raise InvalidArtifactName(
            f"invalid artifact name {_shown(name)}: use at most {MAX_NAME} letters, digits, "
            "'-', '_' and '.'")
    return name


def validate_type(type_name: object) -> str:
    if not isinstance(type_name, str) or not NAME_RE.match(type_name) or len(type_name) > MAX_NAME:
        raise InvalidArtifactType(
            f"invalid artifact type {_shown(type_name)}: use at most {MAX_NAME} letters, "
            "digits, '-', '_' and '.'")
    if type_name in RESERVED_TYPES or type_name.startswith(RESERVED_TYPE_PREFIXES):
        raise InvalidArtifactType(
            f"artifact type {type_name!r} is reserved for internal use; choose another type")
    return type_name


def validate_aliases(aliases: Iterable[object] | None) -> list[str]:
    if aliases is None:
        return []
    if isinstance(aliases, str):
        aliases = [aliases]
    checked = []
    for alias in aliases:
        if not isinstance(alias, str) or not alias or len(alias) > MAX_NAME:
            raise InvalidAlias(f"invalid alias {_shown(alias)}: aliases are 1-128 characters")
        if "/" in alias or ":" in alias:
            raise InvalidAlias(f"invalid alias {alias!r}: aliases cannot contain '/' or ':'")
        if _VERSION_ALIAS.match(alias):
            raise InvalidAlias(
                f"invalid alias {alias!r}: 'v<number>' names a version, not an alias")
        checked.append(alias)
    return checked


__all__ = [
    "validate_aliases",
    "validate_entry_path",
    "validate_name",
    "validate_type",
]
