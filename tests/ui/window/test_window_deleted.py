"""The window opens the lineage of a deleted version (a tombstone) by its own reference,
draws its card as deleted and previews who deleted it and when, as plain text."""

from __future__ import annotations

from pathlib import Path

from hand_built import build_tombstone
from PySide6.QtCore import Qt

WHO = "<b>mallory</b>"


def _tombstone_store(path: Path) -> Path:
    return build_tombstone(path, WHO)


def test_deleted_version_lineage_card_and_preview(window, tmp_path, qtbot):
    window.open_store(_tombstone_store(tmp_path / "t.db"))
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("data:v0")
    view, scene = window.view, window.scene()
    item = scene.node_item("artifact:data:v0")
    assert item.spec.deleted and item.type_line_text == "deleted dataset"
    assert scene.node_item("artifact:model:v0") is not None  # its lineage goes on
    with qtbot.waitSignal(scene.node_clicked):
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.mapFromScene(item.sceneBoundingRect().center()),
        )
    details = window.preview.details
    assert details.subtitle.text() == "deleted dataset artifact version"
    assert details.field_text("deleted").endswith(f" by {WHO}")
    assert details.fields["deleted"].textFormat() == Qt.TextFormat.PlainText
