"""SQLite store: schema, migrations, transactions, queries and the blob folder.

All SQL of lineage_desktop lives in this package, on plain ``sqlite3`` rather than
sqlite-utils (the design's stack names it; measured and decided in issue 11):

- what it would serve here is one query (``table_names``) and bulk inserts, and the
  store's writes need what its ``insert_all`` does not give: one ``BEGIN IMMEDIATE``
  transaction that joins an outer one (sqlite-utils commits on its own), ``INSERT OR
  IGNORE`` into ``WITHOUT ROWID`` tables with the ids looked up in the same transaction,
  and strict JSON cells (``writes._dumps``); ``executemany`` already inserts a version's
  manifest in one prepared statement;
- importing it costs about 0.2 s (it imports numpy when installed and loads its
  plugins' entry points), more than a third of ``import lineage_desktop`` in every
  recording script (issue 12): 0.56 s with it, 0.31 s without.
"""
from lineage_desktop.store.blobs import BlobStore, bytes_digest, file_digest, manifest_digest
from lineage_desktop.store.core import Store
from lineage_desktop.store.lineage import LineageRows
from lineage_desktop.store.reads import RunOrder
from lineage_desktop.store.timeutil import parse_time, utc_now

__all__ = [
    "BlobStore",
    "LineageRows",
    "RunOrder",
    "Store",
    "bytes_digest",
    "file_digest",
    "manifest_digest",
    "parse_time",
    "utc_now",
]
