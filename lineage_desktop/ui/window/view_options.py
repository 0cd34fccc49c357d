"""``ViewOptionsPresenter``: the store's non-default view options in the status bar, and
View > Reset view options. Options are kept per store by the session."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu

from lineage_desktop.ui.controller import LineageController
from lineage_desktop.ui.panels.toolbar import LineageToolbar


class ViewOptionsPresenter(QObject):
    """Keeps ``label`` (objectName ``viewOptionsLabel``) and the toolbar's values in step
    with the open store's view options; ``reset`` (objectName ``resetViewOptions``)."""

    def __init__(
        self, window: QMainWindow, controller: LineageController, toolbar: LineageToolbar,
    ) -> None:
        super().__init__(window)
        self._controller = controller
        self._toolbar = toolbar
        self.label = QLabel("", window)
        self.label.setObjectName("viewOptionsLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setToolTip("View options of this store that differ from the defaults "
                              "(View > Reset view options)")
        window.statusBar().addPermanentWidget(self.label)
        self.reset = QAction("Reset view options", window)
        self.reset.setObjectName("resetViewOptions")
        self.reset.setToolTip("Default depths, clustering and direction for this store")
        view_menu = window.menuBar().findChild(QMenu, "viewMenu")
        if view_menu is not None:
            view_menu.addAction(self.reset)
        self._connect_signals()
        self.refresh()

    def _connect_signals(self) -> None:
        self.reset.triggered.connect(self._on_reset_triggered)
        c, t = self._controller, self._toolbar
        for signal in (c.store_opened, c.store_closed, c.lineage_started, c.snapshot_changed,
                       t.depths_changed,
                       t.threshold_changed, t.direction_changed):
            signal.connect(self._on_options_maybe_changed)

    @Slot()
    def _on_options_maybe_changed(self, *args: object) -> None:
        self.refresh()

    @Slot()
    def _on_reset_triggered(self) -> None:
        self._controller.reset_view_options()
        self.refresh()

    def refresh(self) -> None:
        """Show the session's options in the toolbar (silently) and the label."""
        c = self._controller
        self._toolbar.set_values(*c.depths, c.cluster_threshold, c.direction)
        actions = getattr(self.parent(), "actions_", None)
        if actions is not None:
            (actions.direction_tb if c.direction == "TB" else actions.direction_lr
             ).setChecked(True)
        changed = c.session.changed_options()
        self.label.setText("View: " + ", ".join(changed) if changed else "")
        self.reset.setEnabled(bool(changed) and c.session.is_open)
