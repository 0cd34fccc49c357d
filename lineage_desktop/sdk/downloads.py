"""``Artifact.download``: a version's files written into a download root, safely.

The manifest comes from a store that may have been written by someone else, so:

- every entry is validated first (``integrity.entry_location``): a path that would leave
  the root, a digest that is not sha256 hex, a malformed reference or one into a
  protected location is refused (``UnsafeEntry`` naming the version, the entry and the
  reason) before anything is written;
- content is read with the verify engine's checks (no linked blobs, regular files only)
  and hashed while it is copied: content that does not match its digest is refused
  (``DigestMismatch``) and not written;
- files are created below the root without following a symbolic link there, and written
  under a temporary name then renamed.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lineage_desktop.records import (
    ArtifactVersion,
    DigestMismatch,
    LocalFileNotFound,
    ManifestEntry,
)
from lineage_desktop.records.validation import ContentUnreadable, UnsafeContent, UnsafeEntry
from lineage_desktop.sdk.integrity import entry_location, is_uri_digest, open_entry
from lineage_desktop.store import Store
from lineage_desktop.store.blobs import write_below


def download_version(store: Store, version: ArtifactVersion, root: Path,
                     path_prefix: str | None = None,
                     only: Sequence[str] | None = None) -> list[ManifestEntry]:
    """Write the files of ``version`` (those below ``path_prefix``, or the paths in
    ``only``) below ``root``; returns the remote references skipped (not fetchable
    offline). ``root`` exists afterwards even when nothing was written."""
    label = f"{version.name}:{version.version}"
    wanted = [entry for entry in store.manifest(version.id)
              if (path_prefix is None or entry.path.startswith(path_prefix))
              and (only is None or entry.path in only)]
    located = [(entry, entry_location(store, label, entry)) for entry in wanted]  # refusals
    entries = [entry for entry, where in located if where is not None]
    skipped = [entry for entry, where in located if where is None]
    _check_layout(label, [entry.path for entry in entries])
    root.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        try:
            handle = open_entry(store, label, entry)
        except FileNotFoundError:
            raise LocalFileNotFound(
                f"{label}: the content of {entry.path!r} is missing at "
                f"{entry_location(store, label, entry)}") from None
        except OSError as exc:
            raise ContentUnreadable(
                f"{label}: the content of {entry.path!r} cannot be read at "
                f"{entry_location(store, label, entry)}: {exc.strerror or exc}") from None
        assert handle is not None
        expected = None if is_uri_digest(entry) else entry.digest
        with handle:
            try:
                write_below(root, entry.path.split("/"), handle, expected)
            except DigestMismatch:
                raise DigestMismatch(
                    f"{label}: the content of {entry.path!r} does not match its recorded "
                    "digest; it was not written (`lineage-desktop verify` shows what "
                    "changed)") from None
            except UnsafeContent as exc:
                raise UnsafeEntry(label, entry.path, f"the download folder: {exc}") from None
    return skipped


def _check_layout(label: str, paths: list[str]) -> None:
    """A file cannot also be a folder of other entries (``a`` and ``a/b``): refused
    before anything is written, instead of failing half-way."""
    files = set(paths)
    for path in paths:
        parts = path.split("/")
        for end in range(1, len(parts)):
            above = "/".join(parts[:end])
            if above in files:
                raise UnsafeEntry(label, path, f"{above!r} is also a file of the version; "
                                  "both cannot be written")
