"""``LineageScene``: the items of one view graph laid out by a ``LayoutResult``.

The scene shows what it is given and reports what the user does, by graph key:
it holds no business logic (hiding, re-focusing and clustering happen below ``ui``).
Signals from item mouse handlers are emitted from the event loop right after the event
(``post_signal``), so a slot may safely rebuild the scene, deleting the clicked item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from functools import partial
from itertools import chain

import networkx as nx
from PySide6.QtCore import QObject, QPointF, QRectF, QTimer, Signal, Slot
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneHelpEvent, QToolTip

from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.ui import style
from lineage_desktop.ui.scene.building import (
    Extent,
    edge_items,
    front_rect,
    gc_paused,
    new_layer,
)
from lineage_desktop.ui.scene.card_item import CardItem
from lineage_desktop.ui.scene.cards import CardSpec, ViewCards, view_cards
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.scene.edge_item import EdgeItem
from lineage_desktop.ui.scene.node_item import ClusterItem, NodeItem
from lineage_desktop.ui.scene.overview_item import OverviewContent, OverviewItem
from lineage_desktop.ui.scene.slices import SliceRunner
from lineage_desktop.ui.widgets import plain_tooltip

_PULSE_MS = 90  # running-dot animation step: smooth enough, a dozen tiny repaints a second
_SCENE_MARGIN = 400.0  # scrollable room around the graph so zoom can anchor anywhere
_CARD_MARGIN = 8.0  # a card's bounds beyond its box (CardItem's focus ring and halo)
# Up to this many cards plus edges a graph is built in one go (a few tens of ms); above
# it in slices, so that the window never stalls for long.
SYNC_BUILD_LIMIT = 1500


class LineageScene(QGraphicsScene):
    """Cards, clusters and edges of a lineage graph.

    Signals (all carry graph keys):

    - ``node_clicked(str)``: a run or artifact card was clicked (pressed and released
      without dragging).
    - ``node_activated(str)``: a run or artifact card was double-clicked (re-focus).
    - ``hide_requested(str)``: the hover eye of a card was clicked.
    - ``cluster_clicked(str)``: a cluster card was clicked.
    - ``selection_keys_changed(list)``: the keys of the selected cards, after any change.
    """

    node_clicked = Signal(str)
    node_activated = Signal(str)
    hide_requested = Signal(str)
    cluster_clicked = Signal(str)
    selection_keys_changed = Signal(list)

    def __init__(self, parent: QObject | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self._ctx = SceneContext(style.palette_for(dark))
        self._cards: dict[str, CardItem] = {}
        self._edges: list[EdgeItem] = []
        self._keys: KeysView[str] = {}.keys()  # of the graph, built or not yet
        self._layer: QGraphicsItem | None = None  # parent of the cards and edges
        self._retired: list[tuple[QGraphicsItem, list[QGraphicsItem]]] = []
        self._runner = SliceRunner(self)
        self._building = False
        self._big = False  # built in slices: see _show_layer
        self.sync_build_limit = SYNC_BUILD_LIMIT
        self._overview: OverviewItem | None = None
        self._batched = False
        self._direction = "LR"
        self._content = QRectF()
        self._highlighted: set[str] = set()
        self._compromised: set[str] = set()
        self._tainted: set[str] = set()
        self._dimmed: set[str] = set()
        self._focus_key: str | None = None
        self._running: list[NodeItem] = []
        self._built_callbacks: list[Callable[[], object]] = []
        self._pulse_timer = QTimer(self)
        self._pulse_timer.setInterval(_PULSE_MS)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.selectionChanged.connect(self._on_self_selection_changed)
        self._pulse_timer.timeout.connect(self._on_pulse_timer_timeout)

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
        sliced = len(cards.specs) + view_graph.number_of_edges() > self.sync_build_limit and bool(
            self.views()
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
        for key, spec in cards.specs.items():
            size = layout.sizes.get(key) or cards.sizes[key]
            centre = centres[key]
            card = self._make_card(spec, size, centre)
            card.setParentItem(layer)
            self._cards[spec.key] = card
            m = _CARD_MARGIN
            w, h = size[0] / 2 + m, size[1] / 2 + m
            extent.add(centre[0] - w, centre[1] - h, centre[0] + w, centre[1] + h)
            yield
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
        self._set_content_rect(content.bounds())
        yield

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
        else:
            layer.setVisible(visible)

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
            items: list[QGraphicsItem] = [*self._cards.values(), *self._edges]
            self._retired.append((self._layer, items))
        self._layer = None
        self._cards = {}
        self._edges = []
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

    # --- queries ----------------------------------------------------------------------

    def node_item(self, key: str) -> CardItem | None:
        """The card of ``key`` (node or cluster), or None."""
        return self._cards.get(key)

    def node_items(self) -> list[CardItem]:
        """Every card, in graph order."""
        return list(self._cards.values())

    def edge_items(self) -> list[EdgeItem]:
        """Every edge item."""
        return list(self._edges)

    def overview_item(self) -> OverviewItem | None:
        """The batched item that replaces the cards when zoomed far out."""
        return self._overview

    def positions(self, moved_only: bool = False) -> dict[str, tuple[float, float]]:
        """Current card centres by key (only those the user dragged with ``moved_only``)."""
        keys: Iterable[str] = self._ctx.dragged_keys if moved_only else self._cards.keys()
        out = {}
        for key in keys:
            card = self._cards.get(key)
            if card is not None:
                pos = card.pos()
                out[key] = (pos.x(), pos.y())
        return out

    def content_rect(self) -> QRectF:
        """Bounding rectangle of the drawn graph (cards, rings and edges)."""
        return QRectF(self._content)

    def focus_key(self) -> str | None:
        """The key drawn with the accent ring."""
        return self._focus_key

    def is_batched(self) -> bool:
        """True while the overview item draws the graph instead of the cards."""
        return self._batched

    def context(self) -> SceneContext:
        """The shared render state (palette, flags) of this scene's items."""
        return self._ctx

    # --- marks --------------------------------------------------------------------------

    def highlight(self, keys: Iterable[str]) -> None:
        """Mark find results with a halo (replaces the previous marks)."""
        wanted = set(keys)
        self._set_mark("highlighted", self._highlighted, wanted)
        self._highlighted = wanted & self._keys

    def set_compromised(self, keys: Iterable[str]) -> None:
        """Mark artifacts whose content failed the integrity audit with a warning badge."""
        wanted = set(keys)
        self._set_mark("compromised", self._compromised, wanted)
        self._compromised = wanted & self._keys

    def set_tainted(self, keys: Iterable[str]) -> None:
        """Mark runs and versions downstream of compromised content with a dashed
        warning border (the integrity audit's "tainted")."""
        wanted = set(keys)
        self._set_mark("tainted", self._tainted, wanted)
        self._tainted = wanted & self._keys

    def set_dimmed(self, keys: Iterable[str]) -> None:
        """Fade the cards of ``keys`` and every edge touching one (path and impact views).

        An empty iterable shows everything at full strength again.
        """
        dimmed = set(keys) & self._keys
        if dimmed == self._dimmed:
            return
        self._dimmed = dimmed
        self._apply_dimmed()
        self._ctx.overview_dirty = True
        if self._batched:
            self._rebuild_overview()

    def dimmed_keys(self) -> set[str]:
        """Keys of the faded cards."""
        return set(self._dimmed)

    def _apply_dimmed(self) -> None:
        dimmed = self._dimmed
        for key, card in self._cards.items():
            if card.dimmed != (key in dimmed):
                card.dimmed = key in dimmed
                card.setOpacity(style.DIM_OPACITY if card.dimmed else 1.0)
        for edge in self._edges:
            faded = edge.source.key in dimmed or edge.target.key in dimmed
            if edge.dimmed != faded:
                edge.dimmed = faded
                edge.setOpacity(style.DIM_OPACITY if faded else 1.0)

    def set_focus_key(self, key: str | None) -> None:
        """Move the accent ring to ``key``."""
        self._set_mark("focused", {self._focus_key} - {None}, {key} - {None})
        self._focus_key = key

    def _set_mark(
        self, flag: str, old: AbstractSet[str | None], new: AbstractSet[str | None]
    ) -> None:
        if old == new:
            return
        for key in old | new:
            card = self._cards.get(key) if key is not None else None
            if card is not None:
                card.set_flag_state(flag, key in new)
        self._ctx.overview_dirty = True
        if self._batched:
            self._rebuild_overview()

    # --- level of detail ------------------------------------------------------------------

    def set_view_scale(self, scale: float) -> None:
        """Called by the view when its zoom changes: batch the drawing below LOD_BATCH."""
        self.set_batched(scale < style.LOD_BATCH)

    def set_batched(self, batched: bool) -> None:
        """Show the overview item instead of the cards (True) or the cards (False)."""
        if batched == self._batched:
            return
        self._batched = batched
        if self._overview is None:  # no graph yet: set_graph honours the flag
            return
        if not self._building:
            if batched and self._ctx.overview_dirty:
                self._rebuild_overview()
            # One call for every card and edge (children of the layer). Hidden items cost
            # the renderer nothing; a card painting "nothing" would still cost one Python
            # call per frame.
            self._show_layer(not batched)
            self._overview.setVisible(batched)
        self._update_pulse()

    def _rebuild_overview(self) -> None:
        if self._overview is not None and not self._building:
            self._overview.rebuild(self._cards.values(), self._edges)
            self._ctx.overview_dirty = False

    # --- palette and export -----------------------------------------------------------

    def set_dark(self, dark: bool) -> None:
        """Switch between the light and the dark palette."""
        palette = style.palette_for(dark)
        if palette is not self._ctx.palette:
            self._ctx.set_palette(palette)
            self._repaint_all()

    def palette_colors(self) -> style.Palette:
        """The palette in use."""
        return self._ctx.palette

    def _repaint_all(self) -> None:
        for card in self._cards.values():
            card.update()
        for edge in self._edges:
            edge.update()
        if self._overview is not None:
            self._overview.update()
        self.update()

    @contextmanager
    def export_mode(self, dark: bool = False) -> Iterator[None]:
        """Full detail, no caches, no hover or selection marks, in the given palette.

        Used by image export so that files show exactly the graph, never a block view,
        and so that SVG/PDF receive vector paths and real text, not cached pixmaps.
        """
        self.finish_build()
        ctx = self._ctx
        saved_palette, saved_batched = ctx.palette, self._batched
        self.set_batched(False)
        ctx.exporting = True
        ctx.set_palette(style.palette_for(dark))
        for card in self._cards.values():
            card.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        try:
            yield
        finally:
            ctx.exporting = False
            ctx.set_palette(saved_palette)
            for card in self._cards.values():
                card.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.set_batched(saved_batched)
            self._repaint_all()

    # --- geometry -----------------------------------------------------------------------

    def _set_content_rect(self, rect: QRectF) -> None:
        self._content = rect
        m = _SCENE_MARGIN
        self.setSceneRect(
            rect.adjusted(-m, -m, m, m) if not rect.isNull() else QRectF(-m, -m, 2 * m, 2 * m)
        )

    def grow_scene_rect(self) -> None:
        """Grow the content rectangle to hold the cards the user dragged and their edges
        (the other items have not moved: no pass over 20,000 of them per drag)."""
        extent = Extent()
        if not self._content.isNull():
            extent.add_rect(self._content)
        for key in self._ctx.dragged_keys:
            card = self._cards.get(key)
            if card is None:
                continue
            extent.add_rect(card.sceneBoundingRect())
            for edge in card.edges():
                extent.add_rect(edge.boundingRect())
        self._set_content_rect(extent.rect())

    # --- signals from items -----------------------------------------------------------

    def post_signal(self, name: str, key: str) -> None:
        """Emit signal ``name`` with ``key`` from the event loop, after the current event."""
        signal = getattr(self, name)
        QTimer.singleShot(0, self, partial(signal.emit, key))

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802 (Qt override)
        # Tooltips are made on demand instead of stored on 10,000 items.
        for item in self.items(event.scenePos()):
            if isinstance(item, CardItem) and item.isVisible():
                QToolTip.showText(event.screenPos(), item.tooltip_markup(), event.widget())
                event.accept()
                return
            if isinstance(item, OverviewItem):
                spec = item.spec_at(event.scenePos())
                if spec is not None:
                    tip = plain_tooltip(spec.tooltip)
                    QToolTip.showText(event.screenPos(), tip, event.widget())
                    event.accept()
                    return
        QToolTip.hideText()
        event.ignore()

    @Slot()
    def _on_self_selection_changed(self) -> None:
        keys = [str(item.data(0)) for item in self.selectedItems() if isinstance(item, CardItem)]
        self.selection_keys_changed.emit(keys)

    # --- running-run pulse ------------------------------------------------------------

    def _update_pulse(self) -> None:
        active = bool(self._running) and not self._batched
        if active and not self._pulse_timer.isActive():
            self._pulse_timer.start()
        elif not active:
            self._pulse_timer.stop()
            self._ctx.pulse = 0.0

    @Slot()
    def _on_pulse_timer_timeout(self) -> None:
        self._ctx.pulse = (self._ctx.pulse + _PULSE_MS / 1400.0) % 1.0
        for card in self._running:
            card.update(card.running_dot_rect())


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
