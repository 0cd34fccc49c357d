"""import-openlineage streams: version numbers follow event time whatever the line order,
and a big file goes through a scratch store on disk, never held in memory."""
from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from interop_helpers import snapshot

from lineage_desktop.interop.openlineage_events import Event, iter_events
from lineage_desktop.interop.openlineage_import import OpenLineageImporter
from lineage_desktop.interop.report import ImportReport
from lineage_desktop.store import Store
from lineage_desktop.store.interop_bulk import RUNS_IN_ORDER, STATIC_IN_ORDER, Spool

READER, WRITER = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def _event(kind: str, at: str, run_id: str, job: str, inputs=(), outputs=()) -> str:
    return json.dumps({
        "eventType": kind, "eventTime": at, "producer": "https://example.com/p",
        "run": {"runId": run_id}, "job": {"namespace": "n", "name": job},
        "inputs": [{"namespace": "s3://lake", "name": n} for n in inputs],
        "outputs": [{"namespace": "s3://lake", "name": n} for n in outputs]})


def _read_then_write() -> list[str]:
    """A run reads ``orders`` on day 1, before any event writes it; another run writes it
    on day 2; listed newest first, as a log collected backwards would."""
    return [
        _event("COMPLETE", "2026-01-02T01:00:00Z", WRITER, "write", outputs=["orders"]),
        _event("START", "2026-01-02T00:00:00Z", WRITER, "write"),
        _event("COMPLETE", "2026-01-01T01:00:00Z", READER, "read", inputs=["orders"]),
        _event("START", "2026-01-01T00:00:00Z", READER, "read", inputs=["orders"]),
    ]


def test_a_dataset_read_before_it_is_written_is_numbered_first(tmp_path, cli):
    events = tmp_path / "e.ndjson"
    events.write_text("\n".join(_read_then_write()) + "\n")
    store = tmp_path / "ol.db"
    assert cli("import-openlineage", store, events)[0] == 0
    with Store.open(store, readonly=True) as db:
        orders = db.artifact_versions("s3_lake_orders")
        assert [(v.index, v.created_at, v.run_id) for v in orders] == [
            (0, "2026-01-01T00:00:00.000000Z", None),
            (1, "2026-01-02T01:00:00.000000Z", WRITER)]
        assert orders[1].aliases == ("latest",)
        assert [v.index for v in db.versions_used_by(READER)] == [0]


def test_line_order_does_not_change_the_store(tmp_path, fixtures, cli):
    lines = [line for line in (fixtures / "openlineage_events.ndjson").read_text()
             .splitlines() if line.startswith('{"') and "yesterday" not in line]
    lines += _read_then_write()
    stores = []
    for seed in (None, 1, 2):
        shuffled = list(lines)
        if seed is not None:
            random.Random(seed).shuffle(shuffled)
        events = tmp_path / f"e{seed}.ndjson"
        events.write_text("\n".join(shuffled) + "\n")
        stores.append(tmp_path / f"ol{seed}.db")
        cli("import-openlineage", stores[-1], events)
    first = snapshot(stores[0])
    assert all(snapshot(path) == first for path in stores[1:])
    with Store.open(stores[0], readonly=True) as db:
        for name in db.artifact_names():
            times = [v.created_at for v in db.artifact_versions(name)]
            assert times == sorted(times), name


def _big_file(path: Path, runs: int) -> None:
    with path.open("w") as handle:
        for run in range(runs):
            run_id = f"00000000-0000-4000-8000-{run:012d}"
            day = f"2026-01-{1 + run % 28:02d}T{run % 24:02d}:{run % 60:02d}:00Z"
            handle.write(_event("COMPLETE", day, run_id, f"job{run % 7}",
                                inputs=[f"stage{run % 7}"],
                                outputs=[f"stage{run % 7 + 1}"]) + "\n")


def _events_alive() -> int:
    return sum(isinstance(thing, Event) for thing in gc.get_objects())


def test_a_big_file_is_read_once_and_never_held(tmp_path, monkeypatch):
    """Every event is read once, and none is alive when the import starts writing: the
    events wait in the scratch store, not in memory."""
    events = tmp_path / "big.ndjson"
    _big_file(events, 3000)
    read = 0

    def counted(report: ImportReport) -> Iterator[Event]:
        nonlocal read
        for event in iter_events([events], report):
            read += 1
            yield event

    seen_at_write: list[int] = []
    original = Spool.sort_events

    def sort_events(self: Spool) -> None:
        seen_at_write.append(_events_alive())
        original(self)

    monkeypatch.setattr(Spool, "sort_events", sort_events)
    report = ImportReport()
    with Store.open(tmp_path / "ol.db") as store:
        OpenLineageImporter(store, report).import_events(counted(report))
        assert read == 3000 and report.ok
        assert seen_at_write == [0]  # all 3,000 were read, none is held
        assert store.run_count() == 3000
        assert len(store.all_usages()) == 3000
        versions = store.artifact_versions("s3_lake_stage3")
        times = [v.created_at for v in versions]
        assert [v.index for v in versions] == list(range(len(versions)))
        assert times == sorted(times)


def test_the_scratch_store_reads_in_order_from_its_indexes():
    """The ordered passes walk an index (a sort already done on disk), never a sort of
    every event at read time."""
    with Spool() as spool:
        spool.sort_events()
        for sql in (RUNS_IN_ORDER, STATIC_IN_ORDER):
            plan = " | ".join(spool.query_plan(sql))
            assert "TEMP B-TREE" not in plan, plan



def _failing() -> Iterator[Event]:
    raise RuntimeError("the source broke")
    yield  # pragma: no cover


def test_an_import_runs_without_the_cyclic_collector_and_restores_it(tmp_path):
    """Events, plans and rows form no cycles: an import leaves the collector off (its
    passes over every live object were a sixth of an import's time) and turns it back
    on after, also when the import fails."""
    events = tmp_path / "e.ndjson"
    events.write_text("\n".join(_read_then_write() * 50) + "\n")
    passes: list[str] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(phase)

    threshold = gc.get_threshold()
    gc.callbacks.append(count)
    try:
        with Store.open(tmp_path / "ol.db") as store:
            report = ImportReport()
            importer, read = OpenLineageImporter(store, report), iter_events([events], report)
            gc.set_threshold(1, 1, 1)  # without the pause, every allocation collects
            passes.clear()
            importer.import_events(read, [str(events)])
            gc.set_threshold(*threshold)
            found = len(passes)
            assert report.ok and report.counts["usages created"] == 1
            # a few passes as the import starts and returns, not one
            # per allocation of 200 events
            assert found <= 5, found
            assert gc.isenabled()
            with pytest.raises(RuntimeError, match="the source broke"):
                OpenLineageImporter(store, report).import_events(_failing(), [])
            assert gc.isenabled()
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)
