"""Helpers shared by the headless commands: opening a store, resolving references,
one-line argument errors, and the text and JSON shapes of versions and runs.

The JSON shapes built here are the stable ``--json`` output documented in ``docs/cli.md``:
add keys freely, never rename or remove one.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from lineage_desktop.graph.export import dumps_strict
from lineage_desktop.records import (
    ArtifactCollection,
    ArtifactVersion,
    ManifestEntry,
    ValidationError,
)
from lineage_desktop.records import Run as RunRecord
from lineage_desktop.records.text import duration_seconds
from lineage_desktop.sdk import Api, ApiRun, Artifact
from lineage_desktop.store import parse_time


class UsageError(ValidationError):
    """A bad command-line value (format, scale, output path, ...), named in the message."""


# ---------------------------------------------------------------------------- arguments


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make ``parser`` report bad arguments as one line on stderr (exit status 2), like
    every other error of the command line, instead of argparse's usage block."""
    prog = parser.prog

    def error(message: str) -> NoReturn:
        print(f"{prog}: error: {message} (see {prog} --help)", file=sys.stderr)
        raise SystemExit(2)

    # argparse calls ``self.error``; an instance attribute overrides it for this parser only.
    parser.error = error  # type: ignore[method-assign]
    return parser


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", metavar="TIME",
                        help="show the store as it stood at TIME (ISO 8601, e.g. 2026-09-01 or "
                             "2026-09-01T12:00Z; a time without zone is UTC)")


def add_depths(parser: argparse.ArgumentParser) -> None:
    """``--upstream N`` / ``--downstream N``: edges from the focus (default: unlimited)."""
    parser.add_argument("--upstream", metavar="N", type=non_negative,
                        help="ancestors up to N edges away (default: all; 0: none)")
    parser.add_argument("--downstream", metavar="N", type=non_negative,
                        help="descendants up to N edges away (default: all; 0: none)")


def non_negative(text: str) -> int:
    """argparse type: an integer of 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def open_api(store: str, as_of: str | None = None) -> Api:
    """Open ``store`` for reading only. A missing file is refused, never created; a file
    that is not a lineage store (or is from a newer version) is refused untouched."""
    moment = parse_time(as_of) if as_of else None  # a bad time fails before the file opens
    return Api(store=store, as_of=moment)


# ---------------------------------------------------------------------------- references


def collection_versions(api: Api, collection: ArtifactCollection) -> list[ArtifactVersion]:
    """Every version of a collection (as of the Api's time), oldest first. Read by the
    project's record, never through an ``entity/project/name`` string: a project name
    holding '/' (written by an older version or another tool) would not parse."""
    return api.collection_versions(collection.name, collection.project, collection.entity)


# ---------------------------------------------------------------------------- JSON shapes


def run_brief(run: RunRecord | ApiRun | None, run_id: str | None = None) -> dict[str, Any] | None:
    """``{"id", "name", "job_type", "state"}`` of a run; a deleted run keeps its id with
    ``"missing": true``; None when there is no run at all."""
    if run is None:
        if run_id is None:
            return None
        return {"id": run_id, "name": None, "job_type": None, "state": None, "missing": True}
    return {"id": run.id, "name": run.name, "job_type": run.job_type, "state": run.state}


def version_brief(version: ArtifactVersion) -> dict[str, Any]:
    """The short form of a version used in lists (a run's inputs and outputs)."""
    return {
        "key": version.key, "label": f"{version.name}:{version.version}", "name": version.name,
        "version": version.version, "index": version.index, "type": version.type,
        "aliases": list(version.aliases), "digest": version.digest,
        "created_at": version.created_at,
    }


def entry_json(entry: ManifestEntry) -> dict[str, Any]:
    return {"path": entry.path, "digest": entry.digest, "size": entry.size, "ref": entry.ref}


def version_json(artifact: Artifact, logged_by: dict[str, Any] | None,
                 used_by: Sequence[dict[str, Any]],
                 producers: Sequence[dict[str, Any]] = (),
                 linked_to: Sequence[ArtifactVersion] = (),
                 source: ArtifactVersion | None = None) -> dict[str, Any]:
    """Every field of a version's preview (``show --json``); ``producers`` are every run
    that logged its content, ``logged_by`` (the first) included; ``linked_to`` the registry
    versions pointing at it, ``source`` the version a registry link points at."""
    record = artifact.record
    return {
        "kind": "artifact",
        **version_brief(record),
        "qualified_name": record.qualified_name, "entity": record.entity,
        "project": record.project, "tags": list(record.tags),
        "description": record.description, "metadata": record.metadata,
        "size": record.size, "file_count": record.file_count, "state": record.state,
        "logged_by": logged_by, "producers": list(producers) or ([logged_by] if logged_by
                                                                 else []),
        "used_by": list(used_by),
        "linked_to": [link_json(link) for link in linked_to],
        "source": version_brief(source) if source is not None else None,
        "files": [entry_json(e) for e in artifact.files()],
    }


def link_json(link: ArtifactVersion) -> dict[str, Any]:
    """A registry version pointing at a source version: where W&B's registry shows it."""
    return {**version_brief(link), "project": link.project, "entity": link.entity,
            "path": f"{link.project}/{link.name}:{link.version}"}


def run_json(run: ApiRun) -> dict[str, Any]:
    """Every field of a run's preview (``show --json``) with its inputs and outputs, and
    ``parent`` (``{"id", "name"}``) when the run that started it is in the store."""
    record: RunRecord = run.record
    parent = run.parent()
    return {
        "kind": "run", "key": record.key, "id": record.id, "name": record.name,
        "entity": record.entity, "project": record.project, "job_type": record.job_type,
        "group": record.group, "author": record.author, "host": record.host,
        "state": record.state, "started_at": record.started_at,
        "finished_at": record.finished_at,
        "duration_seconds": duration_seconds(record.started_at, record.finished_at),
        "exit_code": record.exit_code, "config": record.config, "summary": run.summary,
        "notes": record.notes, "tags": list(record.tags),
        "parent": {"id": parent.id, "name": parent.name} if parent is not None else None,
        "inputs": [version_brief(a.record) for a in run.used_artifacts()],
        "outputs": [version_brief(a.record) for a in run.logged_artifacts()],
    }


def dump_json(data: Any) -> None:
    """Indented, key-order-preserving JSON with a final newline (UTF-8 kept readable):
    strict (NaN and infinities a store may hold become strings) and terminal-safe
    (characters a terminal would act on are ``\\u`` escapes), see ``dumps_strict``."""
    emit(dumps_strict(data, indent=2, ensure_ascii=False))


def emit_lines(lines: Iterable[str]) -> None:
    """Print text lines for people, each one terminal-safe line (``plain``)."""
    emit("\n".join(map(plain, lines)))


def emit(text: str) -> None:
    """Print ``text`` (plus a newline) on stdout, terminal-safe: any character that is
    not printable, except the newlines between lines, is shown as ``?`` (a last guard;
    text outputs use ``plain`` and JSON escapes such characters). A reader that stops
    early (``| head``) is not an error: the rest of the output is dropped quietly."""
    text = terminal_safe(text)
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


# ---------------------------------------------------------------------------- text


def plain(value: Any) -> str:
    """One line of terminal-safe text: control characters (escape sequences, BEL, CR a
    store might hold) and every other character that is not printable shown as ``?``,
    newlines as spaces. The one escaping of every text output of the command line."""
    text = "-" if value is None else str(value)
    if text.isprintable():
        return text
    text = text.replace("\r\n", " ").replace("\n", " ")
    return "".join(c if c.isprintable() else "?" for c in text)


def terminal_safe(text: str) -> str:
    """``plain`` for each line of ``text``, keeping the newlines between them."""
    if text.isprintable():
        return text
    return "\n".join(line if line.isprintable() else plain(line) for line in text.split("\n"))


def format_value(value: Any) -> str:
    """A metadata or config value on one line (nested values as compact JSON)."""
    if isinstance(value, (dict, list, tuple)):
        return plain(dumps_strict(value, ensure_ascii=False))
    return plain(value)


def table(rows: Iterable[Sequence[str]], headers: Sequence[str] | None = None,
          indent: str = "") -> list[str]:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    rows = [list(map(plain, r)) for r in rows]
    if headers:
        rows.insert(0, list(headers))
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(max(map(len, rows)))]
    lines = []
    for row in rows:
        cells = [c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def field_lines(pairs: Iterable[tuple[str, Any]], indent: str = "",
                width: int | None = None) -> list[str]:
    """``label: value`` lines with the values aligned (at ``width`` when given)."""
    pairs = list(pairs)
    if width is None:
        width = max((len(label) for label, _ in pairs), default=0) + 1
    return [f"{indent}{(plain(label) + ':').ljust(width)} {plain(value)}"
            for label, value in pairs]


__all__ = [
    "UsageError",
    "add_as_of",
    "add_depths",
    "collection_versions",
    "dump_json",
    "emit",
    "emit_lines",
    "field_lines",
    "format_value",
    "non_negative",
    "one_line_errors",
    "open_api",
    "plain",
    "run_brief",
    "run_json",
    "table",
    "terminal_safe",
    "version_brief",
    "version_json",
]
