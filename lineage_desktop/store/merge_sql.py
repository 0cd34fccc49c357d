"""A merge of SQLite stores into a SQLite store as set-based statements over ``ATTACH``.

The merge's rules (``interop/merge.py``) decide per record; for two stores of 100k runs
that is over a million rows read into Python objects and written back one
``executemany`` row at a time (25 s of CPU where SQLite copies the same rows into the
same indexes in 4 s). Here each step of the merge is a statement over the attached
source (``INSERT ... SELECT``), with the rules as SQL: a version's identity (project,
artifact name, digest), the lowest-numbered version found, the first new version of an
identity in creation order over all sources, the next free numbers of each collection
continuing the target's, the producers the target knows. What the merge reports or
decides with care (runs the target has, type conflicts, renumbered versions, blobs,
links, tombstones, aliases) comes back as the few rows concerned.

The plan lives in temporary tables of the connection (``temp.merge_*``), created and
dropped by ``merge_begin``/``merge_end``. Only sources whose versions, entries and
histories every reader reads as stored (``merge_sql_ready``) take this path; runs that a
reader repairs or reads as crashed are copied as ``run_cells`` reads them
(``merge_run_cells``). Any other source goes through the row-by-row merge, which checks
each record as a reader does.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from lineage_desktop.records.validation import REMOTE_SCHEMES
from lineage_desktop.store.params import dialect_of
from lineage_desktop.store.rows import MAX_JSON_DEPTH
from lineage_desktop.store.run_counts import counted_at_end_of
from lineage_desktop.store.schema import LATEST, schema_version
from lineage_desktop.store.writes import WriteMixin

_TEMP = """
DROP TABLE IF EXISTS temp.merge_runs;
DROP TABLE IF EXISTS temp.merge_versions;
DROP TABLE IF EXISTS temp.merge_kinds;
DROP TABLE IF EXISTS temp.merge_edges;
DROP TABLE IF EXISTS temp.merge_cells;
DROP TABLE IF EXISTS temp.merge_moves;
DROP TABLE IF EXISTS temp.merge_ranks;
CREATE TABLE temp.merge_runs (id TEXT PRIMARY KEY, n INTEGER NOT NULL,
    added INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE temp.merge_cells (n INTEGER NOT NULL, id TEXT NOT NULL, name, job_type,
    group_name, author, host, state, started_at, finished_at, config, notes, tags, exit_code,
    summary, PRIMARY KEY (n, id)) WITHOUT ROWID;
CREATE TABLE temp.merge_versions (
    seq INTEGER PRIMARY KEY, n INTEGER NOT NULL, sid INTEGER NOT NULL, entity TEXT NOT NULL,
    pname TEXT NOT NULL, pid INTEGER, name TEXT NOT NULL, type TEXT NOT NULL,
    digest TEXT NOT NULL, idx INTEGER NOT NULL, created TEXT NOT NULL, description TEXT,
    run_id TEXT, producer TEXT, source_id INTEGER, deleted_at TEXT, deleted_by TEXT,
    kind INTEGER, tid INTEGER, number INTEGER);
CREATE TABLE temp.merge_kinds (pid INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    head INTEGER NOT NULL, PRIMARY KEY (pid, name)) WITHOUT ROWID;
CREATE TABLE temp.merge_moves (ord INTEGER PRIMARY KEY, vid INTEGER NOT NULL,
    aid INTEGER NOT NULL, alias TEXT NOT NULL, set_at TEXT NOT NULL, author TEXT,
    removed INTEGER NOT NULL);
CREATE TABLE temp.merge_ranks (seq INTEGER PRIMARY KEY, first INTEGER NOT NULL,
    number INTEGER, tid INTEGER);
CREATE TABLE temp.merge_edges (logged TEXT NOT NULL, n INTEGER NOT NULL,
    run_id TEXT NOT NULL, sid INTEGER NOT NULL, tid INTEGER NOT NULL)
"""
# Kinds of a planned version: its type differs from its collection's (skipped), found in
# the target, new (written), or the same identity as a new one of this merge.
SKIPPED, FOUND, NEW, AS_NEW = 0, 1, 2, 3
PLAN_CACHE_KIB = 512 * 1024  # the temporary database's cache during a merge (an upper bound)
SOURCE_CACHE_KIB = 128 * 1024  # each attached source's

# The lowest-numbered version of each identity in the target: found by digest (the
# ``versions_digest`` index), then sorted (``+v.idx``: walking a collection in number order
# would read all its versions for each one looked up).
FOUND_SQL = (
    "UPDATE temp.merge_versions SET tid = (SELECT v.id FROM main.artifacts a "
    "JOIN main.versions v ON v.artifact_id = a.id AND v.digest = merge_versions.digest "
    "WHERE a.project_id = merge_versions.pid AND a.name = merge_versions.name "
    "ORDER BY +v.idx LIMIT 1) WHERE kind IS NULL")
_DEPTH = "length({c}) - length(replace(replace({c}, '[', ''), '{{', ''))"


def _json_text(column: str, kind: str) -> str:
    """SQL true where ``column`` is text the merge copies as it is (``plain_json``):
    strict JSON of ``kind`` alone, no space around it, not nested beyond a reader's
    limit (counted as ``plain_json`` counts)."""
    first, last = ("{", "}") if kind == "object" else ("[", "]")
    return (f"(typeof({column}) = 'text' AND substr({column}, 1, 1) = '{first}' "
            f"AND substr({column}, -1) = '{last}' AND {_DEPTH.format(c=column)} "
            f"<= {MAX_JSON_DEPTH} AND json_valid({column}) AND json_type({column}) = '{kind}')")


def _unclean(s: str) -> list[str]:
    """Queries that find a row of source ``s`` the row-by-row merge would read through a
    checked reader: any one sends the merge there."""
    texts = "('text', 'null')"
    return [  # a run's id and start order its runs in both merges
        f"SELECT 1 FROM {s}.runs WHERE typeof(id) != 'text' OR typeof(started_at) != 'text'",
        f"SELECT 1 FROM {s}.projects WHERE typeof(entity) != 'text' OR typeof(name) != 'text'",
        f"SELECT 1 FROM {s}.artifacts WHERE typeof(name) != 'text'",
        f"SELECT 1 FROM {s}.artifact_types WHERE typeof(name) != 'text'",
        f"SELECT 1 FROM {s}.versions v WHERE typeof(v.id) != 'integer' "
        f"OR typeof(v.idx) != 'integer' OR v.idx < 0 OR typeof(v.size) != 'integer' "
        f"OR typeof(v.file_count) != 'integer' OR typeof(v.digest) != 'text' "
        f"OR typeof(v.state) != 'text' "
        + "".join(f"OR typeof(v.{c}) NOT IN {texts} " for c in (
            "description", "created_at", "run_id", "updated_at", "deleted_at", "deleted_by"))
        + "".join(f"OR (v.{c} IS NOT NULL AND (typeof(v.{c}) != 'integer' OR v.{c} < 0)) "
                  for c in ("ttl", "source_id", "history_step"))
        + f"OR NOT {_json_text('v.metadata', 'object')}",
        f"SELECT 1 FROM {s}.aliases WHERE typeof(alias) != 'text'",
        f"SELECT 1 FROM {s}.alias_history WHERE typeof(alias) != 'text' "
        "OR typeof(set_at) != 'text' OR typeof(author) NOT IN ('text', 'null') "
        "OR typeof(version_id) NOT IN ('integer', 'null')",
        f"SELECT 1 FROM {s}.version_edits WHERE typeof(field) != 'text' "
        "OR typeof(changed_at) != 'text'",
        f"SELECT 1 FROM {s}.version_tags WHERE typeof(tag) != 'text'",
        f"SELECT 1 FROM {s}.manifest WHERE typeof(path) != 'text' OR typeof(digest) != 'text' "
        "OR typeof(size) != 'integer' OR typeof(ref) NOT IN ('text', 'null') "
        "OR length(digest) != 64 OR digest GLOB '*[^0-9a-f]*'",
        f"SELECT 1 FROM {s}.run_history WHERE typeof(run_id) != 'text' "
        f"OR typeof(step) != 'integer' OR NOT {_json_text('row', 'object')}",
        f"SELECT 1 FROM {s}.run_files WHERE typeof(run_id) != 'text' OR typeof(path) != 'text' "
        "OR typeof(digest) != 'text' OR typeof(saved_at) != 'text' "
        "OR typeof(size) != 'integer' OR size < 0 "
        "OR length(digest) != 64 OR digest GLOB '*[^0-9a-f]*'",
    ]


def _unclean_runs(s: str) -> str:
    """The runs of source ``s`` that ``run_cells`` reads through the checked reader, or
    may read as crashed: the merge copies the cells it reads of them."""
    texts = "('text', 'null')"
    return (
        f"SELECT r.id FROM {s}.runs r WHERE r.state = 'running' "
        f"OR typeof(r.name) != 'text' OR typeof(r.state) != 'text' "
        f"OR typeof(r.exit_code) NOT IN ('integer', 'null') "
        + "".join(f"OR typeof(r.{c}) NOT IN {texts} " for c in (
            "job_type", "group_name", "author", "host", "finished_at", "notes"))
        + f"OR NOT {_json_text('r.config', 'object')} OR NOT {_json_text('r.tags', 'array')} "
        f"OR NOT {_json_text('r.summary', 'object')} "
        f"OR EXISTS (SELECT 1 FROM json_each(r.tags) WHERE type != 'text')")


_SOURCE_RUNS = ("{s}.runs r JOIN {s}.projects p ON p.id = r.project_id")
_RUN_ORDER = "r.started_at, r.id"  # ``run_cells``' order (``RunOrder.STARTED_ASC``)
# A run's cells: as stored, or as its reader read them (``temp.merge_cells``).
_CELLS = ", ".join(f"CASE WHEN c.id IS NULL THEN r.{column} ELSE c.{column} END" for column in (
    "name", "job_type", "group_name", "author", "host", "state", "started_at",
    "finished_at", "config", "notes", "tags", "exit_code", "summary"))


class MergeSqlMixin(WriteMixin):
    """The steps of a set-based merge from attached SQLite sources (see the module)."""

    # ------------------------------------------------------------------ sources
    def merge_by_sql(self) -> bool:
        """Whether this store can take a set-based merge (a SQLite file, no transaction
        open: sources are attached outside one)."""
        return dialect_of(self._conn) == "sqlite" and not self._conn.in_transaction

    def merge_attach(self, paths: Sequence[Path]) -> list[str] | None:
        """Attach the source files read-only as schemas ``merge_s0``, ``merge_s1``, ...;
        None (nothing attached) if one cannot be (the merge goes row by row)."""
        schemas: list[str] = []
        try:
            for number, path in enumerate(paths):
                uri = Path(path).resolve().as_uri() + "?mode=ro"
                self._conn.execute(f"ATTACH DATABASE ? AS merge_s{number}", (uri,))
                schemas.append(f"merge_s{number}")
                # its pages read once each, not again for every lookup of a version
                self._conn.execute(f"PRAGMA merge_s{number}.cache_size = -{SOURCE_CACHE_KIB}")
        except sqlite3.Error:
            self.merge_detach(schemas)
            return None
        return schemas

    def merge_detach(self, schemas: Iterable[str]) -> None:
        for name in schemas:
            self._conn.execute(f"DETACH DATABASE {name}")

    def merge_sql_ready(self, schema: str) -> bool:
        """Whether every row of an attached source reads as stored (see ``_unclean``)
        and the source has this version's schema."""
        version = self._conn.execute(f"PRAGMA {schema}.user_version").fetchone()[0]
        if version != LATEST or schema_version(self._conn) != LATEST:
            return False
        return not any(self._conn.execute(f"SELECT EXISTS ({sql})").fetchone()[0]
                       for sql in _unclean(schema))

    def merge_entry_texts(self, schema: str) -> tuple[list[str], list[str]]:
        """The distinct entry paths, and references other than remote ones, of a
        source's manifests (``merge_sql_ready`` checked the digests): the merge checks
        each once, as ``entry_location`` checks every entry the row-by-row merge copies
        (a remote reference is never read: nothing more to check)."""
        paths = [row[0] for row in self._conn.execute(
            f"SELECT path FROM {schema}.manifest UNION SELECT path FROM {schema}.run_files")]
        remote = " OR ".join(f"ref GLOB '{scheme}*'" for scheme in REMOTE_SCHEMES)
        refs = [row[0] for row in self._conn.execute(
            f"SELECT DISTINCT ref FROM {schema}.manifest WHERE ref IS NOT NULL "
            f"AND NOT ({remote})")]
        return paths, refs

    def merge_begin(self) -> None:
        """Create the plan's tables (the temporary database's pages held in memory: the
        plan is read and updated whole, several times)."""
        self._conn.execute(f"PRAGMA temp.cache_size = -{PLAN_CACHE_KIB}")
        for sql in _TEMP.split(";"):
            self._conn.execute(sql)

    def merge_end(self) -> None:
        for table in ("runs", "cells", "versions", "kinds", "ranks", "edges", "moves"):
            self._conn.execute(f"DROP TABLE IF EXISTS temp.merge_{table}")

    def merge_query_plan(self, sql: str) -> list[str]:
        """``EXPLAIN QUERY PLAN`` of one of the merge's statements, after ``merge_begin``
        (for tests)."""
        return [str(row[-1]) for row in self._conn.execute(f"EXPLAIN QUERY PLAN {sql}")]

    # ------------------------------------------------------------------ runs
    def merge_run_projects(self, schema: str) -> list[tuple[str, str]]:
        """``(entity, name)`` of the projects of a source's runs, by first run."""
        return [(row[0], row[1]) for row in self._conn.execute(
            f"SELECT p.entity, p.name FROM {_SOURCE_RUNS.format(s=schema)} "
            f"GROUP BY p.entity, p.name ORDER BY MIN(r.started_at || ' ' || r.id)")]

    def merge_note_runs(self, schema: str, number: int) -> tuple[int, list[tuple[str, bool]]]:
        """Note a source's runs: how many it has, and ``(run id, added by this merge)`` of
        those the target has already (in ``run_cells``' order)."""
        runs = _SOURCE_RUNS.format(s=schema)
        with self.transaction() as conn:
            conn.execute(
                f"INSERT OR IGNORE INTO temp.merge_runs (id, n, added) SELECT r.id, ?, "
                f"r.id NOT IN (SELECT id FROM main.runs) FROM {runs}", (number,))
            count = conn.execute(f"SELECT COUNT(*) FROM {runs}").fetchone()[0]
            there = [(row[0], bool(row[1])) for row in conn.execute(
                f"SELECT r.id, m.added FROM {runs} JOIN temp.merge_runs m ON m.id = r.id "
                f"WHERE r.id IN (SELECT id FROM main.runs) ORDER BY {_RUN_ORDER}")]
        return int(count), there

    def merge_checked_runs(self, schema: str) -> list[str]:
        """The ids of a source's runs that its reader reads through the checked reader
        or may read as crashed (``merge_run_cells``)."""
        return [row[0] for row in self._conn.execute(_unclean_runs(schema))]

    def merge_run_cells(self, number: int, runs: Iterable[Sequence[Any]]) -> None:
        """Runs of a source as its reader reads them (``run_cells``), which
        ``merge_insert_runs`` copies instead of their stored cells."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO temp.merge_cells VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(number, cells[0], *cells[3:15], cells[17]) for cells in runs])

    def merge_insert_runs(self, schema: str, number: int) -> int:
        """Copy the runs of a source that the target lacks (their project by entity and
        name, in ``run_cells``' order); how many. Counted once at the end."""
        new = (f"FROM {_SOURCE_RUNS.format(s=schema)} JOIN main.projects mp "
               "ON mp.entity = p.entity AND mp.name = p.name "
               "JOIN temp.merge_runs m ON m.id = r.id AND m.n = ? AND m.added "
               "LEFT JOIN temp.merge_cells c ON c.n = m.n AND c.id = r.id")
        # the runs first noted in this source, which the target lacked then
        ids = f"SELECT id FROM temp.merge_runs WHERE n = {int(number)} AND added"
        with self.transaction() as conn:
            count = conn.execute(f"SELECT COUNT(*) FROM ({ids})").fetchone()[0]
            with counted_at_end_of(conn, count, ids):
                conn.execute(
                    "INSERT INTO main.runs (id, project_id, name, job_type, group_name, "
                    "author, host, state, started_at, finished_at, config, notes, tags, "
                    f"exit_code, summary) SELECT r.id, mp.id, {_CELLS} {new} "
                    f"ORDER BY {_RUN_ORDER}",
                    (number,))
        return int(count)

    def rewrite_run_cells(self, rows: Iterable[Sequence[Any]]) -> None:
        """Set the state, end, exit code, config, notes and summary of runs to their cells
        (as ``run_cells`` reads them): a run this merge added, completed by a later
        source."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE runs SET state = ?, finished_at = ?, config = ?, notes = ?, "
                "exit_code = ?, summary = ? WHERE id = ?",
                [(c[8], c[10], c[11], c[12], c[14], c[17], c[0]) for c in rows])

    # ------------------------------------------------------------------ run data
    def merge_history(self, schema: str) -> int:
        """``add_history_cells`` of a source's history rows of the merged runs; the
        number added."""
        with self.transaction() as conn:
            return max(conn.execute(
                "INSERT OR IGNORE INTO main.run_history (run_id, step, row) SELECT run_id, "
                f"step, row FROM {schema}.run_history "
                "WHERE run_id IN (SELECT id FROM temp.merge_runs)").rowcount, 0)

    def merge_file_conflicts(self, schema: str) -> list[tuple[str, str]]:
        """``(run id, path)`` of a source's saved files of the merged runs that the
        target has with another digest, by run and path."""
        return [(row[0], row[1]) for row in self._conn.execute(
            f"SELECT f.run_id, f.path FROM {schema}.run_files f JOIN main.run_files t "
            "ON t.run_id = f.run_id AND t.path = f.path WHERE t.digest != f.digest "
            "AND f.run_id IN (SELECT id FROM temp.merge_runs) ORDER BY f.run_id, f.path")]

    def merge_new_files(self, schema: str) -> list[str]:
        """The digests of a source's saved files of the merged runs that the target
        lacks (one per file), whose blobs are copied before ``merge_insert_files``."""
        return [row[0] for row in self._conn.execute(
            f"SELECT f.digest FROM {schema}.run_files f "
            "WHERE f.run_id IN (SELECT id FROM temp.merge_runs) AND NOT EXISTS (SELECT 1 "
            "FROM main.run_files t WHERE t.run_id = f.run_id AND t.path = f.path)")]

    def merge_insert_files(self, schema: str) -> int:
        """``add_run_file_cells`` of a source's saved files of the merged runs; the
        number added."""
        with self.transaction() as conn:
            return max(conn.execute(
                "INSERT OR IGNORE INTO main.run_files (run_id, path, digest, size, saved_at) "
                f"SELECT run_id, path, digest, size, saved_at FROM {schema}.run_files "
                "WHERE run_id IN (SELECT id FROM temp.merge_runs)").rowcount, 0)

    # ------------------------------------------------------------------ versions
    def merge_read_versions(self, schemas: Sequence[str]) -> list[tuple[str, str]]:
        """Note every version of the sources, in creation order over all of them (then
        source, number, name); returns the ``(entity, name)`` of their projects, by
        first version."""
        every = " UNION ALL ".join(
            f"SELECT {number} AS n, v.id, p.entity, p.name AS pname, a.name, t.name, "
            "v.digest, v.idx, coalesce(v.created_at, '') AS created, v.description, v.run_id, "
            f"v.source_id, v.deleted_at, v.deleted_by FROM {s}.versions v "
            f"JOIN {s}.artifacts a ON a.id = v.artifact_id "
            f"JOIN {s}.artifact_types t ON t.id = a.type_id "
            f"JOIN {s}.projects p ON p.id = a.project_id" for number, s in enumerate(schemas))
        with self.transaction() as conn:
            # ``seq``, the rowid, numbers them in that order
            conn.execute(
                "INSERT INTO temp.merge_versions (n, sid, entity, pname, name, type, digest, "
                "idx, created, description, run_id, source_id, deleted_at, deleted_by) "
                f"SELECT * FROM ({every}) ORDER BY created, n, idx, name, entity, pname")
            conn.execute("CREATE UNIQUE INDEX temp.merge_versions_sid ON merge_versions "
                         "(n, sid)")
            return [(row[0], row[1]) for row in conn.execute(
                "SELECT entity, pname FROM temp.merge_versions GROUP BY entity, pname "
                "ORDER BY MIN(seq)")]

    def merge_plan_versions(self) -> None:
        """Decide each noted version (the projects exist): skipped for its type, found
        (the lowest-numbered version of its identity in the target), new, or the same as
        a new one; the number and id of each new version; its producer if the target
        has that run."""
        with self.transaction() as conn:
            for sql in (
                "UPDATE temp.merge_versions SET pid = (SELECT id FROM main.projects p "
                "WHERE p.entity = merge_versions.entity AND p.name = merge_versions.pname)",
                "CREATE INDEX temp.merge_versions_key ON merge_versions (pid, name, digest)",
                # A collection's type: the target's, else that of its first version; the
                # first free number of each.
                "INSERT INTO temp.merge_kinds SELECT a.project_id, a.name, t.name, "
                "(SELECT coalesce(MAX(v.idx) + 1, 0) FROM main.versions v "
                "WHERE v.artifact_id = a.id) "
                "FROM main.artifacts a JOIN main.artifact_types t ON t.id = a.type_id "
                "WHERE EXISTS (SELECT 1 FROM temp.merge_versions m WHERE m.pid = a.project_id "
                "AND m.name = a.name)",
                "INSERT OR IGNORE INTO temp.merge_kinds SELECT pid, name, type, 0 "
                "FROM temp.merge_versions ORDER BY seq",
                f"UPDATE temp.merge_versions SET kind = {SKIPPED} WHERE type != (SELECT k.type "
                "FROM temp.merge_kinds k WHERE k.pid = merge_versions.pid "
                "AND k.name = merge_versions.name)",
                FOUND_SQL,
                f"UPDATE temp.merge_versions SET kind = {FOUND} WHERE tid IS NOT NULL",
                # The first of each identity is new: numbers continue its collection's, ids
                # the target's, in creation order; the others are the same as it.
                "INSERT INTO temp.merge_ranks SELECT seq, first, CASE WHEN first THEN "
                "ROW_NUMBER() OVER (PARTITION BY pid, name, first ORDER BY seq) - 1 + head END, "
                "CASE WHEN first THEN ROW_NUMBER() OVER (PARTITION BY first ORDER BY seq) + "
                "(SELECT coalesce(MAX(id), 0) FROM main.versions) END FROM (SELECT m.seq, m.pid, "
                "m.name, k.head, ROW_NUMBER() OVER (PARTITION BY m.pid, m.name, m.digest ORDER "
                "BY m.seq) = 1 AS first FROM temp.merge_versions m JOIN temp.merge_kinds k ON "
                "k.pid = m.pid AND k.name = m.name WHERE m.kind IS NULL)",
                f"UPDATE temp.merge_versions SET kind = CASE WHEN r.first THEN {NEW} "
                f"ELSE {AS_NEW} END, number = r.number, tid = r.tid FROM temp.merge_ranks r "
                "WHERE merge_versions.seq = r.seq",
                "UPDATE temp.merge_versions SET tid = (SELECT m.tid FROM temp.merge_versions m "
                f"WHERE m.pid = merge_versions.pid AND m.name = merge_versions.name AND "
                f"m.digest = merge_versions.digest AND m.kind = {NEW}) WHERE kind = {AS_NEW}",
                "UPDATE temp.merge_versions SET producer = run_id WHERE run_id IN "
                f"(SELECT id FROM main.runs) AND kind = {NEW}",
                "CREATE INDEX temp.merge_versions_tid ON merge_versions (tid)",
            ):
                conn.execute(sql)

    def merge_version_notes(self) -> list[tuple[Any, ...]]:
        """What the report says of planned versions, by creation order: ``(seq, kind,
        source, name, number, type, collection's type, run id, number in the target)``
        of skipped ones, new ones renumbered, new ones whose producer the target lacks."""
        return [tuple(row) for row in self._conn.execute(
            "SELECT m.seq, m.kind, m.n, m.name, m.idx, m.type, k.type, "
            "CASE WHEN m.producer IS NULL THEN m.run_id END, m.number "
            "FROM temp.merge_versions m JOIN temp.merge_kinds k ON k.pid = m.pid "
            f"AND k.name = m.name WHERE m.kind = {SKIPPED} OR (m.kind = {NEW} AND "
            "(m.number != m.idx OR (m.run_id IS NOT NULL AND m.producer IS NULL))) "
            "ORDER BY m.seq")]

    def merge_version_counts(self) -> dict[int, int]:
        """How many noted versions are of each kind."""
        return {int(kind): int(count) for kind, count in self._conn.execute(
            "SELECT kind, COUNT(*) FROM temp.merge_versions GROUP BY kind")}

    def merge_new_blobs(self, schema: str, number: int) -> Iterator[tuple[int, list[str]]]:
        """``(source version id, digests)`` of the stored entries (no reference) of each
        new version of a source, by creation order."""
        current: int | None = None
        digests: list[str] = []
        for sid, digest in self._conn.execute(
                f"SELECT m.sid, e.digest FROM temp.merge_versions m JOIN {schema}.manifest e "
                f"ON e.version_id = m.sid WHERE m.n = ? AND m.kind = {NEW} AND e.ref IS NULL "
                "ORDER BY m.seq, e.path", (number,)):
            if sid != current:
                if current is not None:
                    yield current, digests
                current, digests = sid, []
            digests.append(digest)
        if current is not None:
            yield current, digests

    def merge_write_versions(self, schemas: Sequence[str]) -> None:
        """Write the new versions as ``append_versions`` would: their collections (type
        and description of the first), rows, manifests, tags (also those of found
        versions), producers' edges and referenced folders."""
        with self.transaction() as conn:
            for pid, name, type_name, description, created in conn.execute(
                    "SELECT pid, name, type, description, created FROM temp.merge_versions m "
                    f"WHERE kind = {NEW} AND NOT EXISTS (SELECT 1 FROM main.artifacts a "
                    "WHERE a.project_id = m.pid AND a.name = m.name) "
                    "GROUP BY pid, name HAVING seq = MIN(seq) ORDER BY seq").fetchall():
                self._artifact_id(conn, pid, name, self._type_id(conn, pid, type_name),
                                  description, created)
            for number, s in enumerate(schemas):
                conn.execute(
                    "INSERT INTO main.versions (id, artifact_id, idx, digest, description, "
                    "metadata, size, file_count, created_at, run_id) SELECT m.tid, a.id, "
                    "m.number, m.digest, v.description, v.metadata, CASE WHEN v.source_id IS "
                    f"NULL THEN (SELECT coalesce(SUM(e.size), 0) FROM {s}.manifest e WHERE "
                    "e.version_id = v.id) ELSE v.size END, CASE WHEN v.source_id IS NULL THEN "
                    f"(SELECT COUNT(*) FROM {s}.manifest e WHERE e.version_id = v.id) ELSE "
                    "v.file_count END, m.created, m.producer FROM temp.merge_versions m "
                    f"JOIN {s}.versions v ON v.id = m.sid JOIN main.artifacts a ON "
                    f"a.project_id = m.pid AND a.name = m.name WHERE m.n = ? AND m.kind = {NEW} "
                    "ORDER BY m.seq", (number,))
                conn.execute(
                    "INSERT INTO main.manifest (version_id, path, digest, size, ref) SELECT "
                    f"m.tid, e.path, e.digest, e.size, e.ref FROM temp.merge_versions m JOIN "
                    f"{s}.manifest e ON e.version_id = m.sid WHERE m.n = ? AND m.kind = {NEW}",
                    (number,))
                conn.execute(
                    "INSERT OR IGNORE INTO main.version_tags (version_id, tag) SELECT m.tid, "
                    f"t.tag FROM temp.merge_versions m JOIN {s}.version_tags t ON "
                    "t.version_id = m.sid WHERE m.n = ? AND m.tid IS NOT NULL", (number,))
                conn.execute(
                    "INSERT INTO main.reference_folders (version_id, prefix, uri) SELECT "
                    f"m.tid, f.prefix, f.uri FROM temp.merge_versions m JOIN "
                    f"{s}.reference_folders f ON f.version_id = m.sid WHERE m.n = ? "
                    f"AND m.kind = {NEW} ON CONFLICT DO NOTHING", (number,))
            conn.execute(
                "INSERT OR IGNORE INTO main.outputs (run_id, version_id, logged_at) SELECT "
                f"producer, tid, created FROM temp.merge_versions WHERE kind = {NEW} "
                "AND producer IS NOT NULL ORDER BY seq")

    def merge_version_map(self) -> Iterator[tuple[int, int, int, int]]:
        """``(source, source version id, target version id, kind)`` of every version
        the merge placed."""
        return ((row[0], row[1], row[2], row[3]) for row in self._conn.execute(
            "SELECT n, sid, tid, kind FROM temp.merge_versions WHERE tid IS NOT NULL"))

    def merge_version_states(self) -> list[tuple[Any, ...]]:
        """``(source, source version id, name, number, source_id, deleted_at,
        deleted_by)`` of placed versions that are links or tombstones, by source and in
        ``version_cells``' order."""
        return [tuple(row) for row in self._conn.execute(
            "SELECT n, sid, name, idx, source_id, deleted_at, deleted_by "
            "FROM temp.merge_versions WHERE tid IS NOT NULL AND (source_id IS NOT NULL "
            "OR deleted_at IS NOT NULL) ORDER BY n, created, name, idx")]

    # ------------------------------------------------------------------ edges
    def merge_outputs_sql(self, schemas: Sequence[str]) -> int:
        """Every output edge of the sources onto placed versions, from runs of the
        sources, in the order they were logged (a version without a producer gets the
        first); the number that were new."""
        with self.transaction() as conn:
            for number, s in enumerate(schemas):
                conn.execute(
                    "INSERT INTO temp.merge_edges (logged, n, run_id, sid, tid) SELECT "
                    f"o.logged_at, ?, o.run_id, o.version_id, m.tid FROM {s}.outputs o JOIN "
                    f"{s}.runs r ON r.id = o.run_id JOIN temp.merge_versions m ON m.n = ? "
                    "AND m.sid = o.version_id AND m.tid IS NOT NULL "
                    "WHERE +o.run_id IN (SELECT id FROM temp.merge_runs)", (number, number))
            conn.execute("CREATE INDEX temp.merge_edges_tid ON merge_edges "
                         "(tid, logged, n, run_id, sid)")
            order = "ORDER BY logged, n, run_id, sid"
            added = conn.execute(
                "INSERT OR IGNORE INTO main.outputs (run_id, version_id, logged_at) "
                f"SELECT run_id, tid, logged FROM temp.merge_edges {order}").rowcount
            conn.execute(
                "UPDATE main.versions SET run_id = (SELECT e.run_id FROM temp.merge_edges e "
                f"WHERE e.tid = versions.id {order} LIMIT 1) WHERE run_id IS NULL "
                "AND id IN (SELECT tid FROM temp.merge_edges)")
            return max(added, 0)

    def merge_usages_sql(self, schemas: Sequence[str]) -> int:
        """Every usage of the sources of a placed version by a run of the sources, each
        once (the first wins, source by source in time order); the number that were new."""
        added = 0
        with self.transaction() as conn:
            for number, s in enumerate(schemas):
                added += max(conn.execute(
                    "INSERT OR IGNORE INTO main.usages (run_id, version_id, used_at) SELECT "
                    f"u.run_id, m.tid, u.used_at FROM {s}.usages u JOIN {s}.runs r ON "
                    "r.id = u.run_id JOIN temp.merge_versions m ON m.n = ? "
                    "AND m.sid = u.version_id AND m.tid IS NOT NULL "
                    "WHERE +u.run_id IN (SELECT id FROM temp.merge_runs) "
                    "ORDER BY u.used_at, u.run_id, u.version_id", (number,)).rowcount, 0)
        return added


    # ------------------------------------------------------------------ histories
    def merge_alias_history(self, schema: str, number: int) -> None:
        """``carry_histories`` of a source's alias moves and removals (as ``histories``
        reads them) on the placed versions: an author for a move recorded without one,
        the moves and removals the target lacks, each once, in the source's order."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM temp.merge_moves")
            conn.execute(
                "INSERT INTO temp.merge_moves (vid, aid, alias, set_at, author, removed) "
                "SELECT m.tid, (SELECT v.artifact_id FROM main.versions v WHERE v.id = m.tid), "
                "h.alias, h.set_at, h.author, h.version_id IS NULL "
                f"FROM {schema}.alias_history h JOIN temp.merge_versions m ON m.n = ? AND "
                f"m.sid = coalesce(h.version_id, (SELECT MIN(v.id) FROM {schema}.versions v "
                "WHERE v.artifact_id = h.artifact_id)) AND m.tid IS NOT NULL "
                "ORDER BY h.set_at, h.id", (number,))
            # the first author given to a move, as one UPDATE per move in order would
            conn.execute(
                "UPDATE main.alias_history SET author = x.author FROM (SELECT vid, aid, alias, "
                "set_at, author, MIN(ord) FROM temp.merge_moves WHERE NOT removed AND author "
                "IS NOT NULL GROUP BY vid, alias, set_at) x WHERE alias_history.author IS NULL "
                "AND alias_history.artifact_id = x.aid AND alias_history.alias = x.alias "
                "AND alias_history.set_at = x.set_at AND alias_history.version_id = x.vid")
            conn.execute(
                "INSERT INTO main.alias_history (artifact_id, alias, version_id, set_at, author) "
                "SELECT aid, alias, vid, set_at, author FROM (SELECT aid, alias, vid, set_at, "
                "author, MIN(ord) AS first FROM temp.merge_moves WHERE NOT removed "
                "GROUP BY vid, alias, set_at) g WHERE NOT EXISTS (SELECT 1 FROM "
                "main.alias_history h WHERE h.artifact_id = g.aid AND h.alias = g.alias AND "
                "h.set_at = g.set_at AND h.version_id = g.vid) ORDER BY first")
            conn.execute(
                "INSERT INTO main.alias_history (artifact_id, alias, version_id, set_at, author) "
                "SELECT aid, alias, NULL, set_at, author FROM (SELECT aid, alias, set_at, "
                "author, MIN(ord) AS first FROM temp.merge_moves WHERE removed "
                "GROUP BY aid, alias, set_at) g WHERE NOT EXISTS (SELECT 1 FROM "
                "main.alias_history h WHERE h.artifact_id = g.aid AND h.alias = g.alias AND "
                "h.set_at = g.set_at AND h.version_id IS NULL) ORDER BY first")

    def merge_edits(self, schema: str, number: int) -> list[tuple[int, str, str | None, str,
                                                                   str | None]]:
        """A source's recorded edits (as ``histories`` reads them) on the placed
        versions, oldest first."""
        return [(int(row[0]), str(row[1]), row[2], str(row[3]), row[4]) for row in
                self._conn.execute(
                    "SELECT m.tid, e.field, e.value, e.changed_at, e.author FROM "
                    f"{schema}.version_edits e JOIN temp.merge_versions m ON m.n = ? "
                    "AND m.sid = e.version_id AND m.tid IS NOT NULL "
                    "ORDER BY e.changed_at, e.id", (number,))]


__all__ = ["AS_NEW", "FOUND", "NEW", "SKIPPED", "MergeSqlMixin"]
