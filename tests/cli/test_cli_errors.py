"""Every user error is one line on stderr naming the problem, exit status 2, no traceback,
and a missing or foreign store is never created or changed."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = {
    "export": lambda store, tmp: ["export", store, "model", "-o", tmp / "out.png"],
    "ls": lambda store, tmp: ["ls", store],
    "show": lambda store, tmp: ["show", store, "model"],
    "verify": lambda store, tmp: ["verify", store],
}


def _one_error_line(command: str, err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"lineage-desktop {command}: error: "), err
    return lines[0]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_missing_store_is_refused_and_not_created(cli, tmp_path, command):
    store = tmp_path / "nothing.db"
    status, out, err = cli(*COMMANDS[command](store, tmp_path))
    assert status == 2 and out == ""
    assert "no lineage store at" in _one_error_line(command, err) and str(store) in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_foreign_files_are_refused_untouched(cli, tmp_path, command):
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x)")
    conn.close()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    for path in (text, other, tmp_path):
        status, _, err = cli(*COMMANDS[command](path, tmp_path))
        assert status == 2
        assert "not a lineage store" in _one_error_line(command, err)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_store_from_a_newer_version_is_refused(cli, lineage, tmp_path):
    newer = tmp_path / "newer.db"
    with sqlite3.connect(lineage.store) as source, sqlite3.connect(newer) as target:
        source.backup(target)
        target.execute("PRAGMA user_version = 999")
    source.close()
    target.close()
    status, _, err = cli("ls", newer)
    assert status == 2 and "newer" in _one_error_line("ls", err)


@pytest.mark.parametrize("command", ["export", "show", "verify"])
def test_unknown_reference_names_the_closest(cli, lineage, tmp_path, command):
    args = {"export": ["-o", tmp_path / "x.json"], "show": [], "verify": []}[command]
    status, _, err = cli(command, lineage.store, "modl", *args)
    assert status == 2
    line = _one_error_line(command, err)
    assert "'modl'" in line and "closest: model" in line
    status, _, err = cli(command, lineage.store, "model:v7", *args)
    assert status == 2
    assert "v0" in _one_error_line(command, err) and "v1" in err
    status, _, err = cli(command, lineage.store, "run:nope", *args)
    assert status == 2 and "no run with id 'nope'" in _one_error_line(command, err)
    assert not (tmp_path / "x.json").exists()


def test_unknown_type_names_the_closest(cli, lineage):
    status, _, err = cli("ls", lineage.store, "--type", "modle")
    assert status == 2 and "closest: model" in _one_error_line("ls", err)


@pytest.mark.parametrize("output, message", [
    ("missing-folder/out.png", "folder"),
    ("notes.txt/out.png", "is not a folder"),
    ("a-folder", "it is a folder"),
])
def test_unwritable_output_path(cli, lineage, tmp_path, output, message):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "a-folder").mkdir()
    status, _, err = cli("export", lineage.store, "model", "-o", tmp_path / output)
    assert status == 2
    line = _one_error_line("export", err)
    assert "cannot write" in line and message in line and str(tmp_path / output) in line


@pytest.mark.parametrize("args, message", [
    (["-o", "{tmp}/out.tiff"], "unknown format"),
    (["-o", "{tmp}/out"], "unknown format"),
    (["-o", "{tmp}/out.png", "--format", "jpeg"], "unknown format 'jpeg'"),
    (["-o", "-"], "needs --format"),
    (["-o", "-", "--format", "png"], "cannot be written to stdout"),
    (["-o", "{tmp}/out.png", "--scale", "0"], "scale"),
    (["-o", "{tmp}/out.png", "--scale", "big"], "scale must be a number"),
    (["-o", "{tmp}/out.png", "--direction", "RL"], "direction must be LR or TB"),
    (["-o", "{tmp}/out.png", "--upstream", "-1"], "--upstream"),
    (["-o", "{tmp}/out.png", "--as-of", "last week"], "not an ISO-8601 time"),
    ([], "-o/--output"),
])
def test_bad_export_arguments(cli, lineage, tmp_path, args, message):
    args = [a.format(tmp=tmp_path) for a in args]
    status, out, err = cli("export", lineage.store, "model", *args)
    assert status == 2 and out == ""
    assert message in _one_error_line("export", err)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("out", ".out"))]


# ---------------------------------------------------------------- through a real process


def _run(*args: object, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lineage_desktop.cli.main",
                           *map(str, args)], capture_output=True, text=True, timeout=120,
                          **kwargs)


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_exit_statuses_in_a_subprocess(lineage, tmp_path):
    cases = [
        (["ls", tmp_path / "missing.db"], 2, "no lineage store"),
        (["show", lineage.store, "modl"], 2, "closest: model"),
        (["export", lineage.store, "model", "-o", tmp_path / "x.tiff"], 2, "unknown format"),
        (["export", lineage.store, "model", "-o", tmp_path / "no" / "x.png"], 2,
         "cannot write"),
        (["verify", tmp_path], 2, "not a lineage store"),
        (["verify", lineage.store], 0, ""),
    ]
    for args, status, message in cases:
        result = _run(*args)
        assert result.returncode == status, (args, result.stderr)
        assert "Traceback" not in result.stderr
        if status == 2:
            assert message in _one_error_line(args[0], result.stderr)
    (lineage.folder / "dog.png").write_bytes(b"changed")
    result = _run("verify", lineage.store)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "changed" in result.stdout and "images/dog.png" in result.stdout


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_png_export_in_a_subprocess_without_a_display(lineage, tmp_path):
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "lineage.png"
    result = _run("export", lineage.store, "model:best", "-o", out, env=env)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_data_commands_never_load_qt(lineage, tmp_path):
    code = (
        "import sys\n"
        "from lineage_desktop.cli.main import main\n"
        f"store = {str(lineage.store)!r}\n"
        "for args in (['ls', store], ['show', store, 'model'], ['verify', store],\n"
        f"             ['export', store, 'model', '-o', {str(tmp_path / 'g.json')!r}]):\n"
        "    assert main(args) == 0, args\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_broken_pipe_is_not_an_error(lineage):
    # The reader goes away before the command writes (it needs far longer to start).
    child = subprocess.Popen([sys.executable, "-m", "lineage_desktop.cli.main", "ls",
                              str(lineage.store), "--json"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait(timeout=120) == 0, err
    assert err == ""


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_version_and_help(lineage):
    result = _run("--version")
    assert result.returncode == 0 and result.stdout.startswith("lineage-desktop ")
    for command in ("export", "ls", "show", "verify"):
        result = _run(command, "--help")
        assert result.returncode == 0 and "examples:" in result.stdout, command
    assert Path(lineage.store).exists()


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_truncated_store_is_one_line(cli, lineage, tmp_path, command):
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(lineage.store.read_bytes()[:8192])
    status, _, err = cli(*COMMANDS[command](truncated, tmp_path))
    assert status == 2
    line = _one_error_line(command, err)
    assert "damaged" in line or "not a lineage store" in line
