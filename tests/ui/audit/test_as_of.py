"""AsOfControl: ticking, editing and unticking emit the moment; the moment works as-of."""
from __future__ import annotations

import time
from datetime import timedelta

from PySide6.QtCore import QDateTime

import lineage_desktop as ld
from lineage_desktop.records.text import from_iso as parse_iso
from lineage_desktop.store import utc_now
from lineage_desktop.ui.audit import AsOfControl
from lineage_desktop.ui.audit.as_of import from_iso, to_iso


def test_iso_round_trip_is_utc():
    assert to_iso(from_iso("2026-08-03T08:00:00Z")) == "2026-08-03T08:00:00Z"
    assert to_iso(from_iso("2026-08-03T10:00:00+02:00")) == "2026-08-03T08:00:00Z"
    assert to_iso(from_iso("2026-08-03 08:00")) == "2026-08-03T08:00:00Z"  # naive is UTC
    # The editor holds milliseconds: a moment logged between two is rounded up, so that
    # "as of" it includes what was logged then.
    assert to_iso(from_iso("2026-08-03T08:00:00.123456Z")) == "2026-08-03T08:00:00.124Z"
    assert to_iso(from_iso("2026-08-03T08:00:00.123000Z")) == "2026-08-03T08:00:00.123Z"


def test_tick_edit_untick_emit(qtbot, artifacts_dir):
    control = AsOfControl()
    qtbot.addWidget(control)
    assert control.as_of() is None and not control.edit.isEnabled()
    control.edit.setDateTime(from_iso("2026-08-03T08:00:00Z"))  # unticked: no signal
    with qtbot.waitSignal(control.as_of_changed) as ticked:
        control.checkbox.click()
    assert ticked.args == ["2026-08-03T08:00:00Z"]
    assert control.edit.isEnabled()
    with qtbot.waitSignal(control.as_of_changed, timeout=3000) as edited:
        control.edit.setDateTime(from_iso("2026-09-01T12:30:15Z"))
    assert edited.args == ["2026-09-01T12:30:15Z"]
    control.show()
    qtbot.waitExposed(control)
    control.grab().save(str(artifacts_dir / "ui_audit_as_of.png"))
    with qtbot.waitSignal(control.as_of_changed) as unticked:
        control.checkbox.click()
    assert unticked.args == [None]
    assert control.as_of() is None and not control.edit.isEnabled()


def test_stepping_emits_once_after_a_pause(qtbot):
    control = AsOfControl()
    qtbot.addWidget(control)
    control.set_as_of("2026-08-03T08:00:00Z")
    seen = []
    control.as_of_changed.connect(seen.append)
    for hour in range(9, 14):  # as if the user held the up arrow
        control.edit.setDateTime(from_iso(f"2026-08-03T{hour:02d}:00:00Z"))
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == ["2026-08-03T13:00:00Z"]


def test_set_as_of_and_the_moment_filters_lineage(qtbot, built):
    moment = utc_now()
    time.sleep(0.01)  # distinct stored timestamps (the control keeps milliseconds)
    built.step("late", ["raw:latest"], [("late", "dataset")])
    control = AsOfControl()
    qtbot.addWidget(control)
    with qtbot.waitSignal(control.as_of_changed) as changed:
        control.set_as_of(moment)
    assert control.checkbox.isChecked()
    # Stored microseconds, rounded up to the control's milliseconds: as of it, what was
    # logged at that moment is there.
    shown, asked = parse_iso(changed.args[0]), parse_iso(moment)
    assert asked <= shown < asked + timedelta(milliseconds=1)
    then = ld.Api(store=built.path, as_of=changed.args[0]).lineage("raw")
    assert built.runs["late"] not in then and built.runs["prep"] in then
    assert built.runs["late"] in ld.Api(store=built.path).lineage("raw")


def test_now_button(qtbot):
    control = AsOfControl()
    qtbot.addWidget(control)
    control.set_as_of("2020-01-01T00:00:00Z")
    before = QDateTime.currentDateTimeUtc().toSecsSinceEpoch()
    with qtbot.waitSignal(control.as_of_changed) as changed:
        control.now_button.click()
    assert from_iso(changed.args[0]).toSecsSinceEpoch() >= before
