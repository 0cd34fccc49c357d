"""A team store's reads keep to their indexes before the planner has statistics, and
stores the SDK grows get statistics (issue 16: a lineage read of a store just written,
not yet analysed, read every version of the collection to resolve its alias)."""
from __future__ import annotations

import json

import pytest

from lineage_desktop.store import Store
from lineage_desktop.store.pg.translate import translate

VERSIONS = 2000
_TABLES = ("artifacts", "aliases", "alias_history", "versions")


def _collection(url: str) -> None:
    """One collection of VERSIONS versions, ``latest`` on the newest, never analysed."""
    with Store.open(url) as store, store.transaction() as conn:
        for table in _TABLES:  # nor analysed by autovacuum while the test runs
            conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
        conn.execute("INSERT INTO projects (id, entity, name, created_at) "
                     "VALUES (1, 'e', 'p', '2024-01-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO artifact_types (id, project_id, name) VALUES (1, 1, 'd')")
        conn.execute("INSERT INTO artifacts (id, project_id, type_id, name, created_at) "
                     "VALUES (1, 1, 1, 'data', '2024-01-01T00:00:00.000000Z')")
        conn.execute("INSERT INTO versions (id, artifact_id, idx, digest, created_at) "
                     "SELECT i + 1, 1, i, 'd' || i, '2024-01-01T00:00:00.000000Z' "
                     "FROM generate_series(0, ? - 1) AS s(i)", (VERSIONS,))
        conn.execute("INSERT INTO aliases (artifact_id, alias, version_id) "
                     "VALUES (1, 'latest', ?)", (VERSIONS,))
        conn.execute("INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                     "VALUES (1, 'latest', ?, '2024-01-01T00:00:00.000000Z')", (VERSIONS,))


def _rows_touched(store: Store, sql: str, params: object) -> tuple[int, str]:
    """Rows every node of the statement's executed plan produced, summed over loops, and
    the plan (to show when there are too many)."""
    statement = translate(sql)
    raw = store._conn._raw  # type: ignore[attr-defined]
    [[plan]] = raw.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement.sql,
                           statement.bind(params)).fetchall()
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node: dict) -> int:
        own = int(node["Actual Rows"]) * int(node["Actual Loops"])
        return own + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan[0]["Plan"]), json.dumps(plan, indent=1)


@pytest.mark.parametrize("as_of", [None, "2024-06-01T00:00:00.000000Z"])
def test_resolving_an_alias_reads_its_row_not_the_collection_without_statistics(
        pg_url, as_of):
    _collection(pg_url)
    with Store.open(pg_url, readonly=True) as store:
        raw = store._conn._raw  # type: ignore[attr-defined]
        analysed = raw.execute("SELECT count(*) FROM pg_stats WHERE tablename = ANY(%s)",
                               [list(_TABLES)]).fetchone()[0]
        assert analysed == 0  # the planner has no statistics
        seen: list[tuple[str, object]] = []
        execute = store._conn.execute

        def capture(sql: str, params: object = ()) -> object:
            seen.append((sql, params))
            return execute(sql, params)

        store._conn.execute = capture  # type: ignore[method-assign]
        try:
            found = store.resolve_version("data", "latest", 1, as_of=as_of, labels=False)
        finally:
            del store._conn.execute
        assert found.id == VERSIONS and found.version == f"v{VERSIONS - 1}"
        [(sql, params)] = [(s, p) for s, p in seen if "alias" in s]
        touched, plan = _rows_touched(store, sql, params)
        assert touched < 10, plan


@pytest.mark.parametrize("selector", ["v7", "latest"])
def test_resolution_plans_hold_after_analyze(pg_url, selector):
    _collection(pg_url)
    with Store.open(pg_url) as store:
        store.refresh_statistics()
        expected = 8 if selector == "v7" else VERSIONS
        assert store.resolve_version("data", selector, 1).id == expected


def _analysed(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        return bool(conn.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'versions'")
                    .fetchone()[0])


def test_a_store_the_sdk_grows_is_analysed_when_autovacuum_has_not(pg_url, tmp_path,
                                                                    monkeypatch):
    import lineage_desktop as ld
    from lineage_desktop.sdk import stores
    from lineage_desktop.store.pg.connection import ANALYZE_FROM

    monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(tmp_path))
    with Store.open(pg_url) as store, store.transaction() as conn:
        conn.execute("ALTER TABLE versions SET (autovacuum_enabled = false)")
    source = tmp_path / "one.txt"
    with ld.init(project="p", store=pg_url) as run:
        for index in range(ANALYZE_FROM):
            source.write_text(f"row {index}\n")
            artifact = ld.Artifact("data", "dataset")
            artifact.add_file(str(source), name="data.txt")
            run.log_artifact(artifact)
            if index == ANALYZE_FROM - 2:
                assert not _analysed(pg_url)  # nothing before the threshold
    stores._close_all()
    assert _analysed(pg_url)
    with Store.open(pg_url, readonly=True) as store:
        assert store.resolve_version("data", "latest", None).version == f"v{ANALYZE_FROM - 1}"
