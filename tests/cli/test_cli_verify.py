"""``verify``: exit status and listing on untouched, changed, deleted and added files,
for stored blobs and ``file://`` references (a single file and a folder)."""
from __future__ import annotations

import json
from pathlib import Path

import lineage_desktop as ld
from lineage_desktop.cli.cmd_verify import referenced_folders
from lineage_desktop.records import ManifestEntry


def _blob(lineage, ref: str, path: str) -> Path:
    entry = ld.Api(store=lineage.store).artifact(ref).get_entry(path)
    return Path(str(lineage.store) + ".files") / entry.digest[:2] / entry.digest


def _findings(cli, *args: object) -> tuple[int, list[tuple[str, str, str]]]:
    status, out, err = cli("verify", *args, "--json")
    data = json.loads(out)
    assert data["ok"] is (status == 0)
    return status, [(p["status"], p["artifact"], p["path"]) for p in data["problems"]]


def test_untouched_store_verifies(cli, lineage):
    status, out, err = cli("verify", lineage.store)
    assert status == 0, err
    versions, sentence = out.strip().splitlines()  # only the summary lines
    assert versions.startswith("Versions: 5 ok, 0 compromised, 0 tainted, 0 unchecked; "
                               "database: integrity_check found no problem; ")
    assert sentence == ("Checked 7 files of 5 versions (whole store, 5 versions); 0 not "
                        "checked; 7 matching; 0 mismatching")
    status, out, _ = cli("verify", lineage.store, "raw-data:v0")
    assert status == 0 and out.splitlines()[-1].startswith(
        "Checked 3 files of 1 version (raw-data:v0, 1 of 5 versions); 0 not checked")


def test_changed_stored_blob(cli, lineage):
    _blob(lineage, "model:v0", "model.pt").write_text("tampered")
    status, out, _ = cli("verify", lineage.store)
    assert status == 1
    line = next(line for line in out.splitlines() if line.startswith("changed"))
    assert "model:v0" in line and "model.pt" in line and "expected" in line
    assert "1 changed" in out.splitlines()[-1]
    # Other versions still verify on their own.
    assert cli("verify", lineage.store, "model:v1")[0] == 0
    assert cli("verify", lineage.store, "model:best")[0] == 1


def test_deleted_blob_and_reference(cli, lineage):
    _blob(lineage, "report:v0", "report.md").unlink()
    (lineage.folder / "dog.png").unlink()
    status, findings = _findings(cli, lineage.store)
    assert status == 1
    assert findings == [("missing", "raw-data:v0", "images/dog.png"),
                        ("missing", "report:v0", "report.md")]


def test_changed_and_added_files_in_a_referenced_folder(cli, lineage):
    (lineage.folder / "cats" / "tom.png").write_bytes(b"not tom")
    (lineage.folder / "cats" / "felix.png").write_bytes(b"felix")
    (lineage.folder / "new.txt").write_text("extra")
    status, findings = _findings(cli, lineage.store, "raw-data")
    assert status == 1
    assert sorted(findings) == [("changed", "raw-data:v0", "images/cats/tom.png"),
                                ("extra", "raw-data:v0", "images/cats/felix.png"),
                                ("extra", "raw-data:v0", "images/new.txt")]
    status, out, _ = cli("verify", lineage.store)
    assert status == 1
    assert out.splitlines()[-1].endswith("1 mismatching (1 changed); 2 extra")
    extra = [line for line in out.splitlines() if line.startswith("extra")]
    assert len(extra) == 2 and str(lineage.folder / "new.txt") in "".join(extra)


def test_run_reference_checks_its_inputs_and_outputs(cli, lineage):
    _blob(lineage, "features:v0", "features.csv").write_text("tampered")
    status, findings = _findings(cli, lineage.store, lineage.run_key("train"))
    assert status == 1 and findings == [("changed", "features:v0", "features.csv")]
    assert cli("verify", lineage.store, lineage.run_key("evaluate"))[0] == 0


def test_single_file_reference_under_another_name_is_not_a_folder(tmp_path):
    entries = [
        ManifestEntry("models/model.pt", "d", 1, (tmp_path / "x" / "model.pt").as_uri()),
        ManifestEntry("data/a.csv", "d", 1, (tmp_path / "data" / "a.csv").as_uri()),
        ManifestEntry("data/sub/b.csv", "d", 1, (tmp_path / "data" / "sub" / "b.csv").as_uri()),
        ManifestEntry("stored.txt", "d", 1, None),
    ]
    assert referenced_folders(entries) == {
        tmp_path / "data": ("data", {"a.csv", "sub/b.csv"})}


def test_progress_on_stderr_for_many_files(cli, tmp_path, monkeypatch):
    import lineage_desktop.cli.cmd_verify as cmd_verify

    monkeypatch.setattr(cmd_verify, "PROGRESS_FROM_FILES", 3)
    store = tmp_path / "many.db"
    artifact = ld.Artifact("many", "dataset")
    for i in range(5):
        with artifact.new_file(f"f{i}.txt") as handle:
            handle.write(str(i))
    with ld.init(project="p", store=store) as run:
        run.log_artifact(artifact)
    status, out, err = cli("verify", store)
    assert status == 0
    assert "verify: 5/5 (100%)" in err


def test_reference_without_checksum_only_needs_to_exist(cli, tmp_path):
    folder = tmp_path / "shards"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"a")
    artifact = ld.Artifact("shards", "dataset")
    artifact.add_reference(folder.as_uri(), checksum=False)
    artifact.add_reference("s3://bucket/remote.bin")  # remote: skipped offline
    store = tmp_path / "refs.db"
    with ld.init(project="p", store=store) as run:
        run.log_artifact(artifact)
    status, out, _ = cli("verify", store)
    # Nothing was re-hashed: the folder recorded no content digest, s3:// is remote.
    assert status == 0 and out.splitlines()[-1] == (
        "Checked 0 files of 1 version (whole store, 1 version); 2 not checked: 1 remote "
        "reference (s3://) that cannot be fetched offline, 1 reference without a content "
        "digest (checksum=False), only found to exist; 0 matching; 0 mismatching")
    status, out, _ = cli("verify", store, "--json")
    data = json.loads(out)
    assert data["files"] == 2 and data["skipped"] == 2 and data["checked"] == 0
    # The engine's counts, as in the window: what was not checked, and why.
    assert data["unchecked"] == [
        {"artifact": "shards:v0", "path": "a.bin", "kind": "no-digest",
         "reason": "recorded without a content digest (checksum=False): only found to exist"},
        {"artifact": "shards:v0", "path": "remote.bin", "kind": "remote",
         "reason": "s3:// reference: cannot be read offline"}]
    assert data["matching"] == 0 and data["scope"] == "the whole store"
    assert data["version_status"] == {"ok": 0, "compromised": 0, "tainted": 0, "unchecked": 1}
    (folder / "a.bin").write_bytes(b"changed")  # content was never recorded
    assert cli("verify", store)[0] == 0
    folder.rename(tmp_path / "moved")
    status, findings = _findings(cli, store)
    # W&B lists each file of the folder even with checksum=False.
    assert status == 1 and findings == [("missing", "shards:v0", "a.bin")]


def test_a_deleted_version_is_still_verified(cli, tmp_path):
    """A tombstone keeps its content for audits: the whole-store verify checks it."""
    import lineage_desktop as ld

    path = tmp_path / "s.db"
    with ld.init(project="p", entity="e", store=path) as run:
        for text in ("one", "two"):
            data = ld.Artifact("data", "dataset")
            with data.new_file("d.txt") as handle:
                handle.write(text)
            run.log_artifact(data)
    with ld.Api(store=path) as api:
        api.artifact("data:v0").delete()
    status, out, err = cli("verify", path)
    assert status == 0, err
    assert "Checked 2 files of 2 versions (whole store, 2 versions)" in out


def test_all_remote_store_says_it_checked_nothing(cli, tmp_path):
    """A store whose files are all s3:// references: nothing re-hashed, and the text and
    --json say so (with the scope); nothing mismatched, so the exit status is 0."""
    store = tmp_path / "s3.db"
    with ld.init(project="p", store=store) as run:
        for n in range(3):
            shard = ld.Artifact(f"shard{n}", "dataset")
            shard.add_reference(f"s3://bucket/shard{n}.bin", checksum=False)
            run.log_artifact(shard)
    status, out, _ = cli("verify", store)
    assert status == 0
    versions, sentence = out.strip().splitlines()
    assert versions.startswith("Versions: 0 ok, 0 compromised, 0 tainted, 3 unchecked; ")
    assert sentence == ("Checked 0 files of 3 versions (whole store, 3 versions); 3 not "
                        "checked: remote references (s3://) that cannot be fetched offline; "
                        "0 matching; 0 mismatching")
    status, out, _ = cli("verify", store, "shard1", "--json")
    data = json.loads(out)
    assert status == 0 and data["scope_text"] == "shard1, 1 of 3 versions"
    assert (data["checked"], data["not_checked"], data["matching"], data["mismatching"]) \
        == (0, 1, 0, 0)
    assert data["not_checked_reasons"] == [
        {"kind": "remote", "count": 1,
         "reason": "remote reference (s3://) that cannot be fetched offline"}]
    assert data["per_version"] == [
        {"key": "artifact:shard1:v0", "status": "unchecked", "files": 1, "checked": 0,
         "matching": 0, "mismatching": 0, "not_checked": {"remote": 1}, "extra": 0}]


def test_tampered_store_counts_per_version(cli, lineage):
    _blob(lineage, "model:v0", "model.pt").write_text("tampered")
    status, out, _ = cli("verify", lineage.store, "--json")
    data = json.loads(out)
    assert status == 1
    assert data["mismatching"] == 1 and data["matching"] == data["checked"] - 1
    rows = {row["key"]: row for row in data["per_version"]}
    assert rows["artifact:model:v0"]["status"] == "compromised"
    assert rows["artifact:model:v0"]["mismatching"] == 1
    assert data["version_status"]["compromised"] == 1
    assert data["version_status"]["tainted"] == len(
        [k for k in data["tainted"] if k.startswith("artifact:")])
    assert data["summary"].endswith(
        "; 1 mismatching (1 changed)")
    status, text, _ = cli("verify", lineage.store)
    assert text.splitlines()[-1] == data["summary"]
