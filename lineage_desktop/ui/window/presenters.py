"""Glue between the controller and the panels that show what is on screen.

``DetailsPresenter`` fills the preview dock and the focus page from the controller's
snapshot when nodes are clicked or the graph changes; ``FindPresenter`` runs Ctrl+F.
They decide nothing: the controller answers, the panels show.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Slot

from lineage_desktop.graph.nodes import NodeData, node_data
from lineage_desktop.records import ManifestEntry, run_key
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.panels.find_bar import FindBar
from lineage_desktop.ui.panels.focus_page import FocusPage
from lineage_desktop.ui.panels.preview_dock import PreviewDock
from lineage_desktop.ui.scene import LineageView
from lineage_desktop.ui.session.queries import GraphSnapshot


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


class DetailsPresenter(QObject):
    """Keeps the preview dock and the focus page in step with the graph."""

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
        scene = controller.scene
        scene.node_clicked.connect(self._on_scene_node_clicked)
        scene.cluster_clicked.connect(self._on_scene_cluster_clicked)
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)
        preview.lineage_requested.connect(controller.refocus)
        preview.extract_requested.connect(self._on_preview_extract_requested)

    # --- nodes ------------------------------------------------------------------------

    @Slot(str)
    def _on_scene_node_clicked(self, key: str) -> None:
        self.preview_node(key, load_files=True)

    def preview_node(self, key: str, load_files: bool = True) -> None:
        """Show a node (on screen or a cluster member) in the preview dock."""
        snap = self._controller.snapshot
        attrs = self._controller.node_attrs(key)
        if snap is None or not attrs:
            return
        self._preview.show_node(key, attrs, run_names(snap, attrs), is_focus=key == snap.focus)
        if load_files and attrs.is_artifact and not attrs.missing:
            self._controller.load_files(key, partial(self._on_files_loaded, key))

    def _on_files_loaded(self, key: str, entries: list[ManifestEntry]) -> None:
        self._preview.details.set_files(key, entries)

    # --- clusters ---------------------------------------------------------------------

    @Slot(str)
    def _on_scene_cluster_clicked(self, key: str) -> None:
        self.open_cluster(key)

    def open_cluster(self, key: str) -> None:
        """Show a cluster's member search in the preview dock."""
        attrs = self._controller.node_attrs(key)
        if attrs:
            self._preview.show_cluster(
                key,
                attrs,
                partial(self._controller.cluster_members, key),
                self._controller.node_attrs,
            )

    @Slot(str)
    def _on_preview_extract_requested(self, key: str) -> None:
        self._center_after_layout = key
        self._controller.extract(key)

    # --- graph changes ----------------------------------------------------------------

    @Slot(object)
    def _on_controller_snapshot_changed(self, snap: GraphSnapshot) -> None:
        focus_attrs = snap.attrs(snap.focus)
        focus_changed = self._page.key != snap.focus
        self._page.show_focus(snap.focus, focus_attrs, run_names(snap, focus_attrs), snap.problems)
        if focus_changed and focus_attrs.is_artifact:
            key = snap.focus
            self._controller.load_files(key, partial(self._page.set_files, key), "focus-files")
        self._refresh_preview(snap)

    def _refresh_preview(self, snap: GraphSnapshot) -> None:
        page = self._preview.page()
        if page == "cluster":
            key = self._preview.cluster.cluster_key
            if key in snap.view:
                text = self._preview.cluster.search.text()
                self.open_cluster(key)
                self._preview.cluster.search.setText(text)
            else:
                self._preview.show_empty()
        elif page == "node":
            key = self._preview.details.key
            if key is not None and snap.attrs(key):
                self.preview_node(key, load_files=False)

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
