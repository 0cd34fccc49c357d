"""The verify engine: one check of artifact versions behind ``lineage-desktop verify``,
the window's *Verify integrity* and the HTML report.

``verify_versions`` checks the given versions with the per-entry rules of
``sdk/integrity.py`` (the same ones ``Artifact.verify`` applies):

- a blob or referenced file shared by several versions is hashed once (same location,
  same recorded digest, same answer);
- extra files are looked for inside the folders a version added as one reference, with
  that module's safety rules (never in or above a protected location, never through a
  symbolic link, at most ``EXTRA_LIMIT`` unlisted entries per folder, a note otherwise);
- remote references (``s3://``, ``https://``) cannot be read offline: they are counted
  as *unchecked*, each with the reason;
- the database file itself is checked (``Store.check_database``);
- a version with any finding is *compromised*; every run and version downstream of it
  is *tainted* (within ``lineage`` when a graph is given, else in the whole store).

The callers only choose the versions and show the ``VerifyReport``.
"""
from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

import networkx as nx

from lineage_desktop.graph import downstream_distances
from lineage_desktop.records import ArtifactVersion, FileCheck, ManifestEntry
from lineage_desktop.records.text import plural
from lineage_desktop.records.validation import UnsafeEntry
from lineage_desktop.sdk.integrity import (
    check_content,
    entry_location,
    referenced_folders,
    unrecorded_files,
)
from lineage_desktop.store import Store

Progress = Callable[[int, int], None]  # (done, total)
Cancelled = Callable[[], bool]

STATUSES = ("changed", "missing", "extra", "unsafe", "unreadable")
DATABASE_CHECKS = ("integrity_check", "quick_check")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]{0,15}):")


@dataclass(frozen=True)
class Unchecked:
    """A manifest entry that could not be checked (a remote reference) and why."""

    artifact: str
    path: str
    reason: str


@dataclass(frozen=True)
class DatabaseCheck:
    """SQLite's own check of the store file: which one ran and what it found."""

    check: str = "integrity_check"
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerifyReport:
    """What one verify run checked and found.

    ``checked`` counts the artifact versions checked, ``files`` the manifest entries
    seen (``unchecked`` ones included); ``findings`` lists every finding in the order
    checked; ``compromised`` maps the key of every version with a finding to its
    findings; ``tainted`` holds the keys downstream of them (compromised keys excluded).
    ``locations`` tells where on disk each finding's content lies, ``notes`` why an
    extra-file search was refused or cut short. ``database`` is None when the database
    was not checked; ``complete`` is False when the run was cancelled.
    """

    scope: str = "the given versions"
    checked: int = 0
    files: int = 0
    matching: int = 0
    unchecked: tuple[Unchecked, ...] = ()
    findings: tuple[FileCheck, ...] = ()
    compromised: dict[str, tuple[FileCheck, ...]] = field(default_factory=dict)
    tainted: frozenset[str] = frozenset()
    locations: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    database: DatabaseCheck | None = None
    complete: bool = True

    @property
    def ok(self) -> bool:
        """No finding and no database problem."""
        return not self.findings and (self.database is None or self.database.ok)

    @property
    def files_checked(self) -> int:
        """Entries whose content was looked at (refused ones included), remote ones not."""
        return self.files - len(self.unchecked)

    def count(self, status: str) -> int:
        """How many findings have ``status`` (one of ``STATUSES``)."""
        return sum(f.status == status for f in self.findings)

    @property
    def mismatching(self) -> int:
        """Entries whose content differs from its digest or is gone."""
        return self.count("changed") + self.count("missing")

    def problems(self) -> list[FileCheck]:
        """Every finding, by version key."""
        return [check for key in sorted(self.compromised) for check in self.compromised[key]]

    def status(self, key: str) -> str:
        """``compromised``, ``tainted`` or ``ok`` for one node key."""
        if key in self.compromised:
            return "compromised"
        return "tainted" if key in self.tainted else "ok"


def describe(report: VerifyReport) -> list[tuple[str, str]]:
    """What a report checked, one ``(field, plain-text line)`` each: ``scope``,
    ``checked``, ``unchecked`` (with why), ``matching``, ``mismatching``, then ``extra``,
    ``unsafe``, ``unreadable`` when any, ``database``, and ``stopped`` when cancelled.
    The window's legend and the HTML report show these lines."""
    lines = [
        ("scope", f"Scope: {report.scope} ({plural(report.checked, 'artifact version')})"),
        ("checked", f"Checked: {plural(report.files_checked, 'file')} re-hashed against "
                    "their recorded digests"),
    ]
    reasons = sorted({u.reason for u in report.unchecked})
    why = f" — {'; '.join(reasons)}" if reasons else ""
    lines.append(("unchecked",
                  f"Unchecked: {plural(len(report.unchecked), 'remote reference')}{why}"))
    lines.append(("matching", f"Matching: {plural(report.matching, 'file')}"))
    lines.append(("mismatching", f"Mismatching: {plural(report.mismatching, 'file')} "
                                 "changed or missing"))
    for status, text in (("extra", "in referenced folders, not in the manifest"),
                         ("unsafe", "refused unread (unsafe path, digest or reference)"),
                         ("unreadable", "could not be read")):
        if report.count(status):
            lines.append((status, f"{status.capitalize()}: "
                                  f"{plural(report.count(status), 'file')} {text}"))
    db = report.database
    lines.append(("database", "Database: not checked" if db is None else
                  f"Database: {db.check} found no problem" if db.ok else
                  f"Database: {db.check} found {plural(len(db.problems), 'problem')}"))
    if not report.complete:
        lines.append(("stopped", "Stopped before the end: the counts are partial"))
    return lines


def unchecked_reason(ref: str) -> str:
    """Why a remote reference is not checked (its scheme only: the URI is store text)."""
    match = _SCHEME.match(ref)
    scheme = f"{match.group(1).lower()}://" if match else "remote"
    return f"{scheme} reference: cannot be read offline"


def downstream_of(store: Store, version_ids: Iterable[int]) -> set[str]:
    """Keys of every run and version downstream of the given versions (read from the
    store with the recursive lineage query; the versions themselves excluded)."""
    found: set[str] = set()
    for version_id in version_ids:
        rows = store.lineage_rows("v", version_id, upstream=0)
        found.update(r.key for r in rows.runs)
        found.update(v.key for v in rows.versions if v.id != version_id)
    return found


def downstream_in(graph: nx.DiGraph, keys: Iterable[str]) -> set[str]:
    """Keys downstream of ``keys`` within ``graph`` (``keys`` themselves excluded)."""
    keys = set(keys)
    reached: set[str] = set()
    for key in keys:
        if key in graph:
            reached.update(downstream_distances(graph, key))
    return reached - keys


# Content is hashed by worker threads, a bounded number of entries ahead of the one
# being reported: the opens, reads and ``hashlib`` release the GIL, so one batch's I/O
# and hashing overlap the next entries' checks, and big files hash on every core.
# Small files go in batches (a thread hand-off per file costs more than hashing one);
# results are taken in manifest order, so the report is the same as hashing one file
# after the other.
HASH_THREADS = max(2, min(4, os.cpu_count() or 1))
AHEAD = 512  # entries planned ahead of the one reported
BATCH_FILES = 64
BATCH_BYTES = 4 << 20

_Key = tuple[str, str, str | None]
_Args = tuple[Store, str, ManifestEntry, Path]


class _Batch:
    """Content checks handed to a worker thread together."""

    def __init__(self) -> None:
        self.calls: list[_Args] = []
        self.size = 0
        self.future: Future[list[FileCheck | None]] | None = None


class _Content(NamedTuple):  # NamedTuples: one of each per entry, built fast
    """The answer to one content check: the ``index``-th of ``batch``."""

    batch: _Batch
    slot: int


class _Hasher:
    """Runs ``check_content`` calls on a thread pool in batches, in order."""

    def __init__(self, pool: ThreadPoolExecutor | None) -> None:
        self._pool = pool
        self._batch = _Batch()

    def add(self, args: _Args) -> _Content:
        batch = self._batch
        batch.calls.append(args)
        batch.size += max(args[2].size, 0) if isinstance(args[2].size, int) else 0
        if len(batch.calls) >= BATCH_FILES or batch.size >= BATCH_BYTES:
            self._submit()
        return _Content(batch, len(batch.calls) - 1)

    def result(self, content: _Content) -> FileCheck | None:
        if content.batch is self._batch:
            self._submit()  # needed now: do not wait for the batch to fill
        assert content.batch.future is not None
        return content.batch.future.result()[content.slot]

    def _submit(self) -> None:
        if self._pool is None:
            self._batch.future = Future()
            self._batch.future.set_result(_check_batch(self._batch.calls))
        else:
            self._batch.future = self._pool.submit(_check_batch, self._batch.calls)
        self._batch = _Batch()


def _check_batch(calls: list[_Args]) -> list[FileCheck | None]:
    # The module's name is looked up at each call: tests count the calls.
    return [check_content(*args) for args in calls]


class _Entry(NamedTuple):
    """One manifest entry on its way to the report: refused (``refused``), remote
    (``content`` None, ``refused`` None) or being checked (``content``)."""

    label: str
    entry: ManifestEntry
    location: str | None = None
    content: _Content | None = None
    refused: FileCheck | None = None


class _End(NamedTuple):
    """The last entry of a version has been planned: look for its extra files."""

    version: ArtifactVersion
    label: str
    entries: list[ManifestEntry]


class _Run:
    """The state of one ``verify_versions`` call."""

    def __init__(self, store: Store, progress: Progress | None, total: int,
                 by_file: bool, cancelled: Cancelled | None) -> None:
        self.store, self.progress, self.total = store, progress, total
        self.by_file, self.cancelled = by_file, cancelled
        self.files = self.matching = 0
        self.unchecked: list[Unchecked] = []
        self.locations: dict[tuple[str, str], str] = {}
        self.notes: list[str] = []
        self._memo: dict[_Key, _Content] = {}

    def stop(self) -> bool:
        return self.cancelled is not None and self.cancelled()

    def versions(self, versions: Sequence[ArtifactVersion],
                 hasher: _Hasher) -> Iterator[tuple[ArtifactVersion, list[FileCheck]]]:
        """Each version checked to the end with its findings, in order, until cancelled
        (checked between two entries)."""
        found: list[FileCheck] = []
        for item in _ahead(self._planned(versions, hasher), AHEAD):
            if isinstance(item, _End):
                if not item.entries and self.stop():
                    return
                found += self._extras(item)
                yield item.version, found
                found = []
                continue
            if self.stop():
                return
            problem = self._outcome(item, hasher)
            if problem is not None:
                found.append(problem)
            self.files += 1
            if self.by_file and self.progress is not None:
                self.progress(self.files, self.total)

    def _planned(self, versions: Sequence[ArtifactVersion],
                 hasher: _Hasher) -> Iterator[_Entry | _End]:
        for version in versions:
            if self.stop():
                return
            label = f"{version.name}:{version.version}"
            entries = self.store.manifest(version.id)
            for entry in entries:
                yield self._plan(label, entry, hasher)
            yield _End(version, label, entries)

    def _plan(self, label: str, entry: ManifestEntry, hasher: _Hasher) -> _Entry:
        try:
            source = entry_location(self.store, label, entry)
        except UnsafeEntry as refused:
            return _Entry(label, entry, refused=FileCheck(
                label, entry.path, "unsafe", None, None, refused.reason))
        if source is None:
            return _Entry(label, entry)
        location = str(source)
        key = (location, entry.digest, entry.ref)
        content = self._memo.get(key)
        if content is None:
            content = self._memo[key] = hasher.add((self.store, label, entry, source))
        return _Entry(label, entry, location, content)

    def _outcome(self, item: _Entry, hasher: _Hasher) -> FileCheck | None:
        entry, label = item.entry, item.label
        if item.refused is not None:
            return item.refused
        if item.content is None:
            self.unchecked.append(Unchecked(label, entry.path, unchecked_reason(entry.ref or "")))
            return None
        found = hasher.result(item.content)
        if found is None:
            self.matching += 1
            return None
        self.locations[(label, entry.path)] = item.location or ""
        return FileCheck(label, entry.path, found.status, found.expected, found.actual,
                         found.detail)

    def _extras(self, end: _End) -> list[FileCheck]:
        found = []
        for root, (prefix, recorded) in referenced_folders(end.entries).items():
            scan = unrecorded_files(root, recorded)
            if scan.note:
                self.notes.append(f"{end.label}: {scan.note}")
            for rel in scan.extras:
                path = f"{prefix}/{rel}" if prefix else rel
                found.append(FileCheck(end.label, path, "extra", None, None))
                self.locations[(end.label, path)] = str(root / rel)
        return found


_T = TypeVar("_T")


def _ahead(items: Iterator[_T], size: int) -> Iterator[_T]:
    """``items`` in order, with ``size`` of them taken (their work submitted) ahead of
    the one yielded."""
    buffer = deque(islice(items, size))
    while buffer:
        yield buffer.popleft()
        buffer.extend(islice(items, 1))


def verify_versions(
    store: Store,
    versions: Sequence[ArtifactVersion],
    progress: Progress | None = None,
    cancel: Cancelled | None = None,
    *,
    scope: str = "the given versions",
    database: str | None = "integrity_check",
    lineage: nx.DiGraph | None = None,
    progress_by: Literal["version", "file"] = "version",
) -> VerifyReport:
    """Check ``versions`` (see the module docstring) and report what was checked.

    ``progress(done, total)`` counts versions, or files with ``progress_by="file"``
    (totals from the versions' recorded file counts); ``cancel()`` returning True stops
    the run between two entries (the report then says ``complete=False``).
    ``database`` names SQLite's check (``integrity_check``, ``quick_check``) or None to
    skip it. ``lineage`` limits the taint to that graph (the window's "this lineage").
    """
    if database is not None and database not in DATABASE_CHECKS:
        raise ValueError(f"unknown database check {database!r}: use one of "
                         f"{', '.join(DATABASE_CHECKS)}")
    by_file = progress_by == "file"
    total = sum(max(v.file_count, 0) for v in versions) if by_file else len(versions)
    run = _Run(store, progress, total, by_file, cancel)
    db = None
    if database is not None and not run.stop():
        db = DatabaseCheck(database, tuple(
            store.check_database(thorough=database == "integrity_check")))
    compromised: dict[str, tuple[FileCheck, ...]] = {}
    findings: list[FileCheck] = []
    checked = 0
    with ThreadPoolExecutor(max(HASH_THREADS, 1), thread_name_prefix="verify") as pool:
        try:
            hasher = _Hasher(pool if HASH_THREADS else None)
            for version, found in run.versions(versions, hasher):
                checked += 1
                if found:
                    compromised[version.key] = tuple(found)
                    findings += found
                if not by_file and progress is not None:
                    progress(checked, total)
        finally:
            pool.shutdown(cancel_futures=True)  # cancelled: drop what was queued ahead
    if lineage is not None:
        tainted = downstream_in(lineage, compromised)
    else:
        ids = [v.id for v in versions if v.key in compromised]
        tainted = downstream_of(store, ids) - set(compromised)
    return VerifyReport(
        scope=scope, checked=checked, files=run.files, matching=run.matching,
        unchecked=tuple(run.unchecked), findings=tuple(findings), compromised=compromised,
        tainted=frozenset(tainted), locations=run.locations, notes=tuple(run.notes),
        database=db, complete=checked == len(versions))


__all__ = [
    "DATABASE_CHECKS",
    "STATUSES",
    "DatabaseCheck",
    "Unchecked",
    "VerifyReport",
    "describe",
    "downstream_in",
    "downstream_of",
    "unchecked_reason",
    "verify_versions",
]
