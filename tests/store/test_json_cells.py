"""Every JSON cell the store writes is strict JSON, whatever an importer hands it."""
from __future__ import annotations

import json
import math
import sqlite3

import pytest

from lineage_desktop.store import Store, manifest_digest


def _strict(text: str):
    def refuse(name):
        raise ValueError(f"non-strict JSON constant {name}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_non_finite_numbers_are_stored_as_strings(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        project = store.ensure_project("e", "p")
        store.log_version(project, "data", "dataset", manifest_digest([]), [],
                          metadata={"loss": math.nan, "top": math.inf, "nested": [-math.inf]})
    conn = sqlite3.connect(path)
    (cell,) = conn.execute("SELECT metadata FROM versions").fetchone()
    conn.close()
    assert _strict(cell) == {"loss": "NaN", "top": "Infinity", "nested": ["-Infinity"]}
