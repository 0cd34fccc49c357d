"""``add_reference("file:///folder")`` as W&B's local file handler: one entry per file,
named relative to the folder (``name=`` a prefix), listed even with ``checksum=False``
(digest of the URI, real size), ``max_objects`` enforced. Only the import changed."""
from __future__ import annotations

import pytest

import lineage_desktop as ld
from lineage_desktop.store import bytes_digest, file_digest


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "images"
    (root / "cats").mkdir(parents=True)
    (root / "dog.png").write_bytes(b"woof")
    (root / "cats" / "tom.png").write_bytes(b"meow!")
    return root


def test_entries_are_relative_to_the_folder(folder):
    artifact = ld.Artifact("images", "dataset")
    entries = artifact.add_reference(folder.as_uri())
    assert [(e.path, e.ref, e.size) for e in entries] == [
        ("cats/tom.png", (folder / "cats" / "tom.png").as_uri(), 5),
        ("dog.png", (folder / "dog.png").as_uri(), 4)]
    assert entries[1].digest == file_digest(folder / "dog.png")[0]


def test_name_is_a_prefix(folder):
    artifact = ld.Artifact("images", "dataset")
    entries = artifact.add_reference(folder.as_uri(), name="raw/imgs")
    assert [e.path for e in entries] == ["raw/imgs/cats/tom.png", "raw/imgs/dog.png"]


def test_without_checksum_each_file_is_still_listed(folder, store_path):
    artifact = ld.Artifact("images", "dataset")
    entries = artifact.add_reference(folder.as_uri(), checksum=False)
    assert [(e.path, e.size) for e in entries] == [("cats/tom.png", 5), ("dog.png", 4)]
    assert all(e.digest == bytes_digest(e.ref.encode()) for e in entries)  # path only
    with ld.init(project="p", store=str(store_path)) as run:
        run.log_artifact(artifact)
    logged = ld.Api(store=str(store_path)).artifact("images:latest")
    (folder / "dog.png").write_bytes(b"changed")  # content was never recorded
    logged.verify()


def test_single_file_without_checksum_has_its_size(folder):
    artifact = ld.Artifact("images", "dataset")
    [entry] = artifact.add_reference((folder / "dog.png").as_uri(), checksum=False)
    assert (entry.path, entry.size) == ("dog.png", 4)
    with pytest.raises(FileNotFoundError):
        artifact.add_reference((folder / "gone.png").as_uri(), checksum=False)


def test_max_objects_exceeded_is_refused_and_nothing_added(folder):
    artifact = ld.Artifact("images", "dataset")
    with pytest.raises(ValueError, match="exceeded 1 objects"):
        artifact.add_reference(folder.as_uri(), max_objects=1)
    assert artifact.files() == []
    assert len(artifact.add_reference(folder.as_uri(), max_objects=2)) == 2
