"""Bad input gets a clear, named error and changes nothing."""
from __future__ import annotations

import sqlite3

import pytest

import lineage_desktop as ld
from lineage_desktop.store import Store
from lineage_desktop.store.schema import APPLICATION_ID, LATEST


def snapshot(store_path):
    conn = sqlite3.connect(store_path)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("runs", "artifacts", "versions", "aliases", "manifest", "usages")]
    finally:
        conn.close()


@pytest.mark.parametrize("name", ["has space", "a/b", "colon:name", "", "x" * 129, "é"])
def test_invalid_artifact_names(name):
    with pytest.raises(ld.InvalidArtifactName) as info:
        ld.Artifact(name, "dataset")
    assert isinstance(info.value, ValueError)
    assert repr(name)[:20] in str(info.value)


@pytest.mark.parametrize("type_name", ["job", "wandb-history", "bad type", ""])
def test_invalid_and_reserved_types(type_name):
    with pytest.raises(ld.InvalidArtifactType, match="type"):
        ld.Artifact("ok", type_name)


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
@pytest.mark.parametrize("alias", ["a/b", "a:b", "", "v3"])
def test_invalid_aliases_change_nothing(store_path, make_file, alias):
    with ld.init(project="p", store=store_path) as run:
        artifact = ld.Artifact("data", "dataset")
        artifact.add_file(make_file("f.txt", "x"))
        before = snapshot(store_path)
        with pytest.raises(ld.InvalidAlias) as info:
            run.log_artifact(artifact, aliases=[alias])
        assert repr(alias) in str(info.value)
        assert snapshot(store_path) == before


@pytest.mark.parametrize("entry", ["../x", "/etc/passwd", "a/../../b", "C:/win.ini"])
def test_entry_names_cannot_escape(make_file, entry):
    artifact = ld.Artifact("data", "dataset")
    with pytest.raises(ld.InvalidEntryPath, match="escape"):
        artifact.add_file(make_file("f.txt", "x"), name=entry)
    with pytest.raises(ld.InvalidEntryPath), artifact.new_file(entry):
        pass
    assert artifact.files() == []


def test_missing_local_file(tmp_path):
    artifact = ld.Artifact("data", "dataset")
    with pytest.raises(ld.LocalFileNotFound, match="nope.txt"):
        artifact.add_file(tmp_path / "nope.txt")
    with pytest.raises(FileNotFoundError):
        artifact.add_dir(tmp_path / "nodir")


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_unknown_artifact_and_alias_name_closest(store_path, make_file):
    with ld.init(project="p", store=store_path) as run:
        artifact = ld.Artifact("customer-data", "dataset")
        artifact.add_file(make_file("f.txt", "x"))
        run.log_artifact(artifact, aliases=["production"])
        before = snapshot(store_path)
        with pytest.raises(ld.ArtifactNotFound) as info:
            run.use_artifact("customer-dat")
        assert isinstance(info.value, LookupError)
        assert "customer-dat" in str(info.value) and "customer-data" in str(info.value)
        with pytest.raises(ld.ArtifactNotFound, match="productoin.*production"):
            run.use_artifact("customer-data:productoin")
        with pytest.raises(ld.ArtifactNotFound, match="v7"):
            run.use_artifact("customer-data:v7")
        assert snapshot(store_path) == before


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_type_mismatch(store_path, make_file):
    with ld.init(project="p", store=store_path) as run:
        artifact = ld.Artifact("data", "dataset")
        artifact.add_file(make_file("f.txt", "x"))
        run.log_artifact(artifact)
        before = snapshot(store_path)
        with pytest.raises(ld.TypeMismatch, match="'dataset'.*'model'"):
            run.use_artifact("data:latest", type="model")
        other = ld.Artifact("data", "model")
        other.add_file(make_file("g.txt", "y"))
        with pytest.raises(ValueError, match="type 'dataset'"):
            run.log_artifact(other)
        assert snapshot(store_path) == before


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_store_in_missing_folder(tmp_path):
    with pytest.raises(ld.StoreNotFound, match="does not exist"):
        ld.init(project="p", store=tmp_path / "no" / "such" / "x.db")
    assert not (tmp_path / "no").exists()


def test_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some text, not a database")
    before = path.read_bytes()
    with pytest.raises(ld.NotALineageStore, match="not an SQLite database"):
        ld.init(project="p", store=path)
    with pytest.raises(ld.NotALineageStore):
        ld.Api(store=path)
    assert path.read_bytes() == before


def test_foreign_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ld.NotALineageStore, match="not a lineage store"):
        Store.open(path)
    with pytest.raises(ld.NotALineageStore):
        Store.open(path, readonly=True)
    assert path.read_bytes() == before


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={LATEST + 1}")
    conn.close()
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(ld.SchemaTooNew, match="newer"):
            Store.open(path, readonly=readonly)
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_truncated_store_is_reported(tmp_path, make_file):
    path = tmp_path / "t.db"
    with ld.init(project="p", store=path) as run:
        for i in range(50):
            a = ld.Artifact(f"d{i}", "dataset", description="x" * 2000)
            a.add_file(make_file(f"{i}.txt", str(i)))
            run.log_artifact(a)
    from lineage_desktop.sdk import stores

    stores._close_all()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ld.NotALineageStore):
        api = ld.Api(store=path)
        api.artifact_collections()
        api.artifact("d49")


def test_missing_store_for_reading(tmp_path):
    with pytest.raises(ld.StoreNotFound):
        ld.Api(store=tmp_path / "absent.db")
    assert not (tmp_path / "absent.db").exists()


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_damage_found_while_reading_is_a_named_store_error(tmp_path, make_file):
    path = tmp_path / "d.db"
    with ld.init(project="p", store=path) as run:
        for i in range(300):
            a = ld.Artifact(f"d{i}", "dataset", description="x" * 500)
            a.add_file(make_file(f"{i}.txt", str(i)))
            run.log_artifact(a)
    from lineage_desktop.sdk import stores

    stores._close_all()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for page in range(pages // 2, pages - 1):  # scribble over the second half of the pages
        start = page * page_size
        data[start:start + page_size] = b"\xde\xad" * (page_size // 2)
    path.write_bytes(bytes(data))
    with pytest.raises(ld.StoreError) as info:
        api = ld.Api(store=path)
        for collection in api.artifact_collections():
            api.artifact_versions(collection.name)
    assert not isinstance(info.value, sqlite3.Error)
    assert str(path) in str(info.value)
