"""``DialogsPresenter``: the Export and Hidden nodes dialogs of the main window — opening
them, and carrying out what they ask for through the controller. It also keeps File >
Export selection… enabled only while cards are selected, saying why when it is not."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from lineage_desktop.graph.pages import AUTO, DEFAULT_PAGE_SIZE, FIT
from lineage_desktop.records import LineageError
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.dialogs.hidden_dialog import HiddenNodesDialog
from lineage_desktop.ui.export.dialog import ExportDialog
from lineage_desktop.ui.export.files import ExportOptions, export_graph, format_for_path
from lineage_desktop.ui.scene.subset import subset_rect
from lineage_desktop.ui.session.queries import GraphSnapshot

NOTHING_SELECTED = (
    "Select nodes to export first: click one, Ctrl+click more, or Shift+drag a rubber band"
)


def export_selection_tip(count: int) -> str:
    """What Export selection… says it will do for ``count`` selected nodes."""
    if count <= 0:
        return NOTHING_SELECTED
    return f"Export the {count} selected node{'s' if count != 1 else ''} and the edges between them"


Notify = Callable[[str, str], None]  # (message, kind: "error" | "warning" | "info")


class DialogsPresenter(QObject):
    """Owns the window's dialogs. ``visible_area()`` gives the view's scene rectangle."""

    def __init__(
        self,
        window: QWidget,
        controller: LineageController,
        visible_area: Callable[[], QRectF],
        notify: Notify,
    ) -> None:
        super().__init__(window)
        self._window, self._controller = window, controller
        self._visible_area, self._notify = visible_area, notify
        self.hidden: HiddenNodesDialog | None = None
        self.export: ExportDialog | None = None
        self._selection_action: QAction | None = None
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)
        controller.scene.selection_keys_changed.connect(self._on_scene_selection_keys_changed)

    # --- export -----------------------------------------------------------------------

    def export_graph(
        self,
        path: str | os.PathLike[str],
        fmt: str | None = None,
        scale: float | None = None,
        visible_only: bool = False,
        dark: bool = False,
        keys: Sequence[str] = (),
        page_size: str = DEFAULT_PAGE_SIZE,
        orientation: str = AUTO,
    ) -> Path:
        """Export the graph on screen (format from ``fmt`` or the extension); with
        ``keys`` only those nodes and the edges between them. A PDF is laid out on
        ``page_size`` paper in ``orientation`` (see ``graph.pages``). ``scale`` defaults
        to 2 (sharp images), 1 for PDF pages (the size on screen). Raises
        ``ValueError`` subclasses or ``OSError``."""
        chosen = fmt or format_for_path(path) or "png"
        if scale is None:
            scale = 1.0 if chosen == "pdf" and page_size != FIT else 2.0
        return self._export(ExportOptions(
            Path(path), chosen, scale, visible_only, dark,
            keys=tuple(keys), page_size=page_size, orientation=orientation,
        ))

    def _export(self, options: ExportOptions) -> Path:
        snap = self._controller.snapshot
        if snap is None:
            raise LineageError("there is no graph to export; show a lineage first")
        return export_graph(
            options,
            self._controller.scene,
            snap.view,
            self._controller.direction,
            self._visible_area(),
        )

    @Slot()
    def open_export(self) -> None:
        """File > Export…: the dialog, window-modal but not blocking."""
        self.open_export_of(())

    @Slot()
    def open_export_selection(self) -> None:
        """File > Export selection…: the dialog for the selected cards."""
        self.open_export_of(self._controller.scene.selected_keys())

    def open_export_of(self, keys: Sequence[str]) -> None:
        """The Export dialog for the nodes ``keys`` and the edges between them (empty:
        the whole graph)."""
        snap = self._controller.snapshot
        if snap is None:
            self._notify("Show a lineage first, then export it.", "info")
            return
        scene = self._controller.scene
        keys = [k for k in keys if scene.node_item(k) is not None]
        store = self._controller.store_path
        folder = store.parent if isinstance(store, Path) else Path.cwd()  # a team store: cwd
        name = snap.label(snap.focus).replace(":", "-").replace("/", "-") or "lineage"
        dialog = ExportDialog(
            self._window,
            str(folder / f"{name}{'-selection' if keys else ''}.png"),
            subset_rect(scene, keys) if keys else scene.content_rect(),
            self._visible_area(),
            selection=keys,
        )
        self.export = dialog
        dialog.accepted.connect(partial(self._on_export_accepted, dialog))
        dialog.open()

    def _on_export_accepted(self, dialog: ExportDialog) -> None:
        options = dialog.options()
        try:
            path = self._export(options)
        except (LineageError, OSError, ValueError) as exc:
            self._notify(f"Export failed: {exc}", "error")
            return
        what = "the selection" if options.keys else "the graph"
        self._notify(f"Exported {what} to {path}", "info")

    # --- Export selection… enabled only with a selection -------------------------------

    def track_selection_action(self, action: QAction) -> None:
        """Keep ``action`` (Export selection…) enabled only while cards are selected."""
        self._selection_action = action
        self.refresh_selection_action()

    def refresh_selection_action(self) -> None:
        """Enable Export selection… when a graph is shown and cards are selected; its
        tooltip says how many, or how to select."""
        action = self._selection_action
        if action is None:
            return
        count = len(self._controller.scene.selected_keys())
        if self._controller.snapshot is None:
            count = 0
        action.setEnabled(count > 0)
        tip = export_selection_tip(count)
        action.setToolTip(tip)
        action.setStatusTip(tip)

    @Slot(list)
    def _on_scene_selection_keys_changed(self, keys: list[str]) -> None:
        self.refresh_selection_action()

    # --- hidden nodes -----------------------------------------------------------------

    def open_hidden(self) -> None:
        """View > Hidden nodes…: a non-modal list to show nodes again."""
        if self.hidden is None:
            self.hidden = HiddenNodesDialog(self._window)
            self.hidden.restore_requested.connect(self._controller.unhide_many)
            self.hidden.restore_all_requested.connect(self._controller.unhide_all)
        self.hidden.set_hidden(self._controller.hidden_nodes())
        self.hidden.show()
        self.hidden.raise_()

    @Slot(object)
    def _on_controller_snapshot_changed(self, snap: GraphSnapshot) -> None:
        self.refresh_selection_action()
        if self.hidden is not None and self.hidden.isVisible():
            self.hidden.set_hidden(snap.hidden)
