"""``LineageView``: the zoomable, pannable view of a ``LineageScene``.

Wheel zoom keeps the scene point under the cursor in place; keyboard zoom keeps the
view centre. The view always leaves half a viewport of room around the graph, so the
anchor can be honoured at any zoom and the graph can be panned into any corner.
Each zoom change tells the scene its scale, which then draws cards or one batched
overview (see ``style.LOD_BATCH``). While part of the graph is out of view, an overview
map (``Minimap``) in the bottom-right corner shows where the view is.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QContextMenuEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmapCache,
    QResizeEvent,
    QShowEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from lineage_desktop.ui import style
from lineage_desktop.ui.scene.lineage_scene import LineageScene
from lineage_desktop.ui.scene.minimap import Minimap
from lineage_desktop.ui.scene.overlays import BusyOverlay, MessageOverlay

_FIT_MARGIN = 24.0  # pixels left free around the graph by fit_all
_WHEEL_BASE = 1.0015  # zoom per wheel unit: one notch (120 units) is about 1.2x
_OVERLAY_MARGIN = 10
# More direct neighbours than this never fit a screen at a readable zoom (they stand in one
# or two layers, a column of thousands of pixels): the view centres on the card itself
# without measuring them one by one (25,000 rects took 90-270 ms on the UI thread), nor
# listing them (25,000 links: 210 ms).
NEIGHBOURS_EVER_FITTED = 1000


class LineageView(QGraphicsView):
    """The lineage graph view (objectName ``lineageView``).

    Signals:

    - ``zoom_changed(float)``: the zoom factor (1.0 is 1:1) after any change.
    - ``context_menu_requested(str, QPoint)``: a right-click (or the menu key) on the
      card of this key, "" on the background, at this global position.
    """

    zoom_changed = Signal(float)
    context_menu_requested = Signal(str, QPoint)

    def __init__(self, scene: LineageScene | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lineageView")
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        # Items set every pen and brush they use and restore anything else themselves;
        # their bounding rects already include room for antialiasing.
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), style.PIXMAP_CACHE_KIB))
        self._busy = BusyOverlay(self)
        self._message = MessageOverlay(self)
        self._minimap = Minimap(self)
        self._fit_pending = False
        if scene is not None:
            self.setScene(scene)

    # --- scene ----------------------------------------------------------------------------

    def setScene(self, scene: QGraphicsScene | None) -> None:  # noqa: N802 (Qt name)
        """Show ``scene`` (a ``LineageScene`` for colours and level of detail)."""
        old = self.scene()
        if isinstance(old, LineageScene):
            old.sceneRectChanged.disconnect(self._on_scene_rect_changed)
        super().setScene(scene)
        if isinstance(scene, LineageScene):
            scene.sceneRectChanged.connect(self._on_scene_rect_changed)
            self._apply_palette(scene.palette_colors())
        self._after_zoom()

    def lineage_scene(self) -> LineageScene | None:
        """The scene if it is a ``LineageScene``."""
        scene = self.scene()
        return scene if isinstance(scene, LineageScene) else None

    def set_dark(self, dark: bool) -> None:
        """Switch the scene and the overlays to the dark (or light) palette."""
        scene = self.lineage_scene()
        if scene is not None:
            scene.set_dark(dark)
        self._apply_palette(style.palette_for(dark))

    def _apply_palette(self, palette: style.Palette) -> None:
        self._busy.set_palette(palette)
        self._message.set_palette(palette)
        self._minimap.set_palette(palette)
        self.viewport().update()

    @Slot(QRectF)
    def _on_scene_rect_changed(self, rect: QRectF) -> None:
        self._update_room()
        self._minimap.set_content(self._content_rect())
        self._sync_minimap()

    # --- overview map -----------------------------------------------------------------

    def minimap(self) -> Minimap:
        """The overview map (objectName ``lineageMinimap``)."""
        return self._minimap

    def refresh_minimap(self) -> None:
        """A new graph is on screen: draw the overview map again."""
        self._minimap.set_content(self._content_rect())
        self._minimap.refresh()
        self._sync_minimap()

    def shows_whole_graph(self) -> bool:
        """True when every part of the graph is inside the viewport."""
        content = self._content_rect()
        if content.isEmpty():
            return True
        return self.visible_scene_rect().adjusted(-2, -2, 2, 2).contains(content)

    def _sync_minimap(self) -> None:
        """Show the map (sized, in the corner, current) only while part of the graph
        is out of view."""
        minimap = self._minimap
        if self.shows_whole_graph() or self.message_text():
            minimap.hide()
            return
        size = minimap.wanted_size(self._content_rect())
        vp = self.viewport().geometry()
        room = QSize(vp.width() - 2 * _OVERLAY_MARGIN, vp.height() - 2 * _OVERLAY_MARGIN)
        if size.width() > room.width() // 2 or size.height() > room.height() // 2:
            minimap.hide()  # a view this small has no room for a map
            return
        minimap.setGeometry(
            vp.right() - size.width() - _OVERLAY_MARGIN,
            vp.bottom() - size.height() - _OVERLAY_MARGIN,
            size.width(),
            size.height(),
        )
        minimap.show()
        minimap.raise_()
        minimap.update()

    # --- zoom -----------------------------------------------------------------------------

    def zoom_factor(self) -> float:
        """Current scale: 1.0 shows the graph at 1:1."""
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> float:
        """Zoom to ``factor`` (clamped) keeping the scene point at viewport ``anchor`` fixed.

        ``anchor`` defaults to the viewport centre. Returns the factor applied.
        """
        factor = min(max(factor, self._min_zoom()), style.ZOOM_MAX)
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        scene_point = self.viewportTransform().inverted()[0].map(anchor)
        self.setTransform(QTransform.fromScale(factor, factor))
        self._update_room()
        drift = self.viewportTransform().map(scene_point) - anchor
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        hbar.setValue(hbar.value() + round(drift.x()))
        vbar.setValue(vbar.value() + round(drift.y()))
        self._after_zoom()
        return factor

    def zoom_in(self) -> None:
        """One step closer, around the view centre."""
        self.set_zoom(self.zoom_factor() * style.ZOOM_STEP)

    def zoom_out(self) -> None:
        """One step further, around the view centre."""
        self.set_zoom(self.zoom_factor() / style.ZOOM_STEP)

    def fit_all(self) -> None:
        """Fit the whole graph in the window (never magnified beyond 1:1)."""
        if not self.isVisible() or self.viewport().width() < 4:
            self._fit_pending = True  # no real size yet: fit once shown
            return
        rect = self._content_rect()
        if rect.isEmpty():
            return
        factor = self._fit_factor(rect)
        self.setTransform(QTransform.fromScale(factor, factor))
        self._update_room()
        self.centerOn(rect.center())
        self._after_zoom()

    def reset_zoom(self) -> None:
        """Back to 1:1 around the view centre."""
        self.set_zoom(1.0)

    def show_neighbourhood(self, key: str, min_zoom: float) -> bool:
        """Zoom to the card of ``key`` and its direct neighbours (never below
        ``min_zoom``, never above 1:1) and centre them; False if there is no such card."""
        scene = self.lineage_scene()
        item = scene.node_item(key) if scene is not None else None
        if item is None:
            return False
        fits = item.neighbour_count() <= NEIGHBOURS_EVER_FITTED  # a hub's fan fits no screen
        rect = item.sceneBoundingRect()
        for neighbour in item.neighbours() if fits else ():
            rect = rect.united(neighbour.sceneBoundingRect())
        factor = max(min_zoom, self._fit_factor(rect)) if fits else min_zoom
        self.setTransform(QTransform.fromScale(factor, factor))
        self._update_room()
        fits = fits and self._fit_factor(rect) >= factor
        self.centerOn(rect.center() if fits else item.pos())
        self._after_zoom()
        return True

    def center_on_key(self, key: str) -> bool:
        """Scroll so that the card of ``key`` is centred; False if there is no such card."""
        scene = self.lineage_scene()
        item = scene.node_item(key) if scene is not None else None
        if item is None:
            return False
        self.centerOn(item.pos())
        return True

    def key_at(self, pos: QPoint) -> str:
        """The key of the card (node or cluster) at viewport ``pos``, "" if none; also
        while the batched overview draws the graph."""
        scene = self.lineage_scene()
        if scene is None:
            return ""
        overview = scene.overview_item()
        if scene.is_batched() and overview is not None:
            spec = overview.spec_at(self.mapToScene(pos))
            return spec.key if spec is not None else ""
        for item in self.items(pos):
            node = item
            while node is not None:  # a card's label or badge belongs to the card
                key = node.data(0)
                if key is not None and scene.node_item(str(key)) is node:
                    return str(key)
                node = node.parentItem()
        return ""

    def visible_scene_rect(self) -> QRectF:
        """The part of the scene shown in the viewport (for "export visible area")."""
        return self.viewportTransform().inverted()[0].mapRect(QRectF(self.viewport().rect()))

    def _content_rect(self) -> QRectF:
        scene = self.lineage_scene()
        if scene is not None:
            return scene.content_rect()
        return self.scene().itemsBoundingRect() if self.scene() is not None else QRectF()

    def _fit_factor(self, rect: QRectF) -> float:
        vp = self.viewport().rect()
        w = max(1.0, vp.width() - 2 * _FIT_MARGIN)
        h = max(1.0, vp.height() - 2 * _FIT_MARGIN)
        return max(style.ZOOM_MIN, min(w / rect.width(), h / rect.height(), 1.0))

    def _min_zoom(self) -> float:
        rect = self._content_rect()
        if rect.isEmpty():
            return 0.05
        return max(style.ZOOM_MIN, min(0.05, self._fit_factor(rect) * 0.5))

    def _update_room(self) -> None:
        """Let the view scroll half a viewport past every side of the graph."""
        if self.scene() is None:
            return
        zoom = self.zoom_factor() or 1.0
        vp = self.viewport().rect()
        mx, my = vp.width() / zoom / 2, vp.height() / zoom / 2
        rect = self._content_rect()
        if rect.isEmpty():
            rect = QRectF(-1, -1, 2, 2)
        self.setSceneRect(rect.adjusted(-mx, -my, mx, my))

    def _after_zoom(self) -> None:
        scene = self.lineage_scene()
        if scene is not None:
            scene.set_view_scale(self.zoom_factor())
        self._sync_minimap()
        self.zoom_changed.emit(self.zoom_factor())

    # --- overlays -------------------------------------------------------------------------

    def set_busy(self, busy: bool, text: str = "Laying out…") -> None:
        """Show (or hide) a small spinner with ``text`` in the top-right corner."""
        if busy:
            self._busy.start(text)
            self._place_overlays()
        else:
            self._busy.stop()

    def is_busy(self) -> bool:
        """True while the busy indicator is shown."""
        return self._busy.isVisible()

    def busy_overlay(self) -> BusyOverlay:
        """The busy indicator widget (for tests and styling)."""
        return self._busy

    def set_message(self, text: str | None) -> None:
        """Show a centred placeholder message as plain text; None or "" removes it."""
        if text:
            self._message.setText(text)
            self._message.show()
            self._message.raise_()
            self._place_overlays()
        else:
            self._message.clear()
            self._message.hide()
        self._sync_minimap()

    def message_text(self) -> str:
        """The placeholder message shown, or ""."""
        return self._message.text() if self._message.isVisible() else ""

    def _place_overlays(self) -> None:
        vp = self.viewport().geometry()
        hint = self._busy.sizeHint()
        self._busy.setGeometry(
            vp.right() - hint.width() - _OVERLAY_MARGIN,
            vp.top() + _OVERLAY_MARGIN,
            hint.width(),
            hint.height(),
        )
        width = min(520, max(100, vp.width() - 40))
        height = self._message.heightForWidth(width)
        height = max(height, self._message.sizeHint().height())
        self._message.setGeometry(
            vp.left() + (vp.width() - width) // 2,
            vp.top() + (vp.height() - height) // 2,
            width,
            height,
        )

    # --- Qt overrides ---------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        scene = self.lineage_scene()
        palette = scene.palette_colors() if scene is not None else style.LIGHT
        painter.fillRect(rect, palette.color("background"))

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        delta = event.angleDelta().y() or event.pixelDelta().y()
        if not delta:
            super().wheelEvent(event)
            return
        self.set_zoom(self.zoom_factor() * _WHEEL_BASE**delta, event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_all()
        elif ctrl and key == Qt.Key.Key_1:
            self.reset_zoom()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        # Shift+drag selects with a rubber band; a plain drag on the background pans.
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.setDragMode(
            QGraphicsView.DragMode.RubberBandDrag
            if shift
            else QGraphicsView.DragMode.ScrollHandDrag
        )
        super().mousePressEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        super().scrollContentsBy(dx, dy)
        self._sync_minimap()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        key, where = self.key_at(event.pos()), event.globalPos()
        scene = self.lineage_scene()
        if event.reason() == QContextMenuEvent.Reason.Keyboard and scene is not None:
            # The menu key acts on the selected card and opens the menu at it.
            selected = [k for k in map(str, (i.data(0) for i in scene.selectedItems()))
                        if scene.node_item(k) is not None]
            if selected:
                key = selected[0]
                card = scene.node_item(key)
                assert card is not None
                where = self.viewport().mapToGlobal(
                    self.mapFromScene(card.sceneBoundingRect().center())
                )
        self.context_menu_requested.emit(key, where)
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_room()
        self._place_overlays()
        self._sync_minimap()
        if self._fit_pending and self.isVisible() and self.viewport().width() >= 4:
            self._fit_pending = False
            self.fit_all()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._fit_pending and self.viewport().width() >= 4:
            self._fit_pending = False
            self.fit_all()
