"""A DVC pipeline's ``dvc.lock`` into runs and artifact versions.

Every stage entry of a lock file is one run (command, params as config); every dep and
out is an artifact named from its path, with one version per recorded hash. A stage is
identified by its lock file, name and recorded entry, so a stage that did not change
between commits is the same run, and importing again adds nothing. With ``git_history``
every commit that changed a ``dvc.lock`` is read in order, so versions accumulate as they
did in the project; the runs are dated by the commit, and ``latest`` of every output
follows the lock file's content commit by commit (data reverted to earlier content moves
``latest`` back to that version, as the SDK does). Types come from ``dvc.yaml``
(``dvc_yaml``); a directory output lists its files from DVC's cache (``dvc_cache``).
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

from lineage_desktop.interop.dvc_cache import dir_listing, find_cache
from lineage_desktop.interop.dvc_lock import LockEntry, LockStage, parse_lock
from lineage_desktop.interop.dvc_yaml import Declarations, dep_type, parse_dvc_yaml
from lineage_desktop.interop.naming import safe_name, stable_id
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.interop.writer import LineageWriter, entry_path, reference_entry
from lineage_desktop.records import ArtifactVersion, LineageError, ManifestEntry, Run
from lineage_desktop.sdk.run import default_entity
from lineage_desktop.store import Store, manifest_digest
from lineage_desktop.store.timeutil import to_iso

LOCK, PIPELINE = "dvc.lock", "dvc.yaml"
_SKIP_DIRS = {".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__"}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One version of one lock file: from the working tree or from a commit."""

    label: str       # how skipped stages are reported: "dvc.lock" or "1a2b3c4d:dvc.lock"
    lock_path: str   # relative to the DVC project folder
    text: str
    time: str
    commit: str | None = None
    author: str | None = None
    pipeline: str | None = None  # the dvc.yaml beside the lock file (same commit), if any


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
            pipeline = Path(folder) / PIPELINE
            found.append(Snapshot(
                rel, rel, path.read_text(encoding="utf-8", errors="replace"), to_iso(moment),
                pipeline=pipeline.read_text(encoding="utf-8", errors="replace")
                if pipeline.is_file() else None))
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
            try:
                pipeline: str | None = _git(
                    repo, "show", f"{commit}:{posixpath.join(posixpath.dirname(name), PIPELINE)}")
            except ValueError:
                pipeline = None  # a lock file without its dvc.yaml: outputs are datasets
            found.append(Snapshot(f"{commit[:8]}:{rel}", rel, text, moment, commit, author,
                                  pipeline))
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


def _entries(path: str, entry: LockEntry, cache: Path | None) -> list[ManifestEntry]:
    """A directory output's files from DVC's cache when it has the listing, else one
    entry standing for the whole output (file or folder)."""
    listing = dir_listing(cache, entry.hash) if entry.hash_name == "md5" else None
    if not listing:
        return [reference_entry(entry_path(path), f"dvc:{path}",
                                f"{entry.hash_name}={entry.hash}", entry.size)]
    files = {}
    for item in listing:
        inner = entry_path(f"{path}/{item.relpath}")
        files[inner] = reference_entry(inner, f"dvc:{inner}", f"md5={item.md5}", item.size)
    return list(files.values())


class DvcImporter:
    def __init__(self, store: Store, report: ImportReport, project_id: int,
                 cache: Path | None = None) -> None:
        self.writer = LineageWriter(store)
        self.store = store
        self.report = report
        self.project_id = project_id
        self.cache = cache

    def _version(self, snap: Snapshot, entry: LockEntry, run_id: str | None,
                 kind: str) -> tuple[str, int]:
        """``(artifact name, version id)`` of a dep or out, recorded if new."""
        lock_dir = posixpath.dirname(snap.lock_path)
        path = posixpath.normpath(posixpath.join(lock_dir, entry.path))
        name = self.writer.artifact_name(self.project_id, safe_name(path), path, _dvc_origin)
        whole = reference_entry(entry_path(path), f"dvc:{path}",
                                f"{entry.hash_name}={entry.hash}", entry.size)
        metadata = {"dvc": {"path": path, **{k: v for k, v in entry.raw.items() if k != "path"}}}
        # The digest is the lock file's hash alone, whether or not the cache lists the
        # folder's files, so that a listing fetched (or garbage-collected) between two
        # imports does not make the same content a new version.
        version_id, created = self.writer.put_version(
            self.project_id, name, kind, _entries(path, entry, self.cache),
            created_at=snap.time, run_id=run_id, metadata=metadata,
            digest=manifest_digest([(whole.path, whole.digest)]),
            size=entry.size, file_count=entry.nfiles)
        if created:
            self.report.count("versions created")
        return name, version_id

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
        # The stage runs of each snapshot, a run again when unchanged since an earlier one.
        content: list[tuple[Snapshot, list[str]]] = []
        seen: set[str] = set()
        for snap in snapshots:
            stages, problems = parse_lock(snap.text)
            self.report.read += len(stages) + len(problems)
            for line, reason in problems:
                self.report.skip(snap.label, line, reason)
            runs = []
            for stage in stages:
                canonical = json.dumps(stage.raw, sort_keys=True, default=str)
                run_id = stable_id("dvc", snap.lock_path, stage.name, canonical)
                runs.append(run_id)
                if run_id not in seen:  # unchanged since an earlier commit: the same run
                    seen.add(run_id)
                    planned.append((snap, stage, run_id))
            content.append((snap, runs))
        outs = self._write_outs(planned)
        deps = self._write_deps([p for p in planned if p[2] in outs])
        self._follow_latest(content, outs, deps)

    def _write_outs(
        self, planned: list[tuple[Snapshot, LockStage, str]],
    ) -> dict[str, dict[str, int]]:
        """Runs and their outputs (of every stage first, so that a dep finds the version
        its producer wrote); ``{run id: {artifact name: version id}}`` of those written."""
        done: dict[str, dict[str, int]] = {}
        pipelines: dict[str | None, Declarations] = {}
        for snap, stage, run_id in planned:
            if snap.pipeline not in pipelines:
                pipelines[snap.pipeline] = parse_dvc_yaml(snap.pipeline)
            declared = pipelines[snap.pipeline]
            try:
                with self.writer.atomic():
                    outcome = self.writer.put_run(self.project_id, self._run(snap, stage, run_id))
                    written = dict(self._version(snap, entry, run_id,
                                                 declared.out_type(stage.name, entry.path))
                                   for entry in stage.outs)
            except (LineageError, ValueError) as exc:
                self.report.skip(snap.label, stage.line, f"stage {stage.name!r}: {exc}")
                continue
            self.report.count(f"runs {outcome}")
            done[run_id] = written
        return done

    def _write_deps(
        self, done: list[tuple[Snapshot, LockStage, str]],
    ) -> dict[str, dict[str, int]]:
        """Usages of the runs written; ``{run id: {artifact name: version id}}``."""
        used: dict[str, dict[str, int]] = {}
        for snap, stage, run_id in done:
            try:
                with self.writer.atomic():
                    found = {}
                    for entry in stage.deps:
                        name, version_id = self._version(snap, entry, None, dep_type(entry.path))
                        found[name] = version_id
                        if self.writer.use(run_id, version_id, snap.time):
                            self.report.count("usages created")
            except (LineageError, ValueError) as exc:
                self.report.skip(snap.label, stage.line, f"stage {stage.name!r} deps: {exc}")
                continue
            used[run_id] = found
        return used

    def _follow_latest(self, content: list[tuple[Snapshot, list[str]]],
                       outs: dict[str, dict[str, int]], deps: dict[str, dict[str, int]]) -> None:
        """Point ``latest`` of every dep and out at what each lock file records, oldest
        snapshot first, so that after the import it is the content of the newest one.

        A snapshot older than where ``latest`` was set (a re-import, or history imported
        after a newer working tree) leaves it alone; once this import has reached the
        holder, every later snapshot moves it, even one with the same commit time.
        """
        reached: set[str] = set()
        for snap, runs in content:
            wanted: dict[str, int] = {}
            for table in (deps, outs):  # what a stage wrote wins over what another read
                for run_id in runs:
                    wanted.update(table.get(run_id, {}))
            for name, version_id in wanted.items():
                holder = self.store.alias_holder(self.project_id, name, "latest")
                if holder is not None and holder[0] == version_id:
                    reached.add(name)
                elif holder is None or name in reached or (holder[1] or "") < snap.time:
                    self.store.set_alias_at(version_id, "latest", snap.time)
                    reached.add(name)
                    self.report.count("latest moved")


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
    DvcImporter(store, report, project_id, find_cache(Path(repo_dir))).import_snapshots(
        snapshots)
    return report
