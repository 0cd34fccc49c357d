"""``LineageController``: the Qt adapter of the window's ``LineageSession``.

The session (``ui.session``, no Qt) holds the state and makes the decisions; the
controller owns the read-only store, the query worker, the layout runner and the store
watcher, runs the tasks the session names, puts laid-out graphs in the window's scene and
reports back by signal. Widgets hold no business logic: they call the controller's
methods and listen to its signals. Slow work never runs on the UI thread: database reads
and graph building go to the ``QueryWorker`` thread, layouts to the ``LayoutRunner``'s
process. While anything is in flight ``busy_changed`` says so.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
from PySide6.QtCore import QObject, Signal, Slot

from lineage_desktop.graph.model import LineageModel
from lineage_desktop.graph.nodes import NodeData
from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.records import LineageError, ManifestEntry, StoreError
from lineage_desktop.store import Store
from lineage_desktop.ui import queries
from lineage_desktop.ui.errors import describe_error
from lineage_desktop.ui.history import History
from lineage_desktop.ui.layout_runner import LayoutRunner
from lineage_desktop.ui.live import StoreWatcher
from lineage_desktop.ui.queries import GraphSnapshot
from lineage_desktop.ui.scene import LineageScene, build_layout_request
from lineage_desktop.ui.session import (
    DIRECTIONS,
    NO_STORE_MESSAGE,
    LineageSession,
    Task,
    call_with_api,
)
from lineage_desktop.ui.settings import AppSettings
from lineage_desktop.ui.worker import QueryWorker

log = logging.getLogger(__name__)


class LineageController(QObject):
    """The window's brain. Signals:

    - ``store_opened(str)``: a store (absolute path) is open; the sidebar loads next.
    - ``store_failed(str, str)``: opening (or first reading) a store failed: path, message.
    - ``store_closed()``: no store is open any more.
    - ``store_lost(str)``: the open store's file was deleted or replaced (message).
    - ``collections_loaded(object)``: list of ``ArtifactCollection`` (open and refresh).
    - ``lineage_started(str)``: a lineage was asked for (the reference).
    - ``lineage_shown(str, bool)``: the scene holds the graph of this focus key; the bool
      says whether the view should fit it (new focus or new shape) or keep its zoom.
    - ``lineage_failed(str, str)``: reference, message.
    - ``snapshot_changed(object)``: the ``GraphSnapshot`` now on screen.
    - ``busy_changed(bool, str)``: work in flight, with a short description.
    - ``history_changed(bool, bool)``: whether Back and Forward are possible.
    - ``data_changed()``: another process committed to the open store.
    - ``problem(str)``: a non-fatal error to show in the window.
    - ``layout_notice(str)``: for the status line: layouts had to run in this process
      (the layout worker died twice, or cannot start at all).
    """

    store_opened = Signal(str)
    store_failed = Signal(str, str)
    store_closed = Signal()
    store_lost = Signal(str)
    collections_loaded = Signal(object)
    lineage_started = Signal(str)
    lineage_shown = Signal(str, bool)
    lineage_failed = Signal(str, str)
    snapshot_changed = Signal(object)
    busy_changed = Signal(bool, str)
    history_changed = Signal(bool, bool)
    data_changed = Signal()
    problem = Signal(str)
    layout_notice = Signal(str)

    def __init__(
        self,
        scene: LineageScene,
        parent: QObject | None = None,
        settings: AppSettings | None = None,
        synchronous: bool = False,
    ) -> None:
        """``scene`` is the window's scene: the controller puts the laid-out graphs in it
        and reads the positions the user dragged from it."""
        super().__init__(parent)
        self.settings = settings or AppSettings()
        self.session = LineageSession(self.settings)
        self.scene = scene
        self._worker = QueryWorker(self, synchronous=synchronous)
        self._layout = LayoutRunner(self, synchronous=synchronous)
        self._store: Store | None = None
        self._watcher = StoreWatcher(self)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._layout.notice.connect(self._on_layout_notice)
        self._watcher.changed.connect(self._on_watcher_changed)
        self._watcher.lost.connect(self._on_watcher_lost)
        self._watcher.failed.connect(self._on_query_error)

    # --- state (the session's, for the window) ----------------------------------------

    @property
    def history(self) -> History:
        """Back/Forward history of the session."""
        return self.session.history

    @property
    def store_path(self) -> Path | None:
        """Absolute path of the open store, or None."""
        return self.session.path

    @property
    def snapshot(self) -> GraphSnapshot | None:
        """The lineage on screen (graphs and state), or None."""
        return self.session.snapshot

    @property
    def direction(self) -> str:
        return self.session.direction

    @property
    def cluster_threshold(self) -> int | None:
        return self.session.cluster_threshold

    @property
    def depths(self) -> tuple[int | None, int | None]:
        return self.session.depths

    @property
    def as_of(self) -> str | None:
        """The moment the store is shown as of (ISO-8601 UTC), or None for now."""
        return self.session.as_of

    @property
    def layouts(self) -> LayoutRunner:
        """The layout runner (where layouts run: ``mode``, ``service``); for diagnostics."""
        return self._layout

    def is_busy(self) -> bool:
        return bool(self.session.busy)

    def focus(self) -> str | None:
        """Focus key of the lineage on screen."""
        return self.session.focus()

    # --- store ------------------------------------------------------------------------

    def open_store(self, path: str | os.PathLike[str]) -> bool:
        """Open a store read-only. Errors are reported by ``store_failed``, never raised."""
        absolute = Path(path).expanduser().absolute()
        try:
            store = Store.open(absolute, readonly=True)
        except (LineageError, OSError, ValueError) as exc:
            self.store_failed.emit(str(absolute), describe_error(exc, absolute))
            return False
        self.close_store(emit=False)
        try:
            self._watcher.watch(store, absolute)
        except (StoreError, OSError) as exc:
            store.close()
            self.store_failed.emit(str(absolute), describe_error(exc, absolute))
            return False
        self._store = store
        self.session.open(absolute)
        self._worker.open(absolute, on_error=partial(self._on_first_read_failed, absolute))
        as_of = self.session.as_of_task()
        if as_of is not None:
            self._worker.submit("as-of", as_of, droppable=False)
        self.store_opened.emit(str(absolute))
        self.reload_collections(first=True)
        return True

    def close_store(self, emit: bool = True) -> None:
        """Close the open store (remembering the view state) and clear the graph."""
        self._remember_positions()
        self._watcher.stop()
        self._worker.cancel("lineage")
        self._layout.cancel()
        if self._store is not None:
            with contextlib.suppress(StoreError):
                self._store.close()
        self._store = None
        was_open = self.session.close()
        self.busy_changed.emit(False, "")
        self._emit_history()
        self.scene.set_graph(_empty_graph(), LayoutResult(0, {}, {}, {}, 0.0, 0.0, "dot"))
        if emit and was_open:
            self.store_closed.emit()

    def shutdown(self) -> None:
        """Stop timers, threads and processes (the window is closing)."""
        self.close_store(emit=False)
        self._worker.shutdown()
        self._layout.shutdown()

    def _on_first_read_failed(self, path: Path, exc: BaseException) -> None:
        if self.session.path == path:
            message = describe_error(exc, path)
            self.close_store(emit=False)
            self.store_failed.emit(str(path), message)

    # --- sidebar data -----------------------------------------------------------------

    def reload_collections(self, first: bool = False) -> None:
        """Read the artifact collections again (answer: ``collections_loaded``)."""
        path = self.session.path
        on_error = partial(self._on_first_read_failed, path) if first else self._on_query_error
        self._run(
            "collections",
            "Reading artifacts…",
            queries.load_collections,
            self.collections_loaded.emit,
            on_error,
        )

    def load_versions(
        self, name: str, project: str, entity: str, on_done: Callable[[queries.VersionList], None]
    ) -> None:
        """Read one collection's versions (newest first) off the UI thread."""
        self._run(
            f"versions:{entity}/{project}/{name}",
            "Reading versions…",
            call_with_api(queries.load_versions, name, project, entity),
            on_done,
            self._on_query_error,
        )

    def load_runs(
        self,
        order: str,
        descending: bool,
        offset: int,
        limit: int,
        on_done: Callable[[tuple[list[queries.RunRow], int]], None],
    ) -> None:
        """Read a page of runs off the UI thread; a newer request drops older answers."""
        self._run(
            "runs",
            "Reading runs…",
            call_with_api(queries.load_runs, order, descending, offset, limit),
            on_done,
            self._on_query_error,
        )

    def load_files(
        self, key: str, on_done: Callable[[list[ManifestEntry]], None], channel: str = "files"
    ) -> None:
        """Read the files of an artifact version off the UI thread."""
        version_id = self.node_attrs(key).id_in_store
        self._run(
            channel,
            "",
            call_with_api(queries.load_files, key, version_id),
            on_done,
            self._on_query_error,
        )

    def load_impact(self, ref: str, on_done: Callable[[list[Any]], None]) -> None:
        """Everything downstream of ``ref`` as impact rows, read off the UI thread."""
        self._run(
            "impact",
            "Reading the impact…",
            call_with_api(queries.load_impact, ref),
            on_done,
            self._on_query_error,
        )

    # --- lineage ----------------------------------------------------------------------

    def show_lineage(self, ref: str, record: bool = True) -> None:
        """Show the lineage of ``ref`` (``name``, ``name:alias``, ``name:v3``, ``run:<id>``
        or a graph key). ``record`` adds it to the Back/Forward history."""
        ref = ref.strip()
        if not self.session.is_open:
            self.lineage_failed.emit(ref, NO_STORE_MESSAGE)
            return
        self._remember_positions()
        self.lineage_started.emit(ref)
        self._run(
            "lineage",
            "Reading lineage…",
            self.session.lineage_task(ref),
            partial(self._on_lineage_loaded, record, False),
            partial(self._on_lineage_error, ref),
        )

    def refocus(self, key: str) -> None:
        """Re-focus on a node of the graph (double-click), recorded in the history."""
        ref = self.session.ref_of(key)
        if ref is not None:
            self.show_lineage(ref, record=True)

    def back(self) -> None:
        self._go(self.session.back())

    def forward(self) -> None:
        self._go(self.session.forward())

    def _go(self, ref: str | None) -> None:
        if ref is not None:
            self._emit_history()
            self.show_lineage(ref, record=False)

    def show_graph(self, raw: nx.DiGraph) -> None:
        """Show a given raw lineage graph (e.g. the paths between two nodes) instead of
        one read from the store; live refreshes leave it alone until the next lineage."""
        task = self.session.graph_task(raw)
        if task is None:
            return
        self._remember_positions()
        focus = str(raw.graph["focus"])
        self._run(
            "lineage",
            "Laying out…",
            task,
            partial(self._on_lineage_loaded, True, True),
            partial(self._on_lineage_error, focus),
        )

    def set_as_of(self, moment: str | None) -> None:
        """Show the store as it stood at ``moment`` (None: as it is now): the sidebar,
        the run list and the lineage are read again."""
        try:
            task = self.session.set_as_of(moment)
        except ValueError as exc:
            self.problem.emit(str(exc))
            return
        if task is None:
            return
        # Queued before the re-reads below: the worker runs tasks in order.
        self._worker.submit("as-of", task, droppable=False)
        self.data_changed.emit()
        self.reload_collections()
        self.reload_lineage(fit=False)

    def reload_lineage(self, fit: bool = False) -> None:
        """Re-read the current lineage (depths changed or another process wrote)."""
        task = self.session.reload_task()
        if task is None:
            return
        self._run(
            "lineage",
            "Reading lineage…",
            task,
            partial(self._on_reloaded, fit=fit),
            partial(self._on_lineage_error, str(self.focus())),
        )

    def _on_reloaded(self, snap: GraphSnapshot, fit: bool) -> None:
        if self.session.accept_reload(snap, fit):
            self._show_snapshot(snap, fit)

    def _on_lineage_loaded(
        self, record: bool, fixed: bool, result: tuple[LineageModel, GraphSnapshot]
    ) -> None:
        snap = self.session.accept_lineage(result, record, fixed)
        self._emit_history()
        self.snapshot_changed.emit(snap)
        self._submit_layout(snap, fit=True)

    def _on_lineage_error(self, ref: str, exc: BaseException) -> None:
        self.lineage_failed.emit(ref, describe_error(exc, self.session.path))

    def _on_mutated(self, fit: bool, snap: GraphSnapshot) -> None:
        self.session.accept_snapshot(snap)
        self._show_snapshot(snap, fit)

    def _show_snapshot(self, snap: GraphSnapshot, fit: bool) -> None:
        self.snapshot_changed.emit(snap)
        self._submit_layout(snap, fit)

    def _submit_layout(self, snap: GraphSnapshot, fit: bool) -> None:
        try:
            request = build_layout_request(snap.view, direction=self.session.direction)
        except Exception as exc:  # noqa: BLE001 - bad data must not crash the window
            log.exception("building the layout request failed")
            self.lineage_failed.emit(snap.focus, describe_error(exc, self.session.path))
            return
        self._set_busy("layout", "Laying out…")
        self._layout.submit(
            request, partial(self._on_layout_done, snap, fit), partial(self._on_layout_error, snap)
        )

    def _on_layout_done(self, snap: GraphSnapshot, fit: bool, result: LayoutResult) -> None:
        self._done("layout")
        plan = self.session.layout_plan(snap)
        if plan is None:
            return
        keep = dict(plan.keep)
        selected: list[str] = []
        if plan.same_lineage:  # a refresh keeps what the user dragged and picked
            keep.update(self.scene.positions(moved_only=True))
            selected = [str(item.data(0)) for item in self.scene.selectedItems()]
        self.scene.set_graph(snap.view, result, keep_positions=keep)
        self.session.mark_shown(snap)
        for selected_key in selected:
            item = self.scene.node_item(selected_key)
            if item is not None:
                item.setSelected(True)
        self.lineage_shown.emit(snap.focus, fit)

    def _on_layout_error(self, snap: GraphSnapshot, exc: BaseException) -> None:
        self._done("layout")
        self.lineage_failed.emit(snap.focus, f"The layout failed: {exc}")

    @Slot(str)
    def _on_layout_notice(self, message: str) -> None:
        if "layout" in self.session.busy:  # the indicator says where the wait comes from
            self._set_busy("layout", "Laying out in this process…")
        self.layout_notice.emit(message)

    # --- user intents on the graph ----------------------------------------------------

    def hide(self, key: str) -> None:
        """Hide a node (or every member of a cluster) and remember it for this store."""
        self._mutate(self.session.hide(key))

    def unhide(self, key: str) -> None:
        """Show a hidden node again."""
        self._mutate(self.session.unhide(key))

    def unhide_many(self, keys: list[str]) -> None:
        """Show several hidden nodes again (one re-layout)."""
        self._mutate(self.session.unhide_many(keys))

    def unhide_all(self) -> None:
        """Show every hidden node of the lineage on screen again."""
        self._mutate(self.session.unhide_all())

    def extract(self, member_key: str) -> None:
        """Pull a member out of its cluster into the graph, and lay out again."""
        self._mutate(self.session.extract(member_key))

    def set_cluster_threshold(self, threshold: int | None) -> None:
        self._mutate(self.session.set_cluster_threshold(threshold), fit=True)

    def set_depths(self, upstream: int | None, downstream: int | None) -> None:
        """Change the depth limits (None = all) and re-read the lineage."""
        if self.session.set_depths(upstream, downstream):
            self.reload_lineage(fit=True)

    def set_direction(self, direction: str) -> None:
        """Lay out left-to-right (``LR``) or top-to-bottom (``TB``)."""
        if direction not in DIRECTIONS or direction == self.session.direction:
            return
        self._remember_positions()
        snap = self.session.snapshot
        if self.session.set_direction(direction) and snap is not None:
            self._submit_layout(snap, fit=True)

    def reset_layout(self) -> None:
        """Forget dragged positions of this lineage and lay it out afresh."""
        snap = self.session.reset_layout()
        if snap is not None:
            self._submit_layout(snap, fit=True)

    def _mutate(self, task: Task | None, fit: bool = False) -> None:
        if task is None:
            return
        self._run(
            "lineage",
            "Updating the graph…",
            task,
            partial(self._on_mutated, fit),
            partial(self._on_lineage_error, str(self.focus())),
            droppable=False,
        )

    # --- reading the snapshot (UI thread, cheap) --------------------------------------

    def node_attrs(self, key: str) -> NodeData:
        """Attributes of a node on screen or of a cluster member; {} if unknown."""
        return self.session.node_attrs(key)

    def hidden_nodes(self) -> list[tuple[str, str]]:
        """``(key, label)`` of the hidden nodes of the lineage on screen."""
        return self.session.hidden_nodes()

    def cluster_members(self, cluster_key: str, query: str = "") -> list[str]:
        """Members of a cluster on screen matching ``query`` (all when empty), ranked."""
        return self.session.cluster_members(cluster_key, query)

    def find(self, text: str) -> list[str]:
        """Keys of nodes on screen matching ``text`` (see ``queries.find_nodes``)."""
        return self.session.find(text)

    # --- live refresh -----------------------------------------------------------------

    def poll(self) -> bool:
        """Check now for commits by other processes (a timer does it every second)."""
        return self._watcher.poll()

    @Slot()
    def _on_watcher_changed(self) -> None:
        self.data_changed.emit()
        self.reload_collections()
        self.reload_lineage(fit=False)

    @Slot()
    def _on_watcher_lost(self) -> None:
        self.store_lost.emit(self.session.lost_message())

    # --- helpers ----------------------------------------------------------------------

    def _run(
        self,
        channel: str,
        text: str,
        task: Task,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        droppable: bool = True,
    ) -> None:
        if text:
            self._set_busy(channel, text)

        def done(result: Any) -> None:
            self._done(channel)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._done(channel)
            on_error(exc)

        self._worker.submit(channel, task, done, failed, droppable=droppable)

    def _on_query_error(self, exc: BaseException) -> None:
        self.problem.emit(describe_error(exc, self.session.path))

    def _set_busy(self, channel: str, text: str) -> None:
        self.session.busy.start(channel, text)
        self.busy_changed.emit(True, self.session.busy.text)

    def _done(self, channel: str) -> None:
        busy = self.session.busy
        if busy.finish(channel):
            self.busy_changed.emit(bool(busy), busy.text)

    def _emit_history(self) -> None:
        self.history_changed.emit(*self.session.history_state())

    def _remember_positions(self) -> None:
        """Save the positions the user dragged in the lineage on screen."""
        if self.session.wants_positions():
            self.session.remember_positions(self.scene.positions(moved_only=True))


def _empty_graph() -> nx.DiGraph:
    return nx.DiGraph(focus=None)
