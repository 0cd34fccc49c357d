"""A run's preview names the run that started it ("Parent"): the job and run id of an
OpenLineage ``parent`` facet (dbt invocation, Airflow DAG run, Spark application) or an
MLflow parent run, as plain text."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import lineage_desktop as ld
from lineage_desktop.interop import import_openlineage
from lineage_desktop.store import Store
from lineage_desktop.ui.panels.details import NodeDetails

EVENTS = Path(__file__).resolve().parents[2] / "fixtures" / "interop" / \
    "openlineage_integrations.ndjson"
DBT_RUN = "0192f3a1-1b2c-7d3e-8f40-5a6b7c8d9e01"
DAG_RUN = "0192f3a2-0000-7000-8000-00000000d001"


@pytest.fixture
def integrations(tmp_path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "ol.db"
    with Store.open(path) as store:
        assert import_openlineage(store, [EVENTS]).ok
        return path, {run.name: run.id for run in store.runs()}


def _click_run(window, qtbot, run_id: str):
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage(f"run:{run_id}")
    view, scene = window.view, window.scene()
    item = scene.node_item(f"run:{run_id}")
    with qtbot.waitSignal(scene.node_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.mapFromScene(item.sceneBoundingRect().center()))
    return window.preview.details


def test_the_preview_of_a_dbt_model_run_names_its_invocation(window, integrations, qtbot,
                                                             artifacts_dir):
    path, runs = integrations
    assert window.open_store(path)
    details = _click_run(window, qtbot, runs["jaffle.orders.build.run"])
    assert details.field_text("name") == "jaffle.orders.build.run"
    assert details.field_text("parent") == f"dbt-run-jaffle (run {DBT_RUN})"
    field = details.fields["parent"]
    assert field.isVisible() and field.textFormat() == Qt.TextFormat.PlainText
    window.grab().save(str(artifacts_dir / "preview_parent.png"))

    details = _click_run(window, qtbot, runs["etl_dag.load_orders"])  # DAG run not imported
    assert details.field_text("parent") == f"etl_dag (run {DAG_RUN})"

    details = _click_run(window, qtbot, runs["dbt-run-jaffle"])  # the invocation itself
    assert details.field_text("parent") == ""
    assert not details.fields["parent"].isVisible()


def test_an_mlflow_nested_run_and_a_hostile_name(qtbot, tmp_path):
    hostile = '<b>sweep</b><img src="x">'
    with ld.init(project="p", entity="e", name="trial", store=tmp_path / "m.db",
                 config={"parent_run": {"id": "9f1c2a", "name": hostile}}) as run:
        pass
    with ld.Api(store=tmp_path / "m.db") as api:
        graph = api.lineage(f"run:{run.id}")
    details = NodeDetails()
    qtbot.addWidget(details)
    details.show_node(f"run:{run.id}", graph.nodes[f"run:{run.id}"])
    assert details.field_text("parent") == f"{hostile} (run 9f1c2a)"
    assert details.fields["parent"].textFormat() == Qt.TextFormat.PlainText
