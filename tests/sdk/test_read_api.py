"""W&B's read API with only the import line changed: ``runs(path, filters, order)``,
``run(path)``, artifact types and collections as objects, offline refusals."""
from __future__ import annotations

import pytest

import lineage_desktop as ld
from lineage_desktop.records import ArtifactDeleted, RunNotFound
from lineage_desktop.sdk.offline import NotAvailableOffline
from lineage_desktop.store.run_filters import InvalidRunFilter

RUNS = [  # name, config, summary, state
    ("foo-1", {"experiment_name": "foo", "lr": 0.1, "opt": {"name": "adam"}},
     {"loss": 0.5, "acc": 0.7}, "finished"),
    ("bar-1", {"experiment_name": "bar", "lr": 0.01, "opt": {"name": "sgd"}},
     {"loss": 0.2, "acc": 0.9}, "finished"),
    ("baz-1", {"experiment_name": "baz", "lr": 0.001}, {"loss": 0.9}, "failed"),
]


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "s.db"
    for name, config, summary, state in RUNS:
        run = ld.init(entity="acme", project="churn", name=name, config=config, store=path,
                      reinit="create_new", tags=["nightly"] if name != "baz-1" else [])
        for key, value in summary.items():
            run.summary[key] = value
        run.finish(exit_code=1 if state == "failed" else 0)
    with ld.init(entity="other", project="churn", name="elsewhere", store=path,
                 reinit="create_new") as run:
        data = ld.Artifact("table", "dataset")
        with data.new_file("t.csv") as handle:
            handle.write("other entity\n")
        run.log_artifact(data)
    with ld.init(entity="acme", project="churn", name="prep", store=path,
                 reinit="create_new") as run:
        data = ld.Artifact("table", "dataset")
        with data.new_file("t.csv") as handle:
            handle.write("default entity\n")
        run.log_artifact(data, aliases=["production"])
    return path


def names(runs):
    return [run.name for run in runs]


def test_runs_with_mongo_filters_as_wandb_documents_them(store, monkeypatch):
    monkeypatch.setenv("USER", "acme")
    api = ld.Api(store=store)
    either = api.runs("acme/churn", {"$or": [{"config.experiment_name": "foo"},
                                             {"config.experiment_name": "bar"}]})
    assert sorted(names(either)) == ["bar-1", "foo-1"] and len(either) == 2
    assert names(api.runs("acme/churn", filters={"display_name": {"$regex": "^ba"}},
                          order="+display_name")) == ["bar-1", "baz-1"]
    assert names(api.runs("acme/churn", {"summary_metrics.acc": {"$gt": 0.8}})) == ["bar-1"]
    assert names(api.runs("acme/churn", {"config.lr": {"$lt": 0.05}, "state": "finished"})) \
        == ["bar-1"]
    assert names(api.runs("churn", {"config.opt.name": {"$in": ["adam", "rmsprop"]}})) \
        == ["foo-1"]
    assert sorted(names(api.runs("acme/churn", {"$and": [{"tags": {"$in": ["nightly"]}},
                                                         {"state": {"$ne": "failed"}}]}))) \
        == ["bar-1", "foo-1"]
    assert names(api.runs("acme/churn", {"config.opt": {"$exists": False},
                                         "jobType": None})) == ["baz-1", "prep"]
    first = api.runs("acme/churn")[0]
    assert names(api.runs("acme/churn", {"created_at": {"$gt": first.started_at}}))[0] \
        == "bar-1"


def test_runs_order_by_summary_and_config_both_ways_and_pages(store):
    api = ld.Api(store=store)
    scored = {"summary_metrics.loss": {"$exists": True}}
    assert names(api.runs("acme/churn", scored, order="+summary_metrics.loss")) \
        == ["bar-1", "foo-1", "baz-1"]
    assert names(api.runs("acme/churn", scored, order="-summary_metrics.loss")) \
        == ["baz-1", "foo-1", "bar-1"]
    assert names(api.runs("acme/churn", scored, order="config.lr")) \
        == ["baz-1", "bar-1", "foo-1"]
    paged = api.runs("acme/churn", order="+created_at", per_page=2)
    assert names(paged) == ["foo-1", "bar-1", "baz-1", "prep"] and paged[3].name == "prep"
    assert names(api.runs("acme/churn", order="-created_at"))[0] == "prep"


def test_bad_filters_are_named_errors(store):
    api = ld.Api(store=store)
    for bad in ({"config.lr": {"$near": 1}}, {"$xor": []}, {"nonsense": 1},
                {"display_name": {"$regex": "("}}, {"$or": "x"}, ["state"]):
        with pytest.raises(InvalidRunFilter):
            list(api.runs("acme/churn", bad))
    with pytest.raises(ValueError):
        list(api.runs("acme/churn", order="-"))


def test_run_by_path_and_artifact_within_the_default_entity(store, monkeypatch):
    api = ld.Api(store=store, entity="acme")
    foo = api.runs("acme/churn", {"display_name": "foo-1"})[0]
    assert api.run(f"acme/churn/{foo.id}").name == "foo-1"
    assert api.run(f"churn/{foo.id}").name == "foo-1"
    with pytest.raises(RunNotFound):
        api.run(f"other/churn/{foo.id}")
    # project/name resolves within the default entity, not the first project found
    assert api.artifact("churn/table:latest").entity == "acme"
    assert ld.Api(store=store, entity="other").artifact("churn/table:latest").entity == "other"


def test_types_and_collections_are_wandb_objects(store):
    api = ld.Api(store=store, entity="acme")
    (dataset,) = api.artifact_types("acme/churn")
    assert dataset.name == "dataset" and dataset == "dataset"
    (collection,) = dataset.collections()
    assert collection.name == "table" and collection.entity == "acme"
    assert collection.aliases == ["latest", "production"]
    assert [v.version for v in collection.versions()] == ["v0"]
    same = api.artifact_collection("dataset", "acme/churn/table")
    assert same == collection
    assert [c.name for c in api.artifact_collections("acme/churn", "dataset")] == ["table"]
    assert [a.version for a in api.artifact_versions("dataset", "acme/churn/table")] == ["v0"]
    assert api.artifact_collection_exists("table", "dataset")


def test_collection_delete_leaves_tombstones(store):
    api = ld.Api(store=store, entity="acme")
    api.artifact_collection("dataset", "acme/churn/table").delete()
    with pytest.raises(ArtifactDeleted):
        ld.Api(store=store).artifact("acme/churn/table:v0")
    assert ld.Api(store=store).artifact("other/churn/table:v0").entity == "other"


@pytest.mark.parametrize("name", ["reports", "sweep", "create_project", "launch", "users"])
def test_server_calls_say_they_are_not_available_offline(store, name):
    with pytest.raises(NotAvailableOffline, match="not available offline"):
        getattr(ld.Api(store=store), name)
    with pytest.raises(AttributeError):
        ld.Api(store=store).no_such_call  # noqa: B018
