"""Read-side run objects returned by ``Api`` and ``Artifact.logged_by``/``used_by``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineage_desktop.records import Run as RunRecord
from lineage_desktop.store import Store

if TYPE_CHECKING:
    from lineage_desktop.sdk.artifact import Artifact


class ApiRun:
    """A recorded run: its fields as attributes, and the artifacts it used and logged."""

    def __init__(self, store: Store, record: RunRecord, as_of: str | None = None) -> None:
        self._store = store
        self.record = record
        self._as_of = as_of

    def __getattr__(self, name: str) -> Any:
        # Fields of the record (id, name, job_type, state, config, ...) read through.
        return getattr(self.record, name)

    def __repr__(self) -> str:
        return f"<Run {self.record.id} {self.record.name!r} {self.record.state}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiRun) and other.record.id == self.record.id

    def __hash__(self) -> int:
        return hash(self.record.id)

    def logged_artifacts(self) -> list[Artifact]:
        """Every version the run logged, also content equal to an existing version (the
        run then reused it; its ``logged_by()`` stays the run that logged it first)."""
        from lineage_desktop.sdk.artifact import Artifact

        return [Artifact._from_record(self._store, v)
                for v in self._store.versions_logged_by(self.record.id, self._as_of)]

    def used_artifacts(self) -> list[Artifact]:
        from lineage_desktop.sdk.artifact import Artifact

        return [Artifact._from_record(self._store, v)
                for v in self._store.versions_used_by(self.record.id, self._as_of)]
