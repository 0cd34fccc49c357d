"""A version an OpenLineage import will write (``_Planned``), packed as plain values for
the import's scratch database, and how mentions of one version in several events merge.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lineage_desktop.records import ManifestEntry

Where = tuple[str, int]  # (file, line) of an event, for the report


@dataclass
class Planned:
    """A version to write, gathered from the events before anything is written."""

    created_at: str
    order: int
    where: Where
    project_id: int
    name: str
    type: str
    entries: list[ManifestEntry]
    digest: str | None = None
    run_id: str | None = None
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    aliases: list[str] | None = None
    # every run whose events list the version as an output -> when it logged it
    producers: dict[str, str] = field(default_factory=dict)
    first_read: bool = False  # an input's version, written only if none existed then
    seq: str = ""  # where its first mention is in time order (sort key, dataset)

    def pack(self) -> tuple[Any, ...]:
        # ``resolve`` reads a few fields of this tuple by position
        return (self.created_at, self.order, self.where, self.project_id, self.name,
                self.type, [(e.path, e.digest, e.size, e.ref) for e in self.entries],
                self.digest, self.run_id, self.description, self.metadata, self.tags,
                self.aliases, self.producers, self.first_read, self.seq)

    @classmethod
    def unpack(cls, packed: tuple[Any, ...]) -> Planned:
        values = list(packed)
        values[2] = tuple(values[2])
        values[6] = [ManifestEntry(*entry) for entry in values[6]]
        return cls(*values)

    def row(self) -> tuple[str, str, int, int, str, tuple[Any, ...]]:
        """What ``Spool.add_plans`` keeps: sorted by time, then as the events listed it."""
        return (self.created_at, self.name, self.order, int(self.first_read), self.seq,
                self.pack())


def merge_plans(plan: Planned, later: Planned) -> None:
    """The same output in several events of a run is one version, dated by the last
    event that names it, sized by the last that says a size."""
    plan.created_at = max(plan.created_at, later.created_at)
    plan.metadata["openlineage"].update(later.metadata["openlineage"])
    if later.entries[0].size:
        plan.entries = later.entries


def candidate_row(plan: Planned, digest: str, merge_key: str | None,
                   producer: Any) -> tuple[str, str, tuple[Any, ...]]:
    """A ``Spool.add_planned`` candidate: versions of one group are one version."""
    group = f"{plan.project_id}\x00{plan.name}\x00{digest}"
    if plan.first_read:
        group = "\x01" + group  # never one version with a written one
    return group, plan.seq, (plan.pack(), merge_key, producer)
