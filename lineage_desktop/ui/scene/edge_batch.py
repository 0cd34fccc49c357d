"""``EdgeBatches``: the edges of a big graph drawn by a few hundred batch items.

One ``EdgeItem`` per edge costs about 4 KB and one Python ``paint()`` per frame; a hub
with 25,000 edges in view then takes a second a frame and 50,000 edges 200 MB. A graph
built in slices draws its edges instead by ``EdgeBatchItem``s of ``BATCH_EDGES`` curves
each: one path of curves and one of arrowheads, never hit by the mouse. On screen one
``BatchCurvesItem`` draws the curves of every batch, as much of them as is seen
(``visible_curves``: a hub's fan falls on few pixels); exports draw each batch whole.
An edge becomes a real ``EdgeItem`` (it is *materialised*) when one of its cards moves
or is asked for its ``edges()``; the batch then drops it. A hovered or selected card's
batched edges are emphasised by one overlay item drawn over them (``HotOverlay``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.building import Extent
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.scene.edge_item import (
    EdgeItem,
    Point,
    edge_geometry,
    fresh_route,
    usable_points,
)
from lineage_desktop.ui.scene.hot_overlay import HotOverlay
from lineage_desktop.ui.scene.paint_only import PaintOnlyItem
from lineage_desktop.ui.scene.visible_curves import VisibleCurves, cubic_pieces

if TYPE_CHECKING:
    from lineage_desktop.ui.scene.card_item import CardItem

BATCH_EDGES = 256  # curves per batch item: few items, and a cheap rebuild of one
_NO_PIECES = np.empty((0, 4, 2))


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


class EdgeBatchItem(PaintOnlyItem):
    """Up to ``BATCH_EDGES`` curves in the edge pen, faded ones apart; their arrowheads
    are a child item with bounds of their own (they sit at the targets: a hub's fan
    spans the graph, the arrowheads of one batch a small part of it)."""

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__()
        self._ctx = ctx
        self._bounds = QRectF()
        self._paths = (QPainterPath(), QPainterPath())
        self.pieces = (_NO_PIECES, _NO_PIECES)  # the plain and faded curves' cubic pieces
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(style.Z_EDGE)
        self.arrows = _ArrowsItem(self)

    def fill(self, routes: Iterator[tuple[list[QPointF], bool]]) -> None:
        """Draw these routes (control points, faded) from now on."""
        curves, arrows, dim_curves, dim_arrows = (QPainterPath() for _ in range(4))
        drawn: tuple[list[list[QPointF]], list[list[QPointF]]] = ([], [])
        extent, arrow_extent = Extent(), Extent()
        for points, dimmed in routes:
            path, arrow, bounds, control = edge_geometry(points)
            (dim_curves if dimmed else curves).addPath(path)
            (dim_arrows if dimmed else arrows).addPolygon(arrow)
            drawn[dimmed].append(control)
            extent.add_rect(bounds)
            arrow_extent.add_rect(arrow.boundingRect())
        self.prepareGeometryChange()
        self._paths = (curves, dim_curves)
        self.pieces = (cubic_pieces(drawn[0]), cubic_pieces(drawn[1]))
        self._bounds = extent.rect()
        self.arrows.show_paths(arrows, dim_arrows, arrow_extent.rect().adjusted(-2, -2, 2, 2))
        self.update()

    def curves(self) -> tuple[QPainterPath, QPainterPath]:
        """The plain and the faded curves (read only: for the overview)."""
        return self._paths

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        ctx = self._ctx
        if ctx.exporting:  # every curve, smooth (the view does not save the painter's state)
            smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(ctx.paints.batch_edge_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            _draw_paths(painter, *self._paths)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        # on screen the BatchCurvesItem draws the curves


class BatchCurvesItem(PaintOnlyItem):
    """The curves of every batch of an ``EdgeBatches`` on screen, as much of them as is
    exposed (``VisibleCurves``), in one paint; their union of pieces is made again after
    a batch changed."""

    def __init__(self, ctx: SceneContext, batches: list[EdgeBatchItem]) -> None:
        super().__init__()
        self._ctx = ctx
        self._batches = batches
        self._bounds = QRectF()
        self._visible: tuple[VisibleCurves, VisibleCurves] | None = None
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(style.Z_EDGE)

    def changed(self, added: QRectF | None = None) -> None:
        """Batches were filled (only new ones, of bounds ``added``, if given): join the
        pieces again at the next paint."""
        if added is not None:
            bounds = self._bounds.united(added) if not self._bounds.isNull() else added
        else:
            extent = Extent()
            for batch in self._batches:
                extent.add_rect(batch.boundingRect())
            bounds = extent.rect()
        self.prepareGeometryChange()
        self._bounds = bounds
        self._visible = None
        self.update()

    def visible(self) -> tuple[VisibleCurves, VisibleCurves]:
        """The plain and the faded curves of every batch."""
        if self._visible is None:
            self._visible = (VisibleCurves.join([b.pieces[0] for b in self._batches]),
                             VisibleCurves.join([b.pieces[1] for b in self._batches]))
        return self._visible

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self._ctx.exporting:  # exports draw each batch whole
            _draw_visible(painter, self._ctx.paints.batch_edge_pen, option.exposedRect,
                          *self.visible(), self._batches)


def _draw_visible(painter: QPainter, pen: QPen, exposed: QRectF, plain: VisibleCurves,
                  faded: VisibleCurves, batches: Sequence[EdgeBatchItem]) -> None:
    """What ``exposed`` shows of ``faded`` (at the dimmed opacity), then of ``plain``, in
    aliased hairlines (twice as fast as smooth ones for a hub's fan; the view does not
    save the painter's state per item, so the hint is put back). ``batches`` hold the
    same curves whole (drawn instead when many separate ones are in view)."""
    smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if len(faded):
        painter.setOpacity(style.DIM_OPACITY)
        faded.draw(painter, exposed, (b.curves()[1] for b in batches))
        painter.setOpacity(1.0)
    plain.draw(painter, exposed, (b.curves()[0] for b in batches))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)


class _ArrowsItem(PaintOnlyItem):
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

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        p = self._batch._ctx.paints
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(p.edge_brush)
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
        self._curves = BatchCurvesItem(ctx, self._batches)
        self._curves.setParentItem(layer)
        # the overlay of each hovered or selected card with batched edges
        self._hot: dict[str, tuple[CardItem, HotOverlay]] = {}

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

    def prepare(self) -> None:
        """Join the batches' pieces now (a build step), not in the first paint (37 ms
        at 50,000 edges)."""
        self._curves.visible()

    def batch_full(self) -> bool:
        """True when the open batch holds ``BATCH_EDGES`` edges."""
        return bool(self._members) and len(self._members[-1]) >= BATCH_EDGES

    def close_batch(self) -> QRectF:
        """Make the item of the open batch; returns its bounds."""
        added = Extent()
        while len(self._batches) < len(self._members):
            item = EdgeBatchItem(self._ctx)
            item.setParentItem(self._layer)
            self._batches.append(item)
            self._fill(len(self._batches) - 1)
            added.add_rect(item.boundingRect())
        if not added.rect().isNull():
            self._curves.changed(added.rect())
        return self._batches[-1].boundingRect() if self._batches else QRectF()

    def _fill(self, number: int) -> None:
        direction = self._direction
        links = [link for link in self._members[number] if link.item is None]
        self._members[number] = links
        self._batches[number].fill((link.route(direction), link.dimmed) for link in links)

    # --- queries --------------------------------------------------------------------------

    def items(self) -> list[QGraphicsItem]:
        """Every batch and overlay item (for taking the graph apart)."""
        return [*self._batches, self._curves, *(overlay for _, overlay in self._hot.values())]

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
        if touched:
            self._curves.changed()
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
        if touched:
            self._curves.changed()

    def set_hot(self, card: CardItem, hot: bool) -> None:
        """Draw ``card``'s batched edges emphasised (hovered or selected) or not."""
        key = card.key
        if hot and key not in self._hot:
            overlay = HotOverlay(self._ctx)
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
        overlay.show_routes(
            link.points if link.points is not None and usable_points(link.points)
            else [(p.x(), p.y()) for p in link.route(direction)]
            for link in card.links()
        )

    def forget(self) -> None:
        """Drop every reference between links and cards (the graph is being removed)."""
        for link in self._links:
            link.source.forget_edges()
            link.target.forget_edges()
        self._links = []
        self._members = []
