"""``ResultCache``: what ``LayoutService`` remembers between requests.

Laid-out results by graph content (``content_key``, newest ``size`` kept), so that
returning to a previous view is instant, and the graphs whose budgeted dot run was given
up on (newest ``ABANDONED_MEMORY``), which then get the layered layout only. Thread-safe:
the service reads and fills it from its executor threads.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from lineage_desktop.layout.types import LayoutResult

ABANDONED_MEMORY = 64  # graphs whose dot run was given up on, remembered (newest)


class ResultCache:
    """Results by content key (least recently used dropped first) and abandoned graphs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._results: OrderedDict[str, LayoutResult] = OrderedDict()
        self._abandoned: OrderedDict[str, None] = OrderedDict()

    def get(self, key: str) -> LayoutResult | None:
        """The result cached under ``key`` (now the most recently used), or None."""
        with self._lock:
            result = self._results.get(key)
            if result is not None:
                self._results.move_to_end(key)
            return result

    def put(self, key: str, result: LayoutResult) -> None:
        """Keep ``result`` under ``key`` (nothing is kept when ``size`` is 0 or less)."""
        with self._lock:
            if self.size <= 0:
                return
            self._results[key] = result
            self._results.move_to_end(key)
            while len(self._results) > self.size:
                self._results.popitem(last=False)

    def abandon(self, key: str) -> None:
        """Remember that dot was given up on for the graph of ``key``."""
        with self._lock:
            self._abandoned[key] = None
            while len(self._abandoned) > ABANDONED_MEMORY:
                self._abandoned.popitem(last=False)

    def abandoned(self, key: str) -> bool:
        """Whether dot was given up on for the graph of ``key``."""
        with self._lock:
            return key in self._abandoned

    def clear(self) -> None:
        """Forget every result and every abandoned graph."""
        with self._lock:
            self._results.clear()
            self._abandoned.clear()
