"""SQLite store: schema, migrations, transactions, queries and the blob folder.

All SQL of lineage_desktop lives in this package.
"""
from lineage_desktop.store.blobs import BlobStore, bytes_digest, file_digest, manifest_digest
from lineage_desktop.store.core import Store
from lineage_desktop.store.lineage import LineageRows
from lineage_desktop.store.timeutil import parse_time, utc_now

__all__ = [
    "BlobStore",
    "LineageRows",
    "Store",
    "bytes_digest",
    "file_digest",
    "manifest_digest",
    "parse_time",
    "utc_now",
]
