"""Folding a long layout into bands that fit the view's aspect (``layout.fold``)."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest
from layout_checks import assert_well_formed, overlapping_boxes, request

from lineage_desktop.layout import compute_layout
from lineage_desktop.layout.fold import FIT_MARGIN, fold

WIDE = (1300.0, 850.0)


def chain(n: int) -> tuple[list[str], list[tuple[str, str]]]:
    keys = [f"n{i:02d}" for i in range(n)]
    return keys, [(keys[i], keys[i + 1]) for i in range(n - 1)]


def fit_scale(result, viewport) -> float:
    w, h = viewport
    return min(1.0, (w - 2 * FIT_MARGIN) / result.width, (h - 2 * FIT_MARGIN) / result.height)


@pytest.mark.parametrize("engine", ["dot", "layered"])
def test_a_long_chain_is_folded_into_bands_read_left_to_right(engine):
    keys, edges = chain(16)
    flat = compute_layout(request(keys, edges, engine=engine))
    folded = compute_layout(request(keys, edges, engine=engine, viewport=WIDE))

    assert flat.width > 10 * flat.height  # one row
    assert folded.extra["bands"] >= 2
    assert fit_scale(folded, WIDE) >= 1.25 * fit_scale(flat, WIDE)
    assert folded.width < flat.width / 2
    assert_well_formed(folded, keys, edges)
    assert overlapping_boxes(folded) == []
    # Reading order: each next card is right of the previous one on the same band, or
    # starts a band below it at the left.
    for a, b in edges:
        (ax, ay), (bx, by) = folded.positions[a], folded.positions[b]
        if abs(ay - by) < 1.0:
            assert bx > ax
        else:
            assert by > ay and bx < ax
    first_band = [k for k in keys if abs(folded.positions[k][1] - folded.positions[keys[0]][1]) < 1]
    assert first_band == keys[: len(first_band)]


def test_edges_that_leave_their_band_are_routed_through_the_gap():
    keys, edges = chain(16)
    folded = compute_layout(request(keys, edges, engine="dot", viewport=WIDE))
    wrapped = [
        (s, t) for s, t in edges if abs(folded.positions[s][1] - folded.positions[t][1]) > 1
    ]
    assert wrapped
    for s, t in wrapped:
        points = folded.edges[(s, t)]
        (sx, sy), (tx, ty) = folded.positions[s], folded.positions[t]
        # Leaves the source's far (right) border and enters the target's near (left) one,
        # the final tangent along the rank axis so the arrow points into the card.
        assert points[0] == pytest.approx((sx + 100, sy))
        assert points[-1] == pytest.approx((tx - 100, ty))
        assert points[-2][1] == pytest.approx(ty) and points[-2][0] < points[-1][0]
        # The run between the hooks lies in the gap, below the source and above the target.
        lane = points[4][1]
        assert sy + 28 < lane < ty - 28


def test_edges_within_a_band_keep_their_spline_moved_with_the_band():
    keys, edges = chain(16)
    flat = compute_layout(request(keys, edges, engine="dot"))
    folded = compute_layout(request(keys, edges, engine="dot", viewport=WIDE))
    for s, t in edges:
        dx = folded.positions[s][0] - flat.positions[s][0]
        dy = folded.positions[s][1] - flat.positions[s][1]
        if folded.positions[t][0] - flat.positions[t][0] == pytest.approx(dx):
            moved = [c for x, y in flat.edges[(s, t)] for c in (x + dx, y + dy)]
            assert [c for p in folded.edges[(s, t)] for c in p] == pytest.approx(moved)


def test_folding_is_deterministic_whatever_the_input_order():
    keys, edges = chain(14)
    keys_branch = keys + ["side-a", "side-b"]
    edges_branch = edges + [("side-a", "n03"), ("n09", "side-b")]
    first = compute_layout(request(keys_branch, edges_branch, engine="dot", viewport=WIDE))
    shuffled_keys, shuffled_edges = list(keys_branch), list(edges_branch)
    random.Random(3).shuffle(shuffled_keys)
    random.Random(4).shuffle(shuffled_edges)
    again = compute_layout(request(shuffled_keys, shuffled_edges, engine="dot", viewport=WIDE))
    assert again.positions == first.positions
    assert again.edges == first.edges
    assert_well_formed(first, keys_branch, edges_branch)
    assert overlapping_boxes(first) == []


def test_no_fold_without_a_viewport_or_when_the_graph_fits_at_one_to_one():
    keys, edges = chain(4)  # 4 cards: about 1,040 px wide
    fits = compute_layout(request(keys, edges, engine="dot", viewport=WIDE))
    assert "bands" not in fits.extra
    assert fits.height == pytest.approx(56.0)
    keys, edges = chain(16)
    plain = compute_layout(request(keys, edges, engine="dot"))
    assert "bands" not in plain.extra
    assert fold(plain, None) is plain


def test_top_to_bottom_folds_into_columns_side_by_side():
    keys, edges = chain(16)
    folded = compute_layout(request(keys, edges, engine="dot", direction="TB", viewport=WIDE))
    flat = compute_layout(request(keys, edges, engine="dot", direction="TB"))
    assert folded.extra["bands"] >= 2
    assert folded.height < flat.height / 2
    assert_well_formed(folded, keys, edges)
    assert overlapping_boxes(folded) == []
    for a, b in edges:
        (ax, ay), (bx, by) = folded.positions[a], folded.positions[b]
        assert by > ay if abs(ax - bx) < 1 else (bx > ax and by < ay)


def test_a_fan_in_lineage_folds_without_overlaps(lineage_300):
    # A realistic graph: many cards per column; folding must keep every box apart.
    nodes = [str(n) for n in lineage_300.nodes]
    edges = [(str(s), str(t)) for s, t in lineage_300.edges]
    result = compute_layout(request(nodes, edges, engine="layered", viewport=(1600, 400)))
    assert_well_formed(result, nodes, edges)
    assert overlapping_boxes(result) == []


def test_the_viewport_is_part_of_the_cache_key():
    from lineage_desktop.layout import content_key

    keys, edges = chain(8)
    plain = request(keys, edges)
    assert content_key(plain) != content_key(replace(plain, viewport=WIDE))
    assert content_key(replace(plain, viewport=WIDE)) == content_key(
        replace(plain, viewport=WIDE, request_id=9)
    )
