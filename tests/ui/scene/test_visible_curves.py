"""A big graph's batched edges are drawn as what the screen shows of them: a hub's fan,
which falls on a few pixels at a readable zoom, is drawn with few stretches, yet the
hub visibly connects to its neighbours and zoomed in every edge is its own curve."""

from __future__ import annotations

import numpy as np
from big_graphs import column_layout, wide_graph
from PySide6.QtCore import QPoint, QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QTransform
from test_sliced_build import RUNS, shown_scene, wait_built

from lineage_desktop.ui.scene.edge_batch import BatchCurvesItem
from lineage_desktop.ui.scene.visible_curves import VisibleCurves, cubic_pieces

HUB = "artifact:hub:v0"


def fan(n: int, gap: float = 60.0) -> np.ndarray:
    """S-curves from (0, 0) to a column of ``n`` points 100 px to the right."""
    routes = [[QPointF(0, 0), QPointF(50, 0), QPointF(50, i * gap), QPointF(100, i * gap)]
              for i in range(-n // 2, n // 2)]
    return cubic_pieces(routes)


def test_a_dense_fan_is_drawn_with_few_stretches_and_sparse_ends_one_each():
    curves = VisibleCurves(fan(4000))
    assert len(curves) == 4000
    near_hub = QRectF(-500, -400, 1000, 800)
    _, drawn = curves.visible_path(near_hub, QTransform.fromScale(0.75, 0.75))
    assert 0 < drawn < 400  # thousands of curves cross this rectangle, on few pixels
    # zoomed in on five targets: each of the curves ending there is drawn
    targets = QRectF(90, 960 - 130, 20, 260)
    path, drawn = curves.visible_path(targets, QTransform.fromScale(4.0, 4.0))
    assert drawn >= 5
    for i in range(-2, 3):
        end = QPointF(100, 960 + i * 60)
        assert any(
            (path.elementAt(j).x - end.x()) ** 2 + (path.elementAt(j).y - end.y()) ** 2 < 1
            for j in range(path.elementCount())
        )


def test_curves_out_of_the_rectangle_are_not_drawn_and_others_whole():
    curves = VisibleCurves(fan(10))
    _, drawn = curves.visible_path(QRectF(500, 500, 100, 100), QTransform())
    assert drawn == 0
    # a curve that doubles back (not monotone) is drawn whole, whatever the rectangle
    loop = cubic_pieces([[QPointF(0, 0), QPointF(80, -40), QPointF(-40, -40), QPointF(20, 0)]])
    assert len(VisibleCurves(loop)) == 1
    _, drawn = VisibleCurves(loop).visible_path(QRectF(-100, -100, 200, 200), QTransform())
    assert drawn == 0  # not among the clipped stretches: drawn whole by ``draw``


def dark(image: QImage, point: QPoint, background: QColor) -> bool:
    return image.pixelColor(point).lightness() < background.lightness() - 20


def test_a_wide_graph_draws_its_hub_fan_and_each_edge_zoomed_in(qtbot, artifacts_dir):
    scene, view = shown_scene(qtbot)
    graph = wide_graph(RUNS)
    scene.set_graph(graph, column_layout(graph))
    wait_built(qtbot, scene)
    items = [i for i in scene.items() if isinstance(i, BatchCurvesItem)]
    assert len(items) == 1  # one item draws every batched curve on screen
    assert len(items[0].visible()[0]) == 2 * RUNS
    hub, neighbour = scene.node_item(HUB), scene.node_item("run:r0000002")
    assert hub is not None and neighbour is not None
    background = scene.palette_colors().color("background")
    entry = QPointF(neighbour.sceneBoundingRect().left() - 2, neighbour.pos().y())

    view.set_zoom(0.75)
    view.centerOn(neighbour.pos())
    image = view.viewport().grab().toImage()
    image.save(str(artifacts_dir / "wide-fan-first.png"))
    # the edge into the neighbour arrives (its arrowhead, just left of the card)
    at = view.mapFromScene(entry)
    assert any(dark(image, at + QPoint(dx, dy), background)
               for dx in range(-4, 1) for dy in range(-2, 3))
    # the fan leaves the hub downwards: a column beside the hub is drawn row after row
    x = view.mapFromScene(QPointF(hub.sceneBoundingRect().right(), 0)).x() + 3
    top = view.mapFromScene(hub.sceneBoundingRect().bottomRight()).y() + 2
    rows = range(max(top, 0), view.viewport().height())
    assert sum(dark(image, QPoint(x, y), background) for y in rows) > len(rows) * 0.9

    view.set_zoom(3.0)
    view.centerOn(entry)
    image = view.viewport().grab().toImage()
    image.save(str(artifacts_dir / "wide-fan-zoomed.png"))
    at = view.mapFromScene(entry)
    assert any(dark(image, at + QPoint(dx, dy), background)
               for dx in range(-12, 1) for dy in range(-3, 4))
    # zoomed in, the curves of the fan reaching the cards around are apart: separate
    # dark runs along a row above the neighbour, between the hub's side and the cards
    row = view.mapFromScene(QPointF(0, neighbour.pos().y() - 30)).y()
    left = view.mapFromScene(QPointF(hub.sceneBoundingRect().right() + 2, 0)).x()
    right = view.mapFromScene(QPointF(neighbour.sceneBoundingRect().left() - 2, 0)).x()
    line = [dark(image, QPoint(x, row), background)
            for x in range(max(left, 0), min(right, view.viewport().width()))]
    assert sum(1 for a, b in zip([False, *line], line) if b and not a) >= 2


def test_many_separate_curves_in_view_are_left_to_qt_whole():
    # a grid of short parallel curves, all in view and all apart: clipping them in
    # Python would cost more than Qt drawing them whole
    routes = [[QPointF(x, y), QPointF(x + 5, y), QPointF(x + 5, y + 3), QPointF(x + 10, y + 3)]
              for x in range(0, 2000, 20) for y in range(0, 2000, 20)]
    curves = VisibleCurves(cubic_pieces(routes))
    path, drawn = curves.visible_path(QRectF(0, 0, 2000, 2000), QTransform())
    assert drawn == -1 and path.isEmpty()
    _, drawn = curves.visible_path(QRectF(0, 0, 200, 200), QTransform())
    assert 0 < drawn <= 200


def test_selecting_the_hub_emphasises_its_fan_up_to_each_neighbour(qtbot, artifacts_dir):
    from lineage_desktop.ui.scene.hot_overlay import HotOverlay

    scene, view = shown_scene(qtbot)
    graph = wide_graph(RUNS)
    scene.set_graph(graph, column_layout(graph))
    wait_built(qtbot, scene)
    hub, neighbour = scene.node_item(HUB), scene.node_item("run:r0000002")
    assert hub is not None and neighbour is not None
    hub.setSelected(True)
    overlays = [i for i in scene.items() if isinstance(i, HotOverlay)]
    assert len(overlays) == 1 and overlays[0].curve_count() == RUNS
    view.set_zoom(1.0)
    view.centerOn(neighbour.pos())
    image = view.viewport().grab().toImage()
    image.save(str(artifacts_dir / "wide-fan-selected.png"))
    accent = scene.palette_colors().color("accent")

    def is_accent(c: QColor) -> bool:
        return abs(c.hue() - accent.hue()) < 20 and c.saturation() > 80

    # the emphasised arrowhead just left of the neighbour's card
    at = view.mapFromScene(QPointF(neighbour.pos().x() - neighbour.size[0] / 2 - 3,
                                   neighbour.pos().y()))
    assert any(is_accent(image.pixelColor(at + QPoint(dx, dy)))
               for dx in range(-6, 1) for dy in range(-2, 3))
    hub.setSelected(False)
    assert not [i for i in scene.items() if isinstance(i, HotOverlay)]
