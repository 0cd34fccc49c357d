"""A store with one hub of wide lineage, built in seconds with bulk SQL.

``wide_store(runs)`` holds ``hub:v0`` (type dataset, logged by run ``r-hub``) used by
``runs`` runs of job type ``train`` (``r0000000``...), each logging one version of
``out`` (type model): ``2 * runs + 2`` nodes downstream of the hub's producer, all in two
levels, so that clusters collapse them and the clusters-off view is ``runs`` wide.
Cached under ``~/.cache/lineage_desktop/`` like the other benchmark stores.
"""
from __future__ import annotations

from pathlib import Path

from benchmarks._stores import cached_store
from lineage_desktop.store import Store

BUILDER_VERSION = 1
_T0 = "'2024-01-01T00:00:00.000000Z'"
_AT = "strftime('%Y-%m-%dT%H:%M:%S', 1704067200 + {i}, 'unixepoch') || '.000000Z'"


def wide_store(runs: int) -> Path:
    return cached_store(f"bench-wide-{runs}-b{BUILDER_VERSION}.db", lambda path: _build(path, runs))


def _build(path: Path, runs: int) -> None:
    counter = "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ?) "
    with Store.open(path) as store, store.transaction() as conn:
        conn.execute(f"INSERT INTO projects VALUES (1, 'bench', 'wide', {_T0})")
        conn.execute("INSERT INTO artifact_types (id, project_id, name) VALUES "
                     "(1, 1, 'dataset'), (2, 1, 'model')")
        conn.execute("INSERT INTO artifacts (id, project_id, type_id, name, created_at) VALUES "
                     f"(1, 1, 1, 'hub', {_T0}), (2, 1, 2, 'out', {_T0})")
        conn.execute("INSERT INTO runs (id, project_id, name, job_type, state, started_at) "
                     f"VALUES ('r-hub', 1, 'ingest', 'ingest', 'finished', {_T0})")
        conn.execute(
            "INSERT INTO runs (id, project_id, name, job_type, author, host, state, "
            "started_at, finished_at) " + counter +
            f"SELECT printf('r%07d', i), 1, 'train-' || i, 'train', 'bench', 'host', "
            f"'finished', {_AT.format(i='i')}, {_AT.format(i='i + 1')} FROM c", (runs,))
        conn.execute("INSERT INTO versions (id, artifact_id, idx, digest, size, file_count, "
                     f"created_at, run_id) VALUES (1, 1, 0, printf('%064x', 0), 10, 1, {_T0}, "
                     "'r-hub')")
        conn.execute(
            "INSERT INTO versions (id, artifact_id, idx, digest, size, file_count, created_at, "
            "run_id) " + counter +
            f"SELECT i + 2, 2, i, printf('%064x', i + 1), 10, 1, {_AT.format(i='i')}, "
            "printf('r%07d', i) FROM c", (runs,))
        conn.execute("INSERT INTO manifest (version_id, path, digest, size) "
                     "SELECT id, 'data.txt', digest, 10 FROM versions")
        conn.execute("INSERT INTO outputs (run_id, version_id, logged_at) "
                     "SELECT run_id, id, created_at FROM versions")
        conn.execute("INSERT INTO usages (run_id, version_id, used_at) "
                     "SELECT id, 1, started_at FROM runs WHERE id != 'r-hub'")
        conn.execute("INSERT INTO aliases (artifact_id, alias, version_id) "
                     "SELECT artifact_id, 'latest', MAX(id) FROM versions GROUP BY artifact_id")
        conn.execute("INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                     "SELECT artifact_id, alias, version_id, " + _T0 + " FROM aliases")
    with Store.open(path) as store:
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
