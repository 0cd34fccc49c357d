"""merge: stores from several machines with overlapping runs, twice, identical results."""
from __future__ import annotations

import json
import sqlite3

import pytest
from interop_helpers import edges, snapshot
from interop_store import copy_store, write_store

import lineage_desktop as ld
from lineage_desktop.interop import export_events, import_openlineage, merge_stores
from lineage_desktop.store import Store


def _two_machines(tmp_path):
    """Machine A ran the pipeline; machine B started from a copy of A's store and went on
    (so they share runs and versions) and also trained on its own."""
    a = write_store(tmp_path / "a.db")
    b = copy_store(a, tmp_path / "b.db")
    with Store.open(b) as store:
        with ld.init(project="churn", entity="acme", job_type="train", store=store) as run:
            run.use_artifact("train-data")
            model = ld.Artifact("churn-model", "model")
            with model.new_file("m.bin") as handle:
                handle.write("trained on machine b")
            run.log_artifact(model, aliases=["candidate"])
    with Store.open(a) as store:  # machine A goes on too: its own v2 of churn-model
        with ld.init(project="churn", entity="acme", job_type="train", store=store) as run:
            run.use_artifact("train-data")
            model = ld.Artifact("churn-model", "model")
            with model.new_file("m.bin") as handle:
                handle.write("trained on machine a")
            run.log_artifact(model)
    return a, b


def test_merge_twice_gives_identical_results(tmp_path, cli):
    a, b = _two_machines(tmp_path)
    target = tmp_path / "all.db"
    status, _, err = cli("merge", target, a, b)
    assert status == 0, err
    first = snapshot(target)
    with Store.open(target, readonly=True) as store:
        runs_a = Store.open(a, readonly=True)
        runs_b = Store.open(b, readonly=True)
        ids = {r.id for r in runs_a.runs()} | {r.id for r in runs_b.runs()}
        assert {r.id for r in store.runs()} == ids
        assert len(ids) == 8  # 6 shared, one more on each machine
        models = store.artifact_versions("churn-model")
        # v0, v1 shared; B trained before A, so B's v2 stays v2 and A's v2 becomes v3.
        assert len(models) == 4
        assert [m.created_at for m in models] == sorted(m.created_at for m in models)
        assert models[2].aliases == ("candidate",) and models[3].aliases == ("latest",)
        assert "best" in models[1].aliases
        runs_a.close()
        runs_b.close()
    assert f"churn-model:v2 of {a} is churn-model:v3 in the target" in err
    status, _, err = cli("merge", target, a, b)
    assert status == 0
    assert snapshot(target) == first
    assert "added" not in err.splitlines()[-1]
    again = tmp_path / "again.db"
    assert cli("merge", again, a, b)[0] == 0
    assert snapshot(again) == first
    assert edges(again, digests=True) == edges(a, digests=True) | edges(b, digests=True)


def test_merge_keeps_files_and_lineage(tmp_path, cli):
    a, b = _two_machines(tmp_path)
    target = tmp_path / "all.db"
    cli("merge", target, b, a)
    with ld.Api(store=str(target)) as api:
        model = api.artifact("churn-model:candidate")
        folder = model.download(root=tmp_path / "dl")
        assert (tmp_path / "dl" / "m.bin").read_text() == "trained on machine b"
        assert folder == str(tmp_path / "dl")
        model.verify()
        graph = api.lineage("churn-model:candidate")
        assert {d["label"] for _, d in graph.nodes(data=True) if d["kind"] == "artifact"} >= {
            "raw-data:v0", "train-data:v0", "churn-model:v2"}


def test_conflicts_are_reported_and_the_target_kept(tmp_path, cli):
    a, b = _two_machines(tmp_path)
    with sqlite3.connect(b) as conn:  # machine B's record of a shared run differs
        run_id = conn.execute("SELECT id FROM runs WHERE job_type = 'ingest'").fetchone()[0]
        conn.execute("UPDATE runs SET notes = 'edited on b' WHERE id = ?", (run_id,))
    conn.close()
    target = copy_store(a, tmp_path / "all.db")
    status, _, err = cli("merge", target, b)
    assert status == 0
    assert f"conflict: run {run_id} differs in notes" in err
    with Store.open(target, readonly=True) as store:
        assert store.run(run_id).notes is None


def test_running_run_is_completed_by_a_later_copy(tmp_path, cli):
    a = write_store(tmp_path / "a.db")
    b = copy_store(a, tmp_path / "b.db")
    with Store.open(b) as store:
        running = [r for r in store.runs() if r.state == "running"][0]
        store.update_run(running.id, state="finished", exit_code=0,
                         finished_at="2099-01-01T00:00:00.000000Z")
    assert cli("merge", a, b)[0] == 0
    with Store.open(a, readonly=True) as store:
        assert store.run(running.id).state == "finished"


def test_merge_of_an_imported_store_finds_the_same_records(tmp_path, cli):
    """A store rebuilt from OpenLineage events merges into the original as a no-op."""
    a = write_store(tmp_path / "a.db")
    with Store.open(a, readonly=True) as store:
        events = export_events(store)
    log = tmp_path / "e.ndjson"
    log.write_text("".join(__import__("json").dumps(e) + "\n" for e in events))
    copy = tmp_path / "copy.db"
    with Store.open(copy) as store:
        import_openlineage(store, [log])
    before = snapshot(a)
    assert cli("merge", a, copy)[0] == 0
    assert snapshot(a) == before


def test_missing_or_foreign_source_is_an_error(tmp_path, cli):
    target = tmp_path / "all.db"
    status, _, err = cli("merge", target, tmp_path / "missing.db")
    assert status == 2 and "no lineage store" in err
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    status, _, err = cli("merge", target, foreign)
    assert status == 2 and "not a lineage store" in err
    assert not target.exists()
    a = write_store(tmp_path / "a.db")
    status, _, err = cli("merge", a, a)
    assert status == 2 and "target store itself" in err


def test_merge_carries_registry_links_and_tombstones(tmp_path):
    """A link arrives pointing at its merged source (its files are the source's), and a
    version deleted in a source is a tombstone in the target."""
    source = tmp_path / "a.db"
    with ld.init(project="p", entity="e", store=source) as run:
        model = ld.Artifact("m", "model")
        with model.new_file("w.bin") as handle:
            handle.write("weights")
        run.link_artifact(model, "wandb-registry-model/m", aliases=["champion"])
        old = ld.Artifact("old", "dataset")
        with old.new_file("o.txt") as handle:
            handle.write("old")
        run.log_artifact(old)
    with ld.Api(store=source) as api:
        api.artifact("old:v0").delete(delete_aliases=True)
    target = tmp_path / "b.db"
    with Store.open(target) as store:
        merge_stores(store, [source])
    with ld.Api(store=target) as api:
        linked = api.artifact("wandb-registry-model/m:champion")
        assert linked.is_link and linked.source_artifact.name == "m:v0"
        assert [e.path for e in linked.files()] == ["w.bin"]
        with pytest.raises(ld.ArtifactDeleted):
            api.artifact("e/p/old:v0")


def _history(path):
    with sqlite3.connect(path) as conn:
        moves = conn.execute(
            "SELECT a.name, v.idx, h.alias, h.set_at, h.author FROM alias_history h "
            "JOIN versions v ON v.id = h.version_id JOIN artifacts a ON a.id = v.artifact_id "
            "ORDER BY h.set_at, a.name, h.alias").fetchall()
        edits = conn.execute(
            "SELECT a.name, v.idx, e.field, e.value, e.changed_at, e.author "
            "FROM version_edits e JOIN versions v ON v.id = e.version_id "
            "JOIN artifacts a ON a.id = v.artifact_id ORDER BY e.changed_at, e.field").fetchall()
    return moves, edits


def test_merge_carries_edits_and_alias_history_so_as_of_reads_agree(tmp_path):
    source = tmp_path / "a.db"
    with ld.init(project="p", entity="e", store=source) as run:
        model = ld.Artifact("m", "model", description="first", metadata={"auc": 0.8})
        with model.new_file("w.bin") as handle:
            handle.write("weights")
        run.log_artifact(model)
    with ld.Api(store=source) as api:
        logged = api.artifact("e/p/m:v0").created_at
        edited = api.artifact("e/p/m:v0")
        edited.description = "second"
        edited.metadata["auc"] = 0.9
        edited.aliases.append("production")
        edited.save()
    with ld.Api(store=source) as api:
        saved = api.artifact("e/p/m:v0").updated_at
    with ld.init(project="p", entity="e", store=source) as run:
        model = ld.Artifact("m", "model")
        with model.new_file("w.bin") as handle:
            handle.write("weights 2")
        run.log_artifact(model, aliases=["production"])
    target = tmp_path / "b.db"
    for _ in range(2):  # twice: the histories are not doubled
        with Store.open(target) as store:
            merge_stores(store, [source])
    assert _history(target) == _history(source)
    for moment, description, auc, holder in ((logged, "first", 0.8, None),
                                             (saved, "second", 0.9, "v0")):
        for path in (source, target):
            with ld.Api(store=path, as_of=moment) as api:
                v0 = api.artifact("e/p/m:v0")
                assert (v0.description, v0.metadata["auc"]) == (description, auc), path
                aliases = {v.version: v.aliases for v in api.artifact_versions("model", "m")}
                assert (holder is None) == all("production" not in a for a in aliases.values())
    with ld.Api(store=target) as api:
        assert "production" in api.artifact("e/p/m:v1").aliases


def _model(store, content="weights", aliases=None):
    with ld.init(project="p", entity="e", store=store) as run:
        model = ld.Artifact("m", "model", description="first")
        with model.new_file("w.bin") as handle:
            handle.write(content)
        run.log_artifact(model, aliases=aliases)


def test_merge_keeps_the_authors_of_current_aliases_and_alias_removals(tmp_path):
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    _model(source, aliases=["staging"])
    with ld.Api(store=source) as api:
        edited = api.artifact("e/p/m:v0")
        edited.aliases.append("production")
        edited.aliases.remove("staging")
        edited.save()
        removed_at = api.artifact("e/p/m:v0").updated_at
    for _ in range(2):
        with Store.open(target) as store:
            merge_stores(store, [source])
    assert _history(target) == _history(source)
    with sqlite3.connect(target) as conn:
        authors = dict(conn.execute("SELECT alias || ':' || coalesce(version_id, 'removed'), "
                                    "author FROM alias_history WHERE author IS NOT NULL"))
    assert set(authors) == {"production:1", "staging:removed"}
    for path in (source, target):
        with ld.Api(store=path, as_of=removed_at) as api:
            assert api.artifact("e/p/m:v0").aliases == ["latest", "production"], path


def test_an_edit_made_after_an_earlier_merge_reaches_the_target(tmp_path):
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    _model(source)
    with Store.open(target) as store:
        merge_stores(store, [source])
    with ld.Api(store=source) as api:
        edited = api.artifact("e/p/m:v0")
        edited.description = "edited on a"
        edited.metadata = {"auc": 0.9}
        edited.tags = ["reviewed"]
        edited.save()
    with Store.open(target) as store:
        report = merge_stores(store, [source])
    # description and metadata; the tags were merged already (a union of both stores')
    assert report.counts["fields taken from a newer edit"] == 2
    assert _history(target) == _history(source)
    with ld.Api(store=target) as api:
        merged = api.artifact("e/p/m:v0")
        assert (merged.description, merged.metadata, merged.tags) == (
            "edited on a", {"auc": 0.9}, ["reviewed"])
    # A newer edit in the target wins over the source's older one.
    with ld.Api(store=target) as api:
        mine = api.artifact("e/p/m:v0")
        mine.description = "edited on b"
        mine.save()
    with Store.open(target) as store:
        merge_stores(store, [source])
    with ld.Api(store=target) as api:
        assert api.artifact("e/p/m:v0").description == "edited on b"


def test_merge_carries_referenced_folders_for_verify(tmp_path, cli):
    folder = tmp_path / "shards"
    folder.mkdir()
    (folder / "a.csv").write_text("a")
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    with ld.init(project="p", entity="e", store=source) as run:
        artifact = ld.Artifact("shards", "dataset")
        artifact.add_reference(folder.as_uri())
        run.log_artifact(artifact)
    with Store.open(target) as store:
        merge_stores(store, [source])
    (folder / "new.csv").write_text("new")
    status, out, _ = cli("verify", target, "--json")
    assert status == 1
    assert [(p["status"], p["path"]) for p in json.loads(out)["problems"]] == [
        ("extra", "new.csv")]
