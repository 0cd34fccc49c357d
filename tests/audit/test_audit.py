"""Known answers for integrity, impact, as-of, diff and the report."""
from __future__ import annotations

import time

import lineage_desktop as ld
from lineage_desktop.audit import diff_versions, impact_csv, impact_rows, scan_graph, scan_store
from lineage_desktop.audit.report import build_report, raw_sources
from lineage_desktop.store import utc_now


def test_tampered_version_is_compromised_and_downstream_tainted(built):
    built.tamper("clean")
    api = ld.Api(store=built.path)
    graph = api.lineage("model")
    report = scan_graph(api.store, graph)
    assert set(report.compromised) == {"artifact:clean:v0"}
    assert report.compromised["artifact:clean:v0"][0].status == "changed"
    assert report.tainted == {built.runs["train"], "artifact:model:v0", built.runs["eval"],
                              "artifact:report:v0"}
    assert report.status("artifact:raw:v0") == "ok"
    whole = scan_store(api.store)
    assert set(whole.compromised) == {"artifact:clean:v0"}
    assert built.runs["fan"] in whole.tainted and "artifact:side:v0" in whole.tainted
    assert "artifact:labels:v0" not in whole.tainted


def test_missing_blob_is_compromised(built):
    built.tamper("labels").unlink()
    report = scan_store(ld.Api(store=built.path).store)
    assert report.compromised["artifact:labels:v0"][0].status == "missing"


def test_impact_on_chain_and_fan_out(built):
    api = ld.Api(store=built.path)
    rows = impact_rows(api, "clean")
    assert {r.key: r.level for r in rows} == {
        built.runs["fan"]: 1, built.runs["train"]: 1, "artifact:model:v0": 2,
        "artifact:side:v0": 2, built.runs["eval"]: 3, "artifact:report:v0": 4}
    assert [r.level for r in rows] == sorted(r.level for r in rows)
    model = next(r for r in rows if r.key == "artifact:model:v0")
    assert (model.kind, model.type, model.version, model.level) == ("artifact", "model", "v0", 2)
    text = impact_csv(rows)
    assert text.splitlines()[0] == "key,kind,name,type,version,created,author,level"
    assert len(text.splitlines()) == 7
    assert impact_rows(api, "report") == []


def test_as_of_excludes_later_runs_and_shows_old_alias(built):
    built.step("ship", outputs=[("bundle", "deployment")], aliases=["production"])
    moment = utc_now()
    time.sleep(0.01)
    built.step("ship2", outputs=[("bundle", "deployment")], aliases=["production"],
               files={"f.txt": "second bundle"})
    built.step("late", ["model:latest"], [("late-report", "report")])
    now = ld.Api(store=built.path)
    then = ld.Api(store=built.path, as_of=moment)
    assert now.artifact("bundle:production").version == "v1"
    assert then.artifact("bundle:production").version == "v0"
    assert then.artifact("bundle:latest").version == "v0"
    assert [a.version for a in then.artifact_versions("bundle")] == ["v0"]
    graph_now, graph_then = now.lineage("model"), then.lineage("model")
    assert built.runs["late"] in graph_now and built.runs["late"] not in graph_then
    assert "late-report" not in {c.name for c in then.artifact_collections()}
    assert built.runs["late"][4:] not in {r.id for r in then.runs()}


def test_diff_lists_exact_changes(built):
    built.step("retrain", ["clean:latest"], [("model", "model")],
               metadata={"auc": 0.9, "params": {"depth": 6}},
               files={"f.txt": "model by train", "weights.bin": "w"})
    built.step("retrain2", ["raw:latest"], [("model", "model")],
               metadata={"auc": 0.93, "params": {"depth": 8}, "note": "x"},
               files={"f.txt": "changed", "extra.txt": "e"})
    api = ld.Api(store=built.path)
    diff = diff_versions(api, "model:v1", "model:v2")
    assert [e.path for e in diff.files_added] == ["extra.txt"]
    assert [e.path for e in diff.files_removed] == ["weights.bin"]
    assert [c.path for c in diff.files_changed] == ["f.txt"]
    assert diff.metadata_added == {"note": "x"}
    assert diff.metadata_changed == {"auc": (0.9, 0.93), "params.depth": (6, 8)}
    assert diff.metadata_removed == {}
    assert diff.inputs_only_a == ["clean:v0"]
    assert diff.inputs_only_b == []
    assert not diff.identical
    assert diff_versions(api, "model:v1", "model:v1").identical
    assert diff.to_json()["files"]["added"][0]["path"] == "extra.txt"


def test_report_is_self_contained_and_escaped(built):
    built.step("html", ["raw:latest"], [("xss", "dataset")])
    api = ld.Api(store=built.path)
    graph = api.lineage("model")
    graph.nodes["artifact:clean:v0"]["description"] = "<img src=x onerror=alert(1)>"
    assert raw_sources(graph, "artifact:model:v0") == ["artifact:labels:v0", "artifact:raw:v0"]
    html = build_report(graph, "artifact:model:v0", str(built.path),
                        image="<svg xmlns='http://www.w3.org/2000/svg'></svg>",
                        integrity=scan_graph(api.store, graph))
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html
    assert "raw:v0 → ingest" in html or "raw:v0 → " in html
    assert "All 5 artifact versions match" in html
    assert "<svg" in html and "http" not in html.replace("http://www.w3.org", "")
