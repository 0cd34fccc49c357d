"""``lineage-desktop pg-init URL [--blob-root PATH]``: set up a team store on PostgreSQL."""
from __future__ import annotations

import argparse
from pathlib import Path

from lineage_desktop.cli.main import CliError
from lineage_desktop.store import Store
from lineage_desktop.store.pg import is_url


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pg-init", help="create (or migrate) a team store in a PostgreSQL database",
        description="Create the store's tables in an existing PostgreSQL database (or migrate "
                    "them), and set the blob root: a folder on shared storage that every "
                    "client mounts at the same path, where logged files are kept. A client "
                    "that mounts it elsewhere sets LINEAGE_DESKTOP_BLOB_ROOT. Passwords come "
                    "from ~/.pgpass, PGPASSWORD or a service file, never from the URL shown.")
    parser.add_argument("url", metavar="URL", help="postgresql://user@host:5432/database")
    parser.add_argument("--blob-root", metavar="PATH",
                        help="the shared folder for files (must exist)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not is_url(args.url):
        raise CliError(f"{args.url!r} is not a postgresql:// URL")
    root = None
    if args.blob_root is not None:
        root = Path(args.blob_root).expanduser().absolute()
        if not root.is_dir():
            raise CliError(f"blob root {root} is not a folder (create it on the shared "
                           "storage first)")
    with Store.open(args.url) as store:
        if root is not None:
            store.set_blob_root(str(root))
        print(f"{store.path}: lineage store, schema {store.schema_version}; "
              f"blob root {store.blob_root_setting() or '(not set)'}")
    return 0
