"""Re-hashing stored and referenced content against the recorded digests."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from lineage_desktop.records import ArtifactVersion, FileCheck, ManifestEntry
from lineage_desktop.store import Store, file_digest


def reference_path(ref: str) -> Path | None:
    """Local path of a ``file://`` reference; None for other schemes."""
    parsed = urlparse(ref)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def entry_source(store: Store, entry: ManifestEntry) -> Path | None:
    """Where an entry's content can be read: its blob, or its local reference."""
    if entry.ref is None:
        return store.blobs.path_for(entry.digest)
    return reference_path(entry.ref)


def check_entry(store: Store, label: str, entry: ManifestEntry) -> FileCheck | None:
    """None when the entry's content matches its digest, else the finding."""
    source = entry_source(store, entry)
    if source is None:
        return None  # remote references (s3://, https://) cannot be checked offline
    if _is_uri_digest(entry):
        # Added with checksum=False: only the URI was recorded, and it may name a folder,
        # so all there is to check is that it still exists.
        return None if source.exists() else FileCheck(label, entry.path, "missing",
                                                      entry.digest, None)
    if not source.is_file():
        return FileCheck(label, entry.path, "missing", entry.digest, None)
    actual, _ = file_digest(source)
    if actual != entry.digest:
        return FileCheck(label, entry.path, "changed", entry.digest, actual)
    return None


def _is_uri_digest(entry: ManifestEntry) -> bool:
    # A reference added with checksum=False records the digest of its URI, not its content.
    from lineage_desktop.store import bytes_digest

    return entry.ref is not None and entry.digest == bytes_digest(entry.ref.encode())


def verify_version(
    store: Store, version: ArtifactVersion, progress: Callable[[int], None] | None = None
) -> list[FileCheck]:
    """Every changed or missing stored/referenced file of a version."""
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
    """Compare a downloaded folder with the manifest: changed, missing and extra files."""
    label = f"{version.name}:{version.version}"
    entries = {e.path: e for e in store.manifest(version.id)}
    problems = []
    for path, entry in sorted(entries.items()):
        local = root / path
        if not local.is_file():
            problems.append(FileCheck(label, path, "missing", entry.digest, None))
            continue
        actual, _ = file_digest(local)
        if actual != entry.digest and not _is_uri_digest(entry):
            problems.append(FileCheck(label, path, "changed", entry.digest, actual))
    for folder, _, names in os.walk(root):
        for name in names:
            rel = (Path(folder) / name).relative_to(root).as_posix()
            if rel not in entries:
                problems.append(FileCheck(label, rel, "extra", None, None))
    return problems
