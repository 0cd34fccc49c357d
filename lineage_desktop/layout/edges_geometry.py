"""Bezier control points for the layered engine's edges, in (along, across) coordinates.

A chain ``lo -> d1 -> ... -> dk -> hi`` leaves ``lo`` at the middle of its border facing
the next rank, crosses each dummy's rank straight at the dummy's across position, and
meets ``hi`` at the middle of its facing border; between ranks an S-curve whose tangents
run along the rank axis. That is ``2k + 1`` cubic segments, ``6k + 4`` points.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

TWIN_SHIFT = 6.0  # across-axis offset separating a -> b from b -> a when they would overlap


class Chains(Protocol):
    """Per chain: dummies ``k``, ends ``lo`` and ``hi`` (lo has the lower rank), the id of
    its ``first`` dummy, and whether it is ``flipped`` against its edge (``layered``)."""

    @property
    def k(self) -> np.ndarray: ...
    @property
    def lo(self) -> np.ndarray: ...
    @property
    def hi(self) -> np.ndarray: ...
    @property
    def first(self) -> np.ndarray: ...
    @property
    def flipped(self) -> np.ndarray: ...


def chain_points(
    chains: Chains, along: np.ndarray, across: np.ndarray, along_ext: np.ndarray,
    thickness: np.ndarray, across_ext: np.ndarray, n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``(points, counts)``: every chain's control points, concatenated, source first."""
    k = chains.k
    n_chains = len(k)
    if not n_chains:
        return np.empty((0, 2)), np.zeros(0, dtype=np.int64)
    n_ports = 2 * k + 2
    port_chain = np.repeat(np.arange(n_chains), n_ports)
    j = np.arange(int(n_ports.sum())) - np.repeat(np.cumsum(n_ports) - n_ports, n_ports)
    last = j == n_ports[port_chain] - 1
    node = np.where(j == 0, chains.lo[port_chain],
                    np.where(last, chains.hi[port_chain], chains.first[port_chain] + (j - 1) // 2))
    # Ports alternate: leave lo (+), enter dummy (-), leave dummy (+), ..., enter hi (-).
    sign = np.where(j % 2 == 0, 1.0, -1.0)
    half = np.where(node < n, along_ext[np.minimum(node, n - 1)] / 2, thickness[node] / 2)
    pu = along[node] + sign * half
    pv = across[node].astype(np.float64)

    # Twins a -> b and b -> a share lo/hi; shift them apart across the rank axis.
    key = chains.lo * n + chains.hi
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    twin = counts[inverse.reshape(-1)] > 1
    if twin.any():
        limit = np.minimum(across_ext[chains.lo], across_ext[chains.hi]) / 4
        shift = np.where(twin, np.minimum(TWIN_SHIFT, limit), 0.0)
        pv = pv + np.where(chains.flipped, shift, -shift)[port_chain]

    head = ~last  # every port but a chain's last starts a cubic segment
    qu, qv = np.r_[pu[1:], 0.0], np.r_[pv[1:], 0.0]
    du = qu - pu
    curve = j % 2 == 0
    c1u = np.where(curve, pu + du / 2, pu + du / 3)
    c2u = np.where(curve, qu - du / 2, pu + 2 * du / 3)
    c1v = np.where(curve, pv, pv + (qv - pv) / 3)
    c2v = np.where(curve, qv, pv + 2 * (qv - pv) / 3)

    n_points = 6 * k + 4
    out_start = np.cumsum(n_points) - n_points
    base = out_start[port_chain] + 3 * j
    out = np.empty((int(n_points.sum()), 2))
    out[base[last]] = np.c_[pu[last], pv[last]]
    out[base[head]] = np.c_[pu[head], pv[head]]
    out[base[head] + 1] = np.c_[c1u[head], c1v[head]]
    out[base[head] + 2] = np.c_[c2u[head], c2v[head]]
    # Chains drawn against the rank direction run from hi back to lo.
    if chains.flipped.any():
        point_chain = np.repeat(np.arange(n_chains), n_points)
        local = np.arange(len(out)) - out_start[point_chain]
        flip = chains.flipped[point_chain]
        take = np.where(flip, out_start[point_chain] + n_points[point_chain] - 1 - local,
                        np.arange(len(out)))
        out = out[take]
    return out, n_points


def flat_curve(
    s: int, t: int, along: np.ndarray, across: np.ndarray, along_ext: np.ndarray,
    across_ext: np.ndarray, rank_gap: float,
) -> np.ndarray:
    """An edge within one rank: an arc out of the far side of both boxes."""
    pu, pv = along[s] + along_ext[s] / 2, float(across[s])
    qu, qv = along[t] + along_ext[t] / 2, float(across[t])
    bulge = min(rank_gap * 0.8, 20.0 + 0.25 * abs(qv - pv))
    reach = max(pu, qu) + bulge
    return np.array([(pu, pv), (reach, pv), (reach, qv), (qu, qv)], dtype=np.float64)


def loop_curve(
    u: int, along: np.ndarray, across: np.ndarray, along_ext: np.ndarray,
    across_ext: np.ndarray, rank_gap: float,
) -> np.ndarray:
    """A self loop: out of the far border above the middle, back in below it."""
    pu = along[u] + along_ext[u] / 2
    quarter = across_ext[u] / 4
    reach = min(rank_gap * 0.6, 40.0)
    v = float(across[u])
    return np.array(
        [(pu, v - quarter), (pu + reach, v - quarter - reach / 2),
         (pu + reach, v + quarter + reach / 2), (pu, v + quarter)],
        dtype=np.float64,
    )
