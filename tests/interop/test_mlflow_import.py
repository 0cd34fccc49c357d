"""import-mlflow on a tracking folder written in the test with MLflow's own client."""
from __future__ import annotations

import json

import pytest
from interop_helpers import edges, snapshot

from lineage_desktop.store import Store

mlflow = pytest.importorskip("mlflow")
from mlflow.entities import (  # noqa: E402
    Dataset,
    DatasetInput,
    InputTag,
    LoggedModelInput,
    LoggedModelOutput,
)

DAY = 86_400_000
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z in milliseconds


def _dataset(name: str, digest: str, uri: str) -> DatasetInput:
    return DatasetInput(Dataset(name=name, digest=digest, source_type="s3",
                                source=json.dumps({"uri": uri})),
                        tags=[InputTag("mlflow.data.context", "training")])


@pytest.fixture
def tracking(tmp_path, monkeypatch):
    """churn: prepare -> train (model v0) -> evaluate (failed); a second train (model v1);
    other: one run. Returns (folder, run ids by name)."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    folder = tmp_path / "mlruns"
    client = mlflow.MlflowClient(folder.as_uri())
    churn = client.create_experiment("churn")
    ids = {}

    def run(name, day, status, source, **tags):
        created = client.create_run(churn, start_time=T0 + day * DAY, run_name=name,
                                    tags={"mlflow.source.name": source, "mlflow.user": "dana",
                                          **tags})
        ids[name] = created.info.run_id
        return created.info.run_id

    prepare = run("prepare", 0, "FINISHED", "prepare.py")
    client.log_inputs(prepare, datasets=[_dataset("orders", "d1e2f3a4", "s3://lake/orders")])
    client.set_terminated(prepare, "FINISHED", end_time=T0 + DAY // 2)
    models = []
    for name, day in (("train", 1), ("train-2", 3)):
        train = run(name, day, "FINISHED", "train.py")
        client.log_param(train, "lr", "0.1" if day == 1 else "0.01")
        client.log_metric(train, "auc", 0.8 + day / 100)
        client.log_inputs(train, datasets=[
            _dataset("features", "f00d", f"runs:/{prepare}/features.parquet")])
        model = client.create_logged_model(churn, name="churn-model", source_run_id=train,
                                           model_type="sklearn")
        client.log_outputs(train, [LoggedModelOutput(model.model_id, step=0)])
        client.set_terminated(train, "FINISHED", end_time=T0 + day * DAY + 3600_000)
        models.append(model.model_id)
    evaluate = run("evaluate", 2, "FAILED", "eval.py", job_type="evaluate")
    client.log_inputs(evaluate, datasets=[_dataset("orders", "d1e2f3a4", "s3://lake/orders")],
                      models=[LoggedModelInput(models[0])])
    client.set_terminated(evaluate, "FAILED", end_time=T0 + 2 * DAY + 60_000)
    other = client.create_experiment("other")
    ids["other"] = client.create_run(other, start_time=T0, run_name="other").info.run_id
    return folder, ids


def test_runs_datasets_and_models_with_known_lineage(tmp_path, tracking, cli):
    folder, ids = tracking
    store = tmp_path / "mlflow.db"
    status, _, err = cli("import-mlflow", store, folder, "--experiment", "churn")
    assert status == 0, err
    named = edges(store, by="name")
    assert named == {
        ("orders:v0", "run prepare"), ("run prepare", "features:v0"),
        ("features:v0", "run train"), ("run train", "churn-model:v0"),
        ("features:v0", "run train-2"), ("run train-2", "churn-model:v1"),
        ("churn-model:v0", "run evaluate"), ("orders:v0", "run evaluate"),
    }
    with Store.open(store, readonly=True) as db:
        assert [p.name for p in db.projects()] == ["mlflow"]
        runs = {r.name: r for r in db.runs()}
        assert set(runs) == {"prepare", "train", "train-2", "evaluate"}
        train = runs["train"]
        assert train.id == ids["train"] and train.group == "churn"
        assert (train.state, train.exit_code, train.author) == ("finished", 0, "dana")
        assert train.started_at == "2026-01-02T00:00:00.000000Z"
        assert train.job_type == "train" and train.config["lr"] == "0.1"
        assert train.config["mlflow"]["metrics"] == {"auc": 0.81}
        assert (runs["evaluate"].state, runs["evaluate"].job_type) == ("failed", "evaluate")
        model = db.artifact_versions("churn-model")
        assert [v.type for v in model] == ["model", "model"]
        assert model[1].aliases == ("latest",)
        assert model[0].metadata["mlflow"]["model_type"] == "sklearn"
        (orders,) = db.artifact_versions("orders")
        assert orders.metadata["mlflow"]["digest"] == "d1e2f3a4"
        assert orders.created_at == "2026-01-01T00:00:00.000000Z"
        (entry,) = db.manifest(orders.id)
        assert entry.ref == "s3://lake/orders#digest=d1e2f3a4"


def test_reimport_adds_nothing_and_all_experiments(tmp_path, tracking, cli):
    folder, _ = tracking
    store = tmp_path / "mlflow.db"
    assert cli("import-mlflow", store, folder.as_uri(), "--experiment", "churn")[0] == 0
    first = snapshot(store)
    status, _, err = cli("import-mlflow", store, folder, "--experiment", "churn")
    assert status == 0 and snapshot(store) == first
    assert "4 runs unchanged" in err
    assert cli("import-mlflow", store, folder)[0] == 0
    assert len(snapshot(store)["runs"]) == 5


def test_unknown_experiment_and_missing_folder(tmp_path, tracking, cli):
    folder, _ = tracking
    status, _, err = cli("import-mlflow", tmp_path / "s.db", folder, "--experiment", "nope")
    assert status == 2 and "no MLflow experiment named 'nope'" in err and "churn" in err
    status, _, err = cli("import-mlflow", tmp_path / "s2.db", tmp_path / "missing")
    assert status == 2 and "no MLflow tracking folder" in err
    assert not (tmp_path / "s2.db").exists()


def test_an_input_model_that_is_not_imported_is_reported(tmp_path, tracking, cli, monkeypatch):
    folder, _ = tracking
    client = mlflow.MlflowClient(folder.as_uri())
    lone = client.create_experiment("lone")
    run = client.create_run(lone, run_name="uses-foreign-model").info.run_id
    model = client.create_logged_model(
        client.get_experiment_by_name("churn").experiment_id, name="x")
    client.log_inputs(run, models=[LoggedModelInput(model.model_id)])
    status, _, err = cli("import-mlflow", tmp_path / "s.db", folder, "--experiment", "lone")
    assert status == 1
    assert f"run {run}: input model {model.model_id} was not found" in err


def test_a_missing_sqlite_database_is_refused_and_nothing_created(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for uri in ("sqlite:///missing.db", f"sqlite:///{tmp_path}/gone.db"):
        status, _, err = cli("import-mlflow", tmp_path / "s.db", uri)
        assert status == 2, err
        assert len(err.strip().splitlines()) == 1 and "no MLflow database file" in err
        assert "missing.db" in err or "gone.db" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # neither MLflow's nor ours
    (tmp_path / "notes.db").write_text("not a database")
    status, _, err = cli("import-mlflow", tmp_path / "s.db", tmp_path / "notes.db")
    assert status == 2 and "is not an MLflow (SQLite) database" in err
    assert (tmp_path / "notes.db").read_text() == "not a database"


@pytest.mark.parametrize("uri", ["postgresql://dana@localhost/mlflow", "mysql://dana@db/mlflow"])
def test_a_database_uri_names_what_to_install(tmp_path, cli, uri):
    import importlib.util

    if importlib.util.find_spec("sqlalchemy") is not None:
        pytest.skip("SQLAlchemy is installed: MLflow's SQL store is there")
    status, _, err = cli("import-mlflow", tmp_path / "s.db", uri)
    assert status == 2
    assert err.strip().splitlines() == [
        "lineage-desktop import-mlflow: error: reading MLflow's "
        f"{uri.split(':')[0]} database needs sqlalchemy, alembic: "
        "pip install sqlalchemy alembic"]


def test_an_unreachable_server_is_one_line(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    status, _, err = cli("import-mlflow", tmp_path / "s.db", "http://127.0.0.1:9/")
    assert status == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("lineage-desktop import-mlflow: error: cannot read MLflow "
                           "tracking URI 'http://127.0.0.1:9/': ")


def test_without_mlflow_a_remote_uri_names_the_extra(tmp_path, cli, monkeypatch):
    import sys

    for name in [m for m in sys.modules if m == "mlflow" or m.startswith("mlflow.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    for uri in ("postgresql://dana@localhost/mlflow", "databricks", "http://127.0.0.1:9/"):
        status, _, err = cli("import-mlflow", tmp_path / "s.db", uri)
        assert status == 2
        assert err.strip().splitlines() == [
            "lineage-desktop import-mlflow: error: import-mlflow needs mlflow-skinny: "
            "pip install 'lineage-desktop[mlflow]'"]
    assert not (tmp_path / "s.db").exists()
