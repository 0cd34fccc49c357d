"""Named errors. Refusals of bad input are ``ValueError``s, unknown names ``LookupError``s.

Every message names the bad value and, where it helps, what to do instead.
"""
from __future__ import annotations

from collections.abc import Sequence


class LineageError(Exception):
    """Base class of every error lineage_desktop raises on purpose."""


class ValidationError(LineageError, ValueError):
    """Bad input refused before anything was written."""


class InvalidArtifactName(ValidationError):
    """An artifact name outside ``^[A-Za-z0-9_.-]+$`` or longer than 128 characters."""


class InvalidAlias(ValidationError):
    """An alias holding ``/`` or ``:``, empty, or too long."""


class InvalidArtifactType(ValidationError):
    """An artifact type that is empty, malformed, or reserved."""


class InvalidEntryPath(ValidationError):
    """A manifest entry name that would escape the artifact root."""


class InvalidTag(ValidationError):
    """A run or artifact tag that is empty, too long or holds characters W&B refuses."""


class InvalidProjectName(ValidationError):
    """A project or entity name that is empty, longer than 128 characters, or holds
    ``/ \\ # ? % :`` or a control character."""


class InvalidRunId(ValidationError):
    """A run id that is malformed (W&B's reserved characters, whitespace at either end,
    control characters) or already taken in the store."""


class InvalidText(ValidationError):
    """Free text (a run name, job type, group, notes, a description) that is not a
    string, holds a NUL character, cannot be stored as UTF-8, or is too long."""


class InvalidMetadata(ValidationError):
    """Metadata or config that JSON cannot hold exactly: not a mapping, a key that is not
    a string, NaN or Infinity, a cycle, nesting too deep. Names the key path."""


class InvalidLocalPath(ValidationError):
    """A local path given to an artifact that cannot be read safely: not a path, a NUL
    character, not a regular file (a FIFO, a device), a symbolic link leaving the folder
    being added, or a link loop."""


class TypeMismatch(ValidationError):
    """An artifact asked for with a type other than its own."""


class DigestMismatch(ValidationError):
    """Content that does not match its recorded digest."""


class VerificationFailed(ValidationError):
    """``verify`` found files that differ from the manifest; ``problems`` lists each one."""

    def __init__(self, message: str, problems: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class StoreError(LineageError):
    """The store file cannot be used as asked."""


class NotALineageStore(StoreError, ValueError):
    """The file is not SQLite, or is SQLite but not a lineage store (or is damaged)."""


class SchemaTooNew(StoreError, ValueError):
    """The store was written by a newer lineage_desktop; it is left untouched."""


class ReadOnlyStore(StoreError, PermissionError):
    """A write was attempted through a read-only connection."""


class NotFound(LineageError, LookupError):
    """Something asked for by name does not exist; ``suggestions`` holds the closest names."""

    def __init__(self, message: str, asked: str = "", suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.asked = asked
        self.suggestions = list(suggestions)

    def __str__(self) -> str:  # KeyError-style repr quoting would be noise here
        return self.args[0] if self.args else ""


class ArtifactNotFound(NotFound):
    """An unknown artifact name, alias or version."""


class ArtifactDeleted(ArtifactNotFound):
    """A version (or collection) that was deleted: its tombstone names when and by whom."""

    def __init__(self, message: str, asked: str = "", deleted_at: str | None = None,
                 deleted_by: str | None = None, version_id: int | None = None) -> None:
        super().__init__(message, asked=asked)
        self.deleted_at = deleted_at
        self.deleted_by = deleted_by
        self.version_id = version_id  # the tombstone's row id: its lineage stays readable


class ArtifactNotYetLogged(ArtifactNotFound):
    """A reference asked for *as of* a moment before its collection's first version:
    ``first`` names that version (``name:v0``), ``first_logged_at`` is when it was logged."""

    def __init__(self, message: str, asked: str, first: str, first_logged_at: str) -> None:
        super().__init__(message, asked=asked, suggestions=[first])
        self.first = first
        self.first_logged_at = first_logged_at


class ArtifactHasAliases(ValidationError):
    """``delete()`` of a version that aliases still point at, without
    ``delete_aliases=True``; ``aliases`` lists them."""

    def __init__(self, message: str, aliases: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.aliases = list(aliases)


class RunNotFound(NotFound):
    """An unknown run id."""


class StoreNotFound(StoreError, FileNotFoundError):
    """A store file (or the folder it should be created in) does not exist."""


class LocalFileNotFound(ValidationError, FileNotFoundError):
    """A local file or folder given to an artifact does not exist."""


class StoreDamaged(StoreError):
    """SQLite reported damage (a truncated or corrupt file) while reading or writing."""


class StoreBusy(StoreError):
    """Another connection held the store's lock for longer than the busy timeout."""


class StoreFull(StoreError, OSError):
    """The disk (or quota) holding the store or its blob folder is full; nothing was
    committed."""


class StorePermissionDenied(StoreError, PermissionError):
    """The operating system refused access to the store file, its folder or its
    ``-wal``/``-shm`` files."""


class StoreIOError(StoreError, OSError):
    """The operating system reported an I/O error while reading or writing the store."""


class StoreSchemaError(StoreDamaged):
    """The file claims to be a lineage store, but its tables or columns are not the ones
    its schema version promises (edited by hand, or damaged)."""


class OpenStoreFile(ValidationError):
    """A store file (or its ``-wal``/``-shm``) that this process has open was given as a
    plain file: reading it outside SQLite would drop SQLite's locks on it."""


class NetworkFilesystem(StoreError):
    """The store lies on a network filesystem where SQLite's locking and WAL cannot be
    trusted (NFS, SMB, sshfs, ...)."""


class DraftConflict(ValidationError):
    """Two runs put different content under one path of a distributed artifact."""


class EmptyDraft(ValidationError):
    """``finish_artifact`` found nothing to commit (nothing upserted, or finished already)."""


class EntryNotFound(NotFound, FileNotFoundError):
    """A draft has no entry (nor folder) by that path; W&B raises ``FileNotFoundError``."""


class MissingDistributedId(ValidationError, TypeError):
    """``upsert_artifact``/``finish_artifact`` outside a group without a
    ``distributed_id`` (W&B raises ``TypeError``)."""
