"""PDF export on real paper sizes: each ``Tile`` of a ``graph.pages.PagePlan`` becomes one
page, the scene region of the tile drawn into the page's printable area, with the page's
place in the grid ("page 2 of 6, row 1 col 2") in the bottom margin.

Labels stay text (searchable, selectable). The page arithmetic is ``graph.pages``; this
module only paints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsItem

from lineage_desktop.graph.pages import FIT, Box, PagePlan, PageSetup, Tile, plan_pages
from lineage_desktop.ui import style

LABEL_FONT_PT = 8
# Qt's own page sizes, so viewers and printers recognise the paper (MediaBox as ISO/ANSI).
_PAGE_IDS = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}


def box_of(rect: QRectF) -> Box:
    """The Qt-free ``Box`` of a ``QRectF``."""
    return Box(rect.x(), rect.y(), rect.width(), rect.height())


def pdf_plan(source: QRectF, setup: PageSetup, scale: float = 1.0) -> PagePlan:
    """The pages a PDF export of the scene region ``source`` would have."""
    return plan_pages(box_of(source), setup, scale)


def render_pdf(scene, path: Path, plan: PagePlan, dark: bool, background: QColor) -> None:
    """Write ``plan``'s pages of ``scene`` to ``path``; ``OSError`` when it cannot."""
    writer = QPdfWriter(str(path))
    writer.setResolution(72)  # painter units are points
    writer.setCreator("lineage-desktop")
    writer.setTitle("Lineage graph")
    writer.setPageLayout(_page_layout(plan))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write PDF to {path}")
    painter.setRenderHints(
        QPainter.RenderHint.Antialiasing
        | QPainter.RenderHint.TextAntialiasing
        | QPainter.RenderHint.SmoothPixmapTransform
    )
    label_color = style.palette_for(dark).color("muted")
    drawn = _drawn_items(scene) if plan.pages > 1 else []
    with _all_hidden(drawn):
        for index, tile in enumerate(plan.tiles):
            if index and not writer.newPage():
                painter.end()
                raise OSError(f"cannot write PDF to {path}")
            with _shown_within(drawn, tile.source):
                _paint_page(painter, scene, plan, tile, background, label_color)
    painter.end()
    if not path.exists():
        raise OSError(f"cannot write PDF to {path}")


Drawn = list[tuple[QGraphicsItem, QRectF, float]]  # item, scene rectangle, own opacity


def _drawn_items(scene) -> Drawn:
    """The drawn items that hang from a layer item (cards, edges, marks), with their
    scene rectangles and opacities.

    ``QGraphicsScene.render`` paints the whole subtree of every top-level item it finds,
    and all of a graph's items hang from one layer: without help each page would carry
    every label of the graph, clipped away but still in the file (and found by a search).
    Each page shows only the items that meet it (``_all_hidden``, ``_shown_within``).
    Items already transparent (left out of a selection's export) stay out.
    """
    drawn = []
    for item in scene.items():
        if item.parentItem() is not None and item.parentItem().parentItem() is None \
                and item.isVisible() and item.opacity() > 0.0:
            drawn.append((item, item.sceneBoundingRect(), item.opacity()))
    return drawn


# Items are made fully transparent rather than hidden (Qt skips them and their children
# when rendering): hiding a selected card would deselect it, and the window's selection
# must survive an export (it may be the very selection being exported).


@contextmanager
def _all_hidden(drawn: Drawn) -> Iterator[None]:
    """Make ``drawn`` transparent while the pages are painted (each page shows its own),
    then restore them: two calls per item instead of two per item and page."""
    for item, _rect, _opacity in drawn:
        item.setOpacity(0.0)
    try:
        yield
    finally:
        for item, _rect, opacity in drawn:
            item.setOpacity(opacity)


@contextmanager
def _shown_within(drawn: Drawn, source: Box) -> Iterator[None]:
    """Show the items of ``drawn`` that meet ``source`` while its page is painted."""
    region = QRectF(source.x, source.y, source.width, source.height)
    inside = [(item, opacity) for item, rect, opacity in drawn if rect.intersects(region)]
    for item, opacity in inside:
        item.setOpacity(opacity)
    try:
        yield
    finally:
        for item, _opacity in inside:
            item.setOpacity(0.0)


def _page_layout(plan: PagePlan) -> QPageLayout:
    orientation = (QPageLayout.Orientation.Landscape if plan.landscape and plan.size != FIT
                   else QPageLayout.Orientation.Portrait)
    if plan.size in _PAGE_IDS:
        page = QPageSize(_PAGE_IDS[plan.size])
    else:  # one page exactly the size of the graph
        page = QPageSize(QSizeF(plan.page_width, plan.page_height), QPageSize.Unit.Point,
                         "graph", QPageSize.SizeMatchPolicy.ExactMatch)
    return QPageLayout(page, orientation, QMarginsF(0, 0, 0, 0))


def _paint_page(painter: QPainter, scene, plan: PagePlan, tile: Tile, background: QColor,
                label_color: QColor) -> None:
    painter.fillRect(QRectF(0, 0, plan.page_width, plan.page_height), background)
    area = plan.printable
    target = QRectF(area.x, area.y, area.width, area.height)
    source = QRectF(tile.source.x, tile.source.y, tile.source.width, tile.source.height)
    painter.save()
    painter.setClipRect(target)  # neighbouring pages' parts stay off this page's margins
    scene.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
    painter.restore()
    label = plan.label(tile)
    if label:
        font = QFont(style.fonts().type)
        font.setPointSizeF(LABEL_FONT_PT)
        painter.setFont(font)
        painter.setPen(label_color)
        band = QRectF(area.x, area.y + area.height, area.width, plan.margin)
        painter.drawText(band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)


__all__ = ["box_of", "pdf_plan", "render_pdf"]
