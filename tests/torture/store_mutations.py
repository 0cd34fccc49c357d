"""A deterministic corpus of damaged copies of one realistic store.

``build_master`` writes a small demo project through the SDK (plus a run whose texts hold
HTML and terminal escape codes); ``make_corpus`` copies it into many mutated stores:
bytes flipped in pages, truncations (inside the header, at and between page boundaries),
pages zeroed or filled with garbage, a damaged ``-wal``, and SQL-level edits made with
plain sqlite3 (odd JSON cells, NULL and wrong-typed keys, invalid UTF-8, huge strings,
duplicate aliases, cycles, dropped tables and indexes, renamed columns).

Every mutant is a ``Mutant`` with a unique label; the same seed gives the same corpus.
"""
from __future__ import annotations

import os
import random
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PAGE = 4096
DEEP = 100_000  # nesting levels of the deeply nested JSON cells
HUGE = 2_000_000  # characters of the huge strings


@dataclass(frozen=True)
class Master:
    path: Path
    focus: str  # a version reference with upstream and downstream lineage
    other: str  # another version of the same artifact (for diff)
    run_id: str  # the run that logged the focus version
    wal: Path  # a copy of the store with un-checkpointed changes in its -wal


@dataclass(frozen=True)
class Mutant:
    label: str
    kind: str  # "bytes", "truncate", "zero", "wal", "sql"
    path: Path


def build_master(folder: Path) -> Master:
    """The demo project (30 runs) plus a run with HTML and escape codes in its texts."""
    import lineage_desktop as ld
    from lineage_desktop.demo import write_demo
    from lineage_desktop.sdk.stores import _close_all

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "master.db"
    write_demo(path, runs=30)
    with ld.init(project="churn", entity="acme", name="odd-texts", job_type="audit",
                 store=path, notes="<script>alert(1)</script>",
                 config={"html": "<b>bold</b>", "deep": {"a": [1]}},
                 tags=["<i>tag</i>"]) as run:
        run.use_artifact("churn-model:production")
        note = ld.Artifact("audit-note", "report", description="<h1>Title</h1>",
                           metadata={"<k>": "<v>", "nested": {"x": [1, {"y": None}]}})
        with note.new_file("note.txt") as handle:
            handle.write("<b>not bold</b>\n")
        run.log_artifact(note, aliases=["reviewed"])
    _close_all()
    # Terminal escape codes, which the SDK refuses in some fields but another tool may
    # write anywhere.
    conn = sqlite3.connect(path)
    esc = "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J"
    with conn:
        conn.execute("UPDATE runs SET name = name || ?, notes = notes || ?, "
                     "tags = json_array('<i>tag</i>', ?), "
                     "config = json_set(config, '$.esc', ?) WHERE name = 'odd-texts'",
                     (esc, esc, esc, esc))
        conn.execute("UPDATE versions SET description = description || ? , "
                     "metadata = json_set(metadata, '$.esc', ?) WHERE artifact_id = "
                     "(SELECT id FROM artifacts WHERE name = 'audit-note')", (esc, esc))
        conn.execute("UPDATE artifacts SET description = ? WHERE name = 'audit-note'",
                     ("<b>notes</b>" + esc,))
    conn.close()
    conn = sqlite3.connect(path)
    focus_id, run_id = conn.execute(
        "SELECT v.id, v.run_id FROM versions v JOIN artifacts a ON a.id = v.artifact_id "
        "JOIN aliases al ON al.version_id = v.id WHERE a.name = 'churn-model' "
        "AND al.alias = 'production'").fetchone()
    conn.close()
    del focus_id
    return Master(path, "churn-model:production", "churn-model:v0", run_id,
                  _with_wal(path, folder / "wal"))


def _with_wal(master: Path, folder: Path) -> Path:
    """A copy whose last changes are still in its ``-wal`` (as a killed writer leaves it)."""
    folder.mkdir()
    path = folder / "walled.db"
    shutil.copyfile(master, path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("UPDATE versions SET description = 'edited after the last checkpoint'")
    conn.execute("UPDATE runs SET notes = 'in the wal' WHERE rowid % 2 = 0")
    # Copy while the connection is open: closing it would checkpoint and delete the wal.
    keep = folder / "kept.db"
    shutil.copyfile(path, keep)
    shutil.copyfile(str(path) + "-wal", str(keep) + "-wal")
    conn.close()
    return keep


# ---------------------------------------------------------------------------- copying


def _copy(source: Path, target: Path, wal: bool = False) -> Path:
    shutil.copyfile(source, target)
    if wal:
        shutil.copyfile(str(source) + "-wal", str(target) + "-wal")
    blobs = Path(str(source) + ".files")
    if blobs.is_dir() and not Path(str(target) + ".files").exists():
        # Hard links: cheap, and readers never write (the test checks it).
        shutil.copytree(blobs, str(target) + ".files", copy_function=os.link)
    return target


def _edit_bytes(path: Path, edit: Callable[[bytearray], bytearray]) -> None:
    path.write_bytes(bytes(edit(bytearray(path.read_bytes()))))


# ---------------------------------------------------------------------------- byte level


def _flip(rng: random.Random, size: int) -> Callable[[bytearray], bytearray]:
    pages = size // PAGE
    page = rng.randrange(pages)
    # Page headers and cell pointers are where damage bites; the rest of the page too.
    base = page * PAGE + (100 if page == 0 else 0)
    spans = [(base, base + 12), (base + 8, base + 80), (page * PAGE, (page + 1) * PAGE)]
    low, high = rng.choice(spans)
    offsets = [rng.randrange(low, min(high, size)) for _ in range(rng.randint(1, 8))]
    masks = [rng.randrange(1, 256) for _ in offsets]

    def edit(data: bytearray) -> bytearray:
        for offset, mask in zip(offsets, masks):
            data[offset] ^= mask
        return data

    return edit


def _byte_mutants(master: Path, folder: Path, rng: random.Random) -> list[Mutant]:
    size = master.stat().st_size
    pages = size // PAGE
    found: list[Mutant] = []
    for n in range(90):
        target = _copy(master, folder / f"flip-{n:02d}.db")
        _edit_bytes(target, _flip(rng, size))
        found.append(Mutant(target.stem, "bytes", target))
    header = [1, 16, 17, 28, 50, 99, 100, 101, 512]
    boundaries = [PAGE * k for k in range(1, pages)]
    inside = sorted(rng.sample(range(PAGE + 1, size - 1), 12))
    for offset in header + rng.sample(boundaries, min(18, len(boundaries))) + inside:
        target = _copy(master, folder / f"truncate-{offset}.db")
        _edit_bytes(target, lambda data, o=offset: data[:o])
        found.append(Mutant(target.stem, "truncate", target))
    for page in sorted({0, 1, pages - 1, *rng.sample(range(pages), min(20, pages))}):
        target = _copy(master, folder / f"zero-page-{page + 1}.db")
        _edit_bytes(target, lambda data, p=page: _fill(data, p, b"\0" * PAGE))
        found.append(Mutant(target.stem, "zero", target))
    for page in rng.sample(range(pages), 8):
        garbage = bytes(rng.randrange(256) for _ in range(PAGE))
        target = _copy(master, folder / f"garbage-page-{page + 1}.db")
        _edit_bytes(target, lambda data, p=page, g=garbage: _fill(data, p, g))
        found.append(Mutant(target.stem, "zero", target))
    return found


def _fill(data: bytearray, page: int, content: bytes) -> bytearray:
    data[page * PAGE:(page + 1) * PAGE] = content[:len(data[page * PAGE:(page + 1) * PAGE])]
    return data


def _wal_mutants(walled: Path, folder: Path, rng: random.Random) -> list[Mutant]:
    wal_size = Path(str(walled) + "-wal").stat().st_size
    frame = 24 + PAGE
    found = [Mutant("wal-intact", "wal", _copy(walled, folder / "wal-intact.db", wal=True))]
    cuts = [8, 31, 32, 33, 32 + frame // 2, 32 + frame, 32 + 2 * frame + 7,
            *rng.sample(range(33, wal_size), 5)]
    for cut in sorted(set(c for c in cuts if c < wal_size)):
        target = _copy(walled, folder / f"wal-truncate-{cut}.db", wal=True)
        wal = Path(str(target) + "-wal")
        _edit_bytes(wal, lambda data, c=cut: data[:c])
        found.append(Mutant(target.stem, "wal", target))
    for n in range(10):
        target = _copy(walled, folder / f"wal-flip-{n}.db", wal=True)
        wal = Path(str(target) + "-wal")
        where = [rng.randrange(0, 32)] if n < 3 else [rng.randrange(32, wal_size)
                                                       for _ in range(rng.randint(1, 6))]

        def edit(data: bytearray, where: list[int] = where) -> bytearray:
            for offset in where:
                data[offset] ^= 0xA5
            return data

        _edit_bytes(wal, edit)
        found.append(Mutant(target.stem, "wal", target))
    return found


# ---------------------------------------------------------------------------- SQL level

_JSON_VALUES: dict[str, str | None] = {
    "sql-null": None, "json-null": "null", "list": "[1, 2, 3]", "number": "42",
    "string": '"just text"', "true": "true", "empty": "", "invalid": "{not json",
    "nan": '{"x": NaN, "y": Infinity, "z": [-Infinity]}',
    "deep-open": "[" * DEEP, "deep-closed": "[" * DEEP + "]" * DEEP,
    "deep-object": '{"a":' * 5_000 + "1" + "}" * 5_000,
    "escapes": '{"\\u001b[31mkey": "<b>\\u001b]0;t\\u0007</b>", "n": {"m": []}}',
    "huge": '{"big": "' + "x" * HUGE + '"}',
    "blob": "x'7b7d'",  # marker: a BLOB, not text
}


def _relax(conn: sqlite3.Connection, table: str) -> None:
    """Drop the NOT NULL constraints of a rowid table (its pages are unchanged), as an
    editor that ignores them would, so that NULLs can be written."""
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') "
                 "WHERE type = 'table' AND name = ?", (table,))
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute(f"PRAGMA schema_version={version + 1}")
    conn.execute("PRAGMA writable_schema=OFF")


def _loose(conn: sqlite3.Connection, table: str) -> None:
    """Rebuild a WITHOUT ROWID table with no key or constraints (duplicates, NULLs)."""
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    conn.execute(f"CREATE TABLE loose_copy AS SELECT * FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
    conn.execute(f"INSERT INTO {table} SELECT * FROM loose_copy")
    conn.execute("DROP TABLE loose_copy")


SqlEdit = Callable[[sqlite3.Connection, dict[str, object]], None]


def _set(table: str, column: str, value: object, where: str, raw: bool = False,
         relax: bool = False) -> SqlEdit:
    def edit(conn: sqlite3.Connection, ids: dict[str, object]) -> None:
        if relax:
            _relax(conn, table)
        sql_value = value if raw else "?"
        params = () if raw else (value,)
        conn.execute(f"UPDATE {table} SET {column} = {sql_value} WHERE {where.format(**ids)}",
                     params)

    return edit


def _sql(*statements: str, loose: str | None = None) -> SqlEdit:
    def edit(conn: sqlite3.Connection, ids: dict[str, object]) -> None:
        if loose:
            _loose(conn, loose)
        for statement in statements:
            conn.execute(statement.format(**ids))

    return edit


def _json_edits() -> dict[str, SqlEdit]:
    cells = {"metadata": ("versions", "metadata", "id = {focus}"),
             "config": ("runs", "config", "id = '{run}'"),
             "tags": ("runs", "tags", "id = '{run}'"),
             "any-metadata": ("versions", "metadata", "id = {other_version}")}
    edits: dict[str, SqlEdit] = {}
    for cell, (table, column, where) in cells.items():
        for name, value in _JSON_VALUES.items():
            if cell == "any-metadata" and name not in ("list", "deep-open", "nan", "huge"):
                continue
            if name == "blob":
                edits[f"{cell}-{name}"] = _set(table, column, value, where, raw=True)
            else:
                edits[f"{cell}-{name}"] = _set(table, column, value, where,
                                               relax=value is None)
    return edits


BAD_UTF8 = "CAST(x'fffe41c3' AS TEXT)"

SQL_EDITS: dict[str, SqlEdit] = {
    **_json_edits(),
    # versions: keys and numbers of the wrong type
    "idx-text": _set("versions", "idx", "three", "id = {focus}"),
    "idx-negative": _set("versions", "idx", -1, "id = {focus}"),
    "idx-real": _set("versions", "idx", 1.5, "id = {focus}"),
    "idx-null": _set("versions", "idx", None, "id = {focus}", relax=True),
    "idx-blob": _set("versions", "idx", "x'00ff'", "id = {focus}", raw=True),
    "idx-huge": _set("versions", "idx", 2**62, "id = {focus}"),
    "size-negative": _set("versions", "size", -5, "id = {focus}"),
    "size-text": _set("versions", "size", "big", "id = {focus}"),
    "size-real": _set("versions", "size", 1e300, "id = {focus}"),
    "size-null": _set("versions", "size", None, "id = {focus}", relax=True),
    "size-max": _set("versions", "size", 2**63 - 1, "1"),
    "file-count-text": _set("versions", "file_count", "many", "id = {focus}"),
    "version-run-null": _set("versions", "run_id", None, "id = {focus}"),
    "version-run-dangling": _sql("UPDATE versions SET run_id = 'ghost' WHERE id = {focus}",
                                 "UPDATE outputs SET run_id = 'ghost' WHERE version_id = {focus}"),
    "version-run-number": _set("versions", "run_id", 42, "id = {focus}"),
    "version-run-blob": _sql("UPDATE versions SET run_id = x'ff00' WHERE id = {focus}",
                             "UPDATE outputs SET run_id = x'ff00' WHERE version_id = {focus}"),
    "version-artifact-dangling": _set("versions", "artifact_id", 9999, "id = {focus}"),
    "version-digest-null": _set("versions", "digest", None, "id = {focus}", relax=True),
    "version-digest-number": _set("versions", "digest", 123, "1"),
    "version-created-null": _set("versions", "created_at", None, "id = {focus}", relax=True),
    "version-created-garbage": _set("versions", "created_at", "yesterday-ish", "1"),
    "version-created-number": _set("versions", "created_at", 42, "id = {focus}"),
    "version-state-null": _set("versions", "state", None, "id = {focus}", relax=True),
    "version-state-odd": _set("versions", "state", "\x1b[31mDELETED", "id = {focus}"),
    "description-bad-utf8": _set("versions", "description", BAD_UTF8, "id = {focus}",
                                 raw=True),
    "description-blob": _set("versions", "description", "x'fffe'", "id = {focus}", raw=True),
    "description-number": _set("versions", "description", 3.25, "1"),
    "description-huge": _set("versions", "description", "y" * HUGE, "id = {focus}"),
    "description-html": _set("versions", "description",
                             "<img src=x onerror=alert(1)>\x1b[2J\x00nul", "1"),
    "metadata-bad-utf8": _set("versions", "metadata", BAD_UTF8, "id = {focus}", raw=True),
    # artifacts, types, projects
    "artifact-name-null": _set("artifacts", "name", None,
                               "id = (SELECT artifact_id FROM versions WHERE id = {focus})",
                               relax=True),
    "artifact-name-number": _set("artifacts", "name", "rowid + 1000", "rowid % 3 = 0",
                                 raw=True),
    "artifact-name-bad-utf8": _set("artifacts", "name", BAD_UTF8, "rowid = 2", raw=True),
    "artifact-name-empty": _set("artifacts", "name", "", "rowid = 3"),
    "artifact-name-odd": _set("artifacts", "name", "a:b/c v9", "rowid = 4"),
    "artifact-name-blob": _set("artifacts", "name", "x'00'", "rowid = 5", raw=True),
    "artifact-type-dangling": _set("artifacts", "type_id", 999, "rowid = 1"),
    "artifact-created-null": _set("artifacts", "created_at", None, "1", relax=True),
    "artifact-description-bad-utf8": _set("artifacts", "description", BAD_UTF8, "1",
                                          raw=True),
    "type-name-null": _set("artifact_types", "name", None, "rowid = 1", relax=True),
    "type-name-bad-utf8": _set("artifact_types", "name", BAD_UTF8, "rowid = 3", raw=True),
    "type-name-number": _set("artifact_types", "name", 7, "rowid = 2"),
    "project-name-null": _set("projects", "name", None, "1", relax=True),
    "project-entity-bad-utf8": _set("projects", "entity", BAD_UTF8, "1", raw=True),
    "project-id-text": _set("artifacts", "project_id", "one", "rowid = 1"),
    # runs
    "run-id-blob": _set("runs", "id", "x'00ff'", "id = '{run}'", raw=True),
    "run-id-number": _sql("UPDATE runs SET id = 77 WHERE id = '{run}'",
                          "UPDATE outputs SET run_id = 77 WHERE run_id = '{run}'",
                          "UPDATE versions SET run_id = 77 WHERE run_id = '{run}'"),
    "run-name-null": _set("runs", "name", None, "id = '{run}'", relax=True),
    "run-name-number": _set("runs", "name", 42, "1"),
    "run-name-bad-utf8": _set("runs", "name", BAD_UTF8, "id = '{run}'", raw=True),
    "run-state-null": _set("runs", "state", None, "id = '{run}'", relax=True),
    "run-state-number": _set("runs", "state", 3, "1"),
    "run-started-null": _set("runs", "started_at", None, "id = '{run}'", relax=True),
    "run-started-garbage": _set("runs", "started_at", "not a time", "1"),
    "run-finished-before-start": _set("runs", "finished_at", "1970-01-01T00:00:00Z", "1"),
    "run-exit-code-text": _set("runs", "exit_code", "boom", "1"),
    "run-exit-code-huge": _set("runs", "exit_code", 2**63 - 1, "1"),
    "run-project-dangling": _set("runs", "project_id", 999, "id = '{run}'"),
    "run-notes-bad-utf8": _set("runs", "notes", BAD_UTF8, "1", raw=True),
    "run-job-type-blob": _set("runs", "job_type", "x'ff'", "1", raw=True),
    "run-author-huge": _set("runs", "author", "z" * HUGE, "id = '{run}'"),
    "run-process-odd": _sql("UPDATE runs SET state = 'running'",
                            "INSERT OR REPLACE INTO run_processes (run_id, host, pid, "
                            "process_start) SELECT id, '{host}', 'abc', x'00' FROM runs"),
    "run-process-negative": _sql("UPDATE runs SET state = 'running'",
                                 "INSERT OR REPLACE INTO run_processes (run_id, host, pid, "
                                 "process_start) SELECT id, '{host}', -1, 5 FROM runs"),
    "run-process-huge-pid": _sql("UPDATE runs SET state = 'running'",
                                 "INSERT OR REPLACE INTO run_processes (run_id, host, pid, "
                                 "process_start) SELECT id, '{host}', 9223372036854775807, "
                                 "NULL FROM runs"),
    # aliases and tags
    "alias-duplicate": _sql("INSERT INTO aliases SELECT artifact_id, 'production', id "
                            "FROM versions WHERE artifact_id = (SELECT artifact_id FROM "
                            "versions WHERE id = {focus}) AND id != {focus}", loose="aliases"),
    "alias-null": _sql("UPDATE aliases SET alias = NULL WHERE version_id = {focus}",
                       loose="aliases"),
    "alias-dangling": _sql("UPDATE aliases SET version_id = 99999 WHERE alias = 'latest'"),
    "alias-number": _sql("UPDATE aliases SET alias = 7 WHERE version_id = {focus}"),
    "alias-blob": _sql("UPDATE aliases SET alias = x'ff' WHERE version_id = {focus}"),
    "alias-bad-utf8": _sql(f"UPDATE aliases SET alias = {BAD_UTF8} WHERE alias = 'best'"),
    "alias-other-artifact": _sql("UPDATE aliases SET artifact_id = 1 WHERE alias = 'production'"),
    "tag-number": _sql("INSERT INTO version_tags VALUES ({focus}, 5)"),
    "tag-bad-utf8": _sql(f"INSERT INTO version_tags VALUES ({{focus}}, {BAD_UTF8})"),
    "tag-null": _sql("INSERT INTO version_tags VALUES ({focus}, NULL)", loose="version_tags"),
    # manifest
    "manifest-path-escape": _sql("UPDATE manifest SET path = '../../../etc/passwd'"),
    "manifest-path-absolute": _sql("UPDATE manifest SET path = '/etc/passwd' "
                                   "WHERE version_id = {focus}"),
    "manifest-path-null": _sql("UPDATE manifest SET path = NULL", loose="manifest"),
    "manifest-path-bad-utf8": _sql(f"UPDATE manifest SET path = {BAD_UTF8} "
                                   "WHERE version_id = {focus}"),
    "manifest-digest-odd": _sql("UPDATE manifest SET digest = 'zz/../..'"),
    "manifest-digest-number": _sql("UPDATE manifest SET digest = 12345"),
    "manifest-size-text": _sql("UPDATE manifest SET size = 'large'"),
    "manifest-size-negative": _sql("UPDATE manifest SET size = -1"),
    "manifest-ref-file": _sql("UPDATE manifest SET ref = 'file:///etc/passwd'"),
    "manifest-ref-blob": _sql("UPDATE manifest SET ref = x'00'"),
    # usages and outputs: dangling ids and cycles
    "usage-dangling-version": _sql("INSERT INTO usages VALUES ('{run}', 99999, "
                                   "'2026-09-01T00:00:00Z')"),
    "usage-dangling-run": _sql("INSERT INTO usages VALUES ('ghost', {focus}, "
                               "'2026-09-01T00:00:00Z')"),
    "usage-null-run": _sql("INSERT INTO usages VALUES (NULL, {focus}, NULL)", loose="usages"),
    "usage-blob-run": _sql("INSERT INTO usages VALUES (x'ff', {focus}, x'00')"),
    "usage-text-version": _sql("INSERT INTO usages VALUES ('{run}', 'v1', '2026')"),
    "usage-cycle-self": _sql("INSERT INTO usages VALUES ('{run}', {focus}, "
                             "'2026-09-01T00:00:00Z')"),
    "usage-cycle-long": _sql("INSERT OR IGNORE INTO usages SELECT run_id, {focus}, "
                             "'2026-09-01T00:00:00Z' FROM versions WHERE run_id IS NOT NULL"),
    "output-cycle": _sql("INSERT OR IGNORE INTO outputs SELECT run_id, version_id, used_at "
                         "FROM usages"),
    "output-dangling": _sql("INSERT INTO outputs VALUES ('{run}', 424242, '2026')"),
    "output-null": _sql("INSERT INTO outputs VALUES (NULL, {focus}, NULL)", loose="outputs"),
    "alias-history-odd": _sql("INSERT INTO alias_history (artifact_id, alias, version_id, "
                              "set_at) VALUES (1, x'ff', 99999, 42)"),
    # schema
    "drop-usages": _sql("DROP TABLE usages"),
    "drop-outputs": _sql("DROP TABLE outputs"),
    "drop-aliases": _sql("DROP TABLE aliases"),
    "drop-alias-history": _sql("DROP TABLE alias_history"),
    "drop-run-processes": _sql("DROP TABLE run_processes"),
    "drop-index-usages": _sql("DROP INDEX usages_version"),
    "drop-index-outputs": _sql("DROP INDEX outputs_version"),
    "drop-index-digest": _sql("DROP INDEX versions_digest"),
    "rename-metadata": _sql("ALTER TABLE versions RENAME COLUMN metadata TO meta"),
    "rename-config": _sql("ALTER TABLE runs RENAME COLUMN config TO cfg"),
    "rename-alias": _sql("ALTER TABLE aliases RENAME COLUMN alias TO name"),
    "drop-column-notes": _sql("ALTER TABLE runs DROP COLUMN notes"),
    "rename-table-runs": _sql("ALTER TABLE runs RENAME TO old_runs"),
    "view-instead-of-table": _sql("ALTER TABLE version_tags RENAME TO vt",
                                  "CREATE VIEW version_tags AS SELECT * FROM vt"),
    "schema-version-0": _sql("PRAGMA user_version=0"),
    "schema-version-3": _sql("PRAGMA user_version=3"),
    "application-id-0": _sql("PRAGMA application_id=0"),
    "trigger": _sql("CREATE TRIGGER t AFTER UPDATE ON runs BEGIN DELETE FROM runs; END"),
    "empty-tables": _sql("DELETE FROM versions", "DELETE FROM runs", "DELETE FROM aliases"),
}


def _sql_mutants(master: Path, folder: Path) -> list[Mutant]:
    from lineage_desktop.store.processes import this_host

    conn = sqlite3.connect(master)
    focus, run = conn.execute(
        "SELECT v.id, v.run_id FROM versions v JOIN aliases al ON al.version_id = v.id "
        "WHERE al.alias = 'production'").fetchone()
    other = conn.execute("SELECT MIN(id) FROM versions").fetchone()[0]
    conn.close()
    ids = {"focus": focus, "run": run, "other_version": other, "host": this_host()}
    found = []
    for label, edit in SQL_EDITS.items():
        target = _copy(master, folder / f"sql-{label}.db")
        conn = sqlite3.connect(target, isolation_level=None)
        try:
            conn.execute("BEGIN")
            edit(conn, ids)
            conn.execute("COMMIT")
        finally:
            conn.close()
        assert not Path(str(target) + "-wal").exists(), label
        found.append(Mutant(target.stem, "sql", target))
    return found


def make_corpus(master: Master, folder: Path, seed: int = 20_261_202) -> list[Mutant]:
    """Every mutant, in a fixed order (the same seed gives the same bytes)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    mutants = _byte_mutants(master.path, folder, rng)
    mutants += _wal_mutants(master.wal, folder, rng)
    mutants += _sql_mutants(master.path, folder)
    labels = [m.label for m in mutants]
    assert len(labels) == len(set(labels)), "mutant labels must be unique"
    return mutants
