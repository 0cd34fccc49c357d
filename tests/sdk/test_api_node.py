"""Api.node: the one resolver of references for the CLI, the window and audits."""
from __future__ import annotations

import pytest

import lineage_desktop as ld
from lineage_desktop.sdk.api_run import ApiRun


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "s.db"
    with ld.init(project="p", entity="e", store=path, name="maker") as run:
        artifact = ld.Artifact("data", "dataset")
        with artifact.new_file("a.txt") as handle:
            handle.write("a")
        run.log_artifact(artifact, aliases=["best"])
    return path, run.id


@pytest.mark.parametrize("ref", ["data", "data:latest", "data:best", "data:v0", "p/data:v0",
                                 "e/p/data:best", "artifact:data:v0"])
def test_every_version_reference_form(store, ref):
    path, _ = store
    with ld.Api(store=path) as api:
        found = api.node(ref)
        assert isinstance(found, ld.Artifact) and found.version == "v0"
        assert api.focus_of(ref) == ("v", found.id)


def test_runs_by_key_and_by_bare_id(store):
    path, run_id = store
    with ld.Api(store=path) as api:
        for ref in (f"run:{run_id}", run_id):
            found = api.node(ref)
            assert isinstance(found, ApiRun) and found.id == run_id
        assert api.focus_of(run_id) == ("r", run_id)


def test_a_run_started_after_the_as_of_time_is_not_there(store):
    path, run_id = store
    with ld.Api(store=path, as_of="2001-01-01T00:00:00Z") as api:
        with pytest.raises(ld.RunNotFound, match="after"):
            api.node(f"run:{run_id}")


def test_an_unknown_bare_name_names_both_readings(store):
    path, _ = store
    with ld.Api(store=path) as api:
        with pytest.raises(LookupError, match="no artifact named 'dat'.*no run has the id"):
            api.node("dat")


def test_the_read_side_facts_of_one_version(store):
    path, run_id = store
    with ld.Api(store=path) as api:
        version = api.node("data:v0")
        assert [r.id for r in api.runs_logging(version.id)] == [run_id]
        assert api.runs_using(version.id) == []
        assert [e.path for e in api.manifest(version.id)] == ["a.txt"]
        assert [v.version for v in api.collection_versions("data", "p", "e")] == ["v0"]
        assert api.run_count() == 1
        assert [r.id for r in api.runs(order="started_asc", limit=1)] == [run_id]
