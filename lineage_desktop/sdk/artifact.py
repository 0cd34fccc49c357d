"""``Artifact``: a draft to fill and log, or a logged version to read, download, verify.

Filling a draft (adding files, folders, references) is ``artifact_draft.py``'s
``DraftMixin``; editing a logged version and ``save()`` are ``artifact_edits.py``'s
``EditsMixin``; this module holds the state, the properties and the reading side.
"""
from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lineage_desktop.records import (
    ArtifactVersion,
    LineageError,
    ManifestEntry,
    VerificationFailed,
)
from lineage_desktop.records.validation import shown
from lineage_desktop.sdk.api_run import ApiRun
from lineage_desktop.sdk.artifact_delete import ArtifactDeleteMixin
from lineage_desktop.sdk.artifact_draft import ArtifactFinalized, DraftMixin, _Pending
from lineage_desktop.sdk.artifact_edits import EditsMixin
from lineage_desktop.sdk.artifact_files import (
    ArtifactEntry,
    ReferenceNotFetched,
    default_root,
    warn_not_fetched,
)
from lineage_desktop.sdk.artifact_links import LinkMixin
from lineage_desktop.sdk.validation import (
    validate_json_object,
    validate_name,
    validate_text,
    validate_type,
)
from lineage_desktop.store import Store, manifest_digest

if TYPE_CHECKING:
    from lineage_desktop.sdk.table import Table

__all__ = ["Artifact", "ArtifactFinalized", "ArtifactNotLogged"]


class ArtifactNotLogged(LineageError, RuntimeError):
    """An operation that needs a logged version was called on a draft."""


class Artifact(LinkMixin, DraftMixin, EditsMixin, ArtifactDeleteMixin):
    """A versioned collection of files, with the W&B ``Artifact`` names."""

    def __init__(
        self, name: str, type: str, description: str | None = None,
        metadata: dict[str, Any] | None = None, incremental: bool = False,
        use_as: str | None = None, storage_region: str | None = None,
    ) -> None:
        # ``use_as`` and ``storage_region`` are W&B's, accepted for its code; nothing
        # here is remote. ``incremental``: logged on top of the latest version's entries.
        self._incremental = bool(incremental)
        self._base_name = validate_name(name)
        self._type = validate_type(type, self._base_name)
        self.description = validate_text(description, "description")
        self.metadata = validate_json_object(metadata, "metadata")
        self._pending: dict[str, _Pending] = {}
        self._folders: set[str] = set()  # every folder that the pending entries lie in
        self._folder_refs: dict[tuple[str, str], None] = {}
        self._record: ArtifactVersion | None = None
        self._store: Store | None = None
        self._staging: Path | None = None
        self._reset_edits()

    @classmethod
    def _from_record(cls, store: Store, record: ArtifactVersion) -> Artifact:
        artifact = cls.__new__(cls)
        artifact._base_name = record.name
        artifact._type = record.type
        artifact.description = record.description
        artifact._pending = {}
        artifact._folder_refs = {}
        artifact._staging = None
        artifact._incremental = False
        artifact._bind(store, record)
        return artifact

    def new_draft(self) -> Artifact:
        """A draft of the next version: this version's name, type, description, metadata
        and entries (their content is not copied again), to change and log."""
        record, store = self._logged(), self._store
        assert store is not None
        draft = Artifact(record.name, record.type, record.description, dict(record.metadata))
        draft._carry(store.manifest(record.id), store.blobs, store.reference_folders(record.id))
        return draft

    def _bind(self, store: Store, record: ArtifactVersion) -> None:
        self._store, self._record = store, record
        self._pending = {}
        self._reset_edits()

    def __repr__(self) -> str:
        return f"<Artifact {self.name} type={self._type}>"

    # ------------------------------------------------------------------ properties
    @property
    def name(self) -> str:
        """``name`` for a draft, ``name:v3`` once logged."""
        return f"{self._base_name}:{self._record.version}" if self._record else self._base_name

    @property
    def source_name(self) -> str:
        """W&B's ``{collection}:v<number>`` once logged; the name alone for a draft."""
        return self.name

    @property
    def incremental(self) -> bool:
        """Logged on top of the collection's latest version (W&B's ``incremental``)."""
        return self._incremental

    @property
    def type(self) -> str:
        return self._type

    @property
    def version(self) -> str:
        return self._logged().version

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

    # ------------------------------------------------------------------ reading
    def files(self) -> list[ManifestEntry]:
        """The manifest entries, sorted by path."""
        if self._record is not None and self._store is not None:
            return self._store.manifest(self._record.id)
        return [self._pending[p].entry for p in sorted(self._pending)]

    def _pending_files(self) -> list[tuple[str, str]]:
        return [(p.entry.digest, p.local) for p in self._pending.values() if p.local is not None]

    def get_entry(self, name: str) -> ArtifactEntry:
        """The entry ``name`` (W&B's ``ArtifactManifestEntry``), nothing downloaded."""
        for entry in self.files():
            if entry.path == name:
                return ArtifactEntry(self, entry)
        raise LookupError(f"artifact {self.name} has no file {name!r}")

    def get(self, name: str) -> Table | None:
        """The ``ld.Table`` added as ``name`` (stored as ``<name>.table.json``), or None
        when the artifact holds no such entry (W&B's ``get``). Read through the store:
        the file is downloaded (validated and hashed) into a private folder."""
        self._logged()
        from lineage_desktop.sdk.table import read_table, table_name  # only for tables
        path = table_name(str(name))
        entry = next((e for e in self.files() if e.path == path), None)
        if entry is None:
            return None
        with tempfile.TemporaryDirectory(prefix="lineage-desktop-get-") as folder:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ReferenceNotFetched)  # refused just below
                local = Path(ArtifactEntry(self, entry).download(root=folder))
            if not local.is_file():
                raise LookupError(f"artifact {self.name} entry {path!r} is a reference "
                                  f"({entry.ref}) that cannot be read offline")
            return read_table(local.read_bytes(), f"artifact {self.name} entry {path!r}")

    def get_path(self, name: str) -> ArtifactEntry:
        """W&B's deprecated alias of ``get_entry``."""
        return self.get_entry(name)

    def download(self, root: str | os.PathLike[str] | None = None,
                 allow_missing_references: bool = False, skip_cache: bool | None = None,
                 path_prefix: str | None = None, multipart: bool | None = None) -> str:
        """Copy the files (those below ``path_prefix``) into ``root`` (default
        ``./artifacts/<name>:v<n>``); returns it. Remote references cannot be fetched
        offline: a ``ReferenceNotFetched`` warning names them. ``skip_cache`` and
        ``multipart`` are accepted for W&B (no cache, no network)."""
        del allow_missing_references, skip_cache, multipart
        record, store = self._logged(), self._store
        assert store is not None
        target = Path(root) if root is not None else default_root(record)
        # Validated and hashed on the way: see sdk/downloads.py.
        from lineage_desktop.sdk.downloads import download_version  # not in recording scripts
        skipped = download_version(store, record, target, path_prefix=path_prefix)
        warn_not_fetched(f"{record.name}:{record.version}", skipped)
        return str(target)

    def checkout(self, root: str | os.PathLike[str] | None = None) -> str:
        """Make ``root`` (default ``./artifacts/<name>``) hold exactly this version: its
        files downloaded, then every other file and link below ``root`` removed (W&B's
        ``checkout``); returns the root. Links are removed as links, never followed;
        ``/``, the home and the working folder are refused (``UnsafeCheckoutRoot``)."""
        record = self._logged()
        from lineage_desktop.sdk.checkout import check_root, remove_extra  # as download
        target = check_root(Path(root) if root is not None else Path("artifacts") / record.name)
        # Downloaded first: a version whose manifest is refused deletes nothing.
        self.download(target)
        remove_extra(target, {entry.path for entry in self.files()})
        return str(target)

    def verify(self, root: str | os.PathLike[str] | None = None) -> None:
        """Re-hash the stored (or, with ``root``, downloaded) files; raise
        ``VerificationFailed`` listing every changed, missing or extra file."""
        record, store = self._logged(), self._store
        assert store is not None
        from lineage_desktop.sdk.integrity import verify_folder, verify_version  # as download
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
