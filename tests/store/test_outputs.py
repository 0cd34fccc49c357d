"""Outputs as their own relation: every run that logged a version's content has its edge.

Two runs that log identical content share one version; both are its producers, the first
one stays ``logged_by``. Older (schema 3) stores are migrated by a writer and read as they
are by a reader.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import warnings

import pytest

import lineage_desktop as ld
from lineage_desktop.audit import impact_rows
from lineage_desktop.cli.main import main
from lineage_desktop.records import Run
from lineage_desktop.sdk import stores
from lineage_desktop.store import Store, schema, utc_now


def _log(run, name: str, type_: str, text: str, aliases=None):
    artifact = ld.Artifact(name, type_)
    with artifact.new_file("data.txt") as handle:
        handle.write(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ld.DuplicateContentWarning)
        return run.log_artifact(artifact, aliases=aliases)


def build(path):
    """ingest-a -> raw-a -> prep-a -> clean:v0 <- prep-b <- raw-b <- ingest-b
    (prep-b writes the same content as prep-a, after it), clean:v0 -> train -> model:v0.
    Both prep runs start before either logs. Returns run ids and the moment between the
    two logs of clean."""
    common = {"project": "p", "entity": "e", "store": path}
    ids = {}
    for side in ("a", "b"):
        with ld.init(name=f"ingest-{side}", job_type="ingest", **common) as run:
            _log(run, f"raw-{side}", "raw_data", f"raw {side}")
        ids[f"ingest-{side}"] = run.id
    prep_a = ld.init(name="prep-a", job_type="prep", **common)
    prep_b = ld.init(name="prep-b", job_type="prep", reinit="create_new", **common)
    prep_a.use_artifact("raw-a:latest")
    prep_b.use_artifact("raw-b:latest")
    _log(prep_a, "clean", "dataset", "the same rows")
    between = utc_now()
    with pytest.warns(ld.DuplicateContentWarning):
        artifact = ld.Artifact("clean", "dataset")
        with artifact.new_file("data.txt") as handle:
            handle.write("the same rows")
        prep_b.log_artifact(artifact, aliases=["from-b"])
    prep_a.finish()
    prep_b.finish()
    with ld.init(name="train", job_type="train", **common) as run:
        run.use_artifact("clean:latest")
        _log(run, "model", "model", "weights")
    ids.update({"prep-a": prep_a.id, "prep-b": prep_b.id, "train": run.id})
    return ids, between


def test_both_runs_are_producers_and_the_first_is_logged_by(tmp_path):
    path = tmp_path / "o.db"
    ids, _ = build(path)
    with ld.Api(store=path) as api:
        clean = api.artifact("clean:latest")
        assert clean.version == "v0" and len(api.artifact_versions("clean")) == 1
        assert "from-b" in clean.aliases
        for run in ("prep-a", "prep-b"):
            logged = api.run(ids[run]).logged_artifacts()
            assert [a.name for a in logged] == ["clean:v0"], run
        assert clean.logged_by().id == ids["prep-a"]
        producers = api.store.runs_logging(clean.record.id)
        assert [r.id for r in producers] == [ids["prep-a"], ids["prep-b"]]
        graph = api.lineage("clean:v0")
        assert (f"run:{ids['prep-a']}", "artifact:clean:v0") in graph.edges
        assert (f"run:{ids['prep-b']}", "artifact:clean:v0") in graph.edges
        # both producers' inputs are ancestors of the version
        assert {"artifact:raw-a:v0", "artifact:raw-b:v0"} <= set(graph.nodes)
        attrs = graph.nodes["artifact:clean:v0"]
        assert attrs["logged_by"] == ids["prep-a"]
        assert attrs["producers"] == [ids["prep-a"], ids["prep-b"]]
    # the writing side (the store the SDK logs into) sees the same outputs
    assert [v.name for v in stores.writer(path).versions_logged_by(ids["prep-b"])] == ["clean"]


def test_downstream_and_impact_of_the_second_producers_input_reach_the_version(
        tmp_path, capsys):
    path = tmp_path / "o.db"
    ids, _ = build(path)
    with ld.Api(store=path) as api:
        down = api.lineage("raw-b:v0", upstream=0)
        assert {f"run:{ids['prep-b']}", "artifact:clean:v0", f"run:{ids['train']}",
                "artifact:model:v0"} <= set(down.nodes)
        assert f"run:{ids['prep-a']}" not in down.nodes  # a sibling producer, not downstream
        rows = {row.key: row.level for row in impact_rows(api, "raw-b:v0")}
        assert rows["artifact:clean:v0"] == 2 and rows["artifact:model:v0"] == 4
        from_run = api.lineage(f"run:{ids['prep-b']}", upstream=0, downstream=1)
        assert set(from_run.nodes) == {f"run:{ids['prep-b']}", "artifact:clean:v0"}
    stores._close_all()
    assert main(["impact", str(path), "raw-b:v0", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    keys = {row["key"] for row in listed["rows"]}
    assert {"artifact:clean:v0", f"run:{ids['train']}", "artifact:model:v0"} <= keys


def test_as_of_before_the_second_log_shows_only_the_first_producer(tmp_path):
    path = tmp_path / "o.db"
    ids, between = build(path)
    with ld.Api(store=path, as_of=between) as api:
        assert [a.name for a in api.run(ids["prep-a"]).logged_artifacts()] == ["clean:v0"]
        assert api.run(ids["prep-b"]).logged_artifacts() == []  # started, not logged yet
        graph = api.lineage("clean:v0")
        assert (f"run:{ids['prep-a']}", "artifact:clean:v0") in graph.edges
        assert f"run:{ids['prep-b']}" not in graph.nodes
        assert graph.nodes["artifact:clean:v0"]["producers"] == [ids["prep-a"]]
        version_id = graph.nodes["artifact:clean:v0"]["id_in_store"]
        assert [r.id for r in api.store.runs_logging(version_id, api.as_of)] == [ids["prep-a"]]
        assert "artifact:clean:v0" not in api.lineage("raw-b:v0", upstream=0).nodes


def test_a_version_logged_outside_a_run_gets_its_first_producer_when_a_run_logs_it(tmp_path):
    store = Store.open(tmp_path / "o.db")
    project = store.ensure_project("e", "p")
    digest = "ab" * 32
    outside = store.log_version(project, "data", "dataset", digest, [], aliases=["latest"])
    assert store.version_by_id(outside.version_id).run_id is None
    run = ld.init(project="p", entity="e", store=store)
    again = store.log_version(project, "data", "dataset", digest, [], aliases=["latest"],
                              run_id=run.id)
    assert (again.version_id, again.created) == (outside.version_id, False)
    assert store.version_by_id(outside.version_id).run_id == run.id
    assert store.add_output(run.id, outside.version_id) is False  # already recorded
    run.finish()
    store.close()


@pytest.mark.sqlite_file("asserts SQLite's query plans and statement trace")
def test_traversal_uses_the_outputs_indexes(tmp_path):
    path = tmp_path / "o.db"
    build(path)
    stores._close_all()
    with Store.open(path, readonly=True) as store:
        up = " | ".join(store.explain_lineage_plan(1, "up"))
        down = " | ".join(store.explain_lineage_plan(1, "down"))
    assert "SEARCH o USING INDEX outputs_version (version_id=?)" in up, up
    assert "SEARCH o USING PRIMARY KEY (run_id=?)" in down, down
    for plan in (up, down):
        assert "SCAN o " not in plan + " " and "SCAN outputs" not in plan, plan


# ---------------------------------------------------------------------- schema 3 stores
T0, T1, T2 = (f"2026-01-0{day}T10:00:00.000000Z" for day in (1, 2, 3))


def schema3_store(path):
    """A store as lineage_desktop wrote it before outputs existed: only migrations 1-3
    applied, rows written by hand. ingest -> raw:v0 -> prep -> clean:v0; raw:v1 logged
    outside any run."""
    conn = sqlite3.connect(path, isolation_level=None)
    for script in schema.MIGRATIONS[:3]:
        for statement in schema._split(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id={schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version=3")
    conn.execute("INSERT INTO projects VALUES (1, 'e', 'p', ?)", (T0,))
    for run_id, name, started in (("ingest01", "ingest", T0), ("prep0001", "prep", T1)):
        conn.execute("INSERT INTO runs (id, project_id, name, job_type, state, started_at, "
                     "finished_at) VALUES (?, 1, ?, ?, 'finished', ?, ?)",
                     (run_id, name, name, started, started))
    conn.execute("INSERT INTO artifact_types VALUES (1, 1, 'dataset')")
    conn.execute("INSERT INTO artifacts VALUES (1, 1, 1, 'raw', NULL, ?)", (T0,))
    conn.execute("INSERT INTO artifacts VALUES (2, 1, 1, 'clean', NULL, ?)", (T1,))
    for vid, artifact, idx, created, run_id in ((1, 1, 0, T0, "ingest01"),
                                                (2, 2, 0, T1, "prep0001"),
                                                (3, 1, 1, T2, None)):
        digest = hashlib.sha256(str(vid).encode()).hexdigest()
        conn.execute("INSERT INTO versions (id, artifact_id, idx, digest, created_at, run_id) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (vid, artifact, idx, digest, created, run_id))
    conn.execute("INSERT INTO aliases VALUES (1, 'latest', 3)")
    conn.execute("INSERT INTO aliases VALUES (2, 'latest', 2)")
    conn.execute("INSERT INTO usages VALUES ('prep0001', 1, ?)", (T1,))
    conn.close()
    return path


def fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def test_schema3_store_opened_read_only_still_reads(tmp_path):
    path = schema3_store(tmp_path / "old.db")
    before = fingerprint(path)
    with ld.Api(store=path) as api:
        assert api.store.schema_version == 3
        assert [a.name for a in api.run("prep0001").logged_artifacts()] == ["clean:v0"]
        assert api.artifact("clean").logged_by().id == "prep0001"
        assert [r.id for r in api.store.runs_logging(2)] == ["prep0001"]
        graph = api.lineage("clean:v0")
        assert set(graph.edges) == {("run:ingest01", "artifact:raw:v0"),
                                    ("artifact:raw:v0", "run:prep0001"),
                                    ("run:prep0001", "artifact:clean:v0")}
        assert graph.nodes["artifact:clean:v0"]["producers"] == ["prep0001"]
        assert set(api.lineage("raw:v0", upstream=0).nodes) == {
            "artifact:raw:v0", "run:prep0001", "artifact:clean:v0"}
        assert api.run("ingest01").logged_artifacts()[0].name == "raw:v0"
        with ld.Api(store=api.store, as_of=T0) as then:
            assert then.run("ingest01").logged_artifacts()[0].name == "raw:v0"
    assert fingerprint(path) == before


def test_schema3_store_is_migrated_and_outputs_back_filled(tmp_path):
    path = schema3_store(tmp_path / "old.db")
    with Store.open(path) as store:
        assert store.schema_version == schema.LATEST >= 5
        rows = store._conn.execute(
            "SELECT run_id, version_id, logged_at FROM outputs ORDER BY version_id").fetchall()
        assert rows == [("ingest01", 1, T0), ("prep0001", 2, T1)]
        indexes = {row[1] for row in store._conn.execute("PRAGMA index_list(outputs)")}
        assert "outputs_version" in indexes
        assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        # the migrated store takes new output edges of reused versions
        run_id = "prep0002"
        store.insert_run(1, Run(id=run_id, project="p", entity="e", name="again",
                                state="finished", started_at=T2), record_process=False)
        digest = store.version_by_id(2).digest
        again = store.log_version(1, "clean", "dataset", digest, [], run_id=run_id,
                                  created_at=T2)
        assert again.version_id == 2 and not again.created
        assert [r.id for r in store.runs_logging(2)] == ["prep0001", "prep0002"]
        assert store.version_by_id(2).run_id == "prep0001"
    with ld.Api(store=path) as api:
        assert api.artifact("clean:v0").logged_by().id == "prep0001"
        assert [a.name for a in api.run("prep0002").logged_artifacts()] == ["clean:v0"]


def test_migration_keeps_a_producer_that_was_deleted(tmp_path):
    """Damaged data: the run that logged clean:v0 is gone. The back-fill copies the
    reference as it is, so that the viewer still draws the missing producer."""
    path = schema3_store(tmp_path / "old.db")
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM usages WHERE run_id = 'prep0001'")
    conn.execute("DELETE FROM runs WHERE id = 'prep0001'")
    conn.commit()
    conn.close()
    Store.open(path).close()
    with ld.Api(store=path) as api:
        assert api.store.schema_version == schema.LATEST
        graph = api.lineage("clean:v0")
        assert graph.nodes["run:prep0001"]["missing"] is True
        assert ("run:prep0001", "artifact:clean:v0") in graph.edges


@pytest.mark.sqlite_file("crafts an older-schema SQLite file with sqlite3")
def test_a_schema4_store_without_outputs_is_refused_as_damaged(tmp_path):
    path = tmp_path / "o.db"
    build(path)
    stores._close_all()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE outputs")
    conn.commit()
    conn.close()
    with pytest.raises(ld.NotALineageStore, match="outputs"):
        Store.open(path, readonly=True)


def test_logging_a_committed_artifact_again_records_the_output(tmp_path):
    store = tmp_path / "relog.db"
    with ld.init(project="p", store=store, name="first") as first:
        artifact = ld.Artifact("data", "dataset")
        with artifact.new_file("a.txt") as handle:
            handle.write("a")
        first.log_artifact(artifact)
    with ld.init(project="p", store=store, name="again") as again:
        again.log_artifact(artifact, aliases=["best"])
    with ld.Api(store=store) as api:
        assert [v.version for v in api.run(again.id).logged_artifacts()] == ["v0"]
        assert api.artifact("data:best").logged_by().id == first.id
        graph = api.lineage("data:v0")
        assert graph.has_edge(f"run:{again.id}", "artifact:data:v0")


def test_an_artifact_of_another_store_is_not_logged_by_its_row_id(tmp_path):
    with ld.init(project="p", store=tmp_path / "a.db") as run:
        artifact = ld.Artifact("data", "dataset")
        with artifact.new_file("a.txt") as handle:
            handle.write("a")
        run.log_artifact(artifact)
    with ld.init(project="p", store=tmp_path / "b.db") as other:
        with pytest.raises(ValueError, match="another store"):
            other.log_artifact(artifact)


def test_show_lists_every_producer(tmp_path, capsys):
    store = tmp_path / "show.db"
    runs = []
    for name in ("first", "second"):
        with ld.init(project="p", store=store, name=name) as run:
            artifact = ld.Artifact("data", "dataset")
            with artifact.new_file("a.txt") as handle:
                handle.write("same")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run.log_artifact(artifact)
            runs.append(run.id)
    assert main(["show", str(store), "data:v0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["logged_by"]["id"] == runs[0]
    assert [p["id"] for p in data["producers"]] == runs
    assert main(["show", str(store), "data:v0"]) == 0
    out = capsys.readouterr().out
    assert "re-logged by" in out and "second" in out
