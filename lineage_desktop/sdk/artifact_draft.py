"""Filling a draft ``Artifact``: adding files, folders, references and new files (each
call all or nothing), the placement rules of entry paths, snapshots into a private
staging folder, and the check of everything just before the draft is logged.

``DraftMixin`` is a base of ``Artifact`` (``artifact.py``), which owns the state it fills.
"""
from __future__ import annotations

import atexit
import codecs
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlparse

from lineage_desktop.records import (
    DigestMismatch,
    EntryNotFound,
    InvalidEntryPath,
    LineageError,
    LocalFileNotFound,
    ManifestEntry,
    ValidationError,
)
from lineage_desktop.sdk.sources import (
    check_reference,
    folder_files,
    hash_file,
    regular_file,
)
from lineage_desktop.sdk.validation import (
    validate_entry_name,
    validate_json_object,
    validate_text,
)
from lineage_desktop.store import bytes_digest
from lineage_desktop.store.blobs import BlobStore, copy_hashed

_POLICIES = ("mutable", "immutable")
_MAX_OBJECTS = 10_000_000  # W&B's DEFAULT_MAX_OBJECTS for add_reference


class ArtifactFinalized(LineageError, RuntimeError):
    """A logged artifact's files cannot change; create a new Artifact instead."""


@dataclass(frozen=True, slots=True)
class _Pending:
    """A draft entry; ``local`` is the file to copy into the store (None for references)."""

    entry: ManifestEntry
    local: str | None
    immutable: bool = False  # ``local`` is the caller's own file: re-hashed when logged


def _check_policy(policy: object) -> None:
    if not isinstance(policy, str) or policy not in _POLICIES:
        raise ValidationError(f"invalid policy {policy!r}: use 'mutable' or 'immutable'")


def _check_encoding(encoding: object, binary: bool) -> None:
    if binary:
        raise ValidationError(f"encoding {encoding!r} given for a binary mode; leave it out")
    try:
        codecs.lookup(encoding)  # type: ignore[arg-type]
    except (LookupError, TypeError):
        raise ValidationError(f"unknown encoding {encoding!r}") from None


class DraftMixin:
    """The adding half of ``Artifact``: entries pending until the draft is logged."""

    _base_name: str
    description: str | None
    metadata: dict[str, Any]
    _pending: dict[str, _Pending]
    _folders: set[str]
    # (entry prefix, file:// URI) of each local folder added as one reference: the store
    # records them, so that verify finds files added to the folder later.
    _folder_refs: dict[tuple[str, str], None]
    _staging: Path | None

    if TYPE_CHECKING:
        def _draft(self) -> None: ...

    def _placement_problem(self, path: str, overwrite: bool) -> str | None:
        """Why ``path`` cannot join the pending entries: taken (unless ``overwrite``), a
        folder of other entries, or below an entry that is a file. A download could not
        create both ``a`` and ``a/b``."""
        if path in self._pending:
            return None if overwrite else f"already has a file {path!r}"
        if path in self._folders:
            return f"already has files under {path + '/'!r}, so {path!r} cannot be a file"
        parts = path.split("/")
        for end in range(1, len(parts)):
            above = "/".join(parts[:end])
            if above in self._pending:
                return f"already has a file {above!r}, so {path!r} cannot lie below it"
        return None

    def _check_place(self, path: str, overwrite: bool = True) -> None:
        problem = self._placement_problem(path, overwrite)
        if problem is not None:
            error = ValidationError if path in self._pending else InvalidEntryPath
            raise error(f"artifact {self._base_name!r} {problem}")

    def _add(self, path: str, digest: str, size: int, local: str | None, ref: str | None,
             overwrite: bool = True, immutable: bool = False) -> ManifestEntry:
        self._check_place(path, overwrite)
        entry = ManifestEntry(path=path, digest=digest, size=size, ref=ref)
        self._pending[path] = _Pending(entry, local, immutable)
        parts = path.split("/")
        self._folders.update("/".join(parts[:end]) for end in range(1, len(parts)))
        return entry

    def _add_local(self, source: Path, path: str, policy: str,
                   overwrite: bool = True, same_content: bool = False) -> ManifestEntry:
        """``policy``: ``mutable`` snapshots ``source`` now; ``immutable`` keeps the
        caller's file, re-hashed when logged; ``staged`` is a file of our staging folder.
        ``same_content``: a taken name is refused only for other content (W&B's
        ``add_file``: "Cannot add the same path twice")."""
        # Before reading: a refused name reads nothing.
        self._check_place(path, overwrite or same_content)
        digest, size = hash_file(source)
        taken = self._pending.get(path)
        if same_content and not overwrite and taken is not None and taken.entry.digest != digest:
            raise ValidationError(
                f"artifact {self._base_name!r} cannot add the same path twice: {path!r} "
                "already holds other content (pass overwrite=True to replace it)")
        overwrite = overwrite or same_content
        local = str(source)
        if policy == "mutable":
            # Snapshot now: the caller may change the file before the run logs it.
            local = str(self._snapshot(source, digest))
        return self._add(path, digest, size, local, None, overwrite,
                         immutable=policy == "immutable")

    @contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """Several additions as one: a refusal part-way leaves the draft as it was."""
        pending, folders = dict(self._pending), set(self._folders)
        try:
            yield
        except BaseException:
            self._pending, self._folders = pending, folders
            raise

    def add_file(
        self, local_path: str | os.PathLike[str], name: str | None = None,
        policy: str = "mutable", overwrite: bool = False,
    ) -> ManifestEntry:
        """Add one local file, hashed now. ``mutable`` (the default) snapshots it now;
        ``immutable`` copies it when logged, and refuses to log it if it changed. A name
        already added with other content is refused (``ValidationError``, a
        ``ValueError``, as W&B) unless ``overwrite=True``."""
        self._draft()
        _check_policy(policy)
        source = regular_file(local_path)
        path = validate_entry_name(name if name is not None else source.name)
        return self._add_local(source, path, policy, overwrite, same_content=True)

    def add_dir(self, local_path: str | os.PathLike[str], name: str | None = None,
                policy: str = "mutable") -> None:
        """Add every file below a local folder, under the prefix ``name``. Symbolic links
        inside the folder are followed; one that leaves it, dangles or loops is refused
        before any file is read. All files are added, or (on a refusal) none."""
        self._draft()
        _check_policy(policy)
        prefix = validate_entry_name(name) if name else ""
        planned = [(source, validate_entry_name(f"{prefix}/{rel}" if prefix else rel))
                   for source, rel in folder_files(local_path)]
        with self._all_or_nothing():
            for source, path in planned:
                self._add_local(source, path, policy)

    def add_reference(
        self, uri: str, name: str | None = None, checksum: bool = True,
        max_objects: int | None = None,
    ) -> list[ManifestEntry]:
        """Track content outside the store by URI (W&B's ``add_reference``). A ``file:``
        URI must name a local absolute path (no other host). As W&B's local file handler:
        a folder becomes one entry per file below it, named by its path relative to the
        folder (below the prefix ``name``), at most ``max_objects`` (default 10**7) of
        them; a file is one entry named ``name`` or its own name. ``checksum=True``
        hashes the content; ``checksum=False`` (and other schemes) record the digest of
        the URI, and for a local path still its size."""
        self._draft()
        local = check_reference(uri)
        parsed = urlparse(uri)
        if local is None:
            base = name or Path(parsed.path.rstrip("/")).name or parsed.netloc or "reference"
            return [self._add(validate_entry_name(base), bytes_digest(uri.encode()), 0,
                              None, uri)]
        if local.is_dir():
            return self._add_local_folder(local, name, checksum, max_objects)
        if not local.exists():
            raise LocalFileNotFound(f"reference {uri!r} points to no file or folder")
        path = validate_entry_name(name or local.name)
        self._check_place(path)
        return [self._add_reference_file(regular_file(local), path, uri, checksum)]

    def _add_reference_file(self, local: Path, path: str, ref: str,
                            checksum: bool) -> ManifestEntry:
        if checksum:
            digest, size = hash_file(local)
        else:  # W&B: the digest then depends on the path only, not on the content
            digest, size = bytes_digest(ref.encode()), local.stat().st_size
        return self._add(path, digest, size, None, ref)

    def _add_local_folder(self, local: Path, name: str | None, checksum: bool,
                          max_objects: int | None) -> list[ManifestEntry]:
        limit = max_objects or _MAX_OBJECTS  # W&B: 0 or None is the default
        found = folder_files(local)
        if len(found) > limit:
            raise ValidationError(
                f"reference {local.as_uri()!r} holds {len(found)} files: exceeded "
                f"{limit!r} objects tracked, pass max_objects to add_reference")
        prefix = validate_entry_name(name) if name else ""
        planned = [(path, validate_entry_name(f"{prefix}/{rel}" if prefix else rel))
                   for path, rel in found]
        with self._all_or_nothing():
            added = []
            for path, entry_path in planned:
                self._check_place(entry_path)
                added.append(self._add_reference_file(path, entry_path, path.as_uri(),
                                                      checksum))
            self._folder_refs[(prefix, local.as_uri())] = None
            return added

    @contextmanager
    def new_file(
        self, name: str, mode: str = "x", encoding: str | None = None
    ) -> Iterator[IO[Any]]:
        """Write a new file into the artifact: ``with art.new_file("a.txt") as f: f.write(...)``.

        ``mode`` is ``"x"`` (refuse a name already present), ``"w"``, or their binary forms.
        """
        self._draft()
        if mode not in ("x", "w", "xb", "wb"):
            raise ValidationError(f"invalid mode {mode!r}: use 'x', 'w', 'xb' or 'wb'")
        binary = "b" in mode
        if encoding is not None:
            _check_encoding(encoding, binary)
        path = validate_entry_name(name)
        self._check_place(path, overwrite="x" not in mode)
        # A file of its own in the staging folder, whatever the entry name: a body that
        # raised leaves a stray file there, never a name that blocks a later entry.
        folder = self._staging_dir() / "new"
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, target = tempfile.mkstemp(dir=folder)
        os.close(descriptor)
        with open(target, "wb" if binary else "w",
                  encoding=None if binary else (encoding or "utf-8")) as handle:
            yield handle
        # Written into our own staging folder and closed: nothing can change it now.
        self._add_local(Path(target), path, "staged", overwrite="x" not in mode)

    def add(self, obj: object, name: str, overwrite: bool = False) -> ManifestEntry:
        """Add an ``ld.Table`` as the JSON entry ``<name>.table.json`` (W&B's ``add``).
        A name already added is kept as it is unless ``overwrite`` (as W&B). Other W&B
        media objects are not supported offline (``NotAvailableOffline``)."""
        self._draft()
        from lineage_desktop.sdk.table import Table, table_name  # only for tables
        if not isinstance(obj, Table):
            from lineage_desktop.sdk.offline import NotAvailableOffline
            raise NotAvailableOffline(
                f"artifact.add of a {type(obj).__name__} is not available offline: only "
                "ld.Table is supported; add other content with add_file or new_file")
        path = validate_entry_name(table_name(str(name)))
        taken = self._pending.get(path)
        if taken is not None and not overwrite:
            return taken.entry
        # Serialised (and its cells checked) before the entry is made: a refusal adds
        # nothing.
        text = json.dumps(obj.to_json(), sort_keys=True, allow_nan=False)
        with self.new_file(path, mode="w" if overwrite else "x", encoding="utf-8") as f:
            f.write(text)
        return self._pending[path].entry

    def remove(self, item: str | os.PathLike[str] | ManifestEntry | Any) -> None:
        """Remove an entry of the draft, by path or entry; a folder path removes every
        entry below it (W&B). A path that names neither raises ``EntryNotFound`` (a
        ``FileNotFoundError``, as W&B); a logged artifact raises ``ArtifactFinalized``."""
        self._draft()
        # An entry (a ``ManifestEntry`` or the SDK's ``ArtifactEntry``) by its path.
        path = (str(PurePosixPath(item)) if isinstance(item, (str, os.PathLike))
                else str(getattr(item, "path", item)))
        if path in self._pending:
            doomed = [path]
        else:
            below = path.rstrip("/") + "/"
            doomed = [p for p in self._pending if p.startswith(below)]
        if not doomed:
            raise EntryNotFound(f"artifact {self._base_name!r} has no file or folder {path!r}",
                                asked=path)
        for name in doomed:
            removed = self._pending.pop(name).entry.ref
            # A folder with an entry removed is no longer recorded whole: not a folder
            # whose every other file is an extra one.
            for key in [k for k in self._folder_refs
                        if removed is not None and removed.startswith(k[1].rstrip("/") + "/")]:
                del self._folder_refs[key]
        # Folders are derived from the entries: recount rather than guess which stay.
        self._folders = {"/".join(parts[:end]) for parts in
                         (p.split("/") for p in self._pending) for end in range(1, len(parts))}

    def _carry(self, entries: list[ManifestEntry], blobs: BlobStore,
               folders: Iterable[tuple[str, str]] = ()) -> None:
        """Start the draft from a logged version's entries and folder references. A
        stored entry's local file is its blob in ``blobs``: logged into the same store it
        is found there and not copied again; logged into another store, it is copied
        like any file."""
        self._folder_refs.update(dict.fromkeys(folders))
        for entry in entries:
            local = None if entry.ref is not None else str(blobs.path_for(entry.digest))
            self._add(entry.path, entry.digest, entry.size, local, entry.ref)

    def _check_loggable(self) -> dict[str, Any]:
        """Before anything is written: the description and metadata (attributes the
        caller may have changed since), and every file added with ``policy="immutable"``,
        re-hashed, so that a file changed since ``add_file`` is refused rather than
        stored under its old digest. Returns the metadata to store."""
        validate_text(self.description, "description")
        metadata = validate_json_object(self.metadata, "metadata")
        for pending in self._pending.values():
            if not pending.immutable or pending.local is None:
                continue
            entry = pending.entry
            try:
                digest, _ = hash_file(Path(pending.local))
            except LocalFileNotFound:
                raise LocalFileNotFound(
                    f"{pending.local!r}, added to artifact {self._base_name!r} as "
                    f"{entry.path!r} with policy='immutable', no longer exists") from None
            if digest != entry.digest:
                raise DigestMismatch(
                    f"{pending.local!r} changed after add_file(policy='immutable') (entry "
                    f"{entry.path!r} of artifact {self._base_name!r}): sha256 was "
                    f"{entry.digest[:12]}, is now {digest[:12]}; nothing was logged. Add "
                    "it again, or use policy='mutable' to snapshot it when added")
        return metadata

    def _staging_dir(self) -> Path:
        if self._staging is None:
            self._staging = Path(tempfile.mkdtemp(prefix="lineage-desktop-staging-"))
            atexit.register(shutil.rmtree, self._staging, True)
        return self._staging

    def _snapshot(self, source: Path, digest: str) -> Path:
        """A private copy of ``source`` in the staging folder, named by ``digest`` and
        hashed while copied: a file that changed since it was hashed is refused."""
        target = self._staging_dir() / "blobs" / digest
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        temporary = Path(name)
        try:
            with open(source, "rb", buffering=0) as reader:
                actual, _ = copy_hashed(reader, descriptor)
        finally:
            os.close(descriptor)
        if actual != digest:
            temporary.unlink(missing_ok=True)
            raise DigestMismatch(
                f"{str(source)!r} changed while it was being added to artifact "
                f"{self._base_name!r}; add it again")
        os.replace(temporary, target)
        return target
