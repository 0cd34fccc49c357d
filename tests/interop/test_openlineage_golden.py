"""import-openlineage gives exactly the store it gave before its rework for speed (issue 12).

A varied set of events (the fixtures, lineage_desktop's own export, and generated runs:
reruns, failed, aborted and unfinished runs, datasets with and without version facets,
symlinks and ownership facets, one dataset name from two namespaces, reads before any
write, a type that changes, non-UUID run ids, static events, bad lines, lines out of
order, a folder of one-event files) imported in several steps (together, the same file
again, a later file completing earlier runs) must give the normalised store and reports
recorded in ``fixtures/interop/openlineage_golden.json`` by the code before the rework.

``LINEAGE_DESKTOP_RECORD_GOLDEN=1`` records the file again (only when a change of the
mapping is meant).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import uuid
from pathlib import Path
from typing import Any

import pytest

from lineage_desktop.interop import import_openlineage
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.store import Store

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "interop" / "openlineage_golden.json"
PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/spark"
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"


def _run_id(number: int) -> str:
    return str(uuid.UUID(int=0x1234 << 100 | number, version=4))


def _time(seconds: int) -> str:
    day, rest = divmod(seconds, 86400)
    return f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}T{rest // 3600:02d}:" \
        f"{rest % 3600 // 60:02d}:{rest % 60:02d}.{seconds % 7 * 111:03d}Z"


def _dataset(namespace: str, name: str, version: str | None = None, *, kind: str | None = None,
             extra: bool = False, size: int | None = None, io: str = "") -> dict[str, Any]:
    facets: dict[str, Any] = {"schema": {"_producer": PRODUCER, "_schemaURL": f"{SPEC}#/x",
                                         "fields": [{"name": "id", "type": "BIGINT"}]}}
    if version is not None:
        facets["version"] = {"datasetVersion": version}
    if kind is not None:
        facets["datasetType"] = {"datasetType": kind}
    if extra:
        facets["symlinks"] = {"identifiers": [
            {"namespace": "hive://metastore", "name": f"db.{name.replace('/', '_')}",
             "type": "TABLE"}]}
        facets["ownership"] = {"owners": [{"name": "team:data", "type": "MAINTAINER"}]}
        facets["documentation"] = {"description": f"the {name} table"}
    found: dict[str, Any] = {"namespace": namespace, "name": name, "facets": facets}
    if size is not None:
        found["outputFacets"] = {"outputStatistics": {"rowCount": size // 10, "size": size}}
    if io:
        found["inputFacets"] = {"dataQualityAssertions": {"assertions": [
            {"assertion": io, "success": True}]}}
    return found


def _event(kind: str, at: int, run: str, job: str, inputs: list[Any], outputs: list[Any],
           run_facets: dict[str, Any] | None = None, namespace: str = "etl") -> str:
    return json.dumps({
        "eventType": kind, "eventTime": _time(at), "producer": PRODUCER,
        "schemaURL": f"{SPEC}#/$defs/RunEvent", "run": {"runId": run, "facets": run_facets or {}},
        "job": {"namespace": namespace, "name": job, "facets": {"jobType": {
            "processingType": "BATCH", "integration": "SPARK", "jobType": "JOB"}}},
        "inputs": inputs, "outputs": outputs})


def generated(runs: int, seed: int, start: int = 0) -> tuple[list[str], list[str]]:
    """Lines of ``runs`` generated runs, as two files: most events, and the ends of some
    runs (imported later: a run completed by a second import)."""
    rnd = random.Random(seed)
    first: list[str] = []
    later: list[str] = []
    for number in range(start, start + runs):
        at = 600 * number + rnd.randrange(60)
        table = number % 23
        run = _run_id(number) if number % 41 else f"run-{number}"  # some not UUIDs
        shape = number % 7
        raw = _dataset("s3://lake", f"raw/t{table}.parquet",
                       str(number // 3) if shape in (0, 3) else None)
        if number % 17 == 0:  # the same name from another namespace
            raw = _dataset("s3://lake/raw", f"t{table}.parquet")
        clean = _dataset("s3://lake", f"clean/t{table % 5}.parquet",
                         f"c{number // 2}" if shape in (1, 4) else None, extra=number % 3 == 0,
                         kind="TABLE" if number % 29 else "VIEW", size=1000 + number)
        pg = _dataset("postgres://db:5432", f"shop.public.t{table % 4}",
                      "7" if number % 11 == 0 else None, io="not_null" if number % 2 else "")
        parent = {"parent": {"run": {"runId": _run_id(number - number % 10)},
                             "job": {"namespace": "etl", "name": "dag"}}} if number % 10 else {}
        if shape in (0, 3, 5):  # an extract: writes raw
            job, inputs, outputs = f"extract_{table}", [pg] if shape == 5 else [], [raw]
        else:  # a transform: reads raw (and pg), writes clean
            job, inputs, outputs = f"transform_{table % 5}", [raw] + ([pg] if shape % 2 else []), \
                [clean]
        events = [_event("START", at, run, job, inputs, outputs if shape == 4 else [], parent)]
        if number % 13 == 0:
            events.append(_event("RUNNING", at + 5, run, job, inputs, outputs))
        end = ("FAIL" if number % 9 == 0 else "ABORT" if number % 19 == 0 else "COMPLETE")
        end_facets = {"errorMessage": {"message": f"boom {number}",
                                       "programmingLanguage": "python"}} if end == "FAIL" else {}
        ending = _event(end, at + 30 + rnd.randrange(30), run, job, inputs, outputs, end_facets)
        if number % 31 == 5:
            pass  # never ends: stays running
        elif number % 8 == 6:
            later.append(ending)
        else:
            events.append(ending)
        first.extend(events)
    rnd.shuffle(first)
    return first, later


def _static_lines() -> list[str]:
    """Static events, ties of event time, reads before writes, bad lines."""
    read_first = _event("COMPLETE", 5, _run_id(900001), "early_reader",
                        [_dataset("s3://lake", "late/table.parquet")], [])
    writer = _event("COMPLETE", 7200, _run_id(900002), "late_writer", [],
                    [_dataset("s3://lake", "late/table.parquet")])
    ghost = _event("COMPLETE", 9000, _run_id(900003), "ghost_reader",
                   [_dataset("s3://lake", "late/table.parquet", "never-written")], [])
    tie_a = _event("COMPLETE", 7200, _run_id(900004), "tie", [],
                   [_dataset("s3://lake", "tie.parquet")])
    tie_b = _event("COMPLETE", 7200, _run_id(900005), "tie", [],
                   [_dataset("s3://lake", "tie.parquet")])
    dataset_event = json.dumps({
        "eventTime": _time(100), "producer": PRODUCER, "schemaURL": f"{SPEC}#/$defs/DatasetEvent",
        "dataset": _dataset("postgres://db:5432", "shop.public.t1", extra=True)})
    job_event = json.dumps({
        "eventTime": _time(200), "producer": PRODUCER, "schemaURL": f"{SPEC}#/$defs/JobEvent",
        "job": {"namespace": "etl", "name": "static_job", "facets": {}},
        "inputs": [_dataset("postgres://db:5432", "shop.public.t2")],
        "outputs": [_dataset("s3://lake", "static/out.parquet")]})
    return [read_first, "{not json", writer, ghost, tie_a, tie_b, dataset_event, job_event,
            json.dumps({"eventType": "COMPLETE", "eventTime": _time(3), "run": {}}), ""]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _report(report: ImportReport, folder: Path) -> dict[str, Any]:
    def local(text: str) -> str:
        return text.replace(str(folder) + os.sep, "").replace(str(GOLDEN.parent) + os.sep, "")

    return {"read": report.read, "counts": dict(sorted(report.counts.items())),
            "skipped": sorted((local(s.source), s.line, local(s.reason))
                              for s in report.skipped),
            "notes": sorted(local(note) for note in report.notes)}


def dump(path: Path) -> dict[str, Any]:
    """The store as plain values: runs, versions (aliases, tags, manifest), usages, outputs
    and alias moves, versions named ``entity/project/name:vN``; JSON texts as digests."""
    with Store.open(path, readonly=True) as store:
        versions = store.all_versions()
        keys = {v.id: f"{v.entity}/{v.project}/{v.name}:v{v.index}" for v in versions}
        runs = sorted(
            [r.id, r.entity, r.project, r.name, r.job_type, r.group, r.author, r.host, r.state,
             r.started_at, r.finished_at, _digest(r.config), r.notes, list(r.tags), r.exit_code]
            for r in store.runs())
        return {
            "runs": runs,
            "versions": sorted(
                [keys[v.id], v.type, v.digest, v.description, _digest(v.metadata), v.size,
                 v.file_count, v.created_at, v.run_id, list(v.aliases), list(v.tags),
                 [[e.path, e.digest, e.size, e.ref] for e in store.manifest(v.id)]]
                for v in versions),
            "usages": sorted([r, keys[v], at] for r, v, at in store.all_usages()),
            "outputs": sorted([r, keys[v], at] for r, v, at in store.all_outputs()),
            "aliases": sorted([keys[v], alias, at, who, removed]
                              for v, alias, at, who, removed in store.histories()[0]),
        }


def _summary(value: dict[str, Any]) -> dict[str, Any]:
    """Counts and a digest per part (for the big import, whose dump would be megabytes)."""
    return {part: [len(rows), _digest(rows)] for part, rows in value.items()}


def _scenario(folder: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr("lineage_desktop.interop.openlineage_versions.default_entity",
                        lambda: "tester")
    first, later = generated(120, seed=7)
    main = _write(folder / "generated.ndjson", first + _static_lines())
    ends = _write(folder / "later.ndjson", later + generated(15, seed=8, start=120)[0])
    one_per_file = folder / "transport"
    one_per_file.mkdir()
    for number, line in enumerate(generated(12, seed=9, start=300)[0]):
        _write(one_per_file / f"e{number:03d}.json", [line])
    store = folder / "golden.db"
    reports = {}
    with Store.open(store) as db:
        reports["together"] = import_openlineage(db, [
            fixtures / "openlineage_events.ndjson", fixtures / "openlineage_integrations.ndjson",
            main, one_per_file])
        reports["again"] = import_openlineage(db, [main])
        reports["later"] = import_openlineage(db, [ends])
        reports["own"] = import_openlineage(db, [fixtures / "openlineage_golden_own.ndjson"])
        reports["own again"] = import_openlineage(db, [fixtures / "openlineage_golden_own.ndjson",
                                                       main])
        reports["into a project"] = import_openlineage(db, [ends], project="one", entity="team")
    result: dict[str, Any] = {"reports": {k: _report(r, folder) for k, r in reports.items()},
                              **dump(store)}
    big_first, big_later = generated(2600, seed=11)
    big = folder / "big.db"
    with Store.open(big) as db:
        big_reports = [import_openlineage(db, [_write(folder / "big.ndjson", big_first)]),
                       import_openlineage(db, [_write(folder / "big-later.ndjson", big_later)]),
                       import_openlineage(db, [folder / "big.ndjson"])]
    result["big"] = {"reports": [_report(r, folder) for r in big_reports],
                     **_summary(dump(big))}
    return result


def test_import_gives_the_recorded_store(tmp_path, fixtures, monkeypatch):
    found = _scenario(tmp_path, fixtures, monkeypatch)
    if os.environ.get("LINEAGE_DESKTOP_RECORD_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=0, sort_keys=True) + "\n")
    recorded = json.loads(GOLDEN.read_text())
    found = json.loads(json.dumps(found))  # tuples as lists, as recorded
    for part in sorted(set(recorded) | set(found)):
        assert found.get(part) == recorded.get(part), part
