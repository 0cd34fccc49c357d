"""Nothing stale (issue 15, item 6): the Details dock, the focus page, the Impact tab and
the report follow the current selection, focus and store, however they changed (click,
drag, refocus, another store, a graph replaced, verify)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from window_helpers import drag, item_point

import lineage_desktop as ld


def _card(window, predicate):
    snap = window.controller.snapshot
    for item in window.scene().node_items():
        key = str(item.data(0))
        if predicate(key, snap):
            return item
    raise AssertionError("no such card")


def _other_artifact(key, snap):
    return key.startswith("artifact:") and key != snap.focus


def test_dragging_a_node_shows_it_in_the_dock(opened, qtbot):
    window = opened
    item = _card(window, _other_artifact)
    key = str(item.data(0))
    start = item_point(window.view, item)
    before = item.pos()
    drag(qtbot, window.view.viewport(), start, start + QPoint(40, 60))
    assert item.pos() != before  # it moved
    assert item.isSelected()
    qtbot.waitUntil(lambda: window.preview.details.key == key, timeout=5_000)
    assert window.preview.page() == "node"


def test_refocus_leaves_no_node_of_the_old_graph_in_the_dock(opened, qtbot):
    window = opened
    # Show a node upstream of the focus, then re-focus on the newest downstream node:
    # what was shown is not part of the new lineage.
    snap = window.controller.snapshot
    upstream = next(k for k in snap.view if k.startswith("artifact:raw-"))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=item_point(window.view, window.scene().node_item(upstream)))
    qtbot.waitUntil(lambda: window.preview.details.key == upstream, timeout=5_000)
    target = "artifact:serving-bundle:v0"
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("serving-bundle:v0")
    new = window.controller.snapshot
    assert upstream not in new.view or window.preview.details.key != upstream
    # The dock shows what is current: the new focus (nothing is selected).
    assert window.preview.details.key == target
    assert window.preview.page() == "node"


def test_another_store_clears_the_old_node(opened, demo_copy, tmp_path: Path, qtbot):
    window = opened
    item = _card(window, _other_artifact)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=item_point(window.view, item))
    qtbot.waitUntil(lambda: window.preview.page() == "node", timeout=5_000)
    other = tmp_path / "other.db"
    with ld.init(project="q", entity="e", store=other) as run:
        a = ld.Artifact("other-thing", "dataset")
        with a.new_file("x.txt") as handle:
            handle.write("x")
        run.log_artifact(a)
    assert window.open_store(other)
    assert window.preview.page() == "empty"
    assert window.preview.details.key is None
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("other-thing:v0")
    assert window.preview.details.key == "artifact:other-thing:v0"
    # Back to a copy of the first store, same lineage: nothing of before survives.
    copy = tmp_path / "copy.db"
    demo_copy(copy)
    assert window.open_store(copy)
    assert window.preview.details.key is None


def test_the_files_table_is_there_for_an_artifact_with_files(opened, qtbot):
    window = opened
    item = _card(window, _other_artifact)
    key = str(item.data(0))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=item_point(window.view, item))
    details = window.preview.details
    qtbot.waitUntil(lambda: details.key == key and details.files.isVisible(), timeout=5_000)
    count = details.files_model.rowCount()
    assert count > 0
    # The graph is replaced by a refresh (hide another node): the table stays.
    other = _card(window, lambda k, s: k.startswith("run:")
                  and k not in (s.focus, key))
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.controller.hide(str(other.data(0)))
    qtbot.waitUntil(lambda: details.key == key and details.files.isVisible(), timeout=5_000)
    assert details.files_model.rowCount() == count


def test_the_impact_tab_lists_the_downstream_of_the_focus_without_the_menu(
        opened, demo_store, qtbot):
    window = opened
    audit = window.audit
    audit.dock.show()
    audit.tabs.setCurrentWidget(audit.impact)
    with ld.Api(demo_store) as api:
        from lineage_desktop.audit import impact_rows

        expected = {row.key for row in impact_rows(api, window.controller.snapshot.focus)}
    assert expected
    qtbot.waitUntil(lambda: {r.key for r in audit.impact.visible_rows()} == expected,
                    timeout=10_000)
    # Selecting a node lists its downstream; a new focus lists the new focus's.
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("raw-events:latest")
    focus = window.controller.snapshot.focus
    with ld.Api(demo_store) as api:
        expected = {row.key for row in impact_rows(api, focus)}
    qtbot.waitUntil(lambda: {r.key for r in audit.impact.visible_rows()} == expected,
                    timeout=10_000)


def test_the_report_includes_the_integrity_check_run_in_the_window(opened, tmp_path, qtbot):
    window = opened
    with qtbot.waitSignal(window.audit.runner.finished, timeout=30_000):
        window.audit.verify_action.trigger()
    inputs = window.audit._report_inputs()
    assert inputs is not None and inputs.integrity is not None
    target = window.audit.report.write(tmp_path / "report.html", inputs)
    html = Path(target).read_text(encoding="utf-8")
    assert "Integrity was not checked." not in html


def test_the_report_keeps_the_integrity_check_across_a_re_read(opened, tmp_path, qtbot):
    window = opened
    with qtbot.waitSignal(window.audit.runner.finished, timeout=30_000):
        window.audit.verify_action.trigger()
    snap = window.controller.snapshot
    window.controller.reload_lineage(fit=False)  # what a live refresh does
    qtbot.waitUntil(lambda: window.controller.snapshot is not snap, timeout=10_000)
    inputs = window.audit._report_inputs()
    assert inputs is not None and inputs.integrity is not None
