"""Read-side run objects returned by ``Api`` and ``Artifact.logged_by``/``used_by``.

Artifacts know their runs and runs their artifacts; to keep the imports one way
(``artifact`` -> ``api_run``), a run is given the function that wraps a version record
as an ``Artifact`` by whoever makes it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lineage_desktop.records import ArtifactVersion
from lineage_desktop.records import Run as RunRecord
from lineage_desktop.store import Store

# (store, version record) -> Artifact
ArtifactMaker = Callable[[Store, ArtifactVersion], Any]


class ApiRun:
    """A recorded run: its fields as attributes, and the artifacts it used and logged."""

    def __init__(self, store: Store, record: RunRecord, as_of: str | None = None, *,
                 artifact: ArtifactMaker) -> None:
        self._store = store
        self.record = record
        self._as_of = as_of
        self._artifact = artifact

    def __getattr__(self, name: str) -> Any:
        # Fields of the record (id, name, job_type, state, config, ...) read through.
        return getattr(self.record, name)

    def __repr__(self) -> str:
        return f"<Run {self.record.id} {self.record.name!r} {self.record.state}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiRun) and other.record.id == self.record.id

    def __hash__(self) -> int:
        return hash(self.record.id)

    def logged_artifacts(self) -> list[Any]:
        """Every version the run logged (``Artifact``s), also content equal to an existing
        version (the run then reused it; its ``logged_by()`` stays the run that logged it
        first)."""
        return [self._artifact(self._store, v)
                for v in self._store.versions_logged_by(self.record.id, self._as_of)]

    def used_artifacts(self) -> list[Any]:
        """The versions the run used (``Artifact``s)."""
        return [self._artifact(self._store, v)
                for v in self._store.versions_used_by(self.record.id, self._as_of)]
