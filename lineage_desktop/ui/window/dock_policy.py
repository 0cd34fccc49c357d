"""``DetailsDockPolicy``: the details dock (``previewDock``) stays out of the canvas's way
until it has something to show.

A new window starts with the dock hidden, so the graph gets the whole width; the first
click on a node or cluster shows it. When the user closes it (its close button or the
View menu) it stays closed, also in later windows, until the user opens it again from
the View menu; when the user floats it, it comes back floating.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtWidgets import QDockWidget

from lineage_desktop.ui.window.settings import AppSettings


class DetailsDockPolicy(QObject):
    """Shows, hides and floats ``dock`` as described in the module docstring."""

    def __init__(self, dock: QDockWidget, settings: AppSettings, parent: QObject) -> None:
        super().__init__(parent)
        self._dock = dock
        self._settings = settings
        self._revealed = False  # a node was clicked in this window
        self._quiet = False  # our own changes, not the user's
        dock.installEventFilter(self)
        dock.toggleViewAction().triggered.connect(self._on_toggle_triggered)
        dock.topLevelChanged.connect(self._on_dock_top_level_changed)

    def start(self) -> None:
        """Hide the dock until a node is clicked (whatever the saved window state says)."""
        self._dock.hide()

    def wants_shown(self) -> bool:
        """Whether the dock should be visible now."""
        return self._revealed and not self._settings.details_dock()["closed"]

    def reveal(self) -> None:
        """A node was clicked: show the dock unless the user closed it."""
        self._revealed = True
        if not self.wants_shown() or self._dock.isVisible():
            return
        self._quiet = True
        try:
            if self._settings.details_dock()["floating"] and not self._dock.isFloating():
                self._dock.setFloating(True)
            self._dock.show()
            self._dock.raise_()
        finally:
            self._quiet = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        # The dock's close button closes it; a programmatic hide() sends no Close event.
        if watched is self._dock and event.type() == QEvent.Type.Close:
            self._remember(closed=True)
        return super().eventFilter(watched, event)

    @Slot(bool)
    def _on_toggle_triggered(self, checked: bool) -> None:
        if checked:
            self._revealed = True
        self._remember(closed=not checked)

    @Slot(bool)
    def _on_dock_top_level_changed(self, floating: bool) -> None:
        if not self._quiet:
            self._remember(floating=floating)

    def _remember(self, **choice: bool) -> None:
        self._settings.set_details_dock(**{**self._settings.details_dock(), **choice})
