"""``log_version`` returns the record it wrote (issue 11): the SDK binds it without
reading the version back, and it equals what ``version_by_id`` reads."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.records import ManifestEntry, Run
from lineage_desktop.store import Store, manifest_digest, utc_now


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as opened:
        yield opened


def _entries(*texts: str) -> list[ManifestEntry]:
    return [ManifestEntry(path=f"f{i}.txt", digest=f"{i:064x}", size=len(t))
            for i, t in enumerate(texts)]


def test_log_version_returns_the_record_it_wrote(store):
    project = store.ensure_project("e", "p")
    store.insert_run(project, Run(id="r1", name="r", project="p", entity="e",
                                  state="running", started_at=utc_now()))
    entries = _entries("ab", "cde")
    digest = manifest_digest([(e.path, e.digest) for e in entries])
    metadata = {"auc": 0.91, "bad": math.nan, "inf": -math.inf, "nested": {"k": [1, "é"]},
                "path": Path("/x")}
    first = store.log_version(project, "model", "model", digest, entries,
                              description="d", metadata=metadata,
                              aliases=["latest", "zeta", "best", "latest", "Ä"],
                              tags=["t2", "t1", "t2"], run_id="r1")
    assert first.created and first.record == store.version_by_id(first.version_id)
    assert first.record.metadata["bad"] == "NaN" and first.record.aliases[0] == "best"
    # Same content again, from no run: the existing version with all its aliases.
    again = store.log_version(project, "model", "model", digest, entries, aliases=["prod"])
    assert not again.created and again.version_id == first.version_id
    assert again.record == store.version_by_id(first.version_id)
    assert set(again.record.aliases) == {"latest", "zeta", "best", "Ä", "prod"}
    other = store.log_version(project, "model", "model", manifest_digest([]), [],
                              aliases=["latest"])
    assert other.record == store.version_by_id(other.version_id)
    assert other.record.index == 1 and other.record.run_id is None


def test_the_sdk_binds_the_returned_record(tmp_path):
    with ld.init(project="p", entity="e", store=tmp_path / "s.db") as run:
        artifact = ld.Artifact("data", "dataset", metadata={"n": 1})
        with artifact.new_file("a.txt") as handle:
            handle.write("a")
        logged = run.log_artifact(artifact, aliases=["best"])
        assert logged.record == run._store.version_by_id(logged.record.id)
        assert logged.name == "data:v0" and sorted(logged.aliases) == ["best", "latest"]


def _statements(store: Store, call) -> list[str]:
    seen: list[str] = []
    store._conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        store._conn.set_trace_callback(None)
    return seen


@pytest.mark.sqlite_file("asserts SQLite's query plans and statement trace")
def test_a_new_version_is_one_read_and_its_writes(store):
    """Issue 12: a log into a known collection is BEGIN, one read (project names, last
    number, equal content), the version, its manifest, output and alias rows, COMMIT."""
    project = store.ensure_project("e", "p")
    store.insert_run(project, Run(id="r1", name="r", project="p", entity="e",
                                  state="running", started_at=utc_now()))
    store.log_version(project, "model", "model", manifest_digest([]), [],
                      aliases=["latest"], run_id="r1")
    entries = _entries("ab")
    digest = manifest_digest([(e.path, e.digest) for e in entries])
    seen = _statements(store, lambda: store.log_version(
        project, "model", "model", digest, entries, aliases=["latest"], run_id="r1"))
    # (PRAGMAs: the busy-timeout steps of a store without a lock file, see test_locks)
    kinds = [" ".join(sql.split()[:3]) for sql in seen if not sql.startswith("PRAGMA")]
    assert kinds == ["BEGIN IMMEDIATE", "SELECT name, entity,", "INSERT INTO versions",
                     "INSERT INTO manifest", "INSERT OR IGNORE", "INSERT OR REPLACE",
                     "INSERT INTO alias_history", "COMMIT"], seen
    # The SDK's type check before the blobs are copied asks the cache, not the file.
    assert _statements(store, lambda: store.artifact_type_of(project, "model")) == []


def test_ids_cached_in_a_rolled_back_transaction_are_forgotten(store):
    project = store.ensure_project("e", "p")
    with pytest.raises(RuntimeError), store.transaction():
        store.log_version(project, "gone", "dataset", manifest_digest([]), [],
                          aliases=["latest"])
        raise RuntimeError("roll back")
    assert store.artifact_type_of(project, "gone") is None
    # The collection and its type are made again (new ids), not taken from the cache.
    other = store.log_version(project, "other", "model", manifest_digest([]), [],
                              aliases=["latest"])
    logged = store.log_version(project, "gone", "dataset", manifest_digest([]), [],
                               aliases=["latest"])
    assert logged.record == store.version_by_id(logged.version_id)
    assert store.artifact_type_of(project, "gone") == "dataset"
    assert store.version_by_id(other.version_id).type == "model"
