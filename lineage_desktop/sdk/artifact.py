"""``Artifact``: a draft to fill and log, or a logged version to read, download, verify."""
from __future__ import annotations

import atexit
import codecs
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from lineage_desktop.records import (
    ArtifactVersion,
    DigestMismatch,
    InvalidEntryPath,
    LineageError,
    LocalFileNotFound,
    ManifestEntry,
    ValidationError,
    VerificationFailed,
)
from lineage_desktop.records.validation import shown
from lineage_desktop.sdk.api_run import ApiRun
from lineage_desktop.sdk.downloads import download_version
from lineage_desktop.sdk.integrity import verify_folder, verify_version
from lineage_desktop.sdk.sources import (
    check_reference,
    folder_files,
    hash_file,
    regular_file,
)
from lineage_desktop.sdk.validation import (
    validate_entry_name,
    validate_json_object,
    validate_name,
    validate_text,
    validate_type,
)
from lineage_desktop.store import Store, bytes_digest, manifest_digest
from lineage_desktop.store.blobs import copy_hashed

_POLICIES = ("mutable", "immutable")


class ArtifactNotLogged(LineageError, RuntimeError):
    """An operation that needs a logged version was called on a draft."""


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


class Artifact:
    """A versioned collection of files, with the W&B ``Artifact`` names."""

    def __init__(
        self, name: str, type: str, description: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._base_name = validate_name(name)
        self._type = validate_type(type, self._base_name)
        self.description = validate_text(description, "description")
        self.metadata: dict[str, Any] = validate_json_object(metadata, "metadata")
        self._pending: dict[str, _Pending] = {}
        self._folders: set[str] = set()  # every folder that the pending entries lie in
        self._record: ArtifactVersion | None = None
        self._store: Store | None = None
        self._staging: Path | None = None

    @classmethod
    def _from_record(cls, store: Store, record: ArtifactVersion) -> Artifact:
        artifact = cls.__new__(cls)
        artifact._base_name = record.name
        artifact._type = record.type
        artifact.description = record.description
        artifact.metadata = dict(record.metadata)
        artifact._pending = {}
        artifact._staging = None
        artifact._bind(store, record)
        return artifact

    def _bind(self, store: Store, record: ArtifactVersion) -> None:
        self._store, self._record = store, record
        self._pending = {}

    def __repr__(self) -> str:
        return f"<Artifact {self.name} type={self._type}>"

    # ------------------------------------------------------------------ properties
    @property
    def name(self) -> str:
        """``name`` for a draft, ``name:v3`` once logged."""
        return f"{self._base_name}:{self._record.version}" if self._record else self._base_name

    @property
    def source_name(self) -> str:
        return self._base_name

    @property
    def type(self) -> str:
        return self._type

    @property
    def version(self) -> str:
        return self._logged().version

    @property
    def aliases(self) -> list[str]:
        return list(self._record.aliases) if self._record else []

    @property
    def tags(self) -> list[str]:
        return list(self._record.tags) if self._record else []

    @property
    def digest(self) -> str:
        if self._record:
            return self._record.digest
        return manifest_digest([(p.entry.path, p.entry.digest) for p in self._pending.values()])

    @property
    def size(self) -> int:
        if self._record:
            return self._record.size
        return sum(p.entry.size for p in self._pending.values())

    @property
    def file_count(self) -> int:
        return self._record.file_count if self._record else len(self._pending)

    @property
    def created_at(self) -> str | None:
        return self._record.created_at if self._record else None

    @property
    def qualified_name(self) -> str:
        return self._logged().qualified_name

    @property
    def state(self) -> str:
        return "COMMITTED" if self._record else "PENDING"

    @property
    def id(self) -> int | None:
        return self._record.id if self._record else None

    @property
    def record(self) -> ArtifactVersion:
        return self._logged()

    def _logged(self) -> ArtifactVersion:
        if self._record is None:
            raise ArtifactNotLogged(
                f"artifact {self._base_name!r} is not logged yet; call run.log_artifact() first")
        return self._record

    def _draft(self) -> None:
        if self._record is not None:
            raise ArtifactFinalized(f"artifact {self.name} is logged; its files cannot change")

    # ------------------------------------------------------------------ adding content
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
                   overwrite: bool = True) -> ManifestEntry:
        """``policy``: ``mutable`` snapshots ``source`` now; ``immutable`` keeps the
        caller's file, re-hashed when logged; ``staged`` is a file of our staging folder."""
        self._check_place(path, overwrite)  # before reading: a refused name reads nothing
        digest, size = hash_file(source)
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
        policy: str = "mutable", overwrite: bool = True,
    ) -> ManifestEntry:
        """Add one local file, hashed now. ``mutable`` (the default) snapshots it now;
        ``immutable`` copies it when logged, and refuses to log it if it changed."""
        self._draft()
        _check_policy(policy)
        source = regular_file(local_path)
        path = validate_entry_name(name if name is not None else source.name)
        return self._add_local(source, path, policy, overwrite)

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
    ) -> list[ManifestEntry]:
        """Track content outside the store by URI. ``file://`` content is hashed when
        ``checksum``; other schemes (and ``checksum=False``) record the URI's digest.
        A ``file:`` URI must name a local absolute path (no other host)."""
        self._draft()
        local = check_reference(uri)
        parsed = urlparse(uri)
        base = name or Path(parsed.path.rstrip("/")).name or parsed.netloc or "reference"
        base = validate_entry_name(base)
        if local is None or not checksum:
            return [self._add(base, bytes_digest(uri.encode()), 0, None, uri)]
        if local.is_dir():
            planned = [(path, validate_entry_name(f"{base}/{rel}"))
                       for path, rel in folder_files(local)]
            with self._all_or_nothing():
                added = []
                for path, entry_path in planned:
                    self._check_place(entry_path)
                    digest, size = hash_file(path)
                    added.append(self._add(entry_path, digest, size, None, path.as_uri()))
                return added
        if not local.exists():
            raise LocalFileNotFound(f"reference {uri!r} points to no file or folder")
        self._check_place(base)
        digest, size = hash_file(regular_file(local))
        return [self._add(base, digest, size, None, uri)]

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

    # ------------------------------------------------------------------ reading
    def files(self) -> list[ManifestEntry]:
        """The manifest entries, sorted by path."""
        if self._record is not None and self._store is not None:
            return self._store.manifest(self._record.id)
        return [self._pending[p].entry for p in sorted(self._pending)]

    def _pending_files(self) -> list[tuple[str, str]]:
        return [(p.entry.digest, p.local) for p in self._pending.values() if p.local is not None]

    def get_entry(self, name: str) -> ManifestEntry:
        for entry in self.files():
            if entry.path == name:
                return entry
        raise LookupError(f"artifact {self.name} has no file {name!r}")

    def download(self, root: str | os.PathLike[str] | None = None) -> str:
        """Copy the files into ``root`` (default ``./artifacts/<name>:v<n>``); returns it."""
        record, store = self._logged(), self._store
        assert store is not None
        target = (Path(root) if root is not None
                  else Path("artifacts") / f"{record.name}:{record.version}")
        # Validated and hashed on the way: see sdk/downloads.py.
        download_version(store, record, target)
        return str(target)

    def verify(self, root: str | os.PathLike[str] | None = None) -> None:
        """Re-hash the stored (or, with ``root``, downloaded) files; raise
        ``VerificationFailed`` listing every changed, missing or extra file."""
        record, store = self._logged(), self._store
        assert store is not None
        problems = (verify_folder(store, record, Path(root)) if root is not None
                    else verify_version(store, record))
        if problems:
            listing = "; ".join(f"{p.status}: {shown(p.path)}"
                                + (f" ({p.detail})" if p.detail else "") for p in problems)
            raise VerificationFailed(f"{self.name} does not match its manifest: {listing}",
                                     problems)

    def logged_by(self) -> ApiRun | None:
        record, store = self._logged(), self._store
        assert store is not None
        if record.run_id is None:
            return None
        found = store.runs_by_ids([record.run_id])
        return ApiRun(store, found[0], artifact=Artifact._from_record) if found else None

    def used_by(self) -> list[ApiRun]:
        record, store = self._logged(), self._store
        assert store is not None
        return [ApiRun(store, run, artifact=Artifact._from_record)
                for run in store.runs_using(record.id)]
