"""Smoke test on a real X server: ``lineage-desktop STORE --artifact REF`` with Qt's xcb
platform on Xvfb, checked from a screenshot of the screen.

Skipped (with the reason) when Xvfb is not installed; ``make test`` installs it through
scripts/ensure-system-deps.sh.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from backend_switch import store_arg
from PySide6.QtGui import QColor, QImage

from lineage_desktop.ui import style

HELPERS = Path(__file__).resolve().parents[1]  # tests/ui holds screen_grab.py
pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None, reason="Xvfb is not installed (make system-deps installs it)"
)


def _start_xvfb() -> tuple[subprocess.Popen, str]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as handle:
        number = handle.readline().strip()
    if not number:
        xvfb.kill()
        pytest.skip("Xvfb did not start")
    return xvfb, f":{number}"


def _count(image: QImage, colour: str, step: int = 3, tolerance: int = 40) -> int:
    want = QColor(colour)
    found = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - want.red())
                + abs(c.green() - want.green())
                + abs(c.blue() - want.blue())
            ) <= tolerance:
                found += 1
    return found


def _window_titles(display: str) -> str:
    if shutil.which("xwininfo") is None:
        return ""
    result = subprocess.run(
        ["xwininfo", "-root", "-tree", "-display", display],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    return result.stdout


def test_the_application_shows_its_window_and_graph_on_x11(demo_store, tmp_path, artifacts_dir):
    xvfb, display = _start_xvfb()
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("WAYLAND_DISPLAY", None)
    script = Path(sys.executable).with_name("lineage-desktop")
    command = (
        [str(script)] if script.exists() else [sys.executable, "-m", "lineage_desktop.cli.main"]
    )
    app = subprocess.Popen(
        command + [store_arg(demo_store), "--artifact", "churn-model:production"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    shot = artifacts_dir / "smoke-xvfb.png"
    palette = style.palette_for(False)
    try:
        deadline = time.monotonic() + 60
        greens = blues = 0
        while time.monotonic() < deadline:
            assert app.poll() is None, app.stdout.read().decode(errors="replace")
            grab = subprocess.run(
                [sys.executable, str(HELPERS / "screen_grab.py"), str(shot)],
                env=env,
                capture_output=True,
                timeout=60,
                check=False,
            )
            if grab.returncode == 0:
                image = QImage(str(shot))
                greens, blues = _count(image, palette.run), _count(image, palette.artifact)
                if greens > 30 and blues > 30:
                    break
            time.sleep(0.5)  # a separate process on a real X server: nothing to wait on
        assert greens > 30 and blues > 30, f"graph not on screen (green {greens}, blue {blues})"
        titles = _window_titles(display)
        if titles:
            assert "lineage_desktop" in titles
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        xvfb.terminate()
        xvfb.wait(10)
    assert app.returncode is not None
