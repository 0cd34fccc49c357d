"""Abandoned distributed drafts (``upsert_artifact`` never followed by
``finish_artifact``): ``ls --drafts`` lists them, ``ls`` says they exist, and verifying
the whole store notes those left for days."""
from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

import lineage_desktop as wandb
from lineage_desktop.audit.drafts import stale_drafts
from lineage_desktop.store import Store


def _upsert(store, tmp_path, index, name="shards", group="g", aliases=None):
    source = tmp_path / f"shard-{index}.txt"
    source.write_text(f"shard {index}")
    # W&B code block (distributed runs), only the import changed:
    with wandb.init(project="p", group=group, store=store) as run:
        artifact = wandb.Artifact(name, type="dataset")
        artifact.add_file(str(source), name=f"shard-{index}.txt")
        run.upsert_artifact(artifact, aliases=aliases)
    return run.id


def _age(store, days):
    old = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE draft_entries SET added_at = ?", (old,))
    return old


def test_ls_drafts_lists_unfinished_drafts_with_their_runs(cli, tmp_path):
    store = tmp_path / "d.db"
    first = _upsert(store, tmp_path, 0, aliases=["rank-0"])
    second = _upsert(store, tmp_path, 1)
    _upsert(store, tmp_path, 2, name="other", group="h")
    status, out, err = cli("ls", store, "--drafts", "--json")
    assert status == 0, err
    drafts = {d["name"]: d for d in json.loads(out)}
    assert set(drafts) == {"shards", "other"}
    shards = drafts["shards"]
    assert shards["distributed_id"] == "g" and shards["type"] == "dataset"
    assert shards["file_count"] == 2 and shards["size"] == 14
    assert sorted(shards["runs"]) == sorted([first, second])
    assert shards["aliases"] == ["rank-0"]
    status, out, _ = cli("ls", store, "--drafts")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["TYPE", "NAME", "DISTRIBUTED"]
    assert [line.split()[1] for line in lines[1:]] == ["other", "shards"]
    # The plain listing has no finished artifact, and says where the drafts are.
    status, out, _ = cli("ls", store)
    assert out.splitlines() == [
        "no artifacts", "and 2 unfinished distributed drafts (upserted, never finished): "
        "lineage-desktop ls STORE --drafts"]


def test_finished_drafts_are_not_listed(cli, tmp_path):
    store = tmp_path / "d.db"
    _upsert(store, tmp_path, 0)
    with wandb.init(project="p", group="g", store=store) as run:
        run.finish_artifact(wandb.Artifact("shards", "dataset"))
    assert cli("ls", store, "--drafts")[1].strip() == "no unfinished distributed drafts"
    assert "draft" not in cli("ls", store)[1]


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_verify_of_the_whole_store_notes_drafts_left_for_days(cli, tmp_path):
    store = tmp_path / "d.db"
    _upsert(store, tmp_path, 0)
    status, out, _ = cli("verify", store, "--json")
    assert status == 0 and json.loads(out)["notes"] == []  # fresh: still being written
    _age(store, 10)
    status, out, _ = cli("verify", store)
    assert status == 0  # not a mismatch
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "distributed draft 'shards'" in notes[0]
    assert "never finished: 1 file from 1 run" in notes[0]
    with Store.open(store, readonly=True) as opened:
        assert [d.name for d in stale_drafts(opened, days=30)] == []
        assert [d.name for d in stale_drafts(opened, days=9)] == ["shards"]
