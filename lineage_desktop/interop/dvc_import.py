"""A DVC pipeline's ``dvc.lock`` into runs and artifact versions.

Every stage entry of a lock file is one run (command, params as config); every dep and
out is an artifact named from its path, with one version per recorded hash. A stage is
identified by its lock file, name and recorded entry, so a stage that did not change
between commits is the same run, and importing again adds nothing. With ``git_history``
every commit that changed a ``dvc.lock`` is read in order, so versions accumulate as they
did in the project; the runs are dated by the commit.
"""
from __future__ import annotations

import json
import os
import posixpath
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lineage_desktop.interop.dvc_lock import LockEntry, LockStage, parse_lock
from lineage_desktop.interop.naming import safe_name, stable_id
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.interop.writer import LineageWriter, entry_path, reference_entry
from lineage_desktop.records import ArtifactVersion, LineageError, Run
from lineage_desktop.sdk.run import default_entity
from lineage_desktop.store import Store
from lineage_desktop.store.timeutil import to_iso

LOCK = "dvc.lock"
_SKIP_DIRS = {".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__"}
_CODE = {".py", ".r", ".sh", ".ipynb", ".scala", ".jl", ".java", ".js", ".ts", ".go", ".rs",
         ".c", ".cpp", ".sql", ".m"}
_MODEL = {".pkl", ".pickle", ".joblib", ".pt", ".pth", ".onnx", ".h5", ".keras", ".ckpt",
          ".safetensors", ".cbm", ".mlmodel", ".tflite"}
_TABLES = {".json", ".yaml", ".yml", ".csv", ".tsv", ".toml"}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One version of one lock file: from the working tree or from a commit."""

    label: str       # how skipped stages are reported: "dvc.lock" or "1a2b3c4d:dvc.lock"
    lock_path: str   # relative to the DVC project folder
    text: str
    time: str
    commit: str | None = None
    author: str | None = None


def artifact_type(path: str) -> str:
    """A type guessed from a path, so that clusters group code, models and metrics."""
    lower = path.lower()
    suffix = posixpath.splitext(lower)[1]
    if suffix in _CODE:
        return "code"
    if suffix in _MODEL or "model" in posixpath.basename(lower):
        return "model"
    if suffix in _TABLES and any(w in lower for w in ("metric", "score")):
        return "metrics"
    if "plot" in lower:
        return "plots"
    return "dataset"


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        raise OSError("the git command is not installed (needed by --git-history)") from None
    if done.returncode != 0:
        raise ValueError(f"git {args[0]} failed in {repo}: {done.stderr.strip()}")
    return done.stdout


def worktree_snapshots(repo: Path) -> list[Snapshot]:
    """Every ``dvc.lock`` below ``repo`` as it is now, dated by its modification time."""
    found = []
    for folder, dirs, files in os.walk(repo):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        if LOCK in files:
            path = Path(folder) / LOCK
            rel = path.relative_to(repo).as_posix()
            moment = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            found.append(Snapshot(rel, rel, path.read_text(encoding="utf-8", errors="replace"),
                                  to_iso(moment)))
    return found


def git_snapshots(repo: Path) -> list[Snapshot]:
    """Every committed version of every ``dvc.lock`` below ``repo``, oldest first."""
    top = Path(_git(repo, "rev-parse", "--show-toplevel").strip())
    prefix = repo.resolve().relative_to(top.resolve()).as_posix()
    log = _git(repo, "log", "--reverse", "--date-order", "--no-renames", "--name-only",
               "--format=%x1e%H%x1f%ct%x1f%an", "--", f":(glob)**/{LOCK}")
    found = []
    for block in log.split("\x1e")[1:]:
        header, _, names = block.partition("\n")
        commit, stamp, author = header.split("\x1f")
        moment = to_iso(datetime.fromtimestamp(int(stamp), UTC))
        for name in filter(None, (n.strip() for n in names.splitlines())):
            rel = name if prefix == "." else posixpath.relpath(name, prefix)
            if rel.startswith("../") or posixpath.basename(rel) != LOCK:
                continue
            try:
                text = _git(repo, "show", f"{commit}:{name}")
            except ValueError:
                continue  # the commit deleted this lock file
            found.append(Snapshot(f"{commit[:8]}:{rel}", rel, text, moment, commit, author))
    return found


def _params(stage: LockStage) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for file_name, values in stage.params.items():
        for key, value in values.items():
            flat[key if file_name == "params.yaml" else f"{file_name}:{key}"] = value
    return flat


def _dvc_origin(version: ArtifactVersion) -> object:
    origin = version.metadata.get("dvc")
    return origin.get("path") if isinstance(origin, dict) else None


class DvcImporter:
    def __init__(self, store: Store, report: ImportReport, project_id: int) -> None:
        self.writer = LineageWriter(store)
        self.report = report
        self.project_id = project_id

    def _version(self, snap: Snapshot, entry: LockEntry, run_id: str | None) -> int:
        lock_dir = posixpath.dirname(snap.lock_path)
        path = posixpath.normpath(posixpath.join(lock_dir, entry.path))
        name = self.writer.artifact_name(self.project_id, safe_name(path), path, _dvc_origin)
        files = reference_entry(entry_path(path), f"dvc:{path}",
                                f"{entry.hash_name}={entry.hash}", entry.size)
        metadata = {"dvc": {"path": path, **{k: v for k, v in entry.raw.items() if k != "path"}}}
        version_id, created = self.writer.put_version(
            self.project_id, name, artifact_type(path), [files], created_at=snap.time,
            run_id=run_id, metadata=metadata)
        if created:
            self.report.count("versions created")
        return version_id

    def _run(self, snap: Snapshot, stage: LockStage, run_id: str) -> Run:
        lock_dir = posixpath.dirname(snap.lock_path)
        config = {**_params(stage), "dvc": {
            "stage": stage.name, "cmd": stage.cmd, "lock": snap.lock_path,
            "commit": snap.commit, "params": stage.params}}
        return Run(id=run_id, project="", entity="",
                   name=f"{lock_dir}/{stage.name}" if lock_dir else stage.name,
                   job_type=stage.name.split("@")[0], author=snap.author, state="finished",
                   started_at=snap.time, finished_at=snap.time, config=config,
                   notes=stage.cmd, exit_code=0)

    def import_snapshots(self, snapshots: list[Snapshot]) -> None:
        planned: list[tuple[Snapshot, LockStage, str]] = []
        seen: set[str] = set()
        for snap in snapshots:
            stages, problems = parse_lock(snap.text)
            self.report.read += len(stages) + len(problems)
            for line, reason in problems:
                self.report.skip(snap.label, line, reason)
            for stage in stages:
                canonical = json.dumps(stage.raw, sort_keys=True, default=str)
                run_id = stable_id("dvc", snap.lock_path, stage.name, canonical)
                if run_id not in seen:  # unchanged since an earlier commit: the same run
                    seen.add(run_id)
                    planned.append((snap, stage, run_id))
        # Outputs of every stage first, so that a dep finds the version its producer wrote.
        done = []
        for snap, stage, run_id in planned:
            try:
                with self.writer.atomic():
                    outcome = self.writer.put_run(self.project_id, self._run(snap, stage, run_id))
                    for entry in stage.outs:
                        self._version(snap, entry, run_id)
            except (LineageError, ValueError) as exc:
                self.report.skip(snap.label, stage.line, f"stage {stage.name!r}: {exc}")
                continue
            self.report.count(f"runs {outcome}")
            done.append((snap, stage, run_id))
        for snap, stage, run_id in done:
            try:
                with self.writer.atomic():
                    for entry in stage.deps:
                        version_id = self._version(snap, entry, None)
                        if self.writer.use(run_id, version_id, snap.time):
                            self.report.count("usages created")
            except (LineageError, ValueError) as exc:
                self.report.skip(snap.label, stage.line, f"stage {stage.name!r} deps: {exc}")


def dvc_snapshots(repo_dir: str | os.PathLike[str], git_history: bool = False) -> list[Snapshot]:
    """The lock files to import; raises ``FileNotFoundError`` when there are none."""
    repo = Path(repo_dir)
    if not repo.is_dir():
        raise FileNotFoundError(f"no such DVC project folder: {str(repo_dir)!r}")
    snapshots = git_snapshots(repo) if git_history else worktree_snapshots(repo)
    if not snapshots:
        where = "in the git history of" if git_history else "in"
        raise FileNotFoundError(f"no {LOCK} {where} {repo} (run `dvc repro` first)")
    return snapshots


def import_dvc(
    store: Store, repo_dir: str | os.PathLike[str], git_history: bool = False,
    project: str | None = None, entity: str | None = None,
    snapshots: list[Snapshot] | None = None,
) -> ImportReport:
    """Import the DVC pipeline(s) of ``repo_dir`` (default project: the folder's name);
    ``snapshots`` are the lock files already read by ``dvc_snapshots``."""
    if snapshots is None:
        snapshots = dvc_snapshots(repo_dir, git_history)
    report = ImportReport()
    project_id = store.ensure_project(entity or default_entity(),
                                      project or Path(repo_dir).resolve().name)
    DvcImporter(store, report, project_id).import_snapshots(snapshots)
    return report
