"""Drawing only part of a scene: the cards of some keys and the edges between them, for
"Export selection…". The other items are made fully transparent for the duration (Qt
then skips them and their children when rendering) rather than hidden, so that the
selection, hover and the items' own state are left exactly as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem

from lineage_desktop.ui.scene.building import items_rect
from lineage_desktop.ui.scene.card_item import CardItem
from lineage_desktop.ui.scene.edge_item import EdgeItem

if TYPE_CHECKING:
    from lineage_desktop.ui.scene.lineage_scene import LineageScene


def subset_items(
    scene: LineageScene, keys: Iterable[str]
) -> tuple[list[CardItem], list[EdgeItem]]:
    """The cards of ``keys`` (unknown keys are skipped) and the edges joining two of them."""
    scene.finish_build()
    cards = [card for key in dict.fromkeys(keys) if (card := scene.node_item(key)) is not None]
    wanted = {card.key for card in cards}
    edges: dict[int, EdgeItem] = {}
    for card in cards:
        for edge in card.edges():  # batched edges become items here; stubs are not edges
            if (isinstance(edge, EdgeItem) and edge.source.key in wanted
                    and edge.target.key in wanted):
                edges[id(edge)] = edge
    return cards, list(edges.values())


def subset_rect(scene: LineageScene, keys: Iterable[str]) -> QRectF:
    """The bounding rectangle of what ``drawing_only(scene, keys)`` draws."""
    return items_rect(*subset_items(scene, keys))


@contextmanager
def drawing_only(scene: LineageScene, keys: Iterable[str]) -> Iterator[QRectF]:
    """Within the block the scene draws only the cards of ``keys`` and the edges between
    them; yields their bounding rectangle in scene coordinates (null when none of the
    keys is on screen)."""
    cards, edges = subset_items(scene, keys)
    # By id(), holding the wrappers: Qt items are not hashable by value.
    kept: dict[int, QGraphicsItem] = {id(item): item for item in (*cards, *edges)}
    parents: dict[int, QGraphicsItem] = {}
    for item in (*cards, *edges):
        parent = item.parentItem()
        while parent is not None:
            parents[id(parent)] = parent
            parent = parent.parentItem()
    faded: list[tuple[QGraphicsItem, float]] = []

    def fade(items: Iterable[QGraphicsItem]) -> None:
        for item in items:
            if id(item) in kept:
                continue
            if id(item) in parents:  # the layer holding the kept items: look inside it
                fade(item.childItems())
            elif item.opacity() > 0.0:
                faded.append((item, item.opacity()))
                item.setOpacity(0.0)

    fade(item for item in scene.items() if item.parentItem() is None)
    try:
        yield items_rect(cards, edges)
    finally:
        for item, opacity in faded:
            item.setOpacity(opacity)
