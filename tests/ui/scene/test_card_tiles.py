"""A graph's cards are held by tiles of the layer (Qt then skips the tiles out of view
without asking each card for its bounds): every card inside its tile, also after it is
moved far away, and still drawn there; a raised card's tile stacks over the others."""

from __future__ import annotations

from big_graphs import column_layout, wide_graph
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter
from test_sliced_build import RUNS, shown_scene, wait_built

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.card_tiles import TILE, CardTile


def test_cards_sit_in_tiles_that_hold_them_even_after_a_move(qtbot, artifacts_dir):
    scene, view = shown_scene(qtbot)
    graph = wide_graph(RUNS)
    scene.set_graph(graph, column_layout(graph))
    wait_built(qtbot, scene)
    cards = scene.node_items()
    assert len(cards) == 2 * RUNS + 1
    tiles = {id(c.parentItem()): c.parentItem() for c in cards}
    assert all(isinstance(t, CardTile) for t in tiles.values())
    height = max(c.sceneBoundingRect().bottom() for c in cards)
    assert len(tiles) >= height // TILE  # the column is cut into tiles
    for card in cards:
        assert card.parentItem().rect().contains(card.sceneBoundingRect())

    card = scene.node_item("run:r0000003")
    assert card is not None
    card.setPos(card.pos() + QPointF(3 * TILE, 5 * TILE))  # as a drag would
    assert card.parentItem().rect().contains(card.sceneBoundingRect())
    # what the scene paints around the card's new place (tiles out of it are skipped)
    around = card.sceneBoundingRect().adjusted(-40, -40, 40, 40)
    image = QImage(around.size().toSize(), QImage.Format.Format_RGB32)
    image.fill(scene.palette_colors().color("background"))
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), around)
    painter.end()
    image.save(str(artifacts_dir / "tiles-moved-card.png"))
    body = card.sceneBoundingRect().center() + QPointF(30, 12) - around.topLeft()
    card_white = image.pixelColor(body.toPoint()).lightness()
    background = scene.palette_colors().color("background").lightness()
    assert card_white > background  # the card is drawn (white on the grey background)

    card.setSelected(True)
    assert card.parentItem().zValue() == style.Z_CARD_RAISED
    card.setSelected(False)
    assert card.parentItem().zValue() == style.Z_CARD


def test_only_the_cards_drawn_are_laid_out(qtbot):
    scene, view = shown_scene(qtbot)
    graph = wide_graph(RUNS)
    scene.set_graph(graph, column_layout(graph))
    wait_built(qtbot, scene)
    view.set_zoom(1.0)
    view.center_on_key("run:r0000001")
    view.viewport().grab()
    near, far = scene.node_item("run:r0000001"), scene.node_item(f"run:r{RUNS - 1:07d}")
    assert near is not None and far is not None
    assert "_glyph" in vars(near)  # drawn: laid out
    assert "_glyph" not in vars(far)  # never drawn: its texts and glyph are not made
    assert far.shape().boundingRect().width() > 0  # asked for: laid out then
    assert "_glyph" in vars(far)
