"""What a verify run reports: the ``VerifyReport`` record (with the remote entries it left
``Unchecked`` and SQLite's ``DatabaseCheck``), its counts, and ``describe``, the plain-text
lines the window's legend and the HTML report show. The engine is ``verify.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from lineage_desktop.audit.verify_counts import (
    VERSION_STATUSES,
    Totals,
    VersionCounts,
    not_checked_text,
    reason_text,
    scope_text,
    totals,
)
from lineage_desktop.records import FileCheck
from lineage_desktop.records.text import plural

STATUSES = ("changed", "missing", "extra", "unsafe", "unreadable")


@dataclass(frozen=True)
class Unchecked:
    """A manifest entry that was not re-hashed, and why: ``kind`` is a key of
    ``verify_counts.NOT_CHECKED`` (``remote``, ``no-digest``, ``no-content``, ``no-blob-root``),
    ``scheme`` a remote reference's scheme (``s3://``)."""

    artifact: str
    path: str
    reason: str
    kind: str = "remote"
    scheme: str = ""


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
    seen (``unchecked`` ones included); ``per_version`` holds the counting model's
    ``VersionCounts`` of each checked version, in order (``totals()`` sums them);
    ``store_versions`` is how many versions the store holds (for "88 of 436");
    ``findings`` lists every finding in the order
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
    per_version: tuple[VersionCounts, ...] = ()
    store_versions: int | None = None

    def totals(self) -> Totals:
        """Files and versions by bucket (checked, matching, not checked by reason...)."""
        return self._totals

    @cached_property
    def _totals(self) -> Totals:
        return totals(self.per_version)

    @property
    def scope_text(self) -> str:
        """``this lineage, 88 of 436 versions`` or ``whole store, 436 versions``."""
        return scope_text(self.scope, self.checked, self.store_versions)

    @property
    def remote_schemes(self) -> list[str]:
        """The schemes of the remote references left unchecked (``s3://``), sorted."""
        return sorted({u.scheme for u in self.unchecked if u.kind == "remote" and u.scheme})

    def version_counts(self, key: str) -> VersionCounts | None:
        """The counts of one checked version (None: not in the scope)."""
        return self._counts_by_key.get(key)

    @cached_property
    def _counts_by_key(self) -> dict[str, VersionCounts]:
        return {counts.key: counts for counts in self.per_version}

    @property
    def ok(self) -> bool:
        """No finding and no database problem."""
        return not self.findings and (self.database is None or self.database.ok)

    @property
    def files_checked(self) -> int:
        """Entries re-hashed against their recorded digests (matching or mismatching)."""
        return self.totals().checked

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
        """``compromised``, ``tainted`` or ``ok`` for one node key (the graph's marks;
        ``version_counts(key).status`` also tells ``unchecked`` versions apart)."""
        if key in self.compromised:
            return "compromised"
        return "tainted" if key in self.tainted else "ok"


def summary(report: VerifyReport) -> str:
    """The one sentence saying exactly what a run proved: ``Checked 0 files of 88
    versions (this lineage, 88 of 436 versions); 88 not checked: remote references
    (s3://) that cannot be fetched offline; 0 matching; 0 mismatching``, then extra
    files, unsafe or unreadable entries and a damaged database when any."""
    total = report.totals()
    parts = [f"Checked {plural(total.checked, 'file')} of {plural(report.checked, 'version')} "
             f"({report.scope_text})",
             not_checked_text(total, report.remote_schemes),
             f"{total.matching:,} matching",
             f"{total.mismatching:,} mismatching{_mismatch_detail(report)}"]
    for status in ("extra", "unsafe", "unreadable"):
        if report.count(status):
            parts.append(f"{report.count(status):,} {status}")
    db = report.database
    if db is not None and not db.ok:
        parts.append(f"database damaged ({plural(len(db.problems), 'problem')} found by "
                     f"{db.check})")
    if not report.complete:
        parts.append("stopped before the end")
    return "; ".join(parts)


def _mismatch_detail(report: VerifyReport) -> str:
    found = [f"{n:,} {s}" for s in ("changed", "missing") if (n := report.count(s))]
    return f" ({', '.join(found)})" if found else ""


def versions_line(report: VerifyReport) -> str:
    """``Versions: 0 ok, 1 compromised, 3 tainted, 84 unchecked`` (and tainted runs)."""
    total = report.totals()
    line = "Versions: " + ", ".join(f"{total.status_count(s):,} {s}" for s in VERSION_STATUSES)
    empty = sum(1 for counts in report.per_version if counts.files == 0)
    if empty:  # unchecked: nothing to re-hash
        line += f" ({plural(empty, 'version')} without files)"
    runs = sum(1 for key in report.tainted if key.startswith("run:"))
    return line + (f"; {plural(runs, 'run')} tainted" if runs else "")


def describe(report: VerifyReport) -> list[tuple[str, str]]:
    """What a report checked, one ``(field, plain-text line)`` each: ``summary`` (the
    sentence of ``summary``), ``scope``, ``checked``, ``unchecked`` (with why),
    ``matching``, ``mismatching``, ``versions`` (by status), then ``extra``, ``unsafe``,
    ``unreadable`` when any, ``database``, and ``stopped`` when cancelled. The window's
    legend and the HTML report show these lines."""
    total = report.totals()
    reasons = ", ".join(f"{n:,} {reason_text(kind, n, report.remote_schemes)}"
                        for kind, n in total.not_checked)
    why = f" — {reasons}" if reasons else ""
    lines = [
        ("summary", summary(report)),
        ("scope", f"Scope: {report.scope_text}"),
        ("checked", f"Checked: {plural(total.checked, 'file')} re-hashed against "
                    "their recorded digests"),
        ("unchecked", f"Not checked: {plural(total.unchecked, 'file')}{why}"),
        ("matching", f"Matching: {plural(total.matching, 'file')}"),
        ("mismatching", f"Mismatching: {plural(total.mismatching, 'file')} changed or "
                        "missing"),
        ("versions", versions_line(report)),
    ]
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


__all__ = ["STATUSES", "DatabaseCheck", "Unchecked", "VerifyReport", "describe", "summary",
           "versions_line"]
