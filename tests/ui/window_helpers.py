"""Helpers for window tests: points on items, mouse events QTest cannot send."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF
from qt_events import drag, move, wheel  # noqa: F401  (re-exported for the tests)


def item_point(view, item, local: QPointF | None = None) -> QPoint:
    """Viewport pixel of an item's centre (or of ``local`` in item coordinates)."""
    scene_point = item.mapToScene(local) if local is not None else item.sceneBoundingRect().center()
    return view.mapFromScene(scene_point)


def keys_in_scene(window) -> set[str]:
    """Graph keys of every node card on screen."""
    return {str(item.data(0)) for item in window.scene().node_items()}


def tree_rows(model, parent=None) -> list[str]:
    """Display texts of the rows under ``parent`` (the root when None)."""
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def collection_row(window, name):
    """The sidebar's (proxy) index of the artifact collection ``name``, or None."""
    model = window.sidebar.proxy
    for t in range(model.rowCount()):
        type_index = model.index(t, 0)
        for c in range(model.rowCount(type_index)):
            if model.index(c, 0, type_index).data() == name:
                return model.index(c, 0, type_index)
    return None
