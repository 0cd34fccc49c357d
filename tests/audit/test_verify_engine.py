"""The one verify engine (``audit/verify.py``) behind ``verify``, the window and the
report: what it counts, and the behaviours where the old copies disagreed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import lineage_desktop as ld
import lineage_desktop.audit.verify as engine
from lineage_desktop.audit import describe, scan_graph, scan_store, verify_versions
from lineage_desktop.audit.report import build_report
from lineage_desktop.cli.main import main
from lineage_desktop.store.files_below import BlobReader


@pytest.fixture
def refs(tmp_path):
    """A store: ``shared`` and ``copy`` hold the same blob; ``images`` references a local
    folder and one remote object; ``model`` is logged from ``images``."""
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"a")
    (folder / "b.png").write_bytes(b"b")
    store = tmp_path / "refs.db"
    blob = tmp_path / "same.txt"
    blob.write_text("same content")
    with ld.init(project="p", job_type="ingest", store=store) as run:
        for name in ("shared", "copy"):
            artifact = ld.Artifact(name, "dataset")
            artifact.add_file(str(blob), "same.txt")
            run.log_artifact(artifact)
        images = ld.Artifact("images", "dataset")
        images.add_reference(folder.as_uri(), name="images")  # W&B: prefix only if named
        images.add_reference("s3://bucket/remote.bin", checksum=False)
        run.log_artifact(images)
    with ld.init(project="p", job_type="train", store=store) as run:
        run.use_artifact("images:latest")
        model = ld.Artifact("model", "model")
        with model.new_file("w.bin") as handle:
            handle.write("weights")
        run.log_artifact(model)
    return store, folder


def _versions(api: ld.Api) -> list:
    return [api.artifact(n).record for n in ("shared", "copy", "images", "model")]


def test_counts_scope_and_memoised_hashing(refs, monkeypatch):
    store, _ = refs
    calls = []
    real = engine.check_content
    monkeypatch.setattr(engine, "check_content",
                        lambda *a: calls.append(a[3]) or real(*a))
    read: list[str] = []  # small blobs are read in batches, not by check_content
    batch = BlobReader.digests
    monkeypatch.setattr(BlobReader, "digests",
                        lambda self, digests: read.extend(digests) or batch(self, digests))
    api = ld.Api(store=store)
    seen = []
    report = verify_versions(api.store, _versions(api), lambda d, t: seen.append((d, t)),
                             scope="four versions")
    assert report.ok and report.complete and report.checked == 4
    assert report.files == 6 and report.files_checked == 5 and report.matching == 5
    assert [(u.artifact, u.reason) for u in report.unchecked] == [
        ("images:v0", "s3:// reference: cannot be read offline")]
    assert len(calls) == 2 and len(read) == 2  # the blob shared by two versions once
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert report.database is not None and report.database.ok
    assert dict(describe(report)) == {
        "summary": "Checked 5 files of 4 versions (four versions, 4 of 4 versions); 1 not "
                   "checked: remote reference (s3://) that cannot be fetched offline; "
                   "5 matching; 0 mismatching",
        "scope": "Scope: four versions, 4 of 4 versions",
        "checked": "Checked: 5 files re-hashed against their recorded digests",
        "unchecked": "Not checked: 1 file — 1 remote reference (s3://) that cannot be "
                     "fetched offline",
        "matching": "Matching: 5 files",
        "mismatching": "Mismatching: 0 files changed or missing",
        "versions": "Versions: 3 ok, 0 compromised, 0 tainted, 1 unchecked",
        "database": "Database: integrity_check found no problem",
    }


def test_cancel_stops_and_says_the_report_is_partial(refs):
    store, _ = refs
    api = ld.Api(store=store)
    report = verify_versions(api.store, _versions(api), cancel=lambda: True)
    assert not report.complete and report.checked == 0 and report.database is None
    assert "stopped" in dict(describe(report))


def test_window_scan_now_finds_extra_files_like_verify(refs, capsys):
    """Disagreement: ``scan_graph`` (the window, the report) did not look for extra files
    in referenced folders, ``verify`` did. The more complete behaviour wins."""
    store, folder = refs
    (folder / "c.png").write_bytes(b"new")
    (folder / "a.png").write_bytes(b"changed")
    api = ld.Api(store=store)
    graph = api.lineage("images")
    report = scan_graph(api.store, graph)
    assert report.scope == "this lineage"
    assert sorted((p.status, p.path) for p in report.problems()) == [
        ("changed", "images/a.png"), ("extra", "images/c.png")]
    train = next(iter(graph.predecessors("artifact:model:v0")))
    assert report.tainted == {train, "artifact:model:v0"}
    lines = dict(describe(report))
    assert lines["mismatching"] == "Mismatching: 1 file changed or missing"
    assert lines["extra"] == "Extra: 1 file in referenced folders, not in the manifest"
    status = main(["verify", str(store), "--json"])
    out = capsys.readouterr().out
    data = json.loads(out)
    assert status == 1
    assert sorted((p["status"], p["path"]) for p in data["problems"]) == sorted(
        (p.status, p.path) for p in report.problems())
    assert data["compromised"] == sorted(report.compromised)
    assert data["tainted"] == sorted(report.tainted)  # the CLI marks the same taint
    assert sorted(scan_store(api.store).compromised) == ["artifact:images:v0"]


def test_window_scan_now_checks_the_database(refs, monkeypatch):
    """Disagreement: only ``verify`` ran SQLite's check of the database file; the window
    and the report now do too, and a damaged file is not "ok"."""
    store, _ = refs
    api = ld.Api(store=store)
    report = scan_graph(api.store, api.lineage("model"))
    assert report.database is not None and report.database.check == "integrity_check"
    monkeypatch.setattr(type(api.store), "check_database",
                        lambda self, thorough=True: ["*** in database main ***"])
    damaged = scan_graph(api.store, api.lineage("model"))
    assert not damaged.ok and not damaged.compromised
    assert dict(describe(damaged))["database"] == "Database: integrity_check found 1 problem"
    html = build_report(api.lineage("model"), "artifact:model:v0", str(store),
                        integrity=damaged)
    assert "The database file is damaged" in html and "*** in database main ***" in html
    assert "Not checked: 1 file — 1 remote reference (s3://)" in html


def test_report_command_lists_extra_files(refs, tmp_path, capsys):
    store, folder = refs
    (folder / "c.png").write_bytes(b"new")
    target = tmp_path / "audit.html"
    assert main(["report", str(store), "model", "-o", str(target)]) == 0
    assert "1 of 2 versions compromised" in capsys.readouterr().err
    html = Path(target).read_text(encoding="utf-8")
    assert "images:v0</td><td>images/c.png</td><td class='bad'>extra" in html
    assert "<li>Scope: this lineage, 2 of 4 versions</li>" in html


def test_unknown_database_check_is_refused(refs):
    store, _ = refs
    api = ld.Api(store=store)
    with pytest.raises(ValueError, match="'fast'"):
        verify_versions(api.store, [], database="fast")
