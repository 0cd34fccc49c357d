"""Artifact file semantics that W&B code relies on (issue 13, "Files")."""
from __future__ import annotations

import pytest

import lineage_desktop as ld


def test_add_file_twice_to_one_name_follows_wandb(tmp_path):
    one, same, other = (tmp_path / n for n in ("one.txt", "same.txt", "other.txt"))
    one.write_text("rows")
    same.write_text("rows")
    other.write_text("other rows")
    artifact = ld.Artifact("data", "dataset")
    artifact.add_file(one, name="data.txt")
    artifact.add_file(same, name="data.txt")  # the same content: accepted, as in W&B
    with pytest.raises(ValueError, match="same path twice: 'data.txt'"):
        artifact.add_file(other, name="data.txt")
    artifact.add_file(other, name="data.txt", overwrite=True)
    with ld.init(project="p", store=tmp_path / "s.db") as run:
        logged = run.log_artifact(artifact)
    assert (tmp_path / "out").exists() is False
    folder = logged.download(tmp_path / "out")
    assert (tmp_path / "out" / "data.txt").read_text() == "other rows" and folder
