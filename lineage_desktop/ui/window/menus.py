"""``WindowMenus``: what the window's menus and start page ask for: open a store (also
by drop), the recent stores, close, reload, find, the layout direction, About."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from lineage_desktop import __version__
from lineage_desktop.ui.dialogs.shortcuts_dialog import ShortcutsDialog
from lineage_desktop.ui.window.parts import WindowWidgets


class WindowMenus(WindowWidgets):
    """The second part of ``MainWindow`` (see the module docstring)."""

    # --- opening stores (open_store is part of the scripting surface) ----------------

    def open_store(self, path: str | os.PathLike[str]) -> bool:
        """Open a store read-only; an error is shown in the window, never raised.
        Returns whether the store opened (its sidebar fills asynchronously)."""
        return self.controller.open_store(path)

    @Slot()
    def _on_find_triggered(self) -> None:
        if self.stack.currentWidget() is self.focus_page:
            self.focus_page.tabs.setCurrentIndex(0)
            self.find_bar.open_bar()

    # --- menus ------------------------------------------------------------------------

    @Slot()
    def _on_open_triggered(self) -> None:
        current = self.controller.store_path
        start = str(current.parent) if isinstance(current, Path) else ""
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open lineage store",
            start,
            "Lineage stores (*.db *.sqlite *.sqlite3);;All files (*)",
        )
        if path:
            self.open_store(path)

    @Slot()
    def _on_open_team_triggered(self) -> None:
        url, ok = QInputDialog.getText(
            self, "Open team store",
            "PostgreSQL URL (postgresql://user@host:5432/database).\n"
            "Give the password in ~/.pgpass or PGPASSWORD: it is never kept or shown.",
            text="postgresql://")
        url = url.strip()
        if ok and url and url != "postgresql://":
            self.open_store(url)

    @Slot(str)
    def _on_recent_chosen(self, path: str) -> None:
        if self.controller.store_path is not None and str(self.controller.store_path) == path:
            return
        self.open_store(path)

    @Slot()
    def _on_close_store_triggered(self) -> None:
        self.controller.close_store()

    @Slot()
    def _on_reload_triggered(self) -> None:
        self.controller.reload_collections()
        self.controller.reload_lineage()

    def _refresh_recent(self) -> None:
        recent = self.settings.recent_files()
        self.start_page.set_recent(recent)
        menu = self.actions_.recent_menu if hasattr(self, "actions_") else None
        if menu is None:
            return
        menu.clear()
        for path in recent:
            action = menu.addAction(path)
            action.triggered.connect(partial(self._on_recent_chosen, path))
        if not recent:
            menu.addAction("No recent stores").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear recent stores").triggered.connect(self._on_clear_recent)

    @Slot()
    def _on_clear_recent(self) -> None:
        self.settings.clear_recent()
        self._refresh_recent()

    @Slot()
    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About lineage_desktop",
            f"lineage_desktop {__version__}\n\nAn offline auditor for "
            "machine-learning lineage: runs, versioned artifacts and the "
            "graph between them, from one SQLite file.",
        )

    @Slot()
    def _on_shortcuts_triggered(self) -> None:
        """Help > Keyboard shortcuts…: built afresh from the actions as they are now."""
        old = getattr(self, "shortcuts_dialog", None)
        if old is not None:
            old.deleteLater()
        self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.show()

    def _set_direction(self, direction: str) -> None:
        self.toolbar.set_direction(direction)
        (
            self.actions_.direction_tb if direction == "TB" else self.actions_.direction_lr
        ).setChecked(True)
        self.controller.set_direction(direction)
