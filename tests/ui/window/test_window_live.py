"""Live updates: another process writes to the open store; the window follows within a
few seconds, keeping dragged positions, hidden nodes and the zoom."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from backend_switch import store_arg
from PySide6.QtCore import QPoint
from window_helpers import collection_row, drag, item_point, keys_in_scene

import lineage_desktop as ld
from lineage_desktop.ui.sidebar.artifact_model import SecondaryRole

WRITER = textwrap.dedent("""
    import sys
    import lineage_desktop as ld
    store, focus = sys.argv[1], sys.argv[2]
    with ld.init(project="churn", entity="acme", job_type="audit", name="late-auditor",
                 store=store) as run:
        run.use_artifact(focus)
        report = ld.Artifact("audit-report", "audit", description="written while open")
        with report.new_file("report.txt") as handle:
            handle.write("all good")
        run.log_artifact(report)
        model = ld.Artifact("churn-model", "model", metadata={"auc": 0.99})
        with model.new_file("model.pkl") as handle:
            handle.write("a model logged by another process")
        run.log_artifact(model)
""")


def _write_from_another_process(store: Path, focus: str) -> None:
    subprocess.run([sys.executable, "-c", WRITER, store_arg(store), focus], check=True, timeout=60)


def test_new_versions_and_runs_appear_without_reopening(opened, demo_store, qtbot):
    window = opened
    index = collection_row(window, "churn-model")
    window.sidebar.tree.expand(index)
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount(index) > 1, timeout=10_000)
    before = model.rowCount(index)
    newest = model.index(0, 0, index).data()
    focus = window.controller.snapshot.focus
    _write_from_another_process(demo_store, focus.removeprefix("artifact:"))
    qtbot.waitUntil(lambda: model.rowCount(index) == before + 1, timeout=10_000)
    assert model.index(0, 0, index).data() == f"v{int(newest[1:]) + 1}"
    assert "latest" in model.index(0, 0, index).data(SecondaryRole)
    qtbot.waitUntil(lambda: collection_row(window, "audit-report") is not None, timeout=10_000)
    qtbot.waitUntil(
        lambda: any(
            window.controller.node_attrs(k).get("name") == "late-auditor"
            for k in keys_in_scene(window)
        ),
        timeout=10_000,
    )


def test_live_refresh_keeps_dragged_positions_hidden_nodes_and_zoom(opened, demo_store, qtbot):
    window, scene, view = opened, opened.scene(), opened.view
    snap = window.controller.snapshot
    hidden = next(iter(snap.view.successors(snap.focus)))
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.controller.hide(hidden)
    producer = next(iter(snap.view.predecessors(snap.focus)))
    item = scene.node_item(producer)
    view.centerOn(item)
    start = item_point(view, item)
    drag(qtbot, view.viewport(), start, start + QPoint(-30, 120))
    dragged = scene.node_item(producer).pos()
    view.set_zoom(1.3)
    zoom = view.zoom_factor()
    nodes_before = set(keys_in_scene(window))

    _write_from_another_process(demo_store, snap.focus.removeprefix("artifact:"))
    qtbot.waitUntil(lambda: len(keys_in_scene(window)) > len(nodes_before), timeout=10_000)
    assert scene.node_item(producer).pos() == dragged
    assert scene.node_item(producer).isSelected()  # the dragged card stays picked
    assert hidden not in keys_in_scene(window)
    assert abs(view.zoom_factor() - zoom) < 1e-9
    assert nodes_before <= keys_in_scene(window)


def test_dragged_positions_are_remembered_per_store(opened, demo_store, qtbot):
    window, scene, view = opened, opened.scene(), opened.view
    focus = window.controller.snapshot.focus
    item = scene.node_item(focus)
    view.centerOn(item)
    start = item_point(view, item)
    drag(qtbot, view.viewport(), start, start + QPoint(0, 150))
    dragged = scene.node_item(focus).pos()
    window.close()  # saves the positions
    saved = window.settings.positions(store_arg(Path(demo_store).absolute()), focus, "LR")
    assert saved[focus] == (round(dragged.x(), 1), round(dragged.y(), 1))


def test_writes_outside_the_lineage_do_not_redraw_it(opened, demo_store, qtbot):
    window = opened
    items_before = window.scene().node_items()
    shown = []
    window.controller.lineage_shown.connect(lambda *args: shown.append(args))
    with ld.init(project="churn", entity="acme", job_type="unrelated", store=demo_store) as run:
        run.log_artifact(ld.Artifact("scratch", "notes"))
    qtbot.waitUntil(
        lambda: window.sidebar.tree_model.index_of_collection("scratch").isValid(), timeout=10_000
    )
    qtbot.waitUntil(lambda: not window.controller.is_busy(), timeout=10_000)
    assert shown == []
    assert window.scene().node_items() == items_before  # the very same items


def test_a_commit_seen_while_a_lineage_is_asked_for_is_read_after_it(opened, demo_store, qtbot):
    """The live re-read of the graph on screen does not supersede the user's request (it
    dropped it: the window stayed on the old focus); it follows the request's answer."""
    window = opened
    _write_from_another_process(demo_store, "churn-model:v4")  # a run that used v4
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000) as ready:
        window.show_lineage("churn-model:v4")
        assert window.controller.poll()  # the commit is seen before the answer comes
    assert ready.args == [window.controller.focus()]
    snap = window.controller.snapshot
    assert snap.label(snap.focus) == "churn-model:v4"
    qtbot.waitUntil(  # the re-read that waited shows the run that used v4
        lambda: any(window.controller.node_attrs(k).get("name") == "late-auditor"
                    for k in keys_in_scene(window)),
        timeout=10_000,
    )
