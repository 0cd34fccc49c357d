"""What a verify run reports: the ``VerifyReport`` record (with the remote entries it left
``Unchecked`` and SQLite's ``DatabaseCheck``), its counts, and ``describe``, the plain-text
lines the window's legend and the HTML report show. The engine is ``verify.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lineage_desktop.records import FileCheck
from lineage_desktop.records.text import plural

STATUSES = ("changed", "missing", "extra", "unsafe", "unreadable")


@dataclass(frozen=True)
class Unchecked:
    """A manifest entry that could not be checked (a remote reference) and why."""

    artifact: str
    path: str
    reason: str


@dataclass(frozen=True)
class DatabaseCheck:
    """SQLite's own check of the store file: which one ran and what it found."""

    check: str = "integrity_check"
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerifyReport:
    """What one verify run checked and found.

    ``checked`` counts the artifact versions checked, ``files`` the manifest entries
    seen (``unchecked`` ones included); ``findings`` lists every finding in the order
    checked; ``compromised`` maps the key of every version with a finding to its
    findings; ``tainted`` holds the keys downstream of them (compromised keys excluded).
    ``locations`` tells where on disk each finding's content lies, ``notes`` why an
    extra-file search was refused or cut short. ``database`` is None when the database
    was not checked; ``complete`` is False when the run was cancelled.
    """

    scope: str = "the given versions"
    checked: int = 0
    files: int = 0
    matching: int = 0
    unchecked: tuple[Unchecked, ...] = ()
    findings: tuple[FileCheck, ...] = ()
    compromised: dict[str, tuple[FileCheck, ...]] = field(default_factory=dict)
    tainted: frozenset[str] = frozenset()
    locations: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    database: DatabaseCheck | None = None
    complete: bool = True

    @property
    def ok(self) -> bool:
        """No finding and no database problem."""
        return not self.findings and (self.database is None or self.database.ok)

    @property
    def files_checked(self) -> int:
        """Entries whose content was looked at (refused ones included), remote ones not."""
        return self.files - len(self.unchecked)

    def count(self, status: str) -> int:
        """How many findings have ``status`` (one of ``STATUSES``)."""
        return sum(f.status == status for f in self.findings)

    @property
    def mismatching(self) -> int:
        """Entries whose content differs from its digest or is gone."""
        return self.count("changed") + self.count("missing")

    def problems(self) -> list[FileCheck]:
        """Every finding, by version key."""
        return [check for key in sorted(self.compromised) for check in self.compromised[key]]

    def status(self, key: str) -> str:
        """``compromised``, ``tainted`` or ``ok`` for one node key."""
        if key in self.compromised:
            return "compromised"
        return "tainted" if key in self.tainted else "ok"


def describe(report: VerifyReport) -> list[tuple[str, str]]:
    """What a report checked, one ``(field, plain-text line)`` each: ``scope``,
    ``checked``, ``unchecked`` (with why), ``matching``, ``mismatching``, then ``extra``,
    ``unsafe``, ``unreadable`` when any, ``database``, and ``stopped`` when cancelled.
    The window's legend and the HTML report show these lines."""
    lines = [
        ("scope", f"Scope: {report.scope} ({plural(report.checked, 'artifact version')})"),
        ("checked", f"Checked: {plural(report.files_checked, 'file')} re-hashed against "
                    "their recorded digests"),
    ]
    reasons = sorted({u.reason for u in report.unchecked})
    why = f" — {'; '.join(reasons)}" if reasons else ""
    lines.append(("unchecked",
                  f"Unchecked: {plural(len(report.unchecked), 'remote reference')}{why}"))
    lines.append(("matching", f"Matching: {plural(report.matching, 'file')}"))
    lines.append(("mismatching", f"Mismatching: {plural(report.mismatching, 'file')} "
                                 "changed or missing"))
    for status, text in (("extra", "in referenced folders, not in the manifest"),
                         ("unsafe", "refused unread (unsafe path, digest or reference)"),
                         ("unreadable", "could not be read")):
        if report.count(status):
            lines.append((status, f"{status.capitalize()}: "
                                  f"{plural(report.count(status), 'file')} {text}"))
    db = report.database
    lines.append(("database", "Database: not checked" if db is None else
                  f"Database: {db.check} found no problem" if db.ok else
                  f"Database: {db.check} found {plural(len(db.problems), 'problem')}"))
    if not report.complete:
        lines.append(("stopped", "Stopped before the end: the counts are partial"))
    return lines


__all__ = ["STATUSES", "DatabaseCheck", "Unchecked", "VerifyReport", "describe"]
