"""The store on either backend for the cross-backend suites (pg_fixtures gives the server)."""
import pytest


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
