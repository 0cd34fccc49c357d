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
def demo_master(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A demo project of about 60 runs, written once per session (never modified): a
    SQLite file, or under ``--backend postgresql`` a database on the test server (its URL;
    its blob root the ``demo.db.files`` folder)."""
    from lineage_desktop.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    if request.config.getoption("--backend") != "postgresql":
        write_demo(path, runs=60)
        yield path
        return
    from pg_fixtures import fresh_database

    from lineage_desktop.store import Store

    with fresh_database(request.getfixturevalue("pg_server")) as url:
        blobs = Path(str(path) + ".files")
        blobs.mkdir()
        with Store.open(url) as store:
            store.set_blob_root(str(blobs))
        write_demo(url, runs=60)
        yield url


@pytest.fixture
def demo_copy(demo_master, store_redirects):
    """``demo_copy(target)``: a private copy of the demo store at the path ``target`` (and
    its ``.files`` folder beside it); under ``--backend postgresql`` the path names a copy
    of the master database (hand other processes ``backend_switch.store_arg(target)``)."""

    def copy(target: Path) -> Path:
        if store_redirects is None:
            shutil.copyfile(demo_master, target)
            source = Path(str(demo_master) + ".files")
        else:
            from pg_fixtures import fresh_database

            from lineage_desktop.store import Store

            url = store_redirects.stack.enter_context(
                fresh_database(store_redirects.base, template=demo_master))
            with Store.open(url) as store:
                source = Path(store.blob_root_setting())
                store.set_blob_root(str(target) + ".files")
            store_redirects.adopt(target, url)
        if source.is_dir():
            shutil.copytree(source, Path(str(target) + ".files"))
        return target

    return copy


@pytest.fixture
def demo_store(demo_copy, tmp_path: Path) -> Path:
    """A private copy of the demo store at ``tmp_path/"demo.db"`` (tests may write to it
    from other processes)."""
    return demo_copy(tmp_path / "demo.db")


@pytest.fixture(scope="session")
def demo_file(demo_master, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store as a SQLite file whatever the backend (never modified): the bytes
    that tests damage to make bad files of."""
    if not isinstance(demo_master, str):
        return demo_master
    from lineage_desktop.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo-file") / "demo.db", runs=60)


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
