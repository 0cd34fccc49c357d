"""Help > Keyboard shortcuts…: every shortcut of the window, read from its real actions
(the menu bar's menus walked in order, then the window's other actions)."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

_SEP = " › "


def plain_text(text: str) -> str:
    """A menu text without its mnemonic markers (``&&`` stays one ``&``)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_text(action: QAction) -> str:
    """The action's shortcuts as the platform writes them, comma-separated."""
    fmt = QKeySequence.SequenceFormat.NativeText
    return ", ".join(s.toString(fmt) for s in action.shortcuts() if not s.isEmpty())


def _menu_actions(menu: QMenu, path: tuple[str, ...]) -> Iterator[tuple[str, QAction]]:
    for action in menu.actions():
        if action.isSeparator():
            continue
        sub = action.menu()
        here = (*path, plain_text(action.text()))
        if isinstance(sub, QMenu):
            yield from _menu_actions(sub, here)
        else:
            yield _SEP.join(here), action


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """``(menu path, shortcut)`` of every action of ``window`` that has a shortcut: the
    menu bar's first, in menu order, then the window's actions found in no menu."""
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()

    def add(path: str, action: QAction) -> None:
        if id(action) in seen:
            return
        seen.add(id(action))
        keys = shortcut_text(action)
        if keys:
            rows.append((path, keys))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            for path, action in _menu_actions(menu, (plain_text(top.text()),)):
                add(path, action)
    others = window.actions() + window.findChildren(
        QAction, options=Qt.FindChildOption.FindDirectChildrenOnly
    )
    for action in others:
        add(plain_text(action.text()) or action.objectName(), action)
    return rows


class ShortcutsDialog(QDialog):
    """The list of keyboard shortcuts (objectName ``shortcutsDialog``), with a filter."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(480, 520)
        layout = QVBoxLayout(self)
        self.filter_field = QLineEdit(self)
        self.filter_field.setObjectName("shortcutsFilter")
        self.filter_field.setPlaceholderText("Filter commands or keys…")
        self.filter_field.setClearButtonEnabled(True)
        layout.addWidget(self.filter_field)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Command", "Shortcut"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filter_field.textChanged.connect(self._on_filter_field_text_changed)
        self.set_rows(shortcut_rows(window))

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        """Show ``(menu path, shortcut)`` rows (as plain text)."""
        self.table.setRowCount(len(rows))
        for r, (path, keys) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(path))
            self.table.setItem(r, 1, QTableWidgetItem(keys))
        self._on_filter_field_text_changed(self.filter_field.text())

    def rows(self, visible_only: bool = False) -> list[tuple[str, str]]:
        """The rows listed (only those the filter leaves with ``visible_only``)."""
        return [
            (self.table.item(r, 0).text(), self.table.item(r, 1).text())
            for r in range(self.table.rowCount())
            if not (visible_only and self.table.isRowHidden(r))
        ]

    @Slot(str)
    def _on_filter_field_text_changed(self, text: str) -> None:
        needle = text.strip().casefold()
        for r in range(self.table.rowCount()):
            hay = f"{self.table.item(r, 0).text()} {self.table.item(r, 1).text()}".casefold()
            self.table.setRowHidden(r, bool(needle) and needle not in hay)
