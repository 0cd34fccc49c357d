"""Version numbering, latest, aliases, de-duplication and use_artifact resolution."""
from __future__ import annotations

import pytest

import lineage_desktop as ld


def log(store_path, make_file, content, name="data", type="dataset", aliases=None, **init):
    with ld.init(project="p", entity="e", store=store_path, **init) as run:
        artifact = ld.Artifact(name, type)
        artifact.add_file(make_file(f"{name}-{content}.txt", content), name="data.txt")
        run.log_artifact(artifact, aliases=aliases)
    return run, artifact


def test_versions_count_up_and_latest_moves(store_path, make_file):
    _, first = log(store_path, make_file, "one")
    _, second = log(store_path, make_file, "two", aliases=["best"])
    assert (first.version, second.version) == ("v0", "v1")
    assert second.name == "data:v1"
    assert sorted(second.aliases) == ["best", "latest"]
    api = ld.Api(store=store_path)
    assert api.artifact("data").version == "v1"
    assert api.artifact("data:latest").version == "v1"
    assert api.artifact("data:v0").aliases == []
    assert [a.version for a in api.artifact_versions("data")] == ["v0", "v1"]


def test_identical_content_makes_no_new_version_and_moves_aliases(store_path, make_file):
    log(store_path, make_file, "one")
    log(store_path, make_file, "two")
    with pytest.warns(ld.DuplicateContentWarning, match="identical to data:v0"):
        _, again = log(store_path, make_file, "one", aliases=["rollback"])
    assert again.version == "v0"
    api = ld.Api(store=store_path)
    assert api.artifact("data:latest").version == "v0"
    assert api.artifact("data:rollback").version == "v0"
    assert len(api.artifact_versions("data")) == 2


def test_digest_ignores_name_metadata_description(make_file):
    path = make_file("x.txt", "same")
    a = ld.Artifact("a", "dataset", description="one", metadata={"k": 1})
    b = ld.Artifact("b", "dataset", description="two", metadata={"k": 2})
    a.add_file(path, name="f.txt")
    b.add_file(path, name="f.txt")
    assert a.digest == b.digest
    c = ld.Artifact("c", "dataset")
    c.add_file(path, name="g.txt")
    assert c.digest != a.digest


@pytest.mark.parametrize("ref", ["data", "data:best", "data:v0", "e/p/data:best", "p/data:v0"])
def test_use_artifact_by_every_reference_form(store_path, make_file, ref):
    log(store_path, make_file, "one", aliases=["best"])
    log(store_path, make_file, "two")
    with ld.init(project="p", entity="e", store=store_path) as run:
        used = run.use_artifact(artifact_or_name=ref)
    expected = "v1" if ref == "data" else "v0"
    assert used.version == expected
    assert [r.id for r in used.used_by()] == [run.id]
    assert [a.name for a in ld.Api(store=store_path).run(run.id).used_artifacts()] == [used.name]


def test_use_artifact_with_draft_logs_it_first(store_path, make_file):
    draft = ld.Artifact("external", "dataset")
    draft.add_file(make_file("e.txt", "e"))
    with ld.init(project="p", store=store_path) as run:
        used = run.use_artifact(draft)
    assert used.version == "v0"
    assert used.logged_by() is None
    assert [r.id for r in used.used_by()] == [run.id]


def test_logged_by_and_used_by(store_path, make_file):
    producer, data = log(store_path, make_file, "one")
    with ld.init(project="p", entity="e", store=store_path, job_type="train") as consumer:
        consumer.use_artifact("data:latest")
    assert data.logged_by().id == producer.id
    assert [r.id for r in data.used_by()] == [consumer.id]
    api_run = ld.Api(store=store_path).run(producer.id)
    assert [a.name for a in api_run.logged_artifacts()] == ["data:v0"]
    assert api_run.state == "finished"


def test_log_plain_path_names_artifact_after_run(store_path, make_file):
    path = make_file("report.csv", "a,b")
    with ld.init(project="p", store=store_path) as run:
        artifact = run.log_artifact(str(path))
    assert artifact.name == f"run-{run.id}-report.csv:v0"
    assert artifact.type == "unspecified"


def test_run_states_and_context_manager(store_path):
    with ld.init(project="p", store=store_path, job_type="train", config={"lr": 0.1}) as ok:
        pass
    with pytest.raises(RuntimeError), ld.init(project="p", store=store_path) as bad:
        raise RuntimeError("boom")
    manual = ld.init(project="p", store=store_path)
    api = ld.Api(store=store_path)
    assert api.run(ok.id).state == "finished" and api.run(ok.id).config == {"lr": 0.1}
    assert api.run(bad.id).state == "failed" and api.run(bad.id).exit_code == 1
    assert api.run(manual.id).state == "running"
    manual.finish()
    assert ld.Api(store=store_path).run(manual.id).state == "finished"


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_store_from_environment_and_default(tmp_path, monkeypatch, make_file):
    monkeypatch.chdir(tmp_path)
    with ld.init(project="p"):
        pass
    assert (tmp_path / "lineage.db").exists()
    monkeypatch.setenv("LINEAGE_DESKTOP_STORE", str(tmp_path / "env.db"))
    with ld.init(project="p"):
        pass
    assert (tmp_path / "env.db").exists()


def test_new_file_add_dir_and_references(store_path, tmp_path, make_file):
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a")
    (folder / "sub" / "b.txt").write_text("b")
    referenced = make_file("ref.bin", b"\x00\x01")
    artifact = ld.Artifact("bundle", "dataset")
    artifact.add_dir(folder, name="dir")
    with artifact.new_file("notes.md") as handle:
        handle.write("# notes")
    artifact.add_reference(referenced.as_uri(), name="ref.bin")
    artifact.add_reference("s3://bucket/key.parquet", checksum=False)
    with pytest.raises(ValueError, match="already has a file 'notes.md'"):
        with artifact.new_file("notes.md") as handle:
            handle.write("again")
    with ld.init(project="p", store=store_path) as run:
        run.log_artifact(artifact)
    paths = [e.path for e in artifact.files()]
    assert paths == ["dir/a.txt", "dir/sub/b.txt", "key.parquet", "notes.md", "ref.bin"]
    assert artifact.file_count == 5
    out = artifact.download(tmp_path / "out")
    assert (tmp_path / "out" / "dir" / "sub" / "b.txt").read_text() == "b"
    assert (tmp_path / "out" / "notes.md").read_text() == "# notes"
    assert (tmp_path / "out" / "ref.bin").read_bytes() == b"\x00\x01"
    assert out == str(tmp_path / "out")
    artifact.verify()


def test_mutable_policy_snapshots_content(store_path, make_file, tmp_path):
    path = make_file("m.txt", "before")
    artifact = ld.Artifact("snap", "dataset")
    artifact.add_file(path)
    path.write_text("after, changed before logging")
    with ld.init(project="p", store=store_path) as run:
        run.log_artifact(artifact)
    artifact.verify()
    assert (Path(artifact.download(tmp_path / "dl")) / "m.txt").read_text() == "before"


def test_aliases_as_of_history(store_path, make_file):
    log(store_path, make_file, "one", aliases=["production"])
    api_then = ld.Api(store=store_path)
    moment = api_then.artifact("data:production").created_at
    import time

    time.sleep(0.01)
    log(store_path, make_file, "two", aliases=["production"])
    assert ld.Api(store=store_path).artifact("data:production").version == "v1"
    assert ld.Api(store=store_path, as_of=moment).artifact("data:production").version == "v0"


from pathlib import Path  # noqa: E402
