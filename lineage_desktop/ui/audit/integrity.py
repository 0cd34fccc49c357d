"""The integrity audit in the window: a background scan and the marks it puts on nodes.

``IntegrityRunner`` runs the verify engine (``audit/verify.py``, the same as
``lineage-desktop verify`` and the HTML report) off the UI thread, on its own read-only
connection, with progress and cancel, over one of two scopes: every artifact version of
the shown lineage (``audit.scan_graph``) or every version of the store
(``audit.scan_store``, the taint followed through the whole store). Stored and
referenced files are re-hashed, extra files in referenced folders looked for, what was
not checked counted with why, the database file checked. ``view_marks`` maps the report
onto the view graph, so that a cluster holding a compromised (or tainted) member is
marked too, with how many.
"""
from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import networkx as nx
from PySide6.QtCore import QObject, Signal, Slot

from lineage_desktop.audit import VerifyReport, ViewMarks, scan_graph, scan_store
from lineage_desktop.graph.nodes import LineageGraph, NodeData, nodes_of
from lineage_desktop.store import Store
from lineage_desktop.store.pg import PgLocation
from lineage_desktop.ui.audit.tasks import BackgroundChannel, TaskContext

SCOPES = ("lineage", "store")


def apply_marks(scene: Any, marks: ViewMarks | None) -> None:
    """Put ``marks`` on a ``LineageScene`` (None clears them)."""
    scene.set_compromised(marks.compromised if marks else ())
    scene.set_tainted(marks.tainted if marks else ())
    scene.set_cluster_marks(marks.clusters if marks else {})


def _light_copy(graph: nx.DiGraph) -> nx.DiGraph:
    # The scan reads the graph on another thread: give it its own small copy (structure,
    # kind and store id only), so the window may replace or edit its graph meanwhile.
    light = LineageGraph()
    light.add_nodes_from(
        (key, NodeData(kind=data.kind, id_in_store=data.id_in_store))
        for key, data in nodes_of(graph))
    light.add_edges_from(graph.edges())
    light.graph["focus"] = graph.graph.get("focus")
    return light


def _scan(store_path: Path | PgLocation, graph: nx.DiGraph | None,
          context: TaskContext) -> VerifyReport:
    store = Store.open(store_path, readonly=True)
    try:
        if graph is None:
            return scan_store(store, None, context.progress, context.cancelled)
        return scan_graph(store, graph, context.progress, context.cancelled)
    finally:
        store.close()


class IntegrityRunner(QObject):
    """Runs the integrity scan of a lineage graph in the background.

    Signals:

    - ``started(int total)``: a scan of ``total`` artifact versions began (0 for the
      whole store: the worker counts them; ``progress`` then carries the total).
    - ``progress(int done, int total)``: versions checked so far.
    - ``finished(object)``: the ``VerifyReport`` of the newest scan.
    - ``failed(str)``: the store could not be read (one line).
    - ``cancelled()``: ``cancel()`` stopped a running scan.

    A new ``start()`` or ``cancel()`` drops the answer of any earlier scan, so a scan of
    a graph that has since been replaced never reaches the window.
    """

    started = Signal(int)
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._channel = BackgroundChannel(self)
        self._report: VerifyReport | None = None
        self._graph: weakref.ref[nx.DiGraph] | None = None  # the graph the report is of
        self._scope = "lineage"
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._channel.progress.connect(self._on_channel_progress)
        self._channel.done.connect(self._on_channel_done)
        self._channel.failed.connect(self._on_channel_failed)

    @property
    def request_id(self) -> int:
        """Id of the newest scan (compare with the id ``start`` returned)."""
        return self._channel.request_id

    @property
    def report(self) -> VerifyReport | None:
        """The newest finished report (None before the first, or after ``reset``)."""
        return self._report

    def report_for(self, graph: nx.DiGraph) -> VerifyReport | None:
        """The newest report if it covers ``graph``: a whole-store report covers every
        graph of the store (until ``reset``), a lineage report only this very ``graph``
        object (so a report about an earlier graph is never attached to the current
        one)."""
        if self._report is not None and self._scope == "store":
            return self._report
        scanned = self._graph() if self._graph is not None else None
        return self._report if scanned is graph else None

    @property
    def scope(self) -> str:
        """The scope of the newest scan: ``lineage`` or ``store``."""
        return self._scope

    def is_running(self) -> bool:
        return self._channel.is_busy()

    def start(self, store_path: str | Path | PgLocation, graph: nx.DiGraph,
              scope: str = "lineage") -> int:
        """Scan every artifact version of ``graph`` (a raw lineage graph; ``scope``
        ``lineage``) or of the whole store (``store``) at ``store_path``. Returns the
        request id; an earlier scan is cancelled."""
        if scope not in SCOPES:
            raise ValueError(f"unknown verify scope {scope!r}: use one of {', '.join(SCOPES)}")
        # A team store's URL is no file path (``Path()`` of it raises).
        path = store_path if isinstance(store_path, PgLocation) else Path(store_path)
        light: nx.DiGraph | None = None
        total = 0
        if scope == "lineage":
            light = _light_copy(graph)
            total = sum(1 for _, data in nodes_of(light)
                        if data.is_artifact and data.id_in_store is not None)
        self._report = None
        self._graph = weakref.ref(graph)
        self._scope = scope
        request_id = self._channel.submit(lambda context: _scan(path, light, context))
        self.started.emit(total)
        return request_id

    def cancel(self) -> None:
        """Stop the running scan (no ``finished`` follows); no-op when idle."""
        if self._channel.is_busy():
            self._channel.cancel()
            self.cancelled.emit()

    def reset(self) -> None:
        """Forget the report and drop any running scan (the graph was replaced)."""
        self._channel.cancel()
        self._report = None
        self._graph = None

    def shutdown(self) -> None:
        """Cancel and wait for the worker thread (call before the window closes)."""
        self._channel.shutdown()

    @Slot(int, int)
    def _on_channel_progress(self, done: int, total: int) -> None:
        self.progress.emit(done, total)

    @Slot(object)
    def _on_channel_done(self, report: object) -> None:
        assert isinstance(report, VerifyReport)
        self._report = report
        self.finished.emit(report)

    @Slot(str)
    def _on_channel_failed(self, message: str) -> None:
        self.failed.emit(message)
