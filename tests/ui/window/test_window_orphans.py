"""Killing the window (SIGKILL, as a crash or the OOM killer would) leaves no process."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "layout"))
from backend_switch import store_arg  # noqa: E402
from orphans import descendants, describe, kill_and_wait, start  # noqa: E402

WINDOW = """
import sys
from PySide6.QtWidgets import QApplication
from lineage_desktop.app import create_main_window
app = QApplication.instance() or QApplication([])
window = create_main_window()
window.show()
window.open_store(sys.argv[1])
window.lineage_ready.connect(lambda *a: print("ready", flush=True))
window.show_lineage("churn-model:production")
app.exec()
"""


def test_no_worker_outlives_a_killed_window(demo_store):
    proc = start(WINDOW.replace("sys.argv[1]", repr(store_arg(demo_store))))
    assert any("spawn_main" in " ".join(p.cmdline()) for p in descendants(proc.pid))
    left = kill_and_wait(proc)
    assert not left, f"left running: {describe(left)}"
