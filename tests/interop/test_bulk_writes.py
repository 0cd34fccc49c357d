"""Bulk paths keep the one-record-at-a-time rules: a batch of versions written at once is
the same store as the versions written one by one; events are read lazily."""
from __future__ import annotations

import json
import sqlite3

import pytest
from interop_helpers import snapshot

from lineage_desktop.demo import write_demo
from lineage_desktop.interop.openlineage_events import iter_events
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.interop.writer import LineageWriter, VersionSpec, reference_entry
from lineage_desktop.records import Run
from lineage_desktop.store import Store


def _specs(project_id: int) -> list[VersionSpec]:
    def entry(key: str):
        return [reference_entry("data", "s3://bucket/data", key)]

    return [
        VersionSpec(project_id, "orders", "dataset", entry("a"), "2026-01-02T00:00:00.000000Z",
                    run_id="r1"),
        # older content logged later: numbered after, and ``latest`` stays on the newest
        VersionSpec(project_id, "orders", "dataset", entry("b"), "2026-01-01T00:00:00.000000Z"),
        # the same content again, from another run: no new version, a second producer
        VersionSpec(project_id, "orders", "dataset", entry("a"), "2026-01-03T00:00:00.000000Z",
                    run_id="r2"),
        # a run the store does not have: no producer
        VersionSpec(project_id, "orders", "dataset", entry("c"), "2026-01-04T00:00:00.000000Z",
                    run_id="missing", tags=["x"]),
        # a guessed type loses to the artifact's own
        VersionSpec(project_id, "orders", "table", entry("d"), "2026-01-05T00:00:00.000000Z",
                    aliases=["gold"]),
        VersionSpec(project_id, "pre-existing", "dataset", entry("e"),
                    "2026-01-06T00:00:00.000000Z"),
    ]


def _prepared(path) -> tuple[Store, LineageWriter, int]:
    store = Store.open(path)
    writer = LineageWriter(store)
    project_id = writer.project("acme", "shop")
    for number in (1, 2):
        store.insert_run(project_id, Run(
            id=f"r{number}", project="shop", entity="acme", name=f"run-{number}",
            state="finished", started_at="2026-01-01T00:00:00.000000Z"),
            record_process=False)
    writer.put_version(project_id, "pre-existing", "dataset",
                       [reference_entry("data", "s3://bucket/old", "0")],
                       created_at="2026-01-07T00:00:00.000000Z")
    return store, writer, project_id


def test_a_batch_of_versions_is_the_versions_one_by_one(tmp_path):
    one, one_writer, project_id = _prepared(tmp_path / "one.db")
    with one:
        singles = [one_writer.put_version(
            s.project_id, s.name, s.type, s.entries, created_at=s.created_at, run_id=s.run_id,
            tags=s.tags, aliases=s.aliases) for s in _specs(project_id)]
    bulk, bulk_writer, project_id = _prepared(tmp_path / "bulk.db")
    with bulk:
        batch = bulk_writer.put_versions(_specs(project_id))
    assert [created for _, created in batch] == [c for _, c in singles] \
        == [True, True, False, True, True, True]
    assert batch == singles
    assert snapshot(tmp_path / "bulk.db") == snapshot(tmp_path / "one.db")
    with sqlite3.connect(tmp_path / "bulk.db") as conn:
        outputs = sorted(conn.execute("SELECT run_id, version_id FROM outputs").fetchall())
    conn.close()
    assert outputs == [("r1", batch[0][0]), ("r2", batch[0][0])]


def test_a_batch_of_runs_completes_one_it_created(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        writer = LineageWriter(store)
        project_id = writer.project("acme", "shop")
        running = Run(id="r", project="shop", entity="acme", name="r", state="running",
                      started_at="2026-01-01T00:00:00.000000Z")
        done = Run(id="r", project="shop", entity="acme", name="r", state="finished",
                   started_at="2026-01-01T00:00:00.000000Z",
                   finished_at="2026-01-01T01:00:00.000000Z", exit_code=0, notes="ok")
        assert writer.put_runs([(project_id, running), (project_id, done),
                                (project_id, done)]) == ["created", "updated", "unchanged"]
        stored = store.run("r")
        assert (stored.state, stored.finished_at, stored.notes) == (
            "finished", "2026-01-01T01:00:00.000000Z", "ok")


def test_events_are_read_one_at_a_time(tmp_path):
    log = tmp_path / "e.ndjson"
    event = {"eventType": "START", "eventTime": "2026-01-01T00:00:00Z",
             "run": {"runId": "1"}, "job": {"namespace": "n", "name": "j"}}
    log.write_text("".join(json.dumps(event) + "\n" for _ in range(3)) + "not json\n")
    report = ImportReport()
    events = iter_events([log], report)
    first = next(events)
    assert (first.line, report.read) == (1, 1)  # nothing read beyond what was asked
    assert [e.line for e in events] == [2, 3]
    assert report.read == 4 and [s.line for s in report.skipped] == [4]


def test_demo_adds_to_an_existing_demo(tmp_path):
    path = write_demo(tmp_path / "demo.db", runs=120)
    write_demo(path, runs=120)  # the same seed: some content is there already
    with Store.open(path, readonly=True) as store:
        assert store.version_counts()["runs"] == 240
        models = store.artifact_versions("churn-model")
        assert [m.index for m in models] == list(range(len(models)))
        assert {"latest", "best", "production"} <= {a for m in models for a in m.aliases}
        # every version has the run that logged it, every run has ended
        assert all(m.run_id for m in models)
        assert {r.state for r in store.runs()} <= {"finished", "failed"}


@pytest.mark.sqlite_file("EXPLAIN QUERY PLAN is SQLite's")
def test_an_import_finds_versions_at_a_time_with_an_index_probe_per_key(tmp_path):
    """``latest_version_ids_at`` (an import's usages and first reads, a batch at a time)
    reads artifacts and versions by index only: its cost does not grow with the store."""
    with Store.open(tmp_path / "s.db") as store:
        plan = store.latest_at_plan()
        project_id = store.ensure_project("e", "p")
        writer = LineageWriter(store)
        with store.transaction():
            writer.put_versions(_specs(project_id))
        found = store.latest_version_ids_at([
            (project_id, "orders", "2025-12-31T00:00:00.000000Z"),
            (project_id, "orders", "2026-01-01T12:00:00.000000Z"),
            (project_id, "orders", "2026-01-02T00:00:00.000000Z"),
            (project_id, "nothing", "2026-01-02T00:00:00.000000Z")])
        at = {key[2][:10]: store.version_by_id(version_id).created_at[:10]
              for key, version_id in found.items()}
    assert not [step for step in plan if step.startswith("SCAN") and step not in
                ("SCAN k", "SCAN CONSTANT ROW")], plan
    assert any("versions_created" in step for step in plan), plan
    assert at == {"2026-01-01": "2026-01-01", "2026-01-02": "2026-01-02"}
