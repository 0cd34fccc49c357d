"""The enlarged name of a card at low zoom (semantic zoom), laid out once per font size.

Zoomed out below ``style.LOD_FULL`` a card drops its type line and alias pills and
draws only its name, in a font large enough to stay ``style.LABEL_SCREEN_PX`` on screen.
A name too long for one line at that size is drawn a little smaller if that fits it
whole on one line (by ``ONE_LINE_SHRINK`` at most, never below the legibility floor),
else breaks onto two lines at a
natural break (``-``, ``_``, ``:``, ``/``, ``.``, space); what still does not fit is
elided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from lineage_desktop.ui import style

BREAK_AFTER = frozenset("-_:/. ")
# A name drawn whole on one line may be this much smaller than its neighbours' before
# it breaks onto two lines instead (much smaller single lines beside big ones look uneven).
ONE_LINE_SHRINK = 0.9
LINE_SPACING = 0.92  # line pitch of a broken name, of the font's height (which has leading)


@dataclass(frozen=True, slots=True)
class LabelLayout:
    """Where an enlarged name goes: its font, and each line with its baseline origin."""

    font: QFont
    font_px: int
    lines: tuple[tuple[str, QPointF], ...]

    @property
    def text(self) -> str:
        """The lines joined (what a user reads)."""
        return " ".join(line for line, _ in self.lines)


def layout_label(
    label: str, area: QRectF, font_px: int, min_px: int, elide: Qt.TextElideMode
) -> LabelLayout:
    """Fit ``label`` into ``area`` (item coordinates) at about ``font_px`` scene pixels.

    ``font_px`` is the size that keeps the name ``LABEL_SCREEN_PX`` on screen (or the
    cap); a name broken onto two lines may use a smaller size, down to ``min_px``, the
    one that keeps it ``LABEL_MIN_SCREEN_PX``.
    """
    font, metrics = style.label_font(font_px)
    width = max(10.0, area.width())
    if metrics.horizontalAdvance(label) <= width or font_px <= style.NAME_FONT_PX:
        return _one_line(label, area, font, metrics, font_px, elide)
    floor = max(min_px, style.NAME_FONT_PX)
    shrunk = max(floor, math.ceil(font_px * ONE_LINE_SHRINK))
    for px in range(font_px - 1, shrunk - 1, -1):  # one whole line, a little smaller
        smaller, smaller_metrics = style.label_font(px)
        if smaller_metrics.horizontalAdvance(label) <= width:
            return _one_line(label, area, smaller, smaller_metrics, px, elide)
    two_px = font_px
    while two_px > floor and _two_lines_height(two_px) > area.height():
        two_px -= 1
    if two_px < floor:
        return _one_line(label, area, font, metrics, font_px, elide)
    font2, metrics2 = style.label_font(two_px)
    first, rest = _split(label, metrics2, width)
    second = metrics2.elidedText(rest, elide, width)
    pitch = metrics2.height() * LINE_SPACING
    top = area.center().y() - (pitch + metrics2.height()) / 2 + metrics2.ascent()
    x = area.left()
    lines = ((first, QPointF(x, top)), (second, QPointF(x, top + pitch)))
    return LabelLayout(font2, two_px, lines)


def _two_lines_height(font_px: int) -> float:
    height = style.label_font(font_px)[1].height()
    return height * (1 + LINE_SPACING)


def _one_line(
    label: str,
    area: QRectF,
    font: QFont,
    metrics: QFontMetricsF,
    font_px: int,
    elide: Qt.TextElideMode,
) -> LabelLayout:
    text = metrics.elidedText(label, elide, max(10.0, area.width()))
    baseline = area.center().y() - metrics.height() / 2 + metrics.ascent()
    return LabelLayout(font, font_px, ((text, QPointF(area.left(), baseline)),))


def _split(label: str, metrics: QFontMetricsF, width: float) -> tuple[str, str]:
    """The longest first line that fits, ending at a break character if one does."""
    fits = 1
    for i in range(1, len(label) + 1):
        if metrics.horizontalAdvance(label[:i]) > width:
            break
        fits = i
    breaks = [i + 1 for i in range(fits) if label[i] in BREAK_AFTER and i + 1 < len(label)]
    cut = breaks[-1] if breaks and breaks[-1] >= fits // 3 else fits
    return label[:cut].rstrip(" "), label[cut:].lstrip(" ")
