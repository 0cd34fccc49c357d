"""Hiding keeps the picture (a mark where the node was), extraction continues the
lineage, and Back/Forward bring back what the user changed in each lineage."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QListView, QToolTip
from window_helpers import drag, item_point, keys_in_scene, move

from lineage_desktop.records import is_cluster_key


def _hover_and_click_eye(window, qtbot, item):
    view = window.view
    view.centerOn(item)
    eye = item_point(view, item, item.eye_rect().center())
    move(view.viewport(), item_point(view, item))
    move(view.viewport(), eye)
    qtbot.waitUntil(lambda: item._eye_hot)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=eye)


def _xs(scene):
    return {str(item.data(0)): item.pos().x() for item in scene.node_items()}


def test_hiding_a_run_keeps_its_output_in_its_column_and_leaves_a_mark(
    opened, qtbot, artifacts_dir
):
    window, scene = opened, opened.scene()
    snap = window.controller.snapshot
    run = next(k for k in snap.view.predecessors(snap.focus) if k.startswith("run:"))
    label = window.controller.node_attrs(run)["label"]
    inputs = set(snap.view.predecessors(run))
    before = _xs(scene)
    run_pos = scene.node_item(run).pos()

    _hover_and_click_eye(window, qtbot, scene.node_item(run))

    assert run not in keys_in_scene(window)
    after = _xs(scene)
    assert abs(after[snap.focus] - before[snap.focus]) < 0.5  # the output keeps its column
    assert all(abs(after[k] - before[k]) < 0.5 for k in after)  # so does everything else
    [mark] = scene.hidden_mark_items()
    assert mark.text == "1 hidden" and mark.mark.members == (run,)
    assert abs(mark.pos().x() - run_pos.x()) < 0.5  # where the run was
    assert label in mark.tooltip_markup() and "Hidden nodes" in mark.tooltip_markup()
    view = window.view
    view.centerOn(mark)
    at = item_point(view, mark)
    tip = QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), tip)  # hovering long enough for a tooltip
    assert label in QToolTip.text() and "View &gt; Hidden nodes" in QToolTip.text()
    ends = {(s.ends[0].key, s.ends[1].key) for s in scene.stub_items()}
    assert ends == {(k, mark.key) for k in inputs} | {(mark.key, snap.focus)}
    window.grab().save(str(artifacts_dir / "hide_keeps_the_picture.png"))

    # clicking the mark shows the run again, in its place
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, mark))
    assert run in keys_in_scene(window) and scene.hidden_mark_items() == []
    assert window.controller.hidden_nodes() == []
    assert abs(scene.node_item(run).pos().x() - run_pos.x()) < 0.5


def test_the_focus_shows_no_eye_and_cannot_be_hidden_by_clicking_there(opened, qtbot):
    window, scene, view = opened, opened.scene(), opened.view
    focus = scene.node_item(window.controller.snapshot.focus)
    assert focus.focused and not focus.can_hide
    view.centerOn(focus)
    eye = item_point(view, focus, focus.eye_rect().center())
    move(view.viewport(), item_point(view, focus))
    move(view.viewport(), eye)
    qtbot.waitUntil(lambda: focus._hovered)
    assert not focus._eye_hot
    with qtbot.assertNotEmitted(scene.hide_requested):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=eye)
        QApplication.processEvents()
    assert focus.isSelected()  # a plain click on the card: it selects it
    assert window.controller.hidden_nodes() == []
    # another node still has its eye
    other = next(i for i in scene.node_items() if i is not focus and not i.key.startswith("cl"))
    assert other.can_hide


def _open_cluster(window, qtbot, cluster_key):
    scene, view = window.scene(), window.view
    cluster = scene.node_item(cluster_key)
    view.centerOn(cluster)
    with qtbot.waitSignal(scene.cluster_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, cluster))
    return window.preview.cluster


def _extract_via_search(window, qtbot, cluster_key, member):
    panel = _open_cluster(window, qtbot, cluster_key)
    search = window.findChild(QLineEdit, "clusterSearch")
    listing = window.findChild(QListView, "clusterMembers")
    assert search.isVisible()
    attrs = window.controller.node_attrs(member)
    qtbot.keyClicks(search, attrs["label"] if attrs["kind"] == "artifact" else attrs["name"])
    assert panel.member_keys()[0] == member
    row = 0
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.arrow_rect(row).center())


def _edge_keys(scene):
    return {(e.source.key, e.target.key) for e in scene.edge_items()}


def _clustered(window, demo_store, qtbot):
    window.open_store(demo_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("train-split:v0")
    return window


def _clusters(window, kind):
    view = window.controller.snapshot.view
    return [k for k in view if is_cluster_key(k) and view.nodes[k]["member_kind"] == kind]


def test_an_extracted_model_connects_to_its_own_producer_run(
    window, demo_store, qtbot, artifacts_dir
):
    _clustered(window, demo_store, qtbot)
    scene = window.scene()
    [models] = _clusters(window, "artifact")
    [runs] = _clusters(window, "run")
    raw = window.controller.snapshot.raw
    member = next(m for m in window.controller.node_attrs(models)["members"]
                  if list(raw.successors(m)))
    [producer] = raw.predecessors(member)
    consumers = set(raw.successors(member))
    assert (runs, models) in _edge_keys(scene)

    _extract_via_search(window, qtbot, models, member)

    edges = _edge_keys(scene)
    # upstream: from the exact run that logged it, pulled out of the run cluster
    assert producer in keys_in_scene(window)
    assert {s for s, t in edges if t == member} == {producer}
    assert (runs, member) not in edges
    runs_now = window.controller.node_attrs(runs)["members"]
    assert producer not in runs_now and len(runs_now) == 5
    # downstream: to the exact runs that used it
    assert {t for s, t in edges if s == member} == consumers
    # the producer's own input continues the line back to the focus
    assert ("artifact:train-split:v0", producer) in edges
    window.grab().save(str(artifacts_dir / "extraction_continues.png"))


def test_an_extracted_run_connects_to_its_own_model(window, demo_store, qtbot):
    _clustered(window, demo_store, qtbot)
    scene = window.scene()
    [runs] = _clusters(window, "run")
    raw = window.controller.snapshot.raw
    member = next(m for m in window.controller.node_attrs(runs)["members"]
                  if list(raw.successors(m)))
    outputs = set(raw.successors(member))
    _extract_via_search(window, qtbot, runs, member)
    edges = _edge_keys(scene)
    assert {t for s, t in edges if s == member} == outputs
    assert not any(is_cluster_key(t) for s, t in edges if s == member)
    assert ("artifact:train-split:v0", member) in edges


def test_back_and_forward_restore_extraction_hidden_nodes_and_positions(
    window, demo_store, qtbot
):
    _clustered(window, demo_store, qtbot)
    c, scene, view = window.controller, window.scene(), window.view
    [runs] = _clusters(window, "run")
    member = c.node_attrs(runs)["members"][1]
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        c.extract(member)
    snap = c.snapshot
    hide = next(k for k in snap.view.predecessors("artifact:train-split:v0"))
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        c.hide(hide)
    card = scene.node_item(member)
    laid_out = card.pos()
    view.centerOn(card)
    start = item_point(view, card)
    drag(qtbot, view.viewport(), start, start + QPoint(0, 90))
    dragged = (card.pos().x(), card.pos().y())
    assert dragged[1] > laid_out.y() + 40 and abs(dragged[0] - laid_out.x()) < 0.5
    shown_a = keys_in_scene(window)

    # somewhere else, change something there too
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("churn-model:production")
    b_focus = c.snapshot.focus
    b_hide = next(k for k in c.snapshot.view.successors(b_focus))
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        c.hide(b_hide)
    shown_b = keys_in_scene(window)

    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.actions_.back.trigger()
    assert c.snapshot.focus == "artifact:train-split:v0"
    assert member in c.snapshot.view and member not in c.node_attrs(runs)["members"]
    assert c.snapshot.extracted == (member,)
    assert [k for k, _ in c.hidden_nodes()] == [hide]
    assert any(m.mark.members == (hide,) for m in scene.hidden_mark_items())
    assert keys_in_scene(window) == shown_a
    pos = scene.node_item(member).pos()
    assert abs(pos.x() - dragged[0]) < 0.5 and abs(pos.y() - dragged[1]) < 0.5  # sub-pixel

    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.actions_.forward.trigger()
    assert c.snapshot.focus == b_focus
    assert [k for k, _ in c.hidden_nodes()] == [b_hide]
    assert keys_in_scene(window) == shown_b

    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.actions_.back.trigger()
    assert c.snapshot.extracted == (member,) and keys_in_scene(window) == shown_a
