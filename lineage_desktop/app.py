"""The GUI entry point. Qt is imported only when the window is asked for."""

from __future__ import annotations

import sys


def run_gui(store: str | None = None, artifact: str | None = None) -> int:
    """Open the main window on ``store`` (and ``artifact``'s lineage); returns the exit
    status of the event loop."""
    try:
        from lineage_desktop.ui.window.app import run_window
    except ImportError as exc:  # PySide6 missing or broken: say so, no traceback
        print(
            f"lineage-desktop: cannot start the window: {exc}.\n"
            "  Install the GUI toolkit with:  pip install 'PySide6-Essentials>=6.8,<6.12'\n"
            "  Headless commands (export, show, ls, verify ...) work without it.",
            file=sys.stderr,
        )
        return 2
    return run_window(store, artifact)


def create_main_window():  # type: ignore[no-untyped-def]
    """The main window, for tests and scripting (``open_store``, ``show_lineage``,
    ``lineage_ready``)."""
    from lineage_desktop.ui.window.main_window import create_main_window as create

    return create()
