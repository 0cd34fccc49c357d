"""SQLite's POSIX locks survive every way this process opens a store a second time.

Closing any descriptor of a file drops all of the process's fcntl locks on it, so a
second open that reads the file outside SQLite silently unlocks the first connection;
another process then believes it is the last user and deletes the WAL under it.
/proc/locks shows the locks the kernel holds for this process.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.records import OpenStoreFile
from lineage_desktop.store import Store
from lineage_desktop.store.connection import ensure_not_open_store

pytestmark = [pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc"),
              pytest.mark.sqlite_file("about the SQLite file's locks")]


def held_locks(path: Path) -> list[str]:
    """This process's POSIX locks on ``path`` as listed by the kernel."""
    inode = os.stat(path).st_ino
    found = []
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        pid, where = int(fields[4]), fields[5]
        if pid == os.getpid() and where.rsplit(":", 1)[-1] == str(inode):
            found.append(line)
    return found


def log_one(run: ld.Run, name: str = "data", text: str = "x") -> ld.Artifact:
    artifact = ld.Artifact(name, "dataset")
    with artifact.new_file("f.txt") as handle:
        handle.write(text)
    return run.log_artifact(artifact)


def test_a_reader_opened_beside_a_writer_keeps_the_writers_lock(tmp_path):
    store = tmp_path / "s.db"
    run = ld.init(project="p", store=store)
    log_one(run)
    assert held_locks(store), "a WAL connection holds a shared lock on the database file"
    before = held_locks(store)
    api = ld.Api(store=store)
    api.artifact("data:latest")
    second = ld.Api(store=store)
    second.artifact_collections()
    other_spellings = [Store.open(store, readonly=True),
                       Store.open(tmp_path / "." / "s.db", readonly=True)]
    link = tmp_path / "link.db"
    link.symlink_to(store)
    other_spellings.append(Store.open(link, readonly=True))
    os.chdir(tmp_path)
    other_spellings.append(Store.open("s.db", readonly=True))
    assert held_locks(store) and len(held_locks(store)) >= len(before)
    for opened in (api, second, *other_spellings):
        opened.close()
    assert held_locks(store), "closing the readers must not drop the writer's lock"
    log_one(run, text="y")
    run.finish()


def test_api_on_a_runs_store_leaves_the_writer_open(tmp_path):
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        log_one(run)
        with ld.Api(store=run.store) as api:
            assert api.artifact("data:latest").version == "v0"
        assert not run.store.closed
        log_one(run, text="second")
    with ld.init(project="p", store=store) as later:
        log_one(later, text="third")
    assert [a.version for a in ld.Api(store=store).artifact_versions("data")] == [
        "v0", "v1", "v2"]


def test_two_writers_in_one_process_share_the_lock(tmp_path):
    store = tmp_path / "s.db"
    first = Store.open(store)
    second = Store.open(store)
    first.ensure_project("e", "p")
    assert held_locks(store)
    second.close()
    assert held_locks(store)
    first.close()


def test_the_open_store_file_cannot_be_read_as_a_plain_file(tmp_path):
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        log_one(run)
        for path in (store, Path(str(store) + "-wal"), tmp_path / "." / "s.db"):
            with pytest.raises(OpenStoreFile, match="open in this process"):
                ensure_not_open_store(path)
    from lineage_desktop.sdk import stores

    stores._close_all()
    ensure_not_open_store(store)  # closed: an ordinary file again
