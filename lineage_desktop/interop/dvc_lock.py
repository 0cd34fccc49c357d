"""Reading DVC's ``dvc.lock`` (schema 2.0, and the older stage-per-key form) with line
numbers, so that a bad stage is reported as ``FILE:LINE: reason`` and the rest is read."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lineage_desktop.interop.extras import require

# DVC records a content hash for every dep and out; cloud-versioned outputs may carry
# only an etag or version id.
HASH_KEYS = ("md5", "checksum", "etag", "version_id")


@dataclass(frozen=True, slots=True)
class LockEntry:
    """One dep or out: its path (relative to the lock file) and recorded hash."""

    path: str
    hash_name: str
    hash: str
    size: int = 0
    nfiles: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LockStage:
    name: str
    line: int
    cmd: str
    deps: tuple[LockEntry, ...] = ()
    outs: tuple[LockEntry, ...] = ()
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


class LockError(ValueError):
    """A stage (or the whole file) that cannot be read; the message is the reason."""


def _entry(stage: str, kind: str, item: Any) -> LockEntry:
    if not isinstance(item, dict) or not isinstance(item.get("path"), str):
        raise LockError(f"stage {stage!r}: an entry of {kind} has no path")
    for key in HASH_KEYS:
        if item.get(key) not in (None, ""):
            size = item.get("size")
            nfiles = item.get("nfiles")
            return LockEntry(item["path"], key, str(item[key]),
                             size if isinstance(size, int) else 0,
                             nfiles if isinstance(nfiles, int) else None, dict(item))
    raise LockError(f"stage {stage!r}: {kind[:-1]} {item['path']!r} has no hash (md5)")


def _stage(name: str, line: int, body: Any) -> LockStage:
    if not isinstance(body, dict):
        raise LockError(f"stage {name!r} is not a mapping")
    cmd = body.get("cmd")
    if isinstance(cmd, list) and cmd and all(isinstance(c, str) for c in cmd):
        cmd = " && ".join(cmd)
    if not isinstance(cmd, str) or not cmd.strip():
        raise LockError(f"stage {name!r} has no cmd")
    params = body.get("params") or {}
    if not isinstance(params, dict) or not all(isinstance(v, dict) for v in params.values()):
        raise LockError(f"stage {name!r}: params is not a mapping of files to values")
    lists = {}
    for kind in ("deps", "outs"):
        items = body.get(kind) or []
        if not isinstance(items, list):
            raise LockError(f"stage {name!r}: {kind} is not a list")
        lists[kind] = tuple(_entry(name, kind, item) for item in items)
    return LockStage(name, line, cmd, lists["deps"], lists["outs"], params, dict(body))


def parse_lock(text: str) -> tuple[list[LockStage], list[tuple[int, str]]]:
    """The readable stages of a lock file and ``(line, reason)`` for every other one.

    A file that is not YAML, or not a mapping, is one problem and no stages.
    """
    yaml = require("yaml", "reading dvc.lock")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [], [(line, f"not valid YAML: {reason}")]
    if data is None:
        return [], []
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        return [], [(1, "not a dvc.lock: expected a mapping of stages")]
    stages_node, stages = root, data
    if "stages" in data or "schema" in data:
        stages = data.get("stages") or {}
        stages_node = next((value for key, value in root.value if key.value == "stages"), None)
        if not isinstance(stages, dict) or not isinstance(stages_node, yaml.MappingNode):
            return [], [(1, "not a dvc.lock: 'stages' is not a mapping")]
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in stages_node.value}
    found, problems = [], []
    for name, body in stages.items():
        line = lines.get(str(name), 1)
        try:
            found.append(_stage(str(name), line, body))
        except LockError as exc:
            problems.append((line, str(exc)))
    return found, problems
