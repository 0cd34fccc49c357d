"""Text from the store is plain text everywhere: HTML in a description shows literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit

import lineage_desktop as ld

HTML = '<b>bold</b> <img src="https://example.invalid/x.png"> & <i>more</i>'


@pytest.fixture
def html_store(tmp_path: Path) -> Path:
    store = tmp_path / "html.db"
    with ld.init(
        project="p", entity="e", job_type="<b>job</b>", name="<i>run</i>", notes=HTML, store=store
    ) as run:
        artifact = ld.Artifact("data", "dataset", description=HTML, metadata={"note": HTML})
        with artifact.new_file("<b>file</b>.txt") as handle:
            handle.write("x")
        run.log_artifact(artifact, aliases=["<b>alias<b>"])
    return store


def test_html_description_and_names_show_literally(window, html_store, qtbot):
    window.open_store(html_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("data:v0")
    view, scene = window.view, window.scene()
    item = scene.node_item("artifact:data:v0")
    with qtbot.waitSignal(scene.node_clicked):
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.mapFromScene(item.sceneBoundingRect().center()),
        )
    details = window.preview.details
    assert details.field_text("description") == HTML
    assert isinstance(details.description, QPlainTextEdit)
    assert details.field_text("aliases") == "<b>alias<b>, latest"
    labels = [w for w in window.findChildren(QLabel) if w.isVisible() and "<" in w.text()]
    assert labels, "no store text with markup on screen"
    for label in labels:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    files = details.files_model
    qtbot.waitUntil(lambda: files.rowCount() == 1, timeout=10_000)
    assert files.index(0, 0).data() == "<b>file</b>.txt"
    tooltip = files.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;file" in tooltip  # escaped for Qt's rich-text tooltips

    run_key = next(iter(window.controller.snapshot.view.predecessors("artifact:data:v0")))
    run_item = scene.node_item(run_key)
    with qtbot.waitSignal(scene.node_clicked):
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.mapFromScene(run_item.sceneBoundingRect().center()),
        )
    assert details.field_text("name") == "<i>run</i>"
    assert details.field_text("job_type") == "<b>job</b>"
    assert details.field_text("notes") == HTML
    assert window.focus_page.title.textFormat() == Qt.TextFormat.PlainText
