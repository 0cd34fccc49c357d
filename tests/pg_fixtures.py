"""PostgreSQL fixtures for the team-store suites (issue 16); tests/conftest.py registers them.

``pg_server``        (session) the base URL of a real server where the URL's role is a
                     superuser: ``$LINEAGE_DESKTOP_TEST_PG`` (``make test`` starts one with
                     scripts/pg-test-server.sh), else this module starts that server itself so
                     a plain ``pytest`` works, and stops it at the end if it started it.
``pg_url``           a fresh empty database per test, dropped (``WITH (FORCE)``) afterwards.
``pg_readonly_url``  the same database for a role of its own that can log in and only
                     ``SELECT``: the grants of READER_GRANTS, which the README documents.
``store_target``     parametrized over ``sqlite`` (``tmp_path/"store.db"`` as a str) and
                     ``postgresql`` (a ``pg_url``), for tests that must hold on both backends.

Where no server can be had (no PostgreSQL and no way to install it, or no psycopg) the
tests that ask for these fixtures are skipped with the reason; a server that exists but
fails is an error, never a skip.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import pytest

URL_VAR = "LINEAGE_DESKTOP_TEST_PG"
UNAVAILABLE_VAR = "LINEAGE_DESKTOP_TEST_PG_UNAVAILABLE"  # set by the script's `run`
ERROR_VAR = "LINEAGE_DESKTOP_TEST_PG_ERROR"  # likewise, when the server failed to start
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pg-test-server.sh"
UNAVAILABLE_EXIT = 3  # the script's exit status for "no server and no package here"
SKIP_PREFIX = "PostgreSQL team-store tests skipped:"

# What a team runs, connected to the store's database as a superuser or the database's
# owner, so that a desktop user can read every table the writer role makes and change
# nothing (the README's "Team store on PostgreSQL" shows them with its example names).
READER_GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {reader}",
    "GRANT USAGE ON SCHEMA public TO {reader}",
    "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}",
    "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {reader}",
    "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT SELECT ON TABLES TO {reader}",
    "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
    "GRANT SELECT ON SEQUENCES TO {reader}",
)


def with_database(url: str, database: str) -> str:
    """``url`` naming another database (user, host, port and query kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(database, safe="")))


def with_user(url: str, user: str, password: str | None = None) -> str:
    """``url`` logging in as another role (host, port, database and query kept)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    login = quote(user, safe="")
    if password is not None:
        login += ":" + quote(password, safe="")
    return urlunsplit(parts._replace(netloc=f"{login}@{host}"))


def database_of(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def _connect(url: str):  # -> psycopg.Connection; psycopg is imported only when a test needs it
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=600, check=False)


@contextmanager
def fresh_database(base_url: str, template: str | None = None) -> Iterator[str]:
    """A new empty database on ``base_url``'s server (or a copy of the database of the URL
    ``template``, which nobody may be connected to), dropped on exit even while clients
    (killed workers' leftovers, a window) are still connected to it."""
    from psycopg import sql

    name = f"t_{secrets.token_hex(6)}"
    with _connect(base_url) as conn:
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(database_of(template)))
        if conn.info.server_version >= 150000:
            # Copying template1's files takes half the time of WAL-logging them page by
            # page (15's default) on a server without fsync: ~110 ms a test instead of ~190.
            create += sql.SQL(" STRATEGY = FILE_COPY")
        conn.execute(create)
    try:
        yield with_database(base_url, name)
    finally:
        with _connect(base_url) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


@contextmanager
def readonly_role(db_url: str) -> Iterator[str]:
    """A new role that can log in to ``db_url``'s database and only read it: the tables
    there now and those ``db_url``'s role creates later (READER_GRANTS). Yields its URL;
    the role is dropped on exit."""
    from psycopg import sql

    reader = f"r_{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(16)
    names = {"database": sql.Identifier(database_of(db_url)), "reader": sql.Identifier(reader)}
    with _connect(db_url) as conn:
        owner = conn.execute("SELECT current_user").fetchone()[0]
        names["owner"] = sql.Identifier(owner)
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}")
                     .format(sql.Identifier(reader), sql.Literal(password)))
        for grant in READER_GRANTS:
            conn.execute(sql.SQL(grant).format(**names))
    try:
        yield with_user(db_url, reader, password)
    finally:
        with _connect(db_url) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                         " WHERE usename = %s AND pid <> pg_backend_pid()", (reader,))
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(reader)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(reader)))


def _server_url(xdist_worker: bool = False) -> Iterator[str]:
    """The body of ``pg_server``: find or start the server, yield its URL, stop it again if
    this session started it."""
    reason = os.environ.get(UNAVAILABLE_VAR)
    if reason:
        pytest.skip(f"{SKIP_PREFIX} {reason}")
    error = os.environ.get(ERROR_VAR)
    if error:
        pytest.fail(f"the PostgreSQL test server did not start: {error}")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip(f"{SKIP_PREFIX} psycopg is not installed (pip install -e '.[test]')")
    url = os.environ.get(URL_VAR, "")
    started = False
    if not url and xdist_worker:
        # Workers would race to start one server and each stop it when it ends.
        pytest.fail(f"pytest -n: start the server first (bash {SCRIPT.name} run pytest ..., as "
                    f"make test does) or set {URL_VAR}")
    if not url:
        if shutil.which("bash") is None:
            pytest.skip(f"{SKIP_PREFIX} no bash to run {SCRIPT.name}; set {URL_VAR}=<url>")
        was_running = _script("status").returncode == 0
        done = _script("start")
        if done.returncode == UNAVAILABLE_EXIT:
            pytest.skip(f"{SKIP_PREFIX} {done.stderr.strip()}")
        if done.returncode != 0:
            pytest.fail(f"{SCRIPT.name} start failed (exit {done.returncode}):\n{done.stderr}")
        url = done.stdout.strip().splitlines()[-1]
        started = not was_running
    if not url.startswith(("postgresql://", "postgres://")):
        pytest.fail(f"{URL_VAR} must be a postgresql:// URL, not {url!r}")
    try:
        with _connect(url) as conn:
            if not conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")\
                    .fetchone()[0]:
                pytest.fail(f"{URL_VAR}'s role must be a superuser (it makes databases and roles)")
        yield url
    finally:
        if started:
            _script("stop")


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """The base URL of a real PostgreSQL server (a superuser role; database ``postgres``)."""
    yield from _server_url(hasattr(request.config, "workerinput"))  # a pytest-xdist worker


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh empty database for this test (``postgresql://.../t_<random>``)."""
    with fresh_database(pg_server) as url:
        yield url


@pytest.fixture
def pg_readonly_url(pg_url: str) -> Iterator[str]:
    """``pg_url``'s database for a role of its own that may only ``SELECT``."""
    with readonly_role(pg_url) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives, once per backend: a SQLite file's path or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_url"))
