"""Where hidden nodes were: the layout keeps their place, the scene draws a mark there.

Each ``graph.hidden.HiddenMark`` goes into the layout request as a box the size of the
hidden card(s) it stands for (``with_marks``), so the nodes around it keep their columns
(``dot`` places them as if nothing was hidden). The scene then draws, instead of the
hidden card, a small dashed pill ("2 hidden", its tooltip naming them; a click shows
them again) joined to its neighbours by dashed stubs that follow dragged cards.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import networkx as nx
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from lineage_desktop.graph.hidden import HiddenMark
from lineage_desktop.layout.types import LayoutNode, LayoutRequest, LayoutResult
from lineage_desktop.ui import style
from lineage_desktop.ui.scene import glyphs
from lineage_desktop.ui.scene.building import Extent
from lineage_desktop.ui.scene.cards import card_spec, spec_size
from lineage_desktop.ui.scene.context import SceneContext
from lineage_desktop.ui.scene.edge_item import ArrowCurveItem, CurveEnd
from lineage_desktop.ui.widgets import plain_tooltip

_GLYPH_ROOM = 18.0  # the crossed eye left of the text


def with_marks(
    request: LayoutRequest, marks: Sequence[HiddenMark], raw: nx.DiGraph
) -> LayoutRequest:
    """``request`` with a box for every mark, as big as the largest card it stands for
    and ranked at its level, and the edges the hidden nodes had."""
    if not marks:
        return request
    boxes = []
    edges = list(request.edges)
    for mark in marks:
        sizes = [
            spec_size(card_spec(m, raw.nodes[m] if m in raw else {})) for m in mark.members
        ]
        width = max(w for w, _ in sizes)
        height = max(h for _, h in sizes)
        boxes.append(LayoutNode(mark.key, width, height, mark.level))
        edges += [(s, mark.key) for s in mark.sources]
        edges += [(mark.key, t) for t in mark.targets]
    return replace(request, nodes=request.nodes + tuple(boxes), edges=tuple(dict.fromkeys(edges)))


class HiddenMarkItem(QGraphicsObject):
    """The dashed "N hidden" pill standing where hidden nodes were (see the module)."""

    def __init__(self, mark: HiddenMark, ctx: SceneContext, centre: tuple[float, float]) -> None:
        super().__init__()
        self.mark = mark
        self._ctx = ctx
        self._stubs: list[StubItem] = []
        f = style.fonts()
        self._text = mark.text
        width = f.type_metrics.horizontalAdvance(self._text) + _GLYPH_ROOM
        width += 2 * style.HIDDEN_MARK_PAD_X
        height = style.HIDDEN_MARK_HEIGHT
        self._rect = QRectF(-width / 2, -height / 2, width, height)
        self._bounds = self._rect.adjusted(-2, -2, 2, 2)
        self._glyph_at = QPointF(self._rect.left() + style.HIDDEN_MARK_PAD_X + 7, 0.0)
        self._text_at = QPointF(
            self._rect.left() + style.HIDDEN_MARK_PAD_X + _GLYPH_ROOM,
            (f.type_metrics.ascent() - f.type_metrics.descent()) / 2,
        )
        self.setPos(QPointF(*centre))
        self.setZValue(style.Z_HIDDEN_MARK)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    @property
    def key(self) -> str:
        """The mark's layout key (``hidden:...``; never a graph key)."""
        return self.mark.key

    @property
    def size(self) -> tuple[float, float]:
        """The pill's size: stubs end at its border."""
        return self._rect.width(), self._rect.height()

    @property
    def text(self) -> str:
        """What the pill says."""
        return self._text

    @property
    def emphasised(self) -> bool:
        return False

    def tooltip_markup(self) -> str:
        """The names of the hidden nodes, escaped."""
        return plain_tooltip(self.mark.tooltip)

    def add_edge(self, edge: StubItem) -> None:
        self._stubs.append(edge)

    def stubs(self) -> list[StubItem]:
        """The dashed stubs joining this mark to its neighbours."""
        return list(self._stubs)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        p = self._ctx.paints
        radius = self._rect.height() / 2
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < style.LOD_TEXT and not self._ctx.exporting:
            # Text too small to read: a tinted pill with a 1-pixel outline still says
            # "something is hidden here" in the overview.
            pen = QPen(p.mark_pen)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(p.pill_brush)
            painter.drawRoundedRect(self._rect, radius, radius)
            return
        painter.setPen(p.mark_pen)
        painter.setBrush(p.card_brush)
        painter.drawRoundedRect(self._rect, radius, radius)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(p.muted_pen.color())
        painter.drawPath(glyphs.EYE_CROSSED.translated(self._glyph_at))
        painter.setPen(p.muted_pen)
        painter.setFont(style.fonts().type)
        painter.drawText(self._text_at, self._text)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        event.accept()  # a button: no rubber band, no deselection

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        scene = self.scene()
        if scene is not None and self._rect.contains(event.pos()) and not self._ctx.exporting:
            # After the event: the slot rebuilds the scene, deleting this item.
            members = list(self.mark.members)
            QTimer.singleShot(0, scene, partial(scene.unhide_requested.emit, members))
        event.accept()


class StubItem(ArrowCurveItem):
    """A dashed curve from a card (or mark) to a mark, or from a mark to a card: the edge
    a hidden node had. It follows a dragged card as edges do (``adjust``), always on a
    fresh route (a hidden node's edge has no spline of the layout)."""

    def __init__(
        self, source: CurveEnd, target: CurveEnd, ctx: SceneContext, direction: str
    ) -> None:
        super().__init__(source, target, ctx, direction)
        self._attach()

    @property
    def ends(self) -> tuple[CurveEnd, CurveEnd]:
        """``(source, target)``."""
        return self._source, self._target

    def refresh_emphasis(self) -> None:
        """Stubs stay quiet when their card is hovered."""

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        p = self._ctx.paints
        self._draw(painter, p.stub_pen, p.edge_brush)


def mark_items(
    marks: Iterable[HiddenMark],
    layout: LayoutResult,
    cards: Mapping[str, Any],
    ctx: SceneContext,
    scene: QGraphicsScene,
) -> tuple[dict[str, HiddenMarkItem], list[StubItem]]:
    """Pills at the layout's places of ``marks`` and stubs to the cards (or marks) they
    touch, added to ``scene`` as top-level items: they stay visible when the overview
    replaces the cards (zoomed far out), the gap they explain being visible there too."""
    items: dict[str, HiddenMarkItem] = {}
    placed = [m for m in marks if m.key in layout.positions]
    for mark in placed:
        item = HiddenMarkItem(mark, ctx, layout.positions[mark.key])
        scene.addItem(item)
        items[mark.key] = item
    ends: dict[str, Any] = {**cards, **items}
    stubs = []
    for mark in placed:
        here = items[mark.key]
        pairs = [(ends.get(s), here) for s in mark.sources]
        # Between two marks the stub is made once, from the upstream one.
        pairs += [(here, ends.get(t)) for t in mark.targets]
        for source, target in pairs:
            if source is None or target is None:
                continue
            if isinstance(source, HiddenMarkItem) and source is not here:
                continue  # made by the source mark as one of its targets
            stub = StubItem(source, target, ctx, layout.direction)
            scene.addItem(stub)
            stubs.append(stub)
    return items, stubs


def dim_marks(
    marks: Mapping[str, HiddenMarkItem], stubs: Iterable[StubItem], dimmed: Collection[str]
) -> None:
    """Fade what belongs to faded cards (path and impact views): a stub with a faded
    end, a mark whose every stub is faded."""
    faded_stubs = set()
    for stub in stubs:
        faded = any(end.key in dimmed for end in stub.ends if not isinstance(end, HiddenMarkItem))
        stub.setOpacity(style.DIM_OPACITY if faded else 1.0)
        if faded:
            faded_stubs.add(id(stub))
    for mark in marks.values():
        own = mark.stubs()
        faded = bool(own) and all(id(stub) in faded_stubs for stub in own)
        mark.setOpacity(style.DIM_OPACITY if faded else 1.0)


class HiddenMarksPart:
    """The hidden-marks half of ``LineageScene`` (its state is set up by the scene)."""

    _marks: dict[str, HiddenMarkItem]
    _stubs: list[StubItem]
    _layer: QGraphicsItem | None
    _cards: Mapping[str, Any]
    _ctx: SceneContext
    _dimmed: set[str]
    _content: QRectF

    def hidden_mark_items(self) -> list[HiddenMarkItem]:
        """The "N hidden" pills standing where hidden nodes were."""
        return list(self._marks.values())

    def stub_items(self) -> list[StubItem]:
        """The dashed stubs joining hidden marks to their neighbours."""
        return list(self._stubs)

    def set_hidden_marks(self, marks: Iterable[HiddenMark], layout: LayoutResult) -> None:
        """Draw ``marks`` (``graph.hidden``) at the places ``layout`` kept for them, once
        the graph's cards exist (replaces the previous marks; a new graph drops them)."""
        self._clear_hidden_marks()
        if self._layer is None:
            return
        scene = self._scene()
        self._marks, self._stubs = mark_items(marks, layout, self._cards, self._ctx, scene)
        if self._dimmed:
            dim_marks(self._marks, self._stubs, self._dimmed)
        if self._marks:
            extent = Extent()
            extent.add_rect(self._content)
            for item in [*self._marks.values(), *self._stubs]:
                extent.add_rect(item.sceneBoundingRect())
            self._set_content_rect(extent.rect(), grow_only=True)  # type: ignore[attr-defined]

    def _clear_hidden_marks(self) -> None:
        scene = self._scene()
        for item in [*self._stubs, *self._marks.values()]:
            scene.removeItem(item)
        self._marks, self._stubs = {}, []

    def _scene(self) -> QGraphicsScene:
        assert isinstance(self, QGraphicsScene)
        return self
