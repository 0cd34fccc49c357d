"""``graph.pages``: the page grid of a PDF export, as plain arithmetic."""
from __future__ import annotations

import pytest

from lineage_desktop.graph.pages import (
    MARGIN_PT,
    MAX_PAGES,
    OVERLAP_PT,
    PAPER_SIZES,
    READABLE,
    SCREEN_PT,
    Box,
    PageSetup,
    TooManyPages,
    UnknownPageSize,
    plan_pages,
)

A4_W, A4_H = PAPER_SIZES["a4"]


def _covers(plan, content: Box) -> bool:
    """Every point of ``content`` lies on some page's printable area."""
    left = min(t.source.x for t in plan.tiles)
    top = min(t.source.y for t in plan.tiles)
    right = max(t.source.x + t.source.width for t in plan.tiles)
    bottom = max(t.source.y + t.source.height for t in plan.tiles)
    return (left <= content.x and top <= content.y
            and right >= content.x + content.width and bottom >= content.y + content.height)


def test_a_small_graph_is_one_centred_page_at_screen_size():
    content = Box(100, 50, 400, 120)
    plan = plan_pages(content, PageSetup("a4"))
    assert plan.pages == 1 and (plan.rows, plan.columns) == (1, 1)
    assert plan.scale == pytest.approx(SCREEN_PT)  # never blown up beyond screen size
    assert plan.landscape  # wider than tall
    assert (plan.page_width, plan.page_height) == (A4_H, A4_W)
    (tile,) = plan.tiles
    assert tile.source.x + tile.source.width / 2 == pytest.approx(300)  # centred
    assert tile.source.y + tile.source.height / 2 == pytest.approx(110)
    assert tile.source.width * plan.scale == pytest.approx(A4_H - 2 * MARGIN_PT)
    assert plan.label(tile) == ""
    assert plan.describe() == "1 page of A4 landscape at 100 % of screen size"


def test_a_graph_readable_when_shrunk_stays_on_one_page():
    # 1,200 units wide: A4 landscape holds it at 0.64 pt per unit (85 % of screen size).
    plan = plan_pages(Box(0, 0, 1200, 300), PageSetup("a4"))
    assert plan.pages == 1
    assert READABLE * SCREEN_PT <= plan.scale < SCREEN_PT
    assert 1200 * plan.scale == pytest.approx(A4_H - 2 * MARGIN_PT)


def test_a_wide_graph_tiles_into_columns_with_an_overlap():
    content = Box(-20, 0, 6000, 400)
    plan = plan_pages(content, PageSetup("a4"))
    assert plan.rows == 1 and plan.columns > 1 and plan.landscape
    assert plan.scale >= READABLE * SCREEN_PT - 1e-9
    assert _covers(plan, content)
    first, second = plan.tiles[:2]
    shared = first.source.x + first.source.width - second.source.x
    assert shared * plan.scale == pytest.approx(OVERLAP_PT)
    # One page fewer would need text below the readable size.
    area = A4_H - 2 * MARGIN_PT
    fewer = (plan.columns - 1) * area - (plan.columns - 2) * OVERLAP_PT
    assert fewer / 6000 < READABLE * SCREEN_PT
    assert [plan.label(t) for t in plan.tiles[:2]] == [
        f"page 1 of {plan.pages}, row 1 col 1", f"page 2 of {plan.pages}, row 1 col 2"]


def test_a_big_graph_is_a_grid_numbered_row_by_row():
    content = Box(0, 0, 3000, 4000)
    plan = plan_pages(content, PageSetup("letter"))
    assert plan.rows > 1 and plan.columns > 1
    assert plan.pages == plan.rows * plan.columns
    assert _covers(plan, content)
    assert [(t.row, t.column) for t in plan.tiles[:plan.columns + 1]] == [
        *((1, c) for c in range(1, plan.columns + 1)), (2, 1)]
    below = plan.tiles[plan.columns]
    shared = plan.tiles[0].source.y + plan.tiles[0].source.height - below.source.y
    assert shared * plan.scale == pytest.approx(OVERLAP_PT)
    assert plan.describe().startswith(f"{plan.pages} pages ({plan.rows} × {plan.columns}) "
                                      "of Letter ")


def test_landscape_swaps_the_page_and_auto_follows_the_shape():
    wide, tall = Box(0, 0, 900, 200), Box(0, 0, 200, 900)
    portrait = plan_pages(wide, PageSetup("a4", "portrait"))
    landscape = plan_pages(wide, PageSetup("a4", "landscape"))
    assert (portrait.page_width, portrait.page_height) == (A4_W, A4_H)
    assert (landscape.page_width, landscape.page_height) == (A4_H, A4_W)
    assert plan_pages(wide, PageSetup("a4")).landscape
    assert not plan_pages(tall, PageSetup("a4")).landscape


def test_auto_orientation_takes_the_one_with_fewer_pages():
    content = Box(0, 0, 2400, 900)  # landscape: 2 pages side by side; portrait: 3
    auto = plan_pages(content, PageSetup("a4"))
    portrait = plan_pages(content, PageSetup("a4", "portrait"))
    assert auto.landscape and auto.pages < portrait.pages


def test_scale_multiplies_the_print_size():
    content = Box(0, 0, 300, 100)
    assert plan_pages(content, PageSetup("a4"), scale=2).scale == pytest.approx(2 * SCREEN_PT)
    small = plan_pages(Box(0, 0, 6000, 400), PageSetup("a4"), scale=0.5)
    assert small.pages < plan_pages(Box(0, 0, 6000, 400), PageSetup("a4")).pages


def test_fit_is_one_page_the_size_of_the_graph():
    plan = plan_pages(Box(10, 10, 5000, 300), PageSetup("fit"), scale=1.5, fit_margin=24)
    assert plan.pages == 1
    assert (plan.page_width, plan.page_height) == (round(5048 * 1.5), round(348 * 1.5))
    assert plan.tiles[0].source.x == -14 and plan.margin == 0


def test_too_many_pages_is_refused_with_advice():
    with pytest.raises(TooManyPages, match="page size 'fit'") as caught:
        plan_pages(Box(0, 0, 200_000, 50_000), PageSetup("a4"))
    assert str(MAX_PAGES) in str(caught.value)


def test_unknown_names_are_refused():
    with pytest.raises(UnknownPageSize, match="a3.*a4, letter, fit"):
        PageSetup("a3")
    with pytest.raises(UnknownPageSize, match="sideways"):
        PageSetup("a4", "sideways")
    with pytest.raises(ValueError, match="scale"):
        plan_pages(Box(0, 0, 10, 10), PageSetup(), scale=0)


def test_an_empty_graph_is_one_page():
    assert plan_pages(Box(0, 0, 0, 0), PageSetup("letter")).pages == 1
