"""The look of the lineage graph in one place: palettes, fonts, sizes, z-values, detail levels.

Everything that draws (scene items, the view, image export) reads its colours and
measures from here, so that the window, the light and dark themes and exported images
agree. The colours themselves are ``graph.palette`` (shared with the DOT and Mermaid
exports); this module only makes QColors of them. Sizes are scene units: one unit is
one pixel at 1:1 zoom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QPalette

from lineage_desktop.graph import palette

# --- card geometry ---------------------------------------------------------------------

NODE_WIDTH = 200.0  # minimum card width; wider labels widen the card up to NODE_MAX_WIDTH
NODE_MAX_WIDTH = 280.0  # beyond this the name is elided and shown whole in the tooltip
NODE_HEIGHT = 56.0
ALIAS_ROW_HEIGHT = 18.0  # extra height of an artifact card that shows alias pills
CARD_RADIUS = 10.0
PAD_X = 12.0
ICON_DIAMETER = 32.0
TEXT_LEFT = PAD_X + ICON_DIAMETER + 10.0  # x of the text column from the card's left edge
TEXT_RIGHT_PAD = 14.0
LINE_GAP = 2.0  # between the type line and the name line
PILL_HEIGHT = 15.0
PILL_PAD_X = 6.0
PILL_GAP = 4.0
PILL_MAX_TEXT = 90.0  # longer aliases are elided inside their pill
EYE_SIZE = 20.0  # the hover "hide" button, top-right of a card
STACK_OFFSET = 4.0  # each of the two cards behind a cluster is shifted by this much
COUNT_BADGE_HEIGHT = 18.0
CLUSTER_BADGE_PAD = 10.0  # from a cluster's count badge to its card's right edge
CLUSTER_BADGE_GAP = 8.0  # from a cluster's title to its count badge
ARROW_LENGTH = 9.0
ARROW_HALF_WIDTH = 4.0

# --- z-values: edges under cards; the overview is alone when shown ------------------------
# Cards keep Qt's default 0: every setter on a card costs a Python itemChange() call, and a
# scene of 10,000 cards is built often enough for that to show.

Z_EDGE = -2.0
Z_EDGE_EMPHASISED = -1.0
Z_CARD = 0.0
Z_CARD_RAISED = 1.0  # hovered or selected card, so its ring is not covered by neighbours
Z_OVERVIEW = 10.0
Z_HIDDEN_MARK = -0.5  # the "2 hidden" pill where hidden nodes were: over edges, under cards

HIDDEN_MARK_HEIGHT = 24.0
HIDDEN_MARK_PAD_X = 9.0

DIM_OPACITY = 0.22  # cards and edges outside a path or impact set

# --- level of detail (the view's scale, QStyleOptionGraphicsItem.levelOfDetailFromTransform)

# Semantic zoom: a card drops detail as it shrinks, but its name stays readable.
LABEL_SCREEN_PX = 11.0  # on-screen pixel size an enlarged name is drawn at
LABEL_MIN_SCREEN_PX = 9.0  # a name smaller than this on screen is not drawn at all
LABEL_MAX_FONT_PX = 28.0  # the largest enlarged name, in scene pixels (fits a 56 px card)
LOD_FULL = 0.75  # below this the type line and pills go and the name is enlarged
#   (13 px names at 0.75 are ~10 px on screen, 11 px type lines ~8 px: still readable)
LOD_TEXT = LABEL_MIN_SCREEN_PX / LABEL_MAX_FONT_PX  # about 0.32: below it, blocks only
LOD_BATCH = 0.3  # below this, one overview item draws every node and edge in a few calls
# The first view fits the whole graph when that keeps this zoom: names are drawn at
# LABEL_SCREEN_PX on one or two lines there. Else it shows the focus's neighbourhood at
# NEIGHBOURHOOD_ZOOM or closer, with the overview map.
OVERVIEW_MIN_ZOOM = 0.5
NEIGHBOURHOOD_ZOOM = 0.75
ZOOM_MIN = 0.002
ZOOM_MAX = 4.0
ZOOM_STEP = 1.25
PIXMAP_CACHE_KIB = 192 * 1024  # QPixmapCache limit; Qt's default 10 MiB thrashes with
# DeviceCoordinateCache on big graphs (measured: see DESIGN.md, "Rendering 10,000 nodes")


@dataclass(frozen=True, slots=True)
class Palette(palette.Palette):
    """``graph.palette.Palette`` (the colours, shared with the data exports) with the
    colours as ``QColor``s."""

    def color(self, field_name: str) -> QColor:
        """The named colour as a ``QColor`` (cached per palette and name)."""
        return _qcolor(getattr(self, field_name))

    def kind_color(self, kind: str) -> QColor:
        """Icon colour of a member kind: ``run`` green, anything else artifact blue."""
        return _qcolor(self.run if kind == "run" else self.artifact)


def _qt_palette(colours: palette.Palette) -> Palette:
    return Palette(**{f.name: getattr(colours, f.name) for f in fields(palette.Palette)})


LIGHT = _qt_palette(palette.LIGHT)
DARK = _qt_palette(palette.DARK)


@lru_cache(maxsize=256)
def _qcolor(spec: str) -> QColor:
    return QColor(spec)


def palette_for(dark: bool) -> Palette:
    """The dark or the light palette."""
    return DARK if dark else LIGHT


def app_prefers_dark() -> bool:
    """True when the running application's window colour is dark (a dark desktop theme)."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


# --- fonts --------------------------------------------------------------------------------
# Pixel sizes, not point sizes: the scene is measured in pixels at 1:1, and pixel-sized
# fonts scale with the painter's transform the same way on screen, in PNG, SVG and PDF.

_ELIDE_RIGHT = Qt.TextElideMode.ElideRight
TYPE_FONT_PX = 11
NAME_FONT_PX = 13
PILL_FONT_PX = 10
BADGE_FONT_PX = 10


def _font(pixels: int, bold: bool = False) -> QFont:
    font = QFont(QGuiApplication.font()) if QGuiApplication.instance() else QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    # Hinting would snap glyphs to the 1:1 pixel grid and make exported text uneven.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@dataclass(frozen=True)
class Fonts:
    """The fonts of a card and their metrics (needs a QGuiApplication)."""

    type: QFont
    name: QFont
    pill: QFont
    badge: QFont
    type_metrics: QFontMetricsF
    name_metrics: QFontMetricsF
    pill_metrics: QFontMetricsF
    badge_metrics: QFontMetricsF


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    """The shared card fonts, created once (call only once a QGuiApplication exists)."""
    type_font, name_font = _font(TYPE_FONT_PX), _font(NAME_FONT_PX, bold=True)
    pill_font, badge_font = _font(PILL_FONT_PX), _font(BADGE_FONT_PX, bold=True)
    return Fonts(
        type=type_font,
        name=name_font,
        pill=pill_font,
        badge=badge_font,
        type_metrics=QFontMetricsF(type_font),
        name_metrics=QFontMetricsF(name_font),
        pill_metrics=QFontMetricsF(pill_font),
        badge_metrics=QFontMetricsF(badge_font),
    )


@lru_cache(maxsize=1)
def struck_name_font() -> QFont:
    """The name font struck through: the name of a deleted version (a tombstone)."""
    font = QFont(fonts().name)
    font.setStrikeOut(True)
    return font


def name_font_px(lod: float) -> float:
    """Scene pixel size of a card's name at level of detail ``lod`` (semantic zoom):
    the normal size down to ``LOD_FULL``, then as large as keeps it ``LABEL_SCREEN_PX``
    on screen, capped at ``LABEL_MAX_FONT_PX``."""
    if lod >= LOD_FULL or lod <= 0:
        return float(NAME_FONT_PX)
    return max(float(NAME_FONT_PX), min(LABEL_SCREEN_PX / lod, LABEL_MAX_FONT_PX))


@lru_cache(maxsize=64)
def label_font(pixels: int) -> tuple[QFont, QFontMetricsF]:
    """The bold name font at ``pixels`` scene pixels (an enlarged name) and its metrics."""
    font = _font(pixels, bold=True)
    return font, QFontMetricsF(font)


# --- sizes --------------------------------------------------------------------------------


def pill_width(text: str, metrics: Fonts | None = None) -> float:
    """Width of one alias pill holding ``text``."""
    f = metrics or fonts()
    return f.pill_metrics.horizontalAdvance(text) + 2 * PILL_PAD_X


def count_badge_width(count: int, metrics: Fonts | None = None) -> float:
    """Width of a cluster's count badge."""
    f = metrics or fonts()
    return max(COUNT_BADGE_HEIGHT, f.badge_metrics.horizontalAdvance(str(count)) + 12.0)


def cluster_text_width(box_width: float, count: int, metrics: Fonts | None = None) -> float:
    """Room for a cluster's title (and type line) on a box ``box_width`` wide: right of
    the icon, left of the count badge, on the front card of the stack."""
    card_width = box_width - 2 * STACK_OFFSET
    badge = count_badge_width(count, metrics)
    return max(10.0, card_width - TEXT_LEFT - CLUSTER_BADGE_GAP - badge - CLUSTER_BADGE_PAD)


# Widths of repeated texts with the shared fonts (see node_size), by id of those fonts.
_WIDTHS: dict[int, dict[tuple[str, str], float]] = {}


def node_size(
    kind: str,
    label: str,
    type_text: str,
    metrics: Fonts | None = None,
    *,
    aliases: Sequence[str] = (),
    count: int | None = None,
    title_lines: int = 1,
) -> tuple[float, float]:
    """Box size ``(width, height)`` of a card, measured with the real fonts.

    The layout places boxes of exactly this size, so the card never overlaps its
    neighbours. Width grows with the longer text line between ``NODE_WIDTH`` and
    ``NODE_MAX_WIDTH`` (longer names are elided); artifact cards with aliases get a row of
    pills; a cluster (``kind="cluster"``) reserves room for its count badge and stacked
    cards, and a name line more when its title is wrapped onto ``title_lines=2`` (see
    ``cards.cluster_title_lines``, which decides that for a box of this width).
    """
    f = metrics or fonts()
    # Type lines and aliases repeat across thousands of cards ("train", "latest"): their
    # widths are measured once per text; labels are mostly distinct.
    widths = _WIDTHS.setdefault(id(f), {}) if f is fonts() else {}
    if len(widths) > 10_000:  # a bound, not a policy
        widths.clear()
    type_w = widths.get(("type", type_text))
    if type_w is None:
        type_w = widths[("type", type_text)] = f.type_metrics.horizontalAdvance(type_text)
    text_w = max(type_w, f.name_metrics.horizontalAdvance(label))
    if aliases:
        pills = 0.0
        for a in aliases:
            pill_w = widths.get(("pill", a))
            if pill_w is None:
                elided = f.pill_metrics.elidedText(a, _ELIDE_RIGHT, PILL_MAX_TEXT)
                pill_w = widths[("pill", a)] = pill_width(elided, f)
            pills += pill_w
        text_w = max(text_w, pills + PILL_GAP * (len(aliases) - 1))
    extra = 0.0
    if kind == "cluster":
        # Count badge right of the text, and the two cards stacked behind.
        # Count badge right of the text, and the two cards stacked behind (as
        # cluster_text_width measures them).
        extra = count_badge_width(count or 0, f) + CLUSTER_BADGE_GAP + 2 * STACK_OFFSET
        extra += CLUSTER_BADGE_PAD - TEXT_RIGHT_PAD
    width = TEXT_LEFT + text_w + TEXT_RIGHT_PAD + extra + 1.0  # 1: rounding slack
    width = min(max(width, NODE_WIDTH), NODE_MAX_WIDTH)
    height = NODE_HEIGHT
    if kind == "cluster":
        height += 2 * STACK_OFFSET
        height += (title_lines - 1) * math.ceil(f.name_metrics.lineSpacing())
    elif aliases:
        height += ALIAS_ROW_HEIGHT
    return (float(math.ceil(width)), height)
