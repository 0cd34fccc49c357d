"""``LineageController``: the Qt adapter of the window's ``LineageSession``.

The session (``ui.session``, no Qt) holds the state and makes the decisions; the
controller owns the read-only store, the query worker, the layout runner and the store
watcher, runs the tasks the session names, puts laid-out graphs in the window's scene and
reports back by signal. Widgets hold no business logic: they call the controller's
methods and listen to its signals. Slow work never runs on the UI thread: database reads
and graph building go to the ``QueryWorker`` thread, layouts to the ``LayoutRunner``'s
process. While anything is in flight ``busy_changed`` says so.

The controller is assembled from one part per role: ``ControllerBase`` (signals,
workers, state, task running), ``StoreRequests`` (the store and its reads) and
``LineageRequests`` (the lineage on screen and its layout); this module adds what spans
both: the as-of moment and live refreshes when another process writes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from lineage_desktop.ui.controller.lineage import LineageRequests
from lineage_desktop.ui.controller.store import StoreRequests
from lineage_desktop.ui.scene import LineageScene
from lineage_desktop.ui.window.settings import AppSettings


class LineageController(StoreRequests, LineageRequests):
    """The window's brain. Its signals are declared and documented on
    ``ControllerBase``; its methods come from the parts named in the module docstring."""

    def __init__(
        self,
        scene: LineageScene,
        parent: QObject | None = None,
        settings: AppSettings | None = None,
        synchronous: bool = False,
    ) -> None:
        """``scene`` is the window's scene: the controller puts the laid-out graphs in it
        and reads the positions the user dragged from it."""
        super().__init__(scene, parent, settings, synchronous)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._layout.notice.connect(self._on_layout_notice)
        self._watcher.changed.connect(self._on_watcher_changed)
        self._watcher.lost.connect(self._on_watcher_lost)
        self._watcher.failed.connect(self._on_query_error)

    # --- as of, across the store and the lineage --------------------------------------

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


__all__ = ["LineageController"]
