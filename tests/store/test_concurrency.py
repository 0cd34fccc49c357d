"""Several processes logging into one store; a process killed in the middle of a log."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from backend_switch import integrity, store_arg

import lineage_desktop as ld
from lineage_desktop.store import Store

WRITER = textwrap.dedent("""
    import sys, lineage_desktop as ld
    store, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for i in range(count):
        with ld.init(project="sweep", entity="e", store=store, job_type="train") as run:
            art = ld.Artifact("shared-model", "model", metadata={"worker": worker, "i": i})
            with art.new_file("weights.bin", mode="xb") as f:
                f.write(f"worker {worker} item {i}".encode())
            run.log_artifact(art)
""")


def test_four_processes_log_the_same_artifact(tmp_path: Path):
    store = tmp_path / "shared.db"
    Store.open(store).close()
    workers, per_worker = 4, 15
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, store_arg(store), str(w),
                               str(per_worker)],
                              stderr=subprocess.PIPE, text=True)
             for w in range(workers)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * workers, "\n".join(errors)
    api = ld.Api(store=store)
    versions = api.artifact_versions("shared-model")
    assert len(versions) == workers * per_worker
    assert [v.version for v in versions] == [f"v{i}" for i in range(workers * per_worker)]
    seen = {(v.metadata["worker"], v.metadata["i"]) for v in versions}
    assert len(seen) == workers * per_worker
    newest = max(versions, key=lambda v: (v.created_at, v.id))
    assert api.artifact("shared-model:latest").version == newest.version
    assert len(api.runs()) == workers * per_worker
    for version in versions:
        version.verify()


KILLED = textwrap.dedent("""
    import sys, lineage_desktop as ld
    store = sys.argv[1]
    with ld.init(project="p", store=store) as run:
        print("ready", flush=True)  # connected: a team store's driver is loaded by now
        for i in range(100000):
            art = ld.Artifact("big", "dataset")
            for j in range(200):
                with art.new_file(f"part-{j}.txt") as f:
                    f.write(f"{i}-{j}")
            run.log_artifact(art)
""")


def test_killed_writer_leaves_store_consistent(tmp_path: Path):
    store = tmp_path / "killed.db"
    Store.open(store).close()
    for delay in (0.6, 0.9, 1.3):
        proc = subprocess.Popen([sys.executable, "-c", KILLED, store_arg(store)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    # A reader copes with the killed writer's WAL (or its aborted transaction), and every
    # version is whole.
    api = ld.Api(store=store)
    versions = api.artifact_versions("big")
    assert versions, "the writer should have logged something before being killed"
    for version in versions:
        assert version.file_count == 200
        assert len(version.files()) == 200
        version.verify()
    api.close()
    assert integrity(store) == ("ok", [])
    # The next run logs normally.
    with ld.init(project="p", store=store) as run:
        art = ld.Artifact("big", "dataset")
        with art.new_file("after.txt") as f:
            f.write("after the crash")
        run.log_artifact(art)
    assert art.version == f"v{len(versions)}"


HANGING = textwrap.dedent("""
    import sys, time, lineage_desktop as ld
    run = ld.init(project="p", store=sys.argv[1], name="doomed")
    print(run.id, flush=True)
    time.sleep(600)
""")


def test_a_killed_run_reads_as_crashed_and_the_next_writer_records_it(tmp_path: Path):
    store = tmp_path / "crash.db"
    proc = subprocess.Popen([sys.executable, "-c", HANGING, str(store)],
                            stdout=subprocess.PIPE, text=True)
    run_id = proc.stdout.readline().strip()
    assert ld.Api(store=store).run(run_id).state == "running"  # its process is alive
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = store.read_bytes()
    assert ld.Api(store=store).run(run_id).state == "crashed"  # derived by the reader...
    assert store.read_bytes() == before  # ...which writes nothing
    conn = sqlite3.connect(store)
    assert conn.execute("SELECT state FROM runs WHERE id = ?", (run_id,)).fetchone() == (
        "running",)
    conn.close()
    with ld.init(project="p", store=store):
        pass
    conn = sqlite3.connect(store)
    assert conn.execute("SELECT state FROM runs WHERE id = ?", (run_id,)).fetchone() == (
        "crashed",)
    assert conn.execute("SELECT COUNT(*) FROM run_processes").fetchone() == (1,)  # the doomed
    conn.close()


@pytest.mark.sqlite_file("about SQLite's WAL checkpoints")
def test_writers_checkpoint_outside_their_transactions(tmp_path: Path, monkeypatch):
    """SQLite's automatic checkpoint runs inside COMMIT, fsyncs and all, while every other
    writer waits for the lock (issue 12): a writer checkpoints before BEGIN instead."""
    from lineage_desktop.store import connection

    monkeypatch.setattr(connection, "CHECKPOINT_ROWS", 10)
    with ld.init(project="p", store=tmp_path / "s.db") as run:
        conn = run.store._conn
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        seen: list[tuple[str, bool]] = []
        conn.set_trace_callback(lambda sql: seen.append((sql, conn.in_transaction)))
        for i in range(6):
            artifact = ld.Artifact("data", "dataset")
            with artifact.new_file("f.txt") as handle:
                handle.write(f"content {i}")
            run.log_artifact(artifact)
        conn.set_trace_callback(None)
    checkpoints = [i for i, (sql, _) in enumerate(seen) if "wal_checkpoint" in sql]
    assert len(checkpoints) >= 2
    for i in checkpoints:
        assert not seen[i][1], "a checkpoint inside a transaction"
        assert seen[i + 1][0].startswith("PRAGMA busy_timeout") or \
            seen[i + 1][0] == "BEGIN IMMEDIATE"
    # Nothing is lost to a checkpoint: every version reads back.
    with ld.Api(store=tmp_path / "s.db") as api:
        assert len(api.artifact_versions("data")) == 6
