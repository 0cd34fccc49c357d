"""Semantic zoom: zoomed out, cards drop the type line and pills but keep their names
legible (enlarged, on one or two lines); only far out do they become blocks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.card_paint import BLOCK, FULL, LABEL

LEGIBLE = style.LABEL_MIN_SCREEN_PX


def _text_pixels(view, card) -> int:
    """Dark pixels inside the card's text column (right of the icon) as rendered."""
    image = view.viewport().grab().toImage()
    card_rect = card.card_rect()
    left = card_rect.left() + style.TEXT_LEFT
    text = card_rect.adjusted(left - card_rect.left(), 3, -6, -3).translated(card.pos())
    rect: QRect = view.mapFromScene(text).boundingRect()
    dark = 0
    for y in range(rect.top(), rect.bottom()):
        for x in range(rect.left(), rect.right()):
            if QColor(image.pixel(x, y)).lightness() < 120:
                dark += 1
    return dark


@pytest.mark.parametrize("zoom", [0.7, 0.6, 0.45, 0.4, 0.35, 0.33])
def test_names_stay_legible_and_painted_below_full_detail(small, zoom):
    view, scene = small.view, small.scene
    view.set_zoom(zoom)
    lod = view.zoom_factor()
    for card in scene.node_items():
        assert card.detail_at(lod) == LABEL
        assert card.name_screen_px(lod) >= LEGIBLE, (card.key, zoom)
        assert card.drawn_name(lod)
    focus = scene.node_item(small.graph.graph["focus"])
    view.centerOn(focus.pos())
    assert _text_pixels(view, focus) > 25


def test_full_detail_keeps_type_line_and_pills_and_blocks_come_last(small):
    card = small.scene.node_item("artifact:churn-model:v3")
    assert card.detail_at(1.0) == FULL and card.detail_at(style.LOD_FULL) == FULL
    assert card.drawn_name(1.0) == card.label_text == "churn-model:v3"
    assert card.detail_at(style.LOD_FULL - 0.01) == LABEL
    assert card.detail_at(style.LOD_TEXT - 0.01) == BLOCK
    assert card.name_screen_px(style.LOD_TEXT - 0.01) == 0.0
    # Names on screen never shrink below the floor anywhere labels are drawn.
    lod = style.LOD_TEXT
    while lod < 1.2:
        for item in small.scene.node_items():
            px = item.name_screen_px(lod)
            assert px == 0.0 or px >= LEGIBLE - 0.05, (item.key, lod, px)
        lod += 0.01


def test_a_long_name_breaks_onto_two_lines_at_a_natural_break(small):
    card = small.scene.node_item("artifact:report:v0")
    lod = 0.5
    layout = card.label_layout(round(style.name_font_px(lod)), 18)
    assert len(layout.lines) == 2
    first, second = (text for text, _ in layout.lines)
    assert first.endswith(("-", ":", "_"))
    assert "…" in second  # the rest elided, the tooltip has the whole name
    (_, p1), (_, p2) = layout.lines
    assert p2.y() > p1.y()
    rect = card.card_rect()
    assert rect.top() < p1.y() - layout.font_px * 0.7 and p2.y() < rect.bottom()


def test_markup_in_a_name_is_drawn_as_text_when_enlarged(small):
    card = small.scene.node_item("run:train1")
    assert "<b>" in card.drawn_name(0.5)


def test_a_cluster_keeps_its_count_badge_when_zoomed_out(small):
    cluster = small.scene.node_item("cluster:1:run:score")
    assert cluster.detail_at(0.5) == LABEL
    badge = cluster._badge_rect(round(style.name_font_px(0.5)))
    assert badge.height() * 0.5 >= 14  # the enlarged badge stays readable on screen
    area = cluster._label_area(round(style.name_font_px(0.5)))
    assert area.right() < badge.left()  # the name never runs under the badge


def test_exports_always_draw_full_cards(small):
    card = small.scene.node_item("artifact:churn-model:v3")
    with small.scene.export_mode():
        assert card.detail_at(0.1) == FULL
