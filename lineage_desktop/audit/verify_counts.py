"""The counting model of a verify run: what was checked, what was not (and why), what
matched and what did not, per artifact version and in total, and the scope.

The CLI ``verify``, the window's integrity audit and the HTML report all say what a run
proved with these counts, so they never disagree. Every manifest entry of a checked
version lands in exactly one bucket:

- *checked*: its content was looked for and re-hashed against the recorded digest; it is
  then *matching* or *mismatching* (``changed`` or ``missing``);
- *not checked*, with the reason (``NOT_CHECKED``): a remote reference (``s3://``,
  ``gs://``, ``https://``) that cannot be fetched offline, a reference that recorded no
  content digest (``checksum=False``, imports), no content kept (the store's ``.files``
  folder is absent; a team store's blob root not there on this machine), an entry
  refused as unsafe or one that could not be read (those two are findings too).

A version is ``compromised`` (a finding), ``tainted`` (downstream of a compromised
version), ``unchecked`` (no finding, but not every entry re-hashed, or no entries at all)
or ``ok`` (every entry re-hashed and matching).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from lineage_desktop.records.text import plural

VERSION_STATUSES = ("ok", "compromised", "tainted", "unchecked")

# Why an entry was not checked: kind -> (one, several); ``{schemes}`` names the schemes.
NOT_CHECKED = {
    "remote": ("remote reference{schemes} that cannot be fetched offline",
               "remote references{schemes} that cannot be fetched offline"),
    "no-digest": ("reference without a content digest (checksum=False), only found to exist",
                  "references without a content digest (checksum=False), only found to exist"),
    "no-content": ("stored file without content kept (no .files folder beside the store)",
                   "stored files without content kept (no .files folder beside the store)"),
    "no-blob-root": ("stored file on the team store's blob root, not there on this machine",
                     "stored files on the team store's blob root, not there on this machine"),
    "unsafe": ("entry refused as unsafe", "entries refused as unsafe"),
    "unreadable": ("file that could not be read", "files that could not be read"),
}

WHOLE_STORE = "the whole store"


@dataclass(frozen=True)
class VersionCounts:
    """What one verify run found for one artifact version.

    ``files`` counts its manifest entries: ``checked`` of them re-hashed (``matching``
    plus ``mismatching``), the rest not checked, by reason in ``not_checked``.
    ``extra`` counts files found in its referenced folders that its manifest does not
    list. ``status`` is one of ``VERSION_STATUSES``.
    """

    key: str
    label: str
    files: int = 0
    matching: int = 0
    mismatching: int = 0
    not_checked: tuple[tuple[str, int], ...] = ()
    extra: int = 0
    status: str = "ok"

    @property
    def checked(self) -> int:
        """Entries re-hashed against their recorded digests."""
        return self.matching + self.mismatching

    @property
    def unchecked(self) -> int:
        """Entries not checked, whatever the reason."""
        return sum(n for _, n in self.not_checked)


class Tally:
    """Counts one version's entries as the engine checks them (``counts`` at the end)."""

    def __init__(self) -> None:
        self.matching = self.mismatching = self.extra = 0
        self.not_checked: Counter[str] = Counter()

    def counts(self, key: str, label: str) -> VersionCounts:
        """The counts so far (``status`` is set once the taint is known)."""
        files = self.matching + self.mismatching + sum(self.not_checked.values())
        reasons = tuple((k, self.not_checked[k]) for k in NOT_CHECKED if self.not_checked[k])
        return VersionCounts(key, label, files, self.matching, self.mismatching, reasons,
                             self.extra)


def with_status(counts: VersionCounts, compromised: bool, tainted: bool) -> VersionCounts:
    """``counts`` with its status: ``compromised`` > ``tainted`` > ``unchecked`` > ``ok``."""
    return replace(counts, status=_status(counts, compromised, tainted))


def _status(counts: VersionCounts, compromised: bool, tainted: bool) -> str:
    if compromised:
        return "compromised"
    if tainted:
        return "tainted"
    if counts.files == 0 or counts.unchecked:
        return "unchecked"
    return "ok"


@dataclass(frozen=True)
class Totals:
    """The per-version counts summed: files and versions by bucket."""

    versions: int
    files: int
    checked: int
    matching: int
    mismatching: int
    extra: int
    not_checked: tuple[tuple[str, int], ...]
    statuses: tuple[tuple[str, int], ...]

    @property
    def unchecked(self) -> int:
        return sum(n for _, n in self.not_checked)

    def status_count(self, status: str) -> int:
        return dict(self.statuses).get(status, 0)


def totals(per_version: Iterable[VersionCounts]) -> Totals:
    """Sum ``per_version`` (one entry per checked version)."""
    rows = list(per_version)
    reasons: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for row in rows:
        reasons.update(dict(row.not_checked))
        statuses[row.status] += 1
    return Totals(
        versions=len(rows), files=sum(r.files for r in rows),
        checked=sum(r.checked for r in rows), matching=sum(r.matching for r in rows),
        mismatching=sum(r.mismatching for r in rows), extra=sum(r.extra for r in rows),
        not_checked=tuple((k, reasons[k]) for k in NOT_CHECKED if reasons[k]),
        statuses=tuple((s, statuses[s]) for s in VERSION_STATUSES))


def scope_text(scope: str, versions: int, store_versions: int | None) -> str:
    """``this lineage, 88 of 436 versions`` or ``whole store, 436 versions``."""
    if scope == WHOLE_STORE:
        return f"whole store, {plural(versions, 'version')}"
    if store_versions is None:
        return f"{scope}, {plural(versions, 'version')}"
    return f"{scope}, {versions:,} of {plural(store_versions, 'version')}"


def reason_text(kind: str, count: int, schemes: Iterable[str] = ()) -> str:
    """One not-checked reason: ``remote references (s3://) that cannot be fetched
    offline``."""
    one, several = NOT_CHECKED[kind]
    shown = sorted(set(schemes))
    which = f" ({', '.join(shown)})" if shown else ""
    return (one if count == 1 else several).format(schemes=which)


def not_checked_text(total: Totals, schemes: Iterable[str] = ()) -> str:
    """``88 not checked: remote references (s3://) cannot be fetched offline``; with
    several reasons each has its count."""
    if not total.unchecked:
        return "0 not checked"
    schemes = list(schemes)
    if len(total.not_checked) == 1:
        kind, count = total.not_checked[0]
        return f"{count:,} not checked: {reason_text(kind, count, schemes)}"
    parts = [f"{count:,} {reason_text(kind, count, schemes)}" for kind, count in total.not_checked]
    return f"{total.unchecked:,} not checked: " + ", ".join(parts)


__all__ = [
    "NOT_CHECKED",
    "VERSION_STATUSES",
    "WHOLE_STORE",
    "Tally",
    "Totals",
    "VersionCounts",
    "not_checked_text",
    "reason_text",
    "scope_text",
    "totals",
    "with_status",
]
