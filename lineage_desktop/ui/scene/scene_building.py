"""How ``LineageScene`` builds a graph's items and takes them apart (``SceneBuilding``, a
mixin of the scene).

Small graphs are built in one go. Bigger ones (over ``SYNC_BUILD_LIMIT`` cards plus
edges, in a scene shown by a view) are built in slices of a few milliseconds each, the
batched overview drawn first from the layout's data, so that the window never stalls
for long; a newer ``set_graph`` drops an unfinished build. A replaced graph's items are
made invisible at once and removed in slices.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from itertools import chain

import networkx as nx
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QGraphicsItem

from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.records.collector import gc_paused
from lineage_desktop.ui import style
from lineage_desktop.ui.scene.building import (
    Extent,
    edge_items,
    front_rect,
    new_layer,
)
from lineage_desktop.ui.scene.card_item import CardItem
from lineage_desktop.ui.scene.card_tiles import CardTiles
from lineage_desktop.ui.scene.cards import CardSpec, ViewCards, view_cards
from lineage_desktop.ui.scene.edge_batch import BATCH_EDGES, EdgeBatches
from lineage_desktop.ui.scene.node_item import ClusterItem, NodeItem
from lineage_desktop.ui.scene.overview_item import OverviewContent, OverviewItem

_CARD_MARGIN = 8.0  # a card's bounds beyond its box (CardItem's focus ring and halo)
# Up to this many cards plus edges a graph is built in one go (a few tens of ms); above
# it in slices, so that the window never stalls for long.
SYNC_BUILD_LIMIT = 1500
_INDEX_EVERY = 500  # cards made between two index updates of a sliced build
_NOWHERE = QRectF(0.0, 0.0, 1.0, 1.0)  # a tiny query that brings the index up to date


class SceneBuilding:
    """The building half of ``LineageScene`` (its state is set up by the scene)."""

    # --- building -------------------------------------------------------------------------

    def set_graph(
        self,
        view_graph: nx.DiGraph,
        layout: LayoutResult,
        keep_positions: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        """Replace every item by cards and edges of ``view_graph`` placed by ``layout``.

        ``keep_positions`` maps keys to centres the user dragged earlier; those that still
        exist are placed there instead of at the layout's position (edges bend to follow).
        Highlights, compromised and dimmed marks are kept for keys that still exist.

        A graph of more than ``sync_build_limit`` cards and edges in a scene shown by a
        view is built in slices from the event loop (see ``slices``): the overview item
        draws it from the layout at once, and the cards follow. Until ``is_building()``
        is False (``when_built``) the item queries answer for the cards made so far; the
        keys, marks and ``focus_key`` are those of the new graph at once.
        """
        keep = dict(keep_positions or {})
        cards = view_cards(view_graph)
        self._retire_items()
        # (networkx counts edges node by node: 60 ms at 50,000 nodes, so only if needed)
        limit = self.sync_build_limit
        sliced = bool(self.views()) and (
            len(cards.specs) > limit or len(cards.specs) + view_graph.number_of_edges() > limit
        )
        self._begin_graph(view_graph, layout, keep, cards, sliced)
        steps = self._build_steps(view_graph, layout, keep, cards, sliced)
        if sliced:
            self._building = True
            self._runner.start(chain(self._removal_steps(), steps), self._on_build_done)
            return
        with gc_paused():
            for _ in steps:
                pass
        self._on_build_done()
        if self._retired:  # a big graph is being replaced by a small one
            self._runner.start(self._removal_steps())

    def _begin_graph(
        self,
        view_graph: nx.DiGraph,
        layout: LayoutResult,
        keep: dict[str, tuple[float, float]],
        cards: ViewCards,
        sliced: bool,
    ) -> None:
        """The new graph's keys, marks and the empty layer and overview (at once)."""
        self._keys = cards.specs.keys()
        self._direction = layout.direction
        self._focus_key = view_graph.graph.get("focus")
        keys = self._keys
        self._highlighted &= keys
        self._compromised &= keys
        self._tainted &= keys
        self._cluster_marks = {k: m for k, m in self._cluster_marks.items() if k in keys}
        self._dimmed &= keys
        ctx = self._ctx
        ctx.dragged_keys = {k for k in keep if k in keys}
        ctx.overview_dirty = True
        self._layer = new_layer()
        self._big = sliced
        self._show_layer(not (sliced or self._batched))
        self.addItem(self._layer)
        self._overview = OverviewItem(ctx)
        self._overview.setVisible(sliced or self._batched)
        self.addItem(self._overview)

    def _build_steps(
        self,
        view_graph: nx.DiGraph,
        layout: LayoutResult,
        keep: dict[str, tuple[float, float]],
        cards: ViewCards,
        sliced: bool,
    ) -> Iterator[None]:
        """The build, one card or edge per step (see ``set_graph``)."""
        ctx, layer = self._ctx, self._layer
        assert layer is not None
        centres = _centres(cards, layout, keep)
        if sliced:
            yield from self._overview_steps(view_graph, layout, cards, centres)
        extent = Extent()
        tiles = CardTiles(layer)
        for key, spec in cards.specs.items():
            size = layout.sizes.get(key) or cards.sizes[key]
            centre = centres[key]
            card = self._make_card(spec, size, centre)
            self._cards[spec.key] = card
            m = _CARD_MARGIN
            w, h = size[0] / 2 + m, size[1] / 2 + m
            extent.add(centre[0] - w, centre[1] - h, centre[0] + w, centre[1] + h)
            tiles.place(card, QRectF(centre[0] - w, centre[1] - h, 2 * w, 2 * h))
            if sliced and len(self._cards) % _INDEX_EVERY == 0:
                self._index_new_items()
            yield
        if sliced:
            yield from self._batch_steps(view_graph, layout, extent)
            self._index_new_items()
            self._set_content_rect(extent.rect(), grow_only=True)
            return
        dimmed = self._dimmed
        for edge in edge_items(view_graph, self._cards, ctx, layout):
            if dimmed and (edge.source.key in dimmed or edge.target.key in dimmed):
                edge.dimmed = True
                edge.setOpacity(style.DIM_OPACITY)
            edge.setParentItem(layer)
            self._edges.append(edge)
            extent.add_rect(edge.boundingRect())
            yield
        self._set_content_rect(extent.rect())

    def _batch_steps(self, view_graph: nx.DiGraph, layout: LayoutResult, extent: Extent
                     ) -> Iterator[None]:
        """The edges of a big graph, in batch items (``edge_batch``); those of cards the
        user dragged earlier are items of their own."""
        layer = self._layer
        assert layer is not None
        batches = self._batches = EdgeBatches(self._ctx, layer, self._edges, layout.direction)
        cards, dimmed, moved = self._cards, self._dimmed, self._ctx.dragged_keys
        links = []
        for source, target in view_graph.edges():
            s, t = str(source), str(target)
            src, dst = cards.get(s), cards.get(t)
            if src is None or dst is None:
                continue
            link = batches.add(src, dst, layout.edges.get((source, target)),
                               s in dimmed or t in dimmed)
            if s in moved or t in moved:
                links.append(link)
            if batches.batch_full():
                extent.add_rect(batches.close_batch())
                yield
        extent.add_rect(batches.close_batch())
        for edge in batches.materialise(links):
            extent.add_rect(edge.boundingRect())
        yield
        batches.prepare()
        yield

    def _make_card(
        self, spec: CardSpec, size: tuple[float, float], centre: tuple[float, float]
    ) -> CardItem:
        cls = ClusterItem if spec.kind == "cluster" else NodeItem
        card = cls(spec, size, self._ctx, QPointF(*centre))
        key = spec.key
        card.focused = key == self._focus_key
        card.highlighted = key in self._highlighted
        card.compromised = key in self._compromised
        card.tainted = key in self._tainted
        if isinstance(card, ClusterItem):
            card.integrity_mark = self._cluster_marks.get(key)
        if key in self._dimmed:
            card.dimmed = True
            card.setOpacity(style.DIM_OPACITY)
        if spec.running and isinstance(card, NodeItem):
            self._running.append(card)
        return card

    def _overview_steps(
        self,
        view_graph: nx.DiGraph,
        layout: LayoutResult,
        cards: ViewCards,
        centres: dict[str, tuple[float, float]],
    ) -> Iterator[None]:
        """Fill the overview from the layout's data, before any card exists."""
        content = OverviewContent()
        dimmed = self._dimmed
        for key, spec in cards.specs.items():
            size = layout.sizes.get(key) or cards.sizes[key]
            rect = front_rect(spec, size, centres[key])
            content.add_block(
                rect,
                spec,
                key in dimmed,
                key == self._focus_key,
                key in self._highlighted,
            )
            yield
        moved = self._ctx.dragged_keys
        for source, target in view_graph.edges():
            s, t = str(source), str(target)
            if s not in centres or t not in centres:
                continue
            points = layout.edges.get((source, target))
            if not points or s in moved or t in moved:
                points = (centres[s], centres[t])
            content.add_curve(points, s in dimmed or t in dimmed)
            yield
        assert self._overview is not None
        self._overview.show_content(content)
        self._ctx.overview_dirty = bool(moved)  # dragged cards bend their edges
        # After the old graph's removal, before the new cards: resizing the index, like
        # changing the scene rect, files every item again.
        self._size_index(len(cards.specs) + 2 * len(layout.edges) // BATCH_EDGES)
        self._set_content_rect(content.bounds())
        yield

    def _size_index(self, items: int) -> None:
        """A fixed depth for the scene's BSP index: grown automatically, it is rebuilt
        from every item each time the count doubles (a stall of its own at 32,000)."""
        depth = max(5, math.ceil(math.log2(max(items, 2))))
        if self.bspTreeDepth() != depth:  # type: ignore[attr-defined]
            self.setBspTreeDepth(depth)  # type: ignore[attr-defined]

    def _index_new_items(self) -> None:
        """File the items added since the last call in the BSP index now, a slice at a
        time (a query does it): Qt would otherwise file them all at the next paint."""
        self.items(_NOWHERE)  # type: ignore[attr-defined]

    def _on_build_done(self) -> None:
        self._building = False
        # The callbacks first: a first fit decides the zoom, and so what is drawn.
        self._run_built_callbacks()
        if self._building or self._overview is None:  # a callback replaced the graph
            return
        if self._batched and self._ctx.overview_dirty:
            self._rebuild_overview()
        self._show_layer(not self._batched)
        self._overview.setVisible(self._batched)
        self._update_pulse()

    def _show_layer(self, visible: bool) -> None:
        """Show or hide every card and edge. Hiding the layer hides each child with one
        Python ``itemChange`` call or two, 0.3 s for 20,000 cards; a big graph's layer is
        made fully transparent instead, which Qt skips when painting and hit-testing with
        no call per child (its cards still say ``isVisible()``)."""
        layer = self._layer
        if layer is None:
            return
        if self._big:
            layer.setOpacity(1.0 if visible else 0.0)
            self._update_everything()
        else:
            layer.setVisible(visible)

    def _update_everything(self) -> None:
        """Repaint the whole scene: Qt then skips the per-item pass over the dirty items
        (a Python ``boundingRect()`` call for each of 100,000 children of a layer whose
        opacity changed: 1.9 s)."""
        self.update()  # type: ignore[attr-defined]

    def finish_build(self) -> None:
        """Build what is left of the graph now (image export needs every card)."""
        if self.is_building():
            with gc_paused():
                self._runner.finish()

    def when_built(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once the graph of the last ``set_graph`` is fully built: at
        once after a synchronous build, else when the last slice is in; dropped if another
        ``set_graph`` comes first."""
        self._built_callbacks.append(callback)
        if not self.is_building():
            self._run_built_callbacks()

    def is_building(self) -> bool:
        """True while the items of a big graph are still being made, slice by slice."""
        return self._building

    def is_clearing(self) -> bool:
        """True while the items of a replaced big graph are still being taken away (they
        are transparent meanwhile: neither drawn nor hit)."""
        return bool(self._retired)

    def _run_built_callbacks(self) -> None:
        callbacks, self._built_callbacks = self._built_callbacks, []
        for callback in callbacks:
            callback()

    # --- taking a graph apart -----------------------------------------------------------

    def _retire_items(self) -> None:
        """Hide the items of the graph on screen (one call) and queue them for removal;
        a small graph goes at once, a big one in slices (``_removal_steps``)."""
        self._runner.cancel()
        self._building = False
        self._built_callbacks = []
        self._ctx.dragging = False
        if self._overview is not None:
            self.removeItem(self._overview)
            self._overview = None
        if self._layer is not None:
            self._layer.setOpacity(0.0)  # see _show_layer
            self._update_everything()
            items: list[QGraphicsItem] = [*self._cards.values(), *self._edges]
            if self._batches is not None:
                items += self._batches.items()
                self._batches.forget()
            self._retired.append((self._layer, items))
        self._layer = None
        self._batches = None
        self._cards = {}
        self._edges = []
        self._clear_hidden_marks()
        self._running = []
        few = sum(len(items) for _, items in self._retired) <= self.sync_build_limit
        if few or not self.views():
            for _ in self._removal_steps():
                pass

    def _removal_steps(self) -> Iterator[None]:
        """Remove retired items one per step, edges first. The cards forget their edges
        beforehand: no reference cycle waits for the garbage collector, and each edge
        is deleted in its own step (a hub's card would otherwise take 5,000 edges with
        it in one step)."""
        while self._retired:
            layer, items = self._retired[-1]
            for item in items:
                if isinstance(item, CardItem):
                    item.forget_edges()
                    yield
            while items:
                self.removeItem(items.pop())
                yield
            self.removeItem(layer)
            self._retired.pop()
            yield


def _centres(
    cards: ViewCards, layout: LayoutResult, keep: Mapping[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Where each card goes: where the user dragged it, else the layout's place; a node
    the layout missed (should not happen) is parked beside the graph."""
    fallback_x = layout.width + 150.0
    centres = {}
    for n, key in enumerate(cards.specs):
        centre = keep.get(key) or layout.positions.get(key)
        if centre is None:
            size = layout.sizes.get(key) or cards.sizes[key]
            centre = (fallback_x, 40.0 + n * (size[1] + 20))
        centres[key] = centre
    return centres
