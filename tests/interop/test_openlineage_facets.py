"""Facets of real integrations' events (dbt, Airflow, Spark) survive import and export,
and what is exported validates against the OpenLineage schemas (vendored spec files)."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest
from openlineage_schema import standard_facets, validate_event

from lineage_desktop.interop import export_events, import_openlineage, write_events
from lineage_desktop.interop.openlineage_events import FACET
from lineage_desktop.interop.openlineage_facets import STANDARD, complete, is_uri
from lineage_desktop.store import Store

RUN_EVENTS = ("START", "RUNNING", "COMPLETE", "FAIL", "ABORT", "OTHER")


def _lines(path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _export(path) -> list[dict[str, Any]]:
    with Store.open(path, readonly=True) as store:
        return export_events(store)


def _assert_kept(original: dict[str, Any], exported: dict[str, Any], where: str) -> None:
    """Every facet of ``original`` is in ``exported`` with the same fields; a missing
    ``_producer``/``_schemaURL`` was filled in with a URI."""
    for key, facet in original.items():
        assert key in exported, f"{where}: facet {key} lost"
        for field, value in facet.items():
            assert exported[key][field] == value, f"{where}: {key}.{field} changed"
        assert is_uri(exported[key]["_producer"]) and is_uri(exported[key]["_schemaURL"])


def _by_run(events):
    """runId -> (run facets, job facets, {(io, ns, name): (facets, io facets)}), merged
    over the run's events as an importer would."""
    found: dict[str, Any] = defaultdict(lambda: ({}, {}, defaultdict(lambda: ({}, {}))))
    for event in events:
        if event.get("eventType") not in RUN_EVENTS:
            continue
        run, job, sets = found[event["run"]["runId"]]
        run.update(event["run"].get("facets") or {})
        job.update(event["job"].get("facets") or {})
        for io, io_key in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
            for item in event.get(io) or ():
                facets, io_facets = sets[(io, item["namespace"], item["name"])]
                facets.update(item.get("facets") or {})
                io_facets.update(item.get(io_key) or {})
    return found


@pytest.fixture
def imported(tmp_path, fixtures):
    events = fixtures / "openlineage_integrations.ndjson"
    with Store.open(tmp_path / "a.db") as store:
        report = import_openlineage(store, [events])
    return tmp_path / "a.db", _lines(events), report


def test_the_standard_facet_table_is_the_vendored_spec():
    assert standard_facets() == STANDARD


def test_every_exported_event_validates_against_the_spec(imported):
    path, _, _ = imported
    events = _export(path)
    assert len(events) > 10
    for event in events:
        validate_event(event)


def test_run_job_and_dataset_facets_survive_a_round_trip(imported):
    path, original, _ = imported
    exported = _by_run(_export(path))
    for run_id, (run, job, sets) in _by_run(original).items():
        assert run_id in exported, f"run {run_id} not exported"
        got_run, got_job, got_sets = exported[run_id]
        _assert_kept(run, got_run, f"{run_id} run")
        _assert_kept(job, got_job, f"{run_id} job")
        for place, (facets, io_facets) in sets.items():
            assert place in got_sets, f"{run_id}: {place} lost"
            got_facets, got_io = got_sets[place]
            _assert_kept(facets, got_facets, f"{run_id} {place}")
            _assert_kept(io_facets, got_io, f"{run_id} {place} io")


def test_data_quality_assertions_stay_with_the_run_that_made_them(imported):
    """dbt's test run asserts on the orders table that the model run wrote: the
    assertions are the test run's input facets, not the model run's output's."""
    path, _, _ = imported
    runs = _by_run(_export(path))
    test_run = runs["0192f3a1-1b2c-7d3e-8f40-5a6b7c8d9e03"][2]
    model_run = runs["0192f3a1-1b2c-7d3e-8f40-5a6b7c8d9e02"][2]
    orders = ("postgres://db.example.com:5432", "jaffle.public.orders")
    assertions = test_run[("inputs", *orders)][1]["dataQualityAssertions"]["assertions"]
    assert [a["success"] for a in assertions] == [True, False]
    written = model_run[("outputs", *orders)][1]
    assert written["outputStatistics"]["rowCount"] == 99
    assert "dataQualityAssertions" not in written


def test_facets_are_the_same_after_a_second_round_trip(imported, tmp_path):
    path, _, _ = imported
    first = _export(path)
    events = tmp_path / "first.ndjson"
    write_events(first, events)
    with Store.open(tmp_path / "b.db") as store:
        assert import_openlineage(store, [events]).ok
    second = _export(tmp_path / "b.db")

    def facets(events):
        found = {}
        for run_id, (run, job, sets) in _by_run(events).items():
            found[run_id] = ({k: v for k, v in run.items() if k != FACET}, job,
                             {p: ({k: v for k, v in f.items() if k != FACET},
                                  {k: v for k, v in io.items() if k != FACET})
                              for p, (f, io) in sets.items()})
        return found

    assert facets(second) == facets(first)


def test_complete_fills_what_the_spec_requires_and_keeps_what_is_valid():
    kept = {"_producer": "https://x/y", "_schemaURL": "https://x/s.json#/$defs/F", "a": 1}
    done = complete({"schema": {"fields": []}, "custom": {}, "odd": "text", "ok": kept,
                     "bad": {"_producer": "not a uri", "_schemaURL": ""}},
                    "DatasetFacet", "https://producer")
    assert done["ok"] is kept and "odd" not in done
    assert done["schema"]["_schemaURL"].endswith("SchemaDatasetFacet.json#/$defs/"
                                                 "SchemaDatasetFacet")
    assert done["custom"]["_schemaURL"].endswith("OpenLineage.json#/$defs/DatasetFacet")
    assert done["bad"]["_producer"] == "https://producer"
