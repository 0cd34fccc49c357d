"""Packed requests and results survive the trip to the worker unchanged."""
from __future__ import annotations

import pickle
from dataclasses import replace

from layout_checks import box, lineage_graphs, request

from lineage_desktop.layout import LayoutRequest, compute_layout
from lineage_desktop.layout.transfer import (
    pack_request,
    pack_result,
    request_digest,
    unpack_request,
    unpack_result,
)


def test_result_round_trip_is_exact(lineage_300):
    req = lineage_graphs.layout_request(lineage_300, engine="layered")
    result = compute_layout(req)
    assert unpack_result(pickle.loads(pickle.dumps(pack_result(result)))) == result


def test_request_round_trip_gives_the_same_layout(lineage_300):
    req = lineage_graphs.layout_request(lineage_300, engine="dot", direction="TB")
    back = unpack_request(pickle.loads(pickle.dumps(pack_request(req))))
    assert back.direction == "TB" and back.engine == "dot"
    assert compute_layout(back).positions == compute_layout(req).positions


def test_packing_keeps_ranks_gaps_and_drops_bad_edges():
    req = LayoutRequest((box("a", 0), box("b", 2)), (("a", "b"), ("a", "zz"), ("a", "b")),
                        engine="layered", request_id=4, node_gap=3.0, rank_gap=7.0)
    back = unpack_request(pack_request(req))
    assert [(n.key, n.rank) for n in back.nodes] == [("a", 0), ("b", 2)]
    assert back.edges == (("a", "b"),)
    assert (back.node_gap, back.rank_gap, back.request_id) == (3.0, 7.0, 4)
    partial = replace(req, nodes=(box("a", 0), box("b")))
    assert [n.rank for n in unpack_request(pack_request(partial)).nodes] == [None, None]


def test_digest_depends_on_content_only():
    req = request("abc", [("a", "b"), ("b", "c")])
    same = replace(req, nodes=req.nodes[::-1], request_id=12)
    assert request_digest(pack_request(req)) == request_digest(pack_request(same))
    moved = replace(req, edges=(("a", "c"), ("b", "c")))
    assert request_digest(pack_request(req)) != request_digest(pack_request(moved))
