"""Glue between the controller and the panels that show what is on screen.

``DetailsPresenter`` is the one place that decides what the panels show (the preview
dock, the focus page, and the panels following its ``current_changed``) whenever the
selection, the focus, the graph or the store changes; ``FindPresenter`` runs Ctrl+F.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QObject, Signal, Slot

from lineage_desktop.graph.nodes import NodeData, node_data
from lineage_desktop.records import ManifestEntry, is_cluster_key, run_key
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.panels.find_bar import FindBar
from lineage_desktop.ui.panels.focus_page import FocusPage
from lineage_desktop.ui.panels.preview_dock import PreviewDock
from lineage_desktop.ui.scene import LineageView
from lineage_desktop.ui.session.queries import GraphSnapshot


def _on_screen(snap: GraphSnapshot, key: str) -> bool:
    """Whether ``key`` is drawn, or is a member of a drawn cluster (not hidden)."""
    if key in snap.view:
        return True
    return key in snap.raw and all(key != hidden for hidden, _ in snap.hidden)


def run_names(snap: GraphSnapshot, attrs: NodeData) -> dict[str, str]:
    """Run id -> run name for the runs that logged the version ``attrs`` (for "Logged
    by"): looked up in the lineage, not gathered from all of it (a 50k-node lineage
    would stall the window for each preview)."""
    names = {}
    for run_id in (attrs.logged_by, *attrs.producers):
        run = node_data(snap.raw, run_key(run_id)) if run_id else None
        if run is not None and run.is_run and run_id:
            names[run_id] = run.name or run_id
    return names


@dataclass(frozen=True)
class Current:
    """What the panels show now: the ``focus`` of the lineage on screen and the ``node``
    of the Details dock (what the user picked, else the focus; None without a graph).
    ``picked`` says the user chose ``node``."""

    focus: str | None = None
    node: str | None = None
    picked: bool = False

    @property
    def subject(self) -> str | None:
        """The node audits of "the selection" are about: the picked node unless it is a
        cluster, else the focus."""
        if self.node is not None and not is_cluster_key(self.node):
            return self.node
        return self.focus


class DetailsPresenter(QObject):
    """The one place that decides what the panels show: the Details dock (node, cluster
    or hint), the focus page, and every panel that follows ``current_changed``.

    It decides again whenever anything they depend on changes: a card picked (clicked,
    dragged or selected), the focus, the graph replaced (refocus, hide, extract, a live
    re-read), the store opened or closed. A picked node stays shown while it is part
    of the graph on screen and the focus stays; otherwise the dock shows the focus.

    Signals: ``current_changed(object)``: the ``Current`` after every decision.
    """

    current_changed = Signal(object)

    def __init__(
        self,
        controller: LineageController,
        preview: PreviewDock,
        page: FocusPage,
        view: LineageView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller, self._preview, self._page, self._view = controller, preview, page, view
        self._center_after_layout: str | None = None
        self._picked: str | None = None
        self._selected: list[str] = []
        self._focus: str | None = None
        self._shown: tuple[str | None, GraphSnapshot | None] = (None, None)  # dock key, graph
        self._files: tuple[str, list[ManifestEntry]] | None = None  # last manifest read
        self._current = Current()
        scene = controller.scene
        scene.node_clicked.connect(self._on_scene_node_clicked)
        scene.cluster_clicked.connect(self._on_scene_node_clicked)
        scene.selection_keys_changed.connect(self._on_scene_selection_keys_changed)
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)
        controller.lineage_shown.connect(self._on_controller_lineage_shown)
        controller.store_opened.connect(self._on_controller_store_changed)
        controller.store_closed.connect(self._on_controller_store_changed)
        preview.lineage_requested.connect(controller.refocus)
        preview.extract_requested.connect(self._on_preview_extract_requested)

    def current(self) -> Current:
        """What the panels show now."""
        return self._current

    # --- what the user picks ----------------------------------------------------------

    @Slot(str)
    def _on_scene_node_clicked(self, key: str) -> None:
        self.pick(key)

    @Slot(list)
    def _on_scene_selection_keys_changed(self, keys: list[str]) -> None:
        added = [k for k in keys if k not in self._selected]
        self._selected = list(keys)
        if added:  # a press selects before any drag: a dragged card is picked too
            self.pick(added[-1])

    def pick(self, key: str) -> None:
        """Show ``key`` (a node on screen, a cluster or a cluster member) in the dock."""
        self._picked = key
        self.refresh()

    def preview_node(self, key: str, load_files: bool = True) -> None:
        """Show a node (on screen or a cluster member) in the preview dock."""
        self.pick(key)

    def open_cluster(self, key: str) -> None:
        """Show a cluster's member search in the preview dock."""
        self.pick(key)

    # --- what changed around them -----------------------------------------------------

    @Slot(object)
    def _on_controller_snapshot_changed(self, snap: GraphSnapshot) -> None:
        if snap.focus != self._focus:  # a new lineage: nothing of the old one is picked
            self._picked = None
            self._selected = []
        self.refresh()

    @Slot(str, bool)
    def _on_controller_lineage_shown(self, focus: str, fit: bool) -> None:
        scene = self._controller.scene
        self._selected = [str(item.data(0)) for item in scene.selectedItems() if item.data(0)]
        self.refresh()

    @Slot()
    def _on_controller_store_changed(self, *args: object) -> None:
        self._picked, self._selected, self._focus = None, [], None
        self._files = None
        self._shown = (None, None)
        self.refresh()

    # --- the decision -------------------------------------------------------------------

    def refresh(self) -> None:
        """Decide what the panels show and show it."""
        snap = self._controller.snapshot if self._controller.store_path else None
        if snap is None:
            self._focus, self._picked = None, None
            self._current = Current()
            self._page.clear()
            self._preview.show_empty()
            self._shown = (None, None)
            self.current_changed.emit(self._current)
            return
        picked = self._picked
        if picked is not None and not _on_screen(snap, picked):
            picked = self._picked = None  # hidden, re-read away, or of another graph
        self._show_focus(snap)
        node = picked or snap.focus
        self._current = Current(snap.focus, node, picked is not None)
        self._show_in_dock(snap, node)
        self.current_changed.emit(self._current)

    def _show_focus(self, snap: GraphSnapshot) -> None:
        attrs = snap.attrs(snap.focus)
        focus_changed = self._page.key != snap.focus
        self._focus = snap.focus
        self._page.show_focus(snap.focus, attrs, run_names(snap, attrs), snap.problems)
        if focus_changed and attrs.is_artifact:
            key = snap.focus
            self._controller.load_files(key, partial(self._page.set_files, key), "focus-files")

    def _show_in_dock(self, snap: GraphSnapshot, key: str) -> None:
        if self._shown[0] == key and self._shown[1] is snap:
            return  # shown already, from this very graph
        self._shown = (key, snap)
        attrs = self._controller.node_attrs(key)
        if is_cluster_key(key):
            same = self._preview.page() == "cluster" and self._preview.cluster.cluster_key == key
            text = self._preview.cluster.search.text() if same else ""
            self._preview.show_cluster(
                key, attrs, partial(self._controller.cluster_members, key),
                self._controller.node_attrs,
            )
            if text:
                self._preview.cluster.search.setText(text)
            return
        self._preview.show_node(key, attrs, run_names(snap, attrs), is_focus=key == snap.focus)
        if not attrs.is_artifact or attrs.missing:
            return
        if self._files is not None and self._files[0] == key:
            self._preview.details.set_files(key, self._files[1])
        else:
            self._controller.load_files(key, partial(self._on_files_loaded, key))

    def _on_files_loaded(self, key: str, entries: list[ManifestEntry]) -> None:
        self._files = (key, entries)
        self._preview.details.set_files(key, entries)

    # --- extraction -------------------------------------------------------------------

    @Slot(str)
    def _on_preview_extract_requested(self, key: str) -> None:
        self._center_after_layout = key
        self._controller.extract(key)

    def graph_shown(self) -> None:
        """The window calls this once a new graph is on screen (after fitting it)."""
        if not self._center_after_layout:
            return
        key, self._center_after_layout = self._center_after_layout, None
        scene = self._controller.scene
        item = scene.node_item(key)
        if item is not None:  # the extracted node is picked out and brought into view
            scene.clearSelection()
            item.setSelected(True)
            self._view.center_on_key(key)

    def clear(self) -> None:
        self._picked = None
        self._page.clear()
        self._preview.show_empty()


class FindPresenter(QObject):
    """Ctrl+F: matches from the controller, highlighted in the scene, centred in the view."""

    def __init__(
        self,
        controller: LineageController,
        bar: FindBar,
        view: LineageView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller, self._bar, self._view = controller, bar, view
        bar.query_changed.connect(self._on_bar_query_changed)
        bar.current_changed.connect(self._on_bar_current_changed)
        bar.closed.connect(self._on_bar_closed)

    @Slot(str)
    def _on_bar_query_changed(self, text: str) -> None:
        matches = self._controller.find(text)
        self._controller.scene.highlight(matches)
        self._bar.set_matches(matches)

    @Slot(str)
    def _on_bar_current_changed(self, key: str) -> None:
        self._view.center_on_key(key)

    @Slot()
    def _on_bar_closed(self) -> None:
        self._controller.scene.highlight([])
        self._view.setFocus()

    def graph_shown(self) -> None:
        """The window calls this once a new graph is on screen: find again in it."""
        text = self._bar.field.text()
        if self._bar.isVisible() and text.strip():  # a new graph: find again
            self._on_bar_query_changed(text)
