"""The store's boundary (issue 11): every public ``Store`` member passes the one
error-translation point, and the interop queries are methods that do too."""
from __future__ import annotations

import inspect
import sqlite3

import pytest

from lineage_desktop.interop.writer import LineageWriter
from lineage_desktop.records import Run, StoreError
from lineage_desktop.store import Store, interop_queries, manifest_digest, utc_now
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
    with pytest.raises(StoreError) as excinfo:
        interop_queries.add_usage_if_new(store, "ghost", version, utc_now())  # old spelling
    _named(excinfo, store)
    assert store.all_usages() == [] and store.version_by_id(version).tags == ()


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


def test_a_property_that_runs_sql_translates_too(store):
    store.close()
    with pytest.raises(StoreError) as excinfo:
        store.schema_version  # noqa: B018 - a closed connection: sqlite3.ProgrammingError
    assert isinstance(excinfo.value.__cause__, sqlite3.ProgrammingError)
