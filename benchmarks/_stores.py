"""Big stores for the size benchmarks, built in seconds with bulk SQL.

``sized_store(versions)`` returns the path of a store holding ``versions`` artifact
versions, cached under ``~/.cache/lineage_desktop/`` (``LINEAGE_BENCH_CACHE`` moves it).
The store is created by ``Store.open`` (so its schema is the real, migrated one) and then
filled through that store's own connection, in one transaction, by ``INSERT ... SELECT``
over a recursive counter: no SDK call per row.

Shape, for ``n`` versions in project ``bench/bench``:

- collection ``model`` holds half of the versions; the rest sit in collections
  ``data-<k>`` of 100 versions each (so a lookup's cost can be told from the store's);
- runs are named as ``init`` names them (``amber-aurora-<n>``);
- each version has one manifest entry, a producing run (one run per two versions, each
  run also using the version before its first output), an ``outputs`` row and a
  ``latest`` history row, as real logging leaves;
- ``latest`` points at each collection's newest version; ``production`` at the middle
  version of ``model`` (moved there once, as ``alias_history`` records).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from lineage_desktop.store import Store

SMALL_COLLECTION = 100
BUILDER_VERSION = 2  # bump when the shape changes: cached stores are rebuilt


def cache_folder() -> Path:
    folder = Path(os.environ.get("LINEAGE_BENCH_CACHE",
                                 Path.home() / ".cache" / "lineage_desktop"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sized_store(versions: int) -> Path:
    """The cached store of ``versions`` versions, built first if it is not there."""
    return cached_store(f"bench-sizes-{versions}-b{BUILDER_VERSION}.db",
                        lambda path: build(path, versions))


def cached_store(name: str, build_at: Callable[[Path], None]) -> Path:
    """``cache_folder() / name``, built by ``build_at`` under a temporary name first (a
    build that was interrupted is never taken for a finished store)."""
    path = cache_folder() / name
    if not path.exists():
        partial = path.with_suffix(".partial.db")
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
        build_at(partial)
        partial.rename(path)
    return path


# Time of version i (stored form), one second apart; a run's id and a version's digest
# from its number: SQLite's spelling and a team store's (PostgreSQL has no printf).
_SQL = {
    "sqlite": {
        "at": "strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + {i}, 'unixepoch') || '.000000Z'",
        "run": "printf('r%07d', {i})",
        "digest": "printf('%064x', {i})",
    },
    "postgresql": {
        "at": "to_char(to_timestamp(1700000000 + ({i})) AT TIME ZONE 'UTC', "
              "'YYYY-MM-DD\"T\"HH24:MI:SS') || '.000000Z'",
        "run": "'r' || lpad(({i})::text, 7, '0')",
        "digest": "lpad(to_hex(({i})::bigint), 64, '0')",
    },
}


def build(path: Path | str, versions: int) -> None:
    """Fill a new store (a file, or a team store's URL) with ``versions`` versions."""
    big = versions // 2
    small_collections = max(1, (versions - big) // SMALL_COLLECTION)
    with Store.open(path) as store, store.transaction() as conn:
        sql = _SQL[store.dialect]
        at, run_id, digest = sql["at"], sql["run"], sql["digest"]
        conn.execute("INSERT INTO projects (id, entity, name, created_at) "
                     "VALUES (1, 'bench', 'bench', '2023-11-14T00:00:00.000000Z')")
        conn.execute("INSERT INTO artifact_types (id, project_id, name) VALUES (1, 1, 'dataset')")
        conn.execute("INSERT INTO artifacts (id, project_id, type_id, name, created_at) "
                     "VALUES (1, 1, 1, 'model', '2023-11-14T00:00:00.000000Z')")
        conn.execute(
            "INSERT INTO artifacts (id, project_id, type_id, name, created_at) "
            "WITH RECURSIVE c(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM c WHERE k + 1 < ?) "
            "SELECT k + 2, 1, 1, 'data-' || k, '2023-11-14T00:00:00.000000Z' FROM c",
            (small_collections,))
        # Version i (1-based id): the first `big` are model's, then 100 per collection.
        total = big + small_collections * SMALL_COLLECTION
        conn.execute(
            "INSERT INTO runs (id, project_id, name, job_type, author, host, state, "
            "started_at, finished_at) "
            "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ?) "
            f"SELECT {run_id.format(i='i')}, 1, 'amber-aurora-' || (i + 1), 'train', 'bench', "
            f"'host', 'finished', {at.format(i='2 * i')}, {at.format(i='2 * i + 1')} FROM c",
            ((total + 1) // 2,))
        conn.execute(
            "INSERT INTO versions (id, artifact_id, idx, digest, metadata, size, file_count, "
            "created_at, run_id) "
            "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < :n) "
            "SELECT i + 1, "
            "CASE WHEN i < :big THEN 1 ELSE 2 + (i - :big) / 100 END, "
            "CASE WHEN i < :big THEN i ELSE (i - :big) % 100 END, "
            f"{digest.format(i='i')}, '{{}}', 10, 1, {at.format(i='i')}, "
            f"{run_id.format(i='i / 2')} FROM c",
            {"n": total, "big": big})
        conn.execute("INSERT INTO manifest (version_id, path, digest, size) "
                     "SELECT id, 'data.txt', digest, 10 FROM versions")
        conn.execute("INSERT INTO outputs (run_id, version_id, logged_at) "
                     "SELECT run_id, id, created_at FROM versions")
        conn.execute("INSERT INTO usages (run_id, version_id, used_at) "
                     "SELECT run_id, id - 1, created_at FROM versions "
                     "WHERE id % 2 = 1 AND id > 1")
        conn.execute("INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                     "SELECT artifact_id, 'latest', id, created_at FROM versions ORDER BY id")
        conn.execute("INSERT INTO aliases (artifact_id, alias, version_id) "
                     "SELECT artifact_id, 'latest', MAX(id) FROM versions GROUP BY artifact_id")
        middle = big // 2 + 1
        conn.execute("INSERT INTO aliases (artifact_id, alias, version_id) "
                     "VALUES (1, 'production', ?)", (middle,))
        conn.execute("INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                     "SELECT 1, 'production', id, created_at FROM versions WHERE id = ?",
                     (middle,))
    # No ANALYZE: a real store has no sqlite_stat1 either, and plans must hold without it.
    with Store.open(path) as store:
        if store.dialect == "sqlite":
            store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.refresh_statistics()  # a team store's planner learns the sizes (merge does too)
