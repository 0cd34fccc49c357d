"""``lineage-desktop import-dvc STORE REPO_DIR [--git-history]``: a DVC pipeline in."""
from __future__ import annotations

import argparse
import json
import sys

from lineage_desktop.interop.dvc_import import dvc_snapshots, import_dvc
from lineage_desktop.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-dvc", help="import a DVC pipeline's dvc.lock",
        description="Turn the stages of a DVC project's dvc.lock files (commands, params, "
                    "deps and outs with their hashes) into runs and artifact versions. With "
                    "--git-history, every commit that changed a dvc.lock is read in order, "
                    "so versions accumulate as they did. Importing again adds nothing. Exit "
                    "status 1 when some stages were skipped (each reported as FILE:LINE: "
                    "reason).")
    parser.add_argument("store", help="target store (created if missing)")
    parser.add_argument("repo", metavar="REPO_DIR", help="the DVC project folder")
    parser.add_argument("--git-history", action="store_true",
                        help="read every committed version of dvc.lock, oldest first")
    parser.add_argument("--project", help="project name (default: the folder's name)")
    parser.add_argument("--entity", help="entity of that project (default: your login name)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    snapshots = dvc_snapshots(args.repo, args.git_history)  # before creating the store
    with Store.open(args.store) as store:
        report = import_dvc(store, args.repo, project=args.project, entity=args.entity,
                            snapshots=snapshots)
    report.write(sys.stderr, "import-dvc")
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    return 0 if report.ok else 1
