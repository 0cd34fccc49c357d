"""What a command cannot foresee still ends as one line on stderr and exit status 2 (a
store error of any kind, undecodable text, data nested too deeply, memory running out),
while a bug (a missing key or index) keeps its traceback, and a closed pipe is no error."""
from __future__ import annotations

import sqlite3

import pytest

from lineage_desktop.cli import cmd_ls
from lineage_desktop.cli.main import main
from lineage_desktop.records import (
    NotALineageStore,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreIOError,
    StorePermissionDenied,
    StoreSchemaError,
)
from lineage_desktop.store.errors import DamagedRow, DamagedStoreFile


def _store_errors() -> list[type[StoreError]]:
    found, todo = [], [StoreError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def _raising(exc: BaseException):  # type: ignore[no-untyped-def]
    def open_api(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise exc

    return open_api


def _instance(cls: type[StoreError]) -> StoreError:
    if issubclass(cls, DamagedRow):
        return cls("versions", 3, "idx", "is NULL")
    message = f"{cls.__name__} happened\nsecond line"
    try:
        return cls(5, message) if issubclass(cls, OSError) else cls(message)
    except TypeError:  # a class with its own fields: its message as the base class builds it
        exc = cls.__new__(cls)
        StoreError.__init__(exc, message)
        return exc


def _one_line(capsys) -> str:  # type: ignore[no-untyped-def]
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert lines[0].startswith("lineage-desktop ls: error: ")
    return lines[0]


def test_every_store_error_is_one_line(monkeypatch, capsys, tmp_path):
    classes = _store_errors()
    for expected in (StoreBusy, StoreFull, StorePermissionDenied, StoreIOError, StoreDamaged,
                     StoreSchemaError, NotALineageStore, DamagedRow, DamagedStoreFile):
        assert expected in classes
    for cls in classes:
        monkeypatch.setattr(cmd_ls, "open_api", _raising(_instance(cls)))
        assert main(["ls", str(tmp_path / "x.db")]) == 2, cls
        line = _one_line(capsys)
        assert "happened second line" in line or "versions row 3: idx is NULL" in line


@pytest.mark.parametrize("exc, words", [
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
     "text that is not valid utf-8"),
    (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    (MemoryError(), "out of memory"),
    (sqlite3.DatabaseError("database disk image is malformed"), "is damaged"),
    (ValueError("bad \x1b[2J value\r\nhere"), "bad ?[2J value here"),
])
def test_surprises_are_one_named_line(monkeypatch, capsys, tmp_path, exc, words):
    monkeypatch.setattr(cmd_ls, "open_api", _raising(exc))
    assert main(["ls", str(tmp_path / "x.db")]) == 2
    line = _one_line(capsys)
    assert words in line, line
    assert "\x1b" not in line


@pytest.mark.parametrize("bug", [KeyError("name"), IndexError("list index out of range"),
                                 TypeError("unsupported operand")])
def test_bugs_keep_their_traceback(monkeypatch, tmp_path, bug):
    monkeypatch.setattr(cmd_ls, "open_api", _raising(bug))
    with pytest.raises(type(bug)):
        main(["ls", str(tmp_path / "x.db")])


def test_a_closed_pipe_is_no_error(monkeypatch, capfd, tmp_path):
    monkeypatch.setattr(cmd_ls, "open_api", _raising(BrokenPipeError(32, "Broken pipe")))
    monkeypatch.setattr("os.dup2", lambda *args: None)  # keep pytest's stdout
    assert main(["ls", str(tmp_path / "x.db")]) == 0
    assert capfd.readouterr().err == ""
