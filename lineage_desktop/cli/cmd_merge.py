"""``lineage-desktop merge TARGET SOURCE...``: combine stores written on several machines."""
from __future__ import annotations

import argparse
import json
import sys

from lineage_desktop.cli.main import CliError
from lineage_desktop.interop.merge import merge_stores
from lineage_desktop.sdk.stores import store_path
from lineage_desktop.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "merge", help="merge stores written on several machines into one",
        description="Copy the runs, versions (with their files), usages and aliases of each "
                    "SOURCE store into TARGET (created if missing). A run is identified by "
                    "its id and a version by artifact name and digest, so nothing is "
                    "duplicated and merging again changes nothing. New versions get the next "
                    "free numbers in creation order; conflicts are reported. Exit status 0 "
                    "when the merge completed, conflicts or not.")
    parser.add_argument("target", help="store to merge into (created if missing)")
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="stores to merge from")
    parser.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target_path = store_path(args.target)
    for source in args.sources:
        if store_path(source) == target_path:
            raise CliError(f"{source} is the target store itself")
        # Refuse a missing or foreign source before the target is created.
        Store.open(source, readonly=True).close()
    with Store.open(args.target) as target:
        report = merge_stores(target, args.sources)
    report.write(sys.stderr, "merge")
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    return 0
