"""merge reads a source store as untrusted input: a version whose rows would reach
outside the source's folder is skipped and reported, the rest is merged."""
from __future__ import annotations

import sqlite3

import lineage_desktop as ld
from lineage_desktop.cli.main import main


def _store(path, names):
    with ld.init(project="p", store=path) as run:
        for name in names:
            artifact = ld.Artifact(name, "dataset")
            with artifact.new_file("a.txt") as handle:
                handle.write(name)
            run.log_artifact(artifact)
    from lineage_desktop.sdk import stores

    stores._close_all()


def test_a_version_with_a_crafted_digest_or_path_is_skipped(tmp_path, capsys):
    source, target = tmp_path / "vendor.db", tmp_path / "mine.db"
    _store(source, ["good", "bad-digest", "bad-path"])
    conn = sqlite3.connect(source)
    conn.execute("UPDATE manifest SET digest = '../../../../etc/passwd' WHERE version_id = "
                 "(SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id "
                 "WHERE a.name = 'bad-digest')")
    conn.execute("UPDATE manifest SET path = '../escape.txt' WHERE version_id = "
                 "(SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id "
                 "WHERE a.name = 'bad-path')")
    conn.commit()
    conn.close()
    status = main(["merge", str(target), str(source)])
    err = capsys.readouterr().err
    assert status == 0, err
    assert "Traceback" not in err
    assert "bad-digest:v0" in err and "bad-path:v0" in err
    with ld.Api(store=target) as api:
        names = {c.name for c in api.artifact_collections()}
        assert "good" in names and "bad-digest" not in names and "bad-path" not in names
        api.artifact("good:v0").verify()
