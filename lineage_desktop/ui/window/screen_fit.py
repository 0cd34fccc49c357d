"""Keep a top-level window on its screen: a saved geometry from a bigger screen, or the
default size at a large ``QT_SCALE_FACTOR``, must not open the window past the edges."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fit_to_screen(window: QWidget) -> None:
    """Shrink ``window`` to its screen's available area (task bars excluded) and move it
    inside. The screen is the one the window is on, else the primary one."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    inner = window.geometry()
    # The window manager's frame around the client area (none before the first show).
    extra_w = max(0, frame.width() - inner.width())
    extra_h = max(0, frame.height() - inner.height())
    width = max(1, min(inner.width(), area.width() - extra_w))
    height = max(1, min(inner.height(), area.height() - extra_h))
    if (width, height) != (inner.width(), inner.height()):
        window.resize(width, height)
    wanted = QRect(frame.topLeft(), window.frameGeometry().size())
    x = min(max(wanted.left(), area.left()), area.left() + area.width() - wanted.width())
    y = min(max(wanted.top(), area.top()), area.top() + area.height() - wanted.height())
    if (x, y) != (wanted.left(), wanted.top()):
        window.move(x, y)
