"""Folding a long, flat layout into bands, so that it fits the view it is shown in.

A lineage is often a long chain: laid out left to right it is one row twenty cards
wide, and fitting it into a window shrinks it until no label can be read. ``fold``
cuts the ranks (the columns of an LR layout, the rows of a TB one) into consecutive
groups and stacks the groups as bands, read like lines of text: the first band on
top (or on the left for TB), each band in the layout's own direction. An edge between
two cards of one band keeps its spline; an edge that leaves its band is routed anew:
out of the source's far side, along a lane in the gap below the source's band, and
into the target's near side.

Pure and deterministic: the same result and viewport give the same folded result.
Works in (along, across) coordinates, "along" being the rank axis (x for LR).
"""
from __future__ import annotations

import bisect
import math
from dataclasses import replace

from lineage_desktop.layout.types import LayoutResult, Point

# Fold only when the folded layout fits the view at least this much larger.
FOLD_GAIN = 1.25
# The largest number of bands tried (more would turn a chain into a column).
MAX_BANDS = 12
BAND_GAP = 56.0  # across-axis room between bands before lanes are added
LANE_STEP = 7.0  # across-axis spacing of the wrapping edges' lanes in one gap
MAX_LANE_ROOM = 140.0  # lanes share at most this much room; beyond it they pack closer
HOOK = 28.0  # how far a wrapping edge swings out beyond its card before turning
HOOK_STEP = 4.0  # each further lane swings out a little more, so hooks nest
FIT_MARGIN = 24.0  # pixels the view leaves around a fitted graph (``LineageView``)

Interval = tuple[float, float]


def fold(result: LayoutResult, viewport: tuple[float, float] | None) -> LayoutResult:
    """``result`` folded into bands when that lets it fit ``viewport`` (pixels, width
    and height) at a clearly larger scale; otherwise ``result`` itself.

    The fit scale is capped at 1:1 (the view never magnifies a fitted graph), so a
    layout that already fits at 1:1 is never folded. ``extra["bands"]`` holds the
    number of bands of a folded result.
    """
    if viewport is None or len(result.positions) < 3:
        return result
    vw, vh = viewport
    if not (vw > 2 * FIT_MARGIN and vh > 2 * FIT_MARGIN):
        return result
    tb = result.direction == "TB"
    view = (vh, vw) if tb else (vw, vh)  # (along, across) room
    room = (view[0] - 2 * FIT_MARGIN, view[1] - 2 * FIT_MARGIN)
    along, across = (result.height, result.width) if tb else (result.width, result.height)
    if along * room[1] <= across * room[0] or _fit_scale(along, across, room) >= 1.0:
        return result  # no longer than the view's aspect, or fits at 1:1: nothing to gain
    uv = _UV(result, tb)
    columns = _columns(uv.boxes)
    if len(columns) < 3:
        return result
    best_bands, best_plan = 1, None
    unfolded = best_scale = _fit_scale(*_extent(uv.boxes), room)
    if unfolded >= 1.0:
        return result
    index = _Index(uv, columns)
    for bands in range(2, min(MAX_BANDS, len(columns)) + 1):
        plan = _plan(uv, columns, index, bands)
        if plan is None:
            continue
        scale = _fit_scale(plan.along, plan.across, room)
        if scale > best_scale * (1.0 + 1e-9):
            best_bands, best_plan, best_scale = bands, plan, scale
    if best_plan is None or best_scale < unfolded * FOLD_GAIN:
        return result
    best_plan.band_of = {k: best_plan.band_col[c] for k, c in index.col_of.items()}
    return _apply(result, uv, best_plan, best_bands, tb)


class _UV:
    """A layout in (along, across) coordinates: node centres and extents, edge points."""

    def __init__(self, result: LayoutResult, tb: bool) -> None:
        def swap(p: Point) -> Point:
            return (p[1], p[0]) if tb else p

        self.centre = {k: swap(p) for k, p in result.positions.items()}
        self.size = {k: swap(s) for k, s in result.sizes.items()}
        self.edges = {e: tuple(swap(p) for p in pts) for e, pts in result.edges.items()}
        self.boxes = {
            k: (u - w / 2, u + w / 2, v - h / 2, v + h / 2)
            for k, (u, v) in self.centre.items()
            for w, h in [self.size[k]]
        }


def _columns(boxes: dict[str, tuple[float, float, float, float]]) -> list[Interval]:
    """The ranks as disjoint along-axis intervals, in order (overlapping boxes merge)."""
    spans = sorted((b[0], b[1]) for b in boxes.values())
    columns: list[list[float]] = []
    for lo, hi in spans:
        if columns and lo < columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], hi)
        else:
            columns.append([lo, hi])
    return [(lo, hi) for lo, hi in columns]


def _extent(boxes: dict[str, tuple[float, float, float, float]]) -> tuple[float, float]:
    values = list(boxes.values())
    along = max(b[1] for b in values) - min(b[0] for b in values)
    across = max(b[3] for b in values) - min(b[2] for b in values)
    return along, across


def _fit_scale(along: float, across: float, room: tuple[float, float]) -> float:
    return min(1.0, room[0] / max(along, 1.0), room[1] / max(across, 1.0))


class _Plan:
    """Bands as column ranges, each band's node keys, its across extent and where it goes."""

    def __init__(self) -> None:
        self.band_col: list[int] = []  # the band of each column
        self.band_of: dict[str, int] = {}  # the band of each node (of the chosen plan)
        self.shift: list[Point] = []  # (du, dv) added to every point of a band
        self.bottoms: list[float] = []  # across-axis bottom of each band, after the shift
        self.tops: list[float] = []
        self.lanes: dict[int, list[tuple[str, str]]] = {}  # gap below band i: its edges
        self.along = 0.0
        self.across = 0.0


def _split(columns: list[Interval], bands: int) -> list[int] | None:
    """Start column of each band: consecutive groups whose longest band is as short as
    possible (binary search on that length, greedy packing)."""
    lengths = [hi - lo for lo, hi in columns]

    def starts_for(limit: float) -> list[int]:
        starts = [0]
        for i in range(1, len(columns)):
            if columns[i][1] - columns[starts[-1]][0] > limit:
                starts.append(i)
        return starts

    lo, hi = max(lengths), columns[-1][1] - columns[0][0]
    for _ in range(48):
        mid = (lo + hi) / 2
        if len(starts_for(mid)) <= bands:
            hi = mid
        else:
            lo = mid
    starts = starts_for(hi)
    return starts if len(starts) == bands else None


def _plan(uv: _UV, columns: list[Interval], index: _Index, bands: int) -> _Plan | None:
    starts = _split(columns, bands)
    if starts is None:
        return None
    plan = _Plan()
    bounds = [columns[s][0] for s in starts]
    band_col = plan.band_col
    for band, (first, stop) in enumerate(zip(starts, [*starts[1:], len(columns)])):
        band_col.extend([band] * (stop - first))
    extents: list[list[float]] = [[math.inf, -math.inf] for _ in range(bands)]
    for col, (lo, hi) in enumerate(index.col_ext):
        ext = extents[band_col[col]]
        ext[0], ext[1] = min(ext[0], lo), max(ext[1], hi)
    for s, t, cs, ct, lo, hi in index.edges:
        source_band, target_band = band_col[cs], band_col[ct]
        if source_band == target_band:
            ext = extents[source_band]
            ext[0], ext[1] = min(ext[0], lo), max(ext[1], hi)
        else:
            plan.lanes.setdefault(_gap_of(source_band, target_band), []).append((s, t))
    top = min(lo for lo, _ in index.col_ext)
    for band in range(bands):
        lo, hi = extents[band]
        plan.shift.append((bounds[0] - bounds[band], top - lo))
        plan.tops.append(top)
        plan.bottoms.append(top + hi - lo)
        top += hi - lo + _gap_height(len(plan.lanes.get(band, ())))
    ends = [columns[stop - 1][1] for stop in [*starts[1:], len(columns)]]
    plan.along = max(end - start for start, end in zip(bounds, ends))
    plan.across = plan.bottoms[-1] - plan.tops[0]
    return plan


class _Index:
    """Per column the across extent of its boxes; per node its column; per edge its
    columns and across extent: computed once, so that trying a band count is cheap."""

    def __init__(self, uv: _UV, columns: list[Interval]) -> None:
        starts = [lo for lo, _ in columns]
        self.col_of = {
            key: bisect.bisect_right(starts, (box[0] + box[1]) / 2) - 1
            for key, box in uv.boxes.items()
        }
        ext = [[math.inf, -math.inf] for _ in columns]
        for key, box in uv.boxes.items():
            e = ext[self.col_of[key]]
            e[0], e[1] = min(e[0], box[2]), max(e[1], box[3])
        self.col_ext = [(lo, hi) for lo, hi in ext]
        self.edges = [
            (s, t, self.col_of[s], self.col_of[t], min(p[1] for p in pts), max(p[1] for p in pts))
            for (s, t), pts in uv.edges.items()
        ]


def _gap_of(source_band: int, target_band: int) -> int:
    """The gap whose lane a wrapping edge runs along: below the source's band when it
    goes forward, above it (below the band before) when it goes back."""
    return source_band if target_band > source_band else source_band - 1


def _gap_height(lanes: int) -> float:
    return BAND_GAP + min(max(lanes - 1, 0) * LANE_STEP, MAX_LANE_ROOM)


def _apply(result: LayoutResult, uv: _UV, plan: _Plan, bands: int, tb: bool) -> LayoutResult:
    centre: dict[str, Point] = {}
    for key, (u, v) in uv.centre.items():
        du, dv = plan.shift[plan.band_of[key]]
        centre[key] = (u + du, v + dv)
    edges: dict[tuple[str, str], tuple[Point, ...]] = {}
    for (s, t), points in uv.edges.items():
        band = plan.band_of[s]
        if band == plan.band_of[t]:
            du, dv = plan.shift[band]
            edges[(s, t)] = tuple((u + du, v + dv) for u, v in points)
    for gap, pairs in sorted(plan.lanes.items()):
        edges.update(_route_gap(gap, pairs, plan, centre, uv.size))
    boxes = [
        (u - w / 2, u + w / 2, v - h / 2, v + h / 2)
        for k, (u, v) in centre.items()
        for w, h in [uv.size[k]]
    ]
    u0 = min(min(b[0] for b in boxes), *(p[0] for pts in edges.values() for p in pts))
    v0 = min(min(b[2] for b in boxes), *(p[1] for pts in edges.values() for p in pts))
    u1 = max(max(b[1] for b in boxes), *(p[0] for pts in edges.values() for p in pts))
    v1 = max(max(b[3] for b in boxes), *(p[1] for pts in edges.values() for p in pts))

    def out(p: Point) -> Point:
        q = (p[0] - u0, p[1] - v0)
        return (q[1], q[0]) if tb else q

    size = (u1 - u0, v1 - v0)
    width, height = (size[1], size[0]) if tb else size
    return replace(
        result,
        positions={k: out(p) for k, p in centre.items()},
        edges={e: tuple(out(p) for p in pts) for e, pts in sorted(edges.items())},
        width=width,
        height=height,
        extra={**result.extra, "bands": float(bands)},
    )


def _route_gap(
    gap: int,
    pairs: list[tuple[str, str]],
    plan: _Plan,
    centre: dict[str, Point],
    size: dict[str, Point],
) -> dict[tuple[str, str], tuple[Point, ...]]:
    """Curves for the edges that wrap through the gap below band ``gap``: lanes ordered
    by where the edges start and end, so that neighbouring lanes cross least."""
    ordered = sorted(pairs, key=lambda e: (centre[e[0]][1], centre[e[1]][1], e))
    room = min(max(len(ordered) - 1, 0) * LANE_STEP, MAX_LANE_ROOM)
    step = room / (len(ordered) - 1) if len(ordered) > 1 else 0.0
    first = plan.bottoms[gap] + BAND_GAP / 2
    out = {}
    for i, (s, t) in enumerate(ordered):
        lane = first + i * step
        hook = HOOK + HOOK_STEP * min(i, 12)
        out[(s, t)] = _wrap_curve(centre[s], size[s], centre[t], size[t], lane, hook)
    return out


def _wrap_curve(
    sc: Point, ss: Point, tc: Point, ts: Point, lane: float, hook: float
) -> tuple[Point, ...]:
    """Out of the source's far border, round into the lane, along it, and round into the
    target's near border (arrow tangent along the rank axis): three cubic segments."""
    a = (sc[0] + ss[0] / 2, sc[1])
    b = (a[0], lane)
    c = (tc[0] - ts[0] / 2, lane)
    d = (c[0], tc[1])
    # Kappa-like handles: a semicircle-ish turn of width ``hook`` on either end.
    return (
        a, (a[0] + hook, a[1]), (b[0] + hook, b[1]), b,
        (b[0] + (c[0] - b[0]) / 3, lane), (b[0] + 2 * (c[0] - b[0]) / 3, lane), c,
        (c[0] - hook, c[1]), (d[0] - hook, d[1]), d,
    )
