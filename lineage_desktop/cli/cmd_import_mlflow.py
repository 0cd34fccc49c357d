"""``lineage-desktop import-mlflow STORE TRACKING_URI``: MLflow runs, datasets and models in."""
from __future__ import annotations

import argparse
import json
import sys

from lineage_desktop.interop.extras import require
from lineage_desktop.interop.mlflow_import import check_readable, import_mlflow, tracking_uri
from lineage_desktop.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-mlflow", help="import MLflow runs, dataset inputs and logged models",
        description="Read runs, their dataset and model inputs and their logged models "
                    "through MLflow's own client (pip install 'lineage-desktop[mlflow]') "
                    "into runs and artifact versions. TRACKING_URI is a server URL, a "
                    "database URI, or a local mlruns folder. Importing again adds nothing. "
                    "Exit status 1 when some records were skipped.")
    parser.add_argument("store", help="target store (created if missing)")
    parser.add_argument("tracking", metavar="TRACKING_URI",
                        help="http(s)://server, sqlite:///mlflow.db, or an mlruns folder")
    parser.add_argument("--experiment", action="append", metavar="NAME",
                        help="only this experiment (repeatable; default: all)")
    parser.add_argument("--project", help="project name (default: mlflow)")
    parser.add_argument("--entity", help="entity of that project (default: your login name)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # refuse a missing folder or a URI MLflow cannot read here before creating the store
    tracking_uri(args.tracking)
    require("mlflow.tracking", "import-mlflow")
    check_readable(args.tracking)
    with Store.open(args.store) as store:
        report = import_mlflow(store, args.tracking, project=args.project,
                               entity=args.entity, experiments=args.experiment)
    report.write(sys.stderr, "import-mlflow")
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    return 0 if report.ok else 1
