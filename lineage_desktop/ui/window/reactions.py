"""``WindowReactions``: how the window follows the controller's signals (store opened,
failed, closed or lost; lineage shown or failed; busy; history; problems) and the view's
zoom: pages, banner, status line, busy indicator and the first fit of a new graph."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot

from lineage_desktop.ui import style
from lineage_desktop.ui.session.queries import GraphSnapshot
from lineage_desktop.ui.window.menus import WindowMenus

CHOOSE_TEXT = "Choose an artifact version or a run in the sidebar to see its lineage."


class WindowReactions(WindowMenus):
    """The third part of ``MainWindow`` (see the module docstring)."""

    lineage_ready: Signal

    @Slot(str)
    def _on_controller_store_opened(self, path: str) -> None:
        self.banner.hide()
        self.start_page.set_message("")
        self.stack.setCurrentWidget(self.focus_page)
        self.view.set_message(CHOOSE_TEXT)  # the panels follow ``details`` (the presenter)
        self.setWindowTitle(f"{Path(path).name} — lineage_desktop")
        self.status_text.setText(str(path))
        self._refresh_recent()
        self._update_enabled()

    @Slot(str, str)
    def _on_controller_store_failed(self, path: str, message: str) -> None:
        self.banner.show_message(message, "error")
        self.status_text.setText(message)
        if self.controller.store_path is None:
            self.stack.setCurrentWidget(self.start_page)
            self.start_page.set_message(message)
            self.setWindowTitle("lineage_desktop")
            self.focus_page.clear()
        self._refresh_recent()
        self._update_enabled()

    @Slot()
    def _on_controller_store_closed(self) -> None:
        self.stack.setCurrentWidget(self.start_page)
        self.setWindowTitle("lineage_desktop")
        self.status_text.setText("")
        self._refresh_recent()
        self._update_enabled()

    @Slot(str)
    def _on_controller_store_lost(self, message: str) -> None:
        self.banner.show_message(message, "warning")
        self.status_text.setText(message)

    @Slot(str, bool)
    def _on_controller_lineage_shown(self, focus: str, fit: bool) -> None:
        self.view.set_message(None)
        if fit:
            self._fit_readable(focus)
        self.details.graph_shown()
        self.finder.graph_shown()
        self.sidebar.select_key(focus)
        self._update_enabled()
        self.lineage_ready.emit(focus)

    def _fit_readable(self, focus: str) -> None:
        """The first view: the whole graph when its names stay readable at the fit zoom
        (semantic zoom enlarges them); else the focus and its neighbours at a readable
        zoom, with the overview map (Ctrl+0 still fits everything)."""
        self.view.fit_all()
        if self.view.isVisible() and self.view.zoom_factor() < style.OVERVIEW_MIN_ZOOM:
            self.view.show_neighbourhood(focus, style.NEIGHBOURHOOD_ZOOM)
        self.view.refresh_minimap()

    @Slot(str, str)
    def _on_controller_lineage_failed(self, ref: str, message: str) -> None:
        if self.controller.snapshot is None:
            self.view.set_message(message)
        self.banner.show_message(message, "error")
        self.status_text.setText(message)

    @Slot(object)
    def _on_controller_snapshot_changed(self, snap: GraphSnapshot) -> None:
        nodes = snap.view.number_of_nodes()
        self.status_text.setText(
            f"{snap.label(snap.focus)} — {nodes:,} nodes shown"
            + (f", {len(snap.hidden)} hidden" if snap.hidden else "")
        )

    @Slot(bool, str)
    def _on_controller_busy_changed(self, busy: bool, text: str) -> None:
        self.view.set_busy(busy, text or "Working…")
        self.busy.setVisible(busy)
        self.busy.setToolTip(text)

    @Slot(bool, bool)
    def _on_controller_history_changed(self, can_back: bool, can_forward: bool) -> None:
        self.actions_.back.setEnabled(can_back)
        self.actions_.forward.setEnabled(can_forward)

    @Slot(str)
    def _on_controller_problem(self, message: str) -> None:
        self.banner.show_message(message, "warning")

    @Slot(str)
    def _on_controller_layout_notice(self, message: str) -> None:
        self.notify(message, "warning")

    @Slot(float)
    def _on_view_zoom_changed(self, factor: float) -> None:
        self.zoom_label.setText(f"{factor * 100:.0f} %")
