"""``run_window``: the GUI application (``lineage-desktop [STORE] [--artifact REF]``)."""

from __future__ import annotations

import signal
import sys

from lineage_desktop.ui.window.platform_check import display_problem, xcb_problem

APP_NAME = "lineage-desktop"
ORGANISATION = "lineage_desktop"


def run_window(store: str | None = None, artifact: str | None = None) -> int:
    """Create the application and the window, open ``store`` and show ``artifact``'s
    lineage (``name``, ``name:alias``, ``name:v3``, ``run:<id>``), run the event loop.

    Returns the exit status. When Qt's X11 platform cannot load because a system library
    is missing, says which package to install (exit status 1) instead of Qt's abort.
    """
    problem = display_problem() or xcb_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from lineage_desktop import __version__
    from lineage_desktop.ui.resources import app_icon
    from lineage_desktop.ui.window.main_window import MainWindow

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    app.setApplicationDisplayName("lineage_desktop")
    app.setDesktopFileName(APP_NAME)
    app.setWindowIcon(app_icon())
    window = MainWindow()
    window.show()
    if store and window.open_store(store) and artifact:
        window.show_lineage(artifact)
    # Ctrl+C in the terminal quits (Python only sees signals while it runs some code).
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    ticker = QTimer()
    ticker.start(250)
    ticker.timeout.connect(lambda: None)
    return int(app.exec())
