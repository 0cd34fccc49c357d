"""Hashing: the sha256 of a file, a stream, a descriptor or bytes, an artifact's
manifest digest, and the copy that hashes what it writes in the same pass."""
from __future__ import annotations

import hashlib
import os
import threading
from typing import Protocol

HASH_NAME = "sha256"
# benchmarks/bench_blobs.py: 256 KiB to 4 MiB buffers copy+hash equally fast (within noise).
COPY_BUFFER = 1 << 20


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
    hasher = hashlib.sha256()  # HASH_NAME (see stream_digest)
    buffer = _read_buffer()  # a new 1 MiB buffer per call cost more than a small copy
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


def fd_digest(fd: int) -> tuple[str, int]:
    """``(sha256 hex, size)`` of what is left to read from the descriptor ``fd`` (left
    open): ``stream_digest`` without a file object, for many small files."""
    return _fd_hash(fd, None)


def fd_sha256(fd: int, size: int) -> str:
    """The sha256 hex of what is left to read from ``fd`` (left open), ``size`` bytes by
    ``fstat``: a short read that reaches ``size`` ends it, so a small file costs one read
    (``fd_digest`` reads again to see the end); a file that grew is read to its end."""
    return _fd_hash(fd, size)[0]


def _fd_hash(fd: int, size: int | None) -> tuple[str, int]:
    """``(sha256 hex, bytes read)`` of ``fd`` to its end, or until a short read reaches
    the expected ``size``."""
    hasher = hashlib.sha256()
    buffer = _read_buffer()
    view = memoryview(buffer)
    seen = 0
    while count := os.readv(fd, (buffer,)):
        hasher.update(view[:count])
        seen += count
        if count < len(buffer) and seen == size:
            break
    return hasher.hexdigest(), seen
