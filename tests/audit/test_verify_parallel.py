"""The verify engine's fast paths give the answers of the plain one: content hashed on
worker threads, every manifest read in one query, blobs hashed from a descriptor."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import lineage_desktop as ld
import lineage_desktop.audit.verify as engine
from lineage_desktop.audit import verify_versions
from lineage_desktop.records import OpenStoreFile
from lineage_desktop.records.validation import UnsafeContent
from lineage_desktop.store.blobs import fd_digest, file_digest


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


def test_an_open_store_planted_as_a_blob_is_not_read(tmp_path):
    store = tmp_path / "s.db"
    with ld.init(project="p", store=store) as run:
        artifact = ld.Artifact("a", "dataset")
        with artifact.new_file("x.bin", mode="wb") as handle:
            handle.write(b"x")
        run.log_artifact(artifact)
    with ld.Api(store=store) as api:
        digest = "f" * 64
        folder = Path(api.store.blobs.root) / digest[:2]
        folder.mkdir(exist_ok=True)
        os.link(store, folder / digest)
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
