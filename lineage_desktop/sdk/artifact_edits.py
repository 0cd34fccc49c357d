"""Editing a logged artifact and ``Artifact.save()``, with W&B's names and rules.

On a logged version ``description``, ``metadata``, ``aliases``, ``tags`` and ``ttl`` may
change; the changes are pending until ``save()``, which writes them in one transaction
with their time and author (see ``store/edits.py``). ``save()`` on a draft logs it: with
the active run if there is one, else through a run of job type ``auto``, as W&B does.
"""
from __future__ import annotations

import copy
import enum
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from lineage_desktop.records import ArtifactCollection, ArtifactVersion, ValidationError
from lineage_desktop.sdk.validation import (
    validate_aliases,
    validate_json_object,
    validate_tags,
    validate_text,
)
from lineage_desktop.store import Store
from lineage_desktop.store.edits import VersionEdit

if TYPE_CHECKING:
    from lineage_desktop.sdk.artifact import Artifact

__all__ = ["ArtifactTTL", "EditsMixin", "InvalidTTL"]


class ArtifactTTL(enum.Enum):
    """W&B's ``ArtifactTTL``: ``INHERIT`` takes the team's default TTL. Offline there is
    no team default, so an inherited TTL is none."""

    INHERIT = -1


class InvalidTTL(ValidationError):
    """A ``ttl`` that is not a positive ``datetime.timedelta``, ``None`` or ``INHERIT``."""


_UNCHANGED: Any = object()


class EditsMixin:
    """The editable fields of a logged ``Artifact`` and ``save()``."""

    _record: ArtifactVersion | None
    _store: Store | None
    _base_name: str
    description: str | None

    def _logged(self) -> ArtifactVersion:  # pragma: no cover - Artifact's
        raise NotImplementedError

    def _reset_edits(self) -> None:
        """Forget pending edits: a record just bound holds the saved values (of content
        equal to an earlier version's, that version's description and metadata)."""
        if self._record is not None:
            self.description = self._record.description
            self._metadata: dict[str, Any] | None = None  # copied when first read
        self._edit_aliases: list[str] | None = None
        self._edit_tags: list[str] | None = None
        self._edit_ttl: Any = _UNCHANGED

    # ------------------------------------------------------------------ editable
    @property
    def metadata(self) -> dict[str, Any]:
        """The version's metadata: assign a dict or change this one (nested values too);
        on a logged version the changes are written by ``save()``."""
        if self._metadata is None:
            # A deep copy, made only when asked for (listings read many versions): a
            # change inside a nested value must differ from the record's.
            self._metadata = copy.deepcopy(dict(self._record.metadata)) if self._record else {}
        return self._metadata

    @metadata.setter
    def metadata(self, metadata: dict[str, Any]) -> None:
        self._metadata = metadata

    @property
    def aliases(self) -> list[str]:
        """The version's aliases: a list to ``append``/``remove``/``extend`` or replace;
        changes are written by ``save()``."""
        if self._edit_aliases is None:
            self._edit_aliases = list(self._record.aliases) if self._record else []
        return self._edit_aliases

    @aliases.setter
    def aliases(self, aliases: list[str]) -> None:
        self._logged()
        self._edit_aliases = validate_aliases(aliases)

    @property
    def tags(self) -> list[str]:
        """The version's tags, a list as ``aliases``; changes are written by ``save()``."""
        if self._edit_tags is None:
            self._edit_tags = list(self._record.tags) if self._record else []
        return self._edit_tags

    @tags.setter
    def tags(self, tags: list[str]) -> None:
        self._logged()
        self._edit_tags = validate_tags(tags)

    @property
    def ttl(self) -> timedelta | None:
        """How long W&B would keep the version after its creation; ``None``: always.
        Offline it is recorded and shown, and nothing is ever deleted because of it."""
        seconds = (self._edit_ttl if self._edit_ttl is not _UNCHANGED
                   else self._record.ttl if self._record else None)
        return None if seconds is None else timedelta(seconds=seconds)

    @ttl.setter
    def ttl(self, ttl: timedelta | ArtifactTTL | None) -> None:
        self._edit_ttl = _ttl_seconds(ttl)

    def _draft_ttl(self) -> int | None:
        """The TTL in seconds a draft is logged with (W&B's may be set before logging)."""
        seconds: int | None = None if self._edit_ttl is _UNCHANGED else self._edit_ttl
        return seconds

    # ------------------------------------------------------------------ read-only
    @property
    def entity(self) -> str:
        return self._logged().entity

    @property
    def project(self) -> str:
        return self._logged().project

    @property
    def source_version(self) -> str:
        """``v<number>``, as W&B's (a registry link's source is that of the version)."""
        return self._logged().version

    @property
    def updated_at(self) -> str | None:
        """When the version was last edited (``save()``); ``None`` if never."""
        return self._logged().updated_at

    @property
    def history_step(self) -> int | None:
        """W&B's: the last history step its run had logged when logging it (``None`` if
        logged outside a run)."""
        step = self._logged().history_step
        return None if step is None else max(0, step - 1)

    @property
    def collection(self) -> ArtifactCollection:
        """The collection the version belongs to (``.name``, ``.type``, ``.project``)."""
        record, store = self._logged(), self._store
        assert store is not None
        for found in store.collections(type_name=record.type):
            if (found.name, found.project, found.entity) == (
                    record.name, record.project, record.entity):
                return found
        raise LookupError(f"artifact {record.name!r} has no collection in {store.path}")

    # ------------------------------------------------------------------ saving
    def save(self, project: str | None = None, settings: Any = None) -> None:
        """Persist the changes (W&B's ``Artifact.save``). A logged version's edits are
        written in one transaction (nothing if nothing changed); a draft is logged by
        the active run, or else by a new run of job type ``auto`` (in ``project``, the
        settings' or the default one), finished at once."""
        if self._record is None:
            self._save_draft(project, settings)
            return
        edit = self._pending_edit(self._record)
        if edit == VersionEdit():
            return
        store = self._store
        assert store is not None
        # An artifact read through ``Api`` comes from a read-only store: the save writes
        # through the process's writer of the same file, as W&B's Api edits do.
        from lineage_desktop.sdk import stores
        from lineage_desktop.sdk.run import default_entity  # the author runs record
        writer = stores.writable(store)
        writer.edit_version(self._record.id, edit, default_entity())
        saved = writer.version_by_id(self._record.id)
        self._record = saved
        self._reset_edits()

    def _pending_edit(self, record: ArtifactVersion) -> VersionEdit:
        # Every check before the write: a refusal leaves the store as it was.
        description = validate_text(self.description, "description")
        metadata = validate_json_object(self.metadata, "metadata")
        aliases = (validate_aliases(self._edit_aliases) if self._edit_aliases is not None
                   else list(record.aliases))
        tags = validate_tags(self._edit_tags) if self._edit_tags is not None else None
        ttl = self._edit_ttl if self._edit_ttl is not _UNCHANGED else record.ttl
        return VersionEdit(
            description=description if description != record.description else None,
            clear_description=description is None and record.description is not None,
            metadata=metadata if metadata != record.metadata else None,
            tags=tags if tags is not None and set(tags) != set(record.tags) else None,
            ttl=ttl if ttl != record.ttl else None,
            clear_ttl=ttl is None and record.ttl is not None,
            add_aliases=tuple(a for a in aliases if a not in record.aliases),
            remove_aliases=tuple(a for a in record.aliases if a not in aliases))

    def _save_draft(self, project: str | None, settings: Any) -> None:
        from lineage_desktop.sdk import session  # the module-level run, at call time
        artifact: Artifact = self  # type: ignore[assignment]  # only Artifact has this mixin
        active = session.run
        if active is not None and active.state == "running" and not active.store.closed:
            active.log_artifact(artifact)
            return
        from lineage_desktop.sdk.starting import init
        with init(project=project, job_type="auto", settings=settings) as run:
            run.log_artifact(artifact)


def _ttl_seconds(ttl: object) -> int | None:
    """W&B's rule: a positive ``timedelta`` (whole seconds), ``None`` (no TTL) or
    ``ArtifactTTL.INHERIT`` (offline: no TTL either)."""
    if ttl is None or ttl is ArtifactTTL.INHERIT:
        return None
    if not isinstance(ttl, timedelta):
        raise InvalidTTL(f"ttl must be a datetime.timedelta, None or ArtifactTTL.INHERIT, "
                         f"not {ttl!r}")
    seconds = int(ttl.total_seconds())
    if seconds <= 0:
        raise InvalidTTL(f"Artifact TTL Duration has to be positive. ttl: {ttl.total_seconds()}"
                         "; give a timedelta of at least one second, or None for none")
    return seconds
