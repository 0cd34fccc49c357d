"""verify detects changed, missing and extra files (stored, downloaded and referenced)."""
from __future__ import annotations

import pytest

import lineage_desktop as ld


@pytest.fixture
def logged(store_path, make_file):
    ref = make_file("ref.csv", "a,b\n1,2\n")
    artifact = ld.Artifact("data", "dataset")
    with artifact.new_file("a.txt") as handle:
        handle.write("alpha")
    with artifact.new_file("b.txt") as handle:
        handle.write("beta")
    artifact.add_reference(ref.as_uri(), name="ref.csv")
    with ld.init(project="p", store=store_path) as run:
        run.log_artifact(artifact)
    return artifact, ref


def statuses(info):
    return sorted((p.path, p.status) for p in info.value.problems)


def test_untouched_verifies(logged, tmp_path):
    artifact, _ = logged
    artifact.verify()
    artifact.verify(artifact.download(tmp_path / "dl"))


def test_downloaded_changed_missing_extra(logged, tmp_path):
    artifact, _ = logged
    root = tmp_path / "dl"
    artifact.download(root)
    (root / "a.txt").write_text("tampered")
    (root / "b.txt").unlink()
    (root / "new.txt").write_text("extra")
    with pytest.raises(ld.VerificationFailed) as info:
        artifact.verify(root)
    assert statuses(info) == [("a.txt", "changed"), ("b.txt", "missing"), ("new.txt", "extra")]
    assert "a.txt" in str(info.value) and "new.txt" in str(info.value)


def test_stored_blob_and_reference_tampering(logged, store_path):
    artifact, ref = logged
    blob = store_path.with_name(store_path.name + ".files")
    a_entry = artifact.get_entry("a.txt")
    (blob / a_entry.digest[:2] / a_entry.digest).write_text("corrupted blob")
    ref.write_text("changed upstream")
    with pytest.raises(ld.VerificationFailed) as info:
        artifact.verify()
    assert statuses(info) == [("a.txt", "changed"), ("ref.csv", "changed")]
    ref.unlink()
    with pytest.raises(ld.VerificationFailed) as info:
        artifact.verify()
    assert ("ref.csv", "missing") in statuses(info)
