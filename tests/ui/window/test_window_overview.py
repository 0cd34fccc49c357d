"""A readable overview: the first view shows the whole lineage with legible names (semantic
zoom, a layout folded to the canvas's aspect), or the focus's neighbourhood with an
overview map; the details dock stays out of the way until a node is clicked."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton
from window_helpers import item_point

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.edge_item import EdgeItem

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from hand_built import Builder  # noqa: E402

READABLE_PX = 9.0


def _show(window, qtbot, store, ref):
    assert window.open_store(store)
    with qtbot.waitSignal(window.lineage_ready, timeout=30_000):
        window.show_lineage(ref)
    qtbot.wait(50)


def _viewport_rect(view, item) -> QRect:
    return view.mapFromScene(item.sceneBoundingRect()).boundingRect()


def _dark_pixels(image, rect: QRect) -> int:
    """Pixels in ``rect`` dark enough to be text on a light card."""
    count = 0
    for y in range(rect.top(), rect.bottom(), 1):
        for x in range(rect.left(), rect.right(), 1):
            if QColor(image.pixel(x, y)).lightness() < 110:
                count += 1
    return count


def test_first_view_shows_the_whole_demo_lineage_with_legible_names(
    window, demo_store, qtbot, artifacts_dir
):
    window.resize(1600, 1000)
    qtbot.wait(50)
    _show(window, qtbot, demo_store, "churn-model:production")
    view = window.view
    cards = window.scene().node_items()
    assert len(cards) >= 12
    lod = view.zoom_factor()
    port = view.viewport().rect()
    image = view.viewport().grab().toImage()
    for card in cards:
        rect = _viewport_rect(view, card)
        assert port.contains(rect), (card.key, rect, port)
        assert card.name_screen_px(lod) >= READABLE_PX, card.key
        assert card.drawn_name(lod), card.key
        # Text is painted inside the card (not a blank coloured box).
        assert _dark_pixels(image, rect.adjusted(4, 4, -4, -4)) > 30, card.key
    assert view.shows_whole_graph()
    assert not view.minimap().isVisible()
    window.grab().save(str(artifacts_dir / "overview_first_view.png"))


def test_fit_to_window_keeps_names_legible_through_semantic_zoom(opened, qtbot):
    view = opened.view
    opened.actions_.fit.trigger()
    for zoom in (0.7, 0.6, 0.45, 0.35):
        view.set_zoom(zoom)
        for card in opened.scene().node_items():
            lod = view.zoom_factor()
            assert card.detail_at(lod) == "label"
            assert card.name_screen_px(lod) >= READABLE_PX
    view.set_zoom(1.0)
    card = opened.scene().node_items()[0]
    assert card.detail_at(1.0) == "full"
    assert card.drawn_name(1.0) == card.label_text
    assert card.detail_at(style.LOD_TEXT * 0.9) == "block"
    assert card.drawn_name(style.LOD_TEXT * 0.9) == ""


def _chain_store(path: Path, steps: int) -> Builder:
    builder = Builder(path)
    builder.step("step0", outputs=[("data0", "dataset")])
    for i in range(1, steps):
        builder.step(f"step{i}", [f"data{i - 1}:latest"], [(f"data{i}", "dataset")])
    return builder


def test_a_long_chain_is_folded_to_fit_a_wide_view(window, tmp_path, qtbot):
    window.resize(1600, 900)
    qtbot.wait(50)
    _chain_store(tmp_path / "chain.db", 10)  # 20 cards: one row would be 5,600 px wide
    _show(window, qtbot, tmp_path / "chain.db", "data9:latest")
    view, scene = window.view, window.scene()
    ys = {round(card.pos().y()) for card in scene.node_items()}
    assert len(ys) >= 2  # more than one band
    assert view.shows_whole_graph()
    assert view.zoom_factor() >= style.OVERVIEW_MIN_ZOOM
    # Reading order: data0 on the top band, data9 (the focus) on the last one.
    first, last = scene.node_item("artifact:data0:v0"), scene.node_item("artifact:data9:v0")
    assert first.pos().y() < last.pos().y()
    rect = scene.content_rect()
    assert rect.width() / rect.height() < 4.0


def _fan_store(path: Path, width: int) -> Builder:
    """One dataset read by ``width`` runs of different job types: a column too tall to
    fit readably."""
    builder = Builder(path)
    builder.step("source", outputs=[("shared", "dataset")])
    for i in range(width):
        builder.step(f"job{i:02d}", ["shared:latest"], [(f"out{i:02d}", f"kind{i:02d}")])
    return builder


def test_a_huge_graph_opens_on_the_focus_with_an_overview_map(window, tmp_path, qtbot):
    _fan_store(tmp_path / "fan.db", 36)
    _show(window, qtbot, tmp_path / "fan.db", "shared:latest")
    view = window.view
    assert view.zoom_factor() >= style.NEIGHBOURHOOD_ZOOM - 1e-6
    assert not view.shows_whole_graph()
    focus = window.scene().node_item("artifact:shared:v0")
    assert view.viewport().rect().contains(_viewport_rect(view, focus))
    minimap = window.findChild(type(view.minimap()), "lineageMinimap")
    assert minimap is view.minimap() and minimap.isVisible()
    assert view.viewport().geometry().contains(minimap.geometry())

    before = view.visible_scene_rect().center()
    corner = QPoint(minimap.width() - 8, minimap.height() - 8)
    qtbot.mouseClick(minimap, Qt.MouseButton.LeftButton, pos=corner)
    after = view.visible_scene_rect().center()
    assert after.y() > before.y() + 100
    target = minimap.to_scene(QPointF(corner))
    assert abs(after.y() - target.y()) < 60 or view.visible_scene_rect().bottom() >= (
        view.scene().sceneRect().bottom() - 1
    )

    window.actions_.fit.trigger()  # the whole graph in view: no map needed
    assert view.shows_whole_graph()
    assert not minimap.isVisible()


def test_the_first_view_of_a_hub_leaves_its_batched_edges_batched(window, tmp_path, qtbot):
    """Zooming to a hub's neighbourhood reads its neighbours' places from the batches: a
    hub of thousands of edges must not turn them into items on the UI thread."""
    _fan_store(tmp_path / "fan.db", 36)
    window.scene().sync_build_limit = 10  # built in slices, edges in batches
    _show(window, qtbot, tmp_path / "fan.db", "shared:latest")
    qtbot.waitUntil(lambda: not window.scene().is_building(), timeout=30_000)
    hub = window.scene().node_item("artifact:shared:v0")
    assert not window.view.shows_whole_graph()
    assert len(hub.links()) >= 36
    assert not [item for item in window.scene().items() if isinstance(item, EdgeItem)]
    assert window.view.viewport().rect().contains(_viewport_rect(window.view, hub))


def _click(window, qtbot, key):
    view = window.view
    item = window.scene().node_item(key)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=item_point(view, item))
    qtbot.wait(20)


def test_details_dock_waits_for_a_click_and_a_users_close_is_remembered(
    window, demo_store, qtbot
):
    from lineage_desktop.app import create_main_window

    _show(window, qtbot, demo_store, "churn-model:production")
    dock = window.preview
    assert not dock.isVisible()
    focus = window.scene().focus_key()
    _click(window, qtbot, focus)
    qtbot.waitUntil(dock.isVisible)
    assert dock.page() == "node"
    close = dock.findChild(QAbstractButton, "qt_dockwidget_closebutton")
    assert close is not None
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dock.isVisible())
    _click(window, qtbot, focus)
    assert not dock.isVisible()  # closed by the user: stays closed
    window.close()

    second = create_main_window()
    qtbot.addWidget(second)
    second.resize(1400, 860)
    second.show()
    qtbot.waitExposed(second)
    _show(second, qtbot, demo_store, "churn-model:production")
    _click(second, qtbot, second.scene().focus_key())
    assert not second.preview.isVisible()
    second.preview.toggleViewAction().trigger()  # View > Details brings it back
    assert second.preview.isVisible()
    assert not second.settings.details_dock()["closed"]


def test_a_floated_details_dock_comes_back_floating_in_a_new_window(
    window, demo_store, qtbot
):
    from lineage_desktop.app import create_main_window

    _show(window, qtbot, demo_store, "churn-model:production")
    _click(window, qtbot, window.scene().focus_key())
    qtbot.waitUntil(window.preview.isVisible)
    float_button = window.preview.findChild(QAbstractButton, "qt_dockwidget_floatbutton")
    qtbot.mouseClick(float_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.preview.isFloating)
    assert window.settings.details_dock() == {"closed": False, "floating": True}
    window.close()

    second = create_main_window()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    _show(second, qtbot, demo_store, "churn-model:production")
    assert not second.preview.isVisible()
    _click(second, qtbot, second.scene().focus_key())
    qtbot.waitUntil(second.preview.isVisible)
    assert second.preview.isFloating()
