"""A run started by another (OpenLineage ``parent`` facet, MLflow nested run) names its
parent in ``show``: ``"parent": {"id", "name"}`` when that run is in the store."""
from __future__ import annotations

import json
import uuid

import pytest

from lineage_desktop.graph.parents import ParentRun, parent_of
from lineage_desktop.interop import import_openlineage
from lineage_desktop.store import Store

DBT_RUN = "0192f3a1-1b2c-7d3e-8f40-5a6b7c8d9e01"  # dbt-run-jaffle, in the fixture
SPARK_APP = "0192f3a3-0000-7000-8000-0000000005a0"  # orders_app, in the fixture
DAG_RUN = "0192f3a2-0000-7000-8000-00000000d001"  # etl_dag: no event of it in the fixture
PRODUCER = "https://github.com/apache/airflow/tree/providers-openlineage/1.14.0"
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"


@pytest.fixture
def imported(tmp_path, fixtures):
    path = tmp_path / "ol.db"
    with Store.open(path) as store:
        assert import_openlineage(store, [fixtures / "openlineage_integrations.ndjson"]).ok
        runs = {run.name: run for run in store.runs()}
    return path, runs


def _show(cli, path, run_id):
    status, out, err = cli("show", path, f"run:{run_id}", "--json")
    assert status == 0, err
    return json.loads(out)


def test_children_of_a_dbt_invocation_and_a_spark_application_name_them(cli, imported):
    path, runs = imported
    for child, parent in (("jaffle.orders.build.run", "dbt-run-jaffle"),
                          ("jaffle.orders.build.test", "dbt-run-jaffle"),
                          ("orders_app.execute_insert_into_hadoop_fs_relation_command",
                           "orders_app")):
        shown = _show(cli, path, runs[child].id)
        assert shown["parent"] == {"id": runs[parent].id, "name": parent}, child
    assert runs["dbt-run-jaffle"].id == DBT_RUN and runs["orders_app"].id == SPARK_APP
    assert _show(cli, path, DBT_RUN)["parent"] is None  # a root run


def test_a_parent_that_is_not_in_the_store_is_null_in_json(cli, imported):
    path, runs = imported
    child = runs["etl_dag.load_orders"]
    assert parent_of(child.config) == ParentRun(id=DAG_RUN, given_id=DAG_RUN,
                                                name="etl_dag", namespace="airflow")
    assert _show(cli, path, child.id)["parent"] is None


def _event(kind: str, run_id: str, job: str, parent: dict | None = None) -> str:
    facets = {"parent": {"_producer": PRODUCER, "_schemaURL":
                         "https://openlineage.io/spec/facets/1-0-0/ParentRunFacet.json"
                         "#/$defs/ParentRunFacet", **parent}} if parent else {}
    return json.dumps({"eventType": kind, "eventTime": "2026-01-01T00:00:00Z",
                       "producer": PRODUCER, "schemaURL": SPEC,
                       "run": {"runId": run_id, "facets": facets},
                       "job": {"namespace": "airflow", "name": job},
                       "inputs": [], "outputs": []}) + "\n"


def test_a_hostile_parent_name_stays_text_and_a_non_uuid_run_id_is_found(tmp_path, cli):
    """A parent whose runId is no UUID is keyed as its own events are keyed at import."""
    name = "<b>dag</b>\x1b[2J\nrm"
    events = tmp_path / "events.ndjson"
    events.write_text(
        _event("COMPLETE", "manual__2026-01-01", name)
        + _event("COMPLETE", str(uuid.uuid4()), "dag.task",
                 {"run": {"runId": "manual__2026-01-01"},
                  "job": {"namespace": "airflow", "name": name}}))
    path = tmp_path / "h.db"
    assert cli("import-openlineage", path, events)[0] == 0
    with Store.open(path, readonly=True) as store:
        runs = {run.name: run for run in store.runs()}
    status, out, _ = cli("show", path, f"run:{runs['dag.task'].id}", "--json")
    assert status == 0
    assert "\x1b" not in out and "\\u001b" in out
    assert json.loads(out)["parent"] == {"id": runs[name].id, "name": name}
    status, out, _ = cli("show", path, f"run:{runs['dag.task'].id}")
    (line,) = [line for line in out.splitlines() if line.strip().startswith("parent")]
    assert "<b>dag</b>" in line and "\x1b" not in line and runs[name].id in line


def test_an_untrusted_config_is_no_parent():
    for config in (None, {}, {"parent_run": "x"}, {"parent_run": {"id": 3}},
                   {"openlineage": {"run": {"facets": {"parent": {"run": ["x"]}}}}},
                   {"openlineage": []}):
        assert parent_of(config) is None
    assert parent_of({"parent_run": {"id": "abc", "name": None}}).label == "run abc"


def test_an_mlflow_nested_run_names_its_parent(tmp_path, monkeypatch, cli):
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    folder = tmp_path / "mlruns"
    client = mlflow.MlflowClient(folder.as_uri())
    experiment = client.create_experiment("sweeps")
    sweep = client.create_run(experiment, start_time=1_767_225_600_000, run_name="sweep").info
    child = client.create_run(experiment, start_time=1_767_225_600_010, run_name="trial-1",
                              tags={"mlflow.parentRunId": sweep.run_id}).info
    path = tmp_path / "mlflow.db"
    assert cli("import-mlflow", path, folder)[0] == 0
    assert _show(cli, path, child.run_id)["parent"] == {"id": sweep.run_id, "name": "sweep"}
    assert _show(cli, path, sweep.run_id)["parent"] is None
