"""``lineage-desktop verify STORE [REF] [--json] [--quick]``: check the database file
(SQLite's ``integrity_check``, or ``quick_check`` with ``--quick``) and re-hash stored
files and ``file://`` references against their recorded digests; exit status 0 only when
everything matches.

Findings are ``changed`` (content differs from the digest), ``missing`` (the blob or the
referenced file is gone), ``extra`` (a file that appeared inside a folder that was
added with ``add_reference("file:///folder")``, with or without ``name``), ``unsafe``
(an entry refused unread: a path or digest that could reach outside the store, a
linked blob, a reference into a protected location) and ``unreadable`` (permission
denied, a folder, an I/O error).
Stored blobs are content-addressed and shared between versions, so there is no "extra"
for them; remote references (``s3://``, ``https://``) cannot be checked offline and are
skipped. The checks are the verify engine's (``audit/verify.py``, the same for the
window and the report): extra files are looked for only inside a referenced folder,
never in or above a protected location or through a symbolic link, and at most
``EXTRA_LIMIT`` unlisted entries per folder (a note says when the search stopped). This
command only selects the versions and formats the report.
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from typing import Any

from lineage_desktop.audit.verify import VerifyReport, verify_versions
from lineage_desktop.audit.verify_counts import WHOLE_STORE, VersionCounts, reason_text
from lineage_desktop.audit.verify_report import summary as verify_summary
from lineage_desktop.audit.verify_report import versions_line
from lineage_desktop.cli.formatting import (
    dump_json,
    emit,
    one_line_errors,
    open_api,
    plain,
    table,
)
from lineage_desktop.cli.progress import Progress
from lineage_desktop.records import ArtifactVersion, FileCheck
from lineage_desktop.records.text import plural, short_digest
from lineage_desktop.sdk import Api, ApiRun
from lineage_desktop.sdk.integrity import referenced_folders, unrecorded_files

# Below this many files the check is over before a progress line would help.
PROGRESS_FROM_FILES = 500

EXAMPLES = """\
examples:
  lineage-desktop verify churn.db                    every version of the store
  lineage-desktop verify churn.db churn-model:v3     one version
  lineage-desktop verify churn.db --json             machine-readable findings
exit status: 0 when the database and every file check out, 1 when the database check
fails or a file changed, is missing, extra, unsafe or unreadable, 2 on errors (missing
store, unknown reference).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify", help="check the database and re-hash stored and referenced files",
        description="Check the database file (SQLite's integrity_check), re-hash the stored "
                    "files and the file:// references of one version (or of every "
                    "version) against the recorded digests and list every changed, "
                    "missing, extra, unsafe or unreadable file.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a lineage store file")
    parser.add_argument("ref", metavar="REF", nargs="?",
                        help="one version (name, name:alias, name:v3) or a run (run:<id>: "
                             "the versions it used and logged); default: every version")
    parser.add_argument("--json", action="store_true",
                        help="print the findings as JSON (see docs/cli.md)")
    parser.add_argument("--quick", action="store_true",
                        help="check the database with SQLite's quick_check, which does not "
                             "compare indexes with their tables (faster on huge stores)")
    one_line_errors(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    check = "quick_check" if args.quick else "integrity_check"
    with open_api(args.store) as api:
        versions = list(versions_to_check(api, args.ref))
        total_files = sum(v.file_count for v in versions)
        progress = Progress("verify", total_files)
        show = total_files >= PROGRESS_FROM_FILES or progress.tty
        report = verify_versions(api.store, versions, progress.update if show else None,
                                 scope=scope_of(args.ref), database=check,
                                 progress_by="file")
        if show:
            progress.done()
    seconds = time.perf_counter() - started
    database = list(report.database.problems) if report.database else []
    problems = list(report.findings)
    if args.json:
        total = report.totals()
        dump_json({"versions": len(versions), "scope": report.scope,
                   "scope_text": report.scope_text, "store_versions": report.store_versions,
                   "summary": verify_summary(report),
                   "files": report.files, "checked": total.checked,
                   "not_checked": total.unchecked, "skipped": total.unchecked,
                   "not_checked_reasons": [
                       {"kind": kind, "count": n,
                        "reason": reason_text(kind, n, report.remote_schemes)}
                       for kind, n in total.not_checked],
                   "matching": total.matching, "mismatching": total.mismatching,
                   "version_status": dict(total.statuses),
                   "per_version": [version_json(c) for c in report.per_version],
                   "unchecked": [{"artifact": u.artifact, "path": u.path, "reason": u.reason,
                                  "kind": u.kind} for u in report.unchecked],
                   "ok": report.ok,
                   "database": {"check": check, "ok": not database,
                                "problems": database},
                   "problems": [problem_json(p, report.locations) for p in problems],
                   "notes": list(report.notes),
                   "compromised": sorted(report.compromised),
                   "tainted": sorted(report.tainted)})
    else:
        emit("\n".join(database_lines(check, database)
                       + text_lines(problems, report.locations)
                       + [f"note: {plain(note)}" for note in report.notes]
                       + taint_lines(set(report.tainted))
                       + summary(report, seconds)))
    return 0 if report.ok else 1


def scope_of(ref: str | None) -> str:
    return WHOLE_STORE if ref is None else ref


def database_lines(check: str, database: list[str]) -> list[str]:
    return table(["damaged", "database", check, message] for message in database)


def taint_lines(tainted: set[str]) -> list[str]:
    if not tainted:
        return []
    return [plain(f"downstream of compromised content ({len(tainted)}): "
                  + ", ".join(sorted(tainted)))]


def versions_to_check(api: Api, ref: str | None) -> Iterator[ArtifactVersion]:
    """The version ``ref`` names, the versions a run used and logged, or every version."""
    if ref is not None:
        node = api.node(ref)
        if isinstance(node, ApiRun):
            seen = set()
            for artifact in node.used_artifacts() + node.logged_artifacts():
                if artifact.record.id not in seen:
                    seen.add(artifact.record.id)
                    yield artifact.record
        else:
            yield node.record
        return
    # Every version the store holds, tombstones included (their content is kept for
    # audits), a page of ids at a time: the listings of collections leave deleted ones out.
    ids = api.store.all_version_ids()
    for start in range(0, len(ids), _PAGE):
        versions = api.store.versions_by_ids(ids[start:start + _PAGE], api.as_of)
        yield from sorted(versions, key=lambda v: (v.entity, v.project, v.name, v.index))


_PAGE = 10_000  # versions read at a time


def detail(problem: FileCheck, locations: dict[tuple[str, str], str]) -> str:
    where = locations.get((problem.artifact, problem.path), "")
    if problem.status == "changed":
        expected = short_digest(problem.expected) or "-"
        return f"expected {expected}, found {short_digest(problem.actual) or '-'}  {where}"
    if problem.status == "missing":
        return f"not found at {where}" if where else "not found"
    if problem.status == "unsafe":
        return f"refused, not read: {problem.detail}"
    if problem.status == "unreadable":
        return f"cannot be read: {problem.detail}  {where}"
    return f"not in the manifest  {where}"


def text_lines(problems: list[FileCheck], locations: dict[tuple[str, str], str]) -> list[str]:
    return table([p.status, p.artifact, p.path, detail(p, locations)] for p in problems)


def summary(report: VerifyReport, seconds: float) -> list[str]:
    """The versions by status, the database check and the time taken, then (last) the
    counting model's sentence, the one the window shows."""
    db = report.database
    database = ("database not checked" if db is None else
                f"database: {db.check} found no problem" if db.ok else
                f"database: {db.check} found {plural(len(db.problems), 'problem')}")
    return [f"{versions_line(report)}; {database}; {seconds:.1f} s",
            plain(verify_summary(report))]


def version_json(counts: VersionCounts) -> dict[str, Any]:
    return {"key": counts.key, "status": counts.status, "files": counts.files,
            "checked": counts.checked, "matching": counts.matching,
            "mismatching": counts.mismatching, "not_checked": dict(counts.not_checked),
            "extra": counts.extra}


def problem_json(problem: FileCheck, locations: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {"artifact": problem.artifact, "path": problem.path, "status": problem.status,
            "expected": problem.expected, "actual": problem.actual,
            "location": locations.get((problem.artifact, problem.path)),
            "detail": problem.detail}


__all__ = ["referenced_folders", "register", "run", "unrecorded_files"]
