"""IntegrityRunner (background scan), the marks it leads to, and the legend."""
from __future__ import annotations

import lineage_desktop as ld
from lineage_desktop.audit import ClusterMark, scan_graph
from lineage_desktop.ui.audit import IntegrityLegend, IntegrityRunner, apply_marks, view_marks


def test_tampered_blob_is_compromised_and_downstream_tainted(qtbot, built):
    built.tamper("clean")
    graph = ld.Api(store=built.path).lineage("raw")
    runner = IntegrityRunner()
    seen = []
    runner.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(runner.started) as started, \
            qtbot.waitSignal(runner.finished, timeout=10_000) as finished:
        runner.start(built.path, graph)
    report = finished.args[0]
    assert started.args == [5]  # raw, clean, model, report, side
    assert set(report.compromised) == {"artifact:clean:v0"}
    assert report.compromised["artifact:clean:v0"][0].status == "changed"
    assert report.tainted == {built.runs["train"], "artifact:model:v0", built.runs["eval"],
                              "artifact:report:v0", built.runs["fan"], "artifact:side:v0"}
    assert report.checked == 5
    assert seen[-1] == (5, 5)
    assert runner.report is report and not runner.is_running()
    assert runner.report_for(graph) is report
    assert runner.report_for(ld.Api(store=built.path).lineage("raw")) is None  # another graph
    runner.shutdown()


def test_scan_of_an_intact_lineage_is_ok(qtbot, built):
    # The runner gets a graph and a path only: it opens its own read-only connection.
    graph = ld.Api(store=built.path).lineage("model")
    runner = IntegrityRunner()
    with qtbot.waitSignal(runner.finished, timeout=10_000) as finished:
        runner.start(str(built.path), graph)
    assert finished.args[0].ok and finished.args[0].checked == 5  # raw labels clean model report
    runner.shutdown()


def test_stale_scan_is_dropped(qtbot, built):
    built.tamper("labels")
    api = ld.Api(store=built.path)
    old, new = api.lineage("labels"), api.lineage("side")
    runner = IntegrityRunner()
    reports = []
    runner.finished.connect(reports.append)
    first = runner.start(built.path, old)
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        second = runner.start(built.path, new)
    runner.shutdown()  # let the first job's thread end too; its answer must stay dropped
    qtbot.wait(50)  # deliver any queued answer (there must be none)
    assert second == first + 1 == runner.request_id
    assert len(reports) == 1
    assert reports[0].ok and "artifact:side:v0" not in reports[0].compromised


def test_cancel_emits_cancelled_and_no_report(qtbot, built):
    graph = ld.Api(store=built.path).lineage("raw")
    runner = IntegrityRunner()
    runner.start(built.path, graph)
    with qtbot.waitSignal(runner.cancelled), \
            qtbot.assertNotEmitted(runner.finished, wait=100):
        runner.cancel()
    assert runner.report is None and not runner.is_running()
    runner.shutdown()


def test_unreadable_store_fails_with_a_message(qtbot, built, tmp_path):
    graph = ld.Api(store=built.path).lineage("raw")
    bogus = tmp_path / "not-a-store.db"
    bogus.write_bytes(b"hello, not sqlite" * 100)
    runner = IntegrityRunner()
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.start(bogus, graph)
    assert failed.args[0] and "\n" not in failed.args[0]
    runner.shutdown()


def test_marks_reach_the_scene_and_clusters(qtbot, built, drawn):
    built.tamper("clean")
    for n in range(5):  # five evaluations of the model form one cluster
        built.step(f"eval{n}", ["model:latest"], [(f"score{n}", "report")])
    api = ld.Api(store=built.path)
    graph = api.lineage("clean")
    report = scan_graph(api.store, graph)
    scene, view = drawn(graph, threshold=5)
    clusters = [k for k, a in view.nodes(data=True) if a.get("kind") == "cluster"]
    assert clusters  # the eval runs or the score reports are clustered
    marks = view_marks(report, view)
    assert marks.compromised == {"artifact:clean:v0"}
    assert set(clusters) <= marks.tainted
    assert "artifact:model:v0" in marks.tainted
    apply_marks(scene, marks)
    assert scene.node_item("artifact:clean:v0").compromised
    assert not scene.node_item("artifact:model:v0").compromised
    for key in clusters:  # every member is downstream of clean: tainted, and counted
        members = len(view.nodes[key]["members"])
        assert marks.clusters[key] == ClusterMark(0, members, members)
        card = scene.node_item(key)
        assert card.integrity_mark == marks.clusters[key] and card.tainted
        assert f"{members} tainted (downstream of compromised content) — of {members} " \
            "members" in card.tooltip_markup()
    apply_marks(scene, None)
    assert not scene.node_item("artifact:clean:v0").compromised
    assert all(scene.node_item(key).integrity_mark is None for key in clusters)


def test_legend_counts_and_problem_list(qtbot, built, artifacts_dir):
    built.tamper("clean")
    blob = built.tamper("labels")
    blob.unlink()
    api = ld.Api(store=built.path)
    report = scan_graph(api.store, api.lineage("model"))
    legend = IntegrityLegend(dark=False)
    qtbot.addWidget(legend)
    legend.resize(460, 300)
    assert legend.counts() == {"compromised": None, "tainted": None, "unchecked": None,
                               "ok": None}
    legend.set_progress(2, 4)
    legend.show()
    qtbot.waitExposed(legend)
    legend.grab().save(str(artifacts_dir / "ui_audit_legend_progress.png"))
    legend.set_report(report)
    # Versions by status: tainted ones are not "verified" (before: ok = checked -
    # compromised counted model and report as verified).
    assert legend.counts() == {"compromised": 2, "tainted": 2, "unchecked": 0, "ok": 1}
    assert legend.summary_text() == (
        "Checked 5 files of 5 versions (this lineage, 5 of 6 versions); 0 not checked; "
        "3 matching; 2 mismatching (1 changed, 1 missing).")
    assert legend.problem_rows() == [("clean:v0", "f.txt", "changed"),
                                     ("labels:v0", "f.txt", "missing")]
    assert legend.findChild(type(legend._status), "legend_tainted").text().startswith(
        "Tainted: 2 — downstream")
    legend.grab().save(str(artifacts_dir / "ui_audit_legend.png"))
    with qtbot.waitSignal(legend.node_activated) as activated:
        tree = legend._problems
        tree.itemDoubleClicked.emit(tree.topLevelItem(1), 0)
    assert activated.args == ["artifact:labels:v0"]
    with qtbot.waitSignal(legend.run_requested) as requested:
        legend._run.click()
    assert requested.args == ["lineage"]


def test_window_verify_says_what_it_checked_and_finds_extras(qtbot, built, tmp_path):
    """The window runs the CLI's engine: extra files in a referenced folder compromise
    the version (before, only ``verify`` looked for them), remote references are counted
    as unchecked with why, and the database is checked; the legend says so, one line
    each."""
    folder = tmp_path / "shards"
    folder.mkdir()
    for name in ("a.bin", "b.bin"):
        (folder / name).write_bytes(name.encode())
    shards = ld.Artifact("shards", "dataset")
    shards.add_reference(folder.as_uri(), name="shards")  # W&B: prefix only if named
    shards.add_reference("s3://bucket/remote.bin", checksum=False)
    with ld.init(project="p", entity="e", job_type="shard", store=built.path) as run:
        run.use_artifact("model:latest")
        run.log_artifact(shards)
    (folder / "planted.bin").write_bytes(b"extra")
    graph = ld.Api(store=built.path).lineage("shards")
    runner = IntegrityRunner()
    with qtbot.waitSignal(runner.finished, timeout=10_000) as finished:
        runner.start(built.path, graph)
    runner.shutdown()
    report = finished.args[0]
    assert [(p.status, p.path) for p in report.problems()] == [("extra", "shards/planted.bin")]
    assert report.database is not None and report.database.ok
    legend = IntegrityLegend(dark=False)
    qtbot.addWidget(legend)
    legend.set_report(report)
    lines = legend.checked_lines()
    assert lines["scope"] == "Scope: this lineage, 5 of 7 versions"
    assert lines["checked"].startswith("Checked: 6 files")
    assert lines["unchecked"] == ("Not checked: 1 file — 1 remote reference (s3://) that "
                                  "cannot be fetched offline")
    assert lines["matching"] == "Matching: 6 files"
    assert lines["mismatching"] == "Mismatching: 0 files changed or missing"
    assert lines["extra"].startswith("Extra: 1 file")
    assert lines["database"] == "Database: integrity_check found no problem"
    shown = legend.findChild(type(legend._status), "integrityChecked").text().splitlines()
    assert shown == [line for field, line in lines.items() if field != "summary"]
    assert legend.summary_text() == lines["summary"] + "."
    assert legend.problem_rows() == [("shards:v0", "shards/planted.bin", "extra")]
    legend.set_report(None)
    assert legend.checked_lines() == {}
