"""Blobs are re-hashed while they are copied in: content that no longer matches the
digest it was added under is refused, and nothing of it is left in the store."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.records import DigestMismatch
from lineage_desktop.store.blobs import BlobStore


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (content) and folder (None) below ``folder``. The ``-shm`` index is
    shared memory that readers update; it holds no content of the store."""
    return {p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes())
            for p in sorted(folder.rglob("*")) if not p.name.endswith("-shm")}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store holding one logged version, so that its blob folder exists."""
    path = tmp_path / "store" / "s.db"
    path.parent.mkdir()
    first = ld.Artifact("first", "dataset")
    with first.new_file("a.txt") as handle:
        handle.write("alpha")
    with ld.init(project="p", store=path) as run:
        run.log_artifact(first)
    return path


def source(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / "sources" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def test_immutable_file_changed_after_add_file_is_refused(store, tmp_path):
    changing = source(tmp_path, "model.bin", b"the weights that were hashed")
    artifact = ld.Artifact("model", "model")
    artifact.add_file(changing, policy="immutable")
    changing.write_bytes(b"weights swapped in afterwards")
    with ld.init(project="p", store=store) as run:
        before = snapshot(store.parent)
        with pytest.raises(DigestMismatch) as refused:
            run.log_artifact(artifact)
        assert snapshot(store.parent) == before  # the database and every blob
    assert str(changing) in str(refused.value) and "changed after" in str(refused.value)
    assert isinstance(refused.value, ValueError)
    assert not list(store.parent.rglob(".tmp-*"))
    with pytest.raises(LookupError):
        ld.Api(store=store).artifact("model:latest")
    assert [a.name for a in ld.Api(store=store).artifact_versions("first")] == ["first:v0"]


def test_unchanged_content_is_stored_under_its_digest(store, tmp_path):
    content = bytes(range(256)) * 40_000  # several copy buffers
    artifact = ld.Artifact("model", "model")
    artifact.add_file(source(tmp_path, "model.bin", content), policy="immutable")
    with ld.init(project="p", store=store) as run:
        logged = run.log_artifact(artifact)
    digest = logged.get_entry("model.bin").digest
    assert digest == hashlib.sha256(content).hexdigest()
    blob = Path(str(store) + ".files") / digest[:2] / digest
    assert blob.read_bytes() == content
    logged.verify()


def test_put_files_stores_none_when_one_of_them_changed(tmp_path):
    blobs = BlobStore(tmp_path / "s.db.files")
    good = source(tmp_path, "good.txt", b"good")
    bad = source(tmp_path, "bad.txt", b"original")
    bad_digest = hashlib.sha256(b"original").hexdigest()
    bad.write_bytes(b"edited")
    with pytest.raises(DigestMismatch, match="bad.txt"):
        blobs.put_files([(hashlib.sha256(b"good").hexdigest(), good), (bad_digest, bad)])
    assert not blobs.root.exists()  # the call made the folder, and took it away again


def test_a_link_planted_where_a_blob_belongs_is_replaced(tmp_path):
    blobs = BlobStore(tmp_path / "s.db.files")
    content = b"content"
    digest = hashlib.sha256(content).hexdigest()
    outside = source(tmp_path, "outside.txt", b"not the content")
    (blobs.root / digest[:2]).mkdir(parents=True)
    blobs.path_for(digest).symlink_to(outside)
    assert not blobs.has(digest)
    blobs.put_file(digest, source(tmp_path, "in.txt", content))
    assert not blobs.path_for(digest).is_symlink()
    assert blobs.path_for(digest).read_bytes() == content
    assert outside.read_bytes() == b"not the content"
