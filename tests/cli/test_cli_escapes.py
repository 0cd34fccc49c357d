"""Text from a store never reaches the terminal raw: every text output of ``ls``,
``show``, ``diff``, ``impact`` and ``verify`` shows control characters as ``?``, and
``--json`` is strict JSON whose escapes decode to exactly the stored text, even for a
store written by another tool (control characters in aliases and paths, NaN)."""
from __future__ import annotations

import csv
import json
import math
import sqlite3
from pathlib import Path

import pytest

import lineage_desktop as ld

pytestmark = pytest.mark.sqlite_file("a hostile store crafted with sqlite3")

HOSTILE = "\x1b[31mred\x1b[0m \x1b]0;title\x07 \r<b>html</b> &amp; \x9b2J \u202eevil"
UNSAFE = ("\x1b", "\x07", "\r", "\x9b", "\u202e")


def _strict(text: str):
    def refuse(constant: str) -> None:
        raise AssertionError(f"not strict JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """data:v0 -> (a run with hostile name, job type, notes, config) -> data:v1, with
    hostile descriptions, metadata keys and values; then, as another tool might, a
    hostile alias and file path and a NaN written straight into the file."""
    store = tmp_path / "hostile.db"
    with ld.init(project="p", entity="e", name="ingest " + HOSTILE, job_type="ingest",
                 notes=HOSTILE, config={"k " + HOSTILE: HOSTILE}, store=store) as run:
        first = ld.Artifact("data", "dataset", description=HOSTILE,
                            metadata={HOSTILE: HOSTILE, "nested": {"x": HOSTILE}})
        with first.new_file("a.txt") as handle:
            handle.write("a")
        run.log_artifact(first)
    with ld.init(project="p", entity="e", name="train " + HOSTILE,
                 job_type="train" + HOSTILE, store=store) as run:
        run.use_artifact("data:v0")
        second = ld.Artifact("data", "dataset", description="second",
                             metadata={HOSTILE: 1, "new": HOSTILE})
        with second.new_file("b.txt") as handle:
            handle.write("b")
        run.log_artifact(second)
    conn = sqlite3.connect(store)
    conn.execute("UPDATE manifest SET path = ? WHERE path = 'b.txt'", ("b" + HOSTILE,))
    conn.execute("UPDATE versions SET metadata = ? WHERE idx = 1",
                 (json.dumps({"auc": math.nan, "inf": math.inf, "t": HOSTILE}),))
    conn.execute("INSERT INTO aliases (artifact_id, alias, version_id) "
                 "SELECT artifact_id, ?, id FROM versions WHERE idx = 0", ("al" + HOSTILE,))
    conn.commit()
    conn.close()
    return store


def _assert_terminal_safe(text: str) -> None:
    for char in UNSAFE:
        assert char not in text, f"{char!r} reached the terminal: {text!r}"
    assert all(c.isprintable() or c == "\n" for c in text), repr(text)


@pytest.mark.parametrize("args", [
    ["show", "data:v0"], ["show", "data:v1"], ["show", "data:v0", "--json"],
    ["show", "data:v1", "--json"], ["ls"], ["ls", "--long"], ["ls", "--json"],
    ["diff", "data:v0", "data:v1"], ["diff", "data:v0", "data:v1", "--json"],
    ["impact", "data:v0"], ["impact", "data:v0", "--json"], ["impact", "data:v0", "--csv"],
    ["verify"], ["verify", "--json"],
])
def test_no_raw_control_character_reaches_the_terminal(cli, hostile, args):
    status, out, err = cli(args[0], hostile, *args[1:])
    assert status == 0, err
    _assert_terminal_safe(out)
    _assert_terminal_safe(err)
    assert "<b>html</b>" in out or args[0] in ("ls", "verify", "impact")  # HTML kept as text
    if "--json" in args:
        _strict(out)


def test_show_text_escapes_every_field(cli, hostile):
    status, out, _ = cli("show", hostile, "data:v0")
    assert status == 0
    shown = "?[31mred?[0m ?]0;title? ?<b>html</b> &amp; ?2J ?evil"
    lines = out.splitlines()
    assert any(line.strip() == f"description: {shown}" for line in lines)
    assert any(line.strip() == f"{shown}: {shown}" for line in lines)  # metadata key too
    assert any(f"al{shown}" in line for line in lines)  # an alias another tool wrote


def test_show_json_is_strict_and_gives_back_the_stored_text(cli, hostile):
    _, out, _ = cli("show", hostile, "data:v1", "--json")
    data = _strict(out)
    assert data["metadata"] == {"auc": "NaN", "inf": "Infinity", "t": HOSTILE}
    assert [f["path"] for f in data["files"]] == ["b" + HOSTILE]
    _, out, _ = cli("show", hostile, "data:v0", "--json")
    data = _strict(out)
    assert data["description"] == HOSTILE
    assert data["metadata"] == {HOSTILE: HOSTILE, "nested": {"x": HOSTILE}}
    assert "al" + HOSTILE in data["aliases"]
    run_id = data["used_by"][0]["id"]
    _, out, _ = cli("show", hostile, f"run:{run_id}", "--json")
    assert _strict(out)["job_type"] == "train" + HOSTILE


def test_run_text_escapes_name_notes_and_config(cli, hostile):
    _, out, _ = cli("show", hostile, "data:v0", "--json")
    producer = _strict(out)["logged_by"]["id"]
    status, out, _ = cli("show", hostile, f"run:{producer}")
    assert status == 0
    _assert_terminal_safe(out)
    assert "notes:" in out and "?]0;title?" in out


def test_impact_csv_file_keeps_the_text_exactly(cli, hostile, tmp_path):
    target = tmp_path / "impact.csv"
    status, _, err = cli("impact", hostile, "data:v0", "--csv", "-o", target)
    assert status == 0, err
    with open(target, newline="", encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert "train " + HOSTILE in names


def _slash_project(store: Path) -> None:
    conn = sqlite3.connect(store)
    conn.execute("UPDATE projects SET name = 'team/p'")
    conn.commit()
    conn.close()


def test_ls_lists_a_project_name_holding_a_slash(cli, hostile):
    _slash_project(hostile)  # the SDK refuses such names now; older stores may hold them
    status, out, err = cli("ls", hostile, "--json")
    assert status == 0, err
    assert [c["project"] for c in _strict(out)] == ["team/p"]
    assert [len(c["versions"]) for c in _strict(out)] == [2]


def test_verify_checks_a_project_name_holding_a_slash(cli, hostile):
    _slash_project(hostile)
    status, out, err = cli("verify", hostile)
    assert status == 0, err
    assert "2 versions" in out
