"""merge carries what runs recorded besides artifacts: summary, metric history and the
files saved with them (``run.log``, ``run.summary``, ``run.save``)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from interop_store import copy_store

import lineage_desktop as ld
from lineage_desktop.interop import merge_stores
from lineage_desktop.store import Store, file_digest, schema
from lineage_desktop.store.schema import RUN_DATA_SINCE


def _train(store: Path, folder: Path, name: str, steps: int) -> str:
    """A run logging ``steps`` steps, a summary key set by hand and two saved files."""
    folder.mkdir()
    (folder / "notes.txt").write_text(f"notes of {name}")
    (folder / "sub").mkdir()
    (folder / "sub" / "cfg.yaml").write_text(f"lr: {steps}")
    with ld.init(project="churn", entity="acme", job_type="train", name=name,
                 store=store) as run:
        for step in range(steps):
            run.log({"loss": 1.0 / (step + 1), "acc": step / 10, "epoch": step})
        run.summary["best_acc"] = 0.5 + steps / 100
        saved = run.save(str(folder / "**" / "*.*"), base_path=str(folder), policy="now")
        assert sorted(saved) == ["notes.txt", "sub/cfg.yaml"]
        return run.id


def _copy(source: Path, target: Path) -> Path:
    """Another machine's copy (the SDK's writes checkpointed into the file first)."""
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return copy_store(source, target)


def _recorded(store: Path) -> dict[str, tuple]:
    """Every run's summary, history and saved files (with their content) as read."""
    with ld.Api(store=store) as api:
        found = {}
        for run in api.runs("acme/churn"):
            files = {}
            for saved in run.files():
                files[saved.name] = saved.download(store.parent / f"dl-{store.stem}-{run.id}",
                                                   replace=True).read_text()
            found[run.id] = (run.summary, run.history(pandas=False), files)
        return found


def test_merge_carries_summary_history_and_saved_files(tmp_path, cli):
    a, b, target = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "all.db"
    _train(a, tmp_path / "fa", "on-a", 4)
    _train(b, tmp_path / "fb", "on-b", 6)
    status, out, err = cli("merge", target, a, b)
    assert status == 0, err
    merged = _recorded(target)
    expected = _recorded(a) | _recorded(b)
    assert merged == expected and len(merged) == 2
    assert [len(history) for _, history, _ in merged.values()] in ([4, 6], [6, 4])
    assert "10 history steps added" in err and "4 saved files added" in err, err
    status, out, err = cli("verify", target)
    assert status == 0, out + err
    # merged again: nothing added, nothing changed
    cli("merge", target, a, b)
    assert _recorded(target) == expected


@pytest.mark.sqlite_file("copies or edits the SQLite file of a source")
def test_a_run_the_target_has_gets_the_steps_and_files_it_lacks(tmp_path):
    a = tmp_path / "a.db"
    run_id = _train(a, tmp_path / "fa", "shared", 3)
    target = _copy(a, tmp_path / "target.db")
    extra = tmp_path / "extra.txt"
    extra.write_text("saved later on a")
    other = tmp_path / "other.txt"
    other.write_text("other content")
    with Store.open(a) as store:  # the copy goes on: more steps, another file
        store.append_history(run_id, [(3, {"loss": 0.1}), (4, {"loss": 0.05})], None)
        digest, size = file_digest(extra)
        store.blobs.put_file(digest, extra)
        store.save_run_file(run_id, "extra.txt", digest, size, "2026-01-01T00:00:00.000000Z")
        digest, size = file_digest(other)  # a file of the target's, with other content
        store.blobs.put_file(digest, other)
        store.save_run_file(run_id, "notes.txt", digest, size, "2026-01-01T00:00:00.000000Z")
    with sqlite3.connect(target) as conn:  # the target's step 0 recorded differently
        conn.execute("UPDATE run_history SET row = '{\"loss\": 9}' WHERE step = 0")
    conn.close()
    with Store.open(target) as store:
        report = merge_stores(store, [a])
    assert report.counts["history steps added"] == 2
    assert report.counts["saved files added"] == 1
    assert any("notes.txt" in c and "kept the target's" in c for c in report.conflicts)
    with ld.Api(store=target) as api:
        run = api.run(f"acme/churn/{run_id}")
        history = run.history(pandas=False)
        assert [row["_step"] for row in history] == [0, 1, 2, 3, 4]
        assert history[0]["loss"] == 9  # the target's step, not overwritten
        assert sorted(f.name for f in run.files()) == ["extra.txt", "notes.txt", "sub/cfg.yaml"]
        assert run.file("notes.txt").download(tmp_path / "dl").read_text() == "notes of shared"
        assert run.file("extra.txt").download(tmp_path / "dl").read_text() == "saved later on a"


@pytest.mark.sqlite_file("copies or edits the SQLite file of a source")
def test_a_differing_summary_is_reported_as_a_differing_run(tmp_path):
    a = tmp_path / "a.db"
    run_id = _train(a, tmp_path / "fa", "shared", 2)
    target = _copy(a, tmp_path / "target.db")
    with Store.open(a) as store:
        store.set_summary(run_id, {"best_acc": 0.99})
    with Store.open(target) as store:
        report = merge_stores(store, [a])
    assert any(f"run {run_id} differs in summary" in c for c in report.conflicts)
    with ld.Api(store=target) as api:
        assert api.run(f"acme/churn/{run_id}").summary["best_acc"] == 0.52


@pytest.mark.sqlite_file("copies or edits the SQLite file of a source")
def test_a_saved_file_with_a_hostile_name_is_refused(tmp_path):
    a, target = tmp_path / "a.db", tmp_path / "t.db"
    run_id = _train(a, tmp_path / "fa", "hostile", 2)
    with sqlite3.connect(a) as conn:
        conn.execute("UPDATE run_files SET path = '../../escape.txt' WHERE path = 'notes.txt'")
    conn.close()
    with Store.open(target) as store:
        report = merge_stores(store, [a])
    assert any("escape.txt" in str(skip) for skip in report.skipped), report.skipped
    with ld.Api(store=target) as api:
        assert [f.name for f in api.run(f"acme/churn/{run_id}").files()] == ["sub/cfg.yaml"]


def test_a_source_older_than_run_data_carries_none(tmp_path):
    """A store of schema 5 (before run data) merges its runs, with nothing recorded."""
    old, target = tmp_path / "old.db", tmp_path / "t.db"
    conn = sqlite3.connect(old, isolation_level=None)
    for script in schema.MIGRATIONS[:RUN_DATA_SINCE - 1]:
        for statement in schema._split(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id={schema.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={RUN_DATA_SINCE - 1}")
    conn.execute("INSERT INTO projects VALUES (1, 'acme', 'churn', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO runs (id, project_id, name, state, started_at) "
                 "VALUES ('oldrun01', 1, 'old', 'finished', '2026-01-01T00:00:00Z')")
    conn.close()
    with Store.open(target) as store:
        report = merge_stores(store, [old])
    assert report.counts["runs added"] == 1 and not report.conflicts
    with ld.Api(store=target) as api:
        run = api.run("acme/churn/oldrun01")
        assert (run.summary, run.history(pandas=False), run.files()) == ({}, [], [])
