"""``VisibleCurves``: many cubic curves drawn as what the screen shows of them, once.

A hub's fan of 25,000 batched edges crosses the whole screen: Qt strokes the visible
part of every curve, 25,000 hairlines of about a thousand pixels (0.1 s of overdraw a
frame), though at any zoom they fall on a few thousand pixels. Here every curve that is
monotone along both axes (each segment of the layered engine's routes is) is cut to the
exposed rectangle in numpy (such a curve meets a rectangle in one stretch of its
parameter, found by bisection), each stretch is sampled at nine points in device pixels,
and of stretches on the same pixels only one is drawn: the picture is the same, pixel
for pixel up to rounding, and zoomed in every edge is its own curve again. Other curves
are drawn whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPainterPath, QTransform

_BISECTIONS = 14  # then Newton steps from within 1/16,000 of the crossing
_NEWTON = 3  # (quadratic: far below 0.1 px on a curve of 2M scene px)
_SAMPLES = np.linspace(0.0, 1.0, 9)  # where two stretches are compared
_BERNSTEIN = np.stack([(1 - _SAMPLES) ** 3, 3 * (1 - _SAMPLES) ** 2 * _SAMPLES,
                       3 * (1 - _SAMPLES) * _SAMPLES ** 2, _SAMPLES ** 3], axis=1)  # (9, 4)
_MARGIN_PX = 2.0  # device pixels added around the exposed rectangle (the pen)
# More distinct stretches than this in view (a zoomed-out view of many separate edges):
# Qt draws the whole curves faster than Python builds the path (5 us a stretch).
MAX_STRETCHES = 4000


def cubic_pieces(routes: Iterable[Sequence[QPointF]]) -> np.ndarray:
    """The cubic segments of spline control points (p0, c1, c2, p1, c1, ...), as an
    ``(n, 4, 2)`` array."""
    return route_pieces([(p.x(), p.y()) for p in points] for points in routes)


def route_pieces(routes: Iterable[Sequence[tuple[float, float]]]) -> np.ndarray:
    """``cubic_pieces`` of routes of ``(x, y)`` pairs."""
    rows: list[float] = []
    for points in routes:
        xy = [c for p in points for c in p]
        for i in range(0, len(xy) - 7, 6):
            rows.extend(xy[i : i + 8])
    return np.array(rows, dtype=np.float64).reshape(-1, 4, 2)


class VisibleCurves:
    """Cubic pieces (see ``cubic_pieces``), drawn by ``draw`` as described above."""

    __slots__ = ("_coef", "_end", "_lo", "_hi", "_rest", "_count")

    def __init__(self, pieces: np.ndarray) -> None:
        self._count = len(pieces)
        steps = np.diff(pieces, axis=1)  # (n, 3, 2)
        monotone = ((steps >= 0).all(axis=1) | (steps <= 0).all(axis=1)).all(axis=1)
        p = pieces[monotone]
        p0, p1, p2, p3 = p[:, 0], p[:, 1], p[:, 2], p[:, 3]
        # power basis: B(t) = a t^3 + b t^2 + c t + d, per axis
        self._coef = np.stack(
            [p3 - 3 * p2 + 3 * p1 - p0, 3 * (p2 - 2 * p1 + p0), 3 * (p1 - p0), p0]
        )  # (4, m, 2)
        self._end = p3
        self._lo, self._hi = p.min(axis=1), p.max(axis=1)
        self._rest = QPainterPath()
        for q in pieces[~monotone].tolist():
            self._rest.moveTo(*q[0])
            self._rest.cubicTo(*q[1], *q[2], *q[3])

    def __len__(self) -> int:
        return self._count

    def whole_path(self) -> QPainterPath:
        """Every curve, whole (what is drawn when too many stretches are in view)."""
        path = QPainterPath(self._rest)
        coef = self._coef
        a, b, c, d = coef[0], coef[1], coef[2], coef[3]
        p1, p2, p3 = d + c / 3, d + (2 * c + b) / 3, a + b + c + d
        for q0, q1, q2, q3 in zip(d.tolist(), p1.tolist(), p2.tolist(), p3.tolist()):
            path.moveTo(*q0)
            path.cubicTo(*q1, *q2, *q3)
        return path

    @staticmethod
    def join(parts: Sequence[np.ndarray]) -> VisibleCurves:
        """One set of the pieces of every array of ``parts``."""
        return VisibleCurves(np.concatenate(parts) if parts else np.empty((0, 4, 2)))

    def draw(self, painter: QPainter, exposed: QRectF, whole: Iterable[QPainterPath]) -> int:
        """Draw the part of the curves inside ``exposed`` (item coordinates) with the
        painter's pen, or the paths ``whole`` (the same curves) if that is many separate
        stretches; returns how many stretches were drawn (-1: the whole paths)."""
        path, drawn = self.visible_path(exposed, painter.worldTransform())
        if drawn < 0:
            for part in whole:
                painter.drawPath(part)
            return drawn
        painter.drawPath(path)
        if not self._rest.isEmpty():
            painter.drawPath(self._rest)
        return drawn

    def visible_path(self, exposed: QRectF, transform: QTransform) -> tuple[QPainterPath, int]:
        """The stretches of the monotone curves inside ``exposed``, one of each set on
        the same device pixels, and how many (an empty path and -1 if more than
        ``MAX_STRETCHES``); ``transform`` maps to the device."""
        scale = max(abs(transform.m11()) + abs(transform.m21()),
                    abs(transform.m12()) + abs(transform.m22()), 1e-9)
        m = _MARGIN_PX / scale
        x0, y0 = exposed.left() - m, exposed.top() - m
        x1, y1 = exposed.right() + m, exposed.bottom() + m
        lo, hi = self._lo, self._hi
        hit = np.flatnonzero((hi[:, 0] >= x0) & (lo[:, 0] <= x1) & (hi[:, 1] >= y0)
                             & (lo[:, 1] <= y1))
        path = QPainterPath()
        if not len(hit):
            return path, 0
        coef = self._coef[:, hit]  # (4, k, 2)
        start, end = coef[3], self._end[hit]
        rising = end >= start
        low, high = np.array([x0, y0]), np.array([x1, y1])
        enter = _crossings(coef, start, end, np.where(rising, low, high), rising)
        leave = _crossings(coef, start, end, np.where(rising, high, low), rising)
        ta, tb = enter.max(axis=1), leave.min(axis=1)
        keep = ta < tb
        coef, ta, tb = coef[:, keep], ta[keep], tb[keep]
        if not len(ta):
            return path, 0
        # the stretch [ta, tb] as a cubic of its own, and points of it on the device (the
        # Bezier of the control points mapped by the affine transform)
        dt = (tb - ta)[:, None]
        q0, q3 = _at(coef, ta), _at(coef, tb)
        q1, q2 = q0 + dt / 3 * _slope(coef, ta), q3 - dt / 3 * _slope(coef, tb)
        matrix = np.array([[transform.m11(), transform.m12()], [transform.m21(), transform.m22()]])
        device = np.stack([q0, q1, q2, q3]) @ matrix + (transform.dx(), transform.dy())
        samples = np.tensordot(_BERNSTEIN, device, axes=1)  # (samples, k, 2)
        pixels = np.ascontiguousarray(np.rint(samples).transpose(1, 0, 2).reshape(len(ta), -1),
                                      dtype=np.int32)
        rows = pixels.view(np.dtype((np.void, pixels.dtype.itemsize * pixels.shape[1])))
        _, first = np.unique(rows.ravel(), return_index=True)
        if len(first) > MAX_STRETCHES:
            return path, -1
        first.sort()  # the layout's order, for a stable picture
        for c0, c1, c2, c3 in zip(q0[first].tolist(), q1[first].tolist(), q2[first].tolist(),
                                  q3[first].tolist()):
            path.moveTo(c0[0], c0[1])
            path.cubicTo(c1[0], c1[1], c2[0], c2[1], c3[0], c3[1])
        return path, len(first)


def _at(coef: np.ndarray, t: np.ndarray) -> np.ndarray:
    """B(t) of each piece, ``(k, 2)``."""
    t = t[:, None]
    return ((coef[0] * t + coef[1]) * t + coef[2]) * t + coef[3]


def _slope(coef: np.ndarray, t: np.ndarray) -> np.ndarray:
    """B'(t) of each piece, ``(k, 2)``."""
    t = t[:, None]
    return (3 * coef[0] * t + 2 * coef[1]) * t + coef[2]


def _crossings(coef: np.ndarray, start: np.ndarray, end: np.ndarray, value: np.ndarray,
               rising: np.ndarray) -> np.ndarray:
    """Per piece and axis ``(k, 2)``: the parameter where the monotone coordinate
    passes ``value`` (0 if it starts past it, 1 if it never gets there). Only the pieces
    that do cross are bisected, then refined by Newton steps kept inside the bracket."""
    sign = np.where(rising, 1.0, -1.0)
    g0, g1 = sign * (start - value), sign * (end - value)
    out = np.where(g0 >= 0, 0.0, 1.0)  # starts past it, or never reaches it
    cross = np.nonzero((g0 < 0) & (g1 > 0))
    if not len(cross[0]):
        return out
    piece, axis = cross
    a, b, c, d = (coef[i, piece, axis] for i in range(4))
    v, s = value[piece, axis], sign[piece, axis]
    left, right = np.zeros(len(piece)), np.ones(len(piece))
    for _ in range(_BISECTIONS):
        mid = (left + right) / 2
        below = s * ((((a * mid + b) * mid + c) * mid + d) - v) < 0
        left = np.where(below, mid, left)
        right = np.where(below, right, mid)
    t = (left + right) / 2
    for _ in range(_NEWTON):
        slope = (3 * a * t + 2 * b) * t + c
        step = ((((a * t + b) * t + c) * t + d) - v) / np.where(slope == 0, 1.0, slope)
        t = np.clip(t - step, left, right)
    out[piece, axis] = t
    return out
