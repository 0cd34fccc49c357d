"""The as-of editor on the real window: stepping with the arrow keys reloads once, and a
moment before the focus existed says so by time, naming its first version."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit

import lineage_desktop as ld
from lineage_desktop.ui.audit.as_of import SETTLE_MS


def test_many_arrow_presses_then_enter_reload_once(opened, qtbot):
    window = opened
    control = window.audit.as_of
    with qtbot.waitSignal(window.controller.collections_loaded, timeout=20_000):
        control.set_as_of("2030-01-01T00:00:00Z")  # after everything: the same lineage
    moments, reads = [], []
    control.as_of_changed.connect(moments.append)
    window.controller.collections_loaded.connect(reads.append)  # one per re-read
    control.edit.setFocus()
    qtbot.waitUntil(control.edit.hasFocus)
    control.edit.setCurrentSection(QDateTimeEdit.Section.HourSection)
    for _ in range(12):
        qtbot.keyClick(control.edit, Qt.Key.Key_Up)
    for _ in range(3):  # then at a person's pace, each press past the short pause
        qtbot.wait(SETTLE_MS + 150)
        qtbot.keyClick(control.edit, Qt.Key.Key_Up)
    assert moments == []  # still stepping in the editor: nothing read yet
    with qtbot.waitSignal(window.controller.collections_loaded, timeout=20_000):
        qtbot.keyClick(control.edit, Qt.Key.Key_Return)
    assert moments == ["2030-01-01T15:00:00Z"]
    assert window.controller.as_of.startswith("2030-01-01T15:00:00")
    qtbot.keyClick(control.edit, Qt.Key.Key_Tab)  # focus out: nothing changed, no reload
    qtbot.wait(100)
    assert moments == ["2030-01-01T15:00:00Z"] and len(reads) == 1


def test_a_moment_before_the_focus_existed_names_its_first_version(opened, demo_store, qtbot):
    window = opened
    first = min(ld.Api(demo_store).artifact_versions("churn-model"), key=lambda v: v.created_at)
    assert first.version == "v0"
    with qtbot.waitSignal(window.controller.lineage_failed, timeout=20_000) as failed:
        window.audit.as_of.set_as_of("2001-01-01T00:00:00Z")
    message = failed.args[1]
    assert "did not exist yet at 2001-01-01 00:00:00 UTC" in message
    assert f"first version v0 was logged at {first.created_at[:19].replace('T', ' ')}" in message
    assert "closest" not in message
    assert message in window.status_text.text()


def test_the_timeline_lists_the_focus_versions_and_picking_one_applies_it(
    opened, demo_store, qtbot,
):
    window = opened
    control = window.audit.as_of
    versions = ld.Api(demo_store).artifact_versions("churn-model")
    expected = sorted((v.created_at for v in versions), reverse=True)
    qtbot.waitUntil(lambda: control.timeline_moments() == expected, timeout=10_000)
    assert control.timeline.isEnabled()
    actions = control.timeline.menu().actions()
    assert actions[-1].text().startswith("churn-model:v0 — ")
    middle = actions[len(actions) // 2]
    with qtbot.waitSignal(window.controller.collections_loaded, timeout=20_000):
        middle.trigger()
    assert control.checkbox.isChecked()
    assert window.controller.as_of[:19] == str(middle.data())[:19]
    # Picking an older moment keeps every version on offer (read as the store is now).
    qtbot.waitUntil(lambda: window.controller.snapshot is not None, timeout=10_000)
    assert control.timeline_moments()[: len(expected)] == expected
