"""Many clients at once on one team store: nothing lost, nothing duplicated, no gaps, and
a client killed mid-write leaves the store consistent (issue 16, must hold)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.store import Store

ROOT = Path(__file__).resolve().parents[2]
WRITER = textwrap.dedent("""
    import sys
    import lineage_desktop as ld
    target, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with ld.init(project="p", job_type="writer", store=target) as run:
        for index in range(count):
            art = ld.Artifact("shared", type="dataset", metadata={"w": worker, "i": index})
            with art.new_file("part.txt") as handle:
                handle.write(f"{worker}-{index}")
            run.log_artifact(art)
            if index == 0:
                print("started", flush=True)
""")


@pytest.fixture
def team(pg_url, tmp_path, monkeypatch):
    """A team store with its schema made once (as a team's first client does), a shared
    blob root, and the writer script."""
    root = tmp_path / "blobs"
    root.mkdir()
    monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(root))
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    Store.open(pg_url).close()
    return pg_url, script


def _spawn(script: Path, target: str, worker: int, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(script), target, str(worker), str(count)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _indexes(target: str) -> list[int]:
    with Store.open(target, readonly=True) as store:
        collection = store.collection_by_name("shared") if hasattr(
            store, "collection_by_name") else None
        del collection
        api = ld.Api(store=target)
        try:
            return sorted(int(v.version[1:]) for v in api.artifact_versions("dataset",
                                                                             "p/shared"))
        finally:
            api.close()


@pytest.mark.torture
def test_32_processes_x_200_versions_into_one_artifact(team, tmp_path):
    pg_url, script = team
    workers = [_spawn(script, pg_url, worker, 200) for worker in range(32)]
    for proc in workers:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    indexes = _indexes(pg_url)
    assert indexes == list(range(32 * 200))  # 0 lost, 0 duplicated, gap-free
    api = ld.Api(store=pg_url)
    seen = {(v.metadata["w"], v.metadata["i"]) for v in api.artifact_versions("dataset",
                                                                             "p/shared")}
    api.close()
    assert len(seen) == 32 * 200


@pytest.mark.torture
def test_clients_killed_mid_write_leave_a_consistent_store(team, tmp_path):
    pg_url, script = team
    rng = random.Random(16)
    for round_ in range(6):
        procs = [_spawn(script, pg_url, round_ * 10 + n, 10_000) for n in range(4)]
        for proc in procs:
            assert proc.stdout is not None
            proc.stdout.readline()  # it has committed at least once
        time.sleep(rng.uniform(0.05, 0.4))
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    indexes = _indexes(pg_url)
    assert indexes == list(range(len(indexes))) and len(indexes) >= 24
    with Store.open(pg_url, readonly=True) as store:
        problems = store.integrity_problems() if hasattr(store, "integrity_problems") else []
        assert not problems
    api = ld.Api(store=pg_url)
    for version in api.artifact_versions("dataset", "p/shared"):
        entry = version.get_entry("part.txt")  # every committed version has its content
        assert (Path(version.download(root=str(tmp_path / "d" / version.version)))
                / "part.txt").read_text() == f"{version.metadata['w']}-{version.metadata['i']}"
        assert entry.size > 0
    api.close()
