"""``verify`` of local folders added as one reference: the store records each folder
(schema 9), so files added to it are found even when its entries lie at the artifact's
top level (``add_reference`` without ``name``, W&B's default), and files that are only
neighbours of separately referenced files are not."""
from __future__ import annotations

import json
import sqlite3

import pytest

import lineage_desktop as ld
import lineage_desktop as wandb
import lineage_desktop.audit.verify as verify_engine


def _folder(tmp_path, name="shards", files=("a.csv", "sub/b.csv")):
    folder = tmp_path / name
    for rel in files:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(rel)
    folder.mkdir(exist_ok=True)
    return folder


def _findings(cli, store, *args):
    status, out, _ = cli("verify", store, *args, "--json")
    return status, sorted((p["status"], p["artifact"], p["path"])
                          for p in json.loads(out)["problems"])


@pytest.mark.parametrize("one_query_from", [1, 10**9])  # every manifest at once, or each
def test_files_added_to_and_removed_from_a_folder_referenced_without_a_name(
        cli, tmp_path, monkeypatch, one_query_from):
    monkeypatch.setattr(verify_engine, "ONE_QUERY_FROM", one_query_from)
    folder = _folder(tmp_path)
    store = tmp_path / "s.db"
    # W&B code block (track external files), only the import changed:
    with wandb.init(project="p", store=store) as run:
        artifact = wandb.Artifact("shards", type="dataset")
        artifact.add_reference(f"file://{folder}")
        run.log_artifact(artifact)
    assert sorted(e.path for e in artifact.files()) == ["a.csv", "sub/b.csv"]
    assert cli("verify", store)[0] == 0
    (folder / "new.csv").write_text("new")
    (folder / "sub" / "c.csv").write_text("c")
    (folder / "a.csv").unlink()
    status, found = _findings(cli, store)
    assert status == 1
    assert found == [("extra", "shards:v0", "new.csv"), ("extra", "shards:v0", "sub/c.csv"),
                     ("missing", "shards:v0", "a.csv")]
    status, out, _ = cli("verify", store)
    assert str(folder / "new.csv") in out


def test_neighbours_of_single_file_references_are_not_extra(cli, tmp_path):
    folder = _folder(tmp_path, files=("a.csv", "b.csv"))
    store = tmp_path / "s.db"
    with wandb.init(project="p", store=store) as run:
        artifact = wandb.Artifact("picked", type="dataset")
        artifact.add_reference(f"file://{folder}/a.csv")
        artifact.add_reference(f"file://{folder}/b.csv")
        run.log_artifact(artifact)
    (folder / "unrelated.csv").write_text("x")
    assert _findings(cli, store) == (0, [])


def test_an_empty_referenced_folder_that_gains_a_file(cli, tmp_path):
    folder = _folder(tmp_path, files=())
    store = tmp_path / "s.db"
    with wandb.init(project="p", store=store) as run:
        artifact = wandb.Artifact("empty", type="dataset")
        artifact.add_reference(folder.as_uri(), name="data")
        run.log_artifact(artifact)
    (folder / "late.csv").write_text("late")
    assert _findings(cli, store) == (1, [("extra", "empty:v0", "data/late.csv")])


def test_new_draft_and_incremental_versions_keep_the_folder(cli, tmp_path):
    folder = _folder(tmp_path)
    extra = tmp_path / "notes.txt"
    extra.write_text("notes")
    store = tmp_path / "s.db"
    with wandb.init(project="p", store=store) as run:
        first = wandb.Artifact("shards", type="dataset")
        first.add_reference(folder.as_uri())
        run.log_artifact(first)
        draft = first.new_draft()
        draft.add_file(str(extra))
        run.log_artifact(draft)
        more = wandb.Artifact("shards", type="dataset", incremental=True)
        more.add_file(str(extra), name="more.txt")
        run.log_artifact(more)
    assert [v.version for v in ld.Api(store=store).artifact_versions("shards")] == [
        "v0", "v1", "v2"]
    (folder / "new.csv").write_text("new")
    status, found = _findings(cli, store)
    assert status == 1 and found == [("extra", f"shards:v{i}", "new.csv") for i in range(3)]


def test_removing_a_file_of_the_folder_from_the_draft_forgets_the_folder(cli, tmp_path):
    folder = _folder(tmp_path, files=("a.csv", "b.csv"))
    store = tmp_path / "s.db"
    with wandb.init(project="p", store=store) as run:
        artifact = wandb.Artifact("shards", type="dataset")
        artifact.add_reference(folder.as_uri())
        artifact.remove("b.csv")
        run.log_artifact(artifact)
    # b.csv was left out on purpose: not an extra file (nor anything else is, unknowable).
    assert _findings(cli, store) == (0, [])


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_a_folder_upserted_into_a_distributed_version_is_kept(cli, tmp_path):
    folders = [_folder(tmp_path, f"rank-{i}", files=(f"part-{i}.csv",)) for i in range(2)]
    store = tmp_path / "s.db"
    for folder in folders:
        with wandb.init(project="p", group="g", store=store) as run:
            artifact = wandb.Artifact("parts", type="dataset")
            artifact.add_reference(f"file://{folder}")
            run.upsert_artifact(artifact)
    with wandb.init(project="p", group="g", store=store) as run:
        run.finish_artifact(wandb.Artifact("parts", type="dataset"))
    (folders[1] / "late.csv").write_text("late")
    assert _findings(cli, store) == (1, [("extra", "parts:v0", "late.csv")])
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT COUNT(*) FROM draft_folders").fetchone()[0] == 0
