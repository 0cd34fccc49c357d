"""Fixtures for window tests: isolated settings, demo stores, a fresh window per test.

Settings go to a per-test folder (QSettings.setPath) under a test organisation, so the
user's real settings are never read or written.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TEST_ORGANISATION = "lineage_desktop-tests"
TEST_APPLICATION = "lineage-desktop-tests"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Path:
    """Every QSettings() of the test reads and writes an INI file under ``tmp_path``."""
    folder = tmp_path / "settings"
    folder.mkdir()
    QCoreApplication.setOrganizationName(TEST_ORGANISATION)
    QCoreApplication.setApplicationName(TEST_APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo project of about 60 runs, written once per session (never modified)."""
    from lineage_desktop.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    write_demo(path, runs=60)
    return path


@pytest.fixture
def demo_store(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store (tests may write to it from other processes)."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_master, target)
    blobs = Path(str(demo_master) + ".files")
    if blobs.is_dir():
        shutil.copytree(blobs, Path(str(target) + ".files"))
    return target


@pytest.fixture
def artifacts_dir() -> Path:
    """Where visual tests save images for people to look at (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def window(qtbot):
    """A fresh, shown main window with no store open (closed after the test)."""
    from lineage_desktop.app import create_main_window

    win = create_main_window()
    qtbot.addWidget(win)  # closed at teardown: threads and the layout process stop
    win.resize(1400, 860)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()  # window shortcuts (Ctrl+F, Alt+Left) need the active window
    qtbot.waitUntil(win.isActiveWindow)
    return win


@pytest.fixture
def opened(window, demo_store, qtbot):
    """The window on the demo store, showing the lineage of churn-model:production."""
    assert window.open_store(demo_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("churn-model:production")
    return window
