"""``OverviewItem``: the whole graph in a few painter calls, for zoomed-out views.

One Python ``paint()`` per card costs about 10 µs, so a fit-to-window frame of 10,000
cards would take over 100 ms. Below ``style.LOD_BATCH`` the scene hides every card and
edge and shows this single item instead: all edges as one hairline path, then all
cards as plain rectangles, one ``drawRects`` call per colour. Clicks still work: the
item finds the card under the pointer itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.cards import CardSpec
from lineage_desktop.ui.scene.context import SceneContext

if TYPE_CHECKING:
    from lineage_desktop.ui.scene.card_item import CardItem
    from lineage_desktop.ui.scene.edge_item import EdgeItem

# Drawing order: later groups paint over earlier ones.
_GROUPS = ("cluster_run", "cluster_artifact", "run", "artifact", "failed", "missing")


def _group(spec: CardSpec) -> str:
    if spec.missing or spec.deleted:
        return "missing"
    if spec.kind == "cluster":
        return "cluster_run" if spec.member_kind == "run" else "cluster_artifact"
    if spec.failed:
        return "failed"
    return "run" if spec.kind == "run" else "artifact"


class OverviewContent:
    """What an ``OverviewItem`` draws, gathered block by block and curve by curve.

    Filled from built cards (``add_card``) or straight from the layout's data before any
    card exists (``add_block``, ``add_curve``), so a big graph is on screen at once.
    """

    def __init__(self) -> None:
        self.rects: dict[str, list[QRectF]] = {g: [] for g in _GROUPS}
        self.dim_rects: dict[str, list[QRectF]] = {g: [] for g in _GROUPS}
        self.focus: list[QRectF] = []
        self.highlight: list[QRectF] = []
        self.hits: list[tuple[QRectF, CardSpec]] = []
        self.edges = QPainterPath()
        self.dim_edges = QPainterPath()
        # Plain floats: QRectF.united per block costs a bindings round trip each.
        self._left = self._top = float("inf")
        self._right = self._bottom = float("-inf")

    def add_block(
        self,
        rect: QRectF,
        spec: CardSpec,
        dimmed: bool = False,
        focused: bool = False,
        highlighted: bool = False,
    ) -> None:
        """One card's front rectangle (scene coordinates) and its marks."""
        (self.dim_rects if dimmed else self.rects)[_group(spec)].append(rect)
        self.hits.append((rect, spec))
        if focused:
            pad = rect.height() * 0.35
            self.focus.append(rect.adjusted(-pad, -pad, pad, pad))
        if highlighted:
            h = rect.height()
            self.highlight.append(rect.adjusted(-h, -h, h, h))
        self._left, self._top = min(self._left, rect.left()), min(self._top, rect.top())
        self._right = max(self._right, rect.right())
        self._bottom = max(self._bottom, rect.bottom())

    def add_card(self, card: CardItem) -> None:
        """A built card, where it is now."""
        rect = card.card_rect().translated(card.pos())
        self.add_block(rect, card.spec, card.dimmed, card.focused, card.highlighted)

    def add_path(self, path: QPainterPath, dimmed: bool = False) -> None:
        """One edge's curve."""
        (self.dim_edges if dimmed else self.edges).addPath(path)

    def add_curve(self, points: Sequence[tuple[float, float]], dimmed: bool = False) -> None:
        """One edge from spline control points ``p0, c1, c2, p1, ...`` (a straight line
        when there are only two)."""
        path = self.dim_edges if dimmed else self.edges
        path.moveTo(*points[0])
        if len(points) >= 4 and (len(points) - 1) % 3 == 0:
            for i in range(1, len(points) - 2, 3):
                path.cubicTo(*points[i], *points[i + 1], *points[i + 2])
        else:
            path.lineTo(*points[-1])

    def bounds(self) -> QRectF:
        """Everything drawn, with room for the focus and find marks."""
        rect = QRectF()
        if self._right > self._left:
            rect = QRectF(self._left, self._top, self._right - self._left, self._bottom - self._top)
        rect = rect.united(self.edges.controlPointRect()).united(self.dim_edges.controlPointRect())
        return rect.adjusted(-60, -60, 60, 60)


class OverviewItem(QGraphicsItem):
    """Batched drawing of every card and edge of a scene (rebuilt, never edited)."""

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__()
        self._ctx = ctx
        self._bounds = QRectF()
        self._content = OverviewContent()
        self._pressed: CardSpec | None = None
        self.setZValue(style.Z_OVERVIEW)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, False)

    def rebuild(
        self,
        cards: Iterable[CardItem],
        edges: Iterable[EdgeItem],
        batched: Iterable[tuple[QPainterPath, bool]] = (),
    ) -> None:
        """Take the current positions of ``cards``, the curves of ``edges`` and the
        ``(curves, faded)`` paths of batched edges."""
        content = OverviewContent()
        for card in cards:
            content.add_card(card)
        for edge in edges:
            content.add_path(edge.curve(), edge.dimmed)
        for path, dimmed in batched:
            content.add_path(path, dimmed)
        self.show_content(content)

    def show_content(self, content: OverviewContent) -> None:
        """Draw ``content`` from now on."""
        self.prepareGeometryChange()
        self._content = content
        self._bounds = content.bounds()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        p = self._ctx.paints
        c = self._content
        painter.save()
        # Aliasing is invisible at this scale and makes the fills several times cheaper.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        if c.highlight:
            painter.setBrush(p.highlight_brush)
            painter.drawRects(c.highlight)
        if c.focus:
            painter.setBrush(p.focus_pen.color())
            painter.drawRects(c.focus)
        brushes = self._brushes()
        if not c.dim_edges.isEmpty() or any(c.dim_rects.values()):
            painter.setOpacity(style.DIM_OPACITY)
            self._paint_layer(painter, c.dim_edges, c.dim_rects, brushes)
            painter.setOpacity(1.0)
        self._paint_layer(painter, c.edges, c.rects, brushes)
        painter.restore()

    def _paint_layer(
        self,
        painter: QPainter,
        edges: QPainterPath,
        rects: dict[str, list[QRectF]],
        brushes: dict[str, QBrush],
    ) -> None:
        painter.setPen(self._ctx.paints.overview_edge_pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(edges)
        painter.setPen(Qt.PenStyle.NoPen)
        for group in _GROUPS:
            if rects[group]:
                painter.setBrush(brushes[group])
                painter.drawRects(rects[group])

    def _brushes(self) -> dict[str, QBrush]:
        p = self._ctx.paints
        return {
            "cluster_run": p.cluster_pen["run"].brush(),
            "cluster_artifact": p.cluster_pen["artifact"].brush(),
            "run": p.run_brush,
            "artifact": p.artifact_brush,
            "failed": p.failed_pen.brush(),
            "missing": p.missing_brush,
        }

    # --- clicks on the blocks ---------------------------------------------------------

    def spec_at(self, scene_pos: QPointF) -> CardSpec | None:
        """The card (its spec) whose block covers ``scene_pos``, or None."""
        for rect, spec in reversed(self._content.hits):
            if rect.contains(scene_pos):
                return spec
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self._pressed = self.spec_at(event.scenePos())
        if self._pressed is None:
            event.ignore()  # the background: let the view pan
            return
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        spec, self._pressed = self._pressed, None
        if spec is not None and spec is self.spec_at(event.scenePos()):
            signal = "cluster_clicked" if spec.kind == "cluster" else "node_clicked"
            self._post(signal, spec.key)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        spec = self.spec_at(event.scenePos())
        if spec is None:
            event.ignore()
            return
        if spec.kind != "cluster":
            self._post("node_activated", spec.key)
        event.accept()

    def _post(self, signal_name: str, key: str) -> None:
        scene = self.scene()
        if scene is not None and hasattr(scene, "post_signal"):
            scene.post_signal(signal_name, key)
