"""Compact forms of requests and results for the trip to and from the worker process.

Unpickling a 5,000-node ``LayoutResult`` (some 100,000 tuples) is one C call that holds
the GIL, and the garbage collection it provokes took 30 ms more: the UI thread stalled
for 44 ms. Packed, a result is a list of keys and a few ``bytes`` of float64 arrays:
unpickling it is instant, and the dictionaries are rebuilt in Python code the
interpreter can interrupt every few milliseconds for the UI thread.
"""
from __future__ import annotations

import gc
import hashlib
from typing import NamedTuple

import numpy as np

from lineage_desktop.layout.compute import choose_engine
from lineage_desktop.layout.types import LayoutNode, LayoutRequest, LayoutResult

CHUNK = 20_000  # points converted per C call while rebuilding a result


class PackedRequest(NamedTuple):
    keys: list[str]  # sorted, unique
    sizes: bytes  # float64 (n, 2): width, height
    ranks: bytes | None  # int64 (n,), only when every node has a rank
    edges: bytes  # int64 (m, 2), sorted, unique, both ends known
    direction: str
    engine: str
    node_gap: float | None
    rank_gap: float | None
    request_id: int
    viewport: tuple[float, float] | None = None


class PackedResult(NamedTuple):
    keys: list[str]
    centres: bytes  # float64 (n, 2)
    sizes: bytes  # float64 (n, 2)
    edges: bytes  # int64 (m, 2) indices into keys
    counts: bytes  # int64 (m,) control points per edge
    points: bytes  # float64 (sum(counts), 2)
    width: float
    height: float
    engine: str
    direction: str
    seconds: float
    extra: dict[str, float]
    request_id: int
    provisional: bool = False


def pack_request(request: LayoutRequest) -> PackedRequest:
    """The request reduced to what decides its layout, in canonical order."""
    boxes = {node.key: node for node in request.nodes}  # the last box of a key wins
    keys = sorted(boxes)
    index = {key: i for i, key in enumerate(keys)}
    sizes = np.array([(float(boxes[k].width), float(boxes[k].height)) for k in keys],
                     dtype=np.float64).reshape(-1, 2)
    ranks = None
    if keys and all(boxes[k].rank is not None for k in keys):
        ranks = np.array([boxes[k].rank for k in keys], dtype=np.int64).tobytes()
    pairs = {(index[s], index[t]) for s, t in request.edges if s in index and t in index}
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return PackedRequest(keys, sizes.tobytes(), ranks, edges.tobytes(), request.direction,
                         choose_engine(request), request.node_gap, request.rank_gap,
                         request.request_id, request.viewport)


def request_digest(packed: PackedRequest) -> str:
    """Cache key: everything in ``packed`` but the request id."""
    digest = hashlib.sha256(repr(packed._replace(keys=[], sizes=b"", ranks=None, edges=b"",
                                                  request_id=0)).encode())
    digest.update(repr(packed.keys).encode())
    for blob in (packed.sizes, packed.ranks or b"-", packed.edges):
        digest.update(len(blob).to_bytes(8, "little"))
        digest.update(blob)
    return digest.hexdigest()


def unpack_request(packed: PackedRequest) -> LayoutRequest:
    sizes = np.frombuffer(packed.sizes, dtype=np.float64).reshape(-1, 2).tolist()
    ranks = (np.frombuffer(packed.ranks, dtype=np.int64).tolist() if packed.ranks is not None
             else [None] * len(packed.keys))
    nodes = tuple(LayoutNode(k, w, h, r) for k, (w, h), r in zip(packed.keys, sizes, ranks))
    keys = packed.keys
    edges = tuple((keys[s], keys[t]) for s, t in
                  np.frombuffer(packed.edges, dtype=np.int64).reshape(-1, 2).tolist())
    return LayoutRequest(nodes, edges, packed.direction, packed.engine, packed.request_id,
                         packed.node_gap, packed.rank_gap, packed.viewport)


def pack_result(result: LayoutResult) -> PackedResult:
    keys = list(result.positions)
    index = {key: i for i, key in enumerate(keys)}
    centres = np.array(list(result.positions.values()), dtype=np.float64).reshape(-1, 2)
    sizes = np.array([result.sizes[k] for k in keys], dtype=np.float64).reshape(-1, 2)
    ends = np.array([(index[s], index[t]) for s, t in result.edges], dtype=np.int64)
    counts = np.array([len(p) for p in result.edges.values()], dtype=np.int64)
    points = np.array([p for curve in result.edges.values() for p in curve],
                      dtype=np.float64).reshape(-1, 2)
    return PackedResult(keys, centres.tobytes(), sizes.tobytes(), ends.reshape(-1, 2).tobytes(),
                        counts.tobytes(), points.tobytes(), result.width, result.height,
                        result.engine, result.direction, result.seconds, dict(result.extra),
                        result.request_id, result.provisional)


def _pairs(blob: bytes) -> list[tuple[float, float]]:
    """``(x, y)`` tuples from a float64 (k, 2) buffer, in chunks the interpreter can
    interleave with other threads."""
    array = np.frombuffer(blob, dtype=np.float64).reshape(-1, 2)
    out: list[tuple[float, float]] = []
    for start in range(0, len(array), CHUNK):
        part = array[start:start + CHUNK]
        out += zip(part[:, 0].tolist(), part[:, 1].tolist())
    return out


def unpack_result(packed: PackedResult) -> LayoutResult:
    """Rebuild the ``LayoutResult``. The collector is paused meanwhile: the tuples made
    here are not garbage, and a full collection over them cost tens of milliseconds.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        keys = packed.keys
        positions = {k: p for k, p in zip(keys, _pairs(packed.centres))}
        sizes = {k: s for k, s in zip(keys, _pairs(packed.sizes))}
        points = _pairs(packed.points)
        counts = np.frombuffer(packed.counts, dtype=np.int64)
        stops = np.cumsum(counts).tolist()
        starts = [0, *stops[:-1]]
        ends = np.frombuffer(packed.edges, dtype=np.int64).reshape(-1, 2).tolist()
        edges = {
            (keys[s], keys[t]): tuple(points[a:b])
            for (s, t), a, b in zip(ends, starts, stops)
        }
    finally:
        if was_enabled:
            gc.enable()
    return LayoutResult(packed.request_id, positions, sizes, edges, packed.width,
                        packed.height, packed.engine, packed.direction, packed.seconds,
                        dict(packed.extra), packed.provisional)
