"""What crosses to a layout worker: the functions it runs and the record of a request on
its way (``service`` submits them; ``refine`` runs the dot ones)."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from lineage_desktop.layout.compute import compute_layout
from lineage_desktop.layout.transfer import (
    PackedRequest,
    PackedResult,
    pack_request,
    pack_result,
    request_digest,
    unpack_request,
)
from lineage_desktop.layout.types import LayoutNode, LayoutRequest, LayoutResult
from lineage_desktop.layout.workers import set_niceness

log = logging.getLogger(__name__)

WORKER_NICENESS = 10


def content_key(request: LayoutRequest) -> str:
    """A digest of what decides a layout: boxes, ranks, edges, direction, engine, gaps.

    Not the request id, and not the order nodes or edges were listed in (the engines sort
    them, so the layout does not depend on it either).
    """
    return request_digest(pack_request(request))




Work = Callable[[PackedRequest], tuple[int, PackedResult]]


def work(packed: PackedRequest) -> tuple[int, PackedResult]:
    """What the worker process runs: plain data in, plain data out, and who computed it."""
    return os.getpid(), pack_result(compute_layout(unpack_request(packed)))


def warm_worker() -> None:
    """Worker initializer: yield the CPU to the UI, load Graphviz before the first request."""
    # A layout can use a whole core for seconds; the UI thread must not wait for a time
    # slice behind it when the cores are busy. (The service's ``Workers`` also set it
    # from the parent as soon as the worker is spawned: whichever comes first.)
    set_niceness(0, WORKER_NICENESS)

    nodes = (LayoutNode("a", 10, 10), LayoutNode("b", 10, 10))
    try:
        compute_layout(LayoutRequest(nodes, (("a", "b"),), engine="dot"))
    except Exception:  # a failing initializer would break the pool for good
        log.exception("warming the layout worker failed")


def ping() -> int:
    return os.getpid()


@dataclass
class Job:
    """A request on its way through a worker (or two, when the first one dies)."""

    channel: str
    request_id: int
    key: str
    packed: PackedRequest
    on_done: Callable[[LayoutResult], None]
    on_error: Callable[[BaseException], None] | None
    deaths: int = 0  # workers that died under this request
