"""Merging stores written on several machines into one, idempotently.

Identity: a run by its id; a version by project, artifact name and digest. What the
target already has is never duplicated nor renumbered; a new version gets the next free
number of its artifact, in creation order, and the report says when that differs from
its number in the source (versions of all sources are taken together in creation order,
so merging machine A and machine B numbers their versions as if one machine had logged
them all). Every output edge of every source is kept: a version logged by one run in the
target and by another in a source has both runs as producers (the target's stays the
first, ``logged_by``). Conflicts (the same run recorded differently, an artifact with two
types, an alias on different versions) are reported; the target keeps its own record,
except that a run the target saw running is completed, and an alias follows whichever
store set it last. The merge is one transaction: a failure leaves the
target as it was.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from lineage_desktop.interop.report import ImportReport
from lineage_desktop.interop.writer import LineageWriter
from lineage_desktop.records import ArtifactVersion, Run
from lineage_desktop.records.validation import UnsafeEntry
from lineage_desktop.sdk.integrity import entry_location
from lineage_desktop.store import RunOrder, Store

_COMPARED = ("name", "job_type", "group", "author", "host", "state", "started_at",
             "finished_at", "config", "notes", "tags", "exit_code")


class _Merge:
    """Merges source stores into the target, phase by phase over all sources."""

    def __init__(self, target: Store, sources: Sequence[tuple[str, Store]],
                 report: ImportReport) -> None:
        self.target, self.sources, self.report = target, sources, report
        self.writer = LineageWriter(target)
        self.projects: dict[tuple[str, str], int] = {}
        # (source number, source version id) -> target version id
        self.version_map: dict[tuple[int, int], int] = {}
        self.source: Store = sources[0][1] if sources else target
        self.label = ""

    def _use(self, number: int) -> None:
        self.label, self.source = self.sources[number]

    def _project(self, entity: str, name: str) -> int:
        if (entity, name) not in self.projects:
            self.projects[(entity, name)] = self.target.ensure_project(entity, name)
        return self.projects[(entity, name)]

    # ------------------------------------------------------------------ runs
    def merge_runs(self) -> None:
        for number in range(len(self.sources)):
            self._use(number)
            self._merge_runs()

    def _merge_runs(self) -> None:
        for run in self.source.runs(order=RunOrder.STARTED_ASC):
            self.report.read += 1
            project_id = self._project(run.entity, run.project)
            existing = self.writer.existing_run(run.id)
            if existing is None:
                self.target.insert_run(project_id, run, record_process=False)
                self.report.count("runs added")
                continue
            self._compare_runs(existing, run)

    def _compare_runs(self, mine: Run, theirs: Run) -> None:
        if (mine.entity, mine.project) != (theirs.entity, theirs.project):
            self.report.conflicts.append(
                f"run {mine.id} is in {mine.entity}/{mine.project} in the target but in "
                f"{theirs.entity}/{theirs.project} in {self.label}; kept the target's")
            return
        if mine.state == "running" and theirs.state != "running":
            self.writer.put_run(0, theirs)
            self.report.count("runs completed")
            return
        differs = [f for f in _COMPARED if getattr(mine, f) != getattr(theirs, f)]
        if differs and theirs.state != "running":
            self.report.conflicts.append(
                f"run {mine.id} differs in {', '.join(differs)} between the target and "
                f"{self.label}; kept the target's")
        else:
            self.report.count("runs already there")

    # ------------------------------------------------------------------ versions
    def merge_versions(self) -> None:
        every = sorted(
            ((version.created_at or "", number, version.index, version)
             for number, (_, source) in enumerate(self.sources)
             for version in source.all_versions()), key=lambda item: item[:3])
        missing: dict[int, int] = {}
        for _, number, _, version in every:
            self._use(number)
            if not self._merge_version(number, version):
                missing[number] = missing.get(number, 0) + 1
        for number, count in sorted(missing.items()):
            self.report.notes.append(
                f"{count} versions of {self.sources[number][0]} lack file contents in its "
                "blob folder; they were merged without them")

    def _merge_version(self, number: int, version: ArtifactVersion) -> bool:
        """Merge one version; False when some of its file contents were missing."""
        complete = True
        self.report.read += 1
        project_id = self._project(version.entity, version.project)
        kind = self.target.artifact_type_of(project_id, version.name)
        if kind is not None and kind != version.type:
            self.report.conflicts.append(
                f"{version.name}:{version.version} of {self.label} has type "
                f"{version.type!r} but the target's {version.name} is {kind!r}; skipped")
            return True
        found = self.writer.find_version(project_id, version.name, version.digest)
        if found is not None:
            self._compare_versions(found, version)
            self.version_map[(number, version.id)] = found.id
            self.report.count("versions already there")
            return True
        entries = self.source.manifest(version.id)
        files = []
        label = f"{version.name}:{version.version}"
        for entry in entries:
            try:  # a source store is untrusted input: its rows are checked like any reader's
                location = entry_location(self.source, label, entry)
            except UnsafeEntry as refused:
                self.report.skip(self.label, None, f"{refused}; the version was not merged")
                return True
            if entry.ref is None:
                if self.source.blobs.has(entry.digest):
                    files.append((entry.digest, str(location)))
                else:
                    complete = False
        run_id = version.run_id
        if run_id is not None and not self.writer.has_run(run_id):
            self.report.conflicts.append(
                f"{version.name}:{version.version} of {self.label} names run {run_id}, "
                "which is in neither store; merged without its producer")
            run_id = None
        version_id, _ = self.writer.put_version(
            project_id, version.name, version.type, entries, created_at=version.created_at
            or "", run_id=run_id, digest=version.digest, description=version.description,
            metadata=version.metadata, tags=version.tags, aliases=(), files=files)
        self.version_map[(number, version.id)] = version_id
        self.report.count("versions added")
        merged = self.target.version_by_id(version_id)
        if merged.index != version.index:
            self.report.count("versions renumbered")
            self.report.notes.append(
                f"{version.name}:{version.version} of {self.label} is "
                f"{version.name}:{merged.version} in the target")
        return complete

    def _compare_versions(self, mine: ArtifactVersion, theirs: ArtifactVersion) -> None:
        # Producers are not compared: ``merge_outputs`` copies every output edge.
        new_tags = set(theirs.tags) - set(mine.tags)
        if new_tags:
            self.target.add_version_tags(mine.id, sorted(new_tags))

    # ------------------------------------------------------------------ edges, aliases
    def merge_outputs(self) -> None:
        """Every output edge of the sources, in the order they were logged (so that a
        version without a producer in the target gets the earliest one)."""
        every = sorted(
            ((logged_at, number, run_id, version_id)
             for number, (_, source) in enumerate(self.sources)
             for run_id, version_id, logged_at in source.all_outputs()))
        for logged_at, number, run_id, version_id in every:
            target_version = self.version_map.get((number, version_id))
            if target_version is not None and self.writer.output(run_id, target_version,
                                                                 logged_at):
                self.report.count("outputs added")

    def merge_usages(self) -> None:
        for number in range(len(self.sources)):
            self._use(number)
            self._merge_usages(number)

    def _merge_usages(self, number: int) -> None:
        for run_id, version_id, used_at in self.source.all_usages():
            target_version = self.version_map.get((number, version_id))
            if target_version is None or not self.writer.has_run(run_id):
                continue
            if self.writer.use(run_id, target_version, used_at):
                self.report.count("usages added")

    def merge_aliases(self) -> None:
        for number in range(len(self.sources)):
            self._use(number)
            self._merge_aliases(number)

    def _merge_aliases(self, number: int) -> None:
        times = self.source.alias_times()
        for version in self.source.all_versions():
            target_version = self.version_map.get((number, version.id))
            if target_version is None:
                continue
            project_id = self._project(version.entity, version.project)
            for alias in version.aliases:
                set_at = times.get((version.id, alias)) or version.created_at or ""
                holder = self.target.alias_holder(project_id, version.name, alias)
                if holder is not None and holder[0] == target_version:
                    continue
                if holder is not None and (holder[1] or "") >= set_at:
                    if alias != "latest":
                        self.report.conflicts.append(
                            f"alias {version.name}:{alias} is on another version in the "
                            f"target, set later than in {self.label}; kept the target's")
                    continue
                if holder is not None and alias != "latest":
                    self.report.conflicts.append(
                        f"alias {version.name}:{alias} moved to the version of {self.label}, "
                        "where it was set later")
                self.target.set_alias_at(target_version, alias, set_at)
                self.report.count("aliases set")

    def run(self) -> None:
        with self.writer.atomic():
            self.merge_runs()
            self.merge_versions()
            self.merge_outputs()
            self.merge_usages()
            self.merge_aliases()


def merge_stores(target: Store, sources: Sequence[str | os.PathLike[str]]) -> ImportReport:
    """Merge every source store (opened read-only) into ``target``; returns the report."""
    report = ImportReport()
    opened = []
    try:
        for path in sources:
            if Path(path).resolve() == Path(target.path).resolve():
                raise ValueError(f"{path} is the target store itself")
            opened.append((str(path), Store.open(path, readonly=True)))
        _Merge(target, opened, report).run()
    finally:
        for _, source in opened:
            source.close()
    return report
