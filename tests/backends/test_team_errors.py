"""A team store's failures are named errors: a server that cannot be reached, a database
that is not a store, a role that may only read (issue 16)."""
from __future__ import annotations

import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

import lineage_desktop as ld
from lineage_desktop.records import (
    NotALineageStore,
    ReadOnlyStore,
    StoreError,
    StorePermissionDenied,
)
from lineage_desktop.records.errors import InvalidText
from lineage_desktop.sdk import stores
from lineage_desktop.store import Store
from lineage_desktop.store.blobs import BlobRootMissing


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_server_is_named_and_hides_the_password():
    url = f"postgresql://alice:s3cret@127.0.0.1:{_free_port()}/lineage"
    with pytest.raises(StoreError) as caught:
        Store.open(url, readonly=True)
    assert "cannot reach the PostgreSQL store" in str(caught.value)
    assert "s3cret" not in str(caught.value)
    result = subprocess.run([sys.executable, "-m", "lineage_desktop.cli.main", "ls", url],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr + result.stdout


def test_a_database_that_is_not_a_store_is_refused_untouched(pg_url):
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id int)")
    for readonly in (True, False):
        with pytest.raises(NotALineageStore, match="not a lineage store"):
            Store.open(pg_url, readonly=readonly)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    assert tables == ["customers"]


def test_an_empty_database_is_not_created_by_a_reader(pg_url):
    with pytest.raises(NotALineageStore, match="empty database"):
        Store.open(pg_url, readonly=True)


def test_newer_schema_is_refused(pg_url):
    psycopg = pytest.importorskip("psycopg")
    Store.open(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE lineage_meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer lineage_desktop"):
        Store.open(pg_url, readonly=True)


def test_files_without_a_blob_root_say_how_to_set_one(pg_url, tmp_path, monkeypatch):
    monkeypatch.delenv("LINEAGE_DESKTOP_BLOB_ROOT", raising=False)
    run = ld.init(project="p", store=pg_url)
    art = ld.Artifact("d", type="dataset")
    with art.new_file("a.txt") as handle:
        handle.write("x")
    with pytest.raises(BlobRootMissing, match="LINEAGE_DESKTOP_BLOB_ROOT"):
        run.log_artifact(art)
    run.finish()
    stores._close_all()
    monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(tmp_path / "not-mounted"))
    run = ld.init(project="p", store=pg_url)
    with pytest.raises(BlobRootMissing, match="not there on this machine"):
        run.log_artifact(art)
    run.finish()
    assert not (tmp_path / "not-mounted").exists()  # never made: shared storage is mounted


def test_a_select_only_role_reads_and_cannot_write(pg_url, pg_readonly_url, tmp_path,
                                                   monkeypatch):
    monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(tmp_path))
    with ld.init(project="p", store=pg_url) as run:
        art = ld.Artifact("d", type="dataset")
        with art.new_file("a.txt") as handle:
            handle.write("x")
        run.log_artifact(art, aliases=["production"])
    stores._close_all()
    # The role has the README's GRANTs (tests/pg_fixtures.py READER_GRANTS): SELECT only.
    api = ld.Api(store=pg_readonly_url)
    assert api.artifact("p/d:production").version == "v0"
    assert len(api.lineage("p/d:v0")) == 2
    assert api.artifact("p/d:production").download(root=str(tmp_path / "out"))
    api.close()
    with pytest.raises(StorePermissionDenied, match="permission denied for this role"):
        ld.init(project="p", store=pg_readonly_url)  # a writer: refused by the server
    with Store.open(pg_readonly_url, readonly=True) as store:
        with pytest.raises(ReadOnlyStore):
            with store.transaction() as conn:
                conn.execute("DELETE FROM aliases")
    secret = urlsplit(pg_readonly_url).password
    shown = ld.Api(store=pg_readonly_url)
    assert secret and secret not in str(shown.store.path)  # used to connect, never shown
    shown.close()


def test_text_with_a_nul_is_refused_by_name(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LINEAGE_DESKTOP_BLOB_ROOT", str(tmp_path))
    with ld.init(project="p", store=pg_url) as run:
        with pytest.raises(InvalidText, match="NUL"):  # as on SQLite, before any write
            ld.Artifact("d", type="dataset", description="bad\x00text")
        good = ld.Artifact("d", type="dataset", description="<script>\x1b[31m")
        run.log_artifact(good)  # HTML and escape codes are kept as text
    api = ld.Api(store=pg_url)
    assert api.artifact("p/d:v0").description == "<script>\x1b[31m"
    api.close()
