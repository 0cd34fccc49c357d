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

from PySide6.QtCore import QObject, QRectF, QTimer, Signal, Slot
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QStyleOptionGraphicsItem,
    QToolTip,
)

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.building import Extent
from lineage_desktop.ui.scene.card_item import CardItem
from lineage_desktop.ui.scene.cluster_marks import MemberMarks
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.scene.edge_batch import EdgeBatches
from lineage_desktop.ui.scene.edge_item import EdgeItem
from lineage_desktop.ui.scene.hidden_marks import (
    HiddenMarkItem,
    HiddenMarksPart,
    StubItem,
    dim_marks,
)
from lineage_desktop.ui.scene.node_item import ClusterItem, NodeItem
from lineage_desktop.ui.scene.overview_item import OverviewItem
from lineage_desktop.ui.scene.scene_building import SYNC_BUILD_LIMIT, SceneBuilding
from lineage_desktop.ui.scene.slices import SliceRunner
from lineage_desktop.ui.widgets import plain_tooltip

_SCENE_MARGIN = 400.0  # scrollable room around the graph so zoom can anchor anywhere
_PULSE_MS = 90  # running-dot animation step: smooth enough, a dozen tiny repaints a second


class LineageScene(SceneBuilding, HiddenMarksPart, QGraphicsScene):
    """Cards, clusters and edges of a lineage graph.

    Signals (all carry graph keys):

    - ``node_clicked(str)``: a run or artifact card was clicked (pressed and released
      without dragging).
    - ``node_activated(str)``: a run or artifact card was double-clicked (re-focus).
    - ``hide_requested(str)``: the hover eye of a card was clicked.
    - ``cluster_clicked(str)``: a cluster card was clicked.
    - ``unhide_requested(list)``: a hidden mark was clicked: the keys it stands for.
    - ``selection_keys_changed(list)``: the keys of the selected cards, after any change.
    """

    node_clicked = Signal(str)
    node_activated = Signal(str)
    hide_requested = Signal(str)
    cluster_clicked = Signal(str)
    unhide_requested = Signal(list)
    selection_keys_changed = Signal(list)

    def __init__(self, parent: QObject | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self._ctx = SceneContext(style.palette_for(dark))
        self._cards: dict[str, CardItem] = {}
        self._edges: list[EdgeItem] = []
        self._marks: dict[str, HiddenMarkItem] = {}  # where hidden nodes were
        self._stubs: list[StubItem] = []
        self._keys: KeysView[str] = {}.keys()  # of the graph, built or not yet
        self._layer: QGraphicsItem | None = None  # parent of the cards and edges
        self._batches: EdgeBatches | None = None  # a big graph's edges (edge_batch)
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
        self._cluster_marks: dict[str, MemberMarks] = {}
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

    # --- queries ----------------------------------------------------------------------

    def node_item(self, key: str) -> CardItem | None:
        """The card of ``key`` (node or cluster), or None."""
        return self._cards.get(key)

    def node_items(self) -> list[CardItem]:
        """Every card, in graph order."""
        return list(self._cards.values())

    def edge_items(self) -> list[EdgeItem]:
        """Every edge item. A big graph draws its edges in batches: asking for them makes
        an item of each (slow: tests and tools only)."""
        if self._batches is not None and not self._building:
            self._batches.materialise(self._batches.pending())
        return list(self._edges)

    def selected_keys(self) -> list[str]:
        """Keys of the selected cards (nodes and clusters)."""
        return [str(item.data(0)) for item in self.selectedItems() if isinstance(item, CardItem)]

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

    def set_cluster_marks(self, marks: Mapping[str, MemberMarks]) -> None:
        """Say on each cluster card how many of its members the integrity audit found
        compromised or tainted (``audit.ClusterMark`` by cluster key; empty clears)."""
        self._cluster_marks = {k: m for k, m in marks.items() if k in self._keys}
        for key, card in self._cards.items():
            if isinstance(card, ClusterItem):
                card.set_integrity_mark(self._cluster_marks.get(key))

    def cluster_mark(self, key: str) -> MemberMarks | None:
        """The integrity mark shown on cluster ``key`` (None: none)."""
        return self._cluster_marks.get(key)

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
        if self._batches is not None:
            self._batches.set_dimmed(dimmed)
        dim_marks(self._marks, self._stubs, dimmed)

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

    def paint_overview(self, painter: QPainter) -> None:
        """Draw the whole graph with the batched overview drawing, in scene coordinates
        (the overview map), whatever the current level of detail."""
        if self._overview is None:
            return
        if self._ctx.overview_dirty:
            self._rebuild_overview()
        self._overview.paint(painter, QStyleOptionGraphicsItem(), None)

    def _rebuild_overview(self) -> None:
        if self._overview is not None and not self._building:
            batched = self._batches.overview_curves() if self._batches is not None else ()
            self._overview.rebuild(self._cards.values(), self._edges, batched)
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

    def _set_content_rect(self, rect: QRectF, grow_only: bool = False) -> None:
        """``grow_only``: keep the scene rect if it holds ``rect`` already (a new scene
        rect files every item in the index again)."""
        self._content = rect
        m = _SCENE_MARGIN
        scene_rect = (
            rect.adjusted(-m, -m, m, m) if not rect.isNull() else QRectF(-m, -m, 2 * m, 2 * m)
        )
        if not (grow_only and self.sceneRect().contains(scene_rect)):
            self.setSceneRect(scene_rect)

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
            if isinstance(item, HiddenMarkItem) and item.isVisible():
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
        self.selection_keys_changed.emit(self.selected_keys())

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
