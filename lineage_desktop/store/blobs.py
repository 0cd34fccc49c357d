"""Content-addressed file storage beside the database: ``<db file>.files/<ab>/<sha256>``.

Blobs are written to a temporary name and renamed into place, so a killed process leaves
at most an orphaned temporary file, never a half-written blob under a real digest.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path

HASH_NAME = "sha256"


def file_digest(path: str | os.PathLike[str]) -> tuple[str, int]:
    """Return ``(sha256 hex, size)`` of a file, streamed with large buffers."""
    with open(path, "rb", buffering=0) as handle:
        digest = hashlib.file_digest(handle, HASH_NAME).hexdigest()
        size = handle.tell()
    return digest, size


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_digest(pairs: list[tuple[str, str]]) -> str:
    """The artifact digest: sha256 over the sorted ``(path, file digest)`` pairs only."""
    hasher = hashlib.sha256()
    for path, digest in sorted(pairs):
        hasher.update(path.encode("utf-8"))
        hasher.update(b"\x00")
        hasher.update(digest.encode("ascii"))
        hasher.update(b"\n")
    return hasher.hexdigest()


class BlobStore:
    """The ``.files`` folder of one store."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._known_dirs: set[str] = set()

    def path_for(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def has(self, digest: str) -> bool:
        return self.path_for(digest).is_file()

    def put_file(self, digest: str, source: str | os.PathLike[str]) -> None:
        """Copy ``source`` in under ``digest`` unless that blob already exists."""
        target = self.path_for(digest)
        if target.exists():
            return
        folder = digest[:2]
        if folder not in self._known_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._known_dirs.add(folder)
        temporary = target.parent / f".tmp-{uuid.uuid4().hex}"
        try:
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
