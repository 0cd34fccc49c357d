"""W&B's validation rules for what the SDK is given: artifact names, types, aliases and
tags, project and entity names, run fields, entry names, and the JSON values of metadata
and config.

Everything is checked before anything is written, and every refusal names the bad value
with ``repr`` so that control characters show. Patterns are matched with ``fullmatch``:
``re.match(r"...$")`` accepts a trailing newline, which is how ``"name\\n"`` once passed.
"""
from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lineage_desktop.records import (
    InvalidAlias,
    InvalidArtifactName,
    InvalidArtifactType,
    InvalidEntryPath,
    InvalidMetadata,
    InvalidProjectName,
    InvalidRunId,
    InvalidTag,
    InvalidText,
)

# One entry-path rule for what callers add and what readers find in a store.
from lineage_desktop.records.validation import validate_entry_path

NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")
MAX_NAME = 128  # W&B's limit for artifact names, types, aliases and project names
MAX_RUN_TAG = 64  # W&B: run tags are 1-64 characters
MAX_TEXT_NAME = 128  # run names, job types, groups: a label, not a document
MAX_ENTRY_BYTES = 4096  # PATH_MAX on Linux: a download must be able to create the file
MAX_COMPONENT_BYTES = 255  # NAME_MAX of every common filesystem
MAX_JSON_DEPTH = 100
RESERVED_TYPES = ("job",)
RESERVED_TYPE_PREFIXES = ("wandb-", "lineage-desktop-")
# W&B reserves some names for some types: run tables are run-*, code is source-*.
RESERVED_NAME_PREFIX_BY_TYPE = {"run_table": "run-", "code": "source-"}
PROJECT_FORBIDDEN = "/\\#?%:"  # W&B's project rule; '/' would also split our references
RUN_ID_FORBIDDEN = ":;,#?/'"  # W&B's run id rule; ':' would also split our graph keys
_VERSION_ALIAS = re.compile(r"v\d+")
_ARTIFACT_TAG = re.compile(r"[-\w]+( +[-\w]+)*")  # W&B: words joined by spaces
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1 (ESC, BEL, CR, CSI...)
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # lone surrogates: UTF-8 cannot hold them


def shown(value: object) -> str:
    """``value`` for a message, as ``repr`` (control characters visible), at most about
    80 characters: a long text is cut around its first control character, so that the
    reason for the refusal stays in view (a NUL at the end of a long path)."""
    text = repr(value)
    if len(text) <= 80:
        return text
    if isinstance(value, str):
        found = _CONTROL.search(value) or _SURROGATE.search(value)
        if found is not None and found.start() > 40:
            start = found.start() - 30
            end = min(len(value), found.end() + 20)
            return "..." + repr(value[start:end]) + ("..." if end < len(value) else "")
    return text[:60] + "..." + text[-17:]


_shown = shown


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character or a lone surrogate: never part of a
    name, alias, tag, reference or URI."""
    return bool(_CONTROL.search(text) or _SURROGATE.search(text))


# ---------------------------------------------------------------------------- artifacts


def validate_name(name: object) -> str:
    """An artifact name: ``[A-Za-z0-9_.-]``, 1-128 characters."""
    if not isinstance(name, str) or len(name) > MAX_NAME or not NAME_RE.fullmatch(name):
        raise InvalidArtifactName(
            f"invalid artifact name {_shown(name)}: use at most {MAX_NAME} letters, digits, "
            "'-', '_' and '.'")
    return name


def validate_type(type_name: object, name: str | None = None) -> str:
    """An artifact type: the name rule, minus W&B's reserved types (and, given the
    artifact's ``name``, the names W&B reserves for a type)."""
    if (not isinstance(type_name, str) or len(type_name) > MAX_NAME
            or not NAME_RE.fullmatch(type_name)):
        raise InvalidArtifactType(
            f"invalid artifact type {_shown(type_name)}: use at most {MAX_NAME} letters, "
            "digits, '-', '_' and '.'")
    reserved_prefix = RESERVED_NAME_PREFIX_BY_TYPE.get(type_name)
    if (type_name in RESERVED_TYPES or type_name.startswith(RESERVED_TYPE_PREFIXES)
            or (name is not None and reserved_prefix and name.startswith(reserved_prefix))):
        raise InvalidArtifactType(
            f"artifact type {type_name!r} is reserved for internal use"
            + (f" with names starting {reserved_prefix!r}" if reserved_prefix else "")
            + "; choose another type")
    return type_name


def _as_list(values: object, error: type[Exception], what: str) -> list[object]:
    """W&B's ``always_list``: a single string is one item, never its letters."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    if isinstance(values, (bytes, Mapping)) or not isinstance(values, Iterable):
        raise error(f"invalid {what} {_shown(values)}: give a string or a list of strings")
    return list(values)


def _label_problem(value: object, limit: int) -> str | None:
    """Why ``value`` cannot be an alias or tag, or None."""
    if not isinstance(value, str):
        return "not a string"
    if not value or len(value) > limit:
        return f"use 1-{limit} characters"
    if has_control(value):
        return "control characters are not allowed"
    if value != value.strip():
        return "no whitespace at either end (it could not be named on a command line)"
    return None


def _labels(values: object, error: type[Exception], what: str, label: str,
            rule: Callable[[str], str | None]) -> list[str]:
    """Aliases or tags: each must pass ``_label_problem`` and ``rule`` (which says what is
    wrong with a string, or None); duplicates dropped, order kept."""
    checked: list[str] = []
    for value in _as_list(values, error, what):
        problem = _label_problem(value, MAX_NAME)
        if problem is None and isinstance(value, str):
            problem = rule(value)
        if problem is not None:
            raise error(f"invalid {label} {_shown(value)}: {problem}")
        assert isinstance(value, str)
        if value not in checked:
            checked.append(value)
    return checked


def _alias_rule(alias: str) -> str | None:
    if "/" in alias or ":" in alias:
        return "aliases cannot contain '/' or ':'"
    if _VERSION_ALIAS.fullmatch(alias):
        return "'v<number>' names a version, not an alias"
    return None


def _tag_rule(tag: str) -> str | None:
    if not _ARTIFACT_TAG.fullmatch(tag):
        return "use letters, digits, '-' and '_', words separated by spaces"
    return None


def validate_aliases(aliases: object) -> list[str]:
    """Aliases (a string is one alias): 1-128 characters, no ``/`` or ``:``, no control
    characters, not ``v<number>`` (that names a version). Duplicates dropped."""
    return _labels(aliases, InvalidAlias, "aliases", "alias", _alias_rule)


def validate_tags(tags: object) -> list[str]:
    """Artifact tags (a string is one tag), W&B's rule: letters, digits, ``-`` and ``_``,
    words separated by spaces. Duplicates dropped, order kept."""
    return _labels(tags, InvalidTag, "tags", "artifact tag", _tag_rule)


def validate_entry_name(name: object) -> str:
    """An entry name given to an artifact, normalised to a relative POSIX path: the
    store's entry-path rule (``validate_entry_path``), and also no control characters,
    text that UTF-8 can hold, at most 4096 bytes with components of at most 255 (so
    that ``download`` can create it on any common filesystem)."""
    if isinstance(name, os.PathLike):
        name = os.fspath(name)
    if isinstance(name, str) and has_control(name):
        raise InvalidEntryPath(
            f"invalid entry name {_shown(name)}: control characters and undecodable bytes "
            "are not allowed in file names")
    path = validate_entry_path(name)
    if len(path.encode("utf-8")) > MAX_ENTRY_BYTES:
        raise InvalidEntryPath(
            f"invalid entry name {_shown(name)}: longer than {MAX_ENTRY_BYTES} bytes")
    for part in path.split("/"):
        if len(part.encode("utf-8")) > MAX_COMPONENT_BYTES:
            raise InvalidEntryPath(
                f"invalid entry name {_shown(name)}: the component {_shown(part)} is longer "
                f"than {MAX_COMPONENT_BYTES} bytes")
    return path


# ---------------------------------------------------------------------------- runs


def validate_project(name: object, what: str = "project") -> str:
    """A project (or, with ``what="entity"``, entity) name, W&B's rule: 1-128 characters
    without ``/ \\ # ? % :``; control characters refused too."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise InvalidProjectName(
            f"invalid {what} name {_shown(name)}: use 1-{MAX_NAME} characters")
    found = sorted({c for c in name if c in PROJECT_FORBIDDEN})
    if found:
        raise InvalidProjectName(
            f"invalid {what} name {_shown(name)}: it cannot contain "
            f"{' '.join(map(repr, found))} (none of {' '.join(PROJECT_FORBIDDEN)})")
    if has_control(name):
        raise InvalidProjectName(
            f"invalid {what} name {_shown(name)}: control characters are not allowed")
    return name


def validate_run_id(run_id: object) -> str:
    """A run id given to ``init``, W&B's rule: not empty, no whitespace at either end,
    none of ``: ; , # ? / '``; control characters refused too; at most 128 characters."""
    if not isinstance(run_id, str) or not run_id or len(run_id) > MAX_NAME:
        raise InvalidRunId(f"invalid run id {_shown(run_id)}: use 1-{MAX_NAME} characters")
    if run_id != run_id.strip():
        raise InvalidRunId(f"invalid run id {_shown(run_id)}: no whitespace at either end")
    found = sorted({c for c in run_id if c in RUN_ID_FORBIDDEN})
    if found or has_control(run_id):
        what = " ".join(map(repr, found)) if found else "control characters"
        raise InvalidRunId(f"invalid run id {_shown(run_id)}: it cannot contain {what}")
    return run_id


def validate_run_tags(tags: object) -> tuple[str, ...]:
    """Run tags (a string is one tag), W&B's rule: 1-64 characters each; control
    characters refused too. Duplicates dropped, order kept."""
    checked: list[str] = []
    for tag in _as_list(tags, InvalidTag, "tags"):
        problem = _label_problem(tag, MAX_RUN_TAG)
        if problem is not None:
            raise InvalidTag(f"invalid run tag {_shown(tag)}: {problem}")
        assert isinstance(tag, str)
        if tag not in checked:
            checked.append(tag)
    return tuple(checked)


def validate_text(value: object, what: str, limit: int | None = None) -> str | None:
    """Free text (None allowed): a string without NUL that UTF-8 can hold, of at most
    ``limit`` characters. Other control characters are kept, as W&B keeps them: the
    command line and the window escape them where they are shown."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidText(f"invalid {what} {_shown(value)}: expected a string")
    if "\x00" in value:
        raise InvalidText(f"invalid {what} {_shown(value)}: it holds a NUL character")
    if _SURROGATE.search(value):
        raise InvalidText(
            f"invalid {what} {_shown(value)}: it holds a lone surrogate, which UTF-8 cannot "
            "store (text decoded with errors='surrogateescape'?)")
    if limit is not None and len(value) > limit:
        raise InvalidText(f"invalid {what} {_shown(value)}: longer than {limit} characters")
    return value


# ---------------------------------------------------------------------------- JSON values


def validate_json_object(value: object, what: str) -> dict[str, Any]:
    """A metadata or config mapping that JSON holds exactly (None is empty): string keys,
    finite numbers, no cycles, at most 100 levels deep, strings UTF-8 can hold. Other
    values (paths, numpy scalars) are stored as text, as before. Refusals name the key
    path, e.g. ``metadata['scores'][2]``. An ``argparse.Namespace`` config is read as
    its attributes, as W&B does."""
    if value is None:
        return {}
    argparse = sys.modules.get("argparse")  # a Namespace exists only once it is imported
    if argparse is not None and isinstance(value, argparse.Namespace):
        value = vars(value)
    if not isinstance(value, Mapping):
        raise InvalidMetadata(
            f"invalid {what} {_shown(value)}: expected a dict of JSON values")
    _check_json(value, what, 0, set())
    return dict(value)


def _check_json(value: object, path: str, depth: int, open_ids: set[int]) -> None:
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise InvalidMetadata(
                f"invalid value at {path}: {_shown(value)} holds a lone surrogate, which "
                "UTF-8 cannot store")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidMetadata(
                f"invalid value at {path}: {value!r} is not a finite number and JSON cannot "
                "hold it; store None or a string instead")
        return
    if not isinstance(value, (Mapping, list, tuple)):
        return  # None, bool, int, and anything stored as its text
    if depth >= MAX_JSON_DEPTH:
        raise InvalidMetadata(f"invalid value at {path}: nested more than "
                              f"{MAX_JSON_DEPTH} levels deep")
    if id(value) in open_ids:
        raise InvalidMetadata(f"invalid value at {path}: it contains itself (a cycle)")
    open_ids.add(id(value))
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidMetadata(
                    f"invalid key {key!r} in {path}: JSON keys must be strings")
            if _SURROGATE.search(key):
                raise InvalidMetadata(
                    f"invalid key {_shown(key)} in {path}: it holds a lone surrogate")
            _check_json(item, f"{path}[{key!r}]", depth + 1, open_ids)
    else:
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]", depth + 1, open_ids)
    open_ids.discard(id(value))


__all__ = [
    "MAX_NAME",
    "NAME_RE",
    "has_control",
    "shown",
    "validate_aliases",
    "validate_entry_name",
    "validate_entry_path",
    "validate_json_object",
    "validate_name",
    "validate_project",
    "validate_run_id",
    "validate_run_tags",
    "validate_tags",
    "validate_text",
    "validate_type",
]
