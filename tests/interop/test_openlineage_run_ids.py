"""A ``runId`` that is not a UUID (the spec requires one) is reported per line, and the
events of different jobs that share it do not merge into one run."""
from __future__ import annotations

import json

from lineage_desktop.interop.openlineage_import import import_openlineage
from lineage_desktop.store import Store


def _event(kind, time, job, run_id, outputs=()):
    return {"eventType": kind, "eventTime": time, "producer": "https://example.com/tool",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": run_id}, "job": {"namespace": "airflow", "name": job},
            "inputs": [], "outputs": [{"namespace": "pg", "name": name} for name in outputs]}


def test_jobs_sharing_a_bad_run_id_stay_apart_and_each_line_is_reported(tmp_path):
    events = tmp_path / "events.ndjson"
    lines = [_event("START", "2026-01-01T10:00:00Z", "extract", "1"),
             _event("COMPLETE", "2026-01-01T10:01:00Z", "extract", "1", ["raw"]),
             _event("START", "2026-01-01T10:02:00Z", "load", "1"),
             _event("COMPLETE", "2026-01-01T10:03:00Z", "load", "1", ["clean"]),
             _event("COMPLETE", "2026-01-01T10:04:00Z", "ok",
                    "0190c5f4-8e1d-7c3b-9a1f-2b6d4e8f0a11", ["fine"])]
    events.write_text("".join(json.dumps(e) + "\n" for e in lines))
    with Store.open(tmp_path / "s.db") as store:
        report = import_openlineage(store, [events])
        runs = {r.name: r for r in store.runs()}
        assert sorted(runs) == ["extract", "load", "ok"]
        assert runs["extract"].id != runs["load"].id
        assert runs["ok"].id == "0190c5f4-8e1d-7c3b-9a1f-2b6d4e8f0a11"
        # the runId as given is kept with the run
        assert runs["load"].config["openlineage"]["run"]["runId"] == "1"
        assert len(store.versions_logged_by(runs["load"].id)) == 1
        assert len(store.versions_logged_by(runs["extract"].id)) == 1
    noted = [n for n in report.notes if "is not a UUID" in n]
    assert [n.split(": run.runId")[0].rsplit(":", 1)[1] for n in noted] == ["1", "2", "3", "4"]
    assert all("'1'" in n for n in noted)
    # a second import of the same events adds nothing: the derived ids are stable
    with Store.open(tmp_path / "s.db") as store:
        import_openlineage(store, [events])
        assert len(store.runs()) == 3
