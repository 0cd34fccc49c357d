"""The PostgreSQL test fixtures and scripts/pg-test-server.sh, checked against a real server:
fresh databases, a read-only role that reads what the owner makes and writes nothing, the
server script's idempotent start and clean stop, and the skip where no server can be had."""
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest
from pg_fixtures import (
    READER_GRANTS,
    SCRIPT,
    SKIP_PREFIX,
    UNAVAILABLE_EXIT,
    database_of,
    fresh_database,
    readonly_role,
)

psycopg = pytest.importorskip("psycopg")
from psycopg import errors  # noqa: E402

TESTS = Path(__file__).resolve().parents[1]
README = TESTS.parent / "README.md"


def connect(url):
    return psycopg.connect(url, autocommit=True)


def test_the_server_is_real_and_its_role_a_superuser(pg_server):
    with connect(pg_server) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
        superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert int(version) >= 120000
        assert superuser.fetchone()[0] is True


def test_pg_url_is_a_fresh_empty_database_of_its_own(pg_server, pg_url):
    name = database_of(pg_url)
    assert name.startswith("t_") and name != database_of(pg_server)
    with connect(pg_url) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == name
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone()[0] == 0
        conn.execute("CREATE TABLE runs (id text PRIMARY KEY)")
        conn.execute("INSERT INTO runs VALUES ('r1')")
        assert conn.execute("SELECT id FROM runs").fetchall() == [("r1",)]


def test_the_reader_reads_tables_the_owner_creates_later_and_writes_nothing(pg_url,
                                                                            pg_readonly_url):
    with connect(pg_url) as owner:  # the store creates its tables after the role exists
        owner.execute("CREATE TABLE versions (id bigint GENERATED ALWAYS AS IDENTITY,"
                      " name text NOT NULL)")
        owner.execute("INSERT INTO versions (name) VALUES ('model'), ('data')")
    with connect(pg_readonly_url) as reader:
        who = reader.execute("SELECT current_user, rolsuper FROM pg_roles"
                             " WHERE rolname = current_user").fetchone()
        assert who[0].startswith("r_") and who[1] is False
        rows = reader.execute("SELECT id, name FROM versions ORDER BY id").fetchall()
        assert rows == [(1, "model"), (2, "data")]
        for write in ("INSERT INTO versions (name) VALUES ('forged')",
                      "UPDATE versions SET name = 'forged'",
                      "DELETE FROM versions",
                      "TRUNCATE versions",
                      "CREATE TABLE forged (x int)",
                      "SELECT nextval(pg_get_serial_sequence('versions', 'id'))"):
            with pytest.raises(errors.InsufficientPrivilege):
                reader.execute(write)
    with connect(pg_url) as owner:
        assert owner.execute("SELECT name FROM versions ORDER BY id").fetchall() == [
            ("model",), ("data",)]


def test_the_reader_reads_tables_that_existed_before_it(pg_server):
    with fresh_database(pg_server) as url:
        with connect(url) as owner:
            owner.execute("CREATE TABLE artifacts (name text)")
            owner.execute("INSERT INTO artifacts VALUES ('churn-model')")
        with readonly_role(url) as reader_url, connect(reader_url) as reader:
            assert reader.execute("SELECT name FROM artifacts").fetchall() == [("churn-model",)]
            with pytest.raises(errors.InsufficientPrivilege):
                reader.execute("INSERT INTO artifacts VALUES ('forged')")


def test_a_fresh_database_goes_away_even_with_clients_still_connected(pg_server):
    with fresh_database(pg_server) as url:
        lingering = connect(url)  # a killed worker's session, a window left open
        name = database_of(url)
    with connect(pg_server) as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                            (name,)).fetchone()[0] == 0
    with pytest.raises(psycopg.OperationalError):
        lingering.execute("SELECT 1")
    lingering.close()


def test_the_reader_role_goes_away_even_while_logged_in(pg_server, pg_url):
    with readonly_role(pg_url) as reader_url:
        lingering = connect(reader_url)
        role = lingering.execute("SELECT current_user").fetchone()[0]
    with connect(pg_server) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (role,)).fetchone()[0] == 0
    lingering.close()


def test_store_target_is_a_sqlite_path_or_a_postgresql_url(request, store_target, tmp_path):
    backend = request.node.callspec.params["store_target"]
    assert isinstance(store_target, str)
    if backend == "sqlite":
        assert store_target == str(tmp_path / "store.db")
    else:
        assert store_target.startswith("postgresql://")
        with connect(store_target) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0].startswith("t_")


def test_the_readme_documents_the_reader_grants_the_fixture_runs():
    text = " ".join(README.read_text(encoding="utf-8").split())
    names = {"database": "lineage", "owner": "lineage_writer", "reader": "lineage_auditor"}
    for grant in READER_GRANTS:
        assert grant.format(**names) + ";" in text


# scripts/pg-test-server.sh itself, each case on a server of its own (its own folder)


def script(run_dir, *args, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_DESKTOP_")}
    env.update(LINEAGE_DESKTOP_PG_RUN=str(run_dir), LINEAGE_DESKTOP_PG_NO_INSTALL="1",
               **(extra_env or {}))
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def servers_in(run_dir):
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if str(run_dir) in " ".join(proc.info["cmdline"] or ()):
                found.append(proc.pid)
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.fixture
def run_dir(pg_server):
    """A folder for a second server (under /tmp: the server's user must reach it)."""
    path = Path("/tmp") / f"ld-pgtest-{secrets.token_hex(4)}"
    yield path
    script(path, "stop")


def test_start_is_idempotent_and_stop_leaves_nothing(run_dir):
    first = script(run_dir, "start")
    if first.returncode == UNAVAILABLE_EXIT:
        pytest.skip(f"no PostgreSQL binaries here for a second server: {first.stderr}")
    assert first.returncode == 0, first.stderr
    url = first.stdout.strip()
    assert url.startswith("postgresql://") and "127.0.0.1:" in url
    postmaster = (run_dir / "data" / "postmaster.pid").read_text().split()[0]
    again = script(run_dir, "start")
    assert again.returncode == 0 and again.stdout.strip() == url
    assert (run_dir / "data" / "postmaster.pid").read_text().split()[0] == postmaster
    assert script(run_dir, "status").returncode == 0
    socket_url = script(run_dir, "url", "--socket").stdout.strip()
    for each in (url, socket_url):
        with connect(each) as conn:
            assert conn.execute("SHOW fsync").fetchone()[0] == "off"
    assert (run_dir / f".s.PGSQL.{url.rsplit(':', 1)[1].split('/')[0]}").is_socket()

    assert script(run_dir, "stop").returncode == 0
    assert not run_dir.exists() and servers_in(run_dir) == []
    assert script(run_dir, "status").returncode != 0
    assert script(run_dir, "stop").returncode == 0  # stopping a stopped server is fine


def test_run_stops_the_server_it_started_even_when_the_command_fails(run_dir):
    probe = ("import os, psycopg; psycopg.connect(os.environ['LINEAGE_DESKTOP_TEST_PG']).close();"
             " print('connected'); raise SystemExit(7)")
    done = script(run_dir, "run", sys.executable, "-c", probe)
    if "initdb not found" in done.stderr:
        pytest.skip(f"no PostgreSQL binaries here for a second server: {done.stderr}")
    assert done.returncode == 7 and done.stdout.strip() == "connected", done.stderr
    assert not run_dir.exists() and servers_in(run_dir) == []


@pytest.mark.parametrize("through", ["pytest", "make test"])
def test_without_postgresql_the_pg_tests_skip_and_the_rest_run(tmp_path, through):
    (tmp_path / "test_both.py").write_text(textwrap.dedent("""
        def test_needs_postgresql(pg_url):
            raise AssertionError("ran without a server")

        def test_needs_nothing():
            pass
    """))
    command = [sys.executable, "-m", "pytest", "-p", "pg_fixtures", "-p", "no:cacheprovider",
               "-rs", str(tmp_path / "test_both.py")]
    if through == "make test":  # what the Makefile runs
        command = ["bash", str(SCRIPT), "run", *command]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_DESKTOP_")}
    env.update(PYTHONPATH=str(TESTS), LINEAGE_DESKTOP_PG_BINDIR=str(tmp_path / "no-postgresql"),
               LINEAGE_DESKTOP_PG_NO_INSTALL="1",
               LINEAGE_DESKTOP_PG_RUN=str(tmp_path / "no-server"))
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 skipped" in done.stdout
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1 and SKIP_PREFIX in skipped[0]
    assert "cannot be installed" in skipped[0]
