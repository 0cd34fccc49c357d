"""``VersionCells`` and ``RunCells``: a version's and a run's cells as a lineage read
takes them in bulk, for the graph (issue 12: a 50k-node lineage spent a third of its time
making frozen records, 22 guarded attribute writes each, that the graph copies into node
dicts and drops).

Each is a named tuple (one C-level allocation) with the attribute names of
``ArtifactVersion`` / ``Run`` that ``NodeData.for_version`` / ``for_run`` read, so both
constructors take either. The store makes them only of rows whose every cell is already
of its type (``store/rows.py``: the same check as the records' fast path), of a version
never edited, linked or deleted and of a run not left running; any other row is read as
a record, whose checks name a damaged cell.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from lineage_desktop.records.models import artifact_key, run_key

__all__ = ["RunCells", "VersionCells"]


class VersionCells(NamedTuple):
    """An artifact version's cells (a version with no edit, link or tombstone)."""

    id: int
    name: str
    index: int  # type: ignore[assignment]  # the field shadows tuple.index
    type: str
    project: str
    entity: str
    digest: str
    description: str | None
    metadata: dict[str, Any]
    size: int
    file_count: int
    created_at: str | None
    run_id: str | None
    state: str
    aliases: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def version(self) -> str:
        return f"v{self.index}"

    @property
    def key(self) -> str:
        return artifact_key(self.name, self.index)

    @property
    def deleted_at(self) -> None:
        return None

    @property
    def deleted_by(self) -> None:
        return None

    @property
    def source_id(self) -> None:
        return None


class RunCells(NamedTuple):
    """A run's cells, the fields of ``Run`` in its order."""

    id: str
    project: str
    entity: str
    name: str
    job_type: str | None
    group: str | None
    author: str | None
    host: str | None
    state: str
    started_at: str | None
    finished_at: str | None
    config: dict[str, Any]
    notes: str | None
    tags: tuple[str, ...]
    exit_code: int | None

    @property
    def key(self) -> str:
        return run_key(self.id)
