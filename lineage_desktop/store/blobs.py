"""Content-addressed file storage beside the database: ``<db file>.files/<ab>/<sha256>``.

Blobs are written to a temporary name and renamed into place, so a killed process leaves
at most an orphaned temporary file, never a half-written blob under a real digest. The
content is hashed while it is copied in, and a blob whose content does not match the
digest it would be stored under is refused (a file changed after it was added).

Reading treats the folder as untrusted (the store may come from someone else): a blob is
named by a validated digest only, and is read only when it is a regular file reached
without following a symbolic link anywhere from the ``.files`` folder down.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import stat
import threading
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from lineage_desktop.records import DigestMismatch, StoreFull
from lineage_desktop.records.validation import UnsafeContent, validate_digest
from lineage_desktop.store.connection import ensure_not_open_store

HASH_NAME = "sha256"
# benchmarks/bench_blobs.py: 256 KiB to 4 MiB buffers copy+hash equally fast (within noise).
COPY_BUFFER = 1 << 20

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted as a blob must not block us
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_DIR_FDS = os.open in os.supports_dir_fd and bool(_NOFOLLOW and _DIRECTORY)


class BinaryReader(Protocol):
    """A binary file object that reads into a buffer: what ``open(path, "rb")``,
    ``open_below`` and ``io.BytesIO`` return (``typing.BinaryIO`` has no ``readinto``)."""

    def readinto(self, buffer: bytearray, /) -> int: ...
    def readable(self) -> bool: ...
    def tell(self) -> int: ...


def file_digest(path: str | os.PathLike[str]) -> tuple[str, int]:
    """Return ``(sha256 hex, size)`` of a file, streamed with large buffers."""
    with open(path, "rb", buffering=0) as handle:
        return stream_digest(handle)


def stream_digest(handle: BinaryReader) -> tuple[str, int]:
    """``(sha256 hex, size)`` of what is left to read in a binary file object.

    One buffer per thread, reused (``hashlib.file_digest`` zeroes a new 256 KiB one per
    call, which is most of the cost of hashing a small file); ``update`` releases the GIL
    for large reads, so threads hash in parallel."""
    hasher = hashlib.sha256()  # HASH_NAME; hashlib.new looks the name up at every call
    buffer = _read_buffer()
    view = memoryview(buffer)
    size = 0
    while count := handle.readinto(buffer):
        hasher.update(view[:count])
        size += count
    return hasher.hexdigest(), size


_THREAD = threading.local()


def _read_buffer() -> bytearray:
    buffer = getattr(_THREAD, "buffer", None)
    if buffer is None:
        buffer = _THREAD.buffer = bytearray(COPY_BUFFER)
    return buffer


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


def copy_hashed(source: BinaryReader, target_fd: int) -> tuple[str, int]:
    """Copy the rest of ``source`` to the descriptor ``target_fd`` and return the
    ``(sha256 hex, size)`` of what was copied: one pass, one buffer, no second read."""
    hasher = hashlib.new(HASH_NAME)
    buffer = bytearray(COPY_BUFFER)
    view = memoryview(buffer)
    size = 0
    while True:
        count = source.readinto(buffer)
        if not count:
            break
        chunk = view[:count]
        hasher.update(chunk)  # releases the GIL for large chunks, like os.write
        written = 0
        while written < count:
            written += os.write(target_fd, chunk[written:])
        size += count
    return hasher.hexdigest(), size


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
    return os.fdopen(_open_below_fd(root, parts, follow_root), "rb", buffering=0)


def _open_below_fd(root: Path, parts: Sequence[str], follow_root: bool) -> int:
    """``open_below`` as a descriptor of the checked regular file."""
    if not _DIR_FDS:
        return _open_below_by_path(root, parts, follow_root)
    folder_flags = os.O_RDONLY | _DIRECTORY | _CLOEXEC
    # Paths for messages are built only when one is needed (verify opens many blobs).
    folder = _open_step(root, folder_flags | (0 if follow_root else _NOFOLLOW), None,
                        root, ())
    try:
        for depth, part in enumerate(parts[:-1], 1):
            inner = _open_step(part, folder_flags | _NOFOLLOW, folder, root, parts[:depth])
            os.close(folder)
            folder = inner
        fd = _open_step(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY,
                        folder, root, parts)
    finally:
        os.close(folder)
    _check_regular(fd, root, parts)
    return fd


def fd_digest(fd: int) -> tuple[str, int]:
    """``(sha256 hex, size)`` of what is left to read from the descriptor ``fd`` (left
    open): ``stream_digest`` without a file object, for many small files."""
    hasher = hashlib.sha256()
    buffer = _read_buffer()
    view = memoryview(buffer)
    size = 0
    while count := os.readv(fd, (buffer,)):
        hasher.update(view[:count])
        size += count
    return hasher.hexdigest(), size


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
    folder = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        path = root
        for part in parts[:-1]:
            path = path / part
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_fd=folder)
            inner = _open_step(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, folder,
                               path, ())
            os.close(folder)
            folder = inner
        temporary = f".lineage-tmp-{uuid.uuid4().hex}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
                     | _BINARY, 0o666, dir_fd=folder)
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
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
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
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC | _BINARY)
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
    fd = os.open(path, os.O_RDONLY | _BINARY)
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


def _link_refused(path: Path) -> UnsafeContent:
    return UnsafeContent(f"{path} is a symbolic link; links are not followed here")


class BlobStore:
    """The ``.files`` folder of one store."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root_text = str(root)
        self._folders: dict[str, Path] = {}
        self._known_dirs: set[str] = set()

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
        return _open_below_fd(self.root, (digest[:2], digest), False)

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
        staged: list[tuple[Path, Path]] = []
        created_root = False
        try:
            for digest, source in files:
                target = self.path_for(digest)
                if self.has(digest) or any(t == target for _, t in staged):
                    continue
                if not created_root and not self.root.exists():
                    self.root.mkdir(parents=True, exist_ok=True)
                    created_root = True
                staged.append((self._stage(digest, source), target))
        except BaseException:
            # Nothing of this call stays behind: not a blob, not a temporary file, not
            # the blob folder if this call made it.
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)
            if created_root:
                _remove_if_empty(self.root)
            raise
        try:
            for temporary, target in staged:
                self._ensure_folder(target.parent)
                os.replace(temporary, target)
        finally:
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)  # only those not renamed (a full disk)

    def _stage(self, digest: str, source: str | os.PathLike[str]) -> Path:
        """Copy ``source`` to a temporary name in the blob folder and check its digest."""
        ensure_not_open_store(source)
        temporary = self.root / f".tmp-{uuid.uuid4().hex}"
        with open(source, "rb", buffering=0) as reader:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC | _BINARY,
                         0o644)
            try:
                try:
                    actual, _ = copy_hashed(reader, fd)
                finally:
                    os.close(fd)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        if actual != digest:
            temporary.unlink(missing_ok=True)
            raise DigestMismatch(
                f"{os.fspath(source)!r} changed after it was added to the artifact: its "
                f"content's sha256 is now {actual[:12]}..., not the {digest[:12]}... "
                "recorded then; nothing was stored (add the file again)")
        return temporary

    def _ensure_folder(self, folder: Path) -> None:
        if folder.name not in self._known_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._known_dirs.add(folder.name)


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
