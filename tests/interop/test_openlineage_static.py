"""The spec's static events: a ``DatasetEvent`` (a dataset's facets, no run) and a
``JobEvent`` (a job's facets and datasets, no run) are imported and exported again."""
from __future__ import annotations

import json

from openlineage_schema import validate_event

from lineage_desktop.interop import export_events, import_openlineage, write_events
from lineage_desktop.store import Store

PG = "postgres://db.example.com:5432"
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/dbt"


def _versions(store: Store, dataset: str):
    return [v for p in store.projects() for v in store.all_versions(p.id)
            if v.metadata.get("openlineage", {}).get("name") == dataset]


def _dataset_event(at: str, fields: list[str]) -> str:
    schema = {"_producer": PRODUCER, "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/"
              "SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet",
              "fields": [{"name": name, "type": "text"} for name in fields]}
    return json.dumps({"eventTime": at, "producer": PRODUCER,
                       "schemaURL": f"{SPEC}#/$defs/DatasetEvent",
                       "dataset": {"namespace": PG, "name": "jaffle.public.customers",
                                   "facets": {"schema": schema}}}) + "\n"


def test_static_events_become_versions_without_a_run(tmp_path, fixtures, cli):
    status, _, err = cli("import-openlineage", tmp_path / "a.db",
                         fixtures / "openlineage_integrations.ndjson")
    assert status == 0, err
    with Store.open(tmp_path / "a.db", readonly=True) as store:
        (customers,) = _versions(store, "jaffle.public.customers")
        assert customers.run_id is None and customers.created_at.startswith("2024-04-30T12:00")
        assert customers.description == "One row per customer"
        fields = customers.metadata["openlineage"]["facets"]["schema"]["fields"]
        assert [f["name"] for f in fields] == ["customer_id", "email"]
        (summary,) = _versions(store, "jaffle.public.customer_summary")
        job = summary.metadata["openlineage"]["job"]
        assert (job["namespace"], job["name"]) == ("airflow", "etl_dag.summarise_customers")
        assert job["facets"]["sql"]["query"].startswith("insert into customer_summary")
        assert job["inputs"] == [[PG, "jaffle.public.customers"]]
        assert summary.run_id is None


def test_static_events_are_exported_as_static_events(tmp_path, fixtures):
    with Store.open(tmp_path / "a.db") as store:
        assert import_openlineage(store, [fixtures / "openlineage_integrations.ndjson"]).ok
        events = export_events(store)
    for event in events:
        validate_event(event)
    (dataset_event,) = [e for e in events if "dataset" in e]
    assert dataset_event["schemaURL"].endswith("#/$defs/DatasetEvent")
    assert dataset_event["dataset"]["name"] == "jaffle.public.customers"
    assert "schema" in dataset_event["dataset"]["facets"]
    (job_event,) = [e for e in events if "job" in e and "run" not in e]
    assert job_event["schemaURL"].endswith("#/$defs/JobEvent")
    assert job_event["job"]["facets"]["sql"]["query"].startswith("insert into")
    assert job_event["job"]["facets"]["sourceCodeLocation"]["type"] == "git"
    assert [d["name"] for d in job_event["inputs"]] == ["jaffle.public.customers"]
    assert [d["name"] for d in job_event["outputs"]] == ["jaffle.public.customer_summary"]
    # ... and read back into an empty store they are the same versions and job.
    again = tmp_path / "events.ndjson"
    write_events(events, again)
    with Store.open(tmp_path / "b.db") as store:
        assert import_openlineage(store, [again]).ok
        (summary,) = _versions(store, "jaffle.public.customer_summary")
        assert summary.metadata["openlineage"]["job"]["facets"]["sql"]["query"]
        assert [e for e in export_events(store) if "job" in e and "run" not in e] == [job_event]


def test_the_same_schema_again_adds_nothing_and_a_new_schema_is_a_new_version(tmp_path):
    events = tmp_path / "static.ndjson"
    events.write_text(_dataset_event("2024-04-30T12:00:00Z", ["id"])
                      + _dataset_event("2024-05-01T12:00:00Z", ["id"])
                      + _dataset_event("2024-05-02T12:00:00Z", ["id", "email"]))
    with Store.open(tmp_path / "a.db") as store:
        report = import_openlineage(store, [events])
        assert report.ok, report.skipped
        versions = _versions(store, "jaffle.public.customers")
        assert [(v.index, len(v.metadata["openlineage"]["facets"]["schema"]["fields"]))
                for v in versions] == [(0, 1), (1, 2)]
        assert import_openlineage(store, [events]).counts["versions created"] == 0
