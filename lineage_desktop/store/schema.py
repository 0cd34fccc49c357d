"""Schema and numbered migrations.

The file identifies itself with ``PRAGMA application_id`` and records its schema version
in ``PRAGMA user_version``. Each migration runs in its own transaction; a file written by
a newer version is refused before anything is changed.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import cast

from lineage_desktop.records import NotALineageStore, SchemaTooNew
from lineage_desktop.store.params import dialect_of

APPLICATION_ID = 0x4C4E4744  # "LNGD"

_V1 = """
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (entity, name)
);
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    job_type TEXT,
    group_name TEXT,
    author TEXT,
    host TEXT,
    state TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    config TEXT NOT NULL DEFAULT '{}',
    notes TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    exit_code INTEGER
);
CREATE INDEX runs_project_started ON runs (project_id, started_at);
CREATE TABLE artifact_types (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    UNIQUE (project_id, name)
);
CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    type_id INTEGER NOT NULL REFERENCES artifact_types(id),
    name TEXT NOT NULL,
    description TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (project_id, name)
);
CREATE INDEX artifacts_type ON artifacts (type_id);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
    idx INTEGER NOT NULL,
    digest TEXT NOT NULL,
    description TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    size INTEGER NOT NULL DEFAULT 0,
    file_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    run_id TEXT REFERENCES runs(id),
    state TEXT NOT NULL DEFAULT 'COMMITTED',
    UNIQUE (artifact_id, idx)
);
CREATE INDEX versions_digest ON versions (artifact_id, digest);
CREATE INDEX versions_run ON versions (run_id);
CREATE TABLE aliases (
    artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
    alias TEXT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    PRIMARY KEY (artifact_id, alias)
) WITHOUT ROWID;
CREATE INDEX aliases_version ON aliases (version_id);
CREATE TABLE version_tags (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (version_id, tag)
) WITHOUT ROWID;
CREATE TABLE manifest (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    path TEXT NOT NULL,
    digest TEXT NOT NULL,
    size INTEGER NOT NULL,
    ref TEXT,
    PRIMARY KEY (version_id, path)
) WITHOUT ROWID;
CREATE TABLE usages (
    run_id TEXT NOT NULL REFERENCES runs(id),
    version_id INTEGER NOT NULL REFERENCES versions(id),
    used_at TEXT NOT NULL,
    PRIMARY KEY (run_id, version_id)
) WITHOUT ROWID;
CREATE INDEX usages_version ON usages (version_id, run_id);
"""

# Alias history makes "lineage as of a time" possible: every alias move is an event.
_V2 = """
CREATE TABLE alias_history (
    id INTEGER PRIMARY KEY,
    artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
    alias TEXT NOT NULL,
    version_id INTEGER REFERENCES versions(id),
    set_at TEXT NOT NULL
);
CREATE INDEX alias_history_lookup ON alias_history (artifact_id, alias, set_at);
INSERT INTO alias_history (artifact_id, alias, version_id, set_at)
    SELECT a.artifact_id, a.alias, a.version_id, v.created_at
    FROM aliases a JOIN versions v ON v.id = a.version_id;
"""

# Which process records a run: a run left "running" by a killed process on this host is
# shown (and, by the next writer, recorded) as "crashed".
_V3 = """
CREATE TABLE run_processes (
    run_id TEXT PRIMARY KEY REFERENCES runs(id),
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    process_start TEXT
);
"""

# Outputs as their own relation: a run that logs content equal to an existing version
# reuses the version, and still has its output edge. ``versions.run_id`` stays the first
# producer. Back-filled from ``versions.run_id`` as it was, dangling producers included
# (the migration runs with foreign keys off), so that the viewer still draws them.
_V4 = """
CREATE TABLE outputs (
    run_id TEXT NOT NULL REFERENCES runs(id),
    version_id INTEGER NOT NULL REFERENCES versions(id),
    logged_at TEXT NOT NULL,
    PRIMARY KEY (run_id, version_id)
) WITHOUT ROWID;
CREATE INDEX outputs_version ON outputs (version_id, run_id);
INSERT INTO outputs (run_id, version_id, logged_at)
    SELECT run_id, id, created_at FROM versions WHERE run_id IS NOT NULL
"""

# Indexes for per-call costs that do not grow with the store: a collection's versions in
# time order (imports number versions by event time, "as of" reads); collections by name
# across projects (references without a project); a project's most recently recorded run
# (``runs_project``: the rowid follows project_id, so ``ORDER BY rowid DESC LIMIT 1`` is
# one step; it numbers new runs); every project's runs in start order (``Api.runs`` pages
# without a project read the page, not the table).
_V5 = """
CREATE INDEX IF NOT EXISTS versions_created ON versions (artifact_id, created_at);
CREATE INDEX IF NOT EXISTS artifacts_name ON artifacts (name);
CREATE INDEX IF NOT EXISTS runs_project ON runs (project_id);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at)
"""

# What a training script records besides artifacts (W&B's ``run.log``, ``run.summary``,
# ``ld.save``): a compact metric history (one JSON row per step, keys as logged), the run's
# summary (last value per key unless set), and files saved with the run (content in the
# blob folder, like manifest entries).
_V6 = """
ALTER TABLE runs ADD COLUMN summary TEXT NOT NULL DEFAULT '{}';
CREATE TABLE run_history (
    run_id TEXT NOT NULL REFERENCES runs(id),
    step INTEGER NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
CREATE TABLE run_files (
    run_id TEXT NOT NULL REFERENCES runs(id),
    path TEXT NOT NULL,
    digest TEXT NOT NULL,
    size INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (run_id, path)
) WITHOUT ROWID
"""

# Run counts kept by triggers, in the transaction of every insert, delete or move of a run:
# per project, per day (``span`` 10, the first ten characters of ``started_at``) and per
# hour (``span`` 13). ``run_count`` adds a project's days, the hours of one day and counts
# the runs of one hour, instead of counting every run (a COUNT walks its index). Rebuilt
# from scratch: a file whose ``user_version`` was set back may have them already. A run
# without a start time or project (a damaged or hand-edited store) is counted under ''
# and 0: the triggers never refuse a write that the runs table accepts.
_V7 = """
DROP TRIGGER IF EXISTS run_counts_insert;
DROP TRIGGER IF EXISTS run_counts_delete;
DROP TRIGGER IF EXISTS run_counts_update;
DROP TABLE IF EXISTS run_counts;
CREATE TABLE run_counts (
    project_id INTEGER NOT NULL,
    span INTEGER NOT NULL,
    period TEXT NOT NULL,
    runs INTEGER NOT NULL,
    PRIMARY KEY (project_id, span, period)
) WITHOUT ROWID;
INSERT INTO run_counts (project_id, span, period, runs)
    SELECT coalesce(project_id, 0), 10, coalesce(substr(started_at, 1, 10), ''), COUNT(*)
    FROM runs GROUP BY 1, 3;
INSERT INTO run_counts (project_id, span, period, runs)
    SELECT coalesce(project_id, 0), 13, coalesce(substr(started_at, 1, 13), ''), COUNT(*)
    FROM runs GROUP BY 1, 3;
CREATE TRIGGER run_counts_insert AFTER INSERT ON runs BEGIN
    INSERT INTO run_counts (project_id, span, period, runs) VALUES
        (coalesce(NEW.project_id, 0), 10, coalesce(substr(NEW.started_at, 1, 10), ''), 1),
        (coalesce(NEW.project_id, 0), 13, coalesce(substr(NEW.started_at, 1, 13), ''), 1)
    ON CONFLICT DO UPDATE SET runs = runs + 1;
END;
CREATE TRIGGER run_counts_delete AFTER DELETE ON runs BEGIN
    UPDATE run_counts SET runs = runs - 1 WHERE project_id = coalesce(OLD.project_id, 0)
        AND span = 10 AND period = coalesce(substr(OLD.started_at, 1, 10), '');
    UPDATE run_counts SET runs = runs - 1 WHERE project_id = coalesce(OLD.project_id, 0)
        AND span = 13 AND period = coalesce(substr(OLD.started_at, 1, 13), '');
END;
CREATE TRIGGER run_counts_update AFTER UPDATE OF project_id, started_at ON runs
    WHEN OLD.project_id IS NOT NEW.project_id OR OLD.started_at IS NOT NEW.started_at BEGIN
    UPDATE run_counts SET runs = runs - 1 WHERE project_id = coalesce(OLD.project_id, 0)
        AND span = 10 AND period = coalesce(substr(OLD.started_at, 1, 10), '');
    UPDATE run_counts SET runs = runs - 1 WHERE project_id = coalesce(OLD.project_id, 0)
        AND span = 13 AND period = coalesce(substr(OLD.started_at, 1, 13), '');
    INSERT INTO run_counts (project_id, span, period, runs) VALUES
        (coalesce(NEW.project_id, 0), 10, coalesce(substr(NEW.started_at, 1, 10), ''), 1),
        (coalesce(NEW.project_id, 0), 13, coalesce(substr(NEW.started_at, 1, 13), ''), 1)
    ON CONFLICT DO UPDATE SET runs = runs + 1;
END
"""

# Edits, deletions and registry links of logged versions (W&B's ``artifact.save()``,
# ``delete()``, ``link()``), and the drafts of distributed versions. A version's current
# state is in its row; ``version_edits`` keeps every change (field, new value as JSON,
# when, by whom), the first one of a field preceded by its value as logged, so that "as
# of" reads what was there. A deleted version or collection keeps its row (a tombstone:
# ``deleted_at``, ``deleted_by``); a registry link is a version whose ``source_id`` is
# the version it points at. ``draft_entries`` holds the files that runs add to a
# distributed version (``upsert_artifact``) until ``finish_artifact`` logs it. Neither
# ``source_id`` nor a draft's ``run_id`` is a foreign key: a write of a run or version
# would scan for them (the integrity audit checks them instead).
_V8 = """
ALTER TABLE versions ADD COLUMN ttl INTEGER;
ALTER TABLE versions ADD COLUMN updated_at TEXT;
ALTER TABLE versions ADD COLUMN deleted_at TEXT;
ALTER TABLE versions ADD COLUMN deleted_by TEXT;
ALTER TABLE versions ADD COLUMN source_id INTEGER;
ALTER TABLE versions ADD COLUMN history_step INTEGER;
CREATE INDEX IF NOT EXISTS versions_source ON versions (source_id) WHERE source_id IS NOT NULL;
ALTER TABLE artifacts ADD COLUMN deleted_at TEXT;
ALTER TABLE artifacts ADD COLUMN deleted_by TEXT;
ALTER TABLE alias_history ADD COLUMN author TEXT;
CREATE TABLE IF NOT EXISTS version_edits (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    field TEXT NOT NULL,
    value TEXT,
    changed_at TEXT NOT NULL,
    author TEXT
);
CREATE INDEX IF NOT EXISTS version_edits_lookup ON version_edits (version_id, field, changed_at);
CREATE TABLE IF NOT EXISTS draft_entries (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    distributed_id TEXT NOT NULL,
    path TEXT NOT NULL,
    digest TEXT NOT NULL,
    size INTEGER NOT NULL,
    ref TEXT,
    run_id TEXT,
    added_at TEXT NOT NULL,
    PRIMARY KEY (project_id, name, distributed_id, path)
) WITHOUT ROWID;
-- Every run that upserted into a draft, even with content another run added already:
-- each gets an output edge to the finished version (issue 13, distributed artifacts).
CREATE TABLE IF NOT EXISTS draft_runs (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    distributed_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (project_id, name, distributed_id, run_id)
) WITHOUT ROWID
"""

# What a version's manifest cannot tell by itself. ``draft_aliases``: the aliases given to
# ``upsert_artifact``, which ``finish_artifact`` applies with its own (W&B sends each
# call's aliases to the one version the distributed id names), and ``draft_folders`` the
# folder references of the upserts, which the finished version keeps.
# ``reference_folders``: the local folders a version added as one reference
# (``add_reference("file:///folder")``), with the entry prefix of their files ('' without
# ``name=``), so that ``verify`` looks for files added to such a folder even when its
# entries lie at the artifact's top level.
# Plain tables and SQL that PostgreSQL reads alike.
_V9 = """
CREATE TABLE IF NOT EXISTS draft_aliases (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    distributed_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (project_id, name, distributed_id, alias)
);
CREATE TABLE IF NOT EXISTS draft_folders (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    distributed_id TEXT NOT NULL,
    prefix TEXT NOT NULL,
    uri TEXT NOT NULL,
    PRIMARY KEY (project_id, name, distributed_id, prefix, uri)
);
CREATE TABLE IF NOT EXISTS reference_folders (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    prefix TEXT NOT NULL,
    uri TEXT NOT NULL,
    PRIMARY KEY (version_id, prefix, uri)
)
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9)
LATEST = len(MIGRATIONS)
OUTPUTS_SINCE = 4  # the first schema with the ``outputs`` table
RUN_DATA_SINCE = 6  # the first schema with run history, summary and saved files
RUN_COUNTS_SINCE = 7  # the first schema whose triggers keep ``run_counts``
EDITS_SINCE = 8  # the first schema with edits, tombstones, links and distributed drafts
FOLDERS_SINCE = 9  # the first schema with draft aliases and referenced folders
EXPECTED_TABLES = frozenset(
    {"projects", "runs", "artifact_types", "artifacts", "versions", "aliases", "manifest",
     "usages", "version_tags"}
)
# Tables a reader requires only from the schema version that created them: a reader
# cannot migrate, and an older store must stay readable.
TABLES_SINCE: dict[int, frozenset[str]] = {
    OUTPUTS_SINCE: frozenset({"outputs"}),
    RUN_DATA_SINCE: frozenset({"run_history", "run_files"}),
    EDITS_SINCE: frozenset({"version_edits", "draft_entries"}),
    FOLDERS_SINCE: frozenset({"draft_aliases", "draft_folders", "reference_folders"}),
}


def check_identity(conn: sqlite3.Connection, path: Path, writable: bool) -> None:
    """Refuse a SQLite file that is not ours, or one from a newer schema, untouched."""
    # One statement, so one snapshot: read one by one, another process creating the store
    # meanwhile could show its tables before its identity (a store "not ours").
    app_id, version, listed = conn.execute(
        "SELECT (SELECT application_id FROM pragma_application_id()), "
        "(SELECT user_version FROM pragma_user_version()), "
        "(SELECT json_group_array(name) FROM sqlite_master WHERE type = 'table')").fetchone()
    if app_id != APPLICATION_ID:
        tables = [str(name) for name in json.loads(listed)]
        if writable and not tables and version == 0:
            return  # an empty SQLite file: ours to initialise
        raise NotALineageStore(
            f"{path} is an SQLite database but not a lineage store"
            + (f" (tables: {', '.join(sorted(tables)[:5])})" if tables else "")
        )
    if version > LATEST:
        raise SchemaTooNew(
            f"{path} was written by a newer lineage_desktop (schema {version}, this version "
            f"reads up to {LATEST}); upgrade lineage_desktop to open it"
        )


def check_readable(conn: sqlite3.Connection, path: Path) -> None:
    """A reader cannot migrate: refuse a store whose tables are not all there."""
    tables = set(table_names(conn))
    version = schema_version(conn)
    expected = EXPECTED_TABLES.union(
        *(names for since, names in TABLES_SINCE.items() if version >= since))
    missing = expected - tables
    if missing:
        raise NotALineageStore(f"{path} is damaged: tables missing: {', '.join(sorted(missing))}")


def table_names(conn: sqlite3.Connection) -> list[str]:
    """The tables of the file (what ``sqlite_utils.Database.table_names`` reads)."""
    return [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def schema_version(conn: sqlite3.Connection) -> int:
    if dialect_of(conn) == "postgresql":  # a team store (``store.pg``)
        return cast(int, conn.schema_version())  # type: ignore[attr-defined]
    return cast(int, conn.execute("PRAGMA user_version").fetchone()[0])


def has_outputs(conn: sqlite3.Connection) -> bool:
    """Whether the store has the ``outputs`` relation (older ones: ``versions.run_id``)."""
    return schema_version(conn) >= OUTPUTS_SINCE


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply every pending migration, each in its own immediate transaction.

    Foreign keys are off meanwhile (SQLite's advice for schema changes): a back-fill
    copies references as they are, and a damaged reference must not stop a writer.
    """
    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        _migrate(conn, path)
    finally:
        conn.execute(f"PRAGMA foreign_keys={int(foreign_keys)}")


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            check_identity(conn, path, writable=True)
            current = schema_version(conn)
            if current >= LATEST:
                conn.execute("COMMIT")
                return
            for statement in _split(MIGRATIONS[current]):
                _apply(conn, statement)
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite rolls back by itself after some errors (disk full)
                conn.execute("ROLLBACK")
            raise


def _apply(conn: sqlite3.Connection, statement: str) -> None:
    # A file whose ``user_version`` was set back may have a migration's columns already
    # (SQLite has no ``ADD COLUMN IF NOT EXISTS``): the column is there, as asked.
    try:
        conn.execute(statement)
    except sqlite3.OperationalError as exc:
        if not (" ADD COLUMN " in statement and "duplicate column name" in str(exc)):
            raise


def _split(script: str) -> list[str]:
    # executescript() would COMMIT our transaction; run statement by statement instead
    # (a trigger's body holds ";": a piece ends a statement once SQLite calls it complete).
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip("; \n"):
                statements.append(pending.strip().rstrip(";"))
            pending = ""
    return statements
