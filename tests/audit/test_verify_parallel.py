"""The verify engine's fast paths give the answers of the plain one: content hashed on
worker threads, small blobs read in batches, every manifest read in one query, blobs
hashed from a descriptor."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import lineage_desktop as ld
import lineage_desktop.audit.verify as engine
from lineage_desktop.audit import verify_versions
from lineage_desktop.records import OpenStoreFile
from lineage_desktop.records.validation import UnsafeContent
from lineage_desktop.sdk.integrity import check_entry
from lineage_desktop.store import Store
from lineage_desktop.store.blobs import fd_digest, file_digest
from lineage_desktop.store.files_below import BlobReader
from lineage_desktop.store.hashing import fd_sha256


@pytest.fixture
def damaged(tmp_path):
    """Twelve one-file versions and a three-file one, with a changed, a missing, a linked
    and a FIFO blob among them: the store and those four blobs' paths."""
    store = tmp_path / "d.db"
    with ld.init(project="p", store=store) as run:
        for i in range(12):
            artifact = ld.Artifact(f"out-{i % 3}", "metrics")
            with artifact.new_file("m.bin", mode="wb") as handle:
                handle.write(os.urandom(100 + i))
            run.log_artifact(artifact)
        shard = ld.Artifact("shard", "dataset")
        for name in ("a", "b", "c"):
            with shard.new_file(name, mode="wb") as handle:
                handle.write(name.encode() * 1000)
        run.log_artifact(shard)
    api = ld.Api(store=store)
    blobs = sorted(Path(str(store) + ".files").glob("*/*"))
    blobs[0].write_bytes(b"tampered")
    blobs[1].unlink()
    outside = tmp_path / "outside.bin"
    outside.write_bytes(blobs[2].read_bytes())
    blobs[2].unlink()
    blobs[2].symlink_to(outside)
    blobs[3].unlink()
    os.mkfifo(blobs[3])
    api.close()
    return store, blobs[:4]


@pytest.fixture
def open_store_file(tmp_path):
    """``open_store_file(store)``: the file of a SQLite store this process has open: the
    store's own, or when ``store`` is a team store (no file), a SQLite store open beside
    it, as when one is merged into the other."""
    opened = []

    def find(store) -> Path:
        with ld.Api(store=store) as api:
            if api.store.dialect == "sqlite":
                return Path(store)
        beside = tmp_path / "beside.db"
        beside.touch()  # an existing file: SQLite's, whatever the backend of the test
        opened.append(Store.open(beside))
        return beside

    yield find
    for store in opened:
        store.close()


def _versions(api: ld.Api) -> list:
    return [v.record for c in api.artifact_collections()
            for v in api.artifact_versions(c.name)]


def _report(store: Path, monkeypatch, **settings: int):
    for name, value in settings.items():
        monkeypatch.setattr(engine, name, value)
    with ld.Api(store=store) as api:
        return verify_versions(api.store, _versions(api), progress_by="file")


def _same(a, b) -> None:
    assert a.findings == b.findings and a.compromised == b.compromised
    assert (a.files, a.matching, a.unchecked, a.locations, a.tainted) == (
        b.files, b.matching, b.unchecked, b.locations, b.tainted)


def test_threads_and_one_query_change_nothing(damaged, monkeypatch):
    damaged, _ = damaged
    plain = _report(damaged, monkeypatch, HASH_THREADS=1, ONE_QUERY_FROM=10**9)
    assert sorted(f.status for f in plain.findings) == [
        "changed", "missing", "unsafe", "unsafe"]
    assert plain.files == 15 and plain.matching == 11
    # Every file on the pool, a short look-ahead, all manifests at once.
    fast = _report(damaged, monkeypatch, HASH_THREADS=3, PARALLEL_FROM=0, AHEAD=2,
                   ONE_QUERY_FROM=1)
    _same(plain, fast)


def test_cancel_half_way_with_the_pool(damaged, monkeypatch):
    monkeypatch.setattr(engine, "PARALLEL_FROM", 0)
    monkeypatch.setattr(engine, "HASH_THREADS", 2)
    damaged, _ = damaged
    with ld.Api(store=damaged) as api:
        versions = _versions(api)
        done: list[int] = []
        report = verify_versions(api.store, versions, lambda d, t: done.append(d),
                                 cancel=lambda: len(done) >= 5, database=None)
    assert not report.complete and report.checked == 5
    assert report.files == sum(v.file_count for v in versions[:5])


def test_blob_digest_keeps_the_checks_of_open(damaged):
    store, (changed, missing, linked, fifo) = damaged
    with ld.Api(store=store) as api:
        blobs = api.store.blobs
        assert blobs.digest_of(changed.name) == file_digest(changed)
        with pytest.raises(UnsafeContent, match="symbolic link"):
            blobs.digest_of(linked.name)
        with pytest.raises(UnsafeContent, match="not a regular file"):
            blobs.digest_of(fifo.name)
        with pytest.raises(FileNotFoundError):
            blobs.digest_of(missing.name)


def test_an_open_store_planted_as_a_blob_is_not_read(tmp_path, open_store_file):
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        artifact = ld.Artifact("a", "dataset")
        with artifact.new_file("x.bin", mode="wb") as handle:
            handle.write(b"x")
        run.log_artifact(artifact)
    planted = open_store_file(store)
    with ld.Api(store=store) as api:
        digest = "f" * 64
        folder = Path(api.store.blobs.root) / digest[:2]
        folder.mkdir(exist_ok=True)
        os.link(planted, folder / digest)
        with pytest.raises(OpenStoreFile):
            api.store.blobs.digest_of(digest)


def test_fd_digest_reads_to_the_end(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(3 << 20) + b"tail")
    fd = os.open(path, os.O_RDONLY)
    try:
        assert fd_digest(fd) == file_digest(path)
    finally:
        os.close(fd)


def _plain_findings(store: Path) -> list:
    """Every entry checked one after the other by the per-entry rules (no batches)."""
    with ld.Api(store=store) as api:
        return [found for version in _versions(api)
                for entry in api.store.manifest(version.id)
                if (found := check_entry(api.store, f"{version.name}:{version.version}",
                                         entry)) is not None]


@pytest.mark.parametrize(("threads", "on_pool"), [(1, False), (3, False), (3, True)])
def test_blob_batches_give_the_per_entry_answers(damaged, monkeypatch, tmp_path, threads,
                                                  on_pool):
    store, (changed, *_) = damaged
    # A blob folder swapped for a link to a copy of it: refused, not read through.
    folder = sorted(p for p in Path(str(store) + ".files").iterdir()
                    if p.is_dir() and p != changed.parent)[-1]
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy, symlinks=True)
    shutil.rmtree(folder)
    folder.symlink_to(copy, target_is_directory=True)
    report = _report(store, monkeypatch, HASH_THREADS=threads, BATCH_FILES=2, AHEAD=3,
                     BATCHES_ON_POOL=on_pool)
    plain = _plain_findings(store)
    assert list(report.findings) == plain
    assert sorted(f.status for f in plain).count("unsafe") >= 3
    assert report.matching == report.files - len(plain)


def test_blob_reader_answers_only_the_plain_case(damaged, tmp_path, open_store_file):
    store, (changed, missing, linked, fifo) = damaged
    open_store = open_store_file(store)
    with ld.Api(store=store) as api:
        blobs = Path(api.store.blobs.root)
        good = next(p for p in sorted(blobs.glob("*/*"))
                    if p not in (changed, missing, linked, fifo))
        planted = "f" * 64
        (blobs / planted[:2]).mkdir(exist_ok=True)
        os.link(open_store, blobs / planted[:2] / planted)  # an open store as a blob
        digests = [good.name, changed.name, missing.name, linked.name, fifo.name,
                   planted, "../" + good.name[3:], "e" * 64]
        with BlobReader(blobs) as reader:
            found = reader.digests(digests)
        assert found == [good.name, file_digest(changed)[0]] + [None] * 6
        reader.close()  # twice is fine; a closed reader answers nothing
        assert reader.digests([good.name]) == [None]


def test_fd_sha256_reads_what_is_there(tmp_path):
    path = tmp_path / "f.bin"
    for data in (b"", b"x" * 10, os.urandom((1 << 20) + 5)):
        path.write_bytes(data)
        fd = os.open(path, os.O_RDONLY)
        try:
            # The size by fstat ends the read early; a wrong one only costs reads.
            assert fd_sha256(fd, len(data)) == file_digest(path)[0]
            os.lseek(fd, 0, os.SEEK_SET)
            assert fd_sha256(fd, len(data) + 3) == file_digest(path)[0]
        finally:
            os.close(fd)


def test_progress_by_file_is_reported_in_steps(damaged, monkeypatch):
    monkeypatch.setattr(engine, "PROGRESS_FILES", 4)
    store, _ = damaged
    with ld.Api(store=store) as api:
        seen: list[tuple[int, int]] = []
        verify_versions(api.store, _versions(api), lambda d, t: seen.append((d, t)),
                        database=None, progress_by="file")
    assert seen == [(1, 15), (5, 15), (9, 15), (13, 15), (15, 15)]
