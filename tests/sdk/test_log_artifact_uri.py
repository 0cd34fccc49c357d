"""``run.log_artifact("s3://...")``: a URI that is no local path logs a reference
artifact named and typed as W&B's ``_prepare_artifact`` does, only the import changed."""
from __future__ import annotations

import warnings

import pytest

import lineage_desktop as ld


@pytest.mark.parametrize("uri, base", [
    ("s3://bucket/path/file.csv", "file.csv"),
    ("gs://bucket/data/images.tar", "images.tar"),
    ("https://example.com/files/weights.bin", "weights.bin"),
    ("http://example.com/a/b.txt", "b.txt"),
])
def test_uri_logs_one_reference(store_path, uri, base):
    with ld.init(project="p", store=str(store_path)) as run:
        logged = run.log_artifact(uri)
        run_id = run.id
    assert logged.name == f"run-{run_id}-{base}:v0"
    assert logged.type == "unspecified"
    [entry] = ld.Api(store=str(store_path)).artifact(f"run-{run_id}-{base}:latest").files()
    assert entry.ref == uri and entry.path == base


def test_name_and_type_given(store_path, tmp_path):
    with ld.init(project="p", store=str(store_path)) as run:
        run.log_artifact("s3://bucket/raw/data.csv", name="raw-data", type="dataset")
    logged = ld.Api(store=str(store_path)).artifact("raw-data:latest")
    assert logged.type == "dataset" and [e.ref for e in logged.files()] == [
        "s3://bucket/raw/data.csv"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        logged.download(str(tmp_path / "d"))
    assert any(issubclass(w.category, ld.ReferenceNotFetched) for w in caught)


def test_local_path_still_wins(store_path, make_file):
    path = make_file("plain.txt", "x")
    with ld.init(project="p", store=str(store_path)) as run:
        logged = run.log_artifact(str(path))
    assert [e.ref for e in logged.files()] == [None]


def test_missing_local_path_is_still_refused(store_path, tmp_path):
    with ld.init(project="p", store=str(store_path)) as run:
        with pytest.raises(FileNotFoundError):
            run.log_artifact(str(tmp_path / "missing.txt"))
