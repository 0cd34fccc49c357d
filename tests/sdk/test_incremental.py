"""New versions from existing ones: ``new_draft()``, ``remove()`` and ``incremental=True``
(W&B docs "Create a new artifact version from an existing one"; only the import changed)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import lineage_desktop as ld
import lineage_desktop as wandb  # the docs' snippets, with only the import line changed
from lineage_desktop.records import EntryNotFound
from lineage_desktop.sdk.artifact_draft import ArtifactFinalized


def _first_version(store_path, make_file):
    with wandb.init(project="p", store=store_path) as run:
        artifact = wandb.Artifact("data", "dataset", description="d", metadata={"k": 1})
        artifact.add_file(make_file("a.txt", "A"), name="a.txt")
        artifact.add_file(make_file("b.txt", "B"), name="imgs/b.txt")
        artifact.add_file(make_file("c.txt", "C"), name="imgs/c.txt")
        artifact.add_reference("https://example.com/x.csv")
        run.log_artifact(artifact)
    return artifact


def test_new_draft_from_logged_version_logs_the_next_version(store_path, make_file):
    _first_version(store_path, make_file)
    with wandb.init(project="p", job_type="modify", store=store_path) as run:
        saved_artifact = run.use_artifact("data:latest")
        draft_artifact = saved_artifact.new_draft()
        assert draft_artifact.state == "PENDING"
        assert (draft_artifact.name, draft_artifact.type) == ("data", "dataset")
        assert draft_artifact.description == "d" and draft_artifact.metadata == {"k": 1}
        draft_artifact.add_file(make_file("d.txt", "D"), name="d.txt")
        draft_artifact.remove("a.txt")
        run.log_artifact(draft_artifact)
    assert draft_artifact.version == "v1"
    api = ld.Api(store=store_path)
    paths = [e.path for e in api.artifact("data:v1").files()]
    assert paths == ["d.txt", "imgs/b.txt", "imgs/c.txt", "x.csv"]
    # The carried reference is still a reference; v0 is unchanged.
    (ref,) = [e for e in api.artifact("data:v1").files() if e.path == "x.csv"]
    assert ref.ref == "https://example.com/x.csv"
    assert len(api.artifact("data:v0").files()) == 4
    api.artifact("data:v1").verify()


def test_new_draft_outside_a_run_then_log(store_path, make_file):
    _first_version(store_path, make_file)
    draft = ld.Api(store=store_path).artifact("data:latest").new_draft()
    draft.remove("imgs")  # a folder removes every entry below it (W&B)
    with wandb.init(project="p", store=store_path) as run:
        run.log_artifact(draft)
    assert [e.path for e in draft.files()] == ["a.txt", "x.csv"]


def test_remove_by_entry_and_missing_names(store_path, make_file):
    logged = _first_version(store_path, make_file)
    draft = logged.new_draft()
    draft.remove(draft.get_entry("imgs/b.txt"))
    assert "imgs/b.txt" not in [e.path for e in draft.files()]
    with pytest.raises(EntryNotFound, match="nope"):
        draft.remove("nope")
    with pytest.raises(FileNotFoundError):  # W&B's class
        draft.remove("imgs/b.txt")
    # Removing a folder's last file frees the name for a file.
    draft.remove("imgs/c.txt")
    draft.add_file(make_file("flat", "F"), name="imgs")


def test_remove_on_a_logged_artifact_is_refused(store_path, make_file):
    logged = _first_version(store_path, make_file)
    with pytest.raises(ArtifactFinalized):
        logged.remove("a.txt")
    with pytest.raises(ArtifactFinalized):
        ld.Api(store=store_path).artifact("data:v0").remove("a.txt")


def test_remove_on_a_plain_draft(make_file):
    artifact = ld.Artifact("x", "dataset")
    artifact.add_file(make_file("one.txt", "1"), name="dir/one.txt")
    artifact.remove("dir/")
    assert artifact.files() == []


def test_new_draft_of_a_draft_needs_a_logged_version():
    with pytest.raises(ld.ArtifactNotLogged):
        ld.Artifact("x", "dataset").new_draft()


def test_incremental_logs_on_top_of_the_latest_version(store_path, make_file):
    _first_version(store_path, make_file)
    with wandb.init(project="p", store=store_path) as run:
        artifact = wandb.Artifact("data", "dataset", incremental=True)
        assert artifact.incremental
        artifact.add_file(make_file("a2.txt", "A2"), name="a.txt")  # replaces a.txt
        artifact.add_file(make_file("e.txt", "E"), name="e.txt")
        run.log_artifact(artifact)
    assert artifact.version == "v1"
    got = {e.path: e for e in ld.Api(store=store_path).artifact("data:v1").files()}
    assert sorted(got) == ["a.txt", "e.txt", "imgs/b.txt", "imgs/c.txt", "x.csv"]
    assert got["a.txt"].size == 2
    ld.Api(store=store_path).artifact("data:v1").verify()


def test_incremental_without_a_collection_is_a_first_version(store_path, make_file):
    with wandb.init(project="p", store=store_path) as run:
        artifact = wandb.Artifact("fresh", "dataset", incremental=True, use_as="x",
                                  storage_region="coreweave-us")
        artifact.add_file(make_file("a.txt", "A"))
        run.log_artifact(artifact)
    assert artifact.version == "v0" and [e.path for e in artifact.files()] == ["a.txt"]


def test_plain_artifact_is_not_incremental(store_path, make_file):
    _first_version(store_path, make_file)
    with wandb.init(project="p", store=store_path) as run:
        artifact = wandb.Artifact("data", "dataset")
        assert not artifact.incremental
        artifact.add_file(make_file("e.txt", "E"), name="e.txt")
        run.log_artifact(artifact)
    assert [e.path for e in artifact.files()] == ["e.txt"]


_ADDER = textwrap.dedent("""
    import sys, pathlib
    import lineage_desktop as wandb
    store, index, folder = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
    path = folder / f"part-{index}.txt"
    path.write_text(f"part {index}")
    with wandb.init(project="p", store=store) as run:
        artifact = wandb.Artifact("grow", "dataset", incremental=True)
        artifact.add_file(path)
        run.log_artifact(artifact)
""")


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_concurrent_incremental_writers_each_build_on_the_other(tmp_path, store_path):
    writers = 4
    wandb.init(project="p", store=store_path).finish()  # see test_distributed's launcher
    procs = [subprocess.Popen([sys.executable, "-c", _ADDER, str(store_path), str(i),
                               str(tmp_path)], stderr=subprocess.PIPE, text=True)
             for i in range(writers)]
    errors = [proc.communicate(timeout=120)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * writers, errors
    api = ld.Api(store=store_path)
    versions = api.artifact_versions("grow")
    assert [v.version for v in versions] == [f"v{i}" for i in range(writers)]
    # The latest read inside the writing transaction: no writer's file is lost.
    assert [e.path for e in api.artifact("grow:latest").files()] == [
        f"part-{i}.txt" for i in range(writers)]


def test_new_draft_logged_into_another_store_carries_the_content(tmp_path, store_path,
                                                                 make_file):
    _first_version(store_path, make_file)
    draft = ld.Api(store=store_path).artifact("data:v0").new_draft()
    other = tmp_path / "other.db"
    with wandb.init(project="p", store=other) as run:
        run.log_artifact(draft)
    copied = ld.Api(store=other).artifact("data:v0")
    assert copied.file_count == 4
    copied.verify()
