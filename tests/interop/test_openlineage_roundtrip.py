"""Events exported from a store and imported into an empty one give the same lineage."""
from __future__ import annotations

import json

import networkx as nx
from interop_helpers import snapshot
from interop_store import write_store

import lineage_desktop as ld
from lineage_desktop.interop import export_events, import_openlineage
from lineage_desktop.store import Store


def _graph_data(path, ref):
    with ld.Api(store=str(path)) as api:
        graph = api.lineage(ref)
    return (sorted(graph.nodes(data=True), key=lambda item: item[0]),
            sorted(graph.edges()))


def test_export_then_import_gives_the_same_store(tmp_path, cli):
    source = write_store(tmp_path / "a.db")
    events = tmp_path / "events.ndjson"
    status, _, err = cli("export-openlineage", source, "-o", events)
    assert status == 0 and "wrote" in err
    lines = [json.loads(line) for line in events.read_text().splitlines()]
    assert {e.get("eventType") for e in lines} == {"START", "COMPLETE", "FAIL", "RUNNING"}
    assert all(e["producer"].startswith("urn:lineage-desktop:") for e in lines)
    target = tmp_path / "b.db"
    status, _, err = cli("import-openlineage", target, events)
    assert status == 0, err
    assert snapshot(target) == snapshot(source)
    for ref in ("churn-model:best", "raw-data:v0", "eval-config:latest", "predictions:v0"):
        assert _graph_data(target, ref) == _graph_data(source, ref)


def test_export_is_standard_openlineage(tmp_path):
    """Events parse with the official client's classes' field names and keep runIds."""
    source = write_store(tmp_path / "a.db")
    with Store.open(source, readonly=True) as store:
        events = export_events(store)
        runs = store.runs()
    run_ids = {e["run"]["runId"] for e in events if "run" in e}
    assert len(run_ids) == len(runs)
    complete = [e for e in events if e.get("eventType") == "COMPLETE"
                and e["job"]["name"] == "preprocess"][0]
    assert [o["name"] for o in complete["outputs"]] == ["train-data", "test-data"]
    assert complete["job"]["namespace"] == "lineage-desktop://acme/churn"
    assert complete["outputs"][0]["facets"]["version"]["datasetVersion"]
    failed = [e for e in events if e.get("eventType") == "FAIL"][0]
    assert failed["run"]["facets"]["errorMessage"]["message"] == "diverged"
    times = [e["eventTime"] for e in events]
    assert times == sorted(times)


def test_reimport_of_exported_events_adds_nothing(tmp_path):
    source = write_store(tmp_path / "a.db")
    events = tmp_path / "events.ndjson"
    with Store.open(source, readonly=True) as store:
        from lineage_desktop.interop import write_events

        write_events(export_events(store), events)
    before = snapshot(source)
    with Store.open(source) as store:
        report = import_openlineage(store, [events])
    assert report.ok and not report.counts["runs created"]
    assert not report.counts["versions created"] and not report.counts["usages created"]
    # The running run is "unchanged": its events say it is still running.
    assert snapshot(source) == before


def test_project_override_and_project_filter(tmp_path, cli):
    source = write_store(tmp_path / "a.db")
    write_store(source, project="other", tag="x")
    events = tmp_path / "events.ndjson"
    assert cli("export-openlineage", source, "-o", events, "--project", "other")[0] == 0
    target = tmp_path / "b.db"
    assert cli("import-openlineage", target, events, "--project", "copy",
               "--entity", "me")[0] == 0
    with Store.open(target, readonly=True) as store:
        assert [(p.entity, p.name) for p in store.projects()] == [("me", "copy")]
        assert store.run_count() == 6
    status, _, err = cli("export-openlineage", source, "--project", "nope")
    assert status == 2 and "no runs" in err


def test_export_refuses_a_missing_store(tmp_path, cli):
    status, _, err = cli("export-openlineage", tmp_path / "missing.db", "-o", tmp_path / "e")
    assert status == 2 and "no lineage store" in err
    assert not (tmp_path / "missing.db").exists()


def test_graph_is_acyclic_after_import(tmp_path):
    source = write_store(tmp_path / "a.db")
    events = tmp_path / "events.ndjson"
    with Store.open(source, readonly=True) as store:
        from lineage_desktop.interop import write_events

        write_events(export_events(store), events)
    with Store.open(tmp_path / "b.db") as store:
        import_openlineage(store, [events])
    with ld.Api(store=str(tmp_path / "b.db")) as api:
        assert nx.is_directed_acyclic_graph(api.lineage("raw-data:v0"))
