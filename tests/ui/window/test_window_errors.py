"""Files that are not lineage stores, damaged or too new, and a store deleted while open:
each shows a clear message, nothing is raised, and the window stays usable."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest


def _usable_afterwards(window, demo_store, qtbot) -> None:
    assert window.open_store(demo_store)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("churn-model:production")
    assert window.scene().node_items()


def _plain_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20)
    return path


def _foreign_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    return path


def _newer_schema(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "future.db"
    shutil.copyfile(demo_store, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    return path


def _truncated(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "truncated.db"
    data = demo_store.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def _truncated_header(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "stub.db"
    path.write_bytes(demo_store.read_bytes()[:100])
    return path


def _corrupt(tmp_path: Path, demo_store: Path) -> Path:
    path = tmp_path / "corrupt.db"
    data = bytearray(demo_store.read_bytes())
    page = 4096
    for start in range(page * 2, len(data) - page, page * 2):  # scribble over many pages
        data[start : start + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))
    return path


CASES = {
    "not sqlite": (lambda tmp, demo: _plain_file(tmp), "not a lineage store"),
    "foreign sqlite": (lambda tmp, demo: _foreign_sqlite(tmp), "not a lineage store"),
    "newer schema": (_newer_schema, "newer"),
    "truncated": (_truncated, "damaged"),
    "truncated to its header": (_truncated_header, "damaged"),
    "corrupt": (_corrupt, "damaged"),
    "missing": (lambda tmp, demo: tmp / "nowhere.db", "no lineage store"),
    "folder": (lambda tmp, demo: tmp, "folder"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_shows_a_message_and_the_window_stays_usable(
    case, window, demo_store, demo_file, tmp_path, qtbot
):
    make, words = CASES[case]
    bad = make(tmp_path, demo_file)  # a damaged SQLite file, whatever the backend
    before = bad.read_bytes() if bad.is_file() else None
    with qtbot.waitSignal(window.controller.store_failed, timeout=20_000) as failed:
        window.open_store(bad)
        if window.controller.store_path is not None:  # damage found by the first reads
            window.show_lineage("churn-model:production")
    message = failed.args[1]
    assert words in message.lower(), message
    assert window.banner.isVisible() and window.banner.text() == message
    assert window.stack.currentWidget() is window.start_page
    assert window.start_page.message.text() == message
    if before is not None:
        assert bad.read_bytes() == before  # refused untouched
    _usable_afterwards(window, demo_store, qtbot)


def test_a_bad_file_does_not_close_the_store_already_open(opened, tmp_path, qtbot):
    shown = opened.controller.snapshot.focus
    assert not opened.open_store(_plain_file(tmp_path))
    assert opened.stack.currentWidget() is opened.focus_page
    assert opened.controller.snapshot.focus == shown
    assert "not a lineage store" in opened.banner.text()


@pytest.mark.sqlite_file("deletes the store's file, -wal and -shm while it is open")
def test_store_deleted_while_open_is_reported(opened, demo_store, qtbot):
    for suffix in ("", "-wal", "-shm"):
        path = Path(str(demo_store) + suffix)
        if path.exists():
            os.remove(path)
    qtbot.waitUntil(lambda: "deleted" in opened.banner.text(), timeout=10_000)
    assert opened.banner.kind() == "warning"
    assert opened.scene().node_items()  # what was on screen stays
    with qtbot.waitSignal(opened.lineage_ready, timeout=20_000):  # the graph still works
        opened.controller.hide(
            next(iter(opened.controller.snapshot.view.successors(opened.controller.snapshot.focus)))
        )
