"""``lineage-desktop impact STORE REF [--json|--csv] [-o FILE] [--as-of TIME]``:
everything downstream of a version or run, transitively."""
from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from lineage_desktop.audit import impact_csv, impact_rows
from lineage_desktop.cli.formatting import (
    add_as_of,
    dump_json,
    emit,
    one_line_errors,
    open_api,
    plain,
    table,
)
from lineage_desktop.graph.export import dumps_strict
from lineage_desktop.records.text import human_time

EXAMPLES = """\
examples:
  lineage-desktop impact churn.db raw-customers:v3         what a bad raw version reaches
  lineage-desktop impact churn.db raw-customers:v3 --csv -o impact.csv
  lineage-desktop impact churn.db run:3k9x2f1a --json
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "impact", help="everything downstream of a version or run",
        description="List every run and artifact version downstream of REF, transitively, "
                    "nearest first (level = edges from REF).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a lineage store file")
    parser.add_argument("ref", metavar="REF", help="name, name:alias, name:v3 or run:<id>")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON rows")
    output.add_argument("--csv", action="store_true", help="print CSV")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    add_as_of(parser)
    one_line_errors(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_api(args.store, args.as_of) as api:
        rows = impact_rows(api, args.ref)  # a bare run id works too (Api.node)
    if args.csv:
        text = impact_csv(rows)
    elif args.json:
        data = {"ref": args.ref, "count": len(rows), "rows": [asdict(r) for r in rows]}
        text = dumps_strict(data, indent=2) + "\n"
    else:
        lines = [plain(f"{len(rows)} nodes downstream of {args.ref}")]
        lines += table(([str(r.level), r.kind, r.name, r.type, r.version,
                         human_time(r.created, empty="-"), r.author] for r in rows),
                       headers=["level", "kind", "name", "type", "version", "created", "author"])
        text = "\n".join(lines) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    elif args.json:
        dump_json(data)
    else:
        emit(text.rstrip("\n"))  # terminal-safe; -o FILE keeps a CSV exactly as read
    return 0
