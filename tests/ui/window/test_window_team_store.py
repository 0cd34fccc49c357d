"""The window opens a team store by its URL, draws its lineage, follows new versions
written by other clients, and never keeps or shows a password (issue 16)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from team_pipeline import record_pipeline

ROOT = Path(__file__).resolve().parents[3]
LATE = textwrap.dedent("""
    import sys
    import lineage_desktop as ld
    with ld.init(project="churn", job_type="eval", name="late-eval", store=sys.argv[1]) as run:
        run.use_artifact("churn-model:latest")
        report = ld.Artifact("eval-report", "report")
        with report.new_file("r.txt") as handle:
            handle.write("ok")
        run.log_artifact(report)
""")


def test_window_opens_a_team_store_and_follows_other_clients(
        window, pg_url, tmp_path, monkeypatch, qtbot):
    monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(tmp_path))
    record_pipeline(pg_url, models=1)
    secret = pg_url.replace("postgresql://postgres@", "postgresql://postgres:hunter2@")
    assert window.open_store(secret)
    with qtbot.waitSignal(window.lineage_ready, timeout=20_000):
        window.show_lineage("churn-model:v0")
    names = {window.controller.node_attrs(k).get("name")
             for k in window.controller.snapshot.view.nodes}
    assert {"churn-data", "churn-model"} <= names
    shown = str(window.controller.store_path)
    assert "hunter2" not in shown and "hunter2" not in window.windowTitle()
    assert all("hunter2" not in f for f in window.settings.recent_files())
    subprocess.run([sys.executable, "-c", LATE, pg_url], check=True, timeout=60,
                   env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    window.controller._watcher.poll()
    qtbot.waitUntil(lambda: any(
        window.controller.node_attrs(k).get("name") == "late-eval"
        for k in window.controller.snapshot.view.nodes), timeout=15_000)
