"""Api.lineage on a hand-built lineage with known answers, its query plan, and bad data."""
from __future__ import annotations

import sqlite3

import pytest

import lineage_desktop as ld
from lineage_desktop.store import RunOrder, Store, schema


def build(store_path):
    """raw:v0 -> prep -> clean:v0 -> train -> model:v0 -> eval -> report:v0
    labels:v0 ------------------------^ (train has two inputs)
    clean:v0 -> other (sibling consumer) -> side:v0"""
    runs = {}

    def step(name, inputs, outputs, job_type="job"):
        with ld.init(project="p", entity="e", name=name, job_type=job_type,
                     store=store_path) as run:
            for ref in inputs:
                run.use_artifact(ref)
            for art_name, art_type in outputs:
                artifact = ld.Artifact(art_name, art_type)
                with artifact.new_file("f.txt") as handle:
                    handle.write(f"{art_name} by {name}")
                run.log_artifact(artifact)
        runs[name] = f"run:{run.id}"

    step("ingest", [], [("raw", "raw_data"), ("labels", "raw_data")])
    step("prep", ["raw:latest"], [("clean", "dataset")])
    step("train", ["clean:latest", "labels:latest"], [("model", "model")])
    step("eval", ["model:latest"], [("report", "report")])
    step("other", ["clean:latest"], [("side", "dataset")])
    return runs


def test_full_lineage_has_ancestors_and_descendants_not_siblings(tmp_path):
    runs = build(tmp_path / "l.db")
    graph = ld.Api(store=tmp_path / "l.db").lineage("model:latest")
    assert graph.graph["focus"] == "artifact:model:v0"
    assert set(graph.nodes) == {
        "artifact:raw:v0", "artifact:labels:v0", runs["ingest"], runs["prep"],
        "artifact:clean:v0", runs["train"], "artifact:model:v0", runs["eval"],
        "artifact:report:v0"}
    assert (runs["train"], "artifact:model:v0") in graph.edges
    assert ("artifact:clean:v0", runs["train"]) in graph.edges
    assert graph.nodes["artifact:model:v0"]["type"] == "model"
    assert graph.nodes[runs["train"]]["kind"] == "run"
    assert graph.nodes[runs["train"]]["label"] == "train"
    assert graph.nodes["artifact:model:v0"]["logged_by"] == runs["train"][4:]


@pytest.mark.parametrize("upstream,expected", [
    (0, set()),
    (1, {"train"}),
    (2, {"train", "artifact:clean:v0", "artifact:labels:v0"}),
    (3, {"train", "artifact:clean:v0", "artifact:labels:v0", "prep", "ingest"}),
])
def test_upstream_depth_counts_edges(tmp_path, upstream, expected):
    runs = build(tmp_path / "l.db")
    graph = ld.Api(store=tmp_path / "l.db").lineage("model:v0", upstream=upstream, downstream=0)
    names = {runs.get(k, k) for k in expected}
    assert set(graph.nodes) == names | {"artifact:model:v0"}


def test_downstream_depth_and_run_focus(tmp_path):
    runs = build(tmp_path / "l.db")
    api = ld.Api(store=tmp_path / "l.db")
    graph = api.lineage("clean", upstream=0, downstream=2)
    assert set(graph.nodes) == {"artifact:clean:v0", runs["train"], runs["other"],
                                "artifact:model:v0", "artifact:side:v0"}
    by_run = api.lineage(runs["train"], upstream=1, downstream=1)
    assert set(by_run.nodes) == {runs["train"], "artifact:clean:v0", "artifact:labels:v0",
                                 "artifact:model:v0"}
    assert by_run.graph["focus"] == runs["train"]


@pytest.mark.sqlite_file("asserts SQLite's query plans and statement trace")
def test_traversal_uses_indexes(tmp_path):
    build(tmp_path / "l.db")
    store = Store.open(tmp_path / "l.db", readonly=True)
    for direction in ("up", "down"):
        plan = " | ".join(store.explain_lineage_plan(1, direction))
        assert "SCAN v " not in plan + " " and "SCAN u " not in plan + " ", plan
        assert "SEARCH" in plan, plan


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_bad_data_is_drawn_not_fatal(tmp_path):
    path = tmp_path / "l.db"
    runs = build(path)
    from lineage_desktop.sdk import stores

    stores._close_all()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    # the producer of clean is deleted; train uses a version that does not exist;
    # and report is fed back into prep (a cycle)
    conn.execute("DELETE FROM runs WHERE id = ?", (runs["prep"][4:],))
    conn.execute("INSERT INTO usages VALUES (?, 999, '2026-01-01T00:00:00.000000Z')",
                 (runs["train"][4:],))
    report_id = conn.execute("SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id"
                             " WHERE a.name = 'report'").fetchone()[0]
    conn.execute("INSERT INTO usages VALUES (?, ?, '2026-01-01T00:00:00.000000Z')",
                 (runs["ingest"][4:], report_id))
    conn.commit()
    conn.close()
    graph = ld.Api(store=path).lineage("model")
    assert graph.nodes[runs["prep"]]["missing"] is True
    assert graph.nodes["artifact:missing-version-999:v0"]["missing"] is True
    assert ("artifact:report:v0", runs["ingest"]) in graph.edges


def test_rolled_back_transaction_forgets_cached_ids(tmp_path):
    store = Store.open(tmp_path / "r.db")
    try:
        with store.transaction():
            store.ensure_project("e", "fresh")
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    project_id = store.ensure_project("e", "fresh")
    assert [p.id for p in store.projects()] == [project_id]
    store.close()


def test_runs_page_without_reading_the_pages_before(tmp_path):
    path = tmp_path / "runs.db"
    ids = []
    for i in range(7):
        with ld.init(project="p", entity="e", name=f"run-{i}", store=path) as run:
            ids.append(run.id)
    store = Store.open(path, readonly=True)
    order = RunOrder.NAME_ASC
    pages = [store.runs(order=order, limit=3, offset=o) for o in (0, 3, 6)]
    assert [[r.name for r in page] for page in pages] == [
        ["run-0", "run-1", "run-2"], ["run-3", "run-4", "run-5"], ["run-6"]]
    assert store.run_count() == 7
    assert store.run_count(as_of="2000-01-01T00:00:00.000000Z") == 0
    store.close()


@pytest.mark.sqlite_file("crafts an older-schema SQLite file with sqlite3")
def test_older_schema_is_read_as_is_and_upgraded_by_a_writer(tmp_path):
    path = tmp_path / "old.db"
    with ld.init(project="p", entity="e", name="old", store=path) as run:
        pass
    from lineage_desktop.sdk import stores

    stores._close_all()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE run_processes")
    conn.execute("DROP TABLE outputs")
    conn.execute("DROP TABLE run_history")
    conn.execute("DROP TABLE run_files")
    conn.execute("ALTER TABLE runs DROP COLUMN summary")
    conn.execute("PRAGMA user_version=2")  # as written before migrations 3 and 4 existed
    conn.close()
    assert ld.Api(store=path).run(run.id).state == "finished"
    store = Store.open(path)
    assert store.schema_version == schema.LATEST
    store.close()
