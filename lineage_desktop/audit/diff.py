"""Diff of two artifact versions: files, metadata, and the inputs upstream of each."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lineage_desktop.graph.nodes import nodes_of
from lineage_desktop.records import ArtifactVersion, ManifestEntry
from lineage_desktop.sdk.api import Api

_MISSING = object()


@dataclass(frozen=True)
class FileChange:
    path: str
    old_digest: str
    new_digest: str
    old_size: int
    new_size: int


@dataclass(frozen=True)
class KeyChanges:
    """Keys of two mappings (flattened to dotted names) added, removed and changed."""

    added: dict[str, Any] = field(default_factory=dict)
    removed: dict[str, Any] = field(default_factory=dict)
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "removed": self.removed,
                "changed": {k: {"old": o, "new": n} for k, (o, n) in self.changed.items()}}


def key_changes(a: dict[str, Any], b: dict[str, Any]) -> KeyChanges:
    """What changed from ``a`` to ``b``, nested values named by their dotted keys."""
    old, new = flatten(a), flatten(b)
    changes = KeyChanges()
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key, _MISSING), new.get(key, _MISSING)
        if before is _MISSING:
            changes.added[key] = after
        elif after is _MISSING:
            changes.removed[key] = before
        elif before != after:
            changes.changed[key] = (before, after)
    return changes


@dataclass(frozen=True)
class VersionDiff:
    """What changed from version ``a`` to version ``b``.

    ``inputs_changed`` maps an upstream artifact name to the versions each side used
    (``("train-split:v3", "train-split:v4")``); ``inputs_only_a``/``_only_b`` list
    upstream versions of artifacts that only one side descends from.
    """

    a: str
    b: str
    files_added: list[ManifestEntry] = field(default_factory=list)
    files_removed: list[ManifestEntry] = field(default_factory=list)
    files_changed: list[FileChange] = field(default_factory=list)
    metadata_added: dict[str, Any] = field(default_factory=dict)
    metadata_removed: dict[str, Any] = field(default_factory=dict)
    metadata_changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    inputs_only_a: list[str] = field(default_factory=list)
    inputs_only_b: list[str] = field(default_factory=list)
    inputs_changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    producer_a: str | None = None
    producer_b: str | None = None

    @property
    def identical(self) -> bool:
        return not (self.files_added or self.files_removed or self.files_changed
                    or self.metadata_added or self.metadata_removed or self.metadata_changed
                    or self.inputs_only_a or self.inputs_only_b or self.inputs_changed)

    def to_json(self) -> dict[str, Any]:
        def entry(e: ManifestEntry) -> dict[str, Any]:
            return {"path": e.path, "digest": e.digest, "size": e.size}

        return {
            "a": self.a, "b": self.b, "identical": self.identical,
            "files": {
                "added": [entry(e) for e in self.files_added],
                "removed": [entry(e) for e in self.files_removed],
                "changed": [{"path": c.path, "old_digest": c.old_digest,
                             "new_digest": c.new_digest, "old_size": c.old_size,
                             "new_size": c.new_size} for c in self.files_changed],
            },
            "metadata": {
                "added": self.metadata_added, "removed": self.metadata_removed,
                "changed": {k: {"old": o, "new": n}
                            for k, (o, n) in self.metadata_changed.items()},
            },
            "lineage": {
                "producer_a": self.producer_a, "producer_b": self.producer_b,
                "inputs_only_a": self.inputs_only_a, "inputs_only_b": self.inputs_only_b,
                "inputs_changed": {k: {"a": a, "b": b}
                                   for k, (a, b) in self.inputs_changed.items()},
            },
        }


def flatten(metadata: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested metadata as dotted keys, so that a change deep inside is named exactly."""
    flat: dict[str, Any] = {}
    for key, value in metadata.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _files(a: list[ManifestEntry], b: list[ManifestEntry], diff: VersionDiff) -> None:
    old, new = {e.path: e for e in a}, {e.path: e for e in b}
    diff.files_added.extend(new[p] for p in sorted(new.keys() - old.keys()))
    diff.files_removed.extend(old[p] for p in sorted(old.keys() - new.keys()))
    for path in sorted(old.keys() & new.keys()):
        if old[path].digest != new[path].digest or old[path].size != new[path].size:
            diff.files_changed.append(FileChange(path, old[path].digest, new[path].digest,
                                                 old[path].size, new[path].size))


def _metadata(a: dict[str, Any], b: dict[str, Any], diff: VersionDiff) -> None:
    changes = key_changes(a, b)
    diff.metadata_added.update(changes.added)
    diff.metadata_removed.update(changes.removed)
    diff.metadata_changed.update(changes.changed)


def _upstream_versions(api: Api, version: ArtifactVersion) -> dict[str, set[str]]:
    graph = api.lineage(version.key, downstream=0)
    found: dict[str, set[str]] = {}
    for key, data in nodes_of(graph):
        if key != version.key and data.is_artifact and not data.missing:
            found.setdefault(data.name or str(key), set()).add(data.label_or(key))
    return found


def _lineage(api: Api, a: ArtifactVersion, b: ArtifactVersion, diff: VersionDiff) -> None:
    up_a, up_b = _upstream_versions(api, a), _upstream_versions(api, b)
    for name in sorted(up_a.keys() | up_b.keys()):
        left, right = up_a.get(name, set()), up_b.get(name, set())
        if left == right:
            continue
        if left and right:
            diff.inputs_changed[name] = (", ".join(sorted(left)), ", ".join(sorted(right)))
        elif left:
            diff.inputs_only_a.extend(sorted(left))
        else:
            diff.inputs_only_b.extend(sorted(right))


def diff_versions(api: Api, a_ref: str, b_ref: str) -> VersionDiff:
    """Compare two versions (usually of one artifact; any two versions work)."""
    a, b = api.resolve(a_ref), api.resolve(b_ref)
    diff = VersionDiff(a=f"{a.name}:{a.version}", b=f"{b.name}:{b.version}",
                       producer_a=a.run_id, producer_b=b.run_id)
    _files(api.manifest(a.id), api.manifest(b.id), diff)
    _metadata(a.metadata, b.metadata, diff)
    _lineage(api, a, b, diff)
    return diff
