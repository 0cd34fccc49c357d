"""A cluster's title is never cut short: too long for one line, it wraps onto two (at a
word, ``-``, ``_`` or ``:``), and the layout reserves the height the card draws."""

from __future__ import annotations

import networkx as nx
import pytest
from scene_graphs import grid_layout

from lineage_desktop.ui import style
from lineage_desktop.ui.scene import ClusterItem, LineageScene, build_layout_request
from lineage_desktop.ui.scene.cards import node_sizes

TITLES = {
    "cluster:short": "12 runs",
    "cluster:words": "37 versions of churn-model-emea",
    "cluster:dashes": "9 versions of customer-features-tickets",
    "cluster:under": "4 versions of feature_store_snapshot_weekly",
    "cluster:endless": "5 versions of " + "-".join(["segment"] * 20),
}


def _graph() -> nx.DiGraph:
    g = nx.DiGraph(focus="artifact:src:v0")
    g.add_node("artifact:src:v0", kind="artifact", label="src:v0", type="dataset", level=0)
    for key, title in TITLES.items():
        g.add_node(key, kind="cluster", member_kind="artifact", type="model", label=title,
                   count=37, members=[], level=1)
        g.add_edge("artifact:src:v0", key)
    return g


@pytest.fixture
def clusters(qtbot):
    graph = _graph()
    layout = grid_layout(graph)
    scene = LineageScene()
    scene.set_graph(graph, layout)
    return graph, layout, {key: scene.node_item(key) for key in TITLES}


def _joined(lines: tuple[str, ...], title: str) -> str:
    """The lines read as one text: a space where the title had one at the break."""
    first, *rest = lines
    if not rest:
        return first
    gap = " " if title[len(first)] == " " else ""
    return first + gap + rest[0]


def _inside(item: ClusterItem) -> None:
    """Every name line is inside the front card, clear of the count badge."""
    card, badge = item.card_rect(), item.badge_rect()
    for rect in item.name_rects():
        assert card.contains(rect), (item.key, rect, card)
        assert rect.right() <= badge.left(), (item.key, rect, badge)


def test_a_short_title_stays_on_one_line(clusters):
    _graph_, _layout, items = clusters
    item = items["cluster:short"]
    assert item.name_lines == ("12 runs",)
    assert item.size[1] == style.NODE_HEIGHT + 2 * style.STACK_OFFSET
    _inside(item)


@pytest.mark.parametrize("key, ends", [
    ("cluster:words", "of"),  # between words: the name is kept whole on the second line
    ("cluster:dashes", "-"),  # a name too long for a line of its own breaks at a "-"
    ("cluster:under", "_"),  # or at a "_"
])
def test_a_long_title_shows_all_of_it_on_two_lines(clusters, key, ends):
    _graph_, _layout, items = clusters
    item, title = items[key], TITLES[key]
    assert len(item.name_lines) == 2
    assert item.name_lines[0].endswith(ends)
    if key == "cluster:words":
        assert item.name_lines == ("37 versions of", "churn-model-emea")
    assert _joined(item.name_lines, title) == title  # nothing elided
    assert item.label_text == title
    assert "…" not in "".join(item.name_lines)
    _inside(item)
    # The second line sits below the first, both within the card.
    top, bottom = item.name_rects()
    assert bottom.top() >= top.top() + style.fonts().name_metrics.lineSpacing() - 0.5


def test_a_title_too_long_for_two_lines_elides_the_end_with_all_of_it_in_the_tooltip(
    clusters,
):
    _graph_, _layout, items = clusters
    item, title = items["cluster:endless"], TITLES["cluster:endless"]
    first, second = item.name_lines
    assert second.endswith("…")
    assert title.startswith(first)
    assert title in item.tooltip_markup()
    _inside(item)


def test_layout_boxes_are_as_tall_as_the_drawn_cards(clusters, qtbot):
    graph, layout, items = clusters
    sizes = node_sizes(graph)
    request = {node.key: (node.width, node.height) for node in build_layout_request(graph).nodes}
    one_line = items["cluster:short"].size[1]
    extra = style.fonts().name_metrics.lineSpacing()
    for key, item in items.items():
        assert item.size == sizes[key] == request[key] == layout.sizes[key]
        # The box holds the card and its stack exactly: what is drawn is what was laid out.
        stack = style.STACK_OFFSET * 2
        assert item.card_rect().height() + stack == pytest.approx(item.size[1])
        two = len(item.name_lines) == 2
        assert item.size[1] >= one_line + (extra if two else 0) - 0.5
        assert item.size[1] == one_line or two
