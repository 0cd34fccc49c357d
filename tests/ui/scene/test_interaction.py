"""Mouse and keyboard on the real view: clicks, double-clicks, drags, wheel, hover eye."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QPainterPath
from PySide6.QtWidgets import QApplication
from qt_events import drag, move, wheel  # noqa: F401  (re-exported for the tests)
from scene_graphs import view_point


def card_point(view, card, local=None):
    """Viewport pixel of a card's centre (or of ``local``, in card coordinates)."""
    scene_point = card.mapToScene(local) if local is not None else card.sceneBoundingRect().center()
    return view_point(view, scene_point)


def test_click_emits_node_clicked_with_the_key_and_selects(small, qtbot):
    view, scene = small.view, small.scene
    card = scene.node_item("run:eval1")
    with qtbot.waitSignal(scene.selection_keys_changed) as selection:
        with qtbot.waitSignal(scene.node_clicked) as clicked:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=card_point(view, card))
    assert clicked.args == ["run:eval1"]
    assert selection.args == [["run:eval1"]]
    assert card.isSelected()
    assert all(e.emphasised for e in card.edges())


def test_double_click_emits_node_activated(small, qtbot):
    view, scene = small.view, small.scene
    card = scene.node_item("artifact:churn-model:v3")
    with qtbot.waitSignal(scene.node_activated) as activated:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=card_point(view, card))
    assert activated.args == ["artifact:churn-model:v3"]


def test_signal_slot_may_rebuild_the_scene_under_the_click(small, qtbot):
    view, scene = small.view, small.scene
    rebuilt = []

    def rebuild(key: str) -> None:  # what the window does on re-focus: new items
        scene.set_graph(small.graph, small.layout)
        rebuilt.append(key)

    scene.node_activated.connect(rebuild)
    card = scene.node_item("run:eval1")
    with qtbot.waitSignal(scene.node_activated):
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=card_point(view, card))
    qtbot.waitUntil(lambda: rebuilt == ["run:eval1"])
    assert scene.node_item("run:eval1") is not card


def test_cluster_click_emits_cluster_clicked(small, qtbot):
    view, scene = small.view, small.scene
    cluster = scene.node_item("cluster:1:run:score")
    with qtbot.assertNotEmitted(scene.node_clicked):
        with qtbot.waitSignal(scene.cluster_clicked) as clicked:
            qtbot.mouseClick(
                view.viewport(), Qt.MouseButton.LeftButton, pos=card_point(view, cluster)
            )
    assert clicked.args == ["cluster:1:run:score"]


def test_drag_moves_the_card_and_its_edges_follow(small, qtbot):
    view, scene = small.view, small.scene
    card = scene.node_item("run:eval1")
    incoming = next(e for e in card.edges() if e.target is card)
    outgoing = next(e for e in card.edges() if e.source is card)
    start_pos = card.pos()
    tip_before = incoming.control_points()[-1]
    tail_before = outgoing.control_points()[0]
    press = card_point(view, card)
    vp = view.viewport()
    with qtbot.assertNotEmitted(scene.node_clicked):
        qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=press)
        for step in range(1, 6):
            move(vp, press + QPoint(8 * step, 6 * step), Qt.MouseButton.LeftButton)
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=press + QPoint(40, 30))
        QApplication.processEvents()
    shift = card.pos() - start_pos
    assert (round(shift.x()), round(shift.y())) == (40, 30)  # zoom is 1:1
    assert incoming.control_points()[-1] - tip_before == shift
    assert outgoing.control_points()[0] - tail_before == shift
    assert "run:eval1" in scene.positions(moved_only=True)
    assert scene.positions()["run:eval1"] == (card.pos().x(), card.pos().y())


def test_dragged_edges_stay_smooth_curves_that_keep_their_end_tangents(small, qtbot):
    """Dragging a card straight down: its edges become S curves that still leave and
    enter the cards along the layout's direction (each control point moves with its
    knot), not straight diagonals."""
    view, scene = small.view, small.scene
    card = scene.node_item("run:eval1")
    incoming = next(e for e in card.edges() if e.target is card)
    before = incoming.control_points()
    press = card_point(view, card)
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=press)
    for step in range(1, 6):
        move(vp, press + QPoint(0, 16 * step), Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=press + QPoint(0, 80))
    QApplication.processEvents()
    after = incoming.control_points()
    assert len(after) == len(before) and (len(after) - 1) % 3 == 0

    def direction(a, b):
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = (dx * dx + dy * dy) ** 0.5 or 1.0
        return (round(dx / length, 3), round(dy / length, 3))

    # The tangents at both ends are the layout's, whatever the drag did.
    assert direction(after[0], after[1]) == direction(before[0], before[1])
    assert direction(after[-2], after[-1]) == direction(before[-2], before[-1])
    path = incoming.path()
    kinds = {path.elementAt(i).type for i in range(path.elementCount())}
    assert QPainterPath.ElementType.CurveToElement in kinds


def test_drag_background_pans_the_view(small, qtbot):
    view = small.view
    vp = view.viewport()
    empty = QPoint(10, vp.height() - 10)
    assert not [i for i in view.items(empty) if i.data(0) and not str(i.data(0)).count("->")]
    before = view.mapToScene(empty)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=empty)
    move(vp, empty + QPoint(50, -40), Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=empty + QPoint(50, -40))
    after = view.mapToScene(empty)
    assert (round(before.x() - after.x()), round(before.y() - after.y())) == (50, -40)


def test_wheel_zooms_keeping_the_point_under_the_cursor(small, qtbot):
    view = small.view
    vp = view.viewport()
    cursor = QPoint(300, 150)
    anchor = view.mapToScene(cursor)
    wheel(vp, cursor, 240)
    assert view.zoom_factor() > 1.3
    after = view.mapToScene(cursor)
    assert abs(after.x() - anchor.x()) < 1.5 and abs(after.y() - anchor.y()) < 1.5
    wheel(vp, cursor, -480)
    assert view.zoom_factor() < 0.8
    after = view.mapToScene(cursor)
    assert abs(after.x() - anchor.x()) < 2.5 and abs(after.y() - anchor.y()) < 2.5


def test_zoom_is_clamped_and_keyboard_zooms(small, qtbot):
    view = small.view
    assert view.set_zoom(1000.0) == 4.0
    view.set_zoom(1.0)
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert abs(view.zoom_factor() - 1.25) < 1e-6
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert abs(view.zoom_factor() - 1.0) < 1e-6
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    rect = small.scene.content_rect()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(rect)
    assert view.zoom_factor() <= 1.0


def test_center_on_key(small):
    view = small.view
    assert view.center_on_key("artifact:raw-data:v0")
    centre = view.mapToScene(view.viewport().rect().center())
    target = small.scene.node_item("artifact:raw-data:v0").pos()
    assert abs(centre.x() - target.x()) < 2 and abs(centre.y() - target.y()) < 2
    assert not view.center_on_key("run:nope")


def test_hover_shows_the_eye_and_clicking_it_requests_hiding(small, qtbot):
    view, scene = small.view, small.scene
    card = scene.node_item("artifact:raw-data:v0")
    view.center_on_key(card.key)
    vp = view.viewport()
    eye = card_point(view, card, card.eye_rect().center())
    move(vp, card_point(view, card))
    qtbot.waitUntil(lambda: card._hovered)
    assert all(e.emphasised for e in card.edges())
    move(vp, eye)
    qtbot.waitUntil(lambda: card._eye_hot)
    with qtbot.assertNotEmitted(scene.node_clicked):
        with qtbot.waitSignal(scene.hide_requested) as hide:
            qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=eye)
    assert hide.args == ["artifact:raw-data:v0"]
    assert not card.isSelected()
    move(vp, QPoint(5, 5))
    qtbot.waitUntil(lambda: not card._hovered)
    assert not any(e.emphasised for e in card.edges())


def test_clusters_have_no_eye(small, qtbot):
    view, scene = small.view, small.scene
    cluster = scene.node_item("cluster:1:run:score")
    move(view.viewport(), card_point(view, cluster))
    qtbot.waitUntil(lambda: cluster._hovered)
    with qtbot.assertNotEmitted(scene.hide_requested, wait=50):
        with qtbot.waitSignal(scene.cluster_clicked):
            qtbot.mouseClick(
                view.viewport(),
                Qt.MouseButton.LeftButton,
                pos=card_point(view, cluster, cluster.eye_rect().center()),
            )


def test_shift_drag_selects_with_a_rubber_band(small, qtbot):
    view, scene = small.view, small.scene
    view.fit_all()
    vp = view.viewport()
    with qtbot.waitSignal(scene.selection_keys_changed):
        qtbot.mousePress(
            vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, QPoint(2, 2)
        )
        end = QPoint(vp.width() - 2, vp.height() - 2)
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(end),
            QPointF(vp.mapToGlobal(end)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ShiftModifier,
        )
        QApplication.sendEvent(vp, event)
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, end)
    assert {i.data(0) for i in scene.selectedItems()} == set(small.graph.nodes)


def test_busy_and_message_overlays(small, qtbot):
    view = small.view
    view.set_busy(True)
    assert view.is_busy() and view.busy_overlay().text() == "Laying out…"
    geometry = view.busy_overlay().geometry()
    assert view.viewport().geometry().contains(geometry)
    assert geometry.right() > view.viewport().width() / 2
    view.set_busy(False)
    assert not view.is_busy()
    view.set_message("Open a lineage store… <b>not bold</b>")
    assert view.message_text() == "Open a lineage store… <b>not bold</b>"
    label = view.findChild(type(view._message), "lineageMessage")
    assert label.textFormat() == Qt.TextFormat.PlainText
    view.set_message(None)
    assert view.message_text() == ""


def test_visible_scene_rect_is_what_the_viewport_shows(small):
    view = small.view
    rect = view.visible_scene_rect()
    assert abs(rect.width() - view.viewport().width() / view.zoom_factor()) < 1
    assert rect.contains(small.scene.node_item(small.graph.graph["focus"]).pos())


def test_tooltip_shows_the_escaped_card_texts(small, qtbot):
    from PySide6.QtWidgets import QGraphicsSceneHelpEvent, QToolTip

    scene, view = small.scene, small.view
    card = scene.node_item("run:train1")
    event = QGraphicsSceneHelpEvent(QEvent.Type.GraphicsSceneHelp)
    event.setScenePos(card.pos())
    event.setScreenPos(view.viewport().mapToGlobal(card_point(view, card)))
    scene.helpEvent(event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == card.tooltip_markup()
    assert "train-&lt;b&gt;42&lt;/b&gt;" in QToolTip.text()
    QToolTip.hideText()
