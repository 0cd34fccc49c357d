"""Checks of the entry paths, digests and references that artifacts hold.

The SDK applies them to what a caller passes in; every reader (download, verify, the
window's and the report's integrity audit) applies them again to what it reads from a
store, because a store may come from a colleague or a vendor and its rows are untrusted
input: a row this program wrote and one someone crafted are checked the same way. Only
the standard library is used here, so that the store and the SDK both can.
"""
from __future__ import annotations

import functools
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from lineage_desktop.records.errors import (
    InvalidEntryPath,
    LineageError,
    StoreError,
    ValidationError,
)

SHA256_HEX_DIGITS = 64
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:/")
# What keeps a stored path from being in normal form: an empty, ``.`` or ``..`` part, a
# leading slash, a backslash, a NUL or a drive. A path without any (and not blank) is
# what ``validate_entry_path`` returns unchanged.
_NOT_NORMAL = re.compile(r"(?:^|/)\.{0,2}(?:/|$)|[\\\x00]|^[A-Za-z]:/")
REMOTE_SCHEMES = ("s3://", "gs://", "https://", "http://")  # remote references, never read

# Folders whose content a reference read from a store never makes us read, hash, copy or
# list: the system's configuration and programs, and the user's credentials. A store
# naming them is refused rather than trusted (there is no legitimate dataset there).
SYSTEM_FOLDERS = (
    "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot",
    "/dev", "/proc", "/sys", "/run", "/root", "/snap", "/var/lib", "/var/log", "/var/run",
    "/var/spool", "/var/mail", "/var/db", "/System", "/Library", "/private/etc",
    "/private/var/db", "/private/var/root",
)
CREDENTIAL_FOLDERS = (
    ".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".netrc", ".pgpass",
    ".git-credentials", ".password-store", ".config/gcloud", ".local/share/keyrings",
)


class InvalidDigest(ValidationError):
    """A file digest that is not 64 lowercase hex digits (sha256)."""


class InvalidReference(ValidationError):
    """A ``file://`` reference that is malformed (a host, a relative path, ``..``) or
    points into a protected location (system folders, the user's credentials)."""


class UnsafeContent(StoreError, ValueError):
    """Content that a store names but that is refused unread: a blob that is a symbolic
    link, sits behind one or is not a regular file, a reference into a protected
    location. Nothing was read, hashed or written for it."""


class UnsafeEntry(UnsafeContent):
    """A manifest entry read from a store that would reach outside the store's folder or
    the download root; names the version, the entry path and what is wrong."""

    def __init__(self, version: str, path: str, reason: str) -> None:
        super().__init__(f"{version}: refused manifest entry {shown(path)}: {reason}")
        self.version = version
        self.path = path
        self.reason = reason


class ContentUnreadable(LineageError, OSError):
    """An entry's content exists but cannot be read (permission denied, a folder where a
    file should be, an I/O error)."""


def shown(value: object) -> str:
    """``value`` quoted for a message: control characters escaped, long text cut."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "...'"


def validate_entry_path(name: object) -> str:
    """Normalise an entry name to a relative POSIX path inside the artifact root."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidEntryPath(f"invalid entry name {shown(name)}: it must not be empty")
    if "\x00" in name:
        raise InvalidEntryPath(f"invalid entry name {shown(name)}: it holds a NUL character")
    text = name.replace("\\", "/")
    if text.startswith("/") or _WINDOWS_DRIVE.match(text):
        raise InvalidEntryPath(
            f"invalid entry name {shown(name)}: absolute paths would escape the artifact root")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts or not parts:
        raise InvalidEntryPath(
            f"invalid entry name {shown(name)}: '..' would escape the artifact root")
    return posixpath.join(*parts)


def validate_stored_path(path: object) -> str:
    """An entry path read from a store: what ``validate_entry_path`` accepts, already in
    the normal form the SDK records (so that it names one file under any root)."""
    # One search, not the split and join (a merge checks every entry of its sources).
    if type(path) is str and not _NOT_NORMAL.search(path) and not path.isspace():
        return path
    normal = validate_entry_path(path)
    if normal != path:
        raise InvalidEntryPath(
            f"invalid entry name {shown(path)}: not in normal form (the SDK records "
            f"{normal!r})")
    return normal


def validate_digest(digest: object) -> str:
    """A file digest: sha256 as 64 lowercase hex digits (also the blob's file name)."""
    if not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest):
        raise InvalidDigest(
            f"invalid digest {shown(digest)}: expected {SHA256_HEX_DIGITS} lowercase hex "
            "digits (sha256)")
    return digest


def reference_path(ref: str) -> Path | None:
    """The local path of a ``file://`` reference; None for other schemes (remote).

    Refuses (``InvalidReference``) a file URI with a host other than ``localhost``, a
    query or fragment, a relative path, ``.`` or ``..`` components or a NUL character.
    Whether the path may be read is ``protected_location``'s question.
    """
    if ref.startswith(REMOTE_SCHEMES):  # no file URI starts so: none of urlparse's cost (merges)
        return None
    parsed = urlparse(ref)
    if parsed.scheme.lower() != "file":
        return None
    if parsed.netloc not in ("", "localhost"):
        raise InvalidReference(
            f"invalid reference {shown(ref)}: a file URI on another host "
            f"({parsed.netloc!r}) cannot be read here")
    if parsed.query or parsed.fragment:
        raise InvalidReference(
            f"invalid reference {shown(ref)}: a file URI with a query or fragment")
    text = unquote(parsed.path)
    if "\x00" in text:
        raise InvalidReference(f"invalid reference {shown(ref)}: it holds a NUL character")
    if not text.startswith("/"):
        raise InvalidReference(f"invalid reference {shown(ref)}: the path must be absolute")
    if any(part in (".", "..") for part in text.split("/")):
        raise InvalidReference(
            f"invalid reference {shown(ref)}: '.' and '..' are not allowed in its path")
    return Path(text)


def protected_location(path: str | os.PathLike[str], holding: bool = False) -> str | None:
    """The protected folder (system or credentials) that ``path`` lies in, after
    resolving symbolic links; with ``holding``, also one that lies inside ``path`` (a
    folder about to be listed). None when ``path`` is not protected."""
    real = os.path.realpath(path)
    home, credentials, system = _protected_folders(os.path.expanduser("~"))
    for folder in credentials:
        if _inside(real, folder) or (holding and _inside(folder, real)):
            return folder
    if home is not None and _inside(real, home):
        return None  # the user's own files, even when home is /root or /var/lib/<user>
    for folder in system:
        if _inside(real, folder) or (holding and _inside(folder, real)):
            return folder
    return None


@functools.lru_cache(maxsize=8)
def _protected_folders(home: str) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """``(real home or None, credential folders, system folders)``, as real paths (/etc
    is /private/etc on macOS: compare real paths with real paths)."""
    system = list(SYSTEM_FOLDERS)
    for name in ("SystemRoot", "ProgramFiles", "ProgramFiles(x86)", "ProgramData"):
        if os.environ.get(name):
            system.append(os.environ[name])
    real_home = os.path.realpath(home) if home and home != "~" else None
    if real_home in (None, os.path.realpath(os.sep)):
        real_home = None  # a home of "/" would make everything the user's own
        credentials: list[str] = []
    else:
        credentials = [os.path.join(real_home, name) for name in CREDENTIAL_FOLDERS]
    return (real_home, tuple(dict.fromkeys(os.path.realpath(f) for f in credentials)),
            tuple(dict.fromkeys(os.path.realpath(f) for f in system)))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


__all__ = [
    "CREDENTIAL_FOLDERS",
    "ContentUnreadable",
    "InvalidDigest",
    "InvalidReference",
    "SYSTEM_FOLDERS",
    "UnsafeContent",
    "UnsafeEntry",
    "protected_location",
    "reference_path",
    "shown",
    "validate_digest",
    "validate_entry_path",
    "validate_stored_path",
]
