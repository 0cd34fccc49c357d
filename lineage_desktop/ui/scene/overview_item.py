"""``OverviewItem``: the whole graph in a few painter calls, for zoomed-out views.

One Python ``paint()`` per card costs about 10 µs, so a fit-to-window frame of 10,000
cards would take over 100 ms. Below ``style.LOD_BATCH`` the scene hides every card and
edge and shows this single item instead: all edges as one hairline path, then all
cards as plain rectangles, one ``drawRects`` call per colour. Clicks still work: the
item finds the card under the pointer itself.
"""

from __future__ import annotations

from collections.abc import Iterable
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
from lineage_desktop.ui.scene.context import SceneContext

if TYPE_CHECKING:
    from lineage_desktop.ui.scene.card_item import CardItem
    from lineage_desktop.ui.scene.edge_item import EdgeItem

# Drawing order: later groups paint over earlier ones.
_GROUPS = ("cluster_run", "cluster_artifact", "run", "artifact", "failed", "missing")


def _group(card: CardItem) -> str:
    spec = card.spec
    if spec.missing:
        return "missing"
    if spec.kind == "cluster":
        return "cluster_run" if spec.member_kind == "run" else "cluster_artifact"
    if spec.failed:
        return "failed"
    return "run" if spec.kind == "run" else "artifact"


class OverviewItem(QGraphicsItem):
    """Batched drawing of every card and edge of a scene (rebuilt, never edited)."""

    def __init__(self, ctx: SceneContext) -> None:
        super().__init__()
        self._ctx = ctx
        self._bounds = QRectF()
        self._rects: dict[str, list[QRectF]] = {g: [] for g in _GROUPS}
        self._dim_rects: dict[str, list[QRectF]] = {g: [] for g in _GROUPS}
        self._dim_edges = QPainterPath()
        self._focus: list[QRectF] = []
        self._highlight: list[QRectF] = []
        self._edges = QPainterPath()
        self._hits: list[tuple[QRectF, CardItem]] = []
        self._pressed: CardItem | None = None
        self.setZValue(style.Z_OVERVIEW)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, False)

    def rebuild(self, cards: Iterable[CardItem], edges: Iterable[EdgeItem]) -> None:
        """Take the current positions of ``cards`` and the curves of ``edges``."""
        rects: dict[str, list[QRectF]] = {g: [] for g in _GROUPS}
        dim_rects: dict[str, list[QRectF]] = {g: [] for g in _GROUPS}
        focus: list[QRectF] = []
        highlight: list[QRectF] = []
        hits: list[tuple[QRectF, CardItem]] = []
        bounds = QRectF()
        for card in cards:
            rect = card.card_rect().translated(card.pos())
            (dim_rects if card.dimmed else rects)[_group(card)].append(rect)
            hits.append((rect, card))
            if card.focused:
                pad = rect.height() * 0.35
                focus.append(rect.adjusted(-pad, -pad, pad, pad))
            if card.highlighted:
                highlight.append(
                    rect.adjusted(-rect.height(), -rect.height(), rect.height(), rect.height())
                )
            bounds = bounds.united(rect)
        path, dim_path = QPainterPath(), QPainterPath()
        for edge in edges:
            (dim_path if edge.dimmed else path).addPath(edge.curve())
        bounds = bounds.united(path.controlPointRect()).united(dim_path.controlPointRect())
        bounds = bounds.adjusted(-60, -60, 60, 60)
        self.prepareGeometryChange()
        self._rects, self._dim_rects = rects, dim_rects
        self._focus, self._highlight = focus, highlight
        self._edges, self._dim_edges = path, dim_path
        self._hits, self._bounds = hits, bounds
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        p = self._ctx.paints
        painter.save()
        # Aliasing is invisible at this scale and makes the fills several times cheaper.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        if self._highlight:
            painter.setBrush(p.highlight_brush)
            painter.drawRects(self._highlight)
        if self._focus:
            painter.setBrush(p.focus_pen.color())
            painter.drawRects(self._focus)
        brushes = self._brushes()
        if not self._dim_edges.isEmpty() or any(self._dim_rects.values()):
            painter.setOpacity(style.DIM_OPACITY)
            self._paint_layer(painter, self._dim_edges, self._dim_rects, brushes)
            painter.setOpacity(1.0)
        self._paint_layer(painter, self._edges, self._rects, brushes)
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

    def card_at(self, scene_pos: QPointF) -> CardItem | None:
        """The card whose block covers ``scene_pos``, or None."""
        for rect, card in reversed(self._hits):
            if rect.contains(scene_pos):
                return card
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self._pressed = self.card_at(event.scenePos())
        if self._pressed is None:
            event.ignore()  # the background: let the view pan
            return
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        card, self._pressed = self._pressed, None
        if card is not None and card is self.card_at(event.scenePos()):
            signal = "cluster_clicked" if card.spec.kind == "cluster" else "node_clicked"
            self._post(signal, card.key)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        card = self.card_at(event.scenePos())
        if card is None:
            event.ignore()
            return
        if card.spec.kind != "cluster":
            self._post("node_activated", card.key)
        event.accept()

    def _post(self, signal_name: str, key: str) -> None:
        scene = self.scene()
        if scene is not None and hasattr(scene, "post_signal"):
            scene.post_signal(signal_name, key)
