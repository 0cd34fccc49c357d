"""Edits of a logged artifact with ``artifact.save()`` (issue 13): W&B snippets with
only the import changed, on a real SQLite file; the history of every change and the
"as of" reads of it."""
from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.records import InvalidAlias, InvalidTag
from lineage_desktop.sdk.run import default_entity
from lineage_desktop.store import Store


def _log(store_path: Path, name: str = "model", content: str = "weights",
         **kwargs: object) -> ld.Artifact:
    with ld.init(project="p", entity="e", store=store_path) as run:
        run.log({"loss": 1.0})
        run.log({"loss": 0.5})
        artifact = ld.Artifact(name, "model", description="first", metadata={"lr": 0.1})
        with artifact.new_file("w.txt") as handle:
            handle.write(content)
        return run.log_artifact(artifact, **kwargs)  # type: ignore[arg-type]


def _rows(store_path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(store_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_edited_field_round_trips_after_reopen(store_path: Path) -> None:
    artifact = _log(store_path)
    artifact.description = "tuned"
    artifact.metadata["epochs"] = 3  # a mutated dict counts as an edit
    artifact.aliases.append("production")
    artifact.tags = ["tuned", "baseline"]
    artifact.ttl = timedelta(days=30)
    artifact.save()
    with ld.Api(store=store_path) as api:
        found = api.artifact("p/model:production")
        assert found.description == "tuned"
        assert found.metadata == {"lr": 0.1, "epochs": 3}
        assert sorted(found.aliases) == ["latest", "production"]
        assert sorted(found.tags) == ["baseline", "tuned"]
        assert found.ttl == timedelta(days=30)
        assert found.updated_at is not None and found.updated_at >= (found.created_at or "")


def test_aliases_remove_extend_and_assignment(store_path: Path) -> None:
    artifact = _log(store_path, aliases=["staging"])
    artifact.aliases.remove("staging")
    artifact.aliases.extend(["a", "b"])
    artifact.save()
    assert sorted(artifact.aliases) == ["a", "b", "latest"]
    artifact.aliases = ["latest", "c"]
    artifact.save()
    with ld.Api(store=store_path) as api:
        assert sorted(api.artifact("model:latest").aliases) == ["c", "latest"]
        with pytest.raises(LookupError):
            api.artifact("model:a")


def test_an_alias_of_another_version_moves_to_the_edited_one(store_path: Path) -> None:
    _log(store_path, content="one", aliases=["best"])
    second = _log(store_path, content="two")
    first = ld.Api(store=store_path).artifact("model:v0")
    assert "best" in first.aliases and second.version == "v1"
    second.aliases.append("best")
    second.save()
    with ld.Api(store=store_path) as api:
        assert api.artifact("model:best").version == "v1"
        assert "best" not in api.artifact("model:v0").aliases


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_every_change_is_recorded_with_time_and_author(store_path: Path) -> None:
    artifact = _log(store_path)
    created = artifact.created_at
    artifact.description = "tuned"
    artifact.aliases.append("production")
    artifact.save()
    edits = _rows(store_path, "SELECT field, value, changed_at, author FROM version_edits "
                              "ORDER BY id")
    # Before the first edit of a field, its value as logged, at the version's creation.
    assert edits[0] == ("description", '"first"', created, None)
    assert edits[1][:2] == ("description", '"tuned"')
    assert edits[1][2] == artifact.updated_at and edits[1][3] == default_entity()
    assert len(edits) == 2  # metadata, tags and ttl did not change: no rows
    moved = _rows(store_path, "SELECT alias, version_id, set_at, author FROM alias_history "
                              "WHERE alias = 'production'")
    assert moved == [("production", artifact.id, artifact.updated_at, default_entity())]


def test_as_of_reads_the_fields_as_they_were(store_path: Path) -> None:
    artifact = _log(store_path)
    created = artifact.created_at
    assert created is not None
    artifact.description = "tuned"
    artifact.metadata = {"lr": 0.2}
    artifact.tags = ["tuned"]
    artifact.ttl = timedelta(hours=1)
    artifact.aliases.append("production")
    artifact.save()
    edited = artifact.updated_at
    assert edited is not None
    artifact.description = "final"
    artifact.save()
    with ld.Api(store=store_path, as_of=created) as api:
        before = api.artifact("model:v0")
        assert (before.description, before.metadata, before.tags, before.ttl) == (
            "first", {"lr": 0.1}, [], None)
        assert before.aliases == ["latest"] and before.updated_at is None
    with ld.Api(store=store_path, as_of=edited) as api:
        between = api.artifact("model:production")
        assert (between.description, between.metadata, between.tags, between.ttl) == (
            "tuned", {"lr": 0.2}, ["tuned"], timedelta(hours=1))
        assert between.updated_at == edited
    with ld.Api(store=store_path) as api:
        assert api.artifact("model:v0").description == "final"


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_a_save_without_changes_writes_nothing(store_path: Path) -> None:
    artifact = _log(store_path)
    artifact.metadata = {"lr": 0.1}  # the same value
    artifact.aliases = ["latest"]
    artifact.save()
    assert _rows(store_path, "SELECT COUNT(*) FROM version_edits") == [(0,)]
    assert _rows(store_path, "SELECT updated_at FROM versions") == [(None,)]
    assert artifact.updated_at is None


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_bad_aliases_and_tags_are_refused_before_any_write(store_path: Path) -> None:
    artifact = _log(store_path)
    with pytest.raises(InvalidAlias):
        artifact.aliases = ["a/b"]
    artifact.aliases.append("x:y")  # a list append cannot check: save does
    artifact.description = "not written either"
    with pytest.raises(InvalidAlias):
        artifact.save()
    with pytest.raises(InvalidTag):
        artifact.tags = ["no/slash"]
    with pytest.raises(ld.InvalidTTL):
        artifact.ttl = timedelta(seconds=-1)
    with pytest.raises(ValueError):  # InvalidTTL is a ValueError, as W&B's
        artifact.ttl = 30  # type: ignore[assignment]
    assert _rows(store_path, "SELECT COUNT(*) FROM version_edits") == [(0,)]
    assert _rows(store_path, "SELECT description FROM versions") == [("first",)]


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_ttl_inherit_means_none_offline(store_path: Path) -> None:
    artifact = _log(store_path)
    artifact.ttl = timedelta(days=1)
    artifact.save()
    artifact.ttl = ld.ArtifactTTL.INHERIT
    artifact.save()
    assert artifact.ttl is None
    assert _rows(store_path, "SELECT ttl FROM versions") == [(None,)]


def test_a_draft_keeps_its_ttl_and_nested_metadata_edits_count(store_path: Path) -> None:
    with ld.init(project="p", store=store_path) as run:
        draft = ld.Artifact("data", "dataset", metadata={"split": {"train": 0.8}})
        draft.ttl = timedelta(days=7)  # W&B: a draft's TTL is logged with it
        with draft.new_file("d.txt") as handle:
            handle.write("rows")
        artifact = run.log_artifact(draft)
    assert artifact.ttl == timedelta(days=7)
    artifact.metadata["split"]["train"] = 0.9
    artifact.save()
    with ld.Api(store=store_path) as api:
        found = api.artifact("data:v0")
        assert found.ttl == timedelta(days=7)
        assert found.metadata == {"split": {"train": 0.9}}


def test_api_artifact_save_writes_through_a_writer(store_path: Path) -> None:
    _log(store_path)
    # W&B's doc snippet: edit what the public API returns, then save.
    api = ld.Api(store=store_path)
    artifact = api.artifact("p/model:latest")
    artifact.description = "from the api"
    artifact.aliases.append("reviewed")
    artifact.save()
    api.close()
    with ld.Api(store=store_path) as fresh:
        found = fresh.artifact("model:reviewed")
        assert found.description == "from the api"


def test_used_artifacts_are_editable(store_path: Path) -> None:
    _log(store_path)
    with ld.init(project="p", entity="e", store=store_path) as run:
        artifact = run.use_artifact("model:latest")
        artifact.tags.append("used")
        artifact.save()
    with ld.Api(store=store_path) as api:
        assert api.artifact("model:latest").tags == ["used"]


def test_save_of_a_draft_outside_a_run_logs_it_with_an_auto_run(
        store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINEAGE_DESKTOP_STORE", str(store_path))
    artifact = ld.Artifact("dataset", "dataset")
    with artifact.new_file("d.txt") as handle:
        handle.write("rows")
    artifact.save(project="p")
    assert artifact.state == "COMMITTED" and artifact.version == "v0"
    producer = artifact.logged_by()
    assert producer is not None and producer.job_type == "auto"
    assert producer.state == "finished"
    assert ld.run is None


def test_save_of_a_draft_in_a_run_is_logged_by_that_run(store_path: Path) -> None:
    with ld.init(project="p", store=store_path) as run:
        artifact = ld.Artifact("dataset", "dataset")
        with artifact.new_file("d.txt") as handle:
            handle.write("rows")
        artifact.save()
        assert [a.name for a in run.logged_artifacts()] == ["dataset:v0"]


def test_properties_of_a_logged_artifact(store_path: Path) -> None:
    artifact = _log(store_path)
    assert (artifact.entity, artifact.project) == ("e", "p")
    assert artifact.source_name == "model:v0" and artifact.source_version == "v0"
    assert artifact.collection.name == "model" and artifact.collection.type == "model"
    assert artifact.state == "COMMITTED" and artifact.created_at is not None
    assert artifact.updated_at is None
    assert artifact.history_step == 1  # W&B's: the last step logged before it (two logs)
    with ld.Api(store=store_path) as api:
        assert api.artifact("model:v0").history_step == 1
    draft = ld.Artifact("x", "dataset")
    assert draft.source_name == "x" and draft.state == "PENDING"


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_as_of_lookups_use_one_index_step_per_field(store_path: Path) -> None:
    # As tests/store/test_query_plans.py: the SQL as run, explained. However many edits
    # a field has, its value as of a moment is one step back along version_edits_lookup.
    artifact = _log(store_path)
    for round_ in range(5):
        artifact.description = f"edit {round_}"
        artifact.tags = [f"t{round_}"]
        artifact.save()
    with Store.open(store_path, readonly=True) as reader:
        statements: list[str] = []
        reader._conn.set_trace_callback(statements.append)
        found = reader.resolve_version("model", "latest", None, artifact.updated_at)
        reader._conn.set_trace_callback(None)
        assert found.description == "edit 4" and found.tags == ("t4",)
        edits = [sql for sql in statements if "version_edits" in sql]
        assert len(edits) == 1, statements
        plan = [row[-1] for row in reader._conn.execute("EXPLAIN QUERY PLAN " + edits[0])]
    assert any(d.startswith("SEARCH e USING") and "INDEX version_edits_lookup (version_id=? "
               "AND field=? AND changed_at<?)" in d for d in plan), plan
    assert any(d.startswith("SEARCH x USING INTEGER PRIMARY KEY") for d in plan), plan
    assert not any(d.startswith("SCAN e") or "TEMP B-TREE" in d for d in plan), plan
