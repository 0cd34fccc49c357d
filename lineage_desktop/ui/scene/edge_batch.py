"""``EdgeBatches``: the edges of a big graph drawn by a few hundred batch items.

One ``EdgeItem`` per edge costs about 4 KB and one Python ``paint()`` per frame; a hub
with 25,000 edges in view then takes a second a frame and 50,000 edges 200 MB. A graph
built in slices draws its edges instead by ``EdgeBatchItem``s of ``BATCH_EDGES`` curves
each: one path of curves and one of arrowheads, painted in two calls, never hit by the
mouse. An edge becomes a real ``EdgeItem`` (it is *materialised*) when one of its cards
moves or is asked for its ``edges()``; the batch then drops it. A hovered or selected
card's batched edges are emphasised by one overlay item drawn over them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.building import Extent
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.scene.edge_item import (
    EdgeItem,
    Point,
    edge_shape,
    fresh_route,
    usable_points,
)

if TYPE_CHECKING:
    from lineage_desktop.ui.scene.card_item import CardItem

BATCH_EDGES = 256  # curves per batch item: few items, and a cheap rebuild of one
_NO_SHAPE = QPainterPath()  # batches are never hit: hover and clicks go to the cards


class EdgeLink:
    """One edge of a batch: its two cards and the layout's route."""

    __slots__ = ("owner", "source", "target", "points", "batch", "item", "dimmed")

    def __init__(
        self,
        owner: EdgeBatches,
        source: CardItem,
        target: CardItem,
        points: Sequence[Point] | None,
        batch: int,
        dimmed: bool,
    ) -> None:
        self.owner = owner
        self.source = source
        self.target = target
        self.points = points
        self.batch = batch
        self.item: EdgeItem | None = None  # set once materialised
        self.dimmed = dimmed

    @property
    def key(self) -> str:
        return f"{self.source.key}->{self.target.key}"

    def route(self, direction: str) -> list[QPointF]:
        """Control points where the cards are now (they have not moved: it is batched)."""
        points = self.points
        if points is not None and usable_points(points):
            return [QPointF(x, y) for x, y in points]
        s, t = self.source, self.target
        return fresh_route(s.pos(), s.size, t.pos(), t.size, direction)


class EdgeBatchItem(QGraphicsItem):
    """Up to ``BATCH_EDGES`` curves in the edge pen, faded ones apart; their arrowheads
    are a child item with bounds of their own (they sit at the targets: a hub's fan
    spans the graph, the arrowheads of one batch a small part of it)."""

    def __init__(self, ctx: SceneContext, hot: bool = False) -> None:
        super().__init__()
        self._ctx = ctx
        self._hot = hot
        self._bounds = QRectF()
        self._paths = (QPainterPath(), QPainterPath())
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(style.Z_EDGE_EMPHASISED if hot else style.Z_EDGE)
        self.arrows = _ArrowsItem(self)

    def fill(self, routes: Iterator[tuple[list[QPointF], bool]]) -> None:
        """Draw these routes (control points, faded) from now on."""
        curves, arrows, dim_curves, dim_arrows = (QPainterPath() for _ in range(4))
        extent, arrow_extent = Extent(), Extent()
        for points, dimmed in routes:
            path, arrow, bounds = edge_shape(points)
            (dim_curves if dimmed else curves).addPath(path)
            (dim_arrows if dimmed else arrows).addPolygon(arrow)
            extent.add_rect(bounds)
            arrow_extent.add_rect(arrow.boundingRect())
        self.prepareGeometryChange()
        self._paths = (curves, dim_curves)
        self._bounds = extent.rect()
        self.arrows.show_paths(arrows, dim_arrows, arrow_extent.rect().adjusted(-2, -2, 2, 2))
        self.update()

    def curves(self) -> tuple[QPainterPath, QPainterPath]:
        """The plain and the faded curves (read only: for the overview)."""
        return self._paths

    def is_hot(self) -> bool:
        return self._hot and not self._ctx.exporting

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def shape(self) -> QPainterPath:
        return _NO_SHAPE

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        ctx = self._ctx
        p = ctx.paints
        pen = p.batch_edge_hot_pen if self.is_hot() else p.batch_edge_pen
        # Aliased hairlines draw a hub's fan of 25,000 curves in half the time; exports
        # keep them smooth. (The view does not save the painter's state per item.)
        smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, ctx.exporting)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        _draw_paths(painter, *self._paths)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)


class _ArrowsItem(QGraphicsItem):
    """The arrowheads of an ``EdgeBatchItem`` (its child)."""

    def __init__(self, batch: EdgeBatchItem) -> None:
        super().__init__(batch)
        self._batch = batch
        self._bounds = QRectF()
        self._paths = (QPainterPath(), QPainterPath())
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def show_paths(self, arrows: QPainterPath, dim_arrows: QPainterPath, bounds: QRectF) -> None:
        self.prepareGeometryChange()
        self._paths = (arrows, dim_arrows)
        self._bounds = bounds
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def shape(self) -> QPainterPath:
        return _NO_SHAPE

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        p = self._batch._ctx.paints
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(p.edge_hot_brush if self._batch.is_hot() else p.edge_brush)
        _draw_paths(painter, *self._paths)


def _draw_paths(painter: QPainter, plain: QPainterPath, faded: QPainterPath) -> None:
    """The faded paths at the dimmed opacity, then the plain ones, with the current pen
    and brush (curves and arrowheads alike)."""
    if not faded.isEmpty():
        painter.setOpacity(style.DIM_OPACITY)
        painter.drawPath(faded)
        painter.setOpacity(1.0)
    painter.drawPath(plain)


class EdgeBatches:
    """The batched edges of one graph (see the module docstring). ``edges`` is the
    scene's list of real edge items: materialised edges join it."""

    def __init__(
        self, ctx: SceneContext, layer: QGraphicsItem, edges: list[EdgeItem], direction: str
    ) -> None:
        self._ctx = ctx
        self._layer = layer
        self._edges = edges
        self._direction = direction
        self._links: list[EdgeLink] = []
        self._batches: list[EdgeBatchItem] = []
        self._members: list[list[EdgeLink]] = []
        # the overlay of each hovered or selected card with batched edges
        self._hot: dict[str, tuple[CardItem, EdgeBatchItem]] = {}

    def add(self, source: CardItem, target: CardItem, points: Sequence[Point] | None,
            dimmed: bool) -> EdgeLink:
        """Queue one edge into the open batch (drawn at ``close_batch``)."""
        if not self._members or len(self._members[-1]) >= BATCH_EDGES:
            self._members.append([])
        link = EdgeLink(self, source, target, points, len(self._members) - 1, dimmed)
        self._members[-1].append(link)
        self._links.append(link)
        source.add_link(link)
        target.add_link(link)
        return link

    def batch_full(self) -> bool:
        """True when the open batch holds ``BATCH_EDGES`` edges."""
        return bool(self._members) and len(self._members[-1]) >= BATCH_EDGES

    def close_batch(self) -> QRectF:
        """Make the item of the open batch; returns its bounds."""
        while len(self._batches) < len(self._members):
            item = EdgeBatchItem(self._ctx)
            item.setParentItem(self._layer)
            self._batches.append(item)
            self._fill(len(self._batches) - 1)
        return self._batches[-1].boundingRect() if self._batches else QRectF()

    def _fill(self, number: int) -> None:
        direction = self._direction
        links = [link for link in self._members[number] if link.item is None]
        self._members[number] = links
        self._batches[number].fill((link.route(direction), link.dimmed) for link in links)

    # --- queries --------------------------------------------------------------------------

    def items(self) -> list[QGraphicsItem]:
        """Every batch and overlay item (for taking the graph apart)."""
        return [*self._batches, *(overlay for _, overlay in self._hot.values())]

    def pending(self) -> list[EdgeLink]:
        """The edges still drawn in batches."""
        return [link for link in self._links if link.item is None]

    def overview_curves(self) -> Iterator[tuple[QPainterPath, bool]]:
        """The batches' plain and faded curves, for the overview."""
        for batch in self._batches:
            plain, faded = batch.curves()
            yield plain, False
            yield faded, True

    # --- changes --------------------------------------------------------------------------

    def materialise(self, links: list[EdgeLink]) -> list[EdgeItem]:
        """Real edge items for these batched edges; their batches redraw without them."""
        made, touched = [], set()
        for link in links:
            if link.item is not None:
                continue
            s, t = link.source, link.target
            base_s, base_t = (s.pos().x(), s.pos().y()), (t.pos().x(), t.pos().y())
            edge = EdgeItem(s, t, self._ctx, link.points, base_s, base_t, self._direction)
            if link.dimmed:
                edge.dimmed = True
                edge.setOpacity(style.DIM_OPACITY)
            edge.setParentItem(self._layer)
            link.item = edge
            self._edges.append(edge)
            made.append(edge)
            touched.add(link.batch)
            s.drop_link(link)
            t.drop_link(link)
        for number in sorted(touched):
            self._fill(number)
        for key in list(self._hot):
            self._refresh_hot(key)
        for edge in made:
            edge.refresh_emphasis()
        return made

    def set_dimmed(self, dimmed: set[str]) -> None:
        """Fade the batched edges that touch a key of ``dimmed``."""
        touched = set()
        for link in self._links:
            if link.item is not None:
                continue
            faded = link.source.key in dimmed or link.target.key in dimmed
            if faded != link.dimmed:
                link.dimmed = faded
                touched.add(link.batch)
        for number in sorted(touched):
            self._fill(number)

    def set_hot(self, card: CardItem, hot: bool) -> None:
        """Draw ``card``'s batched edges emphasised (hovered or selected) or not."""
        key = card.key
        if hot and key not in self._hot:
            overlay = EdgeBatchItem(self._ctx, hot=True)
            overlay.setParentItem(self._layer)
            self._hot[key] = (card, overlay)
            self._refresh_hot(key)
        elif not hot and key in self._hot:
            _, overlay = self._hot.pop(key)
            scene = overlay.scene()
            if scene is not None:
                scene.removeItem(overlay)

    def _refresh_hot(self, key: str) -> None:
        card, overlay = self._hot[key]
        if not card.links():  # all made items: they emphasise themselves
            self.set_hot(card, False)
            return
        direction = self._direction
        overlay.fill((link.route(direction), False) for link in card.links())

    def forget(self) -> None:
        """Drop every reference between links and cards (the graph is being removed)."""
        for link in self._links:
            link.source.forget_edges()
            link.target.forget_edges()
        self._links = []
        self._members = []
