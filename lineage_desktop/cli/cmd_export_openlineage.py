"""``lineage-desktop export-openlineage STORE [-o FILE | --url URL]``: runs as OpenLineage."""
from __future__ import annotations

import argparse
import sys

from lineage_desktop.cli.main import CliError
from lineage_desktop.interop.openlineage_export import export_events, write_events
from lineage_desktop.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export-openlineage", help="write runs as OpenLineage events, or send them",
        description="Write every run (START and COMPLETE/FAIL/ABORT events with inputs and "
                    "outputs) as OpenLineage events, one JSON object per line, or send them "
                    "to a lineage server through the openlineage-python client. "
                    "import-openlineage reads them back into the same lineage.")
    parser.add_argument("store", help="store to read (never modified)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", default="-",
                        help="NDJSON file to write (default: stdout); overwritten")
    target.add_argument("--url", help="send to this OpenLineage HTTP endpoint (e.g. "
                        "http://localhost:5000 for Marquez) through the client")
    target.add_argument("--emit", action="store_true",
                        help="send through the client configured by openlineage.yml or "
                             "OPENLINEAGE_* variables")
    parser.add_argument("--endpoint", help="HTTP path with --url (default: api/v1/lineage)")
    parser.add_argument("--project", help="only this project's runs")
    parser.add_argument("--entity", help="only projects of this entity")
    parser.add_argument("--no-files", action="store_true",
                        help="leave the file lists of versions out of the events")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.endpoint and not args.url:
        raise CliError("--endpoint needs --url")
    with Store.open(args.store, readonly=True) as store:
        events = export_events(store, project=args.project, entity=args.entity,
                               include_files=not args.no_files)
    if args.project and not events:
        raise CliError(f"no runs or versions in project {args.project!r} of {args.store}")
    if args.url or args.emit:
        from lineage_desktop.interop.openlineage_emit import client_for, emit_events

        client = client_for(url=args.url, endpoint=args.endpoint)
        count = emit_events(events, client)
        client.close(timeout=30)
        print(f"export-openlineage: sent {count} events", file=sys.stderr)
        return 0
    count = write_events(events, args.output)
    where = "stdout" if args.output == "-" else args.output
    print(f"export-openlineage: wrote {count} events to {where}", file=sys.stderr)
    return 0
