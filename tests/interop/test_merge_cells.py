"""merge moves runs and versions as their stored cells: strict JSON is copied as its
text, anything else is read as every reader reads it and written as strict JSON."""
from __future__ import annotations

import json
import sqlite3

import lineage_desktop as ld
from lineage_desktop.interop.merge import merge_stores
from lineage_desktop.store import Store


def _source(path):
    with ld.init(project="p", store=path, config={"lr": 0.1}) as run:
        for name in ("data", "model"):
            artifact = ld.Artifact(name, "dataset", metadata={"rows": 3})
            with artifact.new_file("a.txt") as handle:
                handle.write(name)
            run.log_artifact(artifact)
    from lineage_desktop.sdk import stores

    stores._close_all()


def _set(path, sql, *params):
    conn = sqlite3.connect(path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def _cells(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _strict(text):
    def refuse(name):
        raise ValueError(name)

    return json.loads(text, parse_constant=refuse)


def _seen(path):
    with Store.open(path, readonly=True) as store:
        runs = [(r.id, r.config, r.tags, r.state) for r in store.runs()]
        versions = sorted((v.name, v.metadata, v.tags) for v in store.all_versions())
    return runs, versions


def test_strict_json_cells_are_copied_as_their_text(tmp_path):
    source, target = tmp_path / "a.db", tmp_path / "t.db"
    _source(source)
    config = '{"zeta": 1, "alpha": [1, 2.50], "name": "caf\u00e9"}'  # unsorted, as written
    metadata = '{"z": {"deep": [true, null]}, "a": 1e3}'
    _set(source, "UPDATE runs SET config = ?, tags = ?", config, '["b", "a"]')
    _set(source, "UPDATE versions SET metadata = ?", metadata)
    with Store.open(target) as store:
        merge_stores(store, [source])
    assert _cells(target, "SELECT config, tags FROM runs") == [(config, '["b", "a"]')]
    assert {m for (m,) in _cells(target, "SELECT metadata FROM versions")} == {metadata}
    assert _seen(target) == _seen(source)


def test_damaged_json_cells_are_read_as_readers_read_them_and_written_strict(tmp_path):
    source, target = tmp_path / "a.db", tmp_path / "t.db"
    _source(source)
    _set(source, "UPDATE runs SET config = ?, tags = ?", "{not json", '[1, "x", {"k": 2}]')
    _set(source, "UPDATE versions SET metadata = ? WHERE id = (SELECT MIN(id) FROM versions)",
         '{"loss": NaN, "gain": Infinity}')
    _set(source, "UPDATE versions SET metadata = ? WHERE id = (SELECT MAX(id) FROM versions)",
         "[" * 300 + "]" * 300)
    with Store.open(target) as store:
        report = merge_stores(store, [source])
    assert report.counts["runs added"] == 1 and report.counts["versions added"] == 2
    assert _seen(target) == _seen(source)
    runs, versions = _seen(target)
    assert runs[0][2] == ("1", "x", '{"k":2}')
    assert {"loss": "NaN", "gain": "Infinity"} in [metadata for _, metadata, _ in versions]
    for row in _cells(target, "SELECT config, tags FROM runs") + _cells(
            target, "SELECT metadata, '[]' FROM versions"):
        for text in row:
            _strict(text)


def test_a_run_damaged_in_its_plain_cells_is_merged_as_read(tmp_path):
    source, target = tmp_path / "a.db", tmp_path / "t.db"
    _source(source)
    _set(source, "UPDATE runs SET notes = CAST(? AS BLOB), exit_code = NULL", "b\u00e9")
    with Store.open(target) as store:
        merge_stores(store, [source])
    assert _seen(target) == _seen(source)
    with Store.open(target, readonly=True) as store, Store.open(source, readonly=True) as old:
        assert store.runs()[0].notes == old.runs()[0].notes
