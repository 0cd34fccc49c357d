"""Plain-value records that cross layer boundaries (no sqlite rows, no Qt types).

Each is a frozen, slotted dataclass. ``@dataclass`` writes the source of each method it
adds and compiles it, in every process that imports this module: on Python 3.11 that
was most of the module's import (4.7 ms for seven records, in every recording script;
issue 12). ``_Record`` holds ``__repr__``, ``__eq__`` and ``__hash__`` once for all of
them, each record writes its ``__init__`` and ``_values``, and ``@dataclass`` is told not to
(``init=False, repr=False, eq=False``); it still makes the fields (``fields``,
``replace`` and ``asdict`` work), the slots, ``__match_args__``, pickling and the frozen
``__setattr__``. What these methods do is what ``@dataclass`` would do, held to it by
``tests/records/test_models_methods.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from reprlib import recursive_repr
from typing import Any

__all__ = [
    "ArtifactCollection", "ArtifactVersion", "FileCheck", "ManifestEntry", "Project", "Run",
    "Usage", "artifact_key", "cluster_key", "is_artifact_key", "is_cluster_key", "is_run_key",
    "key_ident", "key_kind", "parse_key", "run_key",
]

_set = object.__setattr__  # what @dataclass's __init__ of a frozen class calls


class _Factory:
    """The default of a field made anew for each record (``field(default_factory=...)``),
    shown as ``@dataclass`` shows it in the signature."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_NEW: Any = _Factory()


class _Record:
    """``__repr__``, ``__eq__`` and ``__hash__`` over ``_values()``, the fields in their
    order, as ``@dataclass(frozen=True)`` writes them."""

    __slots__ = ()

    def _values(self) -> tuple[Any, ...]:
        raise NotImplementedError

    @recursive_repr()
    def __repr__(self) -> str:
        names = type(self).__match_args__  # type: ignore[attr-defined]
        shown = ", ".join(f"{name}={value!r}" for name, value in
                          zip(names, self._values(), strict=True))
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())


def run_key(run_id: str) -> str:
    """Graph key of a run: ``run:<id>``."""
    return f"{RUN}:{run_id}"


def artifact_key(name: str, index: int) -> str:
    """Graph key of an artifact version: ``artifact:<name>:v<n>``."""
    return f"{ARTIFACT}:{name}:v{index}"


RUN, ARTIFACT, CLUSTER = "run", "artifact", "cluster"  # the kinds of graph keys


def cluster_key(level: int, kind: str, type_name: str, name: str | None = None) -> str:
    """Graph key of a cluster: ``cluster:<level>:<kind>:<type>`` (``:<name>`` for the
    versions of one artifact)."""
    key = f"{CLUSTER}:{level}:{kind}:{type_name}"
    return key if name is None else f"{key}:{name}"


def key_kind(key: object) -> str:
    """``run``, ``artifact`` or ``cluster`` for a graph key; "" for anything else."""
    if not isinstance(key, str):
        return ""
    kind = key.partition(":")[0]
    return kind if kind in (RUN, ARTIFACT, CLUSTER) else ""


def key_ident(key: str) -> str:
    """What follows the kind: the run id, ``name:v<n>``, or the cluster's description."""
    return key.partition(":")[2]


def is_run_key(key: object) -> bool:
    return key_kind(key) == RUN


def is_artifact_key(key: object) -> bool:
    return key_kind(key) == ARTIFACT


def is_cluster_key(key: object) -> bool:
    """True for the keys of cluster nodes (``cluster:<level>:...``)."""
    return key_kind(key) == CLUSTER


def parse_key(key: str) -> tuple[str, str, int | None]:
    """Split a graph key into ``(kind, name_or_id, version_index)``.

    ``run:abc`` -> ``("run", "abc", None)``; ``artifact:data:v3`` -> ``("artifact", "data", 3)``;
    ``cluster:...`` -> ``("cluster", "...", None)``.
    """
    kind, _, rest = key.partition(":")
    if kind == "artifact":
        name, _, version = rest.rpartition(":")
        if version.startswith("v") and version[1:].isdigit():
            return kind, name, int(version[1:])
        return kind, rest, None
    return kind, rest, None


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class Project(_Record):
    """A project: its row id, entity and name."""

    id: int
    entity: str
    name: str

    def __init__(self, id: int, entity: str, name: str) -> None:  # noqa: A002
        _set(self, "id", id)
        _set(self, "entity", entity)
        _set(self, "name", name)

    def _values(self) -> tuple[Any, ...]:
        return (self.id, self.entity, self.name)


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class Run(_Record):
    """A run as stored: who, where, when, its config and how it ended."""

    id: str
    project: str
    entity: str
    name: str
    job_type: str | None = None
    group: str | None = None
    author: str | None = None
    host: str | None = None
    state: str = "running"
    started_at: str | None = None
    finished_at: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None
    tags: tuple[str, ...] = ()
    exit_code: int | None = None

    def __init__(self, id: str, project: str, entity: str, name: str,  # noqa: A002
                 job_type: str | None = None, group: str | None = None,
                 author: str | None = None, host: str | None = None, state: str = "running",
                 started_at: str | None = None, finished_at: str | None = None,
                 config: dict[str, Any] = _NEW, notes: str | None = None,
                 tags: tuple[str, ...] = (), exit_code: int | None = None) -> None:
        _set(self, "id", id)
        _set(self, "project", project)
        _set(self, "entity", entity)
        _set(self, "name", name)
        _set(self, "job_type", job_type)
        _set(self, "group", group)
        _set(self, "author", author)
        _set(self, "host", host)
        _set(self, "state", state)
        _set(self, "started_at", started_at)
        _set(self, "finished_at", finished_at)
        _set(self, "config", {} if config is _NEW else config)
        _set(self, "notes", notes)
        _set(self, "tags", tags)
        _set(self, "exit_code", exit_code)

    def _values(self) -> tuple[Any, ...]:
        return (self.id, self.project, self.entity, self.name, self.job_type, self.group,
                self.author, self.host, self.state, self.started_at, self.finished_at,
                self.config, self.notes, self.tags, self.exit_code)

    @property
    def key(self) -> str:
        return run_key(self.id)


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class ManifestEntry(_Record):
    """One file of a version: its path in the artifact, sha256, size and reference."""

    path: str
    digest: str
    size: int
    ref: str | None = None

    def __init__(self, path: str, digest: str, size: int, ref: str | None = None) -> None:
        _set(self, "path", path)
        _set(self, "digest", digest)
        _set(self, "size", size)
        _set(self, "ref", ref)

    @property
    def name(self) -> str:
        """W&B's ``ArtifactManifestEntry.name``: the same as ``path``."""
        return self.path

    def _values(self) -> tuple[Any, ...]:
        return (self.path, self.digest, self.size, self.ref)


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class ArtifactVersion(_Record):
    """One version of an artifact (``name:v<index>``) and what is known of it."""

    name: str
    index: int
    type: str
    project: str
    entity: str
    digest: str
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    size: int = 0
    file_count: int = 0
    created_at: str | None = None
    run_id: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    state: str = "COMMITTED"
    id: int = 0
    ttl: int | None = None  # seconds after ``created_at`` that W&B would keep it; None: always
    updated_at: str | None = None  # the last edit (description, metadata, aliases, tags, ttl)
    deleted_at: str | None = None  # a tombstone: deleted then, by ``deleted_by``
    deleted_by: str | None = None
    source_id: int | None = None  # a registry link: the version it points at
    history_step: int | None = None  # the run's history step when it was logged

    def __init__(self, name: str, index: int, type: str, project: str,  # noqa: A002
                 entity: str, digest: str, description: str | None = None,
                 metadata: dict[str, Any] = _NEW, size: int = 0, file_count: int = 0,
                 created_at: str | None = None, run_id: str | None = None,
                 aliases: tuple[str, ...] = (), tags: tuple[str, ...] = (),
                 state: str = "COMMITTED", id: int = 0,  # noqa: A002
                 ttl: int | None = None, updated_at: str | None = None,
                 deleted_at: str | None = None, deleted_by: str | None = None,
                 source_id: int | None = None, history_step: int | None = None) -> None:
        _set(self, "name", name)
        _set(self, "index", index)
        _set(self, "type", type)
        _set(self, "project", project)
        _set(self, "entity", entity)
        _set(self, "digest", digest)
        _set(self, "description", description)
        _set(self, "metadata", {} if metadata is _NEW else metadata)
        _set(self, "size", size)
        _set(self, "file_count", file_count)
        _set(self, "created_at", created_at)
        _set(self, "run_id", run_id)
        _set(self, "aliases", aliases)
        _set(self, "tags", tags)
        _set(self, "state", state)
        _set(self, "id", id)
        _set(self, "ttl", ttl)
        _set(self, "updated_at", updated_at)
        _set(self, "deleted_at", deleted_at)
        _set(self, "deleted_by", deleted_by)
        _set(self, "source_id", source_id)
        _set(self, "history_step", history_step)

    def _values(self) -> tuple[Any, ...]:
        return (self.name, self.index, self.type, self.project, self.entity, self.digest,
                self.description, self.metadata, self.size, self.file_count,
                self.created_at, self.run_id, self.aliases, self.tags, self.state, self.id,
                self.ttl, self.updated_at, self.deleted_at, self.deleted_by, self.source_id,
                self.history_step)

    @property
    def version(self) -> str:
        return f"v{self.index}"

    @property
    def key(self) -> str:
        return artifact_key(self.name, self.index)

    @property
    def qualified_name(self) -> str:
        return f"{self.entity}/{self.project}/{self.name}:{self.version}"


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class ArtifactCollection(_Record):
    """An artifact (all versions of one name) and how many versions it has."""

    name: str
    type: str
    project: str
    entity: str
    description: str | None = None
    version_count: int = 0
    created_at: str | None = None

    def __init__(self, name: str, type: str, project: str, entity: str,  # noqa: A002
                 description: str | None = None, version_count: int = 0,
                 created_at: str | None = None) -> None:
        _set(self, "name", name)
        _set(self, "type", type)
        _set(self, "project", project)
        _set(self, "entity", entity)
        _set(self, "description", description)
        _set(self, "version_count", version_count)
        _set(self, "created_at", created_at)

    def _values(self) -> tuple[Any, ...]:
        return (self.name, self.type, self.project, self.entity, self.description,
                self.version_count, self.created_at)


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class Usage(_Record):
    """A run used a version (its row id) at a time."""

    run_id: str
    version_id: int
    used_at: str

    def __init__(self, run_id: str, version_id: int, used_at: str) -> None:
        _set(self, "run_id", run_id)
        _set(self, "version_id", version_id)
        _set(self, "used_at", used_at)

    def _values(self) -> tuple[Any, ...]:
        return (self.run_id, self.version_id, self.used_at)


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class FileCheck(_Record):
    """One verify finding: ``status`` is ``changed``, ``missing``, ``extra``, ``unsafe``
    (the entry was refused unread: a path, digest or reference that could reach outside
    the store, a linked blob) or ``unreadable`` (permission denied, a folder, an I/O
    error); ``detail`` says why for the last two. Every text may come from a hostile
    store: escape it where it is shown."""

    artifact: str
    path: str
    status: str
    expected: str | None = None
    actual: str | None = None
    detail: str | None = None

    def __init__(self, artifact: str, path: str, status: str, expected: str | None = None,
                 actual: str | None = None, detail: str | None = None) -> None:
        _set(self, "artifact", artifact)
        _set(self, "path", path)
        _set(self, "status", status)
        _set(self, "expected", expected)
        _set(self, "actual", actual)
        _set(self, "detail", detail)

    def _values(self) -> tuple[Any, ...]:
        return (self.artifact, self.path, self.status, self.expected, self.actual,
                self.detail)
