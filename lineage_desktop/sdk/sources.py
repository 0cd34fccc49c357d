"""What an artifact reads from the local machine: one file, a folder walked safely, a
reference URI. Each is checked before anything is hashed, copied or written.

Folders: symbolic links that stay inside the folder are followed (files and folders);
a link that leaves the folder, dangles or loops back is refused, naming the link, so
that ``add_dir`` never records content from elsewhere and never walks forever.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from urllib.parse import urlparse

from lineage_desktop.records import InvalidLocalPath, LocalFileNotFound
from lineage_desktop.records.validation import (
    InvalidReference,
    protected_location,
    reference_path,
)
from lineage_desktop.sdk.validation import has_control
from lineage_desktop.sdk.validation import shown as _shown
from lineage_desktop.store import file_digest
from lineage_desktop.store.pg import PgLocation

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+")  # RFC 3986, minus one-letter drive names


def local_path(value: object, what: str = "file") -> Path:
    """``value`` as a path to check: a ``str`` or ``os.PathLike`` without NUL."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise InvalidLocalPath(
            f"invalid local {what} {_shown(value)}: expected a path (str or os.PathLike)")
    if "\x00" in value:
        raise InvalidLocalPath(
            f"invalid local {what} {_shown(value)}: a path cannot hold a NUL character")
    return Path(value)


def regular_file(value: object) -> Path:
    """An existing regular file (following links): a folder, FIFO or device is refused
    (reading a FIFO would wait forever)."""
    path = local_path(value)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise LocalFileNotFound(f"no such file: {_shown(str(value))}") from None
    except OSError as exc:
        raise InvalidLocalPath(f"cannot read {_shown(str(value))}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InvalidLocalPath(f"{_shown(str(value))} is a folder; use add_dir() for folders")
    if not stat.S_ISREG(mode):
        raise InvalidLocalPath(
            f"{_shown(str(value))} is not a regular file (a FIFO, socket or device)")
    return path


def hash_file(path: Path) -> tuple[str, int]:
    """``(sha256, size)`` of a local file; a file gone or unreadable since it was checked
    is a named error, not a raw ``OSError``."""
    try:
        return file_digest(path)
    except FileNotFoundError:
        raise LocalFileNotFound(f"no such file: {_shown(str(path))}") from None
    except OSError as exc:
        raise InvalidLocalPath(f"cannot read {_shown(str(path))}: {exc.strerror}") from None


def folder_files(value: object) -> list[tuple[Path, str]]:
    """Every regular file below a folder as ``(path, relative POSIX path)``, sorted.

    Links inside the folder are followed; a link leaving it, a dangling link, a link
    loop, or a FIFO/socket/device is refused (``InvalidLocalPath``), before any file
    is read.
    """
    root = local_path(value, "folder")
    if not root.is_dir():
        raise LocalFileNotFound(f"no such folder: {_shown(str(value))}")
    real_root = os.path.realpath(root)
    found: list[tuple[Path, str]] = []
    # (folder on disk, relative path, real paths of the folders above it and itself)
    stack: list[tuple[Path, str, tuple[str, ...]]] = [(root, "", (real_root,))]
    while stack:
        folder, rel, chain = stack.pop()
        for entry in _listing(folder):
            path, child = Path(entry.path), f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_symlink():
                real = os.path.realpath(path)
                if not _inside(real, real_root):
                    raise InvalidLocalPath(
                        f"{_shown(str(path))} is a symbolic link to {_shown(real)}, outside "
                        f"the folder {_shown(str(value))}; copy the file in or add it "
                        "separately")
                if real in chain:
                    raise InvalidLocalPath(
                        f"{_shown(str(path))} is a symbolic link loop (it points back to "
                        f"{_shown(real)})")
            else:
                real = None
            try:
                mode = path.stat().st_mode
            except FileNotFoundError:
                raise LocalFileNotFound(
                    f"{_shown(str(path))} is a symbolic link to nothing") from None
            except OSError as exc:  # ELOOP for a link to itself, EACCES, ...
                raise InvalidLocalPath(f"cannot read {_shown(str(path))}: {exc.strerror}") \
                    from None
            if stat.S_ISDIR(mode):
                stack.append((path, child, chain + (real or os.path.realpath(path),)))
            elif stat.S_ISREG(mode):
                found.append((path, child))
            else:
                raise InvalidLocalPath(
                    f"{_shown(str(path))} is not a regular file (a FIFO, socket or device)")
    return sorted(found, key=lambda item: item[1])


def _listing(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name, reverse=True)
    except OSError as exc:
        raise InvalidLocalPath(f"cannot list {_shown(str(folder))}: {exc.strerror}") from None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_reference(uri: object) -> Path | None:
    """A reference URI given to ``add_reference``: its local path for ``file:`` URIs,
    None for other schemes. Refused (``InvalidReference``): no scheme, a one-letter
    scheme (a Windows path such as ``C:/data``), control characters, nothing after the
    scheme, and for ``file:`` what the store's rule refuses (another host, a relative
    path, ``..``, NUL), the filesystem root and protected locations (system folders,
    credentials), which readers of the store would refuse to read."""
    if not isinstance(uri, str):
        raise InvalidReference(f"invalid reference {_shown(uri)}: expected a URI string")
    if has_control(uri):
        raise InvalidReference(
            f"invalid reference {_shown(uri)}: control characters are not allowed in a URI "
            "(percent-encode them)")
    parsed = urlparse(uri)
    if len(parsed.scheme) == 1:
        raise InvalidReference(
            f"invalid reference {_shown(uri)}: this looks like a Windows path; write it as "
            "a URI, e.g. file:///C:/data")
    if not _SCHEME.fullmatch(parsed.scheme or ""):
        raise InvalidReference(
            f"invalid reference {_shown(uri)}: expected a URI like file:///data or "
            "s3://bucket/key")
    if parsed.scheme.lower() != "file":
        if not (parsed.netloc or parsed.path.strip("/")):
            raise InvalidReference(f"invalid reference {_shown(uri)}: it names no location")
        return None
    local = reference_path(uri)
    assert local is not None
    if local == Path(local.anchor):
        raise InvalidReference(
            f"invalid reference {_shown(uri)}: the root of the filesystem cannot be an "
            "artifact's content")
    protected = protected_location(local, holding=True)
    if protected is not None:
        raise InvalidReference(
            f"invalid reference {_shown(uri)}: it lies in or holds the protected location "
            f"{protected}, which readers of the store refuse to read")
    return local


__all__ = ["check_reference", "folder_files", "hash_file", "local_path", "regular_file"]


def same_file(a: str | os.PathLike[str] | PgLocation,
              b: str | os.PathLike[str] | PgLocation) -> bool:
    """Whether two stores are one: two paths naming one existing file (a path that cannot
    be checked is not), or one team store's URL."""
    if isinstance(a, PgLocation) or isinstance(b, PgLocation):
        return a == b
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
