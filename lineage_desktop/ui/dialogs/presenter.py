"""``DialogsPresenter``: the Export and Hidden nodes dialogs of the main window — opening
them, and carrying out what they ask for through the controller."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, Slot
from PySide6.QtWidgets import QWidget

from lineage_desktop.graph.pages import AUTO, DEFAULT_PAGE_SIZE, FIT
from lineage_desktop.records import LineageError
from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.dialogs.hidden_dialog import HiddenNodesDialog
from lineage_desktop.ui.export.dialog import ExportDialog
from lineage_desktop.ui.export.files import ExportOptions, export_graph, format_for_path
from lineage_desktop.ui.session.queries import GraphSnapshot

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
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)

    # --- export -----------------------------------------------------------------------

    def export_graph(
        self,
        path: str | os.PathLike[str],
        fmt: str | None = None,
        scale: float | None = None,
        visible_only: bool = False,
        dark: bool = False,
        page_size: str = DEFAULT_PAGE_SIZE,
        orientation: str = AUTO,
    ) -> Path:
        """Export the graph on screen (format from ``fmt`` or the extension; a PDF on
        ``page_size`` paper in ``orientation``, see ``graph.pages``). ``scale`` defaults
        to 2 (sharp images), 1 for PDF pages (the size on screen). Raises
        ``ValueError`` subclasses or ``OSError``."""
        chosen = fmt or format_for_path(path) or "png"
        if scale is None:
            scale = 1.0 if chosen == "pdf" and page_size != FIT else 2.0
        return self._export(ExportOptions(Path(path), chosen, scale, visible_only, dark,
                                          page_size, orientation))

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

    def open_export(self) -> None:
        """File > Export…: the dialog, window-modal but not blocking."""
        snap = self._controller.snapshot
        if snap is None:
            self._notify("Show a lineage first, then export it.", "info")
            return
        store = self._controller.store_path
        folder = store.parent if store is not None else Path.cwd()
        name = snap.label(snap.focus).replace(":", "-").replace("/", "-") or "lineage"
        dialog = ExportDialog(
            self._window,
            str(folder / f"{name}.png"),
            self._controller.scene.content_rect(),
            self._visible_area(),
        )
        self.export = dialog
        dialog.accepted.connect(partial(self._on_export_accepted, dialog))
        dialog.open()

    def _on_export_accepted(self, dialog: ExportDialog) -> None:
        try:
            path = self._export(dialog.options())
        except (LineageError, OSError, ValueError) as exc:
            self._notify(f"Export failed: {exc}", "error")
            return
        self._notify(f"Exported the graph to {path}", "info")

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
        if self.hidden is not None and self.hidden.isVisible():
            self.hidden.set_hidden(snap.hidden)
