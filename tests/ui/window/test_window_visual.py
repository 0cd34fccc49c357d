"""The real window rendered on the demo project: the pixels mean what they should.

Saves test-artifacts/window-*.png for people to look at.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from lineage_desktop.ui import style


def _close(colour: QColor, expected: str, tolerance: int = 40) -> bool:
    want = QColor(expected)
    return (
        abs(colour.red() - want.red())
        + abs(colour.green() - want.green())
        + abs(colour.blue() - want.blue())
    ) <= tolerance


def _icon_pixel(window, image, key) -> QColor:
    item = window.scene().node_item(key)
    centre = item.mapToScene(item.icon_center())
    point = window.view.viewport().mapTo(window, window.view.mapFromScene(centre))
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(point.x() * ratio), round(point.y() * ratio))


def _grab(window, qtbot, artifacts_dir, name):
    window.resize(1400, 860)
    qtbot.waitUntil(lambda: window.view.viewport().width() > 500)
    window.view.set_zoom(1.0)
    window.view.center_on_key(window.controller.snapshot.focus)
    qtbot.wait(50)  # lets the viewport repaint; grab() renders synchronously anyway
    image = window.grab().toImage()
    image.save(str(artifacts_dir / name))
    return image


def test_window_shows_green_runs_and_blue_artifacts(opened, qtbot, artifacts_dir):
    window = opened
    image = _grab(window, qtbot, artifacts_dir, "window-demo.png")
    snap = window.controller.snapshot
    palette = style.palette_for(False)
    run = next(iter(snap.view.predecessors(snap.focus)))
    assert _close(_icon_pixel(window, image, run), palette.run)
    assert _close(_icon_pixel(window, image, snap.focus), palette.artifact)
    corner = image.pixelColor(
        window.view.viewport().mapTo(window, window.view.viewport().rect().topLeft())
        + type(window.pos())(3, 3)
    )
    assert _close(corner, palette.background, 12)  # the canvas, not a blank widget
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 37)
        for y in range(0, image.height(), 29)
    }
    assert len(colours) > 12  # not blank


def test_window_with_a_cluster_and_a_preview(window, demo_store, qtbot, artifacts_dir):
    window.open_store(demo_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("train-split:v0")
    cluster = next(k for k in window.controller.snapshot.view if k.startswith("cluster:"))
    window.scene().cluster_clicked.emit(cluster)
    qtbot.waitUntil(lambda: window.preview.page() == "cluster")
    window.resize(1400, 860)
    qtbot.waitUntil(lambda: window.view.viewport().width() > 500)
    window.view.fit_all()
    image = window.grab().toImage()
    image.save(str(artifacts_dir / "window-cluster.png"))
    assert window.preview.cluster.member_keys()


def test_start_page(window, qtbot, artifacts_dir, demo_store):
    window.settings.add_recent(demo_store)
    window.resize(1400, 860)
    window._refresh_recent()
    qtbot.waitUntil(lambda: window.start_page.isVisible())
    window.grab().toImage().save(str(artifacts_dir / "window-start.png"))
    assert window.start_page.recent.count() == 1
