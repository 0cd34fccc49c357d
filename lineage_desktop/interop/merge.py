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
except that a run the target saw running is completed, an alias follows whichever
store set it last, and an edited field (description, metadata, tags, TTL) takes the
value of the newest edit; alias moves, removals and edits keep their authors. What a run
recorded besides artifacts comes with it: its summary is one of its compared cells (a
completed run takes the source's), history steps and saved files (by name) the target
lacks are added, a file saved with other content is reported. The merge is one
transaction: a failure leaves the target as it was.

Each phase reads every source in bulk (one query per table), decides in memory what the
target lacks (keeping the target's state as it changes, so that a later source sees what
an earlier one added) and writes it with one statement per table: the cost grows with
the sources, not as their product. SQLite sources into a SQLite target take the same
phases as statements over the attached sources (``merge_set``), with the same result.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from lineage_desktop.interop.report import ImportReport
from lineage_desktop.interop.writer import FINAL_STATES, LineageWriter
from lineage_desktop.records import ManifestEntry
from lineage_desktop.records.validation import UnsafeEntry
from lineage_desktop.sdk.integrity import entry_location
from lineage_desktop.sdk.stores import store_path
from lineage_desktop.store import Store
from lineage_desktop.store.bulk_cells import (
    RUN_COMPARED,
    RUN_CONFIG,
    RUN_ENTITY,
    RUN_ID,
    RUN_PROJECT,
    RUN_STATE,
    RUN_SUMMARY,
    RUN_TAGS,
    VersionCells,
)
from lineage_desktop.store.interop import NewVersion
from lineage_desktop.store.rows import json_labels, json_object

MERGE_CACHE_MB = 512
_FINISHED, _NOTES, _EXIT = (RUN_COMPARED[f] for f in ("finished_at", "notes", "exit_code"))


def _read(cell: int, cells: tuple[Any, ...]) -> object:
    """A compared cell of a run as a reader sees it (JSON parsed)."""
    if cell in (RUN_CONFIG, RUN_SUMMARY):
        return json_object(cells[cell])
    return json_labels(cells[cell]) if cell == RUN_TAGS else cells[cell]


@dataclass
class _Added:
    """A version the target lacks, planned before it is written."""

    number: int  # its source
    version: VersionCells
    new: NewVersion
    tags: set[str]
    label: str


class _Merge:
    """Merges source stores into the target, phase by phase over all sources."""

    def __init__(self, target: Store, sources: Sequence[tuple[str, Store]],
                 report: ImportReport) -> None:
        self.target, self.sources, self.report = target, sources, report
        self.writer = LineageWriter(target)
        self.projects: dict[tuple[str, str], int] = {}
        # (source number, source version id) -> target version id
        self.version_map: dict[tuple[int, int], int] = {}
        self.added: set[tuple[int, int]] = set()  # (source, source id) of versions written
        self.versions: list[list[VersionCells]] = [[] for _ in sources]
        self.runs: dict[str, tuple[Any, ...]] = {}  # the target's cells of every source run
        self.label = ""
        # versions of the sources found among those this merge adds: (source, id, plan)
        self._unwritten: list[tuple[int, int, _Added]] = []
        self.produced: set[tuple[str, int]] = set()  # (run id, version id) edges written

    def _project(self, entity: str, name: str) -> int:
        if (entity, name) not in self.projects:
            self.projects[(entity, name)] = self.target.ensure_project(entity, name)
        return self.projects[(entity, name)]

    # ------------------------------------------------------------------ runs
    # Runs are moved as their stored cells (``Store.run_cells``): JSON copied as text.
    def merge_runs(self) -> None:
        every = [(label, cells) for label, source in self.sources
                 for cells in source.run_cells()]
        self.runs = {cells[RUN_ID]: cells for cells in self.target.run_cells(
            dict.fromkeys(cells[RUN_ID] for _, cells in every))}
        added: dict[str, tuple[int, tuple[Any, ...]]] = {}
        self._updates: list[tuple[str, dict[str, object]]] = []
        self._added_runs = added
        self.report.read += len(every)
        for label, cells in every:
            self.label = label
            project_id = self._project(cells[RUN_ENTITY], cells[RUN_PROJECT])
            existing = self.runs.get(cells[RUN_ID])
            if existing is None:
                added[cells[RUN_ID]] = (project_id, cells)
                self.runs[cells[RUN_ID]] = cells
                continue
            self._compare_runs(existing, cells)
        self._count("runs added", len(added))
        self.target.insert_run_cells(added.values())
        for run_id, fields in self._updates:
            self.target.update_run(run_id, **fields)

    def _compare_runs(self, mine: tuple[Any, ...], theirs: tuple[Any, ...]) -> None:
        if (mine[RUN_ENTITY], mine[RUN_PROJECT]) != (theirs[RUN_ENTITY], theirs[RUN_PROJECT]):
            self.report.conflicts.append(
                f"run {mine[RUN_ID]} is in {mine[RUN_ENTITY]}/{mine[RUN_PROJECT]} in the "
                f"target but in {theirs[RUN_ENTITY]}/{theirs[RUN_PROJECT]} in {self.label}; "
                "kept the target's")
            return
        if mine[RUN_STATE] == "running" and theirs[RUN_STATE] != "running":
            self._complete(mine, theirs)
            self.report.count("runs completed")
            return
        differs = [field for field, cell in RUN_COMPARED.items()
                   if mine[cell] != theirs[cell] and _read(cell, mine) != _read(cell, theirs)]
        if differs and theirs[RUN_STATE] != "running":
            self.report.conflicts.append(
                f"run {mine[RUN_ID]} differs in {', '.join(differs)} between the target and "
                f"{self.label}; kept the target's")
        else:
            self.report.count("runs already there")

    def _complete(self, mine: tuple[Any, ...], theirs: tuple[Any, ...]) -> None:
        """What ``LineageWriter.put_run`` does to a run the target saw running."""
        if theirs[RUN_STATE] not in FINAL_STATES:
            return
        changed = {cell: theirs[cell]
                   for cell in (RUN_STATE, _FINISHED, _EXIT, RUN_CONFIG, RUN_SUMMARY)}
        changed[_NOTES] = theirs[_NOTES] or mine[_NOTES]
        done = tuple(changed.get(cell, value) for cell, value in enumerate(mine))
        self.runs[mine[RUN_ID]] = done
        if mine[RUN_ID] in self._added_runs:  # added by an earlier source: written completed
            self._added_runs[mine[RUN_ID]] = (self._added_runs[mine[RUN_ID]][0], done)
        else:
            self._updates.append((mine[RUN_ID], {
                "state": done[RUN_STATE], "finished_at": done[_FINISHED],
                "exit_code": done[_EXIT], "config": json_object(done[RUN_CONFIG]),
                "notes": done[_NOTES], "summary": json_object(done[RUN_SUMMARY])}))

    # ------------------------------------------------------------------ run data
    def merge_run_data(self) -> None:
        """The metric history and saved files of the merged runs: steps and files (by
        name) the target lacks are added, the first source's first; a saved file
        recorded with other content is reported and the target's kept. A file's blob
        is copied before the commit, its name and digest checked as a manifest
        entry's (a refused one is skipped). Summaries come with the runs' cells."""
        present = self.target.run_file_digests(self.runs)
        for number, (label, source) in enumerate(self.sources):
            self.label = label
            if not source.has_run_data():  # an older schema: nothing recorded
                continue
            self._count("history steps added", self.target.add_history_cells(
                row for row in source.history_cells() if row[0] in self.runs))
            files, blobs, missing = [], [], 0
            for run_id, path, digest, size, saved_at in source.run_file_cells():
                if run_id not in self.runs:
                    continue
                kept = present.get((run_id, path))
                if kept is not None:
                    self._file_differs(run_id, path, kept != digest)
                    continue
                try:
                    location = entry_location(
                        source, f"run {run_id}", ManifestEntry(path, digest, size))
                except UnsafeEntry as refused:
                    self.report.skip(label, None, f"{refused}; the file was not merged")
                    continue
                if source.blobs.has(digest):
                    blobs.append((digest, str(location)))
                else:
                    missing += 1
                present[(run_id, path)] = digest
                files.append((run_id, path, digest, size, saved_at))
            if blobs:
                self.target.blobs.put_files(blobs)
            self._count("saved files added", self.target.add_run_file_cells(files))
            self._note_missing_files(number, missing)

    def _file_differs(self, run_id: str, path: str, differs: bool) -> None:
        if differs:
            self.report.conflicts.append(
                f"run {run_id} saved {path} with other content in {self.label} than in "
                "the target; kept the target's")

    def _note_missing_files(self, number: int, missing: int) -> None:
        if missing:
            self.report.notes.append(
                f"{missing} files saved with runs of {self.sources[number][0]} lack their "
                "contents in its blob folder; they were merged without them")

    # ------------------------------------------------------------------ versions
    def merge_versions(self) -> None:
        for number, (_, source) in enumerate(self.sources):
            self.versions[number] = source.version_cells()
        every = sorted(
            ((version.created_at or "", number, version.idx, version)
             for number, versions in enumerate(self.versions) for version in versions),
            key=lambda item: item[:3])
        keys = [(self._project(v.entity, v.project), v.name) for *_, v in every]
        self.types = {key: kind for key, (kind, _) in self.target.artifact_heads(keys).items()}
        self.found = self.target.versions_with_digests(
            (*key, v.digest) for key, (*_, v) in zip(keys, every, strict=True))
        self.planned: dict[tuple[int, str, str], _Added] = {}
        self.new_tags: dict[int, set[str]] = {}
        self.producers = self._producers_in_target(v for *_, v in every)
        missing: dict[int, int] = {}
        manifests = [source.all_manifests() for _, source in self.sources]
        for (_, number, _, version), key in zip(every, keys, strict=True):
            self.label = self.sources[number][0]
            if not self._merge_version(number, version, key, manifests[number]):
                missing[number] = missing.get(number, 0) + 1
        self._write_versions()
        self._carry_states()
        for number, count in sorted(missing.items()):
            self.report.notes.append(
                f"{count} versions of {self.sources[number][0]} lack file contents in its "
                "blob folder; they were merged without them")

    def _producers_in_target(self, versions: Iterable[VersionCells]) -> set[str]:
        """Runs named as producers that the target has (the runs of the sources are all
        there after ``merge_runs``; a dangling producer may still be a target's run)."""
        named = {v.run_id for v in versions if v.run_id is not None}
        unknown = named - self.runs.keys()
        return (named & self.runs.keys()) | self.target.existing_run_ids(unknown)

    def _merge_version(self, number: int, version: VersionCells, key: tuple[int, str],
                       manifests: dict[int, list[ManifestEntry]]) -> bool:
        """Plan one version; False when some of its file contents were missing."""
        self.report.read += 1
        kind = self.types.get(key)
        if kind is not None and kind != version.type:
            self.report.conflicts.append(
                f"{version.name}:{version.version} of {self.label} has type "
                f"{version.type!r} but the target's {version.name} is {kind!r}; skipped")
            return True
        identity = (*key, version.digest)
        found = self.found.get(identity)
        planned = self.planned.get(identity)
        # Producers are not compared: ``merge_outputs`` copies every output edge.
        if found is not None:
            self.new_tags.setdefault(found[0], set()).update(set(version.tags) - set(found[1]))
            self.version_map[(number, version.id)] = found[0]
        elif planned is not None:  # added by this merge: its id is known once written
            planned.tags.update(version.tags)
            self._unwritten.append((number, version.id, planned))
        if found is not None or planned is not None:
            self.report.count("versions already there")
            return True
        return self._plan_new(number, version, key, manifests.get(version.id, []))

    def _plan_new(self, number: int, version: VersionCells, key: tuple[int, str],
                  entries: list[ManifestEntry]) -> bool:
        complete = True
        source = self.sources[number][1]
        files = []
        label = f"{version.name}:{version.version}"
        for entry in entries:
            try:  # a source store is untrusted input: its rows are checked like any reader's
                location = entry_location(source, label, entry)
            except UnsafeEntry as refused:
                self.report.skip(self.label, None, f"{refused}; the version was not merged")
                return True
            if entry.ref is None:
                if source.blobs.has(entry.digest):
                    files.append((entry.digest, str(location)))
                else:
                    complete = False
        run_id = version.run_id
        if run_id is not None and run_id not in self.producers:
            self.report.conflicts.append(
                f"{version.name}:{version.version} of {self.label} names run {run_id}, "
                "which is in neither store; merged without its producer")
            run_id = None
        # A registry link has no manifest rows of its own (its source's are read): its
        # totals come along, and ``_carry_states`` points it at the merged source.
        totals = ({"size": version.size, "file_count": version.file_count}
                  if version.source_id is not None else {})
        new = NewVersion(
            key[0], version.name, version.type, version.digest, entries,
            version.created_at or "", version.description, version.metadata, (), run_id,
            files=files, **totals)
        planned = _Added(number, version, new, set(version.tags), self.label)
        self.planned[(*key, version.digest)] = planned
        self.types.setdefault(key, version.type)
        self._unwritten.append((number, version.id, planned))
        self.report.count("versions added")
        return complete

    def _write_versions(self) -> None:
        added = list(self.planned.values())
        placed = self.target.append_versions(
            [replace(a.new, tags=sorted(a.tags)) if a.tags else a.new for a in added])
        ids = {id(a): version_id for a, (version_id, _) in zip(added, placed, strict=True)}
        # The output edge each written version got with its producer (``merge_outputs``
        # need not write it again).
        self.produced = {(a.new.run_id, version_id) for a, (version_id, _)
                         in zip(added, placed, strict=True) if a.new.run_id is not None}
        for number, source_id, planned in self._unwritten:
            self.version_map[(number, source_id)] = ids[id(planned)]
            if planned.number == number and planned.version.id == source_id:
                self.added.add((number, source_id))
        for a, (_, index) in zip(added, placed, strict=True):
            if index != a.version.idx:
                self.report.count("versions renumbered")
                self.report.notes.append(
                    f"{a.version.name}:{a.version.version} of {a.label} is "
                    f"{a.version.name}:v{index} in the target")
        self.target.add_tags((version_id, tag) for version_id, tags in self.new_tags.items()
                             for tag in sorted(tags))
        # The folders each added version referenced, for verify's search of extra files.
        folders = [source.all_reference_folders() if any(n == number for n, _ in self.added)
                   else {} for number, (_, source) in enumerate(self.sources)]
        self.target.add_reference_folders(
            (self.version_map[(number, source_id)], prefix, uri)
            for number, source_id in sorted(self.added)
            for prefix, uri in folders[number].get(source_id, ()))

    def _carry_states(self) -> None:
        """Registry links and tombstones of the sources, on the merged versions."""
        self._carry((number, v.id, v.name, v.idx, v.source_id, v.deleted_at, v.deleted_by)
                    for number, versions in enumerate(self.versions) for v in versions
                    if v.source_id is not None or v.deleted_at is not None)

    def _carry(self, states: Iterable[tuple[int, int, str, int, int | None, str | None,
                                            str | None]]) -> None:
        """``_carry_states`` of ``(source, version id, name, number, source_id,
        deleted_at, deleted_by)`` of versions that are links or tombstones."""
        rows = []
        for number, version_id, name, index, source_id, deleted_at, deleted_by in states:
            target_id = self.version_map.get((number, version_id))
            if target_id is None:
                continue
            source = None
            if source_id is not None:
                source = self.version_map.get((number, source_id))
                if source is None:
                    self.report.conflicts.append(
                        f"{name}:v{index} of {self.sources[number][0]} "
                        "links a version that was not merged; merged without its link")
            rows.append((target_id, source, deleted_at, deleted_by))
        if rows:
            self.target.carry_version_states(rows)

    # ------------------------------------------------------------------ edges, aliases
    def merge_outputs(self) -> None:
        """Every output edge of the sources, in the order they were logged (so that a
        version without a producer in the target gets the earliest one)."""
        every = sorted(
            ((logged_at, number, run_id, version_id)
             for number, (_, source) in enumerate(self.sources)
             for run_id, version_id, logged_at in source.all_outputs()))
        edges = []
        for logged_at, number, run_id, version_id in every:
            target_version = self.version_map.get((number, version_id))
            if (target_version is not None and run_id in self.runs
                    and (run_id, target_version) not in self.produced):
                edges.append((run_id, target_version, logged_at))
        self._count("outputs added", self.target.add_outputs(edges))

    def merge_usages(self) -> None:
        usages = []
        for number, (_, source) in enumerate(self.sources):
            for run_id, version_id, used_at in source.all_usages():
                target_version = self.version_map.get((number, version_id))
                if target_version is not None and run_id in self.runs:
                    usages.append((run_id, target_version, used_at))
        self._count("usages added", self.target.add_usages(usages))

    def _count(self, what: str, n: int) -> None:
        if n:  # as one ``count`` per record would: no key for nothing
            self.report.count(what, n)

    def merge_aliases(self) -> None:
        for number in range(len(self.sources)):
            self.label = self.sources[number][0]
            self._merge_aliases(number)

    def carry_histories(self) -> None:
        """Every source's alias moves and removals (with their authors) and edits on the
        merged versions, so that "as of" shows what each store showed; a field edited in
        both stores takes the newest edit's value (as an alias follows the store that
        set it last)."""
        for number, (_, source) in enumerate(self.sources):
            moves, edits = source.histories()
            mapped = [(self.version_map[(number, version_id)], *rest)
                      for version_id, *rest in moves if (number, version_id) in self.version_map]
            edited = [(self.version_map[(number, version_id)], *rest)
                      for version_id, *rest in edits if (number, version_id) in self.version_map]
            taken = self.target.carry_histories(mapped, edited)  # type: ignore[arg-type]
            if taken:
                self.report.count("fields taken from a newer edit", taken)

    def _merge_aliases(self, number: int) -> None:
        source = self.sources[number][1]
        times = source.alias_times()
        for version in self.versions[number]:
            target_version = self.version_map.get((number, version.id))
            if target_version is None or not version.aliases:
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
        # One transaction of every row: the pages of the randomly keyed indexes (run ids,
        # digests) are held, each read and written once (as the demo's chunks).
        previous = self.target.hold_pages(MERGE_CACHE_MB)
        try:
            self._run()
        finally:
            self.target.hold_pages(previous)

    def _run(self) -> None:
        with self.writer.atomic():
            self.merge_runs()
            self.merge_run_data()
            self.merge_versions()
            self.merge_outputs()
            self.merge_usages()
            self.merge_aliases()
            self.carry_histories()


def merge_stores(target: Store, sources: Sequence[str | os.PathLike[str]]) -> ImportReport:
    """Merge every source store (opened read-only) into ``target``; returns the report.
    SQLite sources whose rows read as stored, into a SQLite target, are merged set-based
    (``merge_set``), with the same result."""
    from lineage_desktop.interop.merge_set import set_based

    report = ImportReport()
    opened = []
    try:
        for path in sources:
            if store_path(path) == store_path(target.path):
                raise ValueError(f"{path} is the target store itself")
            opened.append((str(path), Store.open(store_path(path), readonly=True)))
        with set_based(target, opened, report) as merge:
            (merge or _Merge(target, opened, report)).run()
        target.refresh_statistics()
    finally:
        for _, source in opened:
            source.close()
    return report
