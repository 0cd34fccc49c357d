"""A text cell that is not valid UTF-8 reads with U+FFFD instead of failing the read."""
from __future__ import annotations

import sqlite3

import pytest

import lineage_desktop as ld


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_a_non_utf8_description_reads_with_replacement_characters(tmp_path):
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        artifact = ld.Artifact("data", "dataset", description="fine")
        with artifact.new_file("a.txt") as handle:
            handle.write("a")
        run.log_artifact(artifact)
    from lineage_desktop.sdk import stores

    stores._close_all()
    conn = sqlite3.connect(store)
    conn.execute("UPDATE versions SET description = CAST(x'666f6ffffe' AS TEXT)")
    conn.commit()
    conn.close()
    with ld.Api(store=store) as api:
        artifact = api.artifact("data:v0")
        assert artifact.description == "foo\ufffd\ufffd"
        assert [a.version for a in api.artifact_versions("data")] == ["v0"]
        assert api.store._conn.text_factory is str  # strict again for the next read
