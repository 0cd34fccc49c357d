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


def _backend(tmp_path, monkeypatch, backend):
    """A tracking URI of MLflow's file or SQL store, the one its client's calls go to
    (the file store's registry finds a version's logged model through it)."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    if backend == "sqlite":
        pytest.importorskip("sqlalchemy")
        folder = tmp_path / "mlflow-tracking.db"
        uri = f"sqlite:///{folder}"
    else:
        folder = tmp_path / "mlruns"
        uri = folder.as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    return folder, mlflow.MlflowClient(uri)


@pytest.fixture(params=["file", "sqlite"])
def tracking(tmp_path, monkeypatch, request):
    """churn: prepare -> train (model v0) -> evaluate (failed); a second train (model v1);
    other: one run. On MLflow's file store and its SQL store (SQLite).
    Returns (folder or database, run ids by name)."""
    folder, client = _backend(tmp_path, monkeypatch, request.param)
    artifacts = (tmp_path / "artifacts").as_uri()
    churn = client.create_experiment("churn", artifact_location=f"{artifacts}/churn")
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
    ids["models"] = models
    other = client.create_experiment("other", artifact_location=f"{artifacts}/other")
    ids["other"] = client.create_run(other, start_time=T0, run_name="other").info.run_id
    return folder, ids


def test_runs_datasets_and_models_with_known_lineage(tmp_path, tracking, cli):
    # evaluate's model input is on get_run only on the SQL store (search_runs has none)
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
    client = mlflow.MlflowClient()
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


@pytest.mark.parametrize(("uri", "driver"), [("postgresql://dana@localhost/mlflow",
                                               "psycopg2-binary"),
                                              ("mysql://dana@db/mlflow", "pymysql")])
def test_a_database_uri_names_what_to_install(tmp_path, cli, uri, driver, monkeypatch):
    import importlib.util

    if importlib.util.find_spec(driver.split("-")[0]) is not None or (
            driver.startswith("psycopg") and importlib.util.find_spec("psycopg")):
        # SQLAlchemy then connects (psycopg 3 comes with the team store's extra): an
        # unreachable server is one line, no traceback. (MLflow retries a refused
        # connection for about 100 s; once is enough here.)
        import mlflow.store.db.utils as mlflow_db

        monkeypatch.setattr(mlflow_db, "MAX_RETRY_COUNT", 1)
        status, _, err = cli("import-mlflow", tmp_path / "s.db",
                             uri.replace("localhost", "127.0.0.1:1"))
        assert status == 2 and len(err.strip().splitlines()) == 1, err
        assert "cannot read MLflow tracking URI" in err
        return
    wanted = driver
    if importlib.util.find_spec("sqlalchemy") is None:  # mlflow-skinny alone
        wanted = "sqlalchemy, alembic"
    status, _, err = cli("import-mlflow", tmp_path / "s.db", uri)
    assert status == 2
    assert err.strip().splitlines() == [
        "lineage-desktop import-mlflow: error: reading MLflow's "
        f"{uri.split(':')[0]} database needs {wanted}: pip install {wanted.replace(',', '')}"]
    assert not (tmp_path / "s.db").exists()


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


def _register(client, name, model_ids):
    client.create_registered_model(name)
    for model_id in model_ids:
        model = client.get_logged_model(model_id)
        client.create_model_version(name, source=model.model_uri, run_id=model.source_run_id,
                                    model_id=model_id)


def test_the_model_registry_becomes_registry_links(tmp_path, tracking, cli):
    folder, ids = tracking
    client = mlflow.MlflowClient()
    _register(client, "Churn Classifier", ids["models"])
    client.set_registered_model_alias("Churn Classifier", "champion", "1")
    store = tmp_path / "mlflow.db"
    status, _, err = cli("import-mlflow", store, folder, "--experiment", "churn")
    assert status == 0, err
    assert "2 registry links created" in err
    with Store.open(store, readonly=True) as db:
        (registry,) = [p for p in db.projects() if p.name == "wandb-registry-model"]
        links = db.artifact_versions("Churn_Classifier", registry.id)
        sources = [db.version_by_id(link.source_id) for link in links]
        assert [(s.name, s.index, s.run_id) for s in sources] == [
            ("churn-model", 0, ids["train"]), ("churn-model", 1, ids["train-2"])]
        assert [link.aliases for link in links] == [("champion",), ("latest",)]
        assert [link.type for link in links] == ["model", "model"]
        assert links[0].created_at < links[1].created_at
        assert links[0].created_at > sources[1].created_at  # dated when MLflow registered it
    first = snapshot(store)
    # the alias moves in MLflow; importing again moves it and adds nothing else
    client.set_registered_model_alias("Churn Classifier", "champion", "2")
    status, _, err = cli("import-mlflow", store, folder, "--experiment", "churn")
    assert status == 0 and "2 registry links unchanged" in err
    with Store.open(store, readonly=True) as db:
        registry_id = next(p.id for p in db.projects() if p.name == "wandb-registry-model")
        links = db.artifact_versions("Churn_Classifier", registry_id)
        assert [sorted(link.aliases) for link in links] == [[], ["champion", "latest"]]
    assert cli("import-mlflow", store, folder, "--experiment", "churn")[0] == 0
    again = snapshot(store)
    assert again["runs"] == first["runs"] and again["usages"] == first["usages"]
    assert len(again["versions"]) == len(first["versions"])


def test_a_registered_model_that_was_not_imported_is_reported(tmp_path, tracking, cli):
    folder, ids = tracking
    client = mlflow.MlflowClient()
    client.create_registered_model("elsewhere")
    client.create_model_version("elsewhere", source="s3://bucket/model", run_id=None)
    status, _, err = cli("import-mlflow", tmp_path / "s.db", folder, "--experiment", "churn")
    assert status == 1
    assert ("registered model 'elsewhere' version 1: its model s3://bucket/model was not "
            "imported") in err


def test_a_dataset_logged_as_another_runs_artifact_links_to_that_run(tmp_path, tracking, cli):
    """A dataset input names a file another run logged: by its location under that run's
    artifacts, or (here: a copy in a lake) by a digest of its content."""
    import hashlib

    folder, ids = tracking
    client = mlflow.MlflowClient()
    experiment = client.get_experiment_by_name("churn").experiment_id
    table = tmp_path / "scores.csv"
    table.write_text("id,score\n1,0.5\n2,0.7\n")
    export = client.create_run(experiment, start_time=T0 + 5 * DAY, run_name="export").info
    client.log_artifact(export.run_id, str(table), "out")
    client.set_terminated(export.run_id, "FINISHED", end_time=T0 + 5 * DAY + 1000)
    uri = f"{client.get_run(export.run_id).info.artifact_uri}/out/scores.csv"
    digest = hashlib.md5(table.read_bytes()).hexdigest()[:8]
    report = client.create_run(experiment, start_time=T0 + 6 * DAY, run_name="report").info
    audit = client.create_run(experiment, start_time=T0 + 7 * DAY, run_name="audit").info
    client.log_inputs(report.run_id, datasets=[_dataset("scores", "a1b2", uri)])
    client.log_inputs(audit.run_id, datasets=[_dataset("lake-scores", digest,
                                                       "s3://lake/scores.csv")])
    # a run logging and reading the same file does not produce its own input
    client.log_artifact(audit.run_id, str(table), "copy")
    store = tmp_path / "mlflow.db"
    status, _, err = cli("import-mlflow", store, folder, "--experiment", "churn")
    assert status == 0, err
    named = edges(store, by="name")
    assert {("run export", "scores:v0"), ("scores:v0", "run report"),
            ("run export", "lake-scores:v0"), ("lake-scores:v0", "run audit")} <= named
    assert not {e for e in named if e[0] in ("run report", "run audit")}


def test_nested_runs_name_their_parent(tmp_path, tracking, cli):
    folder, ids = tracking
    client = mlflow.MlflowClient()
    experiment = client.get_experiment_by_name("churn").experiment_id
    sweep = client.create_run(experiment, start_time=T0 + 8 * DAY, run_name="sweep").info
    child = client.create_run(experiment, start_time=T0 + 8 * DAY + 10, run_name="trial-1",
                              tags={"mlflow.parentRunId": sweep.run_id}).info
    store = tmp_path / "mlflow.db"
    assert cli("import-mlflow", store, folder, "--experiment", "churn")[0] == 0
    with Store.open(store, readonly=True) as db:
        runs = {r.name: r for r in db.runs()}
    assert runs["trial-1"].id == child.run_id
    assert runs["trial-1"].config["parent_run"] == {"id": sweep.run_id, "name": "sweep"}
    assert "parent_run" not in runs["sweep"].config


def test_without_sqlalchemy_a_sqlite_database_names_what_to_install(
        tmp_path, tracking, cli, monkeypatch):
    """mlflow-skinny without SQLAlchemy cannot read a database: one line says what to
    install (the [mlflow] extra brings both)."""
    import re
    import sys
    from pathlib import Path

    folder, _ = tracking
    if folder.suffix != ".db":
        pytest.skip("the SQL store only")
    # as if not installed: SQLAlchemy, Alembic and the MLflow modules that import them
    sql = re.compile(r"^(import|from) (sqlalchemy|alembic)\b", re.MULTILINE)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if name.split(".")[0] in ("sqlalchemy", "alembic") or (
                name.startswith("mlflow.") and path.endswith(".py")
                and sql.search(Path(path).read_text(encoding="utf-8"))):
            monkeypatch.setitem(sys.modules, name, None)
    for name in ("sqlalchemy", "alembic"):
        monkeypatch.setitem(sys.modules, name, None)
    copy = tmp_path / "copy.db"  # MLflow keeps the store of a URI it opened: a new one
    copy.write_bytes(folder.read_bytes())
    status, _, err = cli("import-mlflow", tmp_path / "s.db", f"sqlite:///{copy}")
    assert status == 2
    assert err.strip().splitlines() == [
        "lineage-desktop import-mlflow: error: reading MLflow's sqlite database needs "
        "sqlalchemy, alembic: pip install sqlalchemy alembic"]
    assert not (tmp_path / "s.db").exists()
