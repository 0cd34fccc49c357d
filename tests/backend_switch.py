"""``pytest --backend postgresql``: the SQLite suites run again on a PostgreSQL server.

With the option, every store a test opens by a file path that is not an existing SQLite
file is a fresh database on the test server instead (one per path, its blob root the
path's ``.files`` folder, dropped after the test): the same test code then drives the
team store through the SDK, the read API and the CLI. A file that exists (written by a
subprocess, or by hand) is still opened as SQLite. Tests that are about the SQLite file
itself (its bytes, locks, journal, folder or path) are marked ``sqlite_file`` and run on
the SQLite backend only; ``make test`` runs the SDK, read-API and CLI suites both ways.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

OPTION = "--backend"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(OPTION, choices=("sqlite", "postgresql"), default="sqlite",
                     help="the store backend the suites run on (default: sqlite)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_file(reason): the test is about the SQLite file itself; it runs "
                   "on the SQLite backend only")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption(OPTION) != "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_file")
        if marker is not None:
            reason = marker.args[0] if marker.args else "about the SQLite file itself"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


class Redirects:
    """The stores of one ``--backend postgresql`` test: file path -> its database's URL."""

    def __init__(self, base: str, stack) -> None:
        self.base, self.stack = base, stack
        self.databases: dict[str, str] = {}

    @staticmethod
    def key(path) -> str:
        return str(Path(path).expanduser().absolute())

    def adopt(self, path, url: str) -> None:
        """``path`` names ``url``'s database from now on (dropped with the test's others:
        the caller enters it into ``stack``)."""
        self.databases[self.key(path)] = url

    def url_of(self, path) -> str | None:
        return self.databases.get(self.key(path))


_current: Redirects | None = None


def store_arg(path) -> str:
    """What a test hands another process (a writer, the CLI, a window) for the store at
    ``path``: its database's URL when the path is redirected to the server, else the path
    (a subprocess runs without this switch)."""
    url = _current.url_of(path) if _current is not None else None
    return url if url is not None else str(path)


@contextlib.contextmanager
def raw_sql(path) -> Iterator[Callable[..., Any]]:
    """``execute(sql, params=())`` on the store at ``path`` behind the product's back (a
    hostile writer crafting rows): sqlite3 on a file, psycopg on a redirected path's
    database; ``?`` placeholders either way; committed on exit. Returns the cursor."""
    url = _current.url_of(path) if _current is not None else None
    if url is None:
        conn = sqlite3.connect(path)
        try:
            with conn:
                yield conn.execute
        finally:
            conn.close()
        return
    import psycopg

    with psycopg.connect(url) as pg:  # commits when the block ends without an error

        def execute(sql: str, params: tuple[object, ...] = ()):
            return pg.execute(sql.replace("?", "%s"), params)

        yield execute


def integrity(path) -> tuple[str, list]:
    """SQLite's ``integrity_check`` and ``foreign_key_check`` of the file at ``path`` (as
    ``("ok", [])`` when sound); a team store's server checks its pages itself and enforces
    its foreign keys on every write, so for a redirected path the store's own check."""
    if store_arg(path) != str(path):
        from lineage_desktop.store import Store

        with Store.open(path, readonly=True) as team:
            problems = team.check_database()
        return ("ok" if not problems else "; ".join(problems), [])
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()


def database_rows(path) -> dict[str, list[tuple]] | None:
    """Every row of every table of the database the path ``path`` is redirected to (None:
    it is not), for tests that hold "nothing written" on a team store too, where the
    store's bytes are not among the files under the test's folder."""
    if _current is None or _current.url_of(path) is None:
        return None
    import psycopg

    with psycopg.connect(_current.url_of(path), autocommit=True) as pg:
        tables = [row[0] for row in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return {table: sorted(map(repr, pg.execute(f'SELECT * FROM "{table}"')))
                for table in tables}


@pytest.fixture(scope="session")
def pg_schema_template(pg_server: str) -> Iterator[str]:
    """A database with the store's schema and nothing else, made once: the switch copies
    it for each store (~90 ms) instead of creating the schema in an empty one (~220)."""
    from pg_fixtures import fresh_database

    from lineage_desktop.store import Store

    with fresh_database(pg_server) as url:
        Store.open(url).close()
        yield url


@pytest.fixture(autouse=True)
def _store_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """The redirects of this test (None on SQLite); ``store_redirects`` names it."""
    global _current
    if request.config.getoption(OPTION) != "postgresql":
        yield None
        return
    from pg_fixtures import fresh_database

    from lineage_desktop.store import core
    from lineage_desktop.store.pg import PgLocation, is_url

    base = request.getfixturevalue("pg_server")
    schema = request.getfixturevalue("pg_schema_template")
    stack = contextlib.ExitStack()
    redirects = Redirects(base, stack)
    databases = redirects.databases
    original = core.Store.open.__func__  # type: ignore[attr-defined]

    def open_store(cls, path, readonly=False):
        if isinstance(path, PgLocation) or is_url(path):
            return original(cls, path, readonly)
        key = Redirects.key(path)
        if key not in databases:
            if os.path.exists(key) or readonly:
                return original(cls, path, readonly)  # an existing file, or none: SQLite's
            databases[key] = stack.enter_context(fresh_database(base, template=schema))
            blobs = key + ".files"
            os.makedirs(blobs, exist_ok=True)
            with original(cls, databases[key]) as store:
                store.set_blob_root(blobs)
        return original(cls, databases[key], readonly)

    monkeypatch.setattr(core.Store, "open", classmethod(open_store))
    window_store = sys.modules.get("lineage_desktop.ui.controller.store")
    if window_store is None and "PySide6" in sys.modules:  # a window test: its first, too
        import lineage_desktop.ui.controller.store as window_store
    if window_store is not None:  # the window opens a redirected path by its URL, as a user
        chosen = window_store.store_path  # would (File > Open Database...), so its live view,

        def window_path(path):  # worker and labels see a team store, not a missing file
            if not isinstance(path, PgLocation) and not is_url(path):
                database = redirects.url_of(path)
                if database is not None:
                    return PgLocation(database)
            return chosen(path)

        monkeypatch.setattr(window_store, "store_path", window_path)
    monkeypatch.delenv("LINEAGE_DESKTOP_BLOB_ROOT", raising=False)
    _current = redirects
    try:
        yield redirects
    finally:
        _current = None
        from lineage_desktop.sdk import stores

        stores._close_all()
        stack.close()


@pytest.fixture
def store_redirects(_store_backend) -> Redirects | None:
    """This test's ``Redirects`` under ``--backend postgresql``, None on SQLite."""
    return _store_backend
