"""ImpactPanel: header sorting, copy to the clipboard, CSV, activation."""
from __future__ import annotations

import csv
import io

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

import lineage_desktop as ld
from lineage_desktop.audit import impact_rows
from lineage_desktop.ui.audit import ImpactPanel


def _panel(qtbot, built):
    rows = impact_rows(ld.Api(store=built.path), "clean")
    panel = ImpactPanel()
    qtbot.addWidget(panel)
    panel.resize(820, 300)
    panel.set_rows(rows, "clean:v0")
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _click_header(qtbot, panel, column):
    header = panel.table_view().horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def test_rows_nearest_first_and_header_click_sorts(qtbot, built, artifacts_dir):
    panel = _panel(qtbot, built)
    assert panel.findChild(type(panel._title)).text() == "6 nodes downstream of clean:v0"
    assert [r.level for r in panel.visible_rows()] == [1, 1, 2, 2, 3, 4]
    panel.grab().save(str(artifacts_dir / "ui_audit_impact_panel.png"))
    _click_header(qtbot, panel, 0)  # Name, ascending
    assert [r.name for r in panel.visible_rows()] == [
        "eval", "fan", "model", "report", "side", "train"]
    _click_header(qtbot, panel, 0)  # again: descending
    assert [r.name for r in panel.visible_rows()] == [
        "train", "side", "report", "model", "fan", "eval"]
    _click_header(qtbot, panel, 1)  # Kind: artifacts first
    assert [r.kind for r in panel.visible_rows()] == ["artifact"] * 3 + ["run"] * 3
    panel._filter.setText("mod")
    assert [r.key for r in panel.visible_rows()] == ["artifact:model:v0"]


def test_levels_sort_as_numbers(qtbot, built):
    for n in range(9):  # a chain long enough for level 10 to follow level 9
        built.step(f"s{n}", [f"{'report' if n == 0 else f'x{n - 1}'}:latest"],
                   [(f"x{n}", "dataset")])
    panel = _panel(qtbot, built)
    _click_header(qtbot, panel, 6)  # Level: already ascending, so this turns descending
    levels = [r.level for r in panel.visible_rows()]
    assert levels == sorted(levels, reverse=True) and levels[0] == 22


def test_copy_selected_rows_as_tsv(qtbot, built):
    panel = _panel(qtbot, built)
    table = panel.table_view()
    table.selectRow(0)
    table.selectionModel().select(
        table.model().index(2, 0),
        table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    rows = panel.visible_rows()
    assert lines[0] == "Name\tKind\tType\tVersion\tCreated\tAuthor\tLevel"
    assert len(lines) == 3
    assert lines[1].split("\t")[0] == rows[0].name and lines[1].split("\t")[6] == "1"
    assert lines[2].split("\t")[:4] == [rows[2].name, rows[2].kind, rows[2].type, rows[2].version]
    table.clearSelection()
    panel._copy.click()  # nothing selected: every row
    assert len(QGuiApplication.clipboard().text().splitlines()) == 7


def test_save_csv_writes_table_order(qtbot, built, tmp_path, monkeypatch):
    panel = _panel(qtbot, built)
    _click_header(qtbot, panel, 0)
    target = tmp_path / "impact.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(panel.csv_saved) as saved:
        panel._save.click()
    assert saved.args == [str(target)]
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert list(rows[0]) == ["key", "kind", "name", "type", "version", "created", "author",
                             "level"]
    assert [r["name"] for r in rows] == ["eval", "fan", "model", "report", "side", "train"]
    model = next(r for r in rows if r["name"] == "model")
    assert (model["key"], model["type"], model["version"], model["level"]) == (
        "artifact:model:v0", "model", "v0", "2")
    assert model["author"] == ld.Api(store=built.path).run(built.runs["train"]).author


def test_double_click_activates_the_node(qtbot, built):
    panel = _panel(qtbot, built)
    table = panel.table_view()
    target = panel.visible_rows()[3]
    rect = table.visualRect(table.model().index(3, 0))
    with qtbot.waitSignal(panel.node_clicked) as clicked:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked.args == [target.key]
    with qtbot.waitSignal(panel.node_activated) as activated:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated.args == [target.key]


def test_empty_list(qtbot):
    panel = ImpactPanel()
    qtbot.addWidget(panel)
    panel.set_rows([], "report:v0")
    assert panel._title.text() == "0 nodes downstream of report:v0"
    assert not panel._copy.isEnabled() and not panel._save.isEnabled()
