"""Registry links, W&B doc-style: only the import line differs from W&B's examples."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import lineage_desktop as ld
from lineage_desktop.records import (
    InvalidArtifactName,
    InvalidArtifactType,
    TypeMismatch,
    ValidationError,
)
from lineage_desktop.store import Store


def _logged(run: ld.sdk.Run, make_file, name: str, content: str, type_: str = "model"):
    artifact = ld.Artifact(name=name, type=type_)
    artifact.add_file(local_path=str(make_file(f"{name}-{content}.txt", content)))
    return run.log_artifact(artifact)


def test_link_an_artifact_version_to_a_registry(store_path: Path, make_file) -> None:
    # W&B docs "Link an artifact version to a registry".
    with ld.init(entity="acme", project="churn", store=str(store_path)) as run:
        artifact = ld.Artifact(name="churn-model", type="model")
        artifact.add_file(local_path=str(make_file("model.pt", "weights-1")))
        linked = run.link_artifact(artifact=artifact,
                                   target_path="wandb-registry-model/churn",
                                   aliases=["production"])
    assert artifact.state == "COMMITTED" and artifact.version == "v0"  # logged first
    assert linked.is_link and not artifact.is_link
    assert linked.name == "churn:v0"
    assert linked.qualified_name == "acme/wandb-registry-model/churn:v0"
    assert sorted(linked.aliases) == ["latest", "production"]
    assert linked.digest == artifact.digest and linked.type == "model"
    assert linked.source_artifact.name == "churn-model:v0"
    assert [a.name for a in artifact.linked_artifacts] == ["churn:v0"]
    assert linked.linked_artifacts == []
    assert [e.path for e in linked.files()] == ["model.pt"]
    linked.verify()


def test_indices_gap_free_aliases_per_collection_and_relink(store_path: Path,
                                                            make_file) -> None:
    with ld.init(project="churn", store=str(store_path)) as run:
        first = _logged(run, make_file, "churn-model", "one")
        second = _logged(run, make_file, "churn-model", "two")
        a = run.link_artifact(first, "wandb-registry-model/churn", aliases=["staging"])
        b = first.link("wandb-registry-model/churn", aliases=["production"])
        c = run.link_artifact(second, "wandb-registry-model/churn")
        other = run.link_artifact(second, "wandb-registry-model/other", aliases=["staging"])
    assert (a.version, b.version, c.version, other.version) == ("v0", "v0", "v1", "v0")
    # One link, aliases added; ``latest`` is the most recently linked.
    assert sorted(b.aliases) == ["latest", "production", "staging"]
    assert c.aliases == ["latest"]
    # The source collection's aliases are its own.
    api = ld.Api(store=str(store_path))
    assert [(v.version, v.aliases) for v in api.artifact_versions("churn-model")] == [
        ("v0", []), ("v1", ["latest"])]
    assert api.artifact("wandb-registry-model/churn:staging").source_artifact.version == "v0"
    assert api.artifact("wandb-registry-model/other:staging").source_artifact.version == "v1"
    assert [(v.version, sorted(v.aliases)) for v in api.artifact_versions("churn")] == [
        ("v0", ["production", "staging"]), ("v1", ["latest"])]


def test_use_artifact_of_a_registry_path_records_the_source(store_path: Path,
                                                            make_file) -> None:
    with ld.init(project="churn", job_type="train", store=str(store_path)) as run:
        model = _logged(run, make_file, "churn-model", "w")
        run.link_artifact(model, "wandb-registry-model/churn", aliases=["production"])
    # W&B docs "Download an artifact from a registry".
    with ld.init(project="serve", job_type="inference", store=str(store_path)) as run:
        fetched = run.use_artifact(artifact_or_name="wandb-registry-model/churn:production")
        folder = fetched.download(root=str(store_path.parent / "dl"))
        used_run = run.id
    assert fetched.is_link
    assert Path(folder, os.listdir(folder)[0]).read_text() == "w"
    api = ld.Api(store=str(store_path))
    source = api.artifact("churn/churn-model:v0")
    assert [r.id for r in source.used_by()] == [used_run]
    assert api.artifact("wandb-registry-model/churn:production").used_by() == []


def test_link_model_and_use_model(store_path: Path, make_file,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_file("model.pt", "trained")
    with ld.init(project="churn", store=str(store_path)) as run:
        linked = run.link_model(path=str(path), registered_model_name="churn-model",
                                aliases=["production"])
        run_id = run.id
    assert linked.qualified_name.endswith("/wandb-registry-model/churn-model:v0")
    assert linked.source_artifact.name == f"run-{run_id}-model.pt:v0"
    assert linked.source_artifact.type == "model"
    monkeypatch.chdir(store_path.parent)  # use_model downloads into ./artifacts
    with ld.init(project="serve", store=str(store_path)) as run:
        local = run.use_model(name="wandb-registry-model/churn-model:production")
        legacy = run.use_model(name="model-registry/churn-model:latest")
    assert Path(local).read_text() == "trained" and Path(legacy).name == "model.pt"


def test_refusals(store_path: Path, make_file) -> None:
    with ld.init(project="churn", store=str(store_path)) as run:
        data = _logged(run, make_file, "raw", "x", type_="dataset")
        model = _logged(run, make_file, "m", "y")
        for bad in ("wandb-registry-model/churn:v0", "a/b/c/d", "wandb-registry-/x",
                    "wandb-registry-model/../x", "", "wandb-registry-model/bad name",
                    "a\\b/p/x", "wandb-registry-model/..", None):
            with pytest.raises(ValidationError):
                run.link_artifact(model, bad)
        run.link_artifact(model, "wandb-registry-model/churn")
        with pytest.raises(TypeMismatch):
            run.link_artifact(data, "wandb-registry-model/churn")
        with pytest.raises(InvalidArtifactName):
            run.link_model(str(make_file("f", "z")), "entity/project/name")
        with pytest.raises(InvalidArtifactType):
            run.use_model("churn/raw:latest")


def test_links_persist_across_reopen(store_path: Path, make_file) -> None:
    with ld.init(project="churn", store=str(store_path)) as run:
        model = _logged(run, make_file, "churn-model", "w")
        run.link_artifact(model, "wandb-registry-model/churn", aliases=["production"])
    with ld.init(project="churn", store=str(store_path)) as run:
        again = run.use_artifact("wandb-registry-model/churn:production")
        assert again.is_link and again.source_artifact.name == "churn-model:v0"
        relinked = run.link_artifact(again.source_artifact, "wandb-registry-model/churn")
        assert relinked.version == "v0"


def test_lineage_shows_links_on_the_source(store_path: Path, make_file) -> None:
    # W&B's registry shows a linked version's lineage: that of its source.
    with ld.init(project="churn", job_type="train", store=str(store_path)) as run:
        model = _logged(run, make_file, "churn-model", "w")
        run.link_artifact(model, "wandb-registry-model/churn", aliases=["production"])
        train = run.id
    with ld.init(project="churn", job_type="eval", store=str(store_path)) as run:
        run.use_artifact("wandb-registry-model/churn:production")
        evaluation = run.id
    api = ld.Api(store=str(store_path))
    graph = api.lineage("wandb-registry-model/churn:production")
    source = graph.nodes["artifact:churn-model:v0"]
    assert source["linked_to"] == ["wandb-registry-model/churn:v0 (latest, production)"]
    assert set(graph.edges) == {(f"run:{train}", "artifact:churn-model:v0"),
                                ("artifact:churn-model:v0", f"run:{evaluation}")}
    assert "artifact:churn:v0" not in graph  # the link annotates, it is not a node
    assert ("linked_to", source["linked_to"]) in source.details()  # reports list it


def test_links_of_links_other_stores_and_the_legacy_registry(tmp_path: Path,
                                                             make_file) -> None:
    store, other = tmp_path / "a.db", tmp_path / "b.db"
    with ld.init(project="churn", store=str(other)) as run:
        foreign = _logged(run, make_file, "m", "foreign")
    with ld.init(project="churn", store=str(store)) as run:
        model = _logged(run, make_file, "m", "w")
        first = run.link_artifact(model, "model-registry/churn")  # the former registry
        second = first.link("wandb-registry-staging/churn-candidates")
        with pytest.raises(ValidationError, match="another store"):
            run.link_artifact(foreign, "wandb-registry-model/churn")
    assert first.qualified_name.endswith("/wandb-registry-model/churn:v0")
    assert second.source_artifact.name == "m:v0"  # a link of a link points at the source
    api = ld.Api(store=str(store))
    assert api.artifact("model-registry/churn:latest").source_artifact.name == "m:v0"
    assert sorted(a.qualified_name.split("/", 1)[1] for a in
                  api.artifact("churn/m:v0").linked_artifacts) == [
        "wandb-registry-model/churn:v0", "wandb-registry-staging/churn-candidates:v0"]


def test_lineage_as_of_leaves_out_later_links(store_path: Path, make_file) -> None:
    with ld.init(project="churn", store=str(store_path)) as run:
        model = _logged(run, make_file, "m", "w")
    before = ld.Api(store=str(store_path)).artifact("m:v0").created_at
    with ld.init(project="churn", store=str(store_path)) as run:
        run.link_artifact(model, "wandb-registry-model/churn")
    past = ld.Api(store=str(store_path), as_of=before).lineage("m:v0")
    assert "linked_to" not in past.nodes["artifact:m:v0"]
    now = ld.Api(store=str(store_path)).lineage("m:v0")
    assert now.nodes["artifact:m:v0"]["linked_to"] == ["wandb-registry-model/churn:v0 (latest)"]


LINKER = textwrap.dedent("""
    import sys, lineage_desktop as ld
    store, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with ld.init(project="sweep", entity="e", store=store) as run:
        for i in range(count):
            art = ld.Artifact(f"model-{worker}", "model")
            with art.new_file("weights.bin", mode="xb") as f:
                f.write(f"worker {worker} item {i}".encode())
            run.link_artifact(art, "wandb-registry-model/best")
""")


@pytest.mark.sqlite_file("writes or reads the SQLite file directly, or from a subprocess")
def test_two_processes_link_into_one_collection(store_path: Path) -> None:
    Store.open(store_path).close()  # created once, as the sweeps of test_concurrency
    workers, per_worker = 2, 8
    procs = [subprocess.Popen([sys.executable, "-c", LINKER, str(store_path), str(w),
                               str(per_worker)], stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
             for w in range(workers)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * workers, "\n".join(errors)
    links = ld.Api(store=str(store_path)).artifact_versions("best")
    assert [v.version for v in links] == [f"v{i}" for i in range(workers * per_worker)]
    assert len({v.source_artifact.name for v in links}) == workers * per_worker
    assert [v.version for v in links if "latest" in v.aliases] == [
        max(links, key=lambda v: v.created_at).version]


def test_an_artifact_read_through_the_api_can_be_linked(tmp_path):
    """W&B's ``api.artifact(...).link(...)``: the read-only Api links through a writer."""
    path = tmp_path / "s.db"
    with ld.init(project="p", entity="e", store=path) as run:
        model = ld.Artifact("m", "model")
        with model.new_file("w.bin") as handle:
            handle.write("w")
        run.log_artifact(model)
    with ld.Api(store=path) as api:
        linked = api.artifact("m:v0").link("wandb-registry-model/m", aliases=["staging"])
        assert linked.is_link and "staging" in linked.aliases
    with ld.Api(store=path) as api:
        assert api.artifact("wandb-registry-model/m:staging").source_artifact.name == "m:v0"
