"""``LineageController``: owns the read-only store, the lineage model, the layout runner
and the scene; turns user intents (by graph key) into work and reports back by signal.

Widgets hold no business logic: they call the controller's methods and listen to its
signals. Slow work never runs on the UI thread: database reads and graph building go to
the ``QueryWorker`` thread, layouts to the ``LayoutRunner``'s process. While anything is
in flight ``busy_changed`` says so.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
from PySide6.QtCore import QObject, Signal, Slot

from lineage_desktop.graph.clusters import DEFAULT_THRESHOLD
from lineage_desktop.graph.model import LineageModel
from lineage_desktop.layout.types import LayoutResult
from lineage_desktop.records import LineageError, ManifestEntry, StoreError
from lineage_desktop.sdk.refs import node_ref
from lineage_desktop.store import Store, parse_time
from lineage_desktop.ui import queries
from lineage_desktop.ui.errors import describe_error
from lineage_desktop.ui.history import History
from lineage_desktop.ui.layout_runner import LayoutRunner
from lineage_desktop.ui.live import StoreWatcher
from lineage_desktop.ui.queries import GraphSnapshot
from lineage_desktop.ui.scene import LineageScene, build_layout_request
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
        parent: QObject | None = None,
        settings: AppSettings | None = None,
        synchronous: bool = False,
        dark: bool = False,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or AppSettings()
        self.scene = LineageScene(self, dark=dark)
        self.history = History()
        self._worker = QueryWorker(self, synchronous=synchronous)
        self._layout = LayoutRunner(self, synchronous=synchronous)
        self._layout.notice.connect(self._on_layout_notice)
        self._store: Store | None = None
        self._path: Path | None = None
        self._model: LineageModel | None = None
        self._fixed_graph = False  # the model holds a given graph, not one read by ref
        self._as_of: str | None = None
        self._snapshot: GraphSnapshot | None = None
        self._shown_key: tuple[str, str] | None = None  # (focus, direction) in the scene
        self._busy: dict[str, str] = {}
        options = self.settings.view_options()
        self._direction = (
            options.get("direction") if options.get("direction") in ("LR", "TB") else "LR"
        )
        self._threshold: int | None = _int_or_none(
            options.get("cluster_threshold"), DEFAULT_THRESHOLD
        )
        self._upstream = _int_or_none(options.get("upstream"), None)
        self._downstream = _int_or_none(options.get("downstream"), None)
        self._watcher = StoreWatcher(self)
        self._watcher.changed.connect(self._on_watcher_changed)
        self._watcher.lost.connect(self._on_watcher_lost)
        self._watcher.failed.connect(self._on_query_error)

    # --- state ------------------------------------------------------------------------

    @property
    def store_path(self) -> Path | None:
        """Absolute path of the open store, or None."""
        return self._path

    @property
    def snapshot(self) -> GraphSnapshot | None:
        """The lineage on screen (graphs and state), or None."""
        return self._snapshot

    @property
    def direction(self) -> str:
        return self._direction

    @property
    def cluster_threshold(self) -> int | None:
        return self._threshold

    @property
    def depths(self) -> tuple[int | None, int | None]:
        return self._upstream, self._downstream

    @property
    def layouts(self) -> LayoutRunner:
        """The layout runner (where layouts run: ``mode``, ``service``); for diagnostics."""
        return self._layout

    def is_busy(self) -> bool:
        return bool(self._busy)

    def focus(self) -> str | None:
        """Focus key of the lineage on screen."""
        return self._snapshot.focus if self._snapshot else None

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
        self._store, self._path = store, absolute
        self.settings.add_recent(absolute)
        self._worker.open(absolute, on_error=partial(self._on_first_read_failed, absolute))
        if self._as_of is not None:
            self._worker.submit(
                "as-of", partial(_call, queries.set_as_of, self._as_of), droppable=False
            )
        self.store_opened.emit(str(absolute))
        self.reload_collections(first=True)
        return True

    def close_store(self, emit: bool = True) -> None:
        """Close the open store (remembering the view state) and clear the graph."""
        self._remember_positions()
        self._watcher.stop()
        self._worker.cancel("lineage")
        self._layout.cancel()
        self._busy.clear()
        self.busy_changed.emit(False, "")
        if self._store is not None:
            try:
                self._store.close()
            except StoreError:
                pass
        was_open = self._store is not None
        self._store = self._path = self._model = self._snapshot = None
        self._shown_key = None
        self.history.clear()
        self.history_changed.emit(False, False)
        self.scene.set_graph(_empty_graph(), LayoutResult(0, {}, {}, {}, 0.0, 0.0, "dot"))
        if emit and was_open:
            self.store_closed.emit()

    def shutdown(self) -> None:
        """Stop timers, threads and processes (the window is closing)."""
        self.close_store(emit=False)
        self._worker.shutdown()
        self._layout.shutdown()

    def _on_first_read_failed(self, path: Path, exc: BaseException) -> None:
        if self._path == path:
            message = describe_error(exc, path)
            self.close_store(emit=False)
            self.store_failed.emit(str(path), message)

    # --- sidebar data -----------------------------------------------------------------

    def reload_collections(self, first: bool = False) -> None:
        """Read the artifact collections again (answer: ``collections_loaded``)."""
        path = self._path
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
            partial(_call, queries.load_versions, name, project, entity),
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
            partial(_call, queries.load_runs, order, descending, offset, limit),
            on_done,
            self._on_query_error,
        )

    def load_files(
        self, key: str, on_done: Callable[[list[ManifestEntry]], None], channel: str = "files"
    ) -> None:
        """Read the files of an artifact version off the UI thread."""
        attrs = self.node_attrs(key)
        version_id = attrs.get("id_in_store")
        self._run(
            channel,
            "",
            partial(_call, queries.load_files, key, version_id),
            on_done,
            self._on_query_error,
        )

    # --- lineage ----------------------------------------------------------------------

    def show_lineage(self, ref: str, record: bool = True) -> None:
        """Show the lineage of ``ref`` (``name``, ``name:alias``, ``name:v3``, ``run:<id>``
        or a graph key). ``record`` adds it to the Back/Forward history."""
        ref = ref.strip()
        if self._store is None:
            self.lineage_failed.emit(ref, "Open a lineage store first (File > Open).")
            return
        self._remember_positions()
        self.lineage_started.emit(ref)
        hidden = self.settings.hidden_keys(str(self._path))
        task = partial(
            _call,
            queries.load_lineage,
            ref,
            self._upstream,
            self._downstream,
            self._threshold,
            hidden,
        )
        self._run(
            "lineage",
            "Reading lineage…",
            task,
            partial(self._on_lineage_loaded, ref, record),
            partial(self._on_lineage_error, ref),
        )

    def refocus(self, key: str) -> None:
        """Re-focus on a node of the graph (double-click), recorded in the history."""
        if key.startswith("cluster:"):
            return
        raw = self._snapshot.raw if self._snapshot is not None else None
        attrs = raw.nodes.get(key) if raw is not None and key in raw else None
        self.show_lineage(node_ref(key, attrs), record=True)

    def back(self) -> None:
        key = self.history.back()
        if key is not None:
            self._emit_history()
            self.show_lineage(key, record=False)

    def forward(self) -> None:
        key = self.history.forward()
        if key is not None:
            self._emit_history()
            self.show_lineage(key, record=False)

    def show_graph(self, raw: nx.DiGraph) -> None:
        """Show a given raw lineage graph (e.g. the paths between two nodes) instead of
        one read from the store; live refreshes leave it alone until the next lineage."""
        if self._store is None or raw.graph.get("focus") not in raw:
            return
        self._remember_positions()
        hidden = self.settings.hidden_keys(str(self._path))
        task = partial(_call, queries.model_of, raw, self._threshold, hidden)
        focus = str(raw.graph["focus"])
        self._run(
            "lineage",
            "Laying out…",
            task,
            partial(self._on_lineage_loaded, focus, True, fixed=True),
            partial(self._on_lineage_error, focus),
        )

    @property
    def as_of(self) -> str | None:
        """The moment the store is shown as of (ISO-8601 UTC), or None for now."""
        return self._as_of

    def set_as_of(self, moment: str | None) -> None:
        """Show the store as it stood at ``moment`` (None: as it is now): the sidebar,
        the run list and the lineage are read again."""
        try:
            moment = parse_time(moment) if moment else None
        except ValueError as exc:
            self.problem.emit(str(exc))
            return
        if moment == self._as_of or self._store is None:
            self._as_of = moment
            return
        self._as_of = moment
        # Queued before the re-reads below: the worker runs tasks in order.
        self._worker.submit("as-of", partial(_call, queries.set_as_of, moment), droppable=False)
        self.data_changed.emit()
        self.reload_collections()
        self.reload_lineage(fit=False)

    def load_impact(self, ref: str, on_done: Callable[[list[Any]], None]) -> None:
        """Everything downstream of ``ref`` as impact rows, read off the UI thread."""
        self._run(
            "impact",
            "Reading the impact…",
            partial(_call, queries.load_impact, ref),
            on_done,
            self._on_query_error,
        )

    def reload_lineage(self, fit: bool = False) -> None:
        """Re-read the current lineage (depths changed or another process wrote)."""
        model = self._model
        if model is None or self._store is None or self._fixed_graph:
            return
        task = partial(_call, queries.reload_lineage, model, self._upstream, self._downstream)
        self._run(
            "lineage",
            "Reading lineage…",
            task,
            partial(self._on_reloaded, fit=fit),
            partial(self._on_lineage_error, str(model.focus)),
        )

    def _on_reloaded(self, snap: GraphSnapshot, fit: bool) -> None:
        old = self._snapshot
        if not fit and old is not None and queries.same_view(old.view, snap.view):
            # Another process wrote something outside this lineage: nothing to redraw.
            self._done("lineage")
            self._snapshot = snap
            return
        self._on_snapshot(snap, fit)

    def _on_lineage_loaded(
        self,
        ref: str,
        record: bool,
        result: tuple[LineageModel, GraphSnapshot],
        fixed: bool = False,
    ) -> None:
        model, snap = result
        self._model = model
        self._fixed_graph = fixed
        # History holds exact references: graph keys are ambiguous across projects.
        focus_ref = node_ref(snap.focus, snap.raw.nodes.get(snap.focus))
        if record:
            self.history.visit(focus_ref)
        else:
            self.history.replace(focus_ref)
        self._emit_history()
        self._on_snapshot(snap, fit=True)

    def _on_lineage_error(self, ref: str, exc: BaseException) -> None:
        self._done("lineage")
        self.lineage_failed.emit(ref, describe_error(exc, self._path))

    def _on_snapshot(self, snap: GraphSnapshot, fit: bool) -> None:
        self._done("lineage")
        self._snapshot = snap
        self._sync_hidden(snap)
        self.snapshot_changed.emit(snap)
        self._submit_layout(snap, fit)

    def _submit_layout(self, snap: GraphSnapshot, fit: bool) -> None:
        try:
            request = build_layout_request(snap.view, direction=self._direction)
        except Exception as exc:  # noqa: BLE001 - bad data must not crash the window
            log.exception("building the layout request failed")
            self.lineage_failed.emit(snap.focus, describe_error(exc, self._path))
            return
        self._set_busy("layout", "Laying out…")
        self._layout.submit(
            request, partial(self._on_layout_done, snap, fit), partial(self._on_layout_error, snap)
        )

    def _on_layout_done(self, snap: GraphSnapshot, fit: bool, result: LayoutResult) -> None:
        self._done("layout")
        if snap is not self._snapshot:
            return
        key = (snap.focus, self._direction)
        keep = (
            self.settings.positions(str(self._path), snap.focus, self._direction)
            if self._path
            else {}
        )
        selected: list[str] = []
        if self._shown_key == key:
            keep.update(self.scene.positions(moved_only=True))
            selected = [str(item.data(0)) for item in self.scene.selectedItems()]
        self.scene.set_graph(snap.view, result, keep_positions=keep)
        self._shown_key = key
        for selected_key in selected:  # a refresh keeps what the user picked
            item = self.scene.node_item(selected_key)
            if item is not None:
                item.setSelected(True)
        self.lineage_shown.emit(snap.focus, fit)

    def _on_layout_error(self, snap: GraphSnapshot, exc: BaseException) -> None:
        self._done("layout")
        self.lineage_failed.emit(snap.focus, f"The layout failed: {exc}")

    @Slot(str)
    def _on_layout_notice(self, message: str) -> None:
        if "layout" in self._busy:  # the busy indicator says where the wait comes from
            self._set_busy("layout", "Laying out in this process…")
        self.layout_notice.emit(message)

    # --- user intents on the graph ----------------------------------------------------

    def hide(self, key: str) -> None:
        """Hide a node (or every member of a cluster) and remember it for this store."""
        self._mutate(lambda m: m.hide(key))

    def unhide(self, key: str) -> None:
        """Show a hidden node again."""
        self._mutate(lambda m: m.unhide(key))

    def unhide_many(self, keys: list[str]) -> None:
        """Show several hidden nodes again (one re-layout)."""
        wanted = list(keys)
        self._mutate(lambda m: [m.unhide(k) for k in wanted])

    def unhide_all(self) -> None:
        """Show every hidden node of the lineage on screen again."""
        self._mutate(lambda m: m.unhide_all())

    def extract(self, member_key: str) -> None:
        """Pull a member out of its cluster into the graph, and lay out again."""
        self._mutate(lambda m: m.extract(member_key))

    def set_cluster_threshold(self, threshold: int | None) -> None:
        self._threshold = threshold or None
        self.settings.set_view_options(cluster_threshold=threshold or 0)
        self._mutate(lambda m: m.set_cluster_threshold(threshold or None), fit=True)

    def set_depths(self, upstream: int | None, downstream: int | None) -> None:
        """Change the depth limits (None = all) and re-read the lineage."""
        if (upstream, downstream) == (self._upstream, self._downstream):
            return
        self._upstream, self._downstream = upstream, downstream
        self.settings.set_view_options(upstream=upstream, downstream=downstream)
        self.reload_lineage(fit=True)

    def set_direction(self, direction: str) -> None:
        """Lay out left-to-right (``LR``) or top-to-bottom (``TB``)."""
        if direction not in ("LR", "TB") or direction == self._direction:
            return
        self._remember_positions()
        self._direction = direction
        self.settings.set_view_options(direction=direction)
        if self._snapshot is not None:
            self._submit_layout(self._snapshot, fit=True)

    def reset_layout(self) -> None:
        """Forget dragged positions of this lineage and lay it out afresh."""
        snap = self._snapshot
        if snap is None or self._path is None:
            return
        self.settings.set_positions(str(self._path), snap.focus, self._direction, {})
        self._shown_key = None  # so the scene's dragged positions are not carried over
        self._submit_layout(snap, fit=True)

    def _mutate(self, change: Callable[[LineageModel], Any], fit: bool = False) -> None:
        model = self._model
        if model is None:
            return
        self._run(
            "lineage",
            "Updating the graph…",
            queries.mutate(model, change),
            partial(self._on_snapshot, fit=fit),
            partial(self._on_lineage_error, str(model.focus)),
            droppable=False,
        )

    def _sync_hidden(self, snap: GraphSnapshot) -> None:
        """Store-wide hidden keys: those of other lineages plus this model's."""
        if self._path is None:
            return
        saved = self.settings.hidden_keys(str(self._path))
        in_graph = set(snap.raw.nodes)
        keys = [k for k in saved if k not in in_graph] + [k for k, _ in snap.hidden]
        if keys != saved:
            self.settings.set_hidden_keys(str(self._path), keys)

    # --- reading the snapshot (UI thread, cheap) --------------------------------------

    def node_attrs(self, key: str) -> dict[str, Any]:
        """Attributes of a node on screen or of a cluster member; {} if unknown."""
        return self._snapshot.attrs(key) if self._snapshot else {}

    def hidden_nodes(self) -> list[tuple[str, str]]:
        """``(key, label)`` of the hidden nodes of the lineage on screen."""
        return list(self._snapshot.hidden) if self._snapshot else []

    def cluster_members(self, cluster_key: str, query: str = "") -> list[str]:
        """Members of a cluster on screen matching ``query`` (all when empty), ranked."""
        snap = self._snapshot
        return queries.cluster_members(snap.view, cluster_key, query) if snap else []

    def find(self, text: str) -> list[str]:
        """Keys of nodes on screen matching ``text`` (see ``queries.find_nodes``)."""
        return queries.find_nodes(self._snapshot.view, text) if self._snapshot else []

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
        self.store_lost.emit(
            f"The store {self._path} was deleted or replaced while open. What is on screen "
            "stays readable; open the store again to see its current content."
        )

    # --- helpers ----------------------------------------------------------------------

    def _run(
        self,
        channel: str,
        text: str,
        task: Callable[[Any], Any],
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
        self.problem.emit(describe_error(exc, self._path))

    def _set_busy(self, channel: str, text: str) -> None:
        self._busy[channel] = text
        self.busy_changed.emit(True, self._busy_text())

    def _done(self, channel: str) -> None:
        if self._busy.pop(channel, None) is None:
            return
        self.busy_changed.emit(bool(self._busy), self._busy_text())

    def _busy_text(self) -> str:
        for channel in ("layout", "lineage"):
            if channel in self._busy:
                return self._busy[channel]
        return next(iter(self._busy.values()), "")

    def _emit_history(self) -> None:
        self.history_changed.emit(self.history.can_back(), self.history.can_forward())

    def _remember_positions(self) -> None:
        """Save the positions the user dragged in the lineage on screen."""
        if self._shown_key is None or self._path is None:
            return
        moved = self.scene.positions(moved_only=True)
        if moved:
            focus, direction = self._shown_key
            saved = self.settings.positions(str(self._path), focus, direction)
            saved.update(moved)
            self.settings.set_positions(str(self._path), focus, direction, saved)


def _call(function: Callable[..., Any], *args: Any) -> Any:
    """``partial(_call, f, a, b)(api)`` calls ``f(api, a, b)``."""
    api = args[-1]
    return function(api, *args[:-1])


def _int_or_none(value: Any, default: int | None) -> int | None:
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= 0 else None


def _empty_graph():  # type: ignore[no-untyped-def]
    import networkx as nx

    return nx.DiGraph(focus=None)
