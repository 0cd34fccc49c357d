"""A full disk, for real: a 2 MiB tmpfs mounted for the test (root only; skipped with the
reason otherwise). Logging or importing into it fails with a named error that says the
disk is full, and the store stays as it was: it opens, ``PRAGMA integrity_check`` is ok,
every earlier version is there with its content, and the blob folder holds neither a
half-written blob nor a leftover temporary file."""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import lineage_desktop.sdk as ld
from lineage_desktop.records import ArtifactNotFound, StoreFull
from lineage_desktop.sdk import stores
from lineage_desktop.store import Store

pytestmark = pytest.mark.sqlite_file("about the SQLite file on a full disk")


DISK_SIZE = "2m"
EVENTS = Path(__file__).resolve().parents[1] / "fixtures" / "interop" / "openlineage_events.ndjson"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A freshly mounted 2 MiB tmpfs, unmounted afterwards."""
    mount = shutil.which("mount")
    if mount is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("a real full disk needs root to mount a small tmpfs")
    point = tmp_path / "disk"
    point.mkdir()
    done = subprocess.run([mount, "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting a small tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield point
    finally:
        for path, store in list(stores._writers.items()):  # writers this test left open
            if path[1].startswith(str(point)):
                store.close()
        if subprocess.run(["umount", str(point)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(point)], capture_output=True)


def fill(disk: Path, leave: int) -> Path:
    """Take all but about ``leave`` bytes of the disk's free space."""
    filler = disk / "filler"
    size = max(0, shutil.disk_usage(disk).free - leave)
    with open(filler, "ab") as out:
        out.truncate(size)  # tmpfs allocates on write, so write it for real
        out.seek(0)
        chunk = b"\0" * (1 << 16)
        for _ in range(size // len(chunk)):
            out.write(chunk)
        out.write(chunk[: size % len(chunk)])
    return filler


def make_file(folder: Path, name: str, size: int, seed: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(hashlib.sha256(str(seed).encode()).digest() * (size // 32 + 1))
    return path


def log_versions(store_path: Path, files: Path, count: int = 3) -> list[str]:
    """``count`` versions of artifact "data" (distinct small contents); their digests."""
    digests = []
    with ld.init(project="p", store=store_path, job_type="prep") as run:
        for i in range(count):
            art = run.log_artifact(make_file(files, f"data-{i}.bin", 20_000, i),
                                   name="data", type="dataset")
            digests.append(art.digest)
    stores.writer(store_path).close()
    return digests


def check_intact(store_path: Path, digests: list[str]) -> None:
    """The store opens, is sound, holds every earlier version, and its blob folder holds
    only whole blobs (each file's sha256 is its name) and no temporary file."""
    with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with ld.Api(store_path, project="p") as api:
        versions = api.artifact_versions("data")
        assert sorted(v.digest for v in versions) == sorted(digests)
        for version in versions:
            version.verify()  # every stored file re-hashed
    blobs = Path(str(store_path) + ".files")
    for path in blobs.rglob("*"):
        if path.is_dir():
            continue
        assert not path.name.startswith(".tmp"), f"leftover temporary file {path}"
        assert path.parent.name == path.name[:2], f"stray file {path}"
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        assert actual == path.name, f"half-written blob {path}"


def _log_too_big(disk: Path, tmp_path: Path) -> tuple[BaseException, list[str], Path]:
    """Earlier versions, then a full disk, then ``ld.init`` + ``log_artifact`` of a file
    bigger than the free space: the error, the earlier digests, the filler."""
    store_path = disk / "lineage.db"
    digests = log_versions(store_path, tmp_path / "files")
    filler = fill(disk, leave=256 * 1024)
    big = make_file(tmp_path / "files", "model.bin", 1024 * 1024, 99)
    run = ld.init(project="p", store=store_path, job_type="train")
    with pytest.raises(Exception) as caught:  # noqa: PT011 - which one is the question
        run.log_artifact(big, name="model", type="model")
    with contextlib.suppress(StoreFull):  # recording the failure may need space too
        run.finish(exit_code=1)
    stores.writer(store_path).close()
    return caught.value, digests, filler


def test_logging_a_file_bigger_than_the_free_space_leaves_the_store_intact(small_disk, tmp_path):
    error, digests, filler = _log_too_big(small_disk, tmp_path)
    assert isinstance(error, OSError) and error.errno == errno.ENOSPC, repr(error)
    assert "damaged" not in str(error) and "busy" not in str(error)
    store_path = small_disk / "lineage.db"
    check_intact(store_path, digests)
    with ld.Api(store_path, project="p") as api, pytest.raises(ArtifactNotFound):
        api.artifact_versions("model")

    # Space again: the same store takes the version.
    filler.unlink()
    big = tmp_path / "files" / "model.bin"
    with ld.init(project="p", store=store_path) as run:
        assert run.log_artifact(big, name="model", type="model").version == "v0"
    stores.writer(store_path).close()
    check_intact(store_path, digests)


def test_logging_a_file_bigger_than_the_free_space_names_the_full_disk(small_disk, tmp_path):
    error, _, _ = _log_too_big(small_disk, tmp_path)
    assert isinstance(error, StoreFull), repr(error)
    assert "disk is full" in str(error) and str(small_disk) in str(error)


def test_a_commit_that_does_not_fit(small_disk, tmp_path):
    """The blobs fit but the version's rows do not: SQLite's own write fails."""
    store_path = small_disk / "lineage.db"
    digests = log_versions(store_path, tmp_path / "files")
    art = ld.Artifact("refs", "dataset")
    for i in range(4_000):  # references: rows in the store, no blobs
        art.add_reference(f"s3://bucket/a-long-prefix-for-the-keys/part-{i:06d}.parquet")
    run = ld.init(project="p", store=store_path, job_type="index")
    fill(small_disk, leave=32 * 1024)

    with pytest.raises(StoreFull) as caught:
        run.log_artifact(art)
    message = str(caught.value)
    assert "disk is full" in message and "damaged" not in message and "\n" not in message
    with contextlib.suppress(StoreFull):
        run.finish(exit_code=1)
    stores.writer(store_path).close()
    check_intact(store_path, digests)
    with ld.Api(store_path, project="p") as api, pytest.raises(ArtifactNotFound):
        api.artifact_versions("refs")


def _cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lineage_desktop", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def _one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "damaged" not in lines[0] and "busy" not in lines[0], lines[0]
    return lines[0]


def _demo_into_full_disk(disk: Path) -> tuple[str, Path]:
    store_path = disk / "demo.db"
    fill(disk, leave=200 * 1024)
    return _one_line_error(_cli("demo", store_path, "--runs", "40")), store_path


def test_cli_demo_into_a_full_disk_exits_2_with_one_line(small_disk):
    _, store_path = _demo_into_full_disk(small_disk)
    # What the demo did commit before the disk filled up is sound.
    with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    Store.open(store_path, readonly=True).close()
    assert not list(Path(str(store_path) + ".files").rglob(".tmp*"))


def test_cli_demo_into_a_full_disk_says_the_disk_is_full(small_disk):
    line, _ = _demo_into_full_disk(small_disk)
    assert "disk is full" in line, line


def test_cli_import_openlineage_into_a_full_disk(small_disk, tmp_path):
    store_path = small_disk / "lineage.db"
    digests = log_versions(store_path, tmp_path / "files")
    filler = fill(small_disk, leave=0)
    line = _one_line_error(_cli("import-openlineage", store_path, EVENTS))
    assert "disk is full" in line, line
    # Not a byte free: SQLite cannot even map the store's -shm file to read it, and says
    # so by name; the store itself is untouched, as soon as a little space is free.
    with pytest.raises(StoreFull):
        Store.open(store_path, readonly=True)
    filler.unlink()
    check_intact(store_path, digests)
