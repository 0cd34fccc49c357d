"""The window's state and decisions, with no Qt (napari's ``ViewerModel`` in spirit).

``LineageSession`` holds what the user is looking at and decides what to do about each
intent and each answer; the Qt controller (``ui.controller``) runs the work it names on
worker threads and turns its answers into signals. Import-linter forbids Qt here.
"""

from lineage_desktop.ui.session.busy import BusyBoard
from lineage_desktop.ui.session.session import (
    DIRECTIONS,
    NO_STORE_MESSAGE,
    LayoutPlan,
    LineageSession,
    Task,
    call_with_api,
)
from lineage_desktop.ui.session.view_settings import MemorySettings, ViewSettings

__all__ = [
    "DIRECTIONS",
    "NO_STORE_MESSAGE",
    "BusyBoard",
    "LayoutPlan",
    "LineageSession",
    "MemorySettings",
    "Task",
    "ViewSettings",
    "call_with_api",
]
