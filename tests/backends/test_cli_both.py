"""The command line on both backends: ls, show, export, verify, impact, diff, report and
merge in both directions, with a team store named by its URL (issue 16)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from team_pipeline import record_pipeline

import lineage_desktop as ld
from lineage_desktop.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def test_read_commands(target, tmp_path, capsys):
    record_pipeline(target)
    assert main(["ls", target, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {c["name"] for c in listed} >= {"churn-data", "churn-model"}
    assert main(["show", target, "churn-model:v1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == "v1"
    out = tmp_path / "g.json"
    assert main(["export", target, "churn-model:v1", "-o", str(out)]) == 0
    graph = json.loads(out.read_text())
    assert len(graph["nodes"]) == 4
    assert main(["verify", target]) == 0
    assert "mismatch" not in capsys.readouterr().out.lower().replace("0 mismatch", "")
    assert main(["impact", target, "churn-data:v0"]) == 0
    assert "churn-model" in capsys.readouterr().out
    assert main(["diff", target, "churn-model:v0", "churn-model:v1"]) == 0
    assert "w.txt" in capsys.readouterr().out
    report = tmp_path / "r.html"
    assert main(["report", target, "churn-model:v1", "-o", str(report)]) == 0
    assert "churn-model" in report.read_text()


def test_merge_into_and_out_of_a_team_store(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(tmp_path / "blobs"))
    (tmp_path / "blobs").mkdir()
    laptop = str(tmp_path / "laptop.db")
    record_pipeline(laptop)
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "notes.txt").write_text("saved with the run")
    with ld.init(project="churn", job_type="eval", store=laptop) as run:  # run data too
        for step in range(3):
            run.log({"loss": 1 / (step + 1)})
        run.summary["best"] = 0.9
        run.save(str(tmp_path / "saved" / "*.txt"), base_path=str(tmp_path / "saved"),
                 policy="now")
        run_id = run.id
    assert main(["merge", pg_url, laptop]) == 0
    back = str(tmp_path / "back.db")
    assert main(["merge", back, pg_url]) == 0
    for target in (pg_url, back):
        api = ld.Api(store=target)
        recorded = api.run(f"churn/{run_id}")
        assert recorded.summary["best"] == 0.9
        assert [row["loss"] for row in recorded.history(pandas=False)] == [1, 0.5, 1 / 3]
        saved = recorded.file("notes.txt").download(tmp_path / f"dl-{len(target)}")
        assert saved.read_text() == "saved with the run"
        assert sorted(v.version for v in api.artifact_versions("model", "churn/churn-model")) \
            == ["v0", "v1"]
        assert len(api.lineage("churn/churn-model:v1")) == 4
        folder = api.artifact("churn/churn-model:v1").download(root=str(tmp_path / "x"))
        assert (Path(folder) / "w.txt").read_text() == "weights 2"
        api.close()
    assert main(["merge", pg_url, laptop]) == 0  # again: nothing duplicated
    api = ld.Api(store=pg_url)
    assert len(api.artifact_versions("model", "churn/churn-model")) == 2
    api.close()


def test_pg_init_sets_the_shared_blob_root(pg_url, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("LINEAGE_DESKTOP_BLOB_ROOT", raising=False)
    shared = tmp_path / "shared"
    assert main(["pg-init", pg_url, "--blob-root", str(tmp_path / "missing")]) == 2
    shared.mkdir()
    assert main(["pg-init", pg_url, "--blob-root", str(shared)]) == 0
    assert str(shared) in capsys.readouterr().out
    record_pipeline(pg_url)
    assert any(shared.rglob("*"))  # content went to the shared folder


def test_the_window_command_accepts_a_url(pg_url):
    result = subprocess.run(
        [sys.executable, "-m", "lineage_desktop.cli.main", "postgresql://nobody@127.0.0.1:1/x",
         "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "postgresql://" in result.stdout
    del pg_url
    pytest.importorskip("psycopg")
