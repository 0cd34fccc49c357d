"""``Artifact.delete`` and collection deletion: W&B's refusals, kept as tombstones."""
from __future__ import annotations

import time

import pytest

import lineage_desktop as ld
from lineage_desktop.sdk.artifact_delete import delete_collection
from lineage_desktop.store import Store


def log(store_path, make_file, content, name="data", aliases=None, uses=None):
    with ld.init(project="p", entity="e", store=store_path) as run:
        if uses:
            run.use_artifact(uses)
        artifact = ld.Artifact(name, "dataset")
        artifact.add_file(make_file(f"{name}-{content}.txt", content), name="data.txt")
        run.log_artifact(artifact, aliases=aliases)
    return run, artifact


def test_aliases_refuse_the_deletion_until_delete_aliases(store_path, make_file):
    _, first = log(store_path, make_file, "one", aliases=["best"])
    log(store_path, make_file, "two")
    with pytest.raises(ld.ArtifactHasAliases, match="best") as refused:
        first.delete()
    assert isinstance(refused.value, ValueError)
    assert ld.Api(store=store_path).artifact("data:v0").deleted_at is None
    first.delete(delete_aliases=True)
    assert first.deleted_at is not None and first.deleted_by
    with Store.open(store_path, readonly=True) as store:
        history = store._conn.execute(
            "SELECT alias, version_id, author FROM alias_history WHERE alias = 'best' "
            "ORDER BY id").fetchall()
        edits = store._conn.execute(
            "SELECT value, author FROM version_edits WHERE field = 'deleted'").fetchall()
    assert history[-1] == ("best", None, first.deleted_by)
    assert edits == [("false", None), ("true", first.deleted_by)]


def test_latest_alone_does_not_refuse_and_moves_back(store_path, make_file):
    log(store_path, make_file, "one")
    _, second = log(store_path, make_file, "two")
    ld.Api(store=store_path).artifact("data:v1").delete()  # W&B's api.artifact().delete()
    api = ld.Api(store=store_path)
    assert [c.version_count for c in api.artifact_collections()] == [1]
    assert api.artifact("data:latest").version == "v0"
    assert [a.version for a in api.artifact_versions("data")] == ["v0"]
    with pytest.raises(ld.ArtifactDeleted, match=r"data:v1.*deleted at .* by") as gone:
        api.artifact("data:v1")
    assert isinstance(gone.value, LookupError)
    assert gone.value.deleted_by and gone.value.deleted_at
    with ld.init(project="p", entity="e", store=store_path) as run, \
            pytest.raises(ld.ArtifactDeleted, match="was deleted"):
        run.use_artifact("data:v1")
    assert second.version == "v1"


def test_tombstone_stays_in_the_lineage_and_as_of(store_path, make_file):
    producer, data = log(store_path, make_file, "one")
    time.sleep(0.002)  # as_of before the deletion is a strictly earlier timestamp
    consumer, _ = log(store_path, make_file, "m", name="model", uses="data:v0")
    before = ld.Api(store=store_path).artifact("model:v0").created_at
    time.sleep(0.002)
    data.delete()
    graph = ld.Api(store=store_path).lineage("model:v0")
    node = graph.nodes["artifact:data:v0"]
    assert node["deleted_at"] and node["deleted_by"]
    assert graph.has_edge("artifact:data:v0", f"run:{consumer.id}")
    assert graph.has_edge(f"run:{producer.id}", "artifact:data:v0")  # still traversed
    own = ld.Api(store=store_path).lineage("data:v0")  # the tombstone's own lineage
    assert f"run:{consumer.id}" in own and own.nodes["artifact:data:v0"]["deleted_at"]
    from lineage_desktop.graph.export import to_dot

    assert "dataset (deleted)" in to_dot(graph)
    past = ld.Api(store=store_path, as_of=before)
    assert past.artifact("data:v0").deleted_at is None
    assert past.artifact("data:latest").version == "v0"
    assert past.lineage("model:v0").nodes["artifact:data:v0"]["deleted_at"] is None


def test_new_content_and_a_deleted_digest_get_fresh_indices(store_path, make_file):
    log(store_path, make_file, "one")
    _, second = log(store_path, make_file, "two")
    second.delete()
    _, third = log(store_path, make_file, "three")
    assert third.version == "v2"
    _, again = log(store_path, make_file, "two")  # the deleted version's content
    assert again.version == "v3" and again.deleted_at is None
    assert ld.Api(store=store_path).artifact("data:latest").version == "v3"
    with pytest.raises(ld.ArtifactDeleted):
        ld.Api(store=store_path).artifact("data:v1")


def test_collection_delete_tombstones_every_version(store_path, make_file):
    log(store_path, make_file, "one", aliases=["best"])
    _, last = log(store_path, make_file, "two")
    before = last.created_at
    time.sleep(0.002)
    with Store.open(store_path) as store:
        project_id = store.find_projects("p", "e")[0].id
        assert delete_collection(store, project_id, "data", author="auditor") == 2
        state = store._conn.execute(
            "SELECT deleted_by FROM artifacts WHERE name = 'data'").fetchone()
        assert state == ("auditor",)
        assert store._conn.execute("SELECT COUNT(*) FROM aliases").fetchone() == (0,)
        assert store._conn.execute("SELECT COUNT(*) FROM manifest").fetchone() == (2,)
    api = ld.Api(store=store_path)  # reopened: the tombstones persisted
    assert api.artifact_versions("data") == []
    assert api.artifact_collections() == []
    past = ld.Api(store=store_path, as_of=before)
    assert [c.version_count for c in past.artifact_collections()] == [2]
    assert past.artifact("data:best").version == "v0"
    with pytest.raises(ld.ArtifactNotFound, match="closest: none"):
        api.artifact("data:latest")
    assert api.collection_versions("data", "p", "e") == []  # the sidebar's listing
    with pytest.raises(ld.ArtifactDeleted, match="'auditor'"):
        api.artifact("data:v0")
    _, fresh = log(store_path, make_file, "new")  # logging again revives the collection
    assert fresh.version == "v2"
    assert [c.version_count for c in ld.Api(store=store_path).artifact_collections()] == [1]


def test_deleting_twice_or_a_draft_is_refused(store_path, make_file):
    _, first = log(store_path, make_file, "one")
    first.delete()
    with pytest.raises(ld.ArtifactDeleted):
        ld.Api(store=store_path).artifact("data:v0")
    with Store.open(store_path) as store, pytest.raises(ld.ArtifactDeleted):
        store.delete_version(first.id, "x")
    with pytest.raises(ld.ArtifactNotLogged):
        ld.Artifact("d", "dataset").delete()


def test_files_stay_for_audit(store_path, make_file):
    _, first = log(store_path, make_file, "kept")
    first.delete()
    with Store.open(store_path, readonly=True) as store:
        entry = store.manifest(first.id)[0]
        assert store.blobs.path_for(entry.digest).read_text() == "kept"
