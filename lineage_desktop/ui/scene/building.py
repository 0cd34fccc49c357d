"""Helpers of ``LineageScene`` for building and measuring thousands of items at once:
the garbage collector paused while they are made, the layer item that holds one graph's
items, the edges between placed cards, and bounding rectangles in plain float
arithmetic."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import networkx as nx
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.ui import style
from lineage_desktop.ui.scene.card_item import CardItem
from lineage_desktop.ui.scene.cards import CardSpec
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.scene.edge_item import EdgeItem


def new_layer() -> QGraphicsItem:
    """An invisible item to parent one graph's cards and edges: showing or hiding the
    whole graph (the overview's level of detail) is then one call instead of one per
    item, and a replaced graph can be hidden at once and taken apart in slices."""
    layer = QGraphicsRectItem()  # C++ all the way: no Python boundingRect() per frame
    layer.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
    return layer


def front_rect(spec: CardSpec, size: tuple[float, float], centre: tuple[float, float]) -> QRectF:
    """The front card of a box of ``size`` centred on ``centre`` in scene coordinates, as
    the card item will draw it (a cluster's stack takes the bottom-right corner, see
    ``ClusterItem._card_rect``)."""
    w, h = size
    inset = 2 * style.STACK_OFFSET if spec.kind == "cluster" else 0.0
    return QRectF(centre[0] - w / 2, centre[1] - h / 2, w - inset, h - inset)


class Extent:
    """A bounding rectangle grown one box at a time with float min/max."""

    __slots__ = ("left", "top", "right", "bottom")

    def __init__(self) -> None:
        self.left = self.top = float("inf")
        self.right = self.bottom = float("-inf")

    def add(self, left: float, top: float, right: float, bottom: float) -> None:
        """Grow to hold this box."""
        self.left, self.top = min(self.left, left), min(self.top, top)
        self.right, self.bottom = max(self.right, right), max(self.bottom, bottom)

    def add_rect(self, rect: QRectF) -> None:
        """Grow to hold ``rect``."""
        self.add(rect.left(), rect.top(), rect.right(), rect.bottom())

    def rect(self) -> QRectF:
        """The rectangle so far (null if nothing was added)."""
        if self.right <= self.left:
            return QRectF()
        return QRectF(self.left, self.top, self.right - self.left, self.bottom - self.top)


def items_rect(cards: Iterable[CardItem], edges: Iterable[EdgeItem]) -> QRectF:
    """Bounding rectangle of ``cards`` and ``edges`` in scene coordinates (null if none)."""
    # Plain float min/max: sceneBoundingRect() on 20,000 items costs a Python
    # boundingRect() round trip each.
    extent = Extent()
    for card in cards:
        b = card.boundingRect()
        pos = card.pos()
        x, y = pos.x(), pos.y()
        extent.add(x + b.left(), y + b.top(), x + b.right(), y + b.bottom())
    for edge in edges:
        extent.add_rect(edge.boundingRect())
    return extent.rect()


def edge_items(
    view_graph: nx.DiGraph,
    cards: Mapping[str, CardItem],
    ctx: SceneContext,
    layout: LayoutResult,
) -> Iterator[EdgeItem]:
    """An ``EdgeItem`` for each edge of ``view_graph`` whose two cards exist, routed along
    the layout's path (in graph order)."""
    for source, target in view_graph.edges():
        src, dst = cards.get(str(source)), cards.get(str(target))
        if src is None or dst is None:
            continue
        yield EdgeItem(
            src,
            dst,
            ctx,
            layout.edges.get((source, target)),
            layout.positions.get(source),
            layout.positions.get(target),
            layout.direction,
        )
