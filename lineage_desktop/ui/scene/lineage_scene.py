"""``LineageScene``: the items of one view graph laid out by a ``LayoutResult``.

The scene shows what it is given and reports what the user does, by graph key:
it holds no business logic (hiding, re-focusing and clustering happen below ``ui``).
Signals from item mouse handlers are emitted from the event loop right after the event
(``post_signal``), so a slot may safely rebuild the scene, deleting the clicked item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial

import networkx as nx
from PySide6.QtCore import QObject, QPointF, QRectF, QTimer, Signal, Slot
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneHelpEvent, QToolTip

from lineage_desktop.graph.nodes import nodes_of
from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.ui import style
from lineage_desktop.ui.scene.building import edge_items, gc_paused, items_rect
from lineage_desktop.ui.scene.card_item import CardItem
from lineage_desktop.ui.scene.cards import card_spec, spec_size
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.scene.edge_item import EdgeItem
from lineage_desktop.ui.scene.node_item import ClusterItem, NodeItem
from lineage_desktop.ui.scene.overview_item import OverviewItem

_PULSE_MS = 90  # running-dot animation step: smooth enough, a dozen tiny repaints a second
_SCENE_MARGIN = 400.0  # scrollable room around the graph so zoom can anchor anywhere


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
        """
        with gc_paused():
            self._build(view_graph, layout, dict(keep_positions or {}))

    def _build(
        self, view_graph: nx.DiGraph, layout: LayoutResult, keep: dict[str, tuple[float, float]]
    ) -> None:
        self._clear_items()
        self._built_callbacks = []
        self._direction = layout.direction
        self._focus_key = view_graph.graph.get("focus")
        ctx = self._ctx
        hidden = self._batched
        fallback_x = layout.width + 150.0
        for n, (key, attrs) in enumerate(nodes_of(view_graph)):
            spec = card_spec(str(key), attrs)
            size = layout.sizes.get(key) or spec_size(spec)
            cls = ClusterItem if spec.kind == "cluster" else NodeItem
            centre = keep.get(key) or layout.positions.get(key)
            if centre is None:  # not laid out (should not happen): park it beside the graph
                centre = (fallback_x, 40.0 + n * (size[1] + 20))
            card = cls(spec, size, ctx, QPointF(*centre))
            card.focused = key == self._focus_key
            card.highlighted = key in self._highlighted
            card.compromised = key in self._compromised
            card.tainted = key in self._tainted
            if hidden:
                card.setVisible(False)
            self.addItem(card)
            self._cards[spec.key] = card
            if spec.running:
                self._running.append(card)
        for edge in edge_items(view_graph, self._cards, ctx, layout):
            if hidden:
                edge.setVisible(False)
            self.addItem(edge)
            self._edges.append(edge)
        self._highlighted &= self._cards.keys()
        self._compromised &= self._cards.keys()
        self._tainted &= self._cards.keys()
        self._dimmed &= self._cards.keys()
        if self._dimmed:
            self._apply_dimmed()
        self._overview = OverviewItem(ctx)
        self.addItem(self._overview)
        self._overview.setVisible(hidden)
        ctx.dragged_keys = {k for k in keep if k in self._cards}
        ctx.overview_dirty = True
        if hidden:
            self._rebuild_overview()
        self._update_content_rect()
        self._update_pulse()

    def when_built(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once the graph of the last ``set_graph`` is fully built: at
        once after a synchronous build, else when the last slice is in; dropped if another
        ``set_graph`` comes first."""
        self._built_callbacks.append(callback)
        if not self.is_building():
            self._run_built_callbacks()

    def is_building(self) -> bool:
        """True while the items of a big graph are still being made, slice by slice."""
        return False

    def _run_built_callbacks(self) -> None:
        callbacks, self._built_callbacks = self._built_callbacks, []
        for callback in callbacks:
            callback()

    def _clear_items(self) -> None:
        # Drop our Python references first: clear() deletes the C++ items.
        self._cards = {}
        self._edges = []
        self._running = []
        self._overview = None
        self._ctx.dragging = False
        self.clear()

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
        self._highlighted = wanted & self._cards.keys()

    def set_compromised(self, keys: Iterable[str]) -> None:
        """Mark artifacts whose content failed the integrity audit with a warning badge."""
        wanted = set(keys)
        self._set_mark("compromised", self._compromised, wanted)
        self._compromised = wanted & self._cards.keys()

    def set_tainted(self, keys: Iterable[str]) -> None:
        """Mark runs and versions downstream of compromised content with a dashed
        warning border (the integrity audit's "tainted")."""
        wanted = set(keys)
        self._set_mark("tainted", self._tainted, wanted)
        self._tainted = wanted & self._cards.keys()

    def set_dimmed(self, keys: Iterable[str]) -> None:
        """Fade the cards of ``keys`` and every edge touching one (path and impact views).

        An empty iterable shows everything at full strength again.
        """
        self._dimmed = set(keys) & self._cards.keys()
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

    def _set_mark(self, flag: str, old: set, new: set) -> None:
        for key in old | new:
            card = self._cards.get(key)
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
        with gc_paused():
            if batched and self._ctx.overview_dirty:
                self._rebuild_overview()
            # Hidden items cost the renderer nothing; a card painting "nothing" would
            # still cost one Python call per frame.
            for card in self._cards.values():
                card.setVisible(not batched)
            for edge in self._edges:
                edge.setVisible(not batched)
        self._overview.setVisible(batched)
        self._update_pulse()

    def _rebuild_overview(self) -> None:
        if self._overview is not None:
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

    def _update_content_rect(self) -> None:
        rect = items_rect(self._cards.values(), self._edges)
        self._content = rect
        m = _SCENE_MARGIN
        self.setSceneRect(
            rect.adjusted(-m, -m, m, m) if not rect.isNull() else QRectF(-m, -m, 2 * m, 2 * m)
        )

    def grow_scene_rect(self) -> None:
        """Recompute the content rectangle after the user dragged cards (cheap enough)."""
        self._update_content_rect()

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
                card = item.card_at(event.scenePos())
                if card is not None:
                    QToolTip.showText(event.screenPos(), card.tooltip_markup(), event.widget())
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
