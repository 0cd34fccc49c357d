"""Lineages the window has moved away from are freed: nothing they made is kept out of
the garbage collector's reach (a graph read by the query worker holds cycles: networkx
graphs cache views of themselves)."""

from __future__ import annotations

import gc
import weakref


def test_a_lineage_left_behind_is_freed(opened, qtbot):
    window = opened
    first = window.controller.snapshot
    graphs = [weakref.ref(first.raw), weakref.ref(first.view)]  # and their nodes' data
    del first
    for ref in ("churn-model:v3", "churn-model:v5", "churn-model:v4"):
        with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
            window.show_lineage(ref)
    gc.collect()
    assert [ref() for ref in graphs] == [None, None]
