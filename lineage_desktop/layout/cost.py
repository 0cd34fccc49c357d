"""How long ``dot`` would take on a request: the work it does, not the node count.

dot's time is dominated by crossing minimisation over the *virtual* graph (every edge
spanning k ranks becomes a chain of k - 1 dummy nodes) and by network simplex placing
those nodes; both grow with the edges of the virtual graph. Edges, not nodes: a clustered
view of 1,747 nodes and 5,005 edges (cluster nodes hold hundreds of edges each) took dot
45.9 s where a plain lineage graph of 2,000 nodes and 2,500 edges takes 1-2 s.

The model is a power law in the *virtual edges* (edges plus dummy nodes) and the
highest degree (edge concentration: a cluster node holding hundreds of edges), fitted by
least squares on log seconds::

    seconds = exp(LOG_SCALE) * virtual_edges ** EXPONENT * (1 + max_degree) ** DEGREE_EXPONENT

The dummies come from ranks close to dot's (``quick_ranks``). Calibration: ``python
benchmarks/bench_layout.py --calibrate`` lays out a spread of generated graphs with
``dot`` in a fresh process on this machine (plain lineage DAGs of 100-3,000 nodes;
clustered views of 150-1,747 nodes with 2-3 edges per node, some with long edges; wide
graphs of 60-300 nodes and 500-4,000 edges), measures dot's CPU time (wall time on this
shared machine varied up to six times between runs), fits the constants and prints each
graph's measured and predicted time (``CALIBRATION`` below). Other forms, judged by
leave-one-out error on the same measurements: virtual edges alone x1.30 median / x2.53
worst; adding max degree x1.30 / x2.34 (kept: the best worst case); adding the widest
rank, edges per rank or nodes instead: no better (x1.25-1.37 / x2.7-3.3).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lineage_desktop.layout.prepared import Prepared
from lineage_desktop.layout.ranking import ranks_for

# Fitted by ``benchmarks/bench_layout.py --calibrate`` on 2026-12-02 (2 shared cores, load
# 4-7): 25 graphs (one censored), leave-one-out error factor median x1.30, worst x2.34.
LOG_SCALE, EXPONENT, DEGREE_EXPONENT = -12.656, 1.531, 0.252
CALIBRATION = """\
graph                     nodes  edges virtual maxdeg dot CPU s  predicted s
lineage 100                 100    121     199    11   0.03   0.02
lineage 300                 300    366     516    16   0.14   0.09
lineage 700                 700    873    1467    40   0.35   0.57
lineage 1200               1200   1506    2464    34   1.10   1.22
lineage 2000               2000   2491    4547    18   2.21   2.67
lineage 3000               3000   3722    5930    21   4.77   4.15
clustered 150/400           150    400     439    36   0.11   0.09
clustered 300/800           300    800     879    69   0.25   0.30
clustered 300/1200          300   1200    1365    97   0.40   0.64
clustered 500/1400          500   1400    1498    73   0.74   0.69
clustered 600/1200          600   1200    1281    83   0.38   0.56
clustered 800/2200          800   2200    2341   116   1.22   1.53
clustered 1000/2500        1000   2500    2672   147   1.43   1.98
clustered 1200/3500        1200   3500    3736   173   3.62   3.45
clustered 1747/3500        1747   3500    3686   243   6.56   3.68
clustered 1747/5005        1747   5005    5360   270   9.64   6.70
clustered long 400/1100     400   1100    1794    79   0.87   0.92
clustered long 800/2200     800   2200    3446   126   2.65   2.81
clustered long 1200/3500   1200   3500    5372   197   6.68   6.21
clustered long 1747/5005   1747   5005    7560   305   >25   11.69
wide 60/500x3                60    500     500    30   0.13   0.10
wide 100/1000x3             100   1000    1000    39   0.36   0.32
wide 120/2000x3             120   2000    2000    63   1.14   1.03
wide 200/3000x3             200   3000    3000    61   2.27   1.90
wide 80/1500x5               80   1024    1024    32   0.14   0.31
wide 300/4000x4             300   4000    4000    49   3.79   2.80
"""

# Beyond these dot is never worth predicting (the prediction runs on the thread that
# submits the layout): no graph this big is laid out by dot in a few seconds.
SCREEN_NODES = 6_000
SCREEN_EDGES = 12_000


@dataclass(frozen=True, slots=True)
class DotFeatures:
    """What the cost model reads off a request (after ``prepare``)."""

    nodes: int
    edges: int
    dummies: int  # virtual nodes on edges spanning more than one rank
    ranks: int
    max_rank_width: int  # real and virtual nodes in the most crowded rank
    max_degree: int

    @property
    def virtual_edges(self) -> int:
        return self.edges + self.dummies


def quick_ranks(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Ranks close to dot's, in numpy: longest path from the sources, then every source
    moved down to just above its nearest successor (dot's network simplex pulls them
    there too). A cycle falls back to ``ranking.ranks_for`` (Python, a few times slower);
    this runs on the thread that submits a layout, so it must stay cheap."""
    indegree = np.bincount(dst, minlength=n)
    remaining = indegree.copy()
    rank = np.zeros(n, dtype=np.int64)
    placed = np.zeros(n, dtype=bool)
    frontier = remaining == 0
    level = 0
    while frontier.any():
        rank[frontier] = level
        placed |= frontier
        remaining -= np.bincount(dst[frontier[src]], minlength=n)
        frontier = (remaining == 0) & ~placed
        level += 1
    if not placed.all():
        return ranks_for(n, src, dst, None)
    nearest = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(nearest, src, rank[dst])
    sources = (indegree == 0) & (nearest < np.iinfo(np.int64).max)
    rank[sources] = nearest[sources] - 1
    shifted: np.ndarray = rank - rank.min()
    return shifted


def dot_features(prep: Prepared) -> DotFeatures:
    """The cost model's inputs for ``prep`` (self loops ignored: dot draws them aside)."""
    pairs = np.array(prep.edges, dtype=np.int64).reshape(-1, 2)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if prep.n == 0:
        return DotFeatures(0, 0, 0, 0, 0, 0)
    src, dst = pairs[:, 0], pairs[:, 1]
    rank = quick_ranks(prep.n, src, dst)
    span = np.abs(rank[dst] - rank[src])
    n_ranks = int(rank.max()) + 1
    width = np.bincount(rank, minlength=n_ranks)
    # Dummies of an edge from rank a to rank b sit on ranks a+1 .. b-1: a difference array.
    lo, hi = np.minimum(rank[src], rank[dst]), np.maximum(rank[src], rank[dst])
    long = span > 1
    delta = np.zeros(n_ranks + 1, dtype=np.int64)
    np.add.at(delta, lo[long] + 1, 1)
    np.add.at(delta, hi[long], -1)
    width = width + np.cumsum(delta)[:n_ranks]
    degree = np.bincount(np.r_[src, dst], minlength=prep.n)
    return DotFeatures(
        nodes=prep.n,
        edges=len(pairs),
        dummies=int(np.maximum(span - 1, 0).sum()),
        ranks=n_ranks,
        max_rank_width=int(width.max()),
        max_degree=int(degree.max()) if len(degree) else 0,
    )


def predict_dot_seconds(features: DotFeatures) -> float:
    """dot's expected time (CPU seconds on this machine) for a graph with ``features``."""
    if features.virtual_edges == 0:
        return 0.0  # no crossings to minimise: nearly free
    return math.exp(
        LOG_SCALE
        + EXPONENT * math.log(features.virtual_edges)
        + DEGREE_EXPONENT * math.log(1 + features.max_degree)
    )


def estimate_dot_seconds(prep: Prepared) -> float:
    """``predict_dot_seconds`` of ``prep``; infinite past the screen (see ``SCREEN_*``)."""
    if prep.n > SCREEN_NODES or len(prep.edges) > SCREEN_EDGES:
        return math.inf
    return predict_dot_seconds(dot_features(prep))
