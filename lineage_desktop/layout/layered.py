"""A fast layered (Sugiyama-style) layout in numpy for graphs too big for dot.

Steps: ranks (given or computed, see ``ranking``); every edge spanning several ranks
becomes a chain through one dummy node per rank crossed; barycenter sweeps order each
rank, keeping the ordering with the fewest crossings; a few rounds of pulling every node
towards its neighbours' mean, projected back onto non-overlapping positions, place boxes
across the rank axis. Edges are cubic Beziers through their dummies' positions.

Everything is computed in (along, across) coordinates, "along" being the rank axis (x for
LR, y for TB), and swapped at the end.
"""
from __future__ import annotations

import numpy as np

from lineage_desktop.layout.edges_geometry import chain_points, flat_curve, loop_curve
from lineage_desktop.layout.ordering import order_layers
from lineage_desktop.layout.prepared import Prepared
from lineage_desktop.layout.ranking import ranks_for
from lineage_desktop.layout.types import Placement

DUMMY_GAP = 8.0  # across-axis spacing between parallel long edges
PLACEMENT_ROUNDS = 80
DAMPING = 0.5  # Jacobi steps alone make two linked nodes swap places forever
# Pull of a segment in placement: chains of dummies stay straight (dot uses 1, 2, 8 too).
WEIGHT_REAL, WEIGHT_MIXED, WEIGHT_DUMMY = 1.0, 2.0, 8.0


class _Chains:
    """Edges between different ranks as chains ``lo -> dummies -> hi`` (lo has lower rank)."""

    def __init__(self, n: int, rank: np.ndarray, src: np.ndarray, dst: np.ndarray) -> None:
        self.flipped = rank[src] > rank[dst]
        self.lo = np.where(self.flipped, dst, src)
        self.hi = np.where(self.flipped, src, dst)
        k = rank[self.hi] - rank[self.lo] - 1  # dummies per chain
        self.k = k
        self.first = n + np.cumsum(k) - k  # id of each chain's first dummy
        chain = np.repeat(np.arange(len(k)), k)
        step = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
        self.dummy_rank = rank[self.lo][chain] + 1 + step
        # Segments: chain c has k + 1 of them, j = 0..k.
        seg_chain = np.repeat(np.arange(len(k)), k + 1)
        j = np.arange(int((k + 1).sum())) - np.repeat(np.cumsum(k + 1) - (k + 1), k + 1)
        self.up = np.where(j == 0, self.lo[seg_chain], self.first[seg_chain] + j - 1)
        self.down = np.where(j == k[seg_chain], self.hi[seg_chain], self.first[seg_chain] + j)


def _place_across(
    node_rank: np.ndarray, pos: np.ndarray, extent: np.ndarray, is_dummy: np.ndarray,
    up: np.ndarray, down: np.ndarray, node_gap: float,
) -> np.ndarray:
    """Across-axis centres: neighbours' weighted mean, projected to keep boxes apart."""
    seq = np.lexsort((pos, node_rank))  # nodes by layer, then by order
    layer = node_rank[seq]
    first = np.r_[True, layer[1:] != layer[:-1]]
    ext, dum = extent[seq], is_dummy[seq]
    gap = np.where(dum[1:] | dum[:-1], max(node_gap / 2, DUMMY_GAP), node_gap)
    gap = np.where(dum[1:] & dum[:-1], DUMMY_GAP, gap)
    sep = np.r_[0.0, (ext[1:] + ext[:-1]) / 2 + gap]
    sep[first] = 0.0
    acc = np.cumsum(sep)
    starts = np.flatnonzero(first)
    run = np.diff(np.r_[starts, len(seq)])  # items per layer
    offset = acc - np.repeat(acc[starts], run)  # minimum distance from the layer's first item
    layer_len = np.repeat(offset[np.r_[starts[1:] - 1, len(seq) - 1]], run)
    y = np.empty(len(seq))
    y[seq] = offset - layer_len / 2

    w = np.where(is_dummy[up] & is_dummy[down], WEIGHT_DUMMY,
                 np.where(is_dummy[up] | is_dummy[down], WEIGHT_MIXED, WEIGHT_REAL))
    n_total = len(node_rank)
    weight = np.bincount(up, w, n_total) + np.bincount(down, w, n_total)
    has = weight > 0
    span = float(offset.max() + ext.max() + 1.0)
    lift = layer * (4.0 * span + 4.0 * np.abs(y).max() + 1.0)  # keeps layers apart in scans
    for _ in range(PLACEMENT_ROUNDS):
        pull = np.bincount(up, w * y[down], n_total) + np.bincount(down, w * y[up], n_total)
        want = np.where(has, pull / np.where(has, weight, 1.0), y)
        want = DAMPING * y + (1 - DAMPING) * want
        z = want[seq] - offset + lift
        forward = np.maximum.accumulate(z)
        backward = np.minimum.accumulate(z[::-1])[::-1]
        y[seq] = (forward + backward) / 2 - lift + offset
    return y


def layout_layered(prep: Prepared) -> Placement:
    """``(positions, edges, width, height)`` of ``prep`` by the layered engine."""
    n = prep.n
    pairs = np.array(prep.edges, dtype=np.int64).reshape(-1, 2)
    loops = pairs[pairs[:, 0] == pairs[:, 1], 0]
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    src, dst = pairs[:, 0], pairs[:, 1]
    rank = ranks_for(n, src, dst, prep.rank)
    lr = prep.direction == "LR"
    along_ext = prep.width if lr else prep.height
    across_ext = prep.height if lr else prep.width

    flat = rank[src] == rank[dst]
    chains = _Chains(n, rank, src[~flat], dst[~flat])
    node_rank = np.r_[rank, chains.dummy_rank].astype(np.int64)
    n_total = len(node_rank)
    is_dummy = np.arange(n_total) >= n
    pos = order_layers(node_rank, chains.up, chains.down)
    extent = np.r_[across_ext, np.zeros(n_total - n)]
    across = _place_across(node_rank, pos, extent, is_dummy, chains.up, chains.down, prep.node_gap)

    n_layers = int(rank.max()) + 1
    thickness = np.zeros(n_layers)
    np.maximum.at(thickness, rank, along_ext)
    centre = np.cumsum(thickness + prep.rank_gap) - prep.rank_gap - thickness / 2
    centre -= centre[0] - thickness[0] / 2  # first column starts at 0
    along = centre[node_rank]

    points, counts = chain_points(
        chains, along, across, along_ext, thickness[node_rank], across_ext, n
    )
    pairs_out = list(zip(np.where(chains.flipped, chains.hi, chains.lo).tolist(),
                         np.where(chains.flipped, chains.lo, chains.hi).tolist()))
    extra = [flat_curve(s, t, along, across, along_ext, across_ext, prep.rank_gap)
             for s, t in zip(src[flat].tolist(), dst[flat].tolist())]
    pairs_out += list(zip(src[flat].tolist(), dst[flat].tolist()))
    extra += [loop_curve(u, along, across, along_ext, across_ext, prep.rank_gap)
              for u in loops.tolist()]
    pairs_out += [(u, u) for u in loops.tolist()]
    if extra:
        points = np.concatenate([points, *extra])
        counts = np.r_[counts, [len(e) for e in extra]].astype(np.int64)
    return _finish(prep, along[:n], across[:n], along_ext, across_ext, points, counts, pairs_out)


def _finish(
    prep: Prepared, along: np.ndarray, across: np.ndarray, along_ext: np.ndarray,
    across_ext: np.ndarray, points: np.ndarray, counts: np.ndarray, pairs: list[tuple[int, int]],
) -> Placement:
    """Translate everything to start at (0, 0), swap axes for TB, key the dictionaries."""
    a_min = float((along - along_ext / 2).min())
    c_min = float((across - across_ext / 2).min())
    a_max = float((along + along_ext / 2).max())
    c_max = float((across + across_ext / 2).max())
    if len(points):
        a_min, c_min = min(a_min, points[:, 0].min()), min(c_min, points[:, 1].min())
        a_max, c_max = max(a_max, points[:, 0].max()), max(c_max, points[:, 1].max())
    shift = np.array([a_min, c_min])
    centres = np.c_[along, across] - shift
    points = points - shift
    if prep.direction == "TB":
        centres, points = centres[:, ::-1], points[:, ::-1]
        a_max, c_max, a_min, c_min = c_max, a_max, c_min, a_min
    keys = prep.keys
    positions = dict(zip(keys, zip(centres[:, 0].tolist(), centres[:, 1].tolist())))
    flat_points = list(zip(points[:, 0].tolist(), points[:, 1].tolist()))
    ends = np.cumsum(counts).tolist()
    starts = [0] + ends[:-1]
    edges = {
        (keys[s], keys[t]): tuple(flat_points[a:b])
        for (s, t), a, b in zip(pairs, starts, ends)
    }
    return positions, edges, a_max - a_min, c_max - c_min
