"""import-dvc on a project made in the test by DVC itself (``dvc repro`` in a git repository):
the real dvc.lock, dvc.yaml and cache, with a data revert in the history."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lineage_desktop.store import Store

pytest.importorskip("yaml")
pytest.importorskip("dvc")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

# A stage with many outputs: a folder of three files, a model, a summary and a plot whose
# names hold the word "model", metrics, and a file that does not depend on the data.
STEP = """\
import json, os
raw = open("data/raw.csv").read()
os.makedirs("features", exist_ok=True)
for n in range(3):
    open(f"features/part-{n}.csv", "w").write(raw * (n + 1))
open("model.pkl", "w").write("model of " + raw)
open("model_summary.txt", "w").write(f"{len(raw)} bytes\\n")
open("plot_model_loss.csv", "w").write(f"step,loss\\n1,{len(raw)}\\n")
json.dump({"rows": raw.count("\\n")}, open("scores.json", "w"))
open("schema.txt", "w").write("id,value\\n")
"""

PIPELINE = """\
stages:
  train:
    cmd: python step.py
    deps:
    - data/raw.csv
    - step.py
    outs:
    - features
    - model.pkl
    - model_summary.txt
    - schema.txt
    metrics:
    - scores.json:
        cache: false
    plots:
    - plot_model_loss.csv
artifacts:
  churn-model:
    path: model.pkl
    type: model
"""

OUTPUTS = {"features", "model.pkl", "model_summary.txt", "schema.txt", "scores.json",
           "plot_model_loss.csv"}
DATA = ["id,value\n1,a\n2,b\n", "id,value\n1,a\n2,b\n3,c\n", "id,value\n1,a\n2,b\n"]


def _run(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Dana", "GIT_AUTHOR_EMAIL": "dana@example.com",
           "GIT_COMMITTER_NAME": "Dana", "GIT_COMMITTER_EMAIL": "dana@example.com",
           "DVC_NO_ANALYTICS": "1"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when + "+00:00"
    command = [sys.executable, "-m", "dvc", *args[1:]] if args[0] == "dvc" else list(args)
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def dvc_project(tmp_path_factory) -> Path:
    """Three commits of ``dvc repro``: data A, then B, then A again (reverted)."""
    repo = tmp_path_factory.mktemp("real") / "churn"
    (repo / "data").mkdir(parents=True)
    _run(repo, "git", "init", "-q", "-b", "main")
    _run(repo, "dvc", "init", "-q")
    _run(repo, "dvc", "config", "core.analytics", "false")
    (repo / "step.py").write_text(STEP)
    (repo / "dvc.yaml").write_text(PIPELINE)
    for day, data in enumerate(DATA, start=1):
        (repo / "data" / "raw.csv").write_text(data)
        _run(repo, "dvc", "repro", "-q")
        _run(repo, "git", "add", "-A")
        _run(repo, "git", "commit", "-q", "-m", f"data {day}", when=f"2026-03-0{day}T09:00:00")
    return repo


def _lock_outs(repo: Path) -> dict[str, tuple[str, int, int | None]]:
    import yaml

    stage = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]["train"]
    return {o["path"]: (o["md5"], o["size"], o.get("nfiles")) for o in stage["outs"]}


@pytest.fixture(scope="module")
def imported(dvc_project, tmp_path_factory) -> Path:
    from lineage_desktop.cli.main import main

    store = tmp_path_factory.mktemp("stores") / "churn.db"
    assert main(["import-dvc", str(store), str(dvc_project), "--git-history"]) == 0
    return store


def test_latest_follows_a_revert_to_heads_content(dvc_project, imported):
    head = _lock_outs(dvc_project)
    with Store.open(imported, readonly=True) as db:
        for path, (md5, _, _) in head.items():
            versions = db.artifact_versions(path.replace("/", "_"))
            latest = [v for v in versions if "latest" in v.aliases]
            assert len(latest) == 1, path
            assert latest[0].metadata["dvc"]["md5"] == md5, path
        # The data itself: v0 (A), v1 (B), and the revert reuses v0, as the SDK does.
        raw = db.artifact_versions("data_raw.csv")
        assert [v.index for v in raw] == [0, 1]
        assert raw[0].aliases == ("latest",)
        model = db.artifact_versions("model.pkl")
        assert len(model) == 2 and model[0].aliases == ("latest",)


def test_latest_after_a_reimport_and_as_of(dvc_project, imported, tmp_path, cli):
    store = tmp_path / "again.db"
    shutil.copyfile(imported, store)
    assert cli("import-dvc", store, dvc_project, "--git-history")[0] == 0
    with Store.open(store, readonly=True) as db:
        assert db.artifact_versions("model.pkl")[0].aliases == ("latest",)
    status, out, err = cli("ls", store, "--json", "--as-of", "2026-03-02T12:00:00Z")
    assert status == 0, err
    assert '"latest"' in out


def test_directory_output_lists_its_files(dvc_project, imported):
    md5, size, nfiles = _lock_outs(dvc_project)["features"]
    assert nfiles == 3
    with Store.open(imported, readonly=True) as db:
        version = next(v for v in db.artifact_versions("features") if "latest" in v.aliases)
        assert (version.file_count, version.size) == (3, size)
        files = db.manifest(version.id)
        assert [f.path for f in files] == [f"features/part-{n}.csv" for n in range(3)]
        assert sum(f.size for f in files) == size


def test_directory_output_without_the_cache_keeps_nfiles(dvc_project, imported, tmp_path,
                                                         cli):
    repo = tmp_path / "churn"
    shutil.copytree(dvc_project, repo)
    shutil.rmtree(repo / ".dvc" / "cache")  # a clone that never ran `dvc pull`
    store = tmp_path / "nocache.db"
    assert cli("import-dvc", store, repo, "--git-history")[0] == 0
    _, size, _ = _lock_outs(repo)["features"]
    with Store.open(store, readonly=True) as db:
        bare = db.artifact_versions("features")
    with Store.open(imported, readonly=True) as db:
        listed = db.artifact_versions("features")
    assert [(v.file_count, v.size) for v in bare][0] == (3, size)
    # The same content as with the cache: the digest is the lock file's hash alone.
    assert [v.digest for v in bare] == [v.digest for v in listed]


def test_types_come_from_the_declarations(imported):
    with Store.open(imported, readonly=True) as db:
        types = {c.name: c.type for c in db.collections()}
    assert types == {
        "features": "dataset", "model.pkl": "model", "model_summary.txt": "dataset",
        "schema.txt": "dataset", "scores.json": "metrics", "plot_model_loss.csv": "plots",
        "data_raw.csv": "dataset", "step.py": "code"}


def test_every_stage_run_gets_all_its_outputs(imported, cli):
    """The second run re-wrote schema.txt with the first run's content: it is an output
    of both runs (one version, two producers)."""
    with Store.open(imported, readonly=True) as db:
        names = {v.id: v.name for v in db.all_versions()}
        runs = db.runs()
        assert len(runs) == 2  # the revert is the first run again (same lock entry)
        for run in runs:
            outputs = {names[vid] for _, vid, _ in db.all_outputs(run_id=run.id)}
            assert outputs == OUTPUTS, run.started_at
    for run in runs:
        status, out, err = cli("show", imported, f"run:{run.id}", "--json")
        assert status == 0, err
        shown = {o["name"].split(":")[0] for o in json.loads(out)["outputs"]}
        assert shown == OUTPUTS
