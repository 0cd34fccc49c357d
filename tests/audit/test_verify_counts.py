"""The counting model of a verify run (``audit/verify_counts.py``) on real stores: files
re-hashed, entries not checked with the reason, matching and mismatching per version and
in total, version statuses and the scope."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

import lineage_desktop as ld
from lineage_desktop.audit import scan_graph, scan_store
from lineage_desktop.audit.verify_report import summary, versions_line


def _log(store, name, *, files=(), refs=(), inputs=(), job="step"):
    """One run logging ``name`` with stored ``files`` (path, text) and references
    (uri, name, checksum); returns the run key."""
    with ld.init(project="p", entity="e", job_type=job, store=store) as run:
        for ref in inputs:
            run.use_artifact(ref)
        artifact = ld.Artifact(name, "dataset")
        for path, text in files:
            with artifact.new_file(path) as handle:
                handle.write(text)
        for uri, entry, checksum in refs:
            artifact.add_reference(uri, name=entry, checksum=checksum)
        run.log_artifact(artifact)
    return f"run:{run.id}"


@pytest.fixture
def mixed(tmp_path):
    """``stored`` (two blobs), ``remote`` (s3:// and gs:// references), ``loose`` (a
    file:// reference without checksum), ``hashed`` (a file:// reference with checksum),
    and ``derived`` logged from ``stored``."""
    store = tmp_path / "mixed.db"
    local = tmp_path / "local.bin"
    local.write_bytes(b"local bytes")
    hashed = tmp_path / "hashed.bin"
    hashed.write_bytes(b"hashed bytes")
    _log(store, "stored", files=[("a.txt", "a"), ("b.txt", "b")])
    _log(store, "remote", refs=[("s3://bucket/x.parquet", "x.parquet", False),
                                ("gs://bucket/y.parquet", "y.parquet", False)])
    _log(store, "loose", refs=[(local.as_uri(), "local.bin", False)])
    _log(store, "hashed", refs=[(hashed.as_uri(), "hashed.bin", True)])
    train = _log(store, "derived", files=[("m.txt", "m")], inputs=["stored:latest"])
    return store, local, hashed, train


def _by_key(report):
    return {c.key: c for c in report.per_version}


def test_every_entry_lands_in_one_bucket(mixed):
    store, *_ = mixed
    report = scan_store(ld.Api(store=store).store)
    rows = _by_key(report)
    assert {k: (c.files, c.checked, c.matching, c.mismatching, dict(c.not_checked), c.status)
            for k, c in rows.items()} == {
        "artifact:stored:v0": (2, 2, 2, 0, {}, "ok"),
        "artifact:remote:v0": (2, 0, 0, 0, {"remote": 2}, "unchecked"),
        "artifact:loose:v0": (1, 0, 0, 0, {"no-digest": 1}, "unchecked"),
        "artifact:hashed:v0": (1, 1, 1, 0, {}, "ok"),
        "artifact:derived:v0": (1, 1, 1, 0, {}, "ok"),
    }
    total = report.totals()
    assert (total.files, total.checked, total.matching, total.mismatching, total.unchecked) \
        == (7, 4, 4, 0, 3)
    assert report.files == total.checked + total.unchecked
    assert report.remote_schemes == ["gs://", "s3://"]
    assert report.ok  # nothing mismatches: not checking is no failure
    assert summary(report) == (
        "Checked 4 files of 5 versions (whole store, 5 versions); 3 not checked: "
        "2 remote references (gs://, s3://) that cannot be fetched offline, 1 reference "
        "without a content digest (checksum=False), only found to exist; 4 matching; "
        "0 mismatching")
    assert versions_line(report) == "Versions: 3 ok, 0 compromised, 0 tainted, 2 unchecked"


def test_tampered_and_missing_content_mismatch_and_taint(mixed):
    store, local, hashed, train = mixed
    api = ld.Api(store=store)
    entries = {e.path: e for e in api.artifact("stored").files()}
    blobs = store.with_name(store.name + ".files")
    (blobs / entries["a.txt"].digest[:2] / entries["a.txt"].digest).write_text("tampered")
    (blobs / entries["b.txt"].digest[:2] / entries["b.txt"].digest).unlink()
    local.unlink()  # checksum=False: it only had to exist, and now it does not
    hashed.write_bytes(b"edited")
    report = scan_store(api.store)
    rows = _by_key(report)
    stored = rows["artifact:stored:v0"]
    assert (stored.checked, stored.matching, stored.mismatching, stored.status) \
        == (2, 0, 2, "compromised")
    assert (rows["artifact:loose:v0"].mismatching, rows["artifact:loose:v0"].status) \
        == (1, "compromised")
    assert rows["artifact:hashed:v0"].status == "compromised"
    assert rows["artifact:derived:v0"].status == "tainted"  # its own file matches
    assert rows["artifact:derived:v0"].matching == 1
    assert rows["artifact:remote:v0"].status == "unchecked"
    assert train in report.tainted and not report.ok
    total = report.totals()
    assert (total.checked, total.matching, total.mismatching) == (5, 1, 4)
    assert summary(report).endswith("; 1 matching; 4 mismatching (2 changed, 2 missing)")
    assert versions_line(report) == ("Versions: 0 ok, 3 compromised, 1 tainted, 1 unchecked; "
                                     "1 run tainted")


def test_lineage_scope_says_how_many_of_the_store(mixed):
    store, *_ = mixed
    api = ld.Api(store=store)
    report = scan_graph(api.store, api.lineage("derived"))
    assert report.checked == 2 and report.store_versions == 5
    assert report.scope_text == "this lineage, 2 of 5 versions"
    assert summary(report).startswith(
        "Checked 3 files of 2 versions (this lineage, 2 of 5 versions); 0 not checked; ")
    assert {c.key for c in report.per_version} == {"artifact:stored:v0",
                                                  "artifact:derived:v0"}


def test_all_remote_store_checks_nothing_and_says_so(tmp_path):
    store = tmp_path / "s3.db"
    for n in range(3):
        _log(store, f"shard{n}", refs=[(f"s3://bucket/shard{n}.bin", "shard.bin", False)])
    report = scan_store(ld.Api(store=store).store)
    assert report.totals().checked == 0 and report.ok
    assert {c.status for c in report.per_version} == {"unchecked"}
    assert summary(report) == (
        "Checked 0 files of 3 versions (whole store, 3 versions); 3 not checked: remote "
        "references (s3://) that cannot be fetched offline; 0 matching; 0 mismatching")


def _copy_without_content(store, tmp_path, redirects) -> str:
    """The database of ``store`` alone, without the content: a SQLite file copied without
    its ``.files`` folder (SQLite's backup: the WAL included), or a team store's database
    copied for a client where its blob root is not there."""
    if redirects is None:
        copy = tmp_path / "copy" / "mixed.db"
        copy.parent.mkdir()
        with closing(sqlite3.connect(store)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
        return str(copy)
    from pg_fixtures import fresh_database

    from lineage_desktop.sdk import stores
    from lineage_desktop.store import Store

    stores._close_all()  # nobody may be connected to the database copied
    url = redirects.stack.enter_context(
        fresh_database(redirects.base, template=redirects.url_of(store)))
    with Store.open(url) as copy:
        copy.set_blob_root(str(tmp_path / "not-mounted"))
    return url


def test_a_store_copied_without_its_files_folder_kept_no_content(mixed, tmp_path,
                                                                store_redirects):
    store, *_ = mixed
    # The database alone: enough to view, not to re-hash.
    copy = _copy_without_content(store, tmp_path, store_redirects)
    team = store_redirects is not None
    kind = "no-blob-root" if team else "no-content"
    report = scan_store(ld.Api(store=copy).store)
    rows = _by_key(report)
    assert dict(rows["artifact:stored:v0"].not_checked) == {kind: 2}
    assert rows["artifact:stored:v0"].status == "unchecked"
    assert rows["artifact:hashed:v0"].status == "ok"  # its reference is still there
    assert report.ok and not report.compromised
    assert ("3 stored files on the team store's blob root, not there on this machine" if team
            else "3 stored files without content kept (no .files folder beside the store)") \
        in summary(report)


def test_a_version_without_files_is_unchecked_and_says_why(tmp_path):
    store = tmp_path / "empty.db"
    _log(store, "empty")
    _log(store, "full", files=[("a.txt", "a")])
    report = scan_store(ld.Api(store=store).store)
    assert _by_key(report)["artifact:empty:v0"].status == "unchecked"
    assert versions_line(report) == ("Versions: 1 ok, 0 compromised, 0 tainted, 1 unchecked "
                                     "(1 version without files)")
