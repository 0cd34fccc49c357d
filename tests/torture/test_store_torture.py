"""Many processes that write and read one store, exit at staggered times and are killed
mid-write: nothing lost, nothing duplicated, the file stays whole, and a process that
holds a writer keeps reading every commit. ``--backend postgresql`` runs the same cases on
a team store (``make test`` does)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from backend_switch import integrity, store_arg

import lineage_desktop as ld
from lineage_desktop.store import Store

pytestmark = pytest.mark.torture

# Logs, reads back through ld.Api in the same process, logs again: the sequence that
# used to drop the writer's locks (and so lose commits when another process exited).
READ_BACK_JOB = textwrap.dedent("""
    import random, sys, time
    import lineage_desktop as ld
    store, job, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    random.seed(job)
    with ld.init(project="sweep", entity="e", store=store, job_type="train") as run:
        for i in range(count):
            art = ld.Artifact("shared", "model", metadata={"job": job, "i": i})
            with art.new_file("w.txt") as f:
                f.write(f"{job}-{i}")
            run.log_artifact(art)
            if i % 5 == 4:
                api = ld.Api(store=store)
                seen = api.artifact("shared:latest")
                assert api.artifact(f"shared:{seen.version}").digest == seen.digest
                api.close()
            time.sleep(random.random() * 0.01)
""")


def test_jobs_that_read_back_while_others_exit_lose_nothing(tmp_path: Path):
    store = tmp_path / "sweep.db"
    Store.open(store).close()
    jobs, per_job, at_once = 40, 20, 8
    running: list[subprocess.Popen] = []
    failures: list[str] = []
    for job in range(jobs):
        while len(running) >= at_once:
            for proc in list(running):
                if proc.poll() is not None:
                    running.remove(proc)
                    if proc.returncode:
                        failures.append(proc.stderr.read())
            time.sleep(0.02)
        running.append(subprocess.Popen(
            [sys.executable, "-c", READ_BACK_JOB, store_arg(store), str(job), str(per_job)],
            stderr=subprocess.PIPE, text=True))
    for proc in running:
        _, err = proc.communicate(timeout=300)
        if proc.returncode:
            failures.append(err)
    assert not failures, failures[0]
    assert integrity(store) == ("ok", [])
    with ld.Api(store=store) as api:
        versions = api.artifact_versions("shared")
        assert len(versions) == jobs * per_job
        assert [v.version for v in versions] == [f"v{i}" for i in range(jobs * per_job)]
        assert len({(v.metadata["job"], v.metadata["i"]) for v in versions}) == jobs * per_job
        assert len(api.runs()) == jobs
        newest = max(versions, key=lambda v: (v.created_at, v.id))
        assert api.artifact("shared:latest").version == newest.version


KILLED_WRITER = textwrap.dedent("""
    import sys, lineage_desktop as ld
    store = sys.argv[1]
    with ld.init(project="p", store=store, job_type="doomed") as run:
        print("ready", flush=True)
        for i in range(100000):
            art = ld.Artifact("big", "dataset")
            for j in range(100):
                with art.new_file(f"part-{j}.txt") as f:
                    f.write(f"{sys.argv[2]}-{i}-{j}")
            run.log_artifact(art)
""")

# Holds a writer for the whole test, logs now and then and reads through ld.Api in the
# same process; prints what it saw as JSON lines.
HOLDER = textwrap.dedent("""
    import json, sys, time
    import lineage_desktop as ld
    store = sys.argv[1]
    run = ld.init(project="p", store=store, job_type="holder")
    print("ready", flush=True)
    n = 0
    for line in sys.stdin:
        if line.strip() == "stop":
            break
        art = ld.Artifact("held", "dataset")
        with art.new_file("h.txt") as f:
            f.write(f"held {n}")
        run.log_artifact(art)
        n += 1
        with ld.Api(store=store) as api:
            big = [v.version for v in api.artifact_versions("big")] if n > 1 else []
            held = [v.version for v in api.artifact_versions("held")]
            whole = all(v.file_count == 100 for v in api.artifact_versions("big")) if big else True
        print(json.dumps({"big": len(big), "held": len(held), "whole": whole}), flush=True)
    run.finish()
""")


def test_a_process_holding_a_writer_reads_everything_while_others_are_killed(tmp_path: Path):
    store = tmp_path / "killed.db"
    Store.open(store).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, store_arg(store)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    seen = []
    for attempt, delay in enumerate((0.5, 0.8, 1.1, 0.6, 1.4, 0.9)):
        proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, store_arg(store),
                                 str(attempt)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        holder.stdin.write("go\n")
        holder.stdin.flush()
        seen.append(json.loads(holder.stdout.readline()))
    holder.stdin.write("stop\n")
    holder.stdin.flush()
    _, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, err
    assert integrity(store) == ("ok", [])
    with ld.Api(store=store) as api:
        big = api.artifact_versions("big")
        assert big, "the killed writers should have logged something"
        assert all(v.file_count == 100 and len(v.files()) == 100 for v in big)
        for version in big:
            version.verify()
        assert [v.version for v in big] == [f"v{i}" for i in range(len(big))]
        held = api.artifact_versions("held")
    # The holder saw its own commits every time and, after the first kill, the killed
    # writers' commits too (nothing hidden from it by a lost lock).
    assert [s["held"] for s in seen] == list(range(1, len(seen) + 1))
    assert all(s["whole"] for s in seen)
    assert seen[-1]["big"] <= len(big)
    assert [s["big"] for s in seen[1:]] == sorted(s["big"] for s in seen[1:])
    assert len(held) == len(seen)
    with ld.init(project="p", store=store) as run:
        art = ld.Artifact("big", "dataset")
        with art.new_file("after.txt") as f:
            f.write("after the kills")
        run.log_artifact(art)
    assert art.version == f"v{len(big)}"
