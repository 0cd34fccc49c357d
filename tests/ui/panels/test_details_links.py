"""The artifact preview says where a version is linked (W&B's registry), as plain text."""
from __future__ import annotations

import lineage_desktop as ld
from lineage_desktop.ui.panels.details import NodeDetails


def test_preview_says_where_a_version_is_linked(qtbot, tmp_path):
    path = tmp_path / "p.db"
    with ld.init(project="churn", entity="acme", store=path) as run:
        model = ld.Artifact("churn-model", "model")
        with model.new_file("model.pt") as handle:
            handle.write("weights")
        run.link_artifact(model, "wandb-registry-model/churn", aliases=["<b>prod"])
    with ld.Api(store=path) as api:
        graph = api.lineage("wandb-registry-model/churn:v0")
    details = NodeDetails()
    qtbot.addWidget(details)
    details.show_node("artifact:churn-model:v0", graph.nodes["artifact:churn-model:v0"], {})
    assert details.field_text("linked_to") == (
        "wandb-registry-model/churn:v0 (<b>prod, latest)")
    assert details.fields["linked_to"].textFormat().name == "PlainText"
    assert details.form.isRowVisible(details.fields["linked_to"])


def test_no_links_no_row(qtbot, tmp_path):
    path = tmp_path / "p.db"
    with ld.init(project="churn", store=path) as run:
        model = ld.Artifact("m", "model")
        with model.new_file("model.pt") as handle:
            handle.write("weights")
        run.log_artifact(model)
    with ld.Api(store=path) as api:
        graph = api.lineage("m:v0")
    details = NodeDetails()
    qtbot.addWidget(details)
    details.show_node("artifact:m:v0", graph.nodes["artifact:m:v0"], {})
    assert details.form.isRowVisible(details.fields["linked_to"]) is False
