"""The pages of a PDF export: a paper size, an orientation, and the grid of pages that
shows a graph at a readable size.

Plain arithmetic in points (1/72 inch) and scene units, with no Qt: ``ui/export/pdf.py``
paints each ``Tile`` of a ``PagePlan``. On paper the graph prints at most at the size it
has on a 96 dpi screen at 100 % zoom (``SCREEN_PT`` points per scene pixel: 13 px card
names at 9.75 pt). A graph that fits one page at no less than ``READABLE`` of that size
(names at 5.9 pt) is one page, centred within the margins; a larger one is split into a
grid of pages at the largest scale that keeps that number of pages, with ``OVERLAP_PT``
shared by neighbouring pages so nothing is lost at a cut. ``fit`` keeps the export
before page sizes: one page as large as the graph, 1 point per scene pixel.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from lineage_desktop.records import ValidationError

# Paper sizes, portrait, in whole points as PDF writers store them (ISO 216 A4 is
# 210 x 297 mm, 595.3 x 841.9 pt).
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (595.0, 842.0),
    "letter": (612.0, 792.0),
}
PAPER_TITLES = {"a4": "A4", "letter": "Letter", "fit": "Fit graph"}
FIT = "fit"  # one page exactly the size of the graph (the export before page sizes)
PAGE_SIZES = (*PAPER_SIZES, FIT)
DEFAULT_PAGE_SIZE = "a4"
AUTO, PORTRAIT, LANDSCAPE = "auto", "portrait", "landscape"
ORIENTATIONS = (AUTO, PORTRAIT, LANDSCAPE)

MARGIN_PT = 36.0  # half an inch on every side; the page label sits in the bottom one
OVERLAP_PT = 18.0  # a quarter inch that neighbouring pages both show, to cut or tape along
SCREEN_PT = 0.75  # points per scene pixel on a 96 dpi screen at 100 % zoom
READABLE = 0.6  # the smallest print size, as a share of the screen size
MAX_PAGES = 100  # beyond this a paper export is not what anyone wants; ask for less
FIT_MARGIN = 24.0  # scene units around the graph on a ``fit`` page (as PNG and SVG)


class UnknownPageSize(ValidationError):
    """A page size or orientation that is not one of ``PAGE_SIZES`` / ``ORIENTATIONS``."""


class TooManyPages(ValidationError):
    """A graph that would need more than ``MAX_PAGES`` pages at a readable size."""


@dataclass(frozen=True)
class Box:
    """A rectangle: ``x``, ``y`` of its top-left corner, ``width``, ``height``."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class PageSetup:
    """What the user chose: ``size`` (``a4``, ``letter`` or ``fit``) and ``orientation``
    (``auto``: the one that needs fewer pages, landscape for a graph wider than tall)."""

    size: str = DEFAULT_PAGE_SIZE
    orientation: str = AUTO

    def __post_init__(self) -> None:
        if self.size not in PAGE_SIZES:
            raise UnknownPageSize(
                f"unknown page size {self.size!r}; use one of {', '.join(PAGE_SIZES)}"
            )
        if self.orientation not in ORIENTATIONS:
            raise UnknownPageSize(
                f"unknown orientation {self.orientation!r}; use one of {', '.join(ORIENTATIONS)}"
            )


@dataclass(frozen=True)
class Tile:
    """One page: its ``number``, ``row`` and ``column`` (from 1) and the scene region
    ``source`` it shows, drawn into the page's printable area."""

    number: int
    row: int
    column: int
    source: Box


@dataclass(frozen=True)
class PagePlan:
    """The pages of one export. ``scale`` is points per scene unit; every page is
    ``page_width`` x ``page_height`` points with ``margin`` on each side."""

    size: str
    landscape: bool
    page_width: float
    page_height: float
    margin: float
    scale: float
    rows: int
    columns: int
    tiles: tuple[Tile, ...]

    @property
    def pages(self) -> int:
        return len(self.tiles)

    @property
    def printable(self) -> Box:
        """The area of a page the graph is drawn into, in points."""
        return Box(self.margin, self.margin, self.page_width - 2 * self.margin,
                   self.page_height - 2 * self.margin)

    def label(self, tile: Tile) -> str:
        """``page 2 of 6, row 1 col 2``; empty on a single page."""
        if self.pages == 1:
            return ""
        return f"page {tile.number} of {self.pages}, row {tile.row} col {tile.column}"

    def describe(self) -> str:
        """One line for a person: ``6 pages (2 × 3) of A4 landscape at 64 % of screen
        size`` (the size on screen at 100 % zoom)."""
        percent = f"{round(self.scale / SCREEN_PT * 100)} % of screen size"
        if self.size == FIT:
            return (f"1 page of {math.ceil(self.page_width):,} × "
                    f"{math.ceil(self.page_height):,} points at {percent}")
        paper = f"{PAPER_TITLES[self.size]} {LANDSCAPE if self.landscape else PORTRAIT}"
        if self.pages == 1:
            return f"1 page of {paper} at {percent}"
        return f"{self.pages} pages ({self.rows} × {self.columns}) of {paper} at {percent}"


def plan_pages(content: Box, setup: PageSetup, scale: float = 1.0,
               fit_margin: float = FIT_MARGIN) -> PagePlan:
    """The pages that show ``content`` (scene units) for ``setup``; a ``fit`` page has
    ``fit_margin`` scene units around the graph.

    ``scale`` multiplies the print size: the graph prints at most at ``scale`` times its
    size on screen and shrinks to ``READABLE * scale`` of it to fit fewer pages (``fit``:
    ``scale`` points per scene unit). Raises
    ``TooManyPages`` past ``MAX_PAGES`` and ``ValidationError`` for a scale that is not
    positive.
    """
    if not scale > 0 or math.isinf(scale):
        raise ValidationError(f"scale must be a positive number, got {scale!r}")
    width, height = max(content.width, 1.0), max(content.height, 1.0)
    content = Box(content.x, content.y, width, height)
    if setup.size == FIT:
        return _fit_page(content, scale, fit_margin)
    portrait = PAPER_SIZES[setup.size]
    if setup.orientation == PORTRAIT:
        candidates = [False]
    elif setup.orientation == LANDSCAPE:
        candidates = [True]
    else:
        candidates = [True, False] if width > height else [False, True]
    plans = [_paper_plan(content, setup.size, portrait, landscape, scale)
             for landscape in candidates]
    # Fewer pages first, then larger text; ties keep the orientation of the graph's shape.
    best = min(plans, key=lambda p: (p.pages, -p.scale))
    if best.pages > MAX_PAGES:
        raise TooManyPages(
            f"the graph needs {best.pages} {PAPER_TITLES[setup.size]} pages to stay "
            f"readable (at most {MAX_PAGES}); show fewer levels, keep clusters on, "
            "use a smaller scale, or export one page of the graph's size (page size 'fit')"
        )
    return best


def _fit_page(content: Box, scale: float, margin: float) -> PagePlan:
    """One page the size of the graph plus ``margin``, all multiplied by ``scale``."""
    source = Box(content.x - margin, content.y - margin,
                 content.width + 2 * margin, content.height + 2 * margin)
    width = max(1.0, math.ceil(source.width * scale))
    height = max(1.0, math.ceil(source.height * scale))
    return PagePlan(FIT, width > height, width, height, 0.0, scale, 1, 1,
                    (Tile(1, 1, 1, Box(source.x, source.y, width / scale, height / scale)),))


def _paper_plan(content: Box, size: str, portrait: tuple[float, float], landscape: bool,
                scale: float) -> PagePlan:
    page_w, page_h = (portrait[1], portrait[0]) if landscape else portrait
    area_w, area_h = page_w - 2 * MARGIN_PT, page_h - 2 * MARGIN_PT
    largest = SCREEN_PT * scale
    smallest = READABLE * largest
    one_page = min(area_w / content.width, area_h / content.height)
    if one_page >= smallest:
        columns = rows = 1
        chosen = min(largest, one_page)
    else:
        columns = _count(content.width * smallest, area_w)
        rows = _count(content.height * smallest, area_h)
        # The largest scale at which the same grid still holds the graph.
        chosen = min(largest, _span(columns, area_w) / content.width,
                     _span(rows, area_h) / content.height)
    step_w, step_h = (area_w - OVERLAP_PT) / chosen, (area_h - OVERLAP_PT) / chosen
    # Centre the graph within the whole grid (within the page when there is one).
    left = content.x - (_span(columns, area_w) / chosen - content.width) / 2
    top = content.y - (_span(rows, area_h) / chosen - content.height) / 2
    tiles = tuple(
        Tile(row * columns + column + 1, row + 1, column + 1,
             Box(left + column * step_w, top + row * step_h, area_w / chosen, area_h / chosen))
        for row in range(rows) for column in range(columns)
    )
    return PagePlan(size, landscape, page_w, page_h, MARGIN_PT, chosen, rows, columns, tiles)


def _span(count: int, area: float) -> float:
    """Points of graph that ``count`` pages side by side show, overlaps counted once."""
    return count * area - (count - 1) * OVERLAP_PT


def _count(length: float, area: float) -> int:
    """Pages side by side needed for ``length`` points of graph."""
    if length <= area + 1e-6:
        return 1
    return 1 + math.ceil((length - area) / (area - OVERLAP_PT) - 1e-9)


__all__ = [
    "AUTO",
    "DEFAULT_PAGE_SIZE",
    "FIT",
    "LANDSCAPE",
    "MARGIN_PT",
    "MAX_PAGES",
    "ORIENTATIONS",
    "OVERLAP_PT",
    "PAGE_SIZES",
    "PAPER_SIZES",
    "PAPER_TITLES",
    "PORTRAIT",
    "READABLE",
    "SCREEN_PT",
    "Box",
    "PagePlan",
    "PageSetup",
    "Tile",
    "TooManyPages",
    "UnknownPageSize",
    "plan_pages",
]
