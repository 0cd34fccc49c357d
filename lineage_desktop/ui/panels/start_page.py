"""The start screen shown while no store is open: Open…, recent stores, drop hint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lineage_desktop.ui.resources import app_icon
from lineage_desktop.ui.widgets import bold, muted, plain_label, plain_tooltip

PathRole = Qt.ItemDataRole.UserRole + 1


class StartPage(QWidget):
    """Signals: ``open_requested()`` (the Open… button), ``recent_chosen(str)``."""

    open_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(10)
        column.addStretch(1)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(QSize(72, 72)))
        column.addWidget(logo, 0, Qt.AlignmentFlag.AlignHCenter)
        title = bold(plain_label("lineage_desktop", self, selectable=False), 1.8)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(title)
        subtitle = muted(
            plain_label(
                "Open a lineage store (.db) to browse its artifacts and runs and audit "
                "their lineage.\n"
                "You can also drop a store file onto this window.",
                self,
                selectable=False,
            ),
            1.0,
        )
        subtitle.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(subtitle)
        self.message = plain_label("", self, object_name="startMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message.setStyleSheet("color: #c92a2a;")
        self.message.hide()
        column.addWidget(self.message)
        self.open_button = QPushButton("Open a store…", self)
        self.open_button.setObjectName("openButton")
        self.open_button.setDefault(True)
        self.open_button.setMinimumWidth(180)
        column.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(12)
        self.recent_caption = muted(plain_label("Recent stores", self, selectable=False))
        column.addWidget(self.recent_caption)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recentList")
        self.recent.setMinimumWidth(520)
        self.recent.setUniformItemSizes(True)
        column.addWidget(self.recent)
        hint = muted(
            plain_label(
                "No store yet? Write a demo project with:  lineage-desktop demo demo.db", self
            )
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(hint)
        column.addStretch(2)
        outer.addLayout(column)
        outer.addStretch(1)
        self.open_button.clicked.connect(self.open_requested)
        self.recent.itemActivated.connect(self._on_recent_item_activated)
        self.recent.itemClicked.connect(self._on_recent_item_activated)

    def set_recent(self, paths: list[str]) -> None:
        """List recent store paths (missing files are shown greyed out)."""
        self.recent.clear()
        for path in paths:
            exists = Path(path).exists()
            item = QListWidgetItem(f"{Path(path).name}    {Path(path).parent}")
            item.setData(PathRole, path)
            item.setToolTip(plain_tooltip(path if exists else f"{path}\n(missing)"))
            if not exists:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.recent.addItem(item)
        self.recent_caption.setVisible(bool(paths))
        self.recent.setVisible(bool(paths))
        row = max(self.recent.sizeHintForRow(0), self.fontMetrics().height() + 8)
        self.recent.setFixedHeight(
            min(8, max(1, len(paths))) * row + 2 * self.recent.frameWidth() + 4
        )

    def set_message(self, text: str) -> None:
        """An error (plain text) above the Open button; "" hides it."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    @Slot(QListWidgetItem)
    def _on_recent_item_activated(self, item: QListWidgetItem) -> None:
        path = item.data(PathRole)
        if path:
            self.recent_chosen.emit(str(path))
