"""What the view and the exports draw: colours where they belong, batching, files."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from scene_graphs import chain_graph, grid_layout, small_graph, view_point

from lineage_desktop.ui.export.image import (
    ImageTooLarge,
    UnsupportedImageFormat,
    ensure_app,
    render_graph_image,
    render_scene,
)
from lineage_desktop.ui.scene import LineageScene, LineageView


def is_green(c: QColor) -> bool:
    return c.green() > c.red() + 50 and c.green() > c.blue() + 30


def is_blue(c: QColor) -> bool:
    return c.blue() > c.red() + 80 and c.blue() > c.green() + 40


def pixel(image: QImage, point: QPoint) -> QColor:
    return image.pixelColor(point)


def card_body(view, card) -> QPoint:
    """A viewport pixel inside the card, away from texts and icon (bottom-right)."""
    r = card.shape().boundingRect()
    return view_point(view, card.mapToScene(QPointF(r.right() - 12, r.bottom() - 5)))


def test_icons_are_run_green_and_artifact_blue(small, artifacts_dir):
    view, scene = small.view, small.scene
    view.fit_all()
    view.set_zoom(1.0)
    view.center_on_key("artifact:churn-model:v3")
    image = view.viewport().grab().toImage()
    image.save(str(artifacts_dir / "scene_small_1to1.png"))
    run, model = scene.node_item("run:train1"), scene.node_item("artifact:churn-model:v3")
    run_px = pixel(image, view_point(view, run.mapToScene(run.icon_center())))
    model_px = pixel(image, view_point(view, model.mapToScene(model.icon_center())))
    assert is_green(run_px), run_px.name()
    assert is_blue(model_px), model_px.name()
    # The card body is light and the background is not blank.
    body = pixel(image, card_body(view, model))
    assert body.lightness() > 200
    assert len({image.pixel(x, image.height() // 2) for x in range(0, image.width(), 7)}) > 5


def test_dark_palette_draws_dark_cards(small, artifacts_dir):
    view, scene = small.view, small.scene
    view.set_dark(True)
    image = view.viewport().grab().toImage()
    image.save(str(artifacts_dir / "scene_small_dark.png"))
    model = scene.node_item("artifact:churn-model:v3")
    body = pixel(image, card_body(view, model))
    assert body.lightness() < 80
    assert is_blue(pixel(image, view_point(view, model.mapToScene(model.icon_center()))))


def test_fit_of_a_medium_graph(qtbot, artifacts_dir):
    graph = chain_graph(9, 14)
    scene = LineageScene()
    scene.set_graph(graph, grid_layout(graph))
    view = LineageView(scene)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    image = view.viewport().grab().toImage()
    image.save(str(artifacts_dir / "scene_medium_fit.png"))
    assert 0.3 <= view.zoom_factor() <= 1.0
    assert not scene.is_batched()


def test_tiny_zoom_uses_the_batched_overview(qtbot, artifacts_dir):
    graph = chain_graph(20, 40)
    scene = LineageScene()
    scene.set_graph(graph, grid_layout(graph))
    view = LineageView(scene)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    assert view.zoom_factor() < 0.3
    assert scene.is_batched()
    assert scene.overview_item().isVisible()
    assert not any(c.isVisible() for c in scene.node_items())
    assert not any(e.isVisible() for e in scene.edge_items())
    image = view.viewport().grab().toImage()
    image.save(str(artifacts_dir / "scene_overview.png"))
    run = scene.node_item("run:r1-0")
    assert is_green(pixel(image, view_point(view, run.pos())))
    art = scene.node_item("artifact:a2-3:v0")
    assert is_blue(pixel(image, view_point(view, art.pos())))
    # Blocks stay clickable.
    with qtbot.waitSignal(scene.node_clicked) as clicked:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view_point(view, run.pos())
        )
    assert clicked.args == ["run:r1-0"]
    # Back to cards once readable again.
    view.set_zoom(1.0)
    assert not scene.is_batched()
    assert all(c.isVisible() for c in scene.node_items())
    assert not scene.overview_item().isVisible()


def test_painting_does_not_leak_references_to_none(small):
    """PySide6 6.12.0 on CPython 3.11 dropped a None reference per void call (DESIGN.md)."""
    scene = small.scene
    graph = chain_graph(8, 25)
    scene.set_graph(graph, grid_layout(graph))
    rect = scene.content_rect()
    image = QImage(
        int(rect.width() / 2) + 1, int(rect.height() / 2) + 1, QImage.Format.Format_ARGB32
    )
    before = sys.getrefcount(None)
    with scene.export_mode():  # no caches: every item paints on every render
        for _ in range(15):
            painter = QPainter(image)
            scene.render(painter, QRectF(image.rect()), rect)
            painter.end()
    small.view.set_zoom(2.0)
    for key in list(graph.nodes)[:40]:
        small.view.center_on_key(key)
        small.view.viewport().grab()
    after = sys.getrefcount(None)
    # 200 cards x ~25 void calls x 15 renders: a leak would show as a drop of ~75,000.
    assert after >= before - 500, (before, after)


def test_png_export_size_follows_scale(small, tmp_path, artifacts_dir):
    scene = small.scene
    rect = scene.content_rect()
    out = render_scene(scene, tmp_path / "g.png", "png", scale=2.0)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (
        math.ceil((rect.width() + 48) * 2),
        math.ceil((rect.height() + 48) * 2),
    )
    shutil.copy(out, artifacts_dir / "export_small_x2.png")
    # Full detail even at small scale: the corner is white, the model icon blue.
    assert image.pixelColor(3, 3) == QColor("#ffffff")
    model = scene.node_item("artifact:churn-model:v3")
    icon = model.mapToScene(model.icon_center())
    px = image.pixelColor(
        int((icon.x() - rect.left() + 24) * 2), int((icon.y() - rect.top() + 24) * 2)
    )
    assert is_blue(px), px.name()
    half = QImage(str(render_scene(scene, tmp_path / "h.png", scale=0.5)))
    assert half.width() == math.ceil((rect.width() + 48) * 0.5)
    # The scene is back to normal afterwards.
    assert not scene.context().exporting


def test_export_of_an_area_and_dark(small, tmp_path):
    area = QRectF(0, 0, 300, 100)
    out = render_scene(small.scene, tmp_path / "area.png", area=area, dark=True, margin=10)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (320, 120)
    assert image.pixelColor(2, 2).lightness() < 60


def test_svg_export_keeps_labels_as_text(small, tmp_path, artifacts_dir):
    out = render_scene(small.scene, tmp_path / "g.svg", "svg")
    shutil.copy(out, artifacts_dir / "export_small.svg")
    root = ET.parse(out).getroot()
    texts = " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))
    for label in ("churn-model:v3", "preprocess-7", "12 runs", "train-<b>42</b>", "production"):
        assert label in texts


def test_pdf_export(small, tmp_path):
    out = render_scene(small.scene, tmp_path / "g.pdf", None)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 2000
    assert b"/Font" in data  # labels are text with a font, not outlines
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert "churn-model:v3" in text


def test_render_graph_image_and_errors(qapp, tmp_path):
    assert ensure_app() is qapp
    graph = small_graph()
    out = render_graph_image(graph, grid_layout(graph), tmp_path / "x.svg")
    assert b"churn-model:v3" in out.read_bytes()
    with pytest.raises(UnsupportedImageFormat, match="bmp"):
        render_graph_image(graph, grid_layout(graph), tmp_path / "x.bmp")
    with pytest.raises(ImageTooLarge):
        render_graph_image(graph, grid_layout(graph), tmp_path / "x.png", scale=200.0)
    with pytest.raises(OSError):
        render_graph_image(graph, grid_layout(graph), tmp_path / "missing-dir" / "x.png")


def test_headless_export_in_a_fresh_process(tmp_path):
    """The CLI path: no QApplication yet, no display."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from scene_graphs import small_graph, grid_layout;"
        "from lineage_desktop.ui.export.image import ensure_app, render_graph_image;"
        "ensure_app(); g = small_graph();"
        "render_graph_image(g, grid_layout(g), sys.argv[1], scale=1.5)"
    )
    env = {
        k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")
    }
    out = tmp_path / "cli.png"
    from pathlib import Path

    subprocess.run(
        [sys.executable, "-c", code, str(out), str(Path(__file__).parent)],
        check=True,
        env=env,
        timeout=60,
    )
    assert QImage(str(out)).width() > 1000


def test_running_runs_pulse_only_while_cards_are_drawn(small, qtbot):
    scene = small.scene
    assert scene.node_item("run:eval1").spec.running
    qtbot.waitUntil(lambda: scene.context().pulse > 0, timeout=2000)
    scene.set_batched(True)
    assert scene.context().pulse == 0.0
    scene.set_batched(False)
    qtbot.waitUntil(lambda: scene.context().pulse > 0, timeout=2000)


def test_a_graph_set_while_batched_starts_hidden(qtbot):
    scene = LineageScene()
    scene.set_batched(True)
    graph = small_graph()
    scene.set_graph(graph, grid_layout(graph))
    assert scene.overview_item().isVisible()
    assert not any(c.isVisible() for c in scene.node_items())
    scene.set_batched(False)
    assert all(c.isVisible() for c in scene.node_items())
    assert all(e.isVisible() for e in scene.edge_items())
