"""Bulk reads and writes for merges, big imports and the demo: one query or one
``executemany`` per table instead of a round trip (and a transaction) per record.

``Store`` methods like every other query, so that they pass the store's one
error-translation point; ``NewVersion`` is the value ``append_versions`` takes.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lineage_desktop.records import ManifestEntry, Run, TypeMismatch
from lineage_desktop.store.bulk_cells import CellsMixin
from lineage_desktop.store.edits import _KINDS as EDIT_KINDS
from lineage_desktop.store.params import dialect_of, keys_table
from lineage_desktop.store.run_counts import counted_at_end
from lineage_desktop.store.schema import EDITS_SINCE, FOLDERS_SINCE, schema_version
from lineage_desktop.store.writes import WriteMixin, _dumps


# Not frozen: one is made per version of a bulk write, and a frozen class's __init__
# is several times as slow.
@dataclass(slots=True)
class NewVersion:
    """A version for ``append_versions``: what ``log_version`` takes, as one value.

    ``run_id`` is its first producer (with an output edge logged at ``created_at``);
    ``aliases`` move to it at ``created_at``; ``files`` are ``(digest, local path)``
    pairs copied into the blob folder. ``size`` and ``file_count`` default to what
    ``entries`` add up to; an import gives them when the other tool recorded a folder's
    totals without listing its files (DVC's ``nfiles`` of a ``.dir`` output).
    """

    project_id: int
    name: str
    type: str
    digest: str
    entries: Sequence[ManifestEntry]
    created_at: str
    description: str | None = None
    metadata: Mapping[str, Any] | str = field(default_factory=dict)  # or its JSON text
    tags: Sequence[str] = ()
    run_id: str | None = None
    aliases: Sequence[str] = ()
    files: Sequence[tuple[str, str]] = ()
    size: int | None = None
    file_count: int | None = None


class BulkMixin(CellsMixin, WriteMixin):
    """Many rows at once: manifests, digests, heads and run ids read in one query each;
    runs, versions, aliases, edges and tags written in one ``executemany`` each."""

    def hold_pages(self, megabytes: int) -> int:
        """Let this connection keep up to ``megabytes`` of the file's pages in memory (the
        previous limit is returned, in megabytes). A bulk writer's big transaction then
        touches each page of a randomly keyed index (run ids, digests) once, and writes
        it once, instead of reading and writing it again for every few rows. (A team
        store's server manages its own buffers: nothing to set.)"""
        if dialect_of(self._conn) == "postgresql":
            return int(megabytes)
        previous = self._conn.execute("PRAGMA cache_size").fetchone()[0]
        self._conn.execute(f"PRAGMA cache_size={-1024 * int(megabytes)}")
        # A positive setting counts pages, a negative one KiB.
        page = self._conn.execute("PRAGMA page_size").fetchone()[0]
        return int(-previous // 1024 if previous < 0 else previous * page // 2**20)

    def versions_with_digests(
        self, keys: Iterable[tuple[int, str, str]]
    ) -> dict[tuple[int, str, str], tuple[int, tuple[str, ...]]]:
        """For each ``(project id, artifact name, digest)`` that a version has: ``(version
        id, its tags)`` of the lowest-numbered such version (what ``version_by_digest``
        finds), in one query over the ``versions_digest`` index."""
        keyed, params = keys_table(self._conn, keys, ("BIGINT", "TEXT", "TEXT"))
        rows = self._conn.execute(
            f"WITH k(p, n, d) AS ({keyed}) "
            "SELECT k.p, k.n, k.d, v.id, v.idx FROM k "
            "JOIN artifacts a ON a.project_id = k.p AND a.name = k.n "
            "JOIN versions v ON v.artifact_id = a.id AND v.digest = k.d", params).fetchall()
        lowest: dict[tuple[int, str, str], tuple[int, int]] = {}
        for project_id, name, digest, version_id, index in rows:
            key = (project_id, name, digest)
            if key not in lowest or index < lowest[key][1]:
                lowest[key] = (version_id, index)
        tags = self._tags_of([version_id for version_id, _ in lowest.values()])
        return {key: (version_id, tuple(tags.get(version_id, ())))
                for key, (version_id, _) in lowest.items()}

    def _tags_of(self, version_ids: Sequence[int]) -> dict[int, list[str]]:
        tags: dict[int, list[str]] = defaultdict(list)
        for version_id, tag in self._conn.execute(
                "SELECT version_id, tag FROM version_tags WHERE version_id IN "
                "(SELECT value FROM json_each(?)) ORDER BY tag", (json.dumps(version_ids),)):
            tags[version_id].append(tag)
        return tags

    def artifact_heads(
        self, keys: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[str, int]]:
        """``(type, next free version number)`` of each ``(project id, name)`` that exists."""
        keyed, params = keys_table(self._conn, keys, ("BIGINT", "TEXT"))
        return {(project_id, name): (kind, head) for project_id, name, kind, head in
                self._conn.execute(
                    f"WITH k(p, n) AS ({keyed}) SELECT k.p, k.n, t.name, "
                    "(SELECT COALESCE(MAX(v.idx) + 1, 0) FROM versions v "
                    "WHERE v.artifact_id = a.id) FROM k "
                    "JOIN artifacts a ON a.project_id = k.p AND a.name = k.n "
                    "JOIN artifact_types t ON t.id = a.type_id", params)}

    def existing_run_ids(self, run_ids: Iterable[str]) -> set[str]:
        """Which of ``run_ids`` the store has."""
        return {row[0] for row in self._conn.execute(
            "SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(run_ids)),))}

    def insert_runs(self, runs: Iterable[tuple[int, Run]]) -> None:
        """Record ``(project id, run)`` pairs as ``insert_run`` does (importers' form: no
        process is noted), in one statement."""
        self.insert_run_cells(
            (project_id, (run.id, run.project, run.entity, run.name, run.job_type, run.group,
                          run.author, run.host, run.state, run.started_at, run.finished_at,
                          _dumps(run.config), run.notes, json.dumps(list(run.tags)),
                          run.exit_code, None, None, "{}")) for project_id, run in runs)

    def insert_run_cells(self, runs: Iterable[tuple[int, Sequence[Any]]]) -> None:
        """``insert_runs`` of ``(project id, cells)``: the cells as ``run_cells`` reads
        them, config, tags and summary as JSON text."""
        rows = [(cells[0], project_id, *cells[3:15], cells[17]) for project_id, cells in runs]
        with self.transaction() as conn, counted_at_end(conn, (row[0] for row in rows)):
            conn.executemany(
                "INSERT INTO runs (id, project_id, name, job_type, group_name, author, host, "
                "state, started_at, finished_at, config, notes, tags, exit_code, summary) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def carry_version_states(
        self, rows: Iterable[tuple[int, int | None, str | None, str | None]]
    ) -> None:
        """For a merge: ``(version id, source version id, deleted_at, deleted_by)`` of
        versions another store linked or deleted. A link keeps the target's own source
        once set; a tombstone the first deletion recorded."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE versions SET source_id = coalesce(source_id, ?2), "
                "deleted_by = CASE WHEN deleted_at IS NULL THEN ?4 ELSE deleted_by END, "
                "deleted_at = coalesce(deleted_at, ?3) WHERE id = ?1",
                [tuple(row) for row in rows])

    def histories(self) -> tuple[list[tuple[int, str, str, str | None, bool]],
                                 list[tuple[int, str, str | None, str, str | None]]]:
        """For a merge: every alias move ``(version id, alias, set at, author, removed)``
        (a removal names the collection's first version) and every recorded edit
        ``(version id, field, value, changed at, author)``, oldest first (a store before
        schema 8 has neither authors nor edits)."""
        edits_kept = schema_version(self._conn) >= EDITS_SINCE
        author = "h.author" if edits_kept else "NULL"
        moves = [(int(r[0]), str(r[1]), str(r[2]), r[3], bool(r[4])) for r in self._conn.execute(
            "SELECT COALESCE(h.version_id, (SELECT MIN(v.id) FROM versions v "
            f"WHERE v.artifact_id = h.artifact_id)), h.alias, h.set_at, {author}, "
            "CASE WHEN h.version_id IS NULL THEN 1 ELSE 0 END FROM alias_history h "
            "ORDER BY h.set_at, h.id") if r[0] is not None]
        edits = [tuple(r) for r in self._conn.execute(
            "SELECT version_id, field, value, changed_at, author FROM version_edits "
            "ORDER BY changed_at, id")] if edits_kept else []
        return moves, edits

    def carry_histories(self, moves: Iterable[tuple[int, str, str, str | None, bool]],
                        edits: Iterable[tuple[int, str, str | None, str, str | None]]) -> int:
        """For a merge: alias moves and removals, with their authors, and edits (as
        ``histories`` reads them, on this store's version ids) added to the history
        unless already there (a move recorded without its author gets it), so that "as
        of" reads of the merged store show what each source showed. The current aliases
        are left alone (the merge sets them); an edited field takes the value of its
        newest edit, whichever store made it. Returns how many fields changed so."""
        moves, edits = list(moves), list(edits)
        placed = [(v, a, t, who) for v, a, t, who, removed in moves if not removed]
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE alias_history SET author = ?4 WHERE author IS NULL AND alias = ?2 "
                "AND set_at = ?3 AND version_id = ?1 AND artifact_id = "
                "(SELECT artifact_id FROM versions WHERE id = ?1)",
                [row for row in placed if row[3] is not None])
            conn.executemany(
                "INSERT INTO alias_history (artifact_id, alias, version_id, set_at, author) "
                "SELECT v.artifact_id, ?2, v.id, ?3, ?4 FROM versions v WHERE v.id = ?1 "
                "AND NOT EXISTS (SELECT 1 FROM alias_history h WHERE h.artifact_id = "
                "v.artifact_id AND h.alias = ?2 AND h.set_at = ?3 AND h.version_id = v.id)",
                placed)
            conn.executemany(
                "INSERT INTO alias_history (artifact_id, alias, version_id, set_at, author) "
                "SELECT v.artifact_id, ?2, NULL, ?3, ?4 FROM versions v WHERE v.id = ?1 "
                "AND NOT EXISTS (SELECT 1 FROM alias_history h WHERE h.artifact_id = "
                "v.artifact_id AND h.alias = ?2 AND h.set_at = ?3 AND h.version_id IS NULL)",
                [(v, a, t, who) for v, a, t, who, removed in moves if removed])
            conn.executemany(
                "INSERT INTO version_edits (version_id, field, value, changed_at, author) "
                "SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM version_edits e "
                "WHERE e.version_id = ?1 AND e.field = ?2 AND e.changed_at = ?4 "
                "AND e.value IS ?3)", edits)
            return sum(self._take_newest_edit(conn, version_id, field)
                       for version_id, field in dict.fromkeys((e[0], e[1]) for e in edits))

    def all_reference_folders(self) -> dict[int, list[tuple[str, str]]]:
        """For a merge: every version's folder references, in one query (none before
        schema 9)."""
        found: dict[int, list[tuple[str, str]]] = defaultdict(list)
        if schema_version(self._conn) >= FOLDERS_SINCE:
            for version_id, prefix, uri in self._conn.execute(
                    "SELECT version_id, prefix, uri FROM reference_folders "
                    "ORDER BY version_id, prefix, uri"):
                found[int(version_id)].append((str(prefix), str(uri)))
        return found

    def add_reference_folders(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """For a merge: ``(version id, entry prefix, file:// URI)`` folder references."""
        rows = list(rows)
        if rows:
            with self.transaction() as conn:
                conn.executemany(
                    "INSERT INTO reference_folders (version_id, prefix, uri) VALUES "
                    "(?, ?, ?) ON CONFLICT DO NOTHING", rows)

    @staticmethod
    def _take_newest_edit(conn: sqlite3.Connection, version_id: int, field: str) -> bool:
        """Set a version's ``field`` to its newest recorded edit; True if it changed. A
        cell that is not JSON of the field's kind (untrusted) leaves the field as it is."""
        row = conn.execute(
            "SELECT value, changed_at FROM version_edits WHERE version_id = ? AND field = ? "
            "ORDER BY changed_at DESC, id DESC LIMIT 1", (version_id, field)).fetchone()
        if row is None or field not in EDIT_KINDS or type(row[0]) is not str:
            return False
        try:
            value = json.loads(row[0])
        except ValueError:
            return False
        if not EDIT_KINDS[field](value):
            return False
        if field == "tags":
            current: Any = [r[0] for r in conn.execute(
                "SELECT tag FROM version_tags WHERE version_id = ? ORDER BY tag",
                (version_id,))]
            if current == sorted(set(value)):
                return False
            conn.execute("DELETE FROM version_tags WHERE version_id = ?", (version_id,))
            conn.executemany("INSERT INTO version_tags (version_id, tag) VALUES (?, ?)",
                             [(version_id, tag) for tag in sorted(set(value))])
        else:
            stored = _dumps(value) if field == "metadata" else value
            # ``field`` is one of EDIT_KINDS' names, never store text.
            current = conn.execute(f"SELECT {field} FROM versions WHERE id = ?",
                                   (version_id,)).fetchone()
            if current is None or current[0] == stored:
                return False
            conn.execute(f"UPDATE versions SET {field} = ? WHERE id = ?", (stored, version_id))
        conn.execute("UPDATE versions SET updated_at = ? WHERE id = ? AND "
                     "(updated_at IS NULL OR updated_at < ?)", (row[1], version_id, row[1]))
        return True

    def append_versions(self, versions: Sequence[NewVersion]) -> list[tuple[int, int]]:
        """Record new versions as ``log_version`` records a new one, in order, in one
        transaction; returns ``(version id, number)`` of each.

        The caller has checked that no version of the artifact has the digest (these are
        new versions; ``versions_with_digests`` finds the existing ones). A missing
        artifact is created with the type and description of its first version. The
        blobs of each version (``files``) are copied before the transaction, all or none.
        """
        for version in versions:  # as ``log_version`` each: all or none of a version's
            if version.files:     # (one call for all would check its list per file)
                self.blobs.put_files(version.files)
        with self.transaction() as conn:
            artifacts: dict[tuple[int, str], list[int]] = {}  # -> [artifact id, next idx]
            next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM versions").fetchone()[0]
            rows: list[tuple[object, ...]] = []
            entries: list[tuple[object, ...]] = []
            tags: list[tuple[int, str]] = []
            outputs: list[tuple[str, int, str]] = []
            moves: list[tuple[int, str, int, str]] = []
            placed: list[tuple[int, int]] = []
            for version in versions:
                key = (version.project_id, version.name)
                if key not in artifacts:
                    artifacts[key] = self._artifact_head(conn, version)
                head = artifacts[key]
                version_id, index = next_id, head[1]
                next_id, head[1] = next_id + 1, head[1] + 1
                placed.append((version_id, index))
                metadata = version.metadata
                rows.append((version_id, head[0], index, version.digest, version.description,
                             metadata if isinstance(metadata, str) else _dumps(dict(metadata)),
                             sum(e.size for e in version.entries) if version.size is None
                             else version.size,
                             len(version.entries) if version.file_count is None
                             else version.file_count,
                             version.created_at, version.run_id))
                entries.extend((version_id, e.path, e.digest, e.size, e.ref)
                               for e in version.entries)
                tags.extend((version_id, tag) for tag in version.tags)
                if version.run_id is not None:
                    outputs.append((version.run_id, version_id, version.created_at))
                moves.extend((head[0], alias, version_id, version.created_at)
                             for alias in dict.fromkeys(version.aliases))
            conn.executemany(
                "INSERT INTO versions (id, artifact_id, idx, digest, description, metadata, "
                "size, file_count, created_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows)
            conn.executemany("INSERT INTO manifest (version_id, path, digest, size, ref) "
                             "VALUES (?, ?, ?, ?, ?)", entries)
            conn.executemany("INSERT OR IGNORE INTO version_tags (version_id, tag) "
                             "VALUES (?, ?)", tags)
            conn.executemany("INSERT OR IGNORE INTO outputs (run_id, version_id, logged_at) "
                             "VALUES (?, ?, ?)", outputs)
            self._move_aliases(conn, moves)
        return placed

    def _artifact_head(self, conn: sqlite3.Connection, version: NewVersion) -> list[int]:
        """``[artifact id, next free number]``, creating the artifact if needed."""
        type_id = self._type_id(conn, version.project_id, version.type)
        artifact_id, existing_type = self._artifact_id(
            conn, version.project_id, version.name, type_id, version.description,
            version.created_at)
        if existing_type != type_id:
            raise TypeMismatch(f"artifact {version.name!r} has another type, cannot log it "
                               f"as {version.type!r}")
        index = conn.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM versions "
                             "WHERE artifact_id = ?", (artifact_id,)).fetchone()[0]
        return [artifact_id, index]

    @staticmethod
    def _move_aliases(conn: sqlite3.Connection,
                      moves: Sequence[tuple[int, str, int, str]]) -> None:
        # In order: the last move of an alias wins, as with one ``_set_aliases`` each.
        conn.executemany("INSERT OR REPLACE INTO aliases (artifact_id, alias, version_id) "
                         "VALUES (?, ?, ?)", [m[:3] for m in moves])
        conn.executemany("INSERT INTO alias_history (artifact_id, alias, version_id, set_at) "
                         "VALUES (?, ?, ?, ?)", moves)

    def move_aliases(self, moves: Iterable[tuple[int, str, str]]) -> None:
        """``(version id, alias, set at)`` moves, in order, as ``set_alias_at`` each."""
        moves = list(moves)
        with self.transaction() as conn:
            artifacts = dict(conn.execute(
                "SELECT id, artifact_id FROM versions WHERE id IN "
                "(SELECT value FROM json_each(?))",
                (json.dumps(list({m[0] for m in moves})),)))
            self._move_aliases(conn, [(artifacts[version_id], alias, version_id, set_at)
                                      for version_id, alias, set_at in moves])

    def add_outputs(self, edges: Iterable[tuple[str, int, str]]) -> int:
        """``(run id, version id, logged at)`` output edges, each once, in order, as
        ``add_output`` each (a version without a producer gets the first); the number
        that were new."""
        edges = list(edges)
        with self.transaction() as conn:
            added = conn.executemany(
                "INSERT OR IGNORE INTO outputs (run_id, version_id, logged_at) "
                "VALUES (?, ?, ?)", edges).rowcount
            conn.executemany("UPDATE versions SET run_id = ? WHERE id = ? AND run_id IS NULL",
                             [(run_id, version_id) for run_id, version_id, _ in edges])
            return max(added, 0)

    def add_usages(self, usages: Iterable[tuple[str, int, str]]) -> int:
        """``(run id, version id, used at)`` usages, each once (the first wins); the number
        that were new."""
        with self.transaction() as conn:
            return max(conn.executemany(
                "INSERT OR IGNORE INTO usages (run_id, version_id, used_at) VALUES (?, ?, ?)",
                list(usages)).rowcount, 0)

    def add_tags(self, tags: Iterable[tuple[int, str]]) -> None:
        """``(version id, tag)`` pairs (tags a version already has are left alone)."""
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO version_tags (version_id, tag) "
                             "VALUES (?, ?)", list(tags))
