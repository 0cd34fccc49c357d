"""``lineage-desktop diff STORE A B [--json]``: files, metadata and upstream inputs that
differ between two versions, or config, summary, inputs and outputs between two runs
(``run:<id>``). Exit status 0 whether or not they differ."""
from __future__ import annotations

import argparse

from lineage_desktop.audit import RunDiff, diff_runs, diff_versions
from lineage_desktop.audit.diff import KeyChanges
from lineage_desktop.cli.formatting import (
    UsageError,
    add_as_of,
    dump_json,
    emit_lines,
    format_value,
    one_line_errors,
    open_api,
)
from lineage_desktop.records.models import is_run_key
from lineage_desktop.records.text import human_size

EXAMPLES = """\
examples:
  lineage-desktop diff churn.db churn-model:v3 churn-model:v4
  lineage-desktop diff churn.db churn-model:production churn-model:latest --json
  lineage-desktop diff churn.db run:3k9x2f1a run:7h2m4q0c      two runs' config and summary
"""


def _size(size: int | None) -> str:
    return human_size(size, empty="-")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diff", help="compare two artifact versions, or two runs",
        description="Compare two versions: files added, removed and changed (digest, size), "
                    "metadata keys added, removed and changed, and the upstream inputs "
                    "that differ. Or two runs (run:<id>): config and summary keys, job "
                    "type and state, inputs and outputs. Exits 0 whether or not they differ.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a lineage store file")
    parser.add_argument("a", metavar="A",
                        help="the older version (name:v3, name:alias) or run (run:<id>)")
    parser.add_argument("b", metavar="B", help="the newer version or run")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_as_of(parser)
    one_line_errors(parser)
    parser.set_defaults(func=run)


def _key_lines(title: str, changes: KeyChanges) -> list[str]:
    if not changes:
        return []
    return [f"{title}:",
            *(f"  + {k} = {format_value(v)}" for k, v in changes.added.items()),
            *(f"  - {k} = {format_value(v)}" for k, v in changes.removed.items()),
            *(f"  ~ {k}: {format_value(o)} -> {format_value(n)}"
              for k, (o, n) in changes.changed.items())]


def _run_lines(diff: RunDiff) -> list[str]:
    lines = [f"{diff.a} -> {diff.b}: " + ("identical" if diff.identical else "differ")]
    lines += [f"  ~ {k}: {format_value(o)} -> {format_value(n)}"
              for k, (o, n) in diff.fields.items()]
    lines += _key_lines("config", diff.config) + _key_lines("summary", diff.summary)
    for title, only_a, only_b in (("inputs", diff.inputs_only_a, diff.inputs_only_b),
                                  ("outputs", diff.outputs_only_a, diff.outputs_only_b)):
        if only_a or only_b:
            lines.append(f"{title}:")
            lines += [f"  - {label} (only {diff.a})" for label in only_a]
            lines += [f"  + {label} (only {diff.b})" for label in only_b]
    return lines


def _diff_runs(args: argparse.Namespace) -> int:
    diff = diff_runs(open_api(args.store, args.as_of), args.a, args.b)
    if args.json:
        dump_json(diff.to_json())
    else:
        emit_lines(_run_lines(diff))  # keys and names from the store: one safe line each
    return 0


def run(args: argparse.Namespace) -> int:
    runs = is_run_key(args.a), is_run_key(args.b)
    if all(runs):
        return _diff_runs(args)
    if any(runs):
        raise UsageError(f"cannot compare a run with a version ({args.a} and {args.b}): "
                         "give two versions or two runs (run:<id>)")
    diff = diff_versions(open_api(args.store, args.as_of), args.a, args.b)
    if args.json:
        dump_json(diff.to_json())
        return 0
    lines = [f"{diff.a} -> {diff.b}: " + ("identical" if diff.identical else "differ")]
    if diff.files_added or diff.files_removed or diff.files_changed:
        lines.append("files:")
        lines += [f"  + {e.path} ({_size(e.size)})" for e in diff.files_added]
        lines += [f"  - {e.path} ({_size(e.size)})" for e in diff.files_removed]
        lines += [f"  ~ {c.path} ({_size(c.old_size)} -> {_size(c.new_size)}, "
                  f"{c.old_digest[:12]} -> {c.new_digest[:12]})" for c in diff.files_changed]
    if diff.metadata_added or diff.metadata_removed or diff.metadata_changed:
        lines.append("metadata:")
        lines += [f"  + {k} = {format_value(v)}" for k, v in diff.metadata_added.items()]
        lines += [f"  - {k} = {format_value(v)}" for k, v in diff.metadata_removed.items()]
        lines += [f"  ~ {k}: {format_value(o)} -> {format_value(n)}"
                  for k, (o, n) in diff.metadata_changed.items()]
    if diff.inputs_only_a or diff.inputs_only_b or diff.inputs_changed:
        lines.append("upstream inputs:")
        lines += [f"  - {label} (only upstream of {diff.a})" for label in diff.inputs_only_a]
        lines += [f"  + {label} (only upstream of {diff.b})" for label in diff.inputs_only_b]
        lines += [f"  ~ {name}: {a} -> {b}" for name, (a, b) in diff.inputs_changed.items()]
    emit_lines(lines)  # paths, keys and labels from the store: one safe line each
    return 0
