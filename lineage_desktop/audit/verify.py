"""The verify engine: one check of artifact versions behind ``lineage-desktop verify``,
the window's *Verify integrity* and the HTML report.

``verify_versions`` checks the given versions with the per-entry rules of
``sdk/integrity.py`` (the same ones ``Artifact.verify`` applies):

- a blob or referenced file shared by several versions is hashed once (same location,
  same recorded digest, same answer);
- extra files are looked for inside the folders a version added as one reference, with
  that module's safety rules (never in or above a protected location, never through a
  symbolic link, at most ``EXTRA_LIMIT`` unlisted entries per folder, a note otherwise);
- every entry is counted (``verify_counts.py``): re-hashed and matching or mismatching,
  or not checked with the reason: remote references (``s3://``, ``https://``) cannot be
  read offline, references added with ``checksum=False`` recorded no content digest
  (they only have to exist), a store without its ``.files`` folder kept no content;
- the database file itself is checked (``Store.check_database``);
- checking the whole store notes distributed drafts left unfinished for days
  (``audit/drafts.py``): no mismatch, but files that no version lists;
- a version with any finding is *compromised*; every run and version downstream of it
  is *tainted* (within ``lineage`` when a graph is given, else in the whole store).

The callers only choose the versions and show the ``VerifyReport`` (``verify_report.py``,
re-exported here with ``describe``).
"""
from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Literal, NamedTuple, TypeVar

import networkx as nx

from lineage_desktop.audit.drafts import stale_draft_notes
from lineage_desktop.audit.verify_content import Answer, Content
from lineage_desktop.audit.verify_counts import WHOLE_STORE, Tally, VersionCounts, with_status
from lineage_desktop.audit.verify_report import (
    STATUSES,
    DatabaseCheck,
    Unchecked,
    VerifyReport,
    describe,
)
from lineage_desktop.graph import downstream_distances
from lineage_desktop.records import ArtifactVersion, FileCheck, ManifestEntry
from lineage_desktop.records.validation import (
    InvalidDigest,
    InvalidEntryPath,
    UnsafeEntry,
    validate_digest,
    validate_stored_path,
)
from lineage_desktop.sdk.integrity import (
    check_content,
    entry_location,
    is_uri_digest,
    referenced_folders,
    unrecorded_files,
)
from lineage_desktop.store import Store

Progress = Callable[[int, int], None]  # (done, total)
Cancelled = Callable[[], bool]

DATABASE_CHECKS = ("integrity_check", "quick_check")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]{0,15}):")


def scheme_of(ref: str) -> str:
    """A reference's scheme as shown (``s3://``; ``remote`` when it has none): only the
    scheme, as the URI is store text."""
    match = _SCHEME.match(ref)
    return f"{match.group(1).lower()}://" if match else "remote"


def unchecked_reason(ref: str) -> str:
    """Why a remote reference is not checked (its scheme only: the URI is store text)."""
    return f"{scheme_of(ref)} reference: cannot be read offline"


NO_DIGEST_REASON = "recorded without a content digest (checksum=False): only found to exist"
NO_CONTENT_REASON = "no content kept: the store's .files folder is absent"
NO_BLOB_ROOT_REASON = "content on the team store's blob root, not set or not there on this machine"


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


# Big files are hashed on worker threads, a bounded number of entries ahead of the one
# being reported, and small blobs read in batches (``verify_content.py``); results are
# taken in manifest order, so the report is the same as checking one file after the other.
HASH_THREADS = max(1, min(4, os.cpu_count() or 1))
PARALLEL_FROM = 1 << 20  # bytes, by the recorded size (a hint only: same answer either way)
BATCH_FILES = 128  # small blobs read at once
BATCHES_ON_POOL = False  # small blobs' batches on the worker threads (see verify_content)
AHEAD = 4 * BATCH_FILES  # entries planned ahead of the one reported
ONE_QUERY_FROM = 500  # versions checked at once from which all manifests are read at once
PROGRESS_FILES = 64  # files between two progress reports by file (a call per file shows)

_Key = tuple[str, str, str | None]


class _Entry(NamedTuple):
    """One manifest entry on its way to the report: refused (``refused``), without
    content kept (``no_content``), remote (``content`` None, the others unset) or being
    checked (``content``)."""

    label: str
    entry: ManifestEntry
    location: str | None = None
    content: Answer | None = None
    refused: FileCheck | None = None
    no_content: bool = False


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
        self._reported = -PROGRESS_FILES  # files at the last progress report by file
        self.unchecked: list[Unchecked] = []
        self.locations: dict[tuple[str, str], str] = {}
        self.notes: list[str] = []
        self._folders: dict[int, list[tuple[str, str]]] | None = None  # read with manifests
        self._memo: dict[_Key, Answer] = {}
        self._paths: set[str] = set()  # entry paths validate_stored_path accepted
        self.tally = Tally()  # the version being checked
        self.per_version: list[VersionCounts] = []  # versions checked to the end
        # No .files folder at all (a store copied without it), or a team store's blob root
        # not mounted here: no stored content to re-hash, which is "not checked" (saying
        # which), not thousands of "missing".
        self.has_blobs = store.blobs.root.is_dir()
        self._no_content = (("no-blob-root", NO_BLOB_ROOT_REASON) if store.dialect == "postgresql"
                            else ("no-content", NO_CONTENT_REASON))

    def stop(self) -> bool:
        return self.cancelled is not None and self.cancelled()

    def versions(self, versions: Sequence[ArtifactVersion],
                 hasher: Content) -> Iterator[tuple[ArtifactVersion, list[FileCheck]]]:
        """Each version checked to the end with its findings, in order, until cancelled
        (checked between two entries)."""
        found: list[FileCheck] = []
        for item in _ahead(self._planned(versions, hasher), AHEAD):
            if isinstance(item, _End):
                if not item.entries and self.stop():
                    return
                extras = self._extras(item)
                self.tally.extra += len(extras)
                self.per_version.append(self.tally.counts(item.version.key, item.label))
                self.tally = Tally()
                yield item.version, found + extras
                found = []
                continue
            if self.stop():
                return
            problem = self._outcome(item)
            if problem is not None:
                found.append(problem)
            self.files += 1
            if self.by_file and self.files - self._reported >= PROGRESS_FILES:
                self.report_files()

    def report_files(self) -> None:
        """Progress by file, when asked for and not reported at this count yet."""
        if self.by_file and self.progress is not None and self._reported != self.files:
            self._reported = self.files
            self.progress(self.files, self.total)

    def _planned(self, versions: Sequence[ArtifactVersion],
                 hasher: Content) -> Iterator[_Entry | _End]:
        # Many versions, most of the store's (the whole store): every manifest in one
        # query rather than one per version; the entries are the same, in the same order.
        manifests = None
        if (len(versions) >= ONE_QUERY_FROM
                and 2 * len(versions) >= self.store.version_counts()["versions"]):
            manifests = self.store.all_manifests()
            self._folders = self.store.all_reference_folders()
        for version in versions:
            if self.stop():
                return
            label = f"{version.name}:{version.version}"
            entries = (manifests.get(version.id, []) if manifests is not None
                       else self.store.manifest(version.id))
            for entry in entries:
                yield self._plan(label, entry, hasher)
            yield _End(version, label, entries)

    def _plan(self, label: str, entry: ManifestEntry, hasher: Content) -> _Entry:
        digest = entry.digest
        if entry.ref is None and self._valid_path(entry.path) and _is_digest(digest):
            if not self.has_blobs:
                return _Entry(label, entry, no_content=True)
            # A blob whose path and digest pass entry_location's checks (which names the
            # reason otherwise): its location as BlobStore.path_for names it, no Path.
            location = f"{hasher.blob_root}{os.sep}{digest[:2]}{os.sep}{digest}"
            key = (location, digest, None)
            content = self._memo.get(key)
            if content is None:
                content = self._memo[key] = hasher.blob(label, entry, location)
            return _Entry(label, entry, location, content)
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
            if entry.ref is None:
                content = hasher.blob(label, entry, location)
            else:
                content = hasher.check(label, entry, source)
            self._memo[key] = content
        return _Entry(label, entry, location, content)

    def _valid_path(self, path: str) -> bool:
        if path not in self._paths:
            try:
                validate_stored_path(path)
            except InvalidEntryPath:
                return False
            self._paths.add(path)
        return True

    def _outcome(self, item: _Entry) -> FileCheck | None:
        """The entry's finding (None: none), counted in the version's ``tally``."""
        entry, label, tally = item.entry, item.label, self.tally
        if item.refused is not None:
            tally.not_checked["unsafe"] += 1
            return item.refused
        if item.no_content:
            kind, reason = self._no_content
            self._skip(Unchecked(label, entry.path, reason, kind))
            return None
        if item.content is None:
            ref = entry.ref or ""
            self._skip(Unchecked(label, entry.path, unchecked_reason(ref), "remote",
                                 scheme_of(ref)))
            return None
        found = item.content.result()
        if found is None:
            if is_uri_digest(entry):  # it exists; there was no content digest to compare
                self._skip(Unchecked(label, entry.path, NO_DIGEST_REASON, "no-digest"))
                return None
            self.matching += 1
            tally.matching += 1
            return None
        if found.status in ("changed", "missing"):
            tally.mismatching += 1
        else:  # unsafe or unreadable: not re-hashed
            tally.not_checked[found.status] += 1
        self.locations[(label, entry.path)] = item.location or ""
        return FileCheck(label, entry.path, found.status, found.expected, found.actual,
                         found.detail)

    def _skip(self, unchecked: Unchecked) -> None:
        self.unchecked.append(unchecked)
        self.tally.not_checked[unchecked.kind] += 1

    def _extras(self, end: _End) -> list[FileCheck]:
        found = []
        folders = (self._folders.get(end.version.id, []) if self._folders is not None
                   else self.store.reference_folders(end.version.id))
        for root, (prefix, recorded) in referenced_folders(end.entries, folders).items():
            scan = unrecorded_files(root, recorded)
            if scan.note:
                self.notes.append(f"{end.label}: {scan.note}")
            for rel in scan.extras:
                path = f"{prefix}/{rel}" if prefix else rel
                found.append(FileCheck(end.label, path, "extra", None, None))
                self.locations[(end.label, path)] = str(root / rel)
        return found


def _is_digest(digest: str) -> bool:
    try:
        validate_digest(digest)
    except InvalidDigest:
        return False
    return True


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
    (totals from the versions' recorded file counts; reported for the first file, every
    ``PROGRESS_FILES`` files and at the end); ``cancel()`` returning True stops
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
    with ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="verify") as pool:
        # The module's name is looked up at each run: tests count its calls.
        hasher = Content(store, pool if HASH_THREADS > 1 else None,
                         lambda *a: check_content(*a), PARALLEL_FROM, BATCH_FILES,
                         BATCHES_ON_POOL)
        try:
            for version, found in run.versions(versions, hasher):
                checked += 1
                if found:
                    compromised[version.key] = tuple(found)
                    findings += found
                if not by_file and progress is not None:
                    progress(checked, total)
            run.report_files()
        finally:
            pool.shutdown(cancel_futures=True)  # cancelled: drop what was queued ahead
            hasher.close()  # after the workers: they read through its descriptors
    if lineage is not None:
        tainted = downstream_in(lineage, compromised)
    else:
        ids = [v.id for v in versions if v.key in compromised]
        tainted = downstream_of(store, ids) - set(compromised)
    per_version = tuple(with_status(c, c.key in compromised, c.key in tainted)
                        for c in run.per_version)
    return VerifyReport(
        scope=scope, checked=checked, files=run.files, matching=run.matching,
        unchecked=tuple(run.unchecked), findings=tuple(findings), compromised=compromised,
        tainted=frozenset(tainted), locations=run.locations,
        notes=(*run.notes, *(stale_draft_notes(store) if scope == WHOLE_STORE else ())),
        database=db, complete=checked == len(versions), per_version=per_version,
        store_versions=store.version_counts()["versions"])


__all__ = [
    "DATABASE_CHECKS",
    "STATUSES",
    "DatabaseCheck",
    "Unchecked",
    "VerifyReport",
    "describe",
    "downstream_in",
    "downstream_of",
    "scheme_of",
    "unchecked_reason",
    "verify_versions",
]
