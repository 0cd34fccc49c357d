"""A registry path shows its source's lineage, and the preview says where it is linked."""
from __future__ import annotations

from PySide6.QtCore import Qt
from window_helpers import item_point

import lineage_desktop as ld
from lineage_desktop.ui.sidebar.artifact_model import SecondaryRole


def test_registry_path_shows_the_source_and_its_link(window, tmp_path, qtbot):
    path = tmp_path / "registry.db"
    with ld.init(project="churn", entity="acme", job_type="train", store=path) as run:
        model = ld.Artifact("churn-model", "model")
        with model.new_file("model.pt") as handle:
            handle.write("weights")
        run.link_artifact(model, "wandb-registry-model/churn", aliases=["production"])
    assert window.open_store(path)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000) as ready:
        window.show_lineage("wandb-registry-model/churn:production")
    assert ready.args == ["artifact:churn-model:v0"]
    scene, view = window.scene(), window.view
    item = scene.node_item("artifact:churn-model:v0")
    view.centerOn(item)
    with qtbot.waitSignal(scene.node_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, item))
    assert window.preview.field_text("linked_to") == (
        "wandb-registry-model/churn:v0 (latest, production)")
    # The sidebar tells the registry collection from the logged one.
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    type_index = model.index(0, 0)
    shown = {model.index(row, 0, type_index).data(): model.index(row, 0, type_index).data(
        SecondaryRole) for row in range(model.rowCount(type_index))}
    assert shown == {"churn": "1 version · registry model", "churn-model": "1 version"}
