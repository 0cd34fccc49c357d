"""``LineageRequests``: the lineage on screen, from a reference to a laid-out scene.

Reading (or modelling) a lineage runs on the query worker, its layout in the layout
runner's process; the session decides what each answer means (``accept_*``,
``layout_plan``) and this part puts the result in the window's scene. User intents on
the graph (hide, extract, depths, threshold, direction) go the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import networkx as nx
from PySide6.QtCore import Slot

from lineage_desktop.graph.model import LineageModel
from lineage_desktop.layout.types import LayoutRequest, LayoutResult
from lineage_desktop.records import ArtifactNotYetLogged
from lineage_desktop.ui.controller.base import ControllerBase
from lineage_desktop.ui.errors import describe_error
from lineage_desktop.ui.scene import build_layout_request
from lineage_desktop.ui.scene.hidden_marks import with_marks
from lineage_desktop.ui.session import NO_STORE_MESSAGE, Task
from lineage_desktop.ui.session.queries import GraphSnapshot

log = logging.getLogger(__name__)

VIEWPORT_STEP = 20.0  # pixels: the view size passed to the layout, rounded to this


class LineageRequests(ControllerBase):
    """The lineage part of ``LineageController`` (see the module docstring)."""

    # --- lineage ----------------------------------------------------------------------

    def show_lineage(self, ref: str, record: bool = True) -> None:
        """Show the lineage of ``ref`` (``name``, ``name:alias``, ``name:v3``, ``run:<id>``
        or a graph key). ``record`` adds it to the Back/Forward history; without it (Back
        and Forward) the entry's extracted and hidden nodes come back."""
        ref = ref.strip()
        if not self.session.is_open:
            self.lineage_failed.emit(ref, NO_STORE_MESSAGE)
            return
        self._remember_positions()
        if record:
            self.session.stash_state()
        self.lineage_started.emit(ref)
        self._ask(
            "Reading lineage…",
            self.session.lineage_task(ref, restore=not record),
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
        self.session.stash_state()  # recorded in the history: Back comes back to this
        focus = str(raw.graph["focus"])
        self._ask(
            "Laying out…",
            task,
            partial(self._on_lineage_loaded, True, True),
            partial(self._on_lineage_error, focus),
        )

    def reload_lineage(self, fit: bool = False) -> None:
        """Re-read the current lineage (depths changed or another process wrote)."""
        if self._intent_pending:  # read once the request is answered, with what it set
            self._deferred_reload = fit or bool(self._deferred_reload)
            return
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
        if isinstance(exc, ArtifactNotYetLogged):
            self.lineage_not_yet.emit(ref, exc.first, exc.first_logged_at)

    def _on_mutated(self, fit: bool, snap: GraphSnapshot) -> None:
        self.session.accept_snapshot(snap)
        self._show_snapshot(snap, fit)

    def _show_snapshot(self, snap: GraphSnapshot, fit: bool) -> None:
        self.snapshot_changed.emit(snap)
        self._submit_layout(snap, fit)

    def _submit_layout(self, snap: GraphSnapshot, fit: bool) -> None:
        # Measuring 20,000 cards takes most of a second: the query worker does it (the
        # scene reuses the measurements, see ``cards.view_cards``); a newer one wins.
        # Hidden nodes keep their place in the layout (``hidden_marks``).
        direction, viewport = self.session.direction, self._viewport()
        self._run(
            "measure",
            "Laying out…",
            lambda _api: with_marks(
                build_layout_request(snap.view, direction=direction, viewport=viewport),
                snap.marks, snap.raw,
            ),
            partial(self._on_request_built, snap, fit),
            partial(self._on_request_failed, snap),
        )

    def _viewport(self) -> tuple[float, float] | None:
        """Size of the view that shows the scene, rounded so that a few pixels of
        difference reuse a cached layout (None before it has a size)."""
        for view in self.scene.views():
            size = view.viewport().size()
            if view.isVisible() and size.width() > 100 and size.height() > 100:
                step = VIEWPORT_STEP
                return (round(size.width() / step) * step, round(size.height() / step) * step)
        return None

    def _on_request_failed(self, snap: GraphSnapshot, exc: BaseException) -> None:
        # Bad data must not crash the window.
        log.error("building the layout request failed", exc_info=exc)
        self.lineage_failed.emit(snap.focus, describe_error(exc, self.session.path))

    def _on_request_built(self, snap: GraphSnapshot, fit: bool, request: LayoutRequest) -> None:
        self._set_busy("layout", "Laying out…")
        self._layout.submit(
            request, partial(self._on_layout_done, snap, fit), partial(self._on_layout_error, snap)
        )

    def _on_layout_done(self, snap: GraphSnapshot, fit: bool, result: LayoutResult) -> None:
        self._done("layout")
        plan = self.session.layout_plan(snap)
        if plan is None:
            return
        moved: dict[str, tuple[float, float]] = {}
        selected: list[str] = []
        if plan.same_lineage:  # a refresh keeps what the user dragged and picked
            moved = self.scene.positions(moved_only=True)
            selected = [str(item.data(0)) for item in self.scene.selectedItems()]
        self.scene.set_graph(snap.view, result, keep_positions=plan.positions(moved))
        self.session.mark_shown(snap)
        # A big graph is built in slices: mark where hidden nodes were, select and
        # announce once every card exists (a newer set_graph drops these callbacks).
        self.scene.when_built(partial(self.scene.set_hidden_marks, snap.marks, result))
        self.scene.when_built(partial(self._on_scene_built, snap.focus, fit, selected))

    def _on_scene_built(self, focus: str, fit: bool, selected: list[str]) -> None:
        for selected_key in selected:
            item = self.scene.node_item(selected_key)
            if item is not None:
                item.setSelected(True)
        self.lineage_shown.emit(focus, fit)

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
        if not self.session.is_new_direction(direction):
            return
        self._remember_positions()
        snap = self.session.snapshot
        if self.session.set_direction(direction) and snap is not None:
            self._submit_layout(snap, fit=True)

    def reset_view_options(self) -> None:
        """Back to the default depths, threshold and direction for this store, and read
        the lineage on screen again with them (not a step in the history)."""
        self._remember_positions()
        self.session.reset_view_options()
        focus = self.session.focus()
        ref = self.session.ref_of(focus) if focus is not None else None
        if ref is not None:
            self.show_lineage(ref, record=False)

    def reset_layout(self) -> None:
        """Forget dragged positions of this lineage and lay it out afresh."""
        snap = self.session.reset_layout()
        if snap is not None:
            self._submit_layout(snap, fit=True)

    def _mutate(self, task: Task | None, fit: bool = False) -> None:
        if task is None:
            return
        self._ask(
            "Updating the graph…",
            task,
            partial(self._on_mutated, fit),
            partial(self._on_lineage_error, str(self.focus())),
            droppable=False,
        )

    def _ask(
        self,
        text: str,
        task: Task,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        droppable: bool = True,
    ) -> None:
        """Run a user's request on the lineage channel; a re-read asked for before its
        answer (another process wrote, the as-of moment or the depths changed) follows it
        instead of superseding it."""
        self._intent += 1
        intent, self._intent_pending = self._intent, True

        def answered(callback: Callable[[Any], None], result: Any) -> None:
            callback(result)
            if intent == self._intent:  # the newest request: nothing newer waits
                self._intent_pending = False
                fit, self._deferred_reload = self._deferred_reload, None
                if fit is not None:
                    self.reload_lineage(fit=fit)

        self._run("lineage", text, task, partial(answered, on_done),
                  partial(answered, on_error), droppable=droppable)
