"""``artifact.checkout``: W&B's doc-style call, only the import changed; extra files,
folders and links are removed, link targets outside the root survive, unsafe roots are
refused."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.sdk.checkout import UnsafeCheckoutRoot


@pytest.fixture
def logged(store_path, make_file):
    with ld.init(project="p", store=str(store_path)) as run:
        artifact = ld.Artifact(name="dataset", type="dataset")
        artifact.add_file(str(make_file("train.csv", "a,b\n")), name="data/train.csv")
        artifact.add_file(str(make_file("notes.txt", "notes")), name="notes.txt")
        run.log_artifact(artifact)
    return ld.Api(store=str(store_path)).artifact("dataset:latest")


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_checkout_removes_what_is_not_in_the_artifact(logged, tmp_path):
    root = tmp_path / "checkout"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    (root / "data" / "old").mkdir(parents=True)
    (root / "data" / "old" / "stale.bin").write_text("stale")
    (root / "data" / "extra.csv").write_text("extra")
    (root / "notes.txt").write_text("changed locally")
    (root / "empty").mkdir()
    os.symlink(outside, root / "link-to-folder")
    os.symlink(outside / "precious.txt", root / "data" / "link-to-file")
    os.symlink(tmp_path / "nowhere", root / "dangling")

    assert logged.checkout(root=str(root)) == str(root.resolve())

    assert _tree(root) == {"data", "data/train.csv", "notes.txt"}
    assert (root / "notes.txt").read_text() == "notes"
    assert (outside / "precious.txt").read_text() == "keep me"
    logged.verify(root=str(root))


def test_checkout_default_root_is_without_version(logged, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Path(logged.checkout()) == (tmp_path / "artifacts" / "dataset").resolve()
    assert (tmp_path / "artifacts" / "dataset" / "data" / "train.csv").exists()


@pytest.mark.parametrize("which", ["/", "home", "cwd"])
def test_unsafe_roots_are_refused(logged, tmp_path, monkeypatch, which):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "mine.txt").write_text("mine")
    monkeypatch.chdir(tmp_path / "home")
    root = {"/": "/", "home": str(tmp_path / "home"), "cwd": "."}[which]
    with pytest.raises(UnsafeCheckoutRoot, match="checkout root"):
        logged.checkout(root=root)
    assert (tmp_path / "home" / "mine.txt").read_text() == "mine"
    assert not (tmp_path / "home" / "notes.txt").exists()


def test_root_that_is_a_file_is_refused(logged, tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UnsafeCheckoutRoot, match="not a folder"):
        logged.checkout(root=str(tmp_path / "f"))


def test_link_in_place_of_an_entry_folder_is_not_followed(logged, tmp_path):
    root, outside = tmp_path / "checkout", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    os.symlink(outside, root / "data")  # where the version's data/train.csv goes
    with contextlib.suppress(ValueError):  # refused before anything was removed: safe too
        logged.checkout(root=str(root))
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]
    assert (outside / "precious.txt").read_text() == "keep me"
