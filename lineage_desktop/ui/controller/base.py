"""``ControllerBase``: the signals, workers and shared helpers of ``LineageController``.

It owns the session (``ui.session``, no Qt), the query worker, the layout runner and the
store watcher, exposes the session's state to the window, and runs the tasks the session
names on the query worker while ``busy_changed`` says what is in flight. The requests
themselves live in ``controller_store`` (the store and its reads) and
``controller_lineage`` (the lineage on screen and its layout).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from lineage_desktop.graph.nodes import NodeData
from lineage_desktop.store import Store
from lineage_desktop.ui.errors import describe_error
from lineage_desktop.ui.scene import LineageScene
from lineage_desktop.ui.session import LineageSession, Task
from lineage_desktop.ui.session.history import History
from lineage_desktop.ui.session.queries import GraphSnapshot
from lineage_desktop.ui.tasks.layout_runner import LayoutRunner
from lineage_desktop.ui.tasks.live import StoreWatcher
from lineage_desktop.ui.tasks.worker import QueryWorker
from lineage_desktop.ui.window.settings import AppSettings


class ControllerBase(QObject):
    """What every part of the controller shares. Signals:

    - ``store_opened(str)``: a store (absolute path) is open; the sidebar loads next.
    - ``store_failed(str, str)``: opening (or first reading) a store failed: path, message.
    - ``store_closed()``: no store is open any more.
    - ``store_lost(str)``: the open store's file was deleted or replaced (message).
    - ``collections_loaded(object)``: a ``queries.CollectionTree`` (open and refresh).
    - ``lineage_started(str)``: a lineage was asked for (the reference).
    - ``lineage_shown(str, bool)``: the scene holds the graph of this focus key; the bool
      says whether the view should fit it (new focus or new shape) or keep its zoom.
    - ``lineage_failed(str, str)``: reference, message.
    - ``lineage_not_yet(str, str, str)``: after ``lineage_failed``, when the reference's
      collection had no version yet as of the moment: the reference, its first version
      (``name:v0``) and when that was logged.
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
    lineage_not_yet = Signal(str, str, str)
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
        # A user's request on the lineage channel (a navigation, a change to the graph) not
        # yet answered, and the re-read asked for meanwhile (its ``fit``): a re-read of the
        # graph on screen must not supersede the request, which it would silently drop.
        self._intent = 0
        self._intent_pending = False
        self._deferred_reload: bool | None = None

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

    def _cancel_lineage(self) -> None:
        """Forget the lineage requests in flight and the re-read waiting for them."""
        self._worker.cancel("lineage")
        self._intent_pending, self._deferred_reload = False, None

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
