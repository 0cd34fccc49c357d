"""A bulk insert of runs (a merge, the demo, an import) counts them once at its end, not
row by row through the trigger; the counts are those a recount gives, and the trigger
is back afterwards, also when the insert fails."""
from __future__ import annotations

import sqlite3

import pytest

import lineage_desktop as ld
from lineage_desktop.demo import write_demo
from lineage_desktop.interop.merge import merge_stores
from lineage_desktop.store import Store
from lineage_desktop.store.errors import StoreError
from lineage_desktop.store.run_counts import AT_END_FROM, INSERT_TRIGGER

RECOUNT = " UNION ALL ".join(
    f"SELECT coalesce(project_id, 0), {span}, coalesce(substr(started_at, 1, {span}), ''), "
    "COUNT(*) FROM runs GROUP BY 1, 3" for span in (10, 13))


# (the team store's case is its own test, at the end)
FILE_ONLY = pytest.mark.sqlite_file("recounts and reads the trigger in the SQLite file")

def _counts(path):
    conn = sqlite3.connect(path)
    try:
        kept = sorted(conn.execute(
            "SELECT project_id, span, period, runs FROM run_counts WHERE runs != 0"))
        return kept, sorted(conn.execute(RECOUNT)), conn.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (INSERT_TRIGGER,)).fetchone()[0]
    finally:
        conn.close()


def _changes(store, call):
    """Rows ``call`` wrote, those its triggers wrote included (SQLite's total changes):
    the insert trigger writes two for each run."""
    before = store._conn.total_changes
    call()
    return store._conn.total_changes - before


@FILE_ONLY
def test_merge_counts_equal_a_recount(tmp_path):
    a, b, target = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "t.db"
    write_demo(a, runs=2 * AT_END_FROM, seed=1)
    write_demo(b, runs=2 * AT_END_FROM, seed=2)
    with ld.init(project="own", store=target):
        pass
    from lineage_desktop.sdk import stores

    stores._close_all()
    with Store.open(target) as store:
        merge_stores(store, [a, b])
        merged = store.run_count()
    kept, recount, triggers = _counts(target)
    assert kept == recount and triggers == 1
    assert merged == sum(row[3] for row in recount if row[1] == 10) > 4 * AT_END_FROM
    # The trigger counts the runs written after the merge again.
    with ld.init(project="own", store=target):
        pass
    stores._close_all()
    kept, recount, triggers = _counts(target)
    assert kept == recount and triggers == 1
    with Store.open(target, readonly=True) as store:
        assert store.run_count() == merged + 1


@FILE_ONLY
def test_a_failed_bulk_insert_keeps_the_trigger_and_the_counts(tmp_path):
    source, target = tmp_path / "a.db", tmp_path / "t.db"
    write_demo(source, runs=2 * AT_END_FROM, seed=3)
    write_demo(target, runs=AT_END_FROM, seed=4)
    before = _counts(target)
    with Store.open(source, readonly=True) as store:
        cells = list(store.run_cells())
    with Store.open(target) as store:
        project = store.ensure_project(cells[0][2], cells[0][1])
        existing = next(iter(store.run_cells()))
        rows = [(project, c) for c in cells] + [(project, existing)]  # a duplicate id
        with pytest.raises(StoreError):
            store.insert_run_cells(rows)
        with store.transaction():  # caught inside an outer transaction that commits
            with pytest.raises(StoreError):
                store.insert_run_cells(rows)
    assert _counts(target) == before
    with Store.open(target) as store:
        store.insert_run_cells((project, c) for c in cells)
    kept, recount, triggers = _counts(target)
    assert kept == recount and triggers == 1


def _source_cells(folder, runs):
    source = folder / "source.db"
    write_demo(source, runs=runs, seed=5)
    with Store.open(source, readonly=True) as store:
        return list(store.run_cells())


@FILE_ONLY
@pytest.mark.parametrize("runs", [AT_END_FROM - 1, 3 * AT_END_FROM])
def test_bulk_inserts_count_once_and_a_few_runs_by_the_trigger(tmp_path, runs):
    cells = _source_cells(tmp_path, runs)[:runs]
    target = tmp_path / "t.db"
    with Store.open(target) as store:
        project = store.ensure_project(cells[0][2], cells[0][1])
        changes = _changes(store, lambda: store.insert_run_cells((project, c) for c in cells))
    if len(cells) < AT_END_FROM:  # the run and its day's and hour's counts
        assert changes == 3 * len(cells)
    else:  # the runs, then a row per day and hour
        kept, _, _ = _counts(target)
        assert changes == len(cells) + len(kept) < 3 * len(cells)
    kept, recount, triggers = _counts(target)
    assert kept == recount and triggers == 1


def test_a_team_store_counts_a_big_merge_by_its_trigger(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(tmp_path / "blobs"))
    (tmp_path / "blobs").mkdir()
    source, back = tmp_path / "a.db", tmp_path / "back.db"
    write_demo(source, runs=2 * AT_END_FROM, seed=6)
    with Store.open(source, readonly=True) as store:
        runs = store.run_count()
    for target in (pg_url, str(back)):  # into the team store, then out of it
        with Store.open(target) as store:
            merge_stores(store, [source if target == pg_url else pg_url])
            assert store.run_count() == runs > AT_END_FROM
            kept = sorted(tuple(r) for r in store._conn.execute(
                "SELECT project_id, span, period, runs FROM run_counts WHERE runs != 0"))
            assert kept == sorted(tuple(r) for r in store._conn.execute(RECOUNT))
