"""Per-entry verify rules: re-hash stored and referenced content against the recorded
digests.

``Artifact.verify`` uses them directly; the verify engine (``audit/verify.py``: the
``verify`` and ``report`` commands and the window's integrity audit) builds on them, so
one set of rules applies everywhere:

- Every entry read from a store is validated before it is used (``records.validation``):
  its path relative, normal and inside the root, its digest sha256 hex, a reference a
  well-formed ``file://`` URI outside the protected locations (system folders, the
  user's credentials). A blob is read only as a regular file reached without following
  any symbolic link from the ``.files`` folder down. A refused entry is an ``unsafe``
  finding naming the version, the entry and the reason; nothing of it is read.
- A blob or file that exists but cannot be read (permission denied, a folder, an I/O
  error) is an ``unreadable`` finding; the check goes on with the next entry.
- Extra files are looked for only inside a folder that a version added as one
  reference (``referenced_folders``), never in or above a protected location, never
  through a symbolic link, and at most ``EXTRA_LIMIT`` unlisted entries per folder.

Findings: ``changed``, ``missing``, ``extra``, ``unsafe``, ``unreadable``.
"""
from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lineage_desktop.records import (
    ArtifactVersion,
    FileCheck,
    InvalidEntryPath,
    ManifestEntry,
    OpenStoreFile,
)
from lineage_desktop.records.validation import (
    InvalidDigest,
    InvalidReference,
    UnsafeContent,
    UnsafeEntry,
    protected_location,
    reference_path,
    shown,
    validate_digest,
    validate_stored_path,
)
from lineage_desktop.store import Store, bytes_digest
from lineage_desktop.store.blobs import open_below, open_regular, stream_digest

# Unlisted entries (files and folders the manifest does not name) looked at per
# referenced folder before the search for extra files stops, saying so.
EXTRA_LIMIT = 1_000

_REFUSED = (InvalidEntryPath, InvalidDigest, InvalidReference, UnsafeContent, OpenStoreFile)


def entry_location(store: Store, label: str, entry: ManifestEntry) -> Path | None:
    """Where the content of an entry of version ``label`` lies: its blob or its local
    reference; None for a remote reference (``s3://``, ``https://``), which cannot be
    read offline. Raises ``UnsafeEntry`` when the entry is refused."""
    try:
        validate_stored_path(entry.path)
        if entry.ref is None:
            return store.blobs.path_for(entry.digest)  # validates the digest
        validate_digest(entry.digest)
        local = reference_path(entry.ref)
        if local is None:
            return None
        protected = protected_location(local)
        if protected is not None:
            raise UnsafeContent(
                f"its reference {shown(entry.ref)} lies in the protected location "
                f"{protected}, which is never read")
        return local
    except _REFUSED as exc:
        raise UnsafeEntry(label, entry.path, str(exc)) from None


def open_entry(store: Store, label: str, entry: ManifestEntry) -> io.FileIO | None:
    """The content of an entry, open for reading; None for a remote reference.

    Raises ``UnsafeEntry`` (refused, nothing read), ``FileNotFoundError`` (missing) or
    another ``OSError`` (unreadable).
    """
    location = entry_location(store, label, entry)
    if location is None:
        return None
    return _open(store, label, entry, location)


def _open(store: Store, label: str, entry: ManifestEntry, location: Path) -> io.FileIO:
    try:
        if entry.ref is None:
            return store.blobs.open(entry.digest)
        return open_regular(location)
    except (UnsafeContent, OpenStoreFile) as exc:
        raise UnsafeEntry(label, entry.path, str(exc)) from None


def is_uri_digest(entry: ManifestEntry) -> bool:
    """A reference added with ``checksum=False`` records the digest of its URI, not of
    its content: there is no content digest to compare."""
    return entry.ref is not None and entry.digest == bytes_digest(entry.ref.encode())


def check_entry(store: Store, label: str, entry: ManifestEntry) -> FileCheck | None:
    """None when the entry's content matches its digest (or is remote), else the
    finding. Never raises for what the store or the disk holds."""
    try:
        location = entry_location(store, label, entry)
    except UnsafeEntry as refused:
        return FileCheck(label, entry.path, "unsafe", None, None, refused.reason)
    if location is None:
        return None
    return check_content(store, label, entry, location)


def check_content(
    store: Store, label: str, entry: ManifestEntry, location: Path
) -> FileCheck | None:
    """``check_entry`` once ``entry_location`` has found where the content lies: None
    when it matches its digest, else the finding. Never raises for what the disk holds."""
    if is_uri_digest(entry):
        # Only the URI was recorded, and it may name a folder: it has to exist.
        return None if location.exists() else FileCheck(
            label, entry.path, "missing", entry.digest, None)
    try:
        actual = _content_digest(store, label, entry, location)
    except UnsafeEntry as refused:
        return FileCheck(label, entry.path, "unsafe", entry.digest, None, refused.reason)
    except FileNotFoundError:
        return FileCheck(label, entry.path, "missing", entry.digest, None)
    except OSError as exc:
        return FileCheck(label, entry.path, "unreadable", entry.digest, None, _why(exc))
    if actual != entry.digest:
        return FileCheck(label, entry.path, "changed", entry.digest, actual)
    return None


def _content_digest(store: Store, label: str, entry: ManifestEntry, location: Path) -> str:
    """The sha256 of an entry's content, opened as ``_open`` does (its errors)."""
    if entry.ref is not None:
        with _open(store, label, entry, location) as handle:
            return stream_digest(handle)[0]
    try:
        # The blob's descriptor without a file object: verify reads many small blobs.
        return store.blobs.digest_of(entry.digest)[0]
    except (UnsafeContent, OpenStoreFile) as exc:
        raise UnsafeEntry(label, entry.path, str(exc)) from None


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc) or exc.__class__.__name__


def verify_version(
    store: Store, version: ArtifactVersion, progress: Callable[[int], None] | None = None
) -> list[FileCheck]:
    """Every finding of a version's stored and referenced files (no extras)."""
    label = f"{version.name}:{version.version}"
    problems = []
    for entry in store.manifest(version.id):
        found = check_entry(store, label, entry)
        if found is not None:
            problems.append(found)
        if progress is not None:
            progress(entry.size)
    return problems


def verify_folder(store: Store, version: ArtifactVersion, root: Path) -> list[FileCheck]:
    """Compare a downloaded folder with the manifest: changed, missing and extra files.
    Files are read below ``root`` without following symbolic links."""
    label = f"{version.name}:{version.version}"
    problems, recorded = [], set()
    for entry in store.manifest(version.id):
        try:
            validate_stored_path(entry.path)
        except InvalidEntryPath as exc:
            problems.append(FileCheck(label, entry.path, "unsafe", None, None, str(exc)))
            continue
        recorded.add(entry.path)
        found = _check_local(label, entry, root)
        if found is not None:
            problems.append(found)
    scan = unrecorded_files(root, recorded)
    if scan.note:
        warnings.warn(f"{label}: {scan.note}", stacklevel=3)
    problems += [FileCheck(label, rel, "extra", None, None) for rel in scan.extras]
    return sorted(problems, key=lambda p: (p.path, p.status))


def _check_local(label: str, entry: ManifestEntry, root: Path) -> FileCheck | None:
    try:
        with open_below(root, entry.path.split("/"), follow_root=True) as handle:
            actual, _ = stream_digest(handle)
    except (FileNotFoundError, NotADirectoryError):
        return FileCheck(label, entry.path, "missing", entry.digest, None)
    except UnsafeContent as exc:
        return FileCheck(label, entry.path, "unsafe", entry.digest, None, str(exc))
    except OSError as exc:
        return FileCheck(label, entry.path, "unreadable", entry.digest, None, _why(exc))
    if actual != entry.digest and not is_uri_digest(entry):
        return FileCheck(label, entry.path, "changed", entry.digest, actual)
    return None


# ---------------------------------------------------------------------------- folders


@dataclass(frozen=True)
class FolderScan:
    """The extra files of one folder (relative POSIX paths, sorted) and, when the search
    was refused or cut short, why (``note``)."""

    extras: tuple[str, ...] = ()
    note: str | None = None


def referenced_folders(
    entries: Iterable[ManifestEntry], folders: Iterable[tuple[str, str]] = (),
) -> dict[Path, tuple[str, set[str]]]:
    """Local folders added as one reference: ``{folder: (entry prefix, recorded relative
    paths)}``.

    ``folders`` are the ``(entry prefix, file:// URI)`` pairs the store recorded when the
    folder was added (``Store.reference_folders``, schema 9 on): each is a folder even
    when its entries lie at the artifact's top level (``add_reference`` without
    ``name``) or it held no file; its recorded files are the entries referencing a file
    below it. Versions logged before that are read back from the entries alone: the
    common tail of each entry path and its URI gives the folder. A lone file added under
    a different name is not a folder; a folder is recognised when it holds several
    recorded files or keeps its own name as prefix (the default with ``name``). Entries
    and folders that are refused (see ``entry_location``) name no folder.
    """
    entries = list(entries)
    found: dict[Path, tuple[str, set[str]]] = {}
    for prefix, uri in folders:
        try:
            root = reference_path(uri)
            if prefix:
                validate_stored_path(prefix)
        except (InvalidEntryPath, InvalidReference):
            continue
        if root is not None:
            found.setdefault(root, (prefix, set()))
    groups: dict[tuple[Path, str], set[str]] = {}
    for entry in entries:
        if entry.ref is None:
            continue
        try:
            validate_stored_path(entry.path)
            local = reference_path(entry.ref)
        except (InvalidEntryPath, InvalidReference):
            continue
        if local is None:
            continue
        recorded = next((root for root in found if local.is_relative_to(root)), None)
        if recorded is not None:
            found[recorded][1].add(local.relative_to(recorded).as_posix())
            continue
        entry_parts, ref_parts = entry.path.split("/"), local.parts
        common = 0
        # Keep at least one entry-path component as the prefix (the reference's name).
        while (common < len(entry_parts) - 1 and common < len(ref_parts) - 1
               and entry_parts[-1 - common] == ref_parts[-1 - common]):
            common += 1
        if common == 0:
            continue
        root = Path(*ref_parts[:-common])
        prefix = "/".join(entry_parts[:-common])
        groups.setdefault((root, prefix), set()).add("/".join(entry_parts[-common:]))
    found.update({root: (prefix, recorded) for (root, prefix), recorded in groups.items()
                  if root not in found
                  and (len(recorded) > 1 or root.name == prefix.rsplit("/", 1)[-1])})
    return found


def unrecorded_files(root: Path, recorded: set[str], limit: int = EXTRA_LIMIT) -> FolderScan:
    """Entries below ``root`` that the manifest does not list (``recorded``: relative
    POSIX paths of its files).

    Refused, with a note, for a folder that is, lies in or holds a protected location,
    and for a folder that is a symbolic link. Links inside are listed, never followed.
    Stops, with a note, after ``limit`` entries that the manifest does not name.
    """
    protected = protected_location(root, holding=True)
    if protected is not None:
        return FolderScan(note=f"extra files were not looked for in {shown(str(root))}: it "
                               f"is, lies in or holds the protected location {protected}")
    if os.path.islink(root):
        return FolderScan(note=f"extra files were not looked for in {shown(str(root))}: it "
                               "is a symbolic link, which is not followed")
    folders = {"/".join(p.split("/")[:i]) for p in recorded for i in range(1, p.count("/") + 1)}
    extras: list[str] = []
    unlisted = 0
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as listing:
                children = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue  # a folder that vanished or cannot be listed has no extras to show
        for child in children:
            path = f"{rel}/{child.name}" if rel else child.name
            if path in recorded or path in folders:
                if child.is_dir(follow_symlinks=False):
                    stack.append((Path(child.path), path))
                continue
            unlisted += 1
            if child.is_dir(follow_symlinks=False):
                stack.append((Path(child.path), path))
            else:
                extras.append(path)
            if unlisted >= limit:
                return FolderScan(tuple(sorted(extras)), (
                    f"stopped looking for extra files in {shown(str(root))} after {limit} "
                    "entries that the manifest does not list"))
    return FolderScan(tuple(sorted(extras)))


__all__ = [
    "EXTRA_LIMIT",
    "FolderScan",
    "check_content",
    "check_entry",
    "entry_location",
    "is_uri_digest",
    "open_entry",
    "reference_path",
    "referenced_folders",
    "unrecorded_files",
    "verify_folder",
    "verify_version",
]
