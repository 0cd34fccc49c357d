"""What an import or a merge did: counts, and every skipped record with its reason."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass(frozen=True, slots=True)
class Skipped:
    """One record that was not imported: where it is (``FILE:LINE``) and why."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    """Counts of what was read, written and left alone, plus skipped records and the
    conflicts a merge found (``FILE:LINE: reason`` strings)."""

    read: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def skip(self, source: str, line: int | None, reason: str) -> None:
        self.skipped.append(Skipped(source, line, reason))

    @property
    def ok(self) -> bool:
        return not self.skipped

    def summary(self) -> str:
        parts = [f"{self.counts[k]} {k}" for k in sorted(self.counts) if self.counts[k]]
        text = f"read {self.read} records"
        if parts:
            text += ": " + ", ".join(parts)
        if self.skipped:
            text += f"; skipped {len(self.skipped)}"
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflicts"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "counts": dict(sorted(self.counts.items())),
            "skipped": [{"source": s.source, "line": s.line, "reason": s.reason}
                        for s in self.skipped],
            "conflicts": list(self.conflicts),
            "notes": list(self.notes),
        }

    def write(self, stream: TextIO, label: str) -> None:
        """Skipped records and conflicts one per line, then the summary line."""
        for skipped in self.skipped:
            stream.write(f"{skipped}\n")
        for conflict in self.conflicts:
            stream.write(f"{label}: conflict: {conflict}\n")
        for note in self.notes:
            stream.write(f"{label}: {note}\n")
        stream.write(f"{label}: {self.summary()}\n")
        stream.flush()
