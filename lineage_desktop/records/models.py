"""Plain-value records that cross layer boundaries (no sqlite rows, no Qt types)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True, slots=True)
class Project:
    id: int
    entity: str
    name: str


@dataclass(frozen=True, slots=True)
class Run:
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

    @property
    def key(self) -> str:
        return run_key(self.id)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    path: str
    digest: str
    size: int
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class ArtifactVersion:
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

    @property
    def version(self) -> str:
        return f"v{self.index}"

    @property
    def key(self) -> str:
        return artifact_key(self.name, self.index)

    @property
    def qualified_name(self) -> str:
        return f"{self.entity}/{self.project}/{self.name}:{self.version}"


@dataclass(frozen=True, slots=True)
class ArtifactCollection:
    name: str
    type: str
    project: str
    entity: str
    description: str | None = None
    version_count: int = 0
    created_at: str | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    run_id: str
    version_id: int
    used_at: str


@dataclass(frozen=True, slots=True)
class FileCheck:
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
