"""Helpers for window tests: points on items, mouse events QTest cannot send."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication


def item_point(view, item, local: QPointF | None = None) -> QPoint:
    """Viewport pixel of an item's centre (or of ``local`` in item coordinates)."""
    scene_point = item.mapToScene(local) if local is not None else item.sceneBoundingRect().center()
    return view.mapFromScene(scene_point)


def move(widget, pos: QPoint, buttons=Qt.MouseButton.NoButton) -> None:
    """A mouse move with ``buttons`` held."""
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def wheel(widget, pos: QPoint, delta: int) -> None:
    event = QWheelEvent(
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def drag(qtbot, widget, start: QPoint, end: QPoint, steps: int = 6) -> None:
    """Press at ``start``, move in steps to ``end``, release."""
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, steps + 1):
        point = start + (end - start) * (i / steps)
        move(widget, QPoint(round(point.x()), round(point.y())), Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def keys_in_scene(window) -> set[str]:
    """Graph keys of every node card on screen."""
    return {str(item.data(0)) for item in window.scene().node_items()}


def tree_rows(model, parent=None) -> list[str]:
    """Display texts of the rows under ``parent`` (the root when None)."""
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]
