"""``lineage-desktop export-openlineage STORE [-o FILE | --url URL]``: runs as OpenLineage."""
from __future__ import annotations

import argparse
import os
import sys

from lineage_desktop.cli.main import CliError
from lineage_desktop.interop.openlineage_export import export_events, write_events
from lineage_desktop.interop.openlineage_http import HttpSender
from lineage_desktop.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export-openlineage", help="write runs as OpenLineage events, or send them",
        description="Write every run (START and COMPLETE/FAIL/ABORT events with inputs and "
                    "outputs) as OpenLineage events, one JSON object per line, or send them "
                    "to a lineage server: --url posts each event to its HTTP API (retrying "
                    "a server briefly unavailable), --emit goes through the "
                    "openlineage-python client. import-openlineage reads them back.")
    parser.add_argument("store", help="store to read (never modified)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", default="-",
                        help="NDJSON file to write (default: stdout); overwritten")
    target.add_argument("--url", help="POST each event to this OpenLineage HTTP server "
                        "(e.g. http://localhost:5000 for Marquez; /api/v1/lineage is added "
                        "unless the URL ends with it)")
    target.add_argument("--emit", action="store_true",
                        help="send through the client configured by openlineage.yml or "
                             "OPENLINEAGE_* variables")
    parser.add_argument("--endpoint", help="HTTP path with --url (default: api/v1/lineage)")
    parser.add_argument("--api-key", help="with --url: sent as 'Authorization: Bearer KEY' "
                        "(default: $OPENLINEAGE_API_KEY; never printed)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="with --url: seconds to wait for each answer (default: 10)")
    parser.add_argument("--project", help="only this project's runs")
    parser.add_argument("--entity", help="only projects of this entity")
    parser.add_argument("--no-files", action="store_true",
                        help="leave the file lists of versions out of the events")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for option, value in (("--endpoint", args.endpoint), ("--api-key", args.api_key)):
        if value and not args.url:
            raise CliError(f"{option} needs --url")
    if args.timeout <= 0:
        raise CliError(f"--timeout must be positive, not {args.timeout:g}")
    sender = None
    if args.url:  # a bad URL is refused before the store is read
        sender = HttpSender(args.url, api_key=args.api_key or os.environ.get(
            "OPENLINEAGE_API_KEY"), endpoint=args.endpoint, timeout=args.timeout)
    with Store.open(args.store, readonly=True) as store:
        events = export_events(store, project=args.project, entity=args.entity,
                               include_files=not args.no_files)
    if args.project and not events:
        raise CliError(f"no runs or versions in project {args.project!r} of {args.store}")
    if sender is not None:
        count = sender.send(events)
        print(f"export-openlineage: sent {count} events to {sender.shown}", file=sys.stderr)
        return 0
    if args.emit:
        from lineage_desktop.interop.openlineage_emit import client_for, emit_events

        client = client_for()
        count = emit_events(events, client)
        client.close(timeout=30)
        print(f"export-openlineage: sent {count} events", file=sys.stderr)
        return 0
    count = write_events(events, args.output)
    where = "stdout" if args.output == "-" else args.output
    print(f"export-openlineage: wrote {count} events to {where}", file=sys.stderr)
    return 0
