"""Stores on network filesystems: detected from the mount table, refused for writing,
read as an immutable snapshot only when no write-ahead log is pending."""
from __future__ import annotations

from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.records import NetworkFilesystem
from lineage_desktop.store import Store, connection
from lineage_desktop.store.filesystems import filesystem_type

pytestmark = pytest.mark.sqlite_file("about the SQLite file on a network filesystem")


MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda1 rw
40 27 0:45 / /mnt/team rw,relatime shared:1 - nfs4 fileserver:/export rw,vers=4.2
41 40 0:46 / /mnt/team/local\\040disk rw - ext4 /dev/vdb1 rw
42 27 0:47 / /home/me/sshfs rw - fuse.sshfs me@host:/ rw
"""


@pytest.fixture
def mountinfo(tmp_path: Path) -> Path:
    path = tmp_path / "mountinfo"
    path.write_text(MOUNTINFO)
    return path


@pytest.mark.parametrize(("folder", "kind"), [
    ("/mnt/team/project", "nfs4"),
    ("/mnt/team", "nfs4"),
    ("/mnt/teamwork", "ext4"),  # a prefix of the name is not a parent folder
    ("/mnt/team/local disk/x", "ext4"),  # escaped space, nested mount wins
    ("/home/me/sshfs/data", "fuse.sshfs"),
    ("/srv", "ext4"),
])
def test_the_mount_holding_a_folder_is_found(mountinfo, folder, kind):
    assert filesystem_type(folder, mountinfo) == kind


def test_unreadable_mount_table_means_unknown(tmp_path):
    assert filesystem_type("/", tmp_path / "absent") is None


@pytest.fixture
def on_nfs(monkeypatch):
    monkeypatch.delenv("LINEAGE_DESKTOP_NETWORK_FS", raising=False)
    monkeypatch.setattr(connection, "network_filesystem", lambda folder: "nfs4")


def _quiet_store(path: Path) -> None:
    with ld.init(project="p", store=path) as run:
        artifact = ld.Artifact("data", "dataset")
        with artifact.new_file("a.txt") as handle:
            handle.write("a")
        run.log_artifact(artifact)
    from lineage_desktop.sdk import stores

    stores._close_all()  # the last writer checkpoints and removes the WAL


def test_writing_on_a_network_filesystem_is_refused_untouched(tmp_path, on_nfs):
    path = tmp_path / "team.db"
    with pytest.raises(NetworkFilesystem, match="network filesystem .nfs4.*PostgreSQL"):
        ld.init(project="p", store=path)
    assert not path.exists()


def test_a_quiet_store_on_a_network_filesystem_reads_as_a_snapshot(tmp_path, monkeypatch):
    path = tmp_path / "team.db"
    _quiet_store(path)
    monkeypatch.setattr(connection, "network_filesystem", lambda folder: "nfs4")
    before = path.read_bytes()
    with ld.Api(store=path) as api:
        assert api.artifact("data:latest").version == "v0"
    assert path.read_bytes() == before
    assert not Path(str(path) + "-shm").exists()  # immutable: no shared memory over NFS


def test_a_store_with_a_pending_wal_on_a_network_filesystem_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "team.db"
    writer = Store.open(path)
    writer.ensure_project("e", "p")  # the WAL now holds a commit
    monkeypatch.setattr(connection, "network_filesystem", lambda folder: "nfs4")
    with pytest.raises(NetworkFilesystem, match="write-ahead log"):
        Store.open(path, readonly=True)
    writer.close()


def test_the_check_can_be_overridden_by_someone_who_knows(tmp_path, on_nfs, monkeypatch):
    monkeypatch.setenv("LINEAGE_DESKTOP_NETWORK_FS", "allow")
    Store.open(tmp_path / "single-host.db").close()
