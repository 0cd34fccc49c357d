"""Any cell value becomes the type its record declares, or a ``DamagedRow`` naming the
table, row and column; sqlite3's errors get names that say what happened."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lineage_desktop.records import NotALineageStore, StoreDamaged, StoreSchemaError
from lineage_desktop.store.errors import DamagedRow, DamagedStoreFile, translate
from lineage_desktop.store.rows import (
    MAX_JSON_DEPTH,
    NOT_AN_OBJECT,
    UNREADABLE,
    Cells,
    as_text,
    decode_text,
    json_labels,
    json_object,
    process_of,
    run_from_row,
    version_from_row,
)

DEEP = 100_000


@pytest.mark.parametrize("cell, expected", [
    (None, {}), ("", {}), ("  ", {}), ("null", {}), ('{"a": 1}', {"a": 1}),
    ("[1, 2]", {NOT_AN_OBJECT: [1, 2]}), ("42", {NOT_AN_OBJECT: 42}), (7, {NOT_AN_OBJECT: 7}),
    ('"text"', {NOT_AN_OBJECT: "text"}), ("{broken", {UNREADABLE: "{broken"}),
    (b'{"b": 2}', {"b": 2}), (b"\xff{", {UNREADABLE: "\ufffd{"}),
    ('{"x": NaN, "y": [Infinity, -Infinity], "z": 1e999}',
     {"x": "NaN", "y": ["Infinity", "-Infinity"], "z": "1e999"}),
])
def test_json_objects(cell, expected):
    assert json_object(cell) == expected


@pytest.mark.parametrize("cell", [
    "[" * DEEP, "[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP,
    "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
])
def test_deep_nesting_is_unreadable_not_a_recursion_error(cell):
    found = json_object(cell)
    assert list(found) == [UNREADABLE] and len(found[UNREADABLE]) < 1_100
    assert json_labels(cell)[0] == found[UNREADABLE]


def test_nesting_within_the_limit_and_brackets_in_strings_read_normally():
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert json_object(nested) == {NOT_AN_OBJECT: json.loads(nested)}
    assert json_object(json.dumps({"s": "[" * DEEP})) == {"s": "[" * DEEP}


def test_huge_cells_are_kept_shortened_when_unreadable():
    text = "{" + "x" * 5_000_000
    shown = json_object(text)[UNREADABLE]
    assert shown.startswith("{xxx") and "5,000,001 characters" in shown


@pytest.mark.parametrize("cell, expected", [
    (None, ()), ("[]", ()), ('["a", "b"]', ("a", "b")), ('["a", 1, null, {"k": [2]}]',
                                                          ("a", "1", "null", '{"k":[2]}')),
    ('"one"', ("one",)), ("3", ("3",)), ("{not json", ("{not json",)),
])
def test_tags_are_always_strings(cell, expected):
    assert json_labels(cell) == expected


def test_text_cells():
    assert as_text(b"ok\xff") == "ok\ufffd" and as_text(3.5) == "3.5" and as_text("x") == "x"
    assert decode_text(b"\xff\xfeA") == "\ufffd\ufffdA"


def test_numbers_that_are_not_whole_numbers_name_table_row_and_column():
    cells = Cells("versions", 12)
    assert cells.integer("size", "42") == 42 and cells.integer("size", 3.0) == 3
    for value, words in (("three", "holds 'three', not a whole number"), (1.5, "holds 1.5"),
                         (b"\x00", "holds b'\\x00'"), (None, "is NULL"), (float("inf"), "inf")):
        with pytest.raises(DamagedRow, match="versions row 12: size ") as caught:
            cells.integer("size", value)
        assert words in str(caught.value)
        assert (caught.value.table, caught.value.row_id, caught.value.column) == (
            "versions", 12, "size")
        assert isinstance(caught.value, StoreDamaged)
    with pytest.raises(DamagedRow, match="idx is -1, below 0"):
        cells.integer("idx", -1, minimum=0)


def test_a_row_id_full_of_escape_codes_is_quoted_in_the_message():
    error = DamagedRow("runs", "a\x1b[2Jb", "name", "is NULL")
    assert "\x1b" not in str(error) and "'a\\x1b[2Jb'" in str(error)


def _version_row(**cells):
    row = dict(vid=1, name="data", idx=0, type="dataset", project="p", entity="e",
               digest="d" * 64, description=None, metadata="{}", size=3, file_count=1,
               created_at="2026-01-01T00:00:00Z", run_id="r1", state="COMMITTED",
               artifact_id=1, type_id=1, project_id=1, ttl=None, updated_at=None,
               deleted_at=None, deleted_by=None, source_id=None, history_step=None)
    row.update(cells)
    return tuple(row.values())


def test_version_records_get_the_types_they_declare():
    record = version_from_row(
        _version_row(name=123, idx="2", metadata="[1]", size=4.0, description=b"\xff",
                     run_id=b"\x00r", digest=77),
        aliases=("latest", 7, None, b"\xffa"), tags=(None, "t"))
    assert record.name == "123" and record.index == 2 and record.size == 4
    assert record.metadata == {NOT_AN_OBJECT: [1]} and record.description == "\ufffd"
    assert record.run_id == "\x00r" and record.digest == "77"
    assert record.aliases == ("latest", "7", "\ufffda") and record.tags == ("t",)
    with pytest.raises(DamagedRow, match="artifacts row 1: name is NULL"):
        version_from_row(_version_row(name=None))
    with pytest.raises(DamagedRow, match="versions row 1: file_count holds 'many'"):
        version_from_row(_version_row(file_count="many"))
    edited = version_from_row(_version_row(ttl="86400", source_id=3.0, deleted_by=b"\xffx"))
    assert edited.ttl == 86400 and edited.source_id == 3 and edited.deleted_by == "\ufffdx"
    with pytest.raises(DamagedRow, match="versions row 1: ttl is -5, below 0"):
        version_from_row(_version_row(ttl=-5))


def test_run_records_get_the_types_they_declare():
    row = ("r1", "p", "e", 42, None, None, None, None, "finished", None, None,
           "[" * DEEP, None, '["a", 2]', "3", 1, 1)
    run = run_from_row(row)
    assert run.name == "42" and run.tags == ("a", "2") and run.exit_code == 3
    assert list(run.config) == [UNREADABLE]
    with pytest.raises(DamagedRow, match="runs row rowid 5: id is NULL"):
        run_from_row((None, *row[1:15], 5, 1))


def test_processes_with_odd_pids_cannot_be_told_dead():
    assert process_of(("r", 12, "99")) == ("r", 12, "99")
    for pid in ("abc", -1, 0, 2**63 - 1, None, 1.5):
        assert process_of(("r", pid, None)) is None


# ---------------------------------------------------------------------------- translate


def _error(sql: str, path: Path) -> sqlite3.Error:
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql).fetchall()
    except sqlite3.Error as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError(f"{sql} did not fail")


def test_text_that_is_not_utf8_is_named(tmp_path):
    exc = _error("SELECT CAST(x'fffe41' AS TEXT) AS description", tmp_path / "x.db")
    error = translate(exc, tmp_path / "x.db")
    assert isinstance(error, StoreDamaged)
    assert "is damaged: a text cell is not valid UTF-8" in str(error)
    assert "description" in str(error)


def test_damage_found_while_opening_is_named_damage_and_refused(tmp_path):
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorcode = 11  # type: ignore[attr-defined]
    error = translate(corrupt, tmp_path / "x.db", opening=True)
    assert isinstance(error, DamagedStoreFile)
    assert isinstance(error, NotALineageStore) and isinstance(error, StoreDamaged)
    assert str(error) == f"{tmp_path / 'x.db'} is damaged: database disk image is malformed"
    later = translate(corrupt, tmp_path / "x.db")
    assert type(later) is StoreDamaged
    schema = _error("SELECT no_column FROM sqlite_master", tmp_path / "y.db")
    opening = translate(schema, tmp_path / "y.db", opening=True)
    assert isinstance(opening, NotALineageStore) and isinstance(opening, StoreSchemaError)
    assert type(translate(schema, tmp_path / "y.db")) is StoreSchemaError
