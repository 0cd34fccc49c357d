"""import-dvc on a git repository built in the test with hand-written dvc.lock files."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from interop_helpers import edges, snapshot

from lineage_desktop.store import Store

pytest.importorskip("yaml")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

COMMIT_TIMES = ["2026-02-01T10:00:00", "2026-02-02T10:00:00", "2026-02-03T10:00:00",
                "2026-02-04T10:00:00"]


def _git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Dana", "GIT_AUTHOR_EMAIL": "dana@example.com",
           "GIT_COMMITTER_NAME": "Dana", "GIT_COMMITTER_EMAIL": "dana@example.com"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when + "+00:00"
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env,
                   capture_output=True)


@pytest.fixture
def dvc_repo(tmp_path, fixtures) -> Path:
    """A git repository whose dvc.lock changed in commits 1, 2 and 4 (3 touches only
    the README): params change (train re-runs), then new raw data (everything re-runs).
    Its dvc.yaml (example-get-started's) is the same in every commit."""
    repo = tmp_path / "example-get-started"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    lock_files = [fixtures / "dvc" / f"dvc.lock.{n}" for n in (1, 2)] + [None] + [
        fixtures / "dvc" / "dvc.lock.3"]
    for number, (source, when) in enumerate(zip(lock_files, COMMIT_TIMES, strict=True), start=1):
        if source is None:
            (repo / "README.md").write_text("# example\n")
        else:
            shutil.copyfile(source, repo / "dvc.lock")
            # The types come from where dvc.yaml declares the outputs (metrics, plots,
            # artifacts of type model), not from the paths' words.
            shutil.copyfile(fixtures / "dvc" / "dvc.yaml", repo / "dvc.yaml")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"commit {number}", when=when)
    return repo


def _runs(store: Path) -> dict[str, list[tuple[str, str]]]:
    with Store.open(store, readonly=True) as db:
        found: dict[str, list[tuple[str, str]]] = {}
        for run in sorted(db.runs(), key=lambda r: (r.started_at, r.name)):
            found.setdefault(run.name, []).append((run.started_at[:10], run.author))
        return found


@needs_git
def test_git_history_accumulates_versions(tmp_path, dvc_repo, cli):
    store = tmp_path / "dvc.db"
    status, _, err = cli("import-dvc", store, dvc_repo, "--git-history")
    assert status == 0, err
    assert _runs(store) == {
        "prepare": [("2026-02-01", "Dana"), ("2026-02-04", "Dana")],
        "featurize": [("2026-02-01", "Dana"), ("2026-02-04", "Dana")],
        "train": [("2026-02-01", "Dana"), ("2026-02-02", "Dana"), ("2026-02-04", "Dana")],
        "evaluate": [("2026-02-01", "Dana"), ("2026-02-02", "Dana"), ("2026-02-04", "Dana")],
    }
    with Store.open(store, readonly=True) as db:
        assert [(p.name) for p in db.projects()] == ["example-get-started"]
        counts = {c.name: (c.type, c.version_count) for c in db.collections()}
        assert counts == {
            "data_data.xml": ("dataset", 2), "data_prepared": ("dataset", 2),
            "data_features": ("dataset", 2), "model.pkl": ("model", 3),
            "eval_metrics.json": ("metrics", 3), "eval_plots": ("plots", 3),
            "src_prepare.py": ("code", 1), "src_featurization.py": ("code", 1),
            "src_train.py": ("code", 1), "src_evaluate.py": ("code", 1)}
        model = db.artifact_versions("model.pkl")
        assert [v.created_at for v in model] == [
            "2026-02-01T10:00:00.000000Z", "2026-02-02T10:00:00.000000Z",
            "2026-02-04T10:00:00.000000Z"]
        assert model[2].aliases == ("latest",)
        assert model[1].metadata["dvc"]["md5"] == "9a0b1c2d3e4f5061728394a5b6c7d8e9"
        train = db.run(model[1].run_id)
        assert train.config["train.n_est"] == 100
        assert train.config["dvc"]["cmd"] == "python src/train.py data/features model.pkl"
        assert train.job_type == "train"
    by_name = edges(store, by="name")
    # The second training run read the features the first featurize run wrote.
    assert ("data_features:v0", "run train") in by_name
    assert ("run train", "model.pkl:v1") in by_name
    assert ("model.pkl:v1", "run evaluate") in by_name
    assert ("data_data.xml:v1", "run prepare") in by_name
    assert ("run featurize", "data_features:v1") in by_name
    status, _, err = cli("verify", store)  # references to dvc: paths are not re-hashed
    assert status == 0, err


@needs_git
def test_reimport_and_worktree_import_add_nothing_twice(tmp_path, dvc_repo, cli):
    store = tmp_path / "dvc.db"
    assert cli("import-dvc", store, dvc_repo)[0] == 0  # the working tree: 4 runs
    assert sum(len(v) for v in _runs(store).values()) == 4
    assert cli("import-dvc", store, dvc_repo, "--git-history")[0] == 0
    after_history = snapshot(store)
    assert len(after_history["runs"]) == 10  # the newest 4 were already there
    status, _, err = cli("import-dvc", store, dvc_repo, "--git-history")
    assert status == 0 and "10 runs unchanged" in err
    assert cli("import-dvc", store, dvc_repo)[0] == 0
    assert snapshot(store) == after_history


def test_bad_stages_are_reported_and_the_rest_imported(tmp_path, fixtures, cli):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copyfile(fixtures / "dvc" / "broken.lock", repo / "dvc.lock")
    sub = repo / "sub"
    sub.mkdir()
    shutil.copyfile(fixtures / "dvc" / "invalid.lock", sub / "dvc.lock")
    store = tmp_path / "dvc.db"
    status, _, err = cli("import-dvc", store, repo)
    assert status == 1
    lines = [line for line in err.splitlines() if "dvc.lock:" in line]
    assert lines == [
        "dvc.lock:16: stage 'featurize' has no cmd",
        "dvc.lock:24: stage 'train': out 'model.pkl' has no hash (md5)",
        "sub/dvc.lock:5: not valid YAML: expected ',' or ']', but got '<stream end>'",
    ]
    assert _runs(store) == {"prepare": [(_runs(store)["prepare"][0][0], None)]}
    assert edges(store, by="name") == {("data_data.xml:v0", "run prepare"),
                                       ("run prepare", "data_prepared:v0")}


def test_missing_repo_or_lock_is_an_error(tmp_path, cli):
    status, _, err = cli("import-dvc", tmp_path / "s.db", tmp_path / "nope")
    assert status == 2 and "no such DVC project folder" in err
    (tmp_path / "empty").mkdir()
    status, _, err = cli("import-dvc", tmp_path / "s.db", tmp_path / "empty")
    assert status == 2 and "no dvc.lock" in err
    assert not (tmp_path / "s.db").exists()


@needs_git
def test_git_history_needs_a_git_repository(tmp_path, fixtures, cli):
    repo = tmp_path / "plain"
    repo.mkdir()
    shutil.copyfile(fixtures / "dvc" / "dvc.lock.1", repo / "dvc.lock")
    env_dir = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path)
    try:
        status, _, err = cli("import-dvc", tmp_path / "s.db", repo, "--git-history")
    finally:
        if env_dir is None:
            os.environ.pop("GIT_CEILING_DIRECTORIES")
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_dir
    assert status == 2 and "git rev-parse failed" in err
