"""The store's boundary (issue 11): every public ``Store`` member passes the one
error-translation point, the interop queries are methods that do too, and callers name
run orders instead of passing SQL."""
from __future__ import annotations

import inspect
import sqlite3

import pytest

from lineage_desktop.interop.writer import LineageWriter
from lineage_desktop.records import Run, StoreDamaged, StoreError
from lineage_desktop.store import RunOrder, Store, manifest_digest, utc_now
from lineage_desktop.store.core import UNWRAPPED


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as opened:
        yield opened


def _named(excinfo: pytest.ExceptionInfo[BaseException], store: Store) -> None:
    error = excinfo.value
    assert isinstance(error, StoreError) and not isinstance(error, sqlite3.Error)
    assert isinstance(error.__cause__, sqlite3.IntegrityError)
    assert str(store.path) in str(error) and "conflicts with stored data" in str(error)


# ------------------------------------------------------------------ error translation
@pytest.mark.sqlite_file("checks the sqlite3 driver's exception as the cause")
def test_a_constraint_violation_through_the_interop_path_is_a_named_store_error(store):
    project = store.ensure_project("e", "p")
    # Foreign keys: no version 999, no run "ghost".
    with pytest.raises(StoreError) as excinfo:
        store.add_version_tags(999, ["x"])
    _named(excinfo, store)
    version = store.log_version(project, "d", "dataset", manifest_digest([]), [],
                                aliases=["latest"]).version_id
    with pytest.raises(StoreError) as excinfo:
        LineageWriter(store).use("ghost", version, utc_now())  # interop's own writer
    _named(excinfo, store)
    assert store.all_usages() == [] and store.version_by_id(version).tags == ()


@pytest.mark.sqlite_file("checks the sqlite3 driver's exception as the cause")
def test_an_sqlite_error_in_a_transaction_block_is_a_named_store_error(store):
    with pytest.raises(StoreError) as excinfo, store.transaction() as conn:
        conn.execute("INSERT INTO usages (run_id, version_id, used_at) VALUES ('x', 1, 'now')")
    _named(excinfo, store)
    assert not store._conn.in_transaction and store.all_usages() == []


def test_every_public_member_of_store_is_wrapped():
    """A method added to ``Store`` or any mixin later is held to the same rule."""
    members = sorted({name for klass in Store.__mro__ if klass is not object
                      for name in vars(klass) if not name.startswith("_")})
    assert set(UNWRAPPED) <= set(members)
    checked, unwrapped = [], []
    for name in members:
        if name in UNWRAPPED:
            continue
        value = inspect.getattr_static(Store, name)
        function = value.fget if isinstance(value, property) else value
        if not inspect.isfunction(function) or not getattr(
                function, "translates_store_errors", False):
            unwrapped.append(name)
        checked.append(name)
    assert unwrapped == [], f"public Store members that skip error translation: {unwrapped}"
    # The interop methods are among them, and so are the properties that run SQL.
    assert {"all_usages", "add_version_tags", "set_alias_at", "schema_version", "runs",
            "log_version"} <= set(checked)


@pytest.mark.sqlite_file("checks the sqlite3 driver's exception as the cause")
def test_a_property_that_runs_sql_translates_too(store):
    store.close()
    with pytest.raises(StoreError) as excinfo:
        store.schema_version  # noqa: B018 - a closed connection: sqlite3.ProgrammingError
    assert isinstance(excinfo.value.__cause__, sqlite3.ProgrammingError)
    assert not isinstance(excinfo.value, StoreDamaged)  # a closed store is not a damaged one


# ------------------------------------------------------------------ run orders
def _runs(path):
    rows = [("b-run", "train", "failed", "2024-01-01T00:00:02.000000Z"),
            ("a-run", "eval", "finished", "2024-01-01T00:00:01.000000Z"),
            ("c-run", "prep", "crashed", "2024-01-01T00:00:03.000000Z"),
            ("d-run", "eval", "finished", "2024-01-01T00:00:03.000000Z")]
    with Store.open(path) as writer:
        project = writer.ensure_project("e", "p")
        for i, (name, job_type, state, started) in enumerate(rows):
            writer.insert_run(project, Run(
                id=f"id{3 - i}", name=name, project="p", entity="e", job_type=job_type,
                state=state, started_at=started), record_process=False)


@pytest.mark.parametrize(("order", "expected"), [
    (RunOrder.STARTED_DESC, ["d-run", "c-run", "b-run", "a-run"]),  # tie: by id
    (RunOrder.STARTED_ASC, ["a-run", "b-run", "d-run", "c-run"]),
    (RunOrder.STATE_ASC, ["c-run", "b-run", "d-run", "a-run"]),  # ties newest first
    (RunOrder.STATE_DESC, ["d-run", "a-run", "b-run", "c-run"]),
    (RunOrder.JOB_TYPE_ASC, ["d-run", "a-run", "c-run", "b-run"]),
    (RunOrder.JOB_TYPE_DESC, ["b-run", "c-run", "d-run", "a-run"]),
    (RunOrder.NAME_ASC, ["a-run", "b-run", "c-run", "d-run"]),
    (RunOrder.NAME_DESC, ["d-run", "c-run", "b-run", "a-run"]),
    ("job_type_asc", ["d-run", "a-run", "c-run", "b-run"]),  # by name
])
def test_runs_in_a_named_order(tmp_path, order, expected):
    _runs(tmp_path / "r.db")
    with Store.open(tmp_path / "r.db", readonly=True) as reader:
        assert [r.name for r in reader.runs(order=order)] == expected
        assert [r.name for r in reader.runs(order=order, limit=2, offset=1)] == expected[1:3]


@pytest.mark.parametrize("sql", ["r.started_at, r.id", "r.name ASC", "1; DROP TABLE runs"])
def test_runs_refuse_sql_text(store, sql):
    with pytest.raises(ValueError, match="unknown run order"):
        store.runs(order=sql)
