"""Files reached without following links: open a regular file below a folder, write one
there through a temporary name and a rename, open a regular file by path. The blob folder
and downloads read and write through these, so a store's folder is treated as untrusted.
"""
from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

from lineage_desktop.records import DigestMismatch
from lineage_desktop.records.validation import InvalidDigest, UnsafeContent, validate_digest
from lineage_desktop.store.connection import OPEN_FILES, ensure_not_open_store
from lineage_desktop.store.hashing import BinaryReader, copy_hashed, fd_sha256

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted as a blob must not block us
CLOEXEC = getattr(os, "O_CLOEXEC", 0)  # also for the blob folder's own writes
BINARY = getattr(os, "O_BINARY", 0)
_DIR_FDS = os.open in os.supports_dir_fd and bool(_NOFOLLOW and _DIRECTORY)


def open_below(root: Path, parts: Sequence[str], follow_root: bool = False) -> io.FileIO:
    """Open ``root/parts[0]/.../parts[-1]`` for reading, refusing (``UnsafeContent``) a
    symbolic link at any step below ``root`` (and ``root`` itself unless
    ``follow_root``) and anything but a regular file at the end.

    Each step is opened relative to the folder opened before it, so a link swapped in
    meanwhile is not followed either. Raises ``FileNotFoundError`` when a step is
    missing, ``IsADirectoryError`` when the file is a folder, other ``OSError``s as the
    system reports them (permission denied, I/O error).
    """
    if not parts:
        raise ValueError("open_below needs at least one path component")
    return os.fdopen(open_below_fd(root, parts, follow_root), "rb", buffering=0)


def open_below_fd(root: Path, parts: Sequence[str], follow_root: bool) -> int:
    """``open_below`` as a descriptor of the checked regular file."""
    if not _DIR_FDS:
        return _open_below_by_path(root, parts, follow_root)
    folder_flags = os.O_RDONLY | _DIRECTORY | CLOEXEC
    # Paths for messages are built only when one is needed (verify opens many blobs).
    folder = _open_step(root, folder_flags | (0 if follow_root else _NOFOLLOW), None,
                        root, ())
    try:
        for depth, part in enumerate(parts[:-1], 1):
            inner = _open_step(part, folder_flags | _NOFOLLOW, folder, root, parts[:depth])
            os.close(folder)
            folder = inner
        fd = _open_step(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | CLOEXEC | BINARY,
                        folder, root, parts)
    finally:
        os.close(folder)
    _check_regular(fd, root, parts)
    return fd


def write_below(root: Path, parts: Sequence[str], source: BinaryReader,
                expected: str | None = None) -> None:
    """Copy ``source`` to ``root/parts[0]/.../parts[-1]``, making the folders between,
    without following a symbolic link below ``root`` (``UnsafeContent`` names it). The
    file is written under a temporary name and renamed over the target (replacing a
    link there, never writing through it). With ``expected``, content whose sha256
    differs raises ``DigestMismatch`` and leaves nothing behind."""
    if not _DIR_FDS:
        _write_by_path(root, parts, source, expected)
        return
    folder = os.open(root, os.O_RDONLY | _DIRECTORY | CLOEXEC)
    try:
        path = root
        for part in parts[:-1]:
            path = path / part
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_fd=folder)
            inner = _open_step(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | CLOEXEC, folder,
                               path, ())
            os.close(folder)
            folder = inner
        temporary = f".lineage-tmp-{uuid.uuid4().hex}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | CLOEXEC
                     | BINARY, 0o666, dir_fd=folder)
        try:
            _copy_checked(source, fd, expected, path / parts[-1])
            os.replace(temporary, parts[-1], src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=folder)
            raise
    finally:
        os.close(folder)


def _copy_checked(source: BinaryReader, fd: int, expected: str | None, shown: Path) -> None:
    """Copy ``source`` into ``fd`` (closing it), hashing as it goes; ``DigestMismatch``
    unless the content's sha256 is ``expected`` (when given)."""
    try:
        actual, _ = copy_hashed(source, fd)
    finally:
        os.close(fd)
    if expected is not None and actual != expected:
        raise DigestMismatch(
            f"the content read for {shown} does not match its recorded digest; it was not "
            "written")


def _write_by_path(root: Path, parts: Sequence[str], source: BinaryReader,
                   expected: str | None) -> None:
    # Without O_NOFOLLOW and dir_fd (Windows): check every folder, then write by path.
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        if os.path.islink(folder):
            raise _link_refused(folder)
        folder.mkdir(exist_ok=True)
    temporary = folder / f".lineage-tmp-{uuid.uuid4().hex}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, 0o666)
    try:
        _copy_checked(source, fd, expected, folder / parts[-1])
        os.replace(temporary, folder / parts[-1])
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def open_regular(path: str | os.PathLike[str]) -> io.FileIO:
    """Open a regular file for reading (links followed): ``IsADirectoryError`` for a
    folder, ``UnsafeContent`` for a FIFO, socket or device (reading would block), never
    a store file this process has open."""
    ensure_not_open_store(path)
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | CLOEXEC | BINARY)
    return _regular(fd, Path(path), ())


def _open_step(name: str | Path, flags: int, folder: int | None, root: Path,
               parts: Sequence[str]) -> int:
    """``os.open(name, dir_fd=folder)``; a refused link is named as ``root/parts...``."""
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            path = root.joinpath(*parts)
            if os.path.islink(path):
                raise _link_refused(path) from None
        raise


def _open_below_by_path(root: Path, parts: Sequence[str], follow_root: bool) -> int:
    # Without O_NOFOLLOW and dir_fd (Windows): check every step, then open by path.
    path = root
    steps = [root] if not follow_root else []
    for part in parts:
        path = path / part
        steps.append(path)
    for step in steps:
        if os.path.islink(step):
            raise _link_refused(step)
    fd = os.open(path, os.O_RDONLY | BINARY)
    _check_regular(fd, path, ())
    return fd


def _regular(fd: int, root: Path, parts: Sequence[str]) -> io.FileIO:
    """A file object for ``fd`` if it is a regular file (closed otherwise)."""
    _check_regular(fd, root, parts)
    return os.fdopen(fd, "rb", buffering=0)


def _check_regular(fd: int, root: Path, parts: Sequence[str]) -> None:
    """Close ``fd`` and raise unless it is a regular file; messages name
    ``root/parts...``."""
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            path = root.joinpath(*parts)
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
            raise UnsafeContent(f"{path} is not a regular file (a FIFO, socket or device); "
                                "it is not read")
    except BaseException:
        os.close(fd)
        raise


class BlobReader:
    """The sha256 of many blobs ``root/<digest[:2]>/<digest>`` with the checks of
    ``open_below_fd`` and ``ensure_not_open_store``, for verify's many small files.

    ``root`` and each subfolder are opened once (without following links) and each blob
    relative to its folder's descriptor: one ``lstat``, ``open``, ``fstat`` and the reads
    per blob, no path built. Only the plain case is answered: a digest that is not
    sha256 hex, a missing folder or blob, a link, anything but a regular file, a store
    this process has open, or any error gives None, and the caller asks the careful path
    (``BlobStore.digest_of``), which names the reason. Usable from several threads at
    once; ``close`` it (or use ``with``) once no read is under way, to release the
    folders' descriptors."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._lock = threading.Lock()
        self._folders: dict[str, int | None] = {}
        self._root_fd: int | None = None
        self._closed = not _DIR_FDS  # without dir_fd every answer is None

    def digests(self, digests: Sequence[str]) -> list[str | None]:
        """The sha256 hex of each blob, or None where the careful path must answer."""
        held = OPEN_FILES.identities()  # a snapshot per batch: opened stores are rare
        found: list[str | None] = []
        for digest in digests:
            try:
                folder = self._folder(validate_digest(digest)[:2])
            except InvalidDigest:
                folder = None
            found.append(None if folder is None else _blob_sha256(folder, digest, held))
        return found

    def _folder(self, name: str) -> int | None:
        fd = self._folders.get(name)  # opened before (folders are closed after the reads)
        if fd is not None:
            return fd
        with self._lock:
            if self._closed:
                return None
            if name not in self._folders:
                self._folders[name] = self._open_folder(name)
            return self._folders[name]

    def _open_folder(self, name: str) -> int | None:
        flags = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | CLOEXEC
        try:
            if self._root_fd is None:
                self._root_fd = os.open(self._root, flags)
            return os.open(name, flags, dir_fd=self._root_fd)
        except OSError:
            return None  # missing, a link, not a folder: the careful path says which

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for fd in [*self._folders.values(), self._root_fd]:
                if fd is not None:
                    os.close(fd)
            self._folders.clear()
            self._root_fd = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_BLOB_FLAGS = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | CLOEXEC | BINARY


def _blob_sha256(folder: int, name: str, held: frozenset[tuple[int, int]]) -> str | None:
    """The sha256 of the regular file ``name`` in ``folder`` unless it is anything else
    or an open store (checked before it is opened: closing a descriptor of an open
    store would drop SQLite's locks); None on any error."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) in held:
            return None
        fd = os.open(name, _BLOB_FLAGS, dir_fd=folder)
    except OSError:
        return None
    try:
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            return None  # replaced since the stat: the careful path looks again
        return fd_sha256(fd, now.st_size)
    except OSError:
        return None
    finally:
        os.close(fd)


def _link_refused(path: Path) -> UnsafeContent:
    return UnsafeContent(f"{path} is a symbolic link; links are not followed here")
