"""The SDK and the read API behave the same on a SQLite file and on a PostgreSQL team
store: W&B code with only its import line changed, then read back."""
from __future__ import annotations

import pytest

import lineage_desktop as ld
from lineage_desktop.records import ArtifactNotFound, ReadOnlyStore
from lineage_desktop.store import Store


def _pipeline(target, tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_text("a,b\n1,2\n")
    with ld.init(project="churn", job_type="prep", store=target, config={"lr": 0.1}) as run:
        data = ld.Artifact("churn-data", type="dataset", description="<b>raw</b>",
                           metadata={"rows": 1})
        data.add_file(str(raw))
        run.log_artifact(data, aliases=["production"])
    with ld.init(project="churn", job_type="train", store=target,
                 config={"lr": 0.01, "opt": {"name": "adam"}}) as run:
        used = run.use_artifact("churn-data:production")
        assert used.version == "v0"
        for step in range(5):
            run.log({"loss": 1.0 / (step + 1), "acc": step / 10})
        model = ld.Artifact("churn-model", type="model")
        with model.new_file("weights.bin", mode="wb") as handle:
            handle.write(b"\x00\x01" * 100)
        run.log_artifact(model, aliases=["best"])
    return raw


def test_recorded_lineage_reads_back(target, tmp_path):
    _pipeline(target, tmp_path)
    api = ld.Api(store=target)
    model = api.artifact("churn-model:best")
    assert (model.name, model.version, model.type) == ("churn-model:v0", "v0", "model")
    producer = model.logged_by()
    assert producer.job_type == "train"
    inputs = producer.used_artifacts()
    assert [a.name for a in inputs] == ["churn-data:v0"]
    assert inputs[0].description == "<b>raw</b>" and inputs[0].metadata == {"rows": 1}
    graph = api.lineage("churn-model:best")
    labels = sorted(data.get("label", key) for key, data in graph.nodes(data=True))
    assert len(graph) == 4 and any("churn-data" in label for label in labels)
    down = api.lineage("churn-data:v0", upstream=0)
    assert len(down) == 3  # the data, the training run, its model
    assert len(api.lineage("churn-model:v0", upstream=1)) == 2
    api.close()


def test_versions_are_numbered_gap_free_and_aliases_move(target, tmp_path):
    for index in range(4):
        with ld.init(project="p", store=target) as run:
            art = ld.Artifact("data", type="dataset")
            with art.new_file("x.txt") as handle:
                handle.write(f"content {index}")
            run.log_artifact(art, aliases=["production"] if index % 2 == 0 else None)
    api = ld.Api(store=target)
    versions = api.artifact_versions("dataset", "p/data")
    assert sorted(v.version for v in versions) == ["v0", "v1", "v2", "v3"]
    assert api.artifact("p/data:production").version == "v2"
    assert api.artifact("p/data:latest").version == "v3"
    with pytest.raises(ArtifactNotFound):
        api.artifact("p/data:v9")
    api.close()


def test_files_download_from_another_client(target, tmp_path):
    raw = _pipeline(target, tmp_path)
    api = ld.Api(store=target)
    art = api.artifact("churn-data:production")
    folder = art.download(root=str(tmp_path / "down"))
    assert (tmp_path / "down" / "raw.csv").read_text() == raw.read_text()
    assert folder.endswith("down")
    entry = art.get_entry("raw.csv")
    assert entry.size == raw.stat().st_size
    api.close()


def test_history_summary_config_and_run_filters(target, tmp_path):
    _pipeline(target, tmp_path)
    api = ld.Api(store=target)
    runs = api.runs("churn", filters={"config.lr": {"$lt": 0.05}})
    assert [r.job_type for r in runs] == ["train"]
    assert [r.job_type for r in api.runs("churn", filters={"config.opt.name": "adam"})] \
        == ["train"]
    assert len(api.runs("churn", filters={"$or": [{"config.lr": 0.1},
                                                   {"config.lr": 0.01}]})) == 2
    assert [r.job_type for r in api.runs("churn", order="+config.lr")] == ["train", "prep"]
    train = api.runs("churn", filters={"jobType": {"$regex": "^tr"}})[0]
    assert train.summary["loss"] == pytest.approx(0.2)
    assert train.config["opt"] == {"name": "adam"}
    history = list(train.scan_history())
    assert [round(row["loss"], 3) for row in history] == [1.0, 0.5, 0.333, 0.25, 0.2]
    api.close()


def test_edits_tombstones_and_registry_links(target, tmp_path):
    _pipeline(target, tmp_path)
    api = ld.Api(store=target)
    art = api.artifact("churn-model:best")
    art.description = "tuned"
    art.metadata["auc"] = 0.91
    art.aliases.append("staging")
    art.save()
    with ld.init(project="churn", store=target) as run:
        run.link_artifact(run.use_artifact("churn-model:staging"),
                          "wandb-registry-model/churn-models", aliases=["champion"])
    again = ld.Api(store=target)
    fresh = again.artifact("churn-model:staging")
    assert fresh.description == "tuned" and fresh.metadata["auc"] == 0.91
    assert set(fresh.aliases) >= {"best", "staging", "latest"}
    linked = again.artifact("wandb-registry-model/churn-models:champion")
    assert linked.version == "v0" and linked.digest == fresh.digest
    data = again.artifact("churn-data:v0")
    with pytest.raises(Exception, match="alias"):
        data.delete()
    data.delete(delete_aliases=True)
    gone = ld.Api(store=target).lineage("churn-model:v0")
    assert any(d.get("deleted_at") or getattr(d, "deleted_at", None)
               for _, d in gone.nodes(data=True)) or len(gone) == 4
    api.close()
    again.close()


def test_distributed_upserts_finish_into_one_version(target, tmp_path):
    for shard in range(3):
        with ld.init(project="p", group="g", store=target) as run:
            art = ld.Artifact("shards", type="dataset")
            with art.new_file(f"shard-{shard}.txt") as handle:
                handle.write(f"shard {shard}")
            run.upsert_artifact(art, distributed_id="g")
    with ld.init(project="p", group="g", store=target) as run:
        run.finish_artifact(ld.Artifact("shards", type="dataset"), distributed_id="g")
    art = ld.Api(store=target).artifact("p/shards:latest")
    assert sorted(f.name for f in art.files()) == [f"shard-{i}.txt" for i in range(3)]
    assert len(art.logged_by_all() if hasattr(art, "logged_by_all") else [1]) >= 1


def test_a_reader_cannot_write(target, tmp_path):
    _pipeline(target, tmp_path)
    store = Store.open(target, readonly=True)
    try:
        with pytest.raises(ReadOnlyStore):
            with store.transaction() as conn:
                conn.execute("DELETE FROM aliases")
        assert store.data_version() >= 0
    finally:
        store.close()
