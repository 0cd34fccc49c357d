"""The merge of ``merge.py`` as set-based steps, for SQLite sources into a SQLite target.

The rules are ``_Merge``'s; what changes is who moves the rows. The store attaches each
source read-only and runs each step as statements over it (``Store.merge_*``, in
``store/merge_sql.py``): runs the target lacks (with their summaries), their history rows
and saved files (blobs copied first), the plan of the versions (identity,
found, new, numbers continuing each collection's, producers), manifests, tags, output
edges and usages. Python sees only what it reports or decides record by record: runs
the target has already (compared and completed by ``_Merge``'s code), skipped and
renumbered versions, producers the target lacks, the blobs of new versions, links,
tombstones, aliases and histories (``_Merge``'s code, on the version map).

Sources whose rows a reader would not read as stored (a damaged cell, a run still
running, an unsafe manifest entry, an older schema) go through ``_Merge`` row by row.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from lineage_desktop.interop.merge import _Merge
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.records import ManifestEntry
from lineage_desktop.records.validation import UnsafeEntry
from lineage_desktop.sdk.integrity import entry_location
from lineage_desktop.store import Store
from lineage_desktop.store.bulk_cells import RUN_ID
from lineage_desktop.store.merge_sql import AS_NEW, FOUND, NEW, SKIPPED

_ANY_DIGEST = "0" * 64  # a well-formed digest, to check an entry's path alone


@contextmanager
def set_based(target: Store, sources: Sequence[tuple[str, Store]],
              report: ImportReport) -> Iterator[_SetMerge | None]:
    """A set-based merge of ``sources`` into ``target``, or None where it cannot be one
    (then ``_Merge`` merges row by row); the sources stay attached until the end."""
    if not (target.merge_by_sql() and all(s.merge_by_sql() for _, s in sources)):
        yield None
        return
    schemas = target.merge_attach([Path(str(s.path)) for _, s in sources])
    if schemas is None:
        yield None
        return
    try:
        ready = all(target.merge_sql_ready(schema) and _entries_safe(target, schema, source)
                    for schema, (_, source) in zip(schemas, sources, strict=True))
        yield _SetMerge(target, sources, report, schemas) if ready else None
    finally:
        target.merge_detach(schemas)


def _entries_safe(target: Store, schema: str, source: Store) -> bool:
    """Whether every manifest entry of a source passes ``entry_location`` (each distinct
    path and reference checked once); an unsafe one is reported by ``_Merge``."""
    paths, refs = target.merge_entry_texts(schema)
    try:
        for path in paths:
            entry_location(source, "", ManifestEntry(path, _ANY_DIGEST, 0))
        for ref in refs:
            entry_location(source, "", ManifestEntry("x", _ANY_DIGEST, 0, ref))
    except UnsafeEntry:
        return False
    return True


class _SetMerge(_Merge):
    """``_Merge`` whose runs, versions, outputs and usages are moved by the store."""

    def __init__(self, target: Store, sources: Sequence[tuple[str, Store]],
                 report: ImportReport, schemas: Sequence[str]) -> None:
        super().__init__(target, sources, report)
        self.schemas = schemas

    def _run(self) -> None:
        try:
            with self.writer.atomic():
                self.target.merge_begin()
                super()._run()
        finally:
            self.target.merge_end()

    def merge_runs(self) -> None:
        self._updates = []
        self._added_runs = {}  # runs this merge added that a later source has too
        added = 0
        for number, ((label, source), schema) in enumerate(
                zip(self.sources, self.schemas, strict=True)):
            self.label = label
            for entity, name in self.target.merge_run_projects(schema):
                self._project(entity, name)
            count, there = self.target.merge_note_runs(schema, number)
            self.report.read += count
            if there:
                ids = [run_id for run_id, _ in there]
                self.runs.update((cells[RUN_ID], cells) for cells in self.target.run_cells(
                    [run_id for run_id in ids if run_id not in self.runs]))
                self._added_runs.update(
                    (run_id, (0, self.runs[run_id])) for run_id, by_merge in there
                    if by_merge and run_id not in self._added_runs)
                for cells in source.run_cells(ids):
                    self._compare_runs(self.runs[cells[RUN_ID]], cells)
            checked = self.target.merge_checked_runs(schema)
            if checked:  # as a reader reads them: crashed if their process is gone
                self.target.merge_run_cells(number, source.run_cells(checked))
            added += self.target.merge_insert_runs(schema, number)
        self._count("runs added", added)
        self.target.rewrite_run_cells(cells for _, cells in self._added_runs.values())
        for run_id, fields in self._updates:
            self.target.update_run(run_id, **fields)

    def merge_run_data(self) -> None:
        for number, ((label, source), schema) in enumerate(
                zip(self.sources, self.schemas, strict=True)):
            self.label = label
            self._count("history steps added", self.target.merge_history(schema))
            for run_id, path in self.target.merge_file_conflicts(schema):
                self._file_differs(run_id, path, True)
            digests = self.target.merge_new_files(schema)
            blobs = [(digest, str(source.blobs.path_for(digest))) for digest in digests
                     if source.blobs.has(digest)]
            if blobs:  # before the commit, as ``merge_run_data`` copies them
                self.target.blobs.put_files(blobs)
            self._count("saved files added", self.target.merge_insert_files(schema))
            self._note_missing_files(number, len(digests) - len(blobs))

    def merge_versions(self) -> None:
        for entity, name in self.target.merge_read_versions(self.schemas):
            self._project(entity, name)
        self.target.merge_plan_versions()
        kinds = self.target.merge_version_counts()
        self.report.read += sum(kinds.values())
        self._count("versions already there", kinds.get(FOUND, 0) + kinds.get(AS_NEW, 0))
        self._count("versions added", kinds.get(NEW, 0))
        renumbered = []
        for _, kind, number, name, index, type_, kept, unknown_run, placed in \
                self.target.merge_version_notes():
            label = self.sources[number][0]
            if kind == SKIPPED:
                self.report.conflicts.append(
                    f"{name}:v{index} of {label} has type {type_!r} but the target's "
                    f"{name} is {kept!r}; skipped")
                continue
            if unknown_run is not None:
                self.report.conflicts.append(
                    f"{name}:v{index} of {label} names run {unknown_run}, which is in "
                    "neither store; merged without its producer")
            if placed != index:
                renumbered.append(f"{name}:v{index} of {label} is {name}:v{placed} in the "
                                  "target")
        missing = self._copy_blobs()
        self.target.merge_write_versions(self.schemas)
        self._count("versions renumbered", len(renumbered))
        self.report.notes.extend(renumbered)
        for number, source_id, target_id, kind in self.target.merge_version_map():
            self.version_map[(number, source_id)] = target_id
            if kind == NEW:
                self.added.add((number, source_id))
        self._carry(self.target.merge_version_states())
        self.versions = [source.version_cells(aliased=True) for _, source in self.sources]
        for number, count in sorted(missing.items()):
            self.report.notes.append(
                f"{count} versions of {self.sources[number][0]} lack file contents in its "
                "blob folder; they were merged without them")

    def _copy_blobs(self) -> dict[int, int]:
        """Copy the blobs of the new versions that their sources hold (before the
        commit, as ``append_versions``); how many new versions of each source lack
        some."""
        missing: dict[int, int] = {}
        for number, ((_, source), schema) in enumerate(
                zip(self.sources, self.schemas, strict=True)):
            for _, digests in self.target.merge_new_blobs(schema, number):
                files = [(digest, str(source.blobs.path_for(digest))) for digest in digests
                         if source.blobs.has(digest)]
                if len(files) < len(digests):
                    missing[number] = missing.get(number, 0) + 1
                if files:
                    self.target.blobs.put_files(files)
        return missing

    def carry_histories(self) -> None:
        for number, schema in enumerate(self.schemas):
            self.target.merge_alias_history(schema, number)
            taken = self.target.carry_histories((), self.target.merge_edits(schema, number))
            if taken:
                self.report.count("fields taken from a newer edit", taken)

    def merge_outputs(self) -> None:
        self._count("outputs added", self.target.merge_outputs_sql(self.schemas))

    def merge_usages(self) -> None:
        self._count("usages added", self.target.merge_usages_sql(self.schemas))
