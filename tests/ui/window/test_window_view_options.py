"""View options (depths, clustering, direction) belong to one store, are shown while they
differ from the defaults, and View > Reset view options brings the defaults back."""
from __future__ import annotations

from backend_switch import store_arg
from PySide6.QtWidgets import QMenu

from lineage_desktop.graph.clusters import DEFAULT_THRESHOLD


def _open(window, path, qtbot):
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        assert window.open_store(path)
        window.show_lineage("churn-model:production")


def test_options_are_per_store_visible_and_reset(opened, demo_store, demo_copy, tmp_path,
                                                 qtbot):
    window, toolbar = opened, opened.toolbar
    label = window.findChild(type(window.status_text), "viewOptionsLabel")
    assert label.text() == "" and not window.view_options.reset.isEnabled()
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        toolbar.threshold.setValue(500)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.actions_.direction_tb.trigger()
    assert label.isVisible() and label.text() == "View: Cluster at 500, Top to bottom"

    other = tmp_path / "other.db"
    demo_copy(other)
    _open(window, other, qtbot)
    assert toolbar.threshold.value() == DEFAULT_THRESHOLD  # nothing carried over
    assert toolbar.direction.currentData() == "LR" and window.controller.direction == "LR"
    assert label.text() == ""

    _open(window, demo_store, qtbot)  # the first store keeps its own choice
    assert toolbar.threshold.value() == 500 and window.controller.cluster_threshold == 500
    assert window.controller.direction == "TB" and window.actions_.direction_tb.isChecked()
    assert label.text() == "View: Cluster at 500, Top to bottom"

    view_menu = window.menuBar().findChild(QMenu, "viewMenu")
    reset = next(a for a in view_menu.actions() if a.objectName() == "resetViewOptions")
    assert reset.isEnabled() and reset.text() == "Reset view options"
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        reset.trigger()
    assert window.controller.cluster_threshold == DEFAULT_THRESHOLD
    assert window.controller.direction == "LR" and toolbar.direction.currentData() == "LR"
    assert toolbar.threshold.value() == DEFAULT_THRESHOLD and label.text() == ""
    assert window.settings.view_options(store_arg(demo_store.absolute())) == {}
