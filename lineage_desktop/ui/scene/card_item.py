"""``CardItem``: the base of node and cluster cards (geometry, painting, hover, clicks).

Following Qt's chip demo: geometry, elided texts and glyph paths are computed once in
the constructor, ``boundingRect()`` is constant, ``shape()`` is the exact card, and
``paint()`` only reads state. Semantic zoom: below ``style.LOD_FULL`` a card shows only
its name, enlarged to stay readable (laid out once per font size, ``card_label``); below
``style.LOD_TEXT`` it is a filled block with its icon disc; below ``style.LOD_BATCH``
the scene hides cards altogether and an overview item draws them all at once.

The painting itself is ``PaintedCard``'s (``card_paint``). Texts are plain strings drawn
with ``QPainter.drawText``: nothing from the store is ever interpreted as markup (the
tooltip is HTML-escaped for the same reason).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
)

from lineage_desktop.ui import style
from lineage_desktop.ui.scene import glyphs
from lineage_desktop.ui.scene.card_label import LabelLayout, layout_label
from lineage_desktop.ui.scene.card_paint import ICON_RADIUS, PaintedCard
from lineage_desktop.ui.scene.card_tiles import CardTile
from lineage_desktop.ui.scene.cards import CardSpec
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.widgets import plain_tooltip

if TYPE_CHECKING:
    from lineage_desktop.ui.scene.edge_batch import EdgeLink
    from lineage_desktop.ui.scene.edge_item import EdgeItem

_GIC = QGraphicsItem.GraphicsItemChange
_BOUNDS_MARGIN = 8.0  # room for the focus ring (4 + pen) and the find halo (6)


# What ``_layout_content`` sets (a ``ClusterItem``'s included): see ``__getattr__``.
LAID_OUT = frozenset({
    "_icon_center", "_glyph", "_text_x", "_eye_rect", "_name_mode", "_type_text", "_name_text",
    "_type_pos", "_name_pos", "_pills", "_name_lines", "_badge", "_badge_text", "_card",
    "_shape",
})


class CardItem(PaintedCard):
    """Common base of node and cluster cards: geometry, hover, drag and click handling.

    The item's position is the card's centre (the layout's coordinates), so
    ``pos()`` can be stored and restored as is.
    """

    HIDEABLE = True  # shows the hover eye that asks to hide the node

    def __init__(
        self,
        spec: CardSpec,
        size: tuple[float, float],
        ctx: SceneContext,
        pos: QPointF | None = None,
    ) -> None:
        super().__init__()
        if pos is not None:
            self.setPos(pos)  # before ItemSendsGeometryChanges: no itemChange round trip
        self.spec = spec
        self._ctx = ctx
        self._edges: list[EdgeItem] = []
        # edges still drawn in a batch (edge_batch); a dict for O(1) removal in order
        self._links: dict[EdgeLink, None] = {}
        self._hovered = False
        self._eye_hot = False
        self._eye_down = False
        self._double_clicked = False
        self._press_pos: QPointF | None = None
        self.focused = False
        self.highlighted = False
        self.compromised = False
        self.tainted = False  # downstream of compromised content (integrity audit)
        self.dimmed = False
        width, height = float(size[0]), float(size[1])
        self._size = (width, height)
        self._outer = QRectF(-width / 2, -height / 2, width, height)
        self._bounds = self._outer.adjusted(
            -_BOUNDS_MARGIN, -_BOUNDS_MARGIN, _BOUNDS_MARGIN, _BOUNDS_MARGIN
        )
        self._labels: dict[tuple[int, int], LabelLayout] = {}  # by font size and floor
        # _layout_content() runs when one of its attributes is first read (__getattr__)

        self.setData(0, spec.key)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # No setToolTip(): the scene shows tooltip_markup() on demand (see its helpEvent).

    if not TYPE_CHECKING:  # (for mypy the attributes are plain ones, set by the layout)

        def __getattr__(self, name: str) -> Any:
            """The texts, glyph and pills of the card are laid out when first asked for:
            of a graph of 50,000 cards a few dozen are ever drawn, and the layout's
            objects cost about 2 KB a card (100 MB)."""
            if name in LAID_OUT and not self.__dict__.get("_laid_out", False):
                self._laid_out = True
                self._layout_content()
                return getattr(self, name)
            raise AttributeError(name)

    # --- geometry, computed once --------------------------------------------------------

    def _card_rect(self) -> QRectF:
        return QRectF(self._outer)

    def _text_right(self) -> float:
        return self._card.right() - style.TEXT_RIGHT_PAD

    def _layout_content(self) -> None:
        self._card = card = self._card_rect()
        self._shape = QPainterPath()
        self._shape.addRoundedRect(card, style.CARD_RADIUS, style.CARD_RADIUS)
        f = style.fonts()
        spec = self.spec
        self._icon_center = QPointF(card.left() + style.PAD_X + ICON_RADIUS, card.center().y())
        self._glyph = glyphs.placed(
            "run" if spec.member_kind == "run" else "artifact", self._icon_center
        )
        self._text_x = card.left() + style.TEXT_LEFT
        text_w = max(10.0, self._text_right() - self._text_x)
        eye = style.EYE_SIZE if self.HIDEABLE else 0.0
        self._eye_rect = QRectF(
            card.right() - 4 - style.EYE_SIZE, card.top() + 4, style.EYE_SIZE, style.EYE_SIZE
        )
        self._name_mode = name_mode = (
            Qt.TextElideMode.ElideMiddle if spec.kind == "artifact" else Qt.TextElideMode.ElideRight
        )
        self._type_text = f.type_metrics.elidedText(
            spec.type_text, Qt.TextElideMode.ElideRight, text_w - eye
        )
        self._name_text = spec.shown or f.name_metrics.elidedText(spec.label, name_mode, text_w)
        type_h, name_h = f.type_metrics.height(), f.name_metrics.height()
        block = type_h + style.LINE_GAP + name_h
        if spec.aliases:
            block += 4 + style.PILL_HEIGHT
        top = card.center().y() - block / 2
        self._type_pos = QPointF(self._text_x, top + f.type_metrics.ascent())
        self._name_pos = QPointF(
            self._text_x, top + type_h + style.LINE_GAP + f.name_metrics.ascent()
        )
        self._pills = self._layout_pills(top + type_h + style.LINE_GAP + name_h + 4, text_w)
        self._name_lines: tuple[tuple[str, QPointF], ...] = ((self._name_text, self._name_pos),)

    def label_layout(self, font_px: int, min_px: int) -> LabelLayout:
        """The name enlarged to about ``font_px`` scene pixels, never below ``min_px``
        (semantic zoom), laid out on first use: a cache, not state painting changes."""
        label = self._labels.get((font_px, min_px))
        if label is None:
            area = self._label_area(font_px)
            label = layout_label(self.spec.label, area, font_px, min_px, self._name_mode)
            self._labels[(font_px, min_px)] = label
        return label

    def _label_area(self, font_px: int) -> QRectF:
        """Where an enlarged name may go: right of the icon, the card's full height."""
        card = self._card
        right = card.right() - style.PAD_X / 2
        return QRectF(self._text_x, card.top() + 2, right - self._text_x, card.height() - 4)

    def _layout_pills(self, top: float, avail: float) -> list[tuple[QRectF, str, QPointF]]:
        if not self.spec.aliases:
            return []
        f = style.fonts()
        pills: list[tuple[QRectF, str, QPointF]] = []
        x = self._text_x
        aliases = list(self.spec.aliases)
        baseline = top + (style.PILL_HEIGHT - f.pill_metrics.height()) / 2 + f.pill_metrics.ascent()
        for i, alias in enumerate(aliases):
            rest = len(aliases) - i - 1
            more_w = style.pill_width(f"+{rest}", f) + style.PILL_GAP if rest else 0.0
            text = f.pill_metrics.elidedText(
                alias, Qt.TextElideMode.ElideRight, style.PILL_MAX_TEXT
            )
            w = style.pill_width(text, f)
            if x + w + more_w > self._text_x + avail:
                text = f"+{len(aliases) - i}"
                w = style.pill_width(text, f)
                pills.append(
                    (
                        QRectF(x, top, w, style.PILL_HEIGHT),
                        text,
                        QPointF(x + style.PILL_PAD_X, baseline),
                    )
                )
                break
            pills.append(
                (
                    QRectF(x, top, w, style.PILL_HEIGHT),
                    text,
                    QPointF(x + style.PILL_PAD_X, baseline),
                )
            )
            x += w + style.PILL_GAP
        return pills

    # --- Qt geometry overrides ------------------------------------------------------------

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._shape

    # --- public helpers -------------------------------------------------------------------

    def tooltip_markup(self) -> str:
        """Tooltip of the card: its texts, HTML-escaped so that they show literally."""
        return plain_tooltip(self.spec.tooltip)

    @property
    def key(self) -> str:
        """The graph key (also in ``data(0)``)."""
        return self.spec.key

    @property
    def size(self) -> tuple[float, float]:
        """Box size from the layout, ``(width, height)``."""
        return self._size

    @property
    def emphasised(self) -> bool:
        """Hovered or selected: its edges are drawn thicker and in the accent colour."""
        return self._hovered or self.isSelected()

    @property
    def label_text(self) -> str:
        """The (possibly elided) name exactly as drawn."""
        return self._name_text

    @property
    def name_lines(self) -> tuple[str, ...]:
        """The name's lines exactly as drawn at full detail (a cluster's title may wrap
        onto two)."""
        return tuple(text for text, _ in self._name_lines)

    def name_rects(self) -> list[QRectF]:
        """Where each name line is drawn at full detail, in item coordinates."""
        metrics = style.fonts().name_metrics
        return [
            QRectF(pos.x(), pos.y() - metrics.ascent(), metrics.horizontalAdvance(text),
                   metrics.height())
            for text, pos in self._name_lines
        ]

    @property
    def type_line_text(self) -> str:
        """The (possibly elided) type line exactly as drawn."""
        return self._type_text

    @property
    def can_hide(self) -> bool:
        """Whether the hover eye shows: never on the focus, which cannot be hidden (the
        lineage is drawn around it; focus another node first)."""
        return self.HIDEABLE and not self.focused

    def eye_rect(self) -> QRectF:
        """Where the hover "hide" button is, in item coordinates."""
        return QRectF(self._eye_rect)

    def card_rect(self) -> QRectF:
        """The front card in item coordinates (the box minus a cluster's stack)."""
        return self._card

    def icon_center(self) -> QPointF:
        """Centre of the icon disc in item coordinates."""
        return QPointF(self._icon_center)

    def add_edge(self, edge: EdgeItem) -> None:
        """Register an edge that must follow this card when it moves."""
        self._edges.append(edge)

    def add_link(self, link: EdgeLink) -> None:
        """Register an edge drawn in a batch (made an item before this card moves)."""
        self._links[link] = None

    def drop_link(self, link: EdgeLink) -> None:
        """The batched edge ``link`` became an item (``add_edge`` follows)."""
        del self._links[link]

    def links(self) -> list[EdgeLink]:
        """The edges of this card still drawn in a batch."""
        return list(self._links)

    def neighbour_count(self) -> int:
        """How many edges this card has (``neighbours()`` without making the list)."""
        return len(self._edges) + len(self._links)

    def neighbours(self) -> list[CardItem]:
        """The cards at the other end of this card's edges, batched ones included
        (nothing is made an item: a hub's thousands of edges stay in their batches)."""
        ends = [(edge.source, edge.target) for edge in self._edges]
        ends += [(link.source, link.target) for link in self._links]
        return [target if source is self else source for source, target in ends]

    def edges(self) -> list[EdgeItem]:
        """Edges attached to this card (batched ones are made items first)."""
        self._materialise_links()
        return list(self._edges)

    def _materialise_links(self) -> None:
        if self._links:
            next(iter(self._links)).owner.materialise(list(self._links))

    def forget_edges(self) -> None:
        """Drop the references to the edges (the card is being removed with them)."""
        self._edges = []
        self._links = {}

    def set_flag_state(self, name: str, on: bool) -> None:
        """Set one of ``focused``, ``highlighted``, ``compromised``, ``tainted`` and repaint
        if it changed."""
        if getattr(self, name) != on:
            setattr(self, name, on)
            self.update()

    # --- interaction ----------------------------------------------------------------------

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        if change == _GIC.ItemPositionChange and self._links:
            self._materialise_links()  # at the old position: the routes start from it
        elif change == _GIC.ItemPositionHasChanged:
            for edge in self._edges:
                edge.adjust()
            ctx = self._ctx
            ctx.overview_dirty = True
            if ctx.dragging:
                ctx.dragged_keys.add(self.spec.key)
            tile = self.parentItem()
            if isinstance(tile, CardTile):  # it paints only what it holds
                tile.hold(self.sceneBoundingRect())
        elif change == _GIC.ItemSelectedHasChanged:
            self._refresh_emphasis()
        return super().itemChange(change, value)

    def _refresh_emphasis(self) -> None:
        raised = self._hovered or self.isSelected()
        self.setZValue(style.Z_CARD_RAISED if raised else style.Z_CARD)
        tile = self.parentItem()
        if isinstance(tile, CardTile):
            tile.set_raised(self, raised)
        for edge in self._edges:
            edge.refresh_emphasis()
        if self._links:
            next(iter(self._links)).owner.set_hot(self, raised)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self._hovered = True
        self._eye_hot = self.can_hide and self._eye_rect.contains(event.pos())
        self._refresh_emphasis()
        self.update()
        super().hoverEnterEvent(event)

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        hot = self.can_hide and self._eye_rect.contains(event.pos())
        if hot != self._eye_hot:
            self._eye_hot = hot
            if hot:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()
            self.update(self._eye_rect)
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self._hovered = False
        self._eye_hot = False
        self.unsetCursor()
        self._refresh_emphasis()
        self.update()
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        left = event.button() == Qt.MouseButton.LeftButton
        if left and self.can_hide and self._hovered and self._eye_rect.contains(event.pos()):
            # The eye is a button: it neither selects nor starts a drag.
            self._eye_down = True
            event.accept()
            return
        self._double_clicked = False
        self._press_pos = self.pos()
        if left:
            self._ctx.dragging = True
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._eye_down:
            self._eye_down = False
            if self._eye_rect.contains(event.pos()):
                self._post("hide_requested")
            event.accept()
            return
        self._ctx.dragging = False
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self._double_clicked:
            return
        if self._press_pos is not None and self.pos() == self._press_pos:
            self._clicked()
        else:
            scene = self.scene()
            if scene is not None and hasattr(scene, "grow_scene_rect"):
                scene.grow_scene_rect()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._double_clicked = True
            self._activated()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _post(self, signal_name: str) -> None:
        scene = self.scene()
        if scene is not None and hasattr(scene, "post_signal"):
            scene.post_signal(signal_name, self.spec.key)

    def _clicked(self) -> None:
        self._post("node_clicked")

    def _activated(self) -> None:
        self._post("node_activated")
