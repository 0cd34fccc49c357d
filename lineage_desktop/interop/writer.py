"""Idempotent writes shared by the importers: runs by id, versions by digest, usages and
outputs once.

Importers keep the original times of the other tool, so they write through the store's
methods (``insert_run``, ``log_version`` with ``created_at``, ``add_usage`` with
``used_at``, ``add_output`` with ``logged_at``) rather than through ``sdk.Run``, which
stamps records with its own clock.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any, TypeVar

from lineage_desktop.interop.naming import with_suffix
from lineage_desktop.records import ArtifactVersion, ManifestEntry, Run
from lineage_desktop.store import Store, bytes_digest, manifest_digest
from lineage_desktop.store.interop import NewVersion

FINAL_STATES = ("finished", "failed", "crashed")
BATCH = 500  # records per transaction of an import
RUN_CACHE = 100_000  # run ids whose existence a writer remembers
T = TypeVar("T")


def reference_entry(path: str, uri: str, key: str | None = None, size: int = 0) -> ManifestEntry:
    """A manifest entry for content known only by location and a version key.

    The key goes into the URI's fragment and the entry's digest is the digest of that
    URI: ``verify`` then knows it cannot re-hash the content (exactly as for a reference
    added with ``checksum=False``), and distinct versions still get distinct digests.
    """
    ref = f"{uri}#{key}" if key else uri
    return ManifestEntry(path=path, digest=bytes_digest(ref.encode("utf-8")), size=size, ref=ref)


def entry_path(text: str, fallback: str = "data") -> str:
    """A manifest path (relative, no ``..``) made from a foreign name or path."""
    parts = [p for p in text.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or fallback


# Not frozen: one is made per version of a bulk write, and a frozen class's __init__
# is several times as slow.
@dataclass(slots=True)
class VersionSpec:
    """The arguments of ``LineageWriter.put_version``, as one value."""

    project_id: int
    name: str
    type: str
    entries: Sequence[ManifestEntry]
    created_at: str
    run_id: str | None = None
    digest: str | None = None
    description: str | None = None
    metadata: dict[str, Any] | None = None
    tags: Sequence[str] = ()
    aliases: Sequence[str] | None = None
    files: Sequence[tuple[str, str]] = ()
    size: int | None = None        # default: the entries' sizes added up
    file_count: int | None = None  # default: the number of entries


class LineageWriter:
    """Writes imported records so that importing the same input twice adds nothing."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._run_exists: dict[str, bool] = {}
        self._owners: dict[tuple[int, str], object] = {}
        self._names: dict[tuple[int, str, object], str] = {}

    def artifact_name(
        self, project_id: int, wanted: str, origin: object,
        origin_of: Callable[[ArtifactVersion], object],
    ) -> str:
        """``wanted``, unless another foreign object (``origin``: its namespace and name,
        its path...) already has an artifact of that name: then ``wanted`` plus a hash of
        ``origin``. ``origin_of`` reads the origin back from a stored version."""
        key = (project_id, wanted, origin)
        if key not in self._names:
            name = wanted
            owner = self._owners.get((project_id, wanted))
            if owner is None:
                first = self.store.first_version(project_id, wanted)
                owner = origin_of(first) if first is not None else None
            if owner is not None and owner != origin:
                name = with_suffix(wanted, repr(origin))
            self._owners[(project_id, name)] = origin
            self._names[key] = name
        return self._names[key]

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One imported record: all of it is written or none (its own transaction, or a
        savepoint of the one ``in_batches`` holds open)."""
        try:
            with self.store.savepoint():
                yield
        except BaseException:
            self.store.forget_cached_ids()
            self._run_exists.clear()
            raise

    def batches(self, items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
        """``items`` in lists of ``size``, each inside one transaction (committed when
        the next list is asked for)."""
        iterator = iter(items)
        while chunk := list(islice(iterator, size)):
            with self.store.transaction():
                yield chunk

    def in_batches(self, items: Iterable[T], size: int = BATCH) -> Iterator[T]:
        """``items``, with one transaction committing every ``size`` of them: a record
        (``atomic``) that fails is undone alone, and a commit per record (most of an
        import's time) becomes one per batch."""
        for chunk in self.batches(items, size):
            yield from chunk

    def project(self, entity: str, name: str) -> int:
        return self.store.ensure_project(entity, name)

    def existing_run(self, run_id: str) -> Run | None:
        found = self.store.runs_by_ids([run_id])
        return found[0] if found else None

    def has_run(self, run_id: str) -> bool:
        if run_id not in self._run_exists:
            self._run_exists[run_id] = self.existing_run(run_id) is not None
        return self._run_exists[run_id]

    def put_run(self, project_id: int, run: Run) -> str:
        """Insert a run, or complete one recorded earlier while it was still running.

        Returns ``"created"``, ``"updated"`` or ``"unchanged"``.
        """
        return self.put_runs([(project_id, run)])[0]

    def put_runs(self, runs: Sequence[tuple[int, Run]]) -> list[str]:
        """``put_run`` of each ``(project id, run)`` in order, with one read and one
        insert for all of them."""
        known = {r.id: r for r in self.store.runs_by_ids(dict.fromkeys(r.id for _, r in runs))}
        added: dict[str, tuple[int, Run]] = {}
        updates: list[tuple[str, dict[str, Any]]] = []
        outcomes = []
        for project_id, run in runs:
            existing = known.get(run.id)
            if existing is None:
                known[run.id] = run
                added[run.id] = (project_id, run)
                outcomes.append("created")
            elif existing.state == "running" and run.state in FINAL_STATES:
                fields: dict[str, Any] = {
                    "state": run.state, "finished_at": run.finished_at,
                    "exit_code": run.exit_code, "config": run.config,
                    "notes": run.notes or existing.notes}
                known[run.id] = replace(existing, **fields)
                if run.id in added:  # created by this call: inserted completed
                    added[run.id] = (added[run.id][0], known[run.id])
                else:
                    updates.append((run.id, fields))
                outcomes.append("updated")
            else:
                outcomes.append("unchanged")
        self.store.insert_runs(added.values())
        for run_id, fields in updates:
            self.store.update_run(run_id, **fields)
        self._remember_runs(dict.fromkeys(added, True))
        return outcomes

    def _remember_runs(self, known: dict[str, bool]) -> None:
        # A cache, not a record: bounded, so that memory does not grow with the runs of
        # a big import (a forgotten run is asked of the store again).
        if len(self._run_exists) + len(known) > RUN_CACHE:
            self._run_exists.clear()
        self._run_exists.update(known)

    def _have_runs(self, run_ids: Iterable[str | None]) -> None:
        """Learn in one query which of ``run_ids`` the store has (for ``has_run``)."""
        unknown = {r for r in run_ids if r is not None and r not in self._run_exists}
        found = self.store.existing_run_ids(unknown)
        self._remember_runs({run_id: run_id in found for run_id in unknown})

    def artifact_type(self, project_id: int, name: str, wanted: str) -> str:
        """The type to log ``name`` with: its existing type wins over a guessed one."""
        return self.store.artifact_type_of(project_id, name) or wanted

    def find_version(self, project_id: int, name: str, digest: str) -> int | None:
        """The id of the version of ``name`` with this digest, if any."""
        return self.store.version_id_by_digest(project_id, name, digest)

    def put_version(
        self, project_id: int, name: str, type_name: str, entries: Sequence[ManifestEntry], *,
        created_at: str, run_id: str | None = None, digest: str | None = None,
        description: str | None = None, metadata: dict[str, Any] | None = None,
        tags: Sequence[str] = (), aliases: Sequence[str] | None = None,
        files: Sequence[tuple[str, str]] = (), size: int | None = None,
        file_count: int | None = None,
    ) -> tuple[int, bool]:
        """Record a version unless one with the same digest exists; ``(id, created)``.

        ``run_id`` gets its output edge either way (logged at ``created_at``), and becomes
        the producer of an existing version that has none. With ``aliases`` None,
        ``latest`` is added when the version is the newest of its artifact, so that
        importing history out of order never moves ``latest`` back.
        """
        return self.put_versions([VersionSpec(
            project_id, name, type_name, entries, created_at, run_id, digest, description,
            metadata, tags, aliases, files, size, file_count)])[0]

    def put_versions(self, specs: Sequence[VersionSpec]) -> list[tuple[int, bool]]:
        """``put_version`` of each spec in order: the lookups of all of them in a few
        queries, the new versions written with one statement per table."""
        digests = [s.digest or manifest_digest([(e.path, e.digest) for e in s.entries])
                   for s in specs]
        keys = [(s.project_id, s.name) for s in specs]
        found = {key: version_id for key, (version_id, _) in self.store.versions_with_digests(
            (*key, digest) for key, digest in zip(keys, digests, strict=True)).items()}
        heads = self.store.artifact_heads(keys)
        newest = self.store.newest_created(keys)
        self._have_runs(s.run_id for s in specs)
        # (version id, created); a version this call creates is named -1 - its position
        results: list[tuple[int, bool]] = []
        new: list[NewVersion] = []
        edges: list[tuple[str, int, str]] = []
        for spec, key, digest in zip(specs, keys, digests, strict=True):
            same = found.get((*key, digest))
            if same is not None:
                if spec.run_id is not None and self.has_run(spec.run_id):
                    edges.append((spec.run_id, same, spec.created_at))
                results.append((same, False))
                continue
            aliases = spec.aliases
            if aliases is None:
                aliases = ["latest"] if newest.get(key) is None or \
                    (newest.get(key) or "") <= spec.created_at else []
            kind = heads[key][0] if key in heads else spec.type
            heads.setdefault(key, (kind, 0))
            newest[key] = max(newest.get(key) or "", spec.created_at)
            found[(*key, digest)] = -len(new) - 1
            results.append((-len(new) - 1, True))
            new.append(NewVersion(
                spec.project_id, spec.name, kind, digest, spec.entries, spec.created_at,
                spec.description, spec.metadata or {}, spec.tags,
                spec.run_id if spec.run_id is not None and self.has_run(spec.run_id) else None,
                aliases, spec.files, spec.size, spec.file_count))
        placed = self.store.append_versions(new)
        ids = [version_id for version_id, _ in placed]

        def real(version: int) -> int:
            return version if version >= 0 else ids[-version - 1]

        self.store.add_outputs([(run_id, real(v), at) for run_id, v, at in edges])
        return [(real(v), created) for v, created in results]

    def outputs(self, edges: Sequence[tuple[str, int, str]]) -> int:
        """``output`` of each ``(run id, version id, logged at)``; how many were new."""
        self._have_runs(run_id for run_id, _, _ in edges)
        return self.store.add_outputs([e for e in edges if self.has_run(e[0])])

    def output(self, run_id: str, version_id: int, logged_at: str) -> bool:
        """Record once that a run logged a version (when the run is in the store); True if
        the edge is new."""
        return self.has_run(run_id) and self.store.add_output(run_id, version_id, logged_at)

    def use(self, run_id: str, version_id: int, used_at: str) -> bool:
        """Record a usage once; True if it is new."""
        return self.store.add_usage_if_new(run_id, version_id, used_at)
