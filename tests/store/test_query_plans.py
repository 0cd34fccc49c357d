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
from lineage_desktop.records import Run
from lineage_desktop.store import Store

_EXPLAINABLE = re.compile(r"^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# SCAN of anything but the JSON list of ids a query was given, and two tables that do
# not grow with the store: one row per project, one per run running now or crashed (a
# finished run's row is deleted; a crashed one's is kept, for the record).
# A scan of a CTE or a subquery's rows (``SCAN c``, ``SCAN CONSTANT ROW``) reads what the
# statement built, not a table: those count by what they were built from.
_TABLE_SCAN = re.compile(r"^SCAN (?!json_each\b|CONSTANT ROW\b)(\w+)")
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
            if scan and (_table_of(scan.group(1), sql) in _SMALL_TABLES
                         or _built_by(scan.group(1), sql)):
                continue
            if scan or (
                    sorted_listing and detail.startswith("USE TEMP B-TREE FOR ORDER BY")):
                yield f"{detail!r} in {sql}"


def _built_by(name: str, sql: str) -> bool:
    """Whether ``name`` is a CTE of ``sql`` (``name(columns) AS (``) or the alias of a
    subquery (``(SELECT ...) name``)."""
    quoted = re.escape(name)
    return bool(re.search(rf"\b{quoted}\([\w, ]*\) AS \(", sql)
                or re.search(rf"\) (?:AS )?{quoted}\b(?!\.)", sql))


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


def _sorts(store: Store, plans: list[tuple[str, list[str]]], table: str) -> list[str]:
    """Sorts of the rows a search of ``table`` found (a sort step beside the search in the
    plan's tree): with ``LIMIT 1`` after it, it reads every row the search found."""
    found = []
    for sql, _ in plans:
        rows = store._conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        searched = {parent for _, parent, _, detail in rows
                    if re.match(rf"SEARCH (\w+ )?{table}\b|SEARCH h USING", detail)}
        found += [f"{detail!r} in {sql}" for _, parent, _, detail in rows
                  if parent in searched and detail.startswith("USE TEMP B-TREE")]
    return found


def test_resolving_as_of_takes_one_step_of_the_alias_history(reader: Store) -> None:
    moment = reader.resolve_version("model", "v4").created_at
    for project_id in (None, reader.find_projects("p", "e")[0].id):
        plans = plans_of(reader, lambda p=project_id: reader.resolve_version(  # type: ignore[misc]
            "model", "production", p, moment))
        assert _sorts(reader, plans, "alias_history") == []
        details = [d for _, ds in plans for d in ds]
        assert any("alias_history_lookup (artifact_id=? AND alias=? AND set_at<?)" in d
                   for d in details), details


@pytest.mark.parametrize("read", [
    lambda s, at: s.artifact_versions("model", 1, at),
    lambda s, at: s.versions_by_ids([1, 2, 3], at),
    lambda s, at: s.versions_logged_by(s.runs(limit=1, order="started_asc")[0].id, at),
], ids=["artifact_versions", "versions_by_ids", "versions_logged_by"])
def test_aliases_as_of_skip_along_the_alias_history(
        reader: Store, read: Callable[[Store, str], object]) -> None:
    """The aliases of versions as of a moment: one step per alias name a collection had
    and one per alias's last move, never the moves themselves (a ``latest`` history is as
    long as the collection)."""
    moment = reader.resolve_version("model", "v4").created_at
    plans = plans_of(reader, lambda: read(reader, moment))
    assert list(bad_steps(plans)) == []
    history = [(sql, ds) for sql, ds in plans if "alias_history" in sql]
    assert history, plans
    for sql, details in history:
        searches = [d for d in details if "alias_history" in d or d.startswith("SEARCH h ")]
        assert searches and all(
            d.endswith(("(artifact_id=?)", "(artifact_id=? AND alias>?)",
                        "(artifact_id=? AND alias=? AND set_at<?)")) for d in searches), details
        assert "GROUP BY" not in sql and "MAX(h" not in sql, sql
    assert _sorts(reader, plans, "alias_history") == []


@pytest.mark.parametrize("as_of", [False, True])
@pytest.mark.parametrize("with_project", [True, False])
def test_run_count_reads_the_kept_counts(reader: Store, as_of: bool, with_project: bool) -> None:
    """``run_count`` adds per-day and per-hour counts and counts one hour's runs at most:
    no COUNT over a project's runs."""
    moment = reader.runs(limit=1, order="started_asc")[0].started_at if as_of else None
    plans = plans_of(reader, lambda: reader.run_count(1 if with_project else None, moment))
    assert list(bad_steps(plans)) == []
    details = [d for _, ds in plans for d in ds]
    assert any(d.startswith("SEARCH c USING PRIMARY KEY (project_id=? AND span=?")
               for d in details), details
    on_runs = [d for d in details if d.startswith("SEARCH r ")]
    if as_of:  # the one hour's runs: a range bounded on both sides
        assert on_runs and all(d.endswith("(project_id=? AND started_at>? AND started_at<?)")
                               for d in on_runs), details
    else:
        assert on_runs == [], details


def test_run_counts_follow_inserts_moves_and_deletes(tmp_path: Path) -> None:
    """The triggers keep ``run_count`` equal to a COUNT of the rows, as of any moment."""
    path = tmp_path / "counts.db"
    with Store.open(path) as store:
        first, second = store.ensure_project("e", "a"), store.ensure_project("e", "b")
        times = [f"2026-01-0{1 + i % 3}T{i % 24:02d}:{i % 60:02d}:00.000000Z"
                 for i in range(200)]
        store.insert_runs((first if i % 3 else second, ld_run(f"r{i}", at))
                          for i, at in enumerate(times))
        with store.transaction() as conn:
            conn.execute("DELETE FROM runs WHERE id IN ('r1', 'r2')")
            conn.execute("UPDATE runs SET started_at = '2026-01-05T00:00:00.000000Z' "
                         "WHERE id = 'r3'")
            conn.execute("UPDATE runs SET project_id = ? WHERE id = 'r4'", (second,))
        moments = [None, "2026-01-01", "2026-01-02T07:30:00.000000Z",
                   "2026-01-03T23:59:59.999999Z", "2026-01-09T00:00:00.000000Z", *times[::7]]
        for project_id in (None, first, second):
            for moment in moments:
                assert store.run_count(project_id, moment) == store._counted_runs(
                    project_id, moment), (project_id, moment)


def ld_run(run_id: str, started_at: str) -> Run:
    return Run(id=run_id, project="p", entity="e", name=run_id, state="finished",
               started_at=started_at)


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
