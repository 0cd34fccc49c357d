"""W&B's file-level reading API, doc-style snippets with only the import changed:
get_entry/get_path, entry.download, download(path_prefix=...), references offline."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.sdk.artifact_files import ReferenceNotFetched


@pytest.fixture
def logged(store_path, make_file):
    with ld.init(project="files", store=str(store_path)) as run:
        artifact = ld.Artifact(name="dataset", type="dataset")
        artifact.add_file(local_path=str(make_file("train.csv", "a,b\n1,2\n")),
                          name="data/train.csv")
        artifact.add_file(local_path=str(make_file("notes.txt", "notes")), name="notes.txt")
        artifact.add_reference("s3://bucket/raw/images.tar", checksum=False)
        run.log_artifact(artifact)
    return ld.Api(store=str(store_path)).artifact("dataset:latest")


def test_get_entry_downloads_one_file(logged, tmp_path):
    entry = logged.get_entry("data/train.csv")
    assert entry.name == entry.path == "data/train.csv"
    assert entry.size == 8 and len(entry.digest) == 64
    assert entry.ref_url().startswith("wandb-artifact://")
    local = entry.download(root=str(tmp_path / "one"))
    assert Path(local) == tmp_path / "one" / "data" / "train.csv"
    assert Path(local).read_text() == "a,b\n1,2\n"
    assert not (tmp_path / "one" / "notes.txt").exists()
    assert logged.get_path("notes.txt") == logged.get_entry("notes.txt")


def test_files_have_names(logged):
    assert [entry.name for entry in logged.files()] == [
        "data/train.csv", "images.tar", "notes.txt"]


def test_download_path_prefix(logged, tmp_path):
    root = Path(logged.download(root=str(tmp_path / "p"), path_prefix="data/"))
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == [
        "data/train.csv"]


def test_remote_reference_warns_and_folder_exists(logged, tmp_path):
    with pytest.warns(ReferenceNotFetched, match="s3://bucket/raw/images.tar"):
        root = logged.download(root=str(tmp_path / "all"))
    assert Path(root).is_dir() and (Path(root) / "notes.txt").read_text() == "notes"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empty = logged.download(root=str(tmp_path / "none"), path_prefix="nothing/")
    assert Path(empty).is_dir()
    assert logged.get_entry("images.tar").ref_url() == "s3://bucket/raw/images.tar"


def test_unknown_entry_is_lookup_error(logged):
    with pytest.raises(LookupError, match="missing.txt"):
        logged.get_entry("missing.txt")


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
@pytest.mark.parametrize("path", ["../escape.txt", "/tmp/abs.txt", "sub/../../x.txt"])
def test_hostile_entry_path_cannot_leave_the_root(store_path, make_file, tmp_path, path):
    import sqlite3

    from lineage_desktop.records.validation import UnsafeEntry
    from lineage_desktop.sdk.stores import _close_all

    with ld.init(project="files", store=str(store_path)) as run:
        artifact = ld.Artifact(name="dataset", type="dataset")
        artifact.add_file(local_path=str(make_file("a.txt", "alpha")), name="a.txt")
        run.log_artifact(artifact)
    _close_all()  # no product connection stays open while sqlite3 crafts the row
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE manifest SET path = ? WHERE path = 'a.txt'", (path,))
    conn.commit()
    conn.close()
    logged = ld.Api(store=str(store_path)).artifact("dataset:latest")
    root = tmp_path / "dl" / "root"
    before = sorted(p for p in tmp_path.rglob("*"))
    with pytest.raises(UnsafeEntry):
        logged.get_entry(path).download(root=str(root))
    with pytest.raises(UnsafeEntry):
        logged.download(root=str(root))
    assert sorted(p for p in tmp_path.rglob("*")
                  if not p.name.startswith("lineage.db")) == [
        p for p in before if not p.name.startswith("lineage.db")]
