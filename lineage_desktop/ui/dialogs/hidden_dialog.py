"""View > Hidden nodes…: the nodes hidden in the lineage on screen, to show again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.records import key_kind
from lineage_desktop.ui.widgets import muted, plain_label, plain_tooltip

KeyRole = Qt.ItemDataRole.UserRole + 1


class HiddenNodesDialog(QDialog):
    """Non-modal list of hidden nodes. Signals: ``restore_requested(list)`` with keys,
    ``restore_all_requested()``."""

    restore_requested = Signal(list)
    restore_all_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hiddenNodesDialog")
        self.setWindowTitle("Hidden nodes")
        self.resize(420, 360)
        layout = QVBoxLayout(self)
        self.caption = muted(plain_label("", self, selectable=False))
        layout.addWidget(self.caption)
        self.list = QListWidget(self)
        self.list.setObjectName("hiddenList")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton("Show again", self)
        self.restore_button.setObjectName("restoreHidden")
        self.restore_all_button = QPushButton("Show all", self)
        self.restore_all_button.setObjectName("restoreAllHidden")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_all_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.restore_all_button.clicked.connect(self.restore_all_requested)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        self.list.itemSelectionChanged.connect(self._update_buttons)

    def set_hidden(self, hidden: list[tuple[str, str]]) -> None:
        """``(key, label)`` pairs, in the order they were hidden."""
        self.list.clear()
        for key, label in hidden:
            kind = key_kind(key)
            item = QListWidgetItem(f"{label}    ({kind})")
            item.setData(KeyRole, key)
            item.setToolTip(plain_tooltip(key))
            self.list.addItem(item)
        self.caption.setText(
            f"{len(hidden)} node(s) hidden in this lineage. Select and click Show again, "
            "or double-click one."
            if hidden
            else "No nodes are hidden in this lineage. "
            "Hover a node in the graph and click its eye to hide it."
        )
        self._update_buttons()

    def keys(self) -> list[str]:
        return [str(self.list.item(i).data(KeyRole)) for i in range(self.list.count())]

    @Slot()
    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.list.selectedItems()))
        self.restore_all_button.setEnabled(self.list.count() > 0)

    @Slot()
    def _on_restore_button_clicked(self) -> None:
        keys = [str(item.data(KeyRole)) for item in self.list.selectedItems()]
        if keys:
            self.restore_requested.emit(keys)

    @Slot(QListWidgetItem)
    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.restore_requested.emit([str(item.data(KeyRole))])
