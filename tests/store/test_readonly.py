"""Reading never writes: the file's bytes and mtime stay the same; no SQL can modify it."""
from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest

import lineage_desktop as ld
from lineage_desktop.demo import write_demo
from lineage_desktop.store import Store

pytestmark = pytest.mark.sqlite_file("about the SQLite file's folder and permissions")


def fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def test_reads_leave_file_unchanged(tmp_path):
    path = write_demo(tmp_path / "demo.db", runs=60)
    before = fingerprint(path)
    api = ld.Api(store=path)
    for collection in api.artifact_collections():
        for version in api.artifact_versions(collection.name):
            version.files()
            api.lineage(version.source_name)  # W&B: "name:v<n>"
    for run in api.runs():
        run.used_artifacts()
    api.artifact("churn-model:best").verify()
    api.close()
    assert fingerprint(path) == before


def test_read_connection_refuses_sql_writes(tmp_path):
    path = write_demo(tmp_path / "demo.db", runs=20)
    store = Store.open(path, readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        store._conn.execute("DELETE FROM runs")
    with pytest.raises(ld.ReadOnlyStore):
        store.ensure_project("x", "y")
    store.close()


def test_reader_on_read_only_folder(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    path = write_demo(folder / "demo.db", runs=20)
    before = fingerprint(path)
    os.chmod(folder, 0o555)
    os.chmod(path, 0o444)
    try:
        api = ld.Api(store=path)
        assert api.artifact("churn-model").type == "model"
        api.close()
    finally:
        os.chmod(folder, 0o755)
    assert fingerprint(path) == before
