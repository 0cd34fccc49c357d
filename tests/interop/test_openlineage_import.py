"""import-openlineage on a hand-written events file with a known resulting lineage."""
from __future__ import annotations

from pathlib import Path

from interop_helpers import edges, snapshot

from lineage_desktop.store import Store

U = "01941f29-7c00-7a2b-9c51-2b1f3c4d5e0"
RAW, CLEAN, PG = "s3_lake_raw_orders.parquet", "s3_lake_clean_orders.parquet", \
    "postgres_db.internal_5432_shop.public.orders"


def test_events_become_runs_and_versions_with_known_lineage(tmp_path, fixtures, cli):
    events = fixtures / "openlineage_events.ndjson"
    store = tmp_path / "ol.db"
    status, _, err = cli("import-openlineage", store, events)
    assert status == 1  # some lines were skipped
    assert edges(store) == {
        (f"{PG}:v0", f"run {U}1"), (f"run {U}1", f"{RAW}:v0"),
        (f"{RAW}:v0", f"run {U}2"), (f"run {U}2", f"{CLEAN}:v0"),
        (f"{CLEAN}:v0", f"run {U}3"),
        (f"{PG}:v0", f"run {U}4"), (f"run {U}4", f"{RAW}:v1"),
        (f"{RAW}:v1", f"run {U}5"),
    }
    with Store.open(store, readonly=True) as db:
        runs = {r.id: r for r in db.runs()}
        assert {r.name for r in runs.values()} == {
            "etl.extract_orders", "etl.clean_orders", "ml.train_churn"}
        assert runs[f"{U}1"].state == "finished" and runs[f"{U}1"].exit_code == 0
        assert runs[f"{U}1"].started_at == "2026-01-05T02:00:00.000000Z"
        assert runs[f"{U}1"].finished_at == "2026-01-05T02:05:00.000000Z"
        assert runs[f"{U}3"].state == "failed" and runs[f"{U}3"].notes == "CUDA out of memory"
        assert runs[f"{U}5"].state == "running" and runs[f"{U}5"].finished_at is None
        assert runs[f"{U}1"].config["openlineage"]["job"]["namespace"] == "airflow-prod"
        raw = db.artifact_versions(RAW)
        assert [(v.index, v.run_id, v.created_at) for v in raw] == [
            (0, f"{U}1", "2026-01-05T02:05:00.000000Z"),
            (1, f"{U}4", "2026-01-06T02:04:00.000000Z")]
        assert raw[1].aliases == ("latest",) and raw[0].aliases == ()
        assert raw[0].type == "dataset"
        origin = raw[0].metadata["openlineage"]
        assert (origin["namespace"], origin["name"]) == ("s3://lake", "raw/orders.parquet")
        assert raw[0].size == 51200
        (entry,) = db.manifest(raw[0].id)
        assert entry.ref.startswith("s3://lake/raw/orders.parquet#")
        clean = db.artifact_versions(CLEAN)
        assert len(clean) == 1 and clean[0].size == 40960
    lines = [line for line in err.splitlines() if "openlineage_events.ndjson:" in line]
    reasons = {int(line.split(":")[1]): line for line in lines}
    assert sorted(reasons) == [4, 7, 10, 11, 14]
    assert "not valid JSON" in reasons[4]
    assert "unknown event type 'EXPLODE'" in reasons[7]
    assert "missing field 'run.runId'" in reasons[10]
    assert "job event without datasets" in reasons[11]
    assert "'yesterday' is not an ISO-8601 time" in reasons[14]


def test_reimport_adds_nothing(tmp_path, fixtures, cli):
    events = fixtures / "openlineage_events.ndjson"
    store = tmp_path / "ol.db"
    cli("import-openlineage", store, events)
    first = snapshot(store)
    status, _, err = cli("import-openlineage", store, events)
    assert status == 1
    assert snapshot(store) == first
    assert "created" not in err.splitlines()[-1]


def test_incremental_import_completes_a_running_run(tmp_path, fixtures, cli):
    """The START of a run in one file and its COMPLETE in a later one make one run."""
    lines = (fixtures / "openlineage_events.ndjson").read_text().splitlines()
    first, second = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    first.write_text("\n".join(lines[2:3]) + "\n")   # START of extract_orders
    second.write_text("\n".join(lines[4:5]) + "\n")  # its COMPLETE
    store = tmp_path / "ol.db"
    assert cli("import-openlineage", store, first)[0] == 0
    with Store.open(store, readonly=True) as db:
        assert db.run(f"{U}1").state == "running"
    assert cli("import-openlineage", store, second)[0] == 0
    with Store.open(store, readonly=True) as db:
        run = db.run(f"{U}1")
        assert (run.state, run.finished_at) == ("finished", "2026-01-05T02:05:00.000000Z")
        assert [v.name for v in db.versions_logged_by(run.id)] == [RAW]
        assert [v.name for v in db.versions_used_by(run.id)] == [PG]


def test_same_name_from_another_namespace_gets_its_own_artifact(tmp_path, cli):
    events = tmp_path / "e.ndjson"
    template = ('{{"eventType":"COMPLETE","eventTime":"2026-01-0{day}T00:00:00Z",'
                '"run":{{"runId":"{run}"}},"job":{{"namespace":"n","name":"j"}},'
                '"outputs":[{{"namespace":"{ns}","name":"{name}"}}]}}')
    events.write_text("\n".join([
        template.format(day=1, run="11111111-1111-1111-1111-111111111111", ns="s3://a",
                        name="b/c"),
        template.format(day=2, run="22222222-2222-2222-2222-222222222222", ns="s3://a_b",
                        name="c"),
    ]) + "\n")
    store = tmp_path / "ol.db"
    assert cli("import-openlineage", store, events)[0] == 0
    with Store.open(store, readonly=True) as db:
        names = db.artifact_names()
    assert len(names) == 2 and "s3_a_b_c" in names
    other = next(n for n in names if n != "s3_a_b_c")
    assert other.startswith("s3_a_b_c-")


def test_missing_events_file_is_an_error_and_creates_no_store(tmp_path, cli):
    store = tmp_path / "ol.db"
    status, _, err = cli("import-openlineage", store, tmp_path / "nope.ndjson")
    assert status == 2 and "no such events file" in err
    assert not store.exists()


def test_foreign_target_store_is_refused(tmp_path, fixtures, cli):
    target = tmp_path / "notes.txt"
    target.write_text("hello")
    status, _, err = cli("import-openlineage", target, fixtures / "openlineage_events.ndjson")
    assert status == 2 and "not a lineage store" in err
    assert target.read_text() == "hello"


def test_all_usages_helper_counts(tmp_path: Path, fixtures, cli):
    store = tmp_path / "ol.db"
    cli("import-openlineage", store, fixtures / "openlineage_events.ndjson")
    with Store.open(store, readonly=True) as db:
        assert len(db.all_usages()) == 5
