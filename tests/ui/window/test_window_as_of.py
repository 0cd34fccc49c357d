"""The as-of editor on the real window: stepping with the arrow keys reloads once, and a
moment before the focus existed says so by time, naming its first version."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit, QPushButton

import lineage_desktop as ld
from lineage_desktop.store import Store
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
    qtbot.waitUntil(lambda: _version_moments(control) == expected, timeout=10_000)
    assert control.timeline.isEnabled()
    actions = [a for a in control.timeline.menu().actions() if ":v" in a.text()]
    assert actions[-1].text().startswith("churn-model:v0 — ")
    middle = actions[len(actions) // 2]
    with qtbot.waitSignal(window.controller.collections_loaded, timeout=20_000):
        middle.trigger()
    assert control.checkbox.isChecked()
    assert window.controller.as_of[:19] == str(middle.data())[:19]
    # Picking an older moment keeps every version on offer (read as the store is now).
    qtbot.waitUntil(lambda: window.controller.snapshot is not None, timeout=10_000)
    assert _version_moments(control) == expected


def _version_moments(control) -> list[str]:
    return [str(a.data()) for a in control.timeline.menu().actions() if ":v" in a.text()]


def test_the_timeline_lists_alias_moves_in_time_order_and_picking_one_applies_it(
    opened, demo_store, qtbot,
):
    window = opened
    control = window.audit.as_of
    store = Store.open(demo_store)
    project = store.find_projects("churn", "acme")[0]
    with store.transaction() as conn:  # production moved to v4 at a moment of its own
        conn.execute("INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                     "SELECT a.id, 'production', v.id, '2026-08-15T10:00:00.000000Z' "
                     "FROM artifacts a JOIN versions v ON v.artifact_id = a.id "
                     "WHERE a.name = 'churn-model' AND a.project_id = ? AND v.idx = 4",
                     (project.id,))
        conn.execute("INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                     "SELECT artifact_id, 'best', NULL, '2026-08-16T10:00:00.250000Z' "
                     "FROM alias_history WHERE set_at = '2026-08-15T10:00:00.000000Z'")
    store.close()
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("churn-model:v4")
    snap = window.controller.snapshot
    assert "production" not in snap.attrs(snap.focus).aliases  # now it is v13's
    label = "production → v4 — 2026-08-15 10:00:00 UTC"
    qtbot.waitUntil(lambda: label in [a.text() for a in control.timeline.menu().actions()],
                    timeout=10_000)
    actions = control.timeline.menu().actions()
    moments = [str(a.data()) for a in actions]
    assert moments == sorted(moments, reverse=True)  # one list in time order, newest first
    at = [a.text() for a in actions].index(label)
    assert actions[at - 2].text().startswith("churn-model:v5 — ")  # between the versions
    assert actions[at + 1].text().startswith("churn-model:v4 — ")  # logged around it
    # A removal, with the milliseconds that tell moves within one second apart.
    assert actions[at - 1].text() == "best → removed — 2026-08-16 10:00:00.250 UTC"
    # A move made as a version was logged ("latest") is that version's line, not a second.
    assert not any(a.text().startswith("latest → ") for a in actions)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        actions[at].trigger()
    assert control.checkbox.isChecked()
    assert window.controller.as_of.startswith("2026-08-15T10:00:00")
    snap = window.controller.snapshot  # as of then, production was v4's
    assert snap.label(snap.focus) == "churn-model:v4"
    assert "production" in snap.attrs(snap.focus).aliases


def test_before_the_focus_existed_the_banner_offers_its_first_version_then(
    opened, demo_store, qtbot,
):
    window = opened
    first = min(ld.Api(demo_store).artifact_versions("churn-model"), key=lambda v: v.created_at)
    with qtbot.waitSignal(window.controller.lineage_failed, timeout=20_000):
        window.audit.as_of.set_as_of("2001-01-01T00:00:00Z")
    banner = window.banner
    button = banner.findChild(QPushButton, "messageBannerAction")
    assert banner.isVisible() and "did not exist yet" in banner.text()
    assert button.isVisible() and button.text() == "Show v0 as of its creation"
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert window.audit.as_of.checkbox.isChecked()
    assert window.controller.as_of[:19] == first.created_at[:19]
    snap = window.controller.snapshot
    assert snap.label(snap.focus) == "churn-model:v0"
    assert snap.label(snap.focus) in window.status_text.text()
    # Nothing logged after v0 is in the lineage as of then.
    assert all(snap.attrs(k).label_or(k) != "churn-model:v1" for k in snap.view.nodes)
    # A message that offers nothing shows no button.
    window.notify("something else", "warning")
    assert not button.isVisible()


def test_the_timeline_lists_a_page_of_versions_and_reads_older_ones_on_demand(
    opened, demo_store, qtbot, monkeypatch,
):
    """A collection of half a million versions must not put half a million entries in
    the menu: it lists the newest page and ends with "Older versions…", which reads on."""
    from lineage_desktop.ui.session import queries

    window = opened
    control = window.audit.as_of
    versions = ld.Api(demo_store).artifact_versions("churn-model")
    expected = sorted((v.created_at for v in versions), reverse=True)
    assert len(expected) > 4
    monkeypatch.setattr(queries, "TIMELINE_VERSIONS", 2)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("churn-model:v1")  # a new focus: its timeline is read again
    qtbot.waitUntil(lambda: _version_moments(control) == expected[:2], timeout=10_000)
    older = control.older_action()
    assert older is not None and older.text() == "Older versions…"
    assert control.timeline.menu().actions()[-1] is older  # the last entry of the menu
    older.trigger()
    qtbot.waitUntil(lambda: _version_moments(control) == expected[:4], timeout=10_000)
    while control.older_action() is not None:  # read on to the first version
        shown = len(_version_moments(control))
        control.older_action().trigger()
        qtbot.waitUntil(lambda n=shown: len(_version_moments(control)) > n, timeout=10_000)
    assert _version_moments(control) == expected  # each version once, newest first
    moments = control.timeline_moments()
    assert moments == sorted(moments, reverse=True) and len(set(moments)) == len(moments)
