"""Importers, the OpenLineage round trip and merge keep every output edge: a run that
wrote content equal to an existing version is a producer of that version too."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from interop_store import copy_store, write_store

import lineage_desktop as ld
from lineage_desktop.interop import export_events, import_openlineage
from lineage_desktop.interop.dvc_import import Snapshot, import_dvc
from lineage_desktop.interop.merge import merge_stores
from lineage_desktop.records import Run
from lineage_desktop.store import Store


def outputs(path: Path, by: str = "name") -> set[tuple[str, str, str]]:
    """``(run <name or id>, name@digest, logged at)`` of every output edge."""
    with Store.open(path, readonly=True) as store:
        runs = {r.id: getattr(r, by) for r in store.runs()}
        label = {v.id: f"{v.name}@{v.digest[:12]}" for v in store.all_versions()}
        return {(runs[rid], label[vid], at) for rid, vid, at in store.all_outputs()}


def producers(path: Path, ref: str) -> tuple[list[str], str | None]:
    """Ids of the runs that logged ``ref`` (first producer first) and of ``logged_by``."""
    with ld.Api(store=str(path)) as api:
        artifact = api.artifact(ref)
        first = artifact.logged_by()
        return ([r.id for r in api.store.runs_logging(artifact.record.id)],
                first.id if first else None)


# ---------------------------------------------------------------------- DVC
LOCK = """\
schema: '2.0'
stages:
  train:
    cmd: python train.py features.csv model.pkl
    deps:
    - path: features.csv
      hash: md5
      md5: {features}
      size: 100
    params:
      params.yaml:
        train.seed: {seed}
    outs:
    - path: model.pkl
      hash: md5
      md5: 46865edbf3d62fc5c039dd9d2b0567a4
      size: 200
  evaluate:
    cmd: python evaluate.py model.pkl
    deps:
    - path: model.pkl
      hash: md5
      md5: 46865edbf3d62fc5c039dd9d2b0567a4
      size: 200
    outs:
    - path: metrics.json
      hash: md5
      md5: 7b7a0e7b0e2bd2b0e0a1b6ab3d4a66e1
      size: 10
"""
FEATURES = ("f35d4cc2c552ac959ae602162b8543f3", "8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a39")


def test_dvc_stage_rerun_writing_the_same_file_keeps_its_output(tmp_path):
    """Commit 2 re-ran train with another seed on new features; model.pkl came out
    byte-identical (same md5), so it is one version with both train runs as producers."""
    pytest.importorskip("yaml")
    snapshots = [
        Snapshot("c1:dvc.lock", "dvc.lock", LOCK.format(features=FEATURES[0], seed=1),
                 "2026-02-01T10:00:00.000000Z", "c1", "Dana"),
        Snapshot("c2:dvc.lock", "dvc.lock", LOCK.format(features=FEATURES[1], seed=2),
                 "2026-02-02T10:00:00.000000Z", "c2", "Dana"),
    ]
    path = tmp_path / "dvc.db"
    with Store.open(path) as store:
        report = import_dvc(store, tmp_path, project="dvc", entity="e", snapshots=snapshots)
    assert report.ok, report.skipped
    with ld.Api(store=str(path)) as api:
        assert len(api.artifact_versions("model.pkl")) == 1
        trains = sorted((r for r in api.runs() if r.job_type == "train"),
                        key=lambda r: r.started_at)
        assert len(trains) == 2
        for run in trains:
            assert "model.pkl:v0" in [a.name for a in run.logged_artifacts()], run.id
        graph = api.lineage("model.pkl:v0")
        for run in trains:
            assert (f"run:{run.id}", "artifact:model.pkl:v0") in graph.edges
        # both feature versions are ancestors of the model; impact of the new features
        # reaches the model and its evaluation
        assert {"artifact:features.csv:v0", "artifact:features.csv:v1"} <= set(graph.nodes)
        downstream = api.lineage("features.csv:v1", upstream=0)
        assert "artifact:model.pkl:v0" in downstream.nodes
        assert "artifact:metrics.json:v0" in downstream.nodes
    assert producers(path, "model.pkl:v0") == ([t.id for t in trains], trains[0].id)
    with Store.open(path, readonly=True) as store:
        model = store.artifact_versions("model.pkl")[0]
        assert model.run_id == trains[0].id  # logged_by is the first producer
        assert [r.id for r in store.runs_logging(model.id)] == [t.id for t in trains]
        assert [at for rid, vid, at in store.all_outputs() if vid == model.id] == [
            "2026-02-01T10:00:00.000000Z", "2026-02-02T10:00:00.000000Z"]
    before = outputs(path, by="id")
    with Store.open(path) as store:  # importing again adds nothing
        import_dvc(store, tmp_path, project="dvc", entity="e", snapshots=snapshots)
    assert outputs(path, by="id") == before


# ---------------------------------------------------------------------- OpenLineage
def _event(kind: str, time: str, run_id: str, job: str, inputs=(), outputs_=()):
    def dataset(name: str, version: str | None = None):
        facets = {"version": {"_producer": "test", "_schemaURL": "test",
                              "datasetVersion": version}} if version else {}
        return {"namespace": "s3://lake", "name": name, "facets": facets}

    return {"eventType": kind, "eventTime": time, "producer": "https://example.com/test",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": run_id, "facets": {}},
            "job": {"namespace": "etl", "name": job, "facets": {}},
            "inputs": [dataset(*i) for i in inputs], "outputs": [dataset(*o) for o in outputs_]}


RUN_A = "01941f29-7c00-7a2b-9c51-2b1f3c4d5e0a"
RUN_B = "01941f29-7c00-7a2b-9c51-2b1f3c4d5e0b"


def test_openlineage_runs_writing_the_same_dataset_version_are_both_producers(tmp_path):
    events = [
        _event("START", "2026-01-05T02:00:00Z", RUN_A, "build", [("raw/a.csv", "1")]),
        _event("COMPLETE", "2026-01-05T02:10:00Z", RUN_A, "build", [("raw/a.csv", "1")],
               [("clean/orders", "42")]),
        _event("START", "2026-01-06T02:00:00Z", RUN_B, "build", [("raw/b.csv", "1")]),
        _event("COMPLETE", "2026-01-06T02:10:00Z", RUN_B, "build", [("raw/b.csv", "1")],
               [("clean/orders", "42")]),
    ]
    log = tmp_path / "events.ndjson"
    log.write_text("".join(json.dumps(e) + "\n" for e in reversed(events)))  # order-free
    path = tmp_path / "ol.db"
    with Store.open(path) as store:
        report = import_openlineage(store, [log], project="p", entity="e")
    assert report.ok, report.skipped
    with ld.Api(store=str(path)) as api:
        (version,) = api.artifact_versions("s3_lake_clean_orders") or [None]
        assert version is not None
        assert version.logged_by().id == RUN_A
        assert [r.id for r in api.store.runs_logging(version.record.id)] == [RUN_A, RUN_B]
        assert [a.name for a in api.run(RUN_B).logged_artifacts()] == [version.name]
        assert "artifact:s3_lake_clean_orders:v0" in api.lineage(
            "s3_lake_raw_b.csv:v0", upstream=0).nodes
    before = outputs(path, by="id")
    with Store.open(path) as store:
        again = import_openlineage(store, [log], project="p", entity="e")
    assert "created" not in again.summary()
    assert outputs(path, by="id") == before


def _store_with_two_producers(path: Path) -> Path:
    """The round-trip store, plus a second preprocess run that wrote identical
    train-data (its output edge is the one importers used to lose)."""
    write_store(path)
    with Store.open(path) as store:
        with ld.init(project="churn", entity="acme", job_type="preprocess",
                     store=store) as run:
            run.use_artifact("raw-data:prod")
            artifact = ld.Artifact("train-data", "dataset")
            with artifact.new_file("train.csv") as handle:
                handle.write("1")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ld.DuplicateContentWarning)
                run.log_artifact(artifact)
    return path


def test_openlineage_round_trip_keeps_every_output_and_its_time(tmp_path):
    source = _store_with_two_producers(tmp_path / "a.db")
    runs, first = producers(source, "train-data:v0")
    assert len(runs) == 2 and runs[0] == first
    with Store.open(source, readonly=True) as store:
        exported = export_events(store)
    second = [e for e in exported if e.get("eventType") == "COMPLETE"
              and e["job"]["name"] == "preprocess"][-1]
    (output,) = second["outputs"]
    assert output["name"] == "train-data"
    assert output["outputFacets"]["lineageDesktop"]["loggedAt"]
    log = tmp_path / "events.ndjson"
    log.write_text("".join(json.dumps(e) + "\n" for e in exported))
    target = tmp_path / "b.db"
    with Store.open(target) as store:
        assert import_openlineage(store, [log]).ok
    assert outputs(target, by="id") == outputs(source, by="id")
    with ld.Api(store=str(source)) as a, ld.Api(store=str(target)) as b:
        for api in (a, b):
            graph = api.lineage("train-data:v0")
            assert sum(1 for s, _ in graph.in_edges("artifact:train-data:v0")) == 2
        assert a.artifact("train-data:v0").logged_by() == b.artifact("train-data:v0").logged_by()


# ---------------------------------------------------------------------- merge
def test_merge_copies_every_output_edge(tmp_path):
    a = _store_with_two_producers(tmp_path / "a.db")
    target = tmp_path / "all.db"
    with Store.open(target) as store:
        report = merge_stores(store, [a])
    assert not report.conflicts, report.conflicts
    assert outputs(target, by="id") == outputs(a, by="id")
    assert producers(target, "train-data:v0") == producers(a, "train-data:v0")


def test_merge_of_two_machines_that_logged_the_same_content(tmp_path):
    """Machine B re-ran preprocess on a copy of A's store and wrote the same train-data:
    after the merge the version has both producers, A's first; merging again adds
    nothing."""
    a = write_store(tmp_path / "a.db")
    b = copy_store(a, tmp_path / "b.db")
    with Store.open(b) as store:
        with ld.init(project="churn", entity="acme", job_type="preprocess", name="on-b",
                     store=store) as run:
            artifact = ld.Artifact("train-data", "dataset")
            with artifact.new_file("train.csv") as handle:
                handle.write("1")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ld.DuplicateContentWarning)
                run.log_artifact(artifact)
    on_b = run.id
    with Store.open(a) as store:
        report = merge_stores(store, [b])
    assert report.counts["outputs added"] == 1
    assert not [c for c in report.conflicts if "logged by" in c], report.conflicts
    with ld.Api(store=str(a)) as api:
        version = api.artifact("train-data:v0")
        names = [r.name for r in api.store.runs_logging(version.record.id)]
        assert names[1:] == ["on-b"] and version.logged_by().name == names[0]
        assert ("run:" + on_b, "artifact:train-data:v0") in api.lineage("train-data:v0").edges
        assert [x.name for x in api.run(on_b).logged_artifacts()] == ["train-data:v0"]
    before = outputs(a, by="id")
    with Store.open(a) as store:
        again = merge_stores(store, [b])
    assert not again.counts["outputs added"]
    assert outputs(a, by="id") == before
    assert outputs(a, by="id") >= outputs(b, by="id")


# ---------------------------------------------------------------------- MLflow
def test_mlflow_dataset_from_two_runs_keeps_both_producers(tmp_path):
    """Two MLflow runs whose dataset inputs name the same content from different source
    runs (``runs:/<id>/...``): one version, both source runs its producers. Written
    through the importer's plan, so MLflow itself is not needed."""
    from lineage_desktop.interop.mlflow_import import MlflowImporter, _Version
    from lineage_desktop.interop.report import ImportReport

    path = tmp_path / "ml.db"
    times = [f"2026-03-0{day}T10:00:00.000000Z" for day in (1, 2)]
    with Store.open(path) as store:
        project_id = store.ensure_project("e", "ml")
        importer = MlflowImporter(store, ImportReport(), "mlruns", project_id)
        runs = [Run(id=f"src{n}", project="", entity="", name=f"src{n}", state="finished",
                    started_at=times[n]) for n in (0, 1)]
        for n in (0, 1):
            importer._add(_Version("orders", "dataset", "digest=abc", f"runs:/src{n}/orders",
                                   times[n], f"src{n}", {"mlflow": {"name": "orders"}}))
        importer.write(runs)
        assert importer.report.ok, importer.report.skipped
    assert producers(path, "orders:v0") == (["src0", "src1"], "src0")
    assert {(run, at) for run, _, at in outputs(path, by="id")} == {
        ("src0", times[0]), ("src1", times[1])}
