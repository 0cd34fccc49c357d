"""``lineage-desktop import-openlineage STORE EVENTS...``: OpenLineage run events in."""
from __future__ import annotations

import argparse
import json
import sys

from lineage_desktop.interop.openlineage_events import event_files
from lineage_desktop.interop.openlineage_import import import_openlineage
from lineage_desktop.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-openlineage", help="import OpenLineage run events (NDJSON)",
        description="Import OpenLineage run events (one JSON event per line; a folder reads "
                    "its .json/.ndjson files) into runs and artifact versions. Each runId "
                    "becomes one run; a dataset (namespace + name) becomes an artifact; "
                    "versions are numbered in event-time order, whatever the order of the "
                    "lines. Static DatasetEvents and JobEvents (no run) give versions "
                    "without a run, keeping their facets and the job's. Files are read "
                    "once, through a scratch database in the "
                    "temporary folder (TMPDIR), so memory does not grow with their size. "
                    "Importing the same events again adds nothing. Exit status 1 when "
                    "some lines were skipped (each reported as FILE:LINE: reason).")
    parser.add_argument("store", help="target store (created if missing)")
    parser.add_argument("events", nargs="+", help="events files or folders")
    parser.add_argument("--project", help="put everything into this project "
                        "(default: openlineage, or the project named in the events)")
    parser.add_argument("--entity", help="entity of that project (default: your login name)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    event_files(args.events)  # refuse a missing input before creating the store
    with Store.open(args.store) as store:
        report = import_openlineage(store, args.events, project=args.project,
                                    entity=args.entity)
    report.write(sys.stderr, "import-openlineage")
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    return 0 if report.ok else 1
