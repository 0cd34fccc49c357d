"""The window never opens larger than its screen: not at QT_SCALE_FACTOR=2, not from a
geometry saved on a bigger screen."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray

REPO = Path(__file__).resolve().parents[3]

SCALED = """
import json
from PySide6.QtWidgets import QApplication
from lineage_desktop.app import create_main_window
app = QApplication.instance() or QApplication([])
window = create_main_window()
window.show()
app.processEvents()
area = window.screen().availableGeometry()
frame = window.frameGeometry()
print(json.dumps({"area": [area.x(), area.y(), area.width(), area.height()],
                  "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                  "ratio": window.screen().devicePixelRatio()}))
window.close()
"""


def _inside(frame, area) -> bool:
    fx, fy, fw, fh = frame
    ax, ay, aw, ah = area
    return ax <= fx and ay <= fy and fx + fw <= ax + aw and fy + fh <= ay + ah


def test_at_scale_factor_two_the_window_fits_the_screen(tmp_path):
    # A full-HD screen, 960 x 540 logical pixels at scale 2 (the default size is 1440 x 880).
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": [{"name": "hd", "x": 0, "y": 0, "width": 1920,
                                               "height": 1080, "logicalDpi": 96,
                                               "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM":
           f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": "2", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", SCALED], env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["ratio"] == 2 and seen["area"][2:] == [960, 540]
    assert _inside(seen["frame"], seen["area"]), seen


def test_an_oversized_saved_geometry_is_clamped(qtbot):
    from lineage_desktop.app import create_main_window
    from lineage_desktop.ui.window.settings import AppSettings

    big = create_main_window()
    qtbot.addWidget(big)
    big.setGeometry(-300, -200, 6000, 4000)  # as saved on a much bigger screen
    AppSettings().set_window_state(QByteArray(big.saveGeometry()), QByteArray(big.saveState()))
    big.close()
    window = create_main_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    area = window.screen().availableGeometry()
    assert area.contains(window.frameGeometry()), (area, window.frameGeometry())
    assert window.width() > 100 and window.height() > 100
