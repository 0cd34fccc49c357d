"""Stand-in for tests/pg_fixtures.py (the PostgreSQL test server) until it lands."""
import os
import uuid

import pytest

BASE = os.environ.get("LINEAGE_DESKTOP_TEST_PG", "postgresql://postgres@127.0.0.1:55432/postgres")


@pytest.fixture
def pg_url():
    psycopg = pytest.importorskip("psycopg")
    name = "t_" + uuid.uuid4().hex[:12]
    try:
        with psycopg.connect(BASE, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL test server: {exc}")
    yield BASE.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(BASE, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def target(store_target, tmp_path, monkeypatch):
    """A store on either backend; a team store gets a shared blob root (a folder here)."""
    if store_target.startswith("postgresql://"):
        root = tmp_path / "shared-blobs"
        root.mkdir()
        monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(root))
    yield store_target
    from lineage_desktop.sdk import stores

    stores._close_all()
