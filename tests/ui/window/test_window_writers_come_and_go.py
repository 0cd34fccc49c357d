"""The window stays open while writer processes start, commit, exit and are killed: it
keeps SQLite's lock on the file the whole time (a team store: its connection) and sees
every commit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from backend_switch import store_arg
from window_helpers import collection_row

import lineage_desktop as ld
from lineage_desktop.ui.sidebar.artifact_model import SecondaryRole

pytestmark = pytest.mark.torture

WRITER = textwrap.dedent("""
    import sys
    import lineage_desktop as ld
    store, job, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with ld.init(project="churn", entity="acme", job_type="retrain", store=store) as run:
        for i in range(count):
            model = ld.Artifact("churn-model", "model", metadata={"job": job, "i": i})
            with model.new_file("model.pkl") as handle:
                handle.write(f"model {job} {i}")
            run.log_artifact(model)
            with ld.Api(store=store) as api:  # a reader beside the writer, as scripts do
                api.artifact("churn-model:latest")
    if len(sys.argv) > 4:
        print("ready", flush=True)
        import time
        time.sleep(60)
""")


def _locked_by_me(path: Path) -> bool:
    """The window keeps SQLite's lock on the file (a team store has no file lock)."""
    if store_arg(path) != str(path):
        return True
    inode = str(os.stat(path).st_ino)
    return any(
        int(f[4]) == os.getpid() and f[5].rsplit(":", 1)[-1] == inode
        for f in (line.split() for line in Path("/proc/locks").read_text().splitlines())
        if "->" not in f
    )


def test_the_open_window_sees_every_commit_of_writers_that_come_and_go(
        opened, demo_store, qtbot):
    window = opened
    before = len(ld.Api(store=demo_store).artifact_versions("churn-model"))
    assert _locked_by_me(demo_store)
    jobs, per_job = 6, 4
    for wave in range(0, jobs, 3):
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, store_arg(demo_store), str(job),
                                   str(per_job)], stderr=subprocess.PIPE, text=True)
                 for job in range(wave, wave + 3)]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        assert _locked_by_me(demo_store), "the window must keep its lock as writers exit"
    # One more writer is killed after committing: its commits stay visible too.
    doomed = subprocess.Popen(
        [sys.executable, "-c", WRITER, store_arg(demo_store), "99", "2", "hold"],
        stdout=subprocess.PIPE, text=True)
    assert doomed.stdout.readline().strip() == "ready"
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    expected = before + jobs * per_job + 2
    index = collection_row(window, "churn-model")
    window.sidebar.tree.expand(index)
    model = window.sidebar.proxy
    qtbot.waitUntil(lambda: model.rowCount(index) == expected, timeout=15_000)
    assert model.index(0, 0, index).data() == f"v{expected - 1}"
    assert "latest" in model.index(0, 0, index).data(SecondaryRole)
    with ld.Api(store=demo_store) as api:  # a second reader in the window's process
        assert len(api.artifact_versions("churn-model")) == expected
    assert _locked_by_me(demo_store)
