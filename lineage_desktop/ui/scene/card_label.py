"""The enlarged name of a card at low zoom (semantic zoom), laid out once per font size.

Zoomed out below ``style.LOD_FULL`` a card drops its type line and alias pills and
draws only its name, in a font large enough to stay ``style.LABEL_SCREEN_PX`` on screen.
A name too long for one line at that size is drawn a little smaller if that fits it
whole on one line (by ``ONE_LINE_SHRINK`` at most, never below the legibility floor),
else breaks onto two lines, between words where the rest then fits, else at the last
natural break (``-``, ``_``, ``:``, ``/``, ``.``, space); what still does not fit is
elided. A cluster's title wraps the same way at full detail (``wrap_two_lines``).
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
    first, second = _two_lines(label, metrics2, width, elide)
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


def wrap_two_lines(
    text: str, metrics: QFontMetricsF, width: float, elide: Qt.TextElideMode
) -> tuple[str, ...]:
    """``text`` as one line when it fits ``width``, else as two: at a space when the rest
    then fits, else at the last natural break (``BREAK_AFTER``) that fits, the second
    line elided (by ``elide``) only if it still does not fit."""
    if metrics.horizontalAdvance(text) <= width:
        return (text,)
    return _two_lines(text, metrics, width, elide)


def _two_lines(
    text: str, metrics: QFontMetricsF, width: float, elide: Qt.TextElideMode
) -> tuple[str, str]:
    # Between words first ("16 versions of" / "eval-report"): a name is kept whole when
    # the rest then fits the second line.
    for cut in range(len(text) - 1, 0, -1):
        if text[cut] != " ":
            continue
        first, rest = text[:cut].rstrip(" "), text[cut:].lstrip(" ")
        if metrics.horizontalAdvance(first) > width:
            continue
        if first and rest and metrics.horizontalAdvance(rest) <= width:
            return first, rest
        break  # the longest first line that fits leaves too much: break inside a word
    first, rest = _split(text, metrics, width)
    return first, metrics.elidedText(rest, elide, width)


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
