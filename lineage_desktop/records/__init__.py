"""Frozen dataclasses of plain values shared by every layer, and the error classes.

Nothing here imports anything but the standard library: every layer may use it. The
names load lazily (``records.lazy``): importing ``records`` loads neither module, each
loads when one of its names is first read (the records' dataclasses cost a few ms).
"""
from __future__ import annotations

from lineage_desktop.records.lazy import lazy_exports

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms of 20)
if TYPE_CHECKING:
    from lineage_desktop.records.cells import *  # noqa: F403
    from lineage_desktop.records.errors import *  # noqa: F403
    from lineage_desktop.records.models import *  # noqa: F403

_CELLS = "lineage_desktop.records.cells"
_ERRORS = "lineage_desktop.records.errors"
_MODELS = "lineage_desktop.records.models"
_EXPORTS: dict[str, str] = {
    "ArtifactDeleted": _ERRORS,
    "ArtifactHasAliases": _ERRORS,
    "ArtifactNotFound": _ERRORS,
    "ArtifactNotYetLogged": _ERRORS,
    "DigestMismatch": _ERRORS,
    "DraftConflict": _ERRORS,
    "EmptyDraft": _ERRORS,
    "EntryNotFound": _ERRORS,
    "InvalidAlias": _ERRORS,
    "InvalidArtifactName": _ERRORS,
    "InvalidArtifactType": _ERRORS,
    "InvalidEntryPath": _ERRORS,
    "InvalidLocalPath": _ERRORS,
    "InvalidMetadata": _ERRORS,
    "InvalidProjectName": _ERRORS,
    "InvalidRunId": _ERRORS,
    "InvalidTag": _ERRORS,
    "InvalidText": _ERRORS,
    "LineageError": _ERRORS,
    "LocalFileNotFound": _ERRORS,
    "MissingDistributedId": _ERRORS,
    "NetworkFilesystem": _ERRORS,
    "NotALineageStore": _ERRORS,
    "NotFound": _ERRORS,
    "OpenStoreFile": _ERRORS,
    "ReadOnlyStore": _ERRORS,
    "RunNotFound": _ERRORS,
    "SchemaTooNew": _ERRORS,
    "StoreBusy": _ERRORS,
    "StoreDamaged": _ERRORS,
    "StoreError": _ERRORS,
    "StoreFull": _ERRORS,
    "StoreIOError": _ERRORS,
    "StoreNotFound": _ERRORS,
    "StorePermissionDenied": _ERRORS,
    "StoreSchemaError": _ERRORS,
    "TypeMismatch": _ERRORS,
    "ValidationError": _ERRORS,
    "VerificationFailed": _ERRORS,
    "ArtifactCollection": _MODELS,
    "ArtifactVersion": _MODELS,
    "RunCells": _CELLS,
    "VersionCells": _CELLS,
    "FileCheck": _MODELS,
    "ManifestEntry": _MODELS,
    "Project": _MODELS,
    "Run": _MODELS,
    "Usage": _MODELS,
    "artifact_key": _MODELS,
    "cluster_key": _MODELS,
    "is_artifact_key": _MODELS,
    "is_cluster_key": _MODELS,
    "is_run_key": _MODELS,
    "key_ident": _MODELS,
    "key_kind": _MODELS,
    "parse_key": _MODELS,
    "run_key": _MODELS,
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if not TYPE_CHECKING:  # type checkers read the names imported above instead
    __all__ = sorted(_EXPORTS)
