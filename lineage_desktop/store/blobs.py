"""Content-addressed file storage beside the database: ``<db file>.files/<ab>/<sha256>``.

Blobs are written to a temporary name and renamed into place, so a killed process leaves
at most an orphaned temporary file, never a half-written blob under a real digest. The
content is hashed while it is copied in, and a blob whose content does not match the
digest it would be stored under is refused (a file changed after it was added).

Reading treats the folder as untrusted (the store may come from someone else): a blob is
named by a validated digest only, and is read only when it is a regular file reached
without following a symbolic link anywhere from the ``.files`` folder down.

The hashing is ``hashing.py``'s and the link-safe file access ``files_below.py``'s; both
are re-exported here, where their callers import them.
"""
from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import uuid
from collections.abc import Iterable
from pathlib import Path

from lineage_desktop.records import DigestMismatch, StoreError, StoreFull
from lineage_desktop.records.validation import validate_digest
from lineage_desktop.store.connection import ensure_not_open_store
from lineage_desktop.store.files_below import (
    BINARY,
    CLOEXEC,
    open_below,
    open_below_fd,
    open_regular,
    write_below,
)
from lineage_desktop.store.hashing import (
    COPY_BUFFER,
    BinaryReader,
    bytes_digest,
    copy_hashed,
    fd_digest,
    file_digest,
    manifest_digest,
    stream_digest,
)


class BlobRootMissing(StoreError):
    """A team store's shared blob folder is not set, or not there on this machine."""


class BlobStore:
    """The ``.files`` folder of one store."""

    def __init__(self, root: Path | None, shared: str | None = None) -> None:
        """``shared``: the root is shared storage (a team store's) that must exist, never
        made here (a missing mount would put content on one machine's disk); the text
        says how to set it, for the error raised when content is stored without it. A
        team store without a root (``None``) refuses to store content, always."""
        self.root = root if root is not None else Path("/nonexistent/lineage-blob-root")
        self._unset = root is None
        self._shared = shared
        self._root_text = str(root)
        self._folders: dict[str, Path] = {}
        self._known_dirs: set[str] = set()
        self._root_made = False  # the folder is known to exist (a blob was stored)

    def path_for(self, digest: str) -> Path:
        """Where the blob of ``digest`` lives; ``InvalidDigest`` unless it is sha256 hex
        (a digest from a store is never used as a path otherwise)."""
        validate_digest(digest)
        folder = self._folders.get(digest[:2])
        if folder is None:  # one Path per subfolder: verify asks for every blob
            folder = self._folders[digest[:2]] = self.root / digest[:2]
        return folder / digest

    def has(self, digest: str) -> bool:
        """True if a regular file (not a link) is stored under ``digest``."""
        try:
            return stat.S_ISREG(os.lstat(self.path_for(digest)).st_mode)
        except OSError:
            return False

    def open(self, digest: str) -> io.FileIO:
        """The blob of ``digest``, open for reading, with the checks of ``open_below``:
        no symbolic link from the ``.files`` folder down, a regular file at the end, and
        never a store file this process has open (a hard link planted as a blob)."""
        return os.fdopen(self._open_fd(digest), "rb", buffering=0)

    def digest_of(self, digest: str) -> tuple[str, int]:
        """``(sha256 hex, size)`` of the blob stored under ``digest``, read with the
        checks of ``open``; the errors of ``open``."""
        fd = self._open_fd(digest)
        try:
            return fd_digest(fd)
        finally:
            os.close(fd)

    def _open_fd(self, digest: str) -> int:
        validate_digest(digest)
        # A plain string: this runs once per blob in verify, and Path costs show there.
        ensure_not_open_store(f"{self._root_text}{os.sep}{digest[:2]}{os.sep}{digest}")
        return open_below_fd(self.root, (digest[:2], digest), False)

    def put_file(self, digest: str, source: str | os.PathLike[str]) -> None:
        """Copy ``source`` in under ``digest`` unless that blob already exists; see
        ``put_files``."""
        self.put_files([(digest, source)])

    def put_files(self, files: Iterable[tuple[str, str | os.PathLike[str]]]) -> None:
        """Copy each ``(digest, source)`` in, hashing while copying: if any content does
        not match its digest (a file changed after it was added), raise
        ``DigestMismatch`` naming it and store none of them. Blobs already present are
        not copied again. A full disk raises ``StoreFull``, also storing none."""
        try:
            self._put_files(files)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT) and not isinstance(exc, StoreFull):
                raise StoreFull(exc.errno, f"{self.root}: the disk is full; nothing was "
                                f"stored or committed ({exc.strerror})") from exc
            raise

    def _put_files(self, files: Iterable[tuple[str, str | os.PathLike[str]]]) -> None:
        if self._shared is not None and (self._unset or not self.root.is_dir()):
            raise BlobRootMissing(self._shared)
        # Plain strings, not Paths: this runs for every logged file (a small artifact's
        # log is mostly this), and Path objects showed in its profile.
        staged: list[tuple[str, str]] = []
        digests: set[str] = set()  # staged by this call (a set: a version of 10k files)
        created_root = False
        try:
            for digest, source in files:
                if digest in digests:
                    continue
                validate_digest(digest)
                target = f"{self._root_text}{os.sep}{digest[:2]}{os.sep}{digest}"
                if _is_regular(target):  # already stored: nothing to copy
                    continue
                if not created_root and not self._root_made and not self.root.exists():
                    self.root.mkdir(parents=True, exist_ok=True)
                    created_root = True
                staged.append((self._stage(digest, source), target))
                digests.add(digest)
        except BaseException:
            # Nothing of this call stays behind: not a blob, not a temporary file, not
            # the blob folder if this call made it.
            for temporary, _ in staged:
                _unlink_quietly(temporary)
            if created_root:
                _remove_if_empty(self.root)
            raise
        renamed = 0
        try:
            for temporary, target in staged:
                self._ensure_folder(os.path.basename(target)[:2])
                os.replace(temporary, target)
                renamed += 1
        finally:
            for temporary, _ in staged[renamed:]:  # those not renamed (a full disk)
                _unlink_quietly(temporary)
        self._root_made = self._root_made or bool(staged)

    def _stage(self, digest: str, source: str | os.PathLike[str]) -> str:
        """Copy ``source`` to a temporary name in the blob folder and check its digest."""
        ensure_not_open_store(source)
        temporary = f"{self._root_text}{os.sep}.tmp-{uuid.uuid4().hex}"
        with open(source, "rb", buffering=0) as reader:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | CLOEXEC | BINARY,
                         0o644)
            try:
                try:
                    actual, _ = copy_hashed(reader, fd)
                finally:
                    os.close(fd)
            except BaseException:
                _unlink_quietly(temporary)
                raise
        if actual != digest:
            _unlink_quietly(temporary)
            raise DigestMismatch(
                f"{os.fspath(source)!r} changed after it was added to the artifact: its "
                f"content's sha256 is now {actual[:12]}..., not the {digest[:12]}... "
                "recorded then; nothing was stored (add the file again)")
        return temporary

    def _ensure_folder(self, name: str) -> None:
        if name not in self._known_dirs:
            os.makedirs(f"{self._root_text}{os.sep}{name}", exist_ok=True)
            self._known_dirs.add(name)


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


__all__ = [
    "BinaryReader",
    "BlobStore",
    "COPY_BUFFER",
    "bytes_digest",
    "copy_hashed",
    "fd_digest",
    "file_digest",
    "manifest_digest",
    "open_below",
    "open_regular",
    "stream_digest",
    "write_below",
]
