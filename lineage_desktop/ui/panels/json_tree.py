"""A JSON value (metadata, config) as an expandable key / value / type tree."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTreeView, QWidget

MAX_CHILDREN = 5_000  # beyond this a list or dict shows a "… n more" row


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return f"list [{len(value)}]"
    if isinstance(value, dict):
        return f"object {{{len(value)}}}"
    return type(value).__name__


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _item(text: str) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    return item


def _append(parent: QStandardItem, key: str, value: Any) -> None:
    shown = "" if isinstance(value, (dict, list)) else _scalar(value)
    row = [_item(key), _item(shown), _item(_type_name(value))]
    parent.appendRow(row)
    children = (
        list(value.items())
        if isinstance(value, dict)
        else list(enumerate(value))
        if isinstance(value, list)
        else []
    )
    for child_key, child in children[:MAX_CHILDREN]:
        _append(row[0], str(child_key), child)
    if len(children) > MAX_CHILDREN:
        row[0].appendRow([_item(f"… {len(children) - MAX_CHILDREN:,} more"), _item(""), _item("")])


class JsonTreeView(QTreeView):
    """Shows a JSON-like value; ``set_value(None)`` with a message shows just that."""

    def __init__(self, parent: QWidget | None = None, object_name: str = "jsonTree") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._model = QStandardItemModel(self)
        self._model.setHorizontalHeaderLabels(["Key", "Value", "Type"])
        self.setModel(self._model)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnWidth(0, 220)

    def json_model(self) -> QStandardItemModel:
        return self._model

    def set_value(self, value: Any) -> None:
        """Show ``value`` (a dict's keys at the top level)."""
        self._model.removeRows(0, self._model.rowCount())
        root = self._model.invisibleRootItem()
        if isinstance(value, dict):
            for key, child in value.items():
                _append(root, str(key), child)
        elif isinstance(value, list):
            for key, child in enumerate(value):
                _append(root, str(key), child)
        elif value is not None:
            _append(root, "value", value)
        self.expandToDepth(0)
