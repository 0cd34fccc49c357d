"""Per-call queries of the SDK and the read API use indexes: no call scans a table that
grows with the store (issue 12). Each call's SQL is captured as it runs (the trace
callback gives it with its values bound) and explained. Without ``ANALYZE`` (a real store
has no statistics) the plans are those of any size of store."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.store import Store

_EXPLAINABLE = re.compile(r"^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# SCAN of anything but the JSON list of ids a query was given, and two tables that do
# not grow with the store: one row per project, one per run running now or crashed (a
# finished run's row is deleted; a crashed one's is kept, for the record).
_TABLE_SCAN = re.compile(r"^SCAN (?!json_each\b)(\w+)")
_SMALL_TABLES = {"projects", "run_processes"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "plans.db"
    for step in range(6):
        with ld.init(project="p", entity="e", store=path) as run:
            if step:
                run.use_artifact("model:latest")
            for name in ("model", "data"):
                artifact = ld.Artifact(name, "dataset")
                with artifact.new_file("f.txt") as handle:
                    handle.write(f"{name} {step}")
                run.log_artifact(artifact, aliases=["production"] if step == 2 else None)
    return path


def plans_of(store: Store, call: Callable[[], object]) -> list[tuple[str, list[str]]]:
    """Every statement ``call`` ran, with the details of its query plan."""
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        store._conn.set_trace_callback(None)
    explained = []
    for sql in statements:
        if _EXPLAINABLE.match(sql):
            rows = store._conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            explained.append((sql, [row[-1] for row in rows]))
    assert explained, "the call ran no query"
    return explained


def bad_steps(plans: list[tuple[str, list[str]]], sorted_listing: bool = False) -> Iterator[str]:
    for sql, details in plans:
        for detail in details:
            scan = _TABLE_SCAN.match(detail)
            if scan and _table_of(scan.group(1), sql) in _SMALL_TABLES:
                continue
            if scan or (
                    sorted_listing and detail.startswith("USE TEMP B-TREE FOR ORDER BY")):
                yield f"{detail!r} in {sql}"


def _table_of(name: str, sql: str) -> str:
    """The table a plan's name (a table or its alias in ``sql``) stands for."""
    keywords = {"SELECT", "FROM", "JOIN", "ON", "AND", "WHERE", "AS"}
    tables = [t for t in re.findall(rf"\b(\w+) (?:AS )?{re.escape(name)}\b(?!\.)", sql)
              if t.upper() not in keywords]
    return tables[0] if tables else name


@pytest.fixture
def reader(store_path: Path) -> Iterator[Store]:
    with Store.open(store_path, readonly=True) as store:
        yield store


@pytest.mark.parametrize("selector", ["latest", "production", "v0", "v3", None])
@pytest.mark.parametrize("with_project", [True, False])
def test_resolving_a_reference_uses_indexes(reader: Store, selector: str | None,
                                            with_project: bool) -> None:
    project_id = reader.find_projects("p", "e")[0].id if with_project else None
    plans = plans_of(reader, lambda: reader.resolve_version("model", selector, project_id))
    assert list(bad_steps(plans)) == []
    # The version is found by one row: not by walking the collection in index order.
    for sql, details in plans:
        if "FROM versions v" in sql or "JOIN versions v" in sql:
            assert not any(d.startswith("SEARCH v USING INDEX sqlite_autoindex_versions_1 "
                                        "(artifact_id=?)") for d in details), (sql, details)


def test_resolving_as_of_uses_indexes(reader: Store) -> None:
    moment = reader.resolve_version("model", "v4").created_at
    for selector in ("latest", "production", "v1"):
        plans = plans_of(reader, lambda s=selector: reader.resolve_version(  # type: ignore[misc]
            "model", s, None, moment))
        assert list(bad_steps(plans)) == []


def test_version_by_digest_searches_the_digest_index(reader: Store) -> None:
    version = reader.resolve_version("model", "v2")
    plans = plans_of(reader, lambda: reader.version_by_digest(
        reader.find_projects("p", "e")[0].id, "model", version.digest))
    assert list(bad_steps(plans)) == []
    details = [d for _, ds in plans for d in ds]
    assert any("versions_digest (artifact_id=? AND digest=?)" in d for d in details), details


@pytest.mark.parametrize("read", [
    lambda s: s.version_by_id(2),
    lambda s: s.versions_by_ids([1, 2, 3]),
    lambda s: s.versions_logged_by(s.runs(limit=1)[0].id),
    lambda s: s.versions_used_by(s.runs(limit=1)[0].id),
    lambda s: s.runs_using(1),
    lambda s: s.runs_logging(1),
    lambda s: s.manifest(1),
    lambda s: s.last_run_name(1),
], ids=["version_by_id", "versions_by_ids", "versions_logged_by", "versions_used_by",
        "runs_using", "runs_logging", "manifest", "last_run_name"])
def test_point_reads_use_indexes(reader: Store, read: Callable[[Store], object]) -> None:
    assert list(bad_steps(plans_of(reader, lambda: read(reader)))) == []


@pytest.mark.parametrize("order", ["started_desc", "started_asc"])
@pytest.mark.parametrize("with_project", [True, False])
def test_a_page_of_runs_reads_the_page_not_the_table(reader: Store, order: str,
                                                     with_project: bool) -> None:
    project_id = 1 if with_project else None
    plans = plans_of(reader, lambda: reader.runs(project_id, limit=50, order=order))
    assert list(bad_steps(plans, sorted_listing=True)) == []


def test_init_and_finish_use_indexes(store_path: Path) -> None:
    with Store.open(store_path) as writer:
        def init_finish() -> None:
            ld.init(project="p", entity="e", store=writer).finish()

        assert list(bad_steps(plans_of(writer, init_finish))) == []


def test_init_names_the_run_from_the_last_ones_number(store_path: Path) -> None:
    with Store.open(store_path) as writer:
        before = writer.run_count(1)
        first = ld.init(project="p", entity="e", store=writer)
        first.finish()
        second = ld.init(project="p", entity="e", store=writer)
        second.finish()
    assert first.name.endswith(f"-{before + 1}") and second.name.endswith(f"-{before + 2}")


def test_init_after_a_named_run_counts(store_path: Path) -> None:
    with Store.open(store_path) as writer:
        ld.init(project="p", entity="e", name="hand-named-3", store=writer).finish()
        count = writer.run_count(1)
        run = ld.init(project="p", entity="e", store=writer)
        run.finish()
    assert run.name.endswith(f"-{count + 1}")


def test_log_artifact_uses_indexes(store_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "new.txt"
    source.write_text("fresh content")
    with Store.open(store_path) as writer:
        run = ld.init(project="p", entity="e", store=writer)

        def log() -> None:
            artifact = ld.Artifact("model", "dataset")
            artifact.add_file(source, name="f.txt")
            run.log_artifact(artifact, aliases=["candidate"])

        assert list(bad_steps(plans_of(writer, log))) == []
        run.finish()


@pytest.mark.parametrize("ref", ["model:latest", "model:production", "model:v1",
                                 "p/model:latest", "e/p/model:v0"])
def test_use_artifact_uses_indexes(store_path: Path, ref: str) -> None:
    with Store.open(store_path) as writer:
        run = ld.init(project="p", entity="e", store=writer)
        plans = plans_of(writer, lambda: run.use_artifact(ref))
        run.finish()
    assert list(bad_steps(plans)) == []
    # The collection is found by its (project, name) row, not in the project's names.
    assert not any("SELECT DISTINCT name FROM artifacts" in sql for sql, _ in plans)
