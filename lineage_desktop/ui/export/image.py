"""Export the lineage graph as PNG, SVG or PDF with the same drawing as the window.

Works headless: ``ensure_app()`` starts an offscreen QApplication when there is none,
so the command line can call ``render_graph_image`` without a display. Files show the
full detail (never the zoomed-out blocks) on a white or dark background with a margin;
``scale`` multiplies the whole image, margins included. SVG and PDF keep labels as
text (searchable, selectable), not as outlines.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import networkx as nx
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication

from lineage_desktop.graph.formats import IMAGE_FORMATS, UnknownExportFormat, format_for
from lineage_desktop.graph.pages import PagePlan, PageSetup, plan_pages
from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.records import ValidationError
from lineage_desktop.ui import style
from lineage_desktop.ui.export.pdf import box_of, render_pdf
from lineage_desktop.ui.export.svg_compact import compact_svg
from lineage_desktop.ui.scene.lineage_scene import LineageScene

FORMATS = IMAGE_FORMATS  # the image formats of the registry (graph.formats)
# Raster time grows with the pixel count (a 263-megapixel PNG took over four minutes here)
# and such an image is unusable anyway: past 64 Mpx ask for a smaller scale, clusters, or
# SVG/PDF, which stay fast at any size.
MAX_PNG_PIXELS = 64_000_000


class ImageTooLarge(ValidationError):
    """A PNG export whose pixel size would not fit in memory."""


class UnsupportedImageFormat(ValidationError):
    """An image format other than png, svg or pdf."""


def ensure_app() -> QApplication:
    """The running QApplication, or a new offscreen one (headless export, no display)."""
    app = QApplication.instance()
    if app is None:
        # A command-line switch rather than QT_QPA_PLATFORM: child processes keep theirs.
        app = QApplication(
            [sys.argv[0] if sys.argv else "lineage-desktop", "-platform", "offscreen"]
        )
    elif not isinstance(app, QApplication):
        raise RuntimeError("a QGuiApplication without widgets is running; scenes need QApplication")
    return app


def _format_for(path: Path, fmt: str | None) -> str:
    """The image format of ``fmt`` or the extension (png without one), by the registry."""
    try:
        chosen = format_for(path, fmt or None, default="png")
    except UnknownExportFormat:
        chosen = None
    if chosen is None or not chosen.image:
        asked = (fmt or path.suffix.lstrip(".")).lower()
        raise UnsupportedImageFormat(
            f"unsupported image format {asked!r}; use one of {', '.join(FORMATS)}"
        )
    return chosen.name


def image_size(source: QRectF, scale: float, margin: float) -> tuple[int, int]:
    """Pixel (or point) size of an export of ``source``: (rect + margins) * scale."""
    return (
        max(1, math.ceil((source.width() + 2 * margin) * scale)),
        max(1, math.ceil((source.height() + 2 * margin) * scale)),
    )


def render_scene(
    scene: LineageScene,
    path: str | Path,
    fmt: str | None = "png",
    scale: float = 1.0,
    area: QRectF | None = None,
    dark: bool = False,
    margin: float = 24.0,
    pages: PageSetup | None = None,
    on_pages: Callable[[PagePlan], None] | None = None,
) -> Path:
    """Draw ``scene`` (or its ``area``, in scene coordinates) into an image file.

    ``fmt`` is ``png``, ``svg`` or ``pdf`` (None: from the file extension). A PDF is laid
    out on ``pages`` (default: A4, orientation chosen by the graph's shape, several pages
    when one would make the text unreadable; ``PageSetup("fit")`` is one page the size of
    the graph); there ``scale`` multiplies the print size, and ``on_pages`` is told the
    ``PagePlan`` before the pages are drawn. Returns the path written.
    Raises ``ImageTooLarge`` for a PNG beyond ``MAX_PNG_PIXELS``, ``TooManyPages`` for a
    PDF beyond ``graph.pages.MAX_PAGES``, ``UnsupportedImageFormat`` for other formats
    and ``OSError`` when the file cannot be written.
    """
    ensure_app()
    path = Path(path)
    fmt = _format_for(path, fmt)
    if not scale > 0:
        raise ValidationError(f"scale must be positive, got {scale!r}")
    source = QRectF(area) if area is not None else scene.content_rect()
    if source.isEmpty():
        source = QRectF(0, 0, 1, 1)
    background = style.palette_for(dark).color("background" if dark else "card")
    if fmt == "pdf":
        plan = plan_pages(box_of(source), pages or PageSetup(), scale, fit_margin=margin)
        if on_pages is not None:
            on_pages(plan)
        with scene.export_mode(dark):
            render_pdf(scene, path, plan, dark, background)
        return path
    width, height = image_size(source, scale, margin)
    with scene.export_mode(dark):
        if fmt == "png":
            _render_png(scene, path, source, width, height, scale, margin, background)
        else:
            _render_svg(scene, path, source, width, height, scale, margin, background)
    return path


def _paint(
    painter: QPainter,
    scene: LineageScene,
    source: QRectF,
    scale: float,
    margin: float,
    background,
    width: float,
    height: float,
) -> None:
    painter.setRenderHints(
        QPainter.RenderHint.Antialiasing
        | QPainter.RenderHint.TextAntialiasing
        | QPainter.RenderHint.SmoothPixmapTransform
    )
    painter.fillRect(QRectF(0, 0, width, height), background)
    painter.scale(scale, scale)
    target = QRectF(margin, margin, source.width(), source.height())
    scene.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)


def _render_png(
    scene,
    path: Path,
    source: QRectF,
    width: int,
    height: int,
    scale: float,
    margin: float,
    background,
) -> None:
    if width * height > MAX_PNG_PIXELS:
        raise ImageTooLarge(
            f"a PNG of {width}x{height} pixels at scale {scale:g} is too large; "
            "use a smaller --scale, keep clusters on, or export SVG or PDF"
        )
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise ImageTooLarge(f"cannot allocate a {width}x{height} image; use a smaller scale")
    # 96 dpi per unit of scale: a 2x export prints at the size of a 1x one, only sharper.
    dots_per_meter = round(96 * scale / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    painter = QPainter(image)
    _paint(painter, scene, source, scale, margin, background, width, height)
    painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"cannot write PNG to {path}")


def _render_svg(
    scene,
    path: Path,
    source: QRectF,
    width: int,
    height: int,
    scale: float,
    margin: float,
    background,
) -> None:
    # Written to memory first: QSvgGenerator's output is shrunk (svg_compact) before
    # it reaches the file, several times smaller with the same picture and text.
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setResolution(96)  # CSS pixels: viewers show the file at its pixel size
    generator.setTitle("Lineage graph")
    generator.setDescription("Exported by lineage-desktop")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"cannot write SVG to {path}")
    _paint(painter, scene, source, scale, margin, background, width, height)
    painter.end()
    buffer.close()
    path.write_bytes(compact_svg(bytes(data.data())))


def render_graph_image(
    view_graph: nx.DiGraph,
    layout: LayoutResult,
    path: str | Path,
    fmt: str | None = None,
    scale: float = 1.0,
    dark: bool = False,
    margin: float = 24.0,
    compromised: Iterable[str] = (),
    tainted: Iterable[str] = (),
    pages: PageSetup | None = None,
    on_pages: Callable[[PagePlan], None] | None = None,
) -> Path:
    """Build a scene of ``view_graph`` placed by ``layout`` and export it (headless-safe).

    ``compromised`` and ``tainted`` carry the integrity audit's marks onto the image;
    ``pages`` and ``on_pages`` are the paper of a PDF (see ``render_scene``).
    """
    ensure_app()
    scene = LineageScene(dark=dark)
    scene.set_graph(view_graph, layout)
    scene.set_compromised(compromised)
    scene.set_tainted(tainted)
    return render_scene(scene, path, fmt, scale=scale, dark=dark, margin=margin,
                        pages=pages, on_pages=on_pages)


__all__ = [
    "FORMATS",
    "ImageTooLarge",
    "UnsupportedImageFormat",
    "ensure_app",
    "image_size",
    "render_graph_image",
    "render_scene",
]
