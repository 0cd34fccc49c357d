"""Crossing counts with known answers."""
from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from layout_checks import request

from lineage_desktop.layout import LayoutResult, compute_layout, count_crossings
from lineage_desktop.layout.crossings import count_inversions, grouped_crossings


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 64, 301])
def test_inversions_match_brute_force(n):
    values = np.random.default_rng(n).integers(0, 25, n)
    expected = sum(1 for i, j in itertools.combinations(range(n), 2) if values[i] > values[j])
    assert count_inversions(values) == expected


def test_grouped_crossings_count_within_groups_only():
    rng = random.Random(3)
    rows = [(rng.randrange(3), rng.randrange(9), rng.randrange(9)) for _ in range(80)]
    expected = sum(
        1 for (g1, a1, b1), (g2, a2, b2) in itertools.permutations(rows, 2)
        if g1 == g2 and a1 < a2 and b1 > b2
    )
    group, a, b = (np.array(col) for col in zip(*rows))
    assert grouped_crossings(group, a, b) == expected


def _two_columns(edges: dict) -> LayoutResult:
    """Boxes a, b on the left (x 0..100), c, d on the right (x 200..300), straight edges."""
    positions = {"a": (50.0, 25.0), "b": (50.0, 125.0), "c": (250.0, 25.0), "d": (250.0, 125.0)}
    curves = {}
    for s, t in edges:
        p, q = (positions[s][0] + 50, positions[s][1]), (positions[t][0] - 50, positions[t][1])
        curves[(s, t)] = (p, (p[0] + 33, p[1]), (q[0] - 33, q[1]), q)
    return LayoutResult(0, positions, {k: (100.0, 50.0) for k in positions}, curves,
                        300.0, 150.0, "dot")


def test_a_drawn_x_is_one_crossing_and_parallel_edges_none():
    req = request("abcd", [])
    assert count_crossings(req, _two_columns([("a", "d"), ("b", "c")])) == 1
    assert count_crossings(req, _two_columns([("a", "c"), ("b", "d")])) == 0
    assert count_crossings(req, _two_columns([("a", "c"), ("a", "d"), ("b", "d")])) == 0
    assert count_crossings(req, _two_columns([("a", "c"), ("a", "d"), ("b", "c")])) == 1


@pytest.mark.parametrize("engine", ["dot", "layered"])
def test_complete_bipartite_k33_has_the_minimum_crossings(engine):
    # K(3,3) drawn in two ranks needs exactly 3 * 2 * 3 * 2 / 4 = 9 crossings.
    left, right = ["l1", "l2", "l3"], ["r1", "r2", "r3"]
    req = request(left + right, list(itertools.product(left, right)), engine=engine)
    assert count_crossings(req, compute_layout(req)) == 9
