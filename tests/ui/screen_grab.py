"""Run as a script on an X display: save a screenshot of the whole screen (PNG).

    QT_QPA_PLATFORM=xcb DISPLAY=:N python screen_grab.py OUT.png

Uses Qt itself, so the smoke test needs no screenshot tool beyond what the app needs.
"""

import sys

from PySide6.QtGui import QGuiApplication

app = QGuiApplication(sys.argv[:1])
screen = QGuiApplication.primaryScreen()
pixmap = screen.grabWindow(0)
sys.exit(0 if pixmap.save(sys.argv[1], "PNG") else 1)
