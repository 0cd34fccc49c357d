"""``import-openlineage`` throughput and peak memory against the floor of parsing the
JSON (issue 12: >= 10,000 events/s at any size, <= 200 MB at 1M events).

    python benchmarks/bench_openlineage.py [--full] [--repeat 3] [--baseline TREE]
        [--sizes 10000,100000] [--shuffle]

Generates Airflow-shaped run events (a START and a COMPLETE per run, each naming one
input and one output dataset of a 200-stage pipeline, with schema, job type and output
statistics facets; about 1.6 kB a line) for 10k and 100k events (``--full`` adds 1M),
lines shuffled with ``--shuffle``. Every sample is a fresh process (``sys.executable``)
timed from its own start of work to the end, its peak RSS read with
``resource.getrusage`` in that process. The variants run in turn, round after round:

- ``json.loads`` of every line (the floor: reading and parsing the file);
- ``import_openlineage`` into a new store;
- with ``--baseline TREE``, the same import by another checkout of the package (say
  ``git archive HEAD | tar -x -C /tmp/base``), put first on ``PYTHONPATH``.

Prints, per size and variant, the median and p95 of the time, the ratio of medians to
the floor, events per second (from the median) and the largest peak RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import report  # noqa: E402

PRODUCER = "https://github.com/apache/airflow/tree/providers-openlineage/2.3.0"
STAGES = 200

CHILD = """\
import json, resource, sys, time
kind, events, store = sys.argv[1:4]
start, cpu0 = time.perf_counter(), time.process_time()
if kind == "floor":
    with open(events, encoding="utf-8") as handle:
        for line in handle:
            json.loads(line)
else:
    from lineage_desktop.interop.openlineage_import import import_openlineage
    from lineage_desktop.store import Store
    with Store.open(store) as db:
        found = import_openlineage(db, [events])
    assert found.ok, found.skipped[:3]
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "cpu": usage.ru_utime + usage.ru_stime - cpu0,
                  "rss_mb": usage.ru_maxrss / 1024}))
"""


def _events(count: int, seed: int = 1) -> Iterator[dict[str, object]]:
    rnd = random.Random(seed)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    schema = {"_producer": PRODUCER, "_schemaURL": "https://openlineage.io/spec/facets/"
              "1-1-1/SchemaDatasetFacet.json",
              "fields": [{"name": f"c{i}", "type": "VARCHAR"} for i in range(6)]}
    job_type = {"_producer": PRODUCER, "_schemaURL": "https://openlineage.io/spec/facets/"
                "2-0-3/JobTypeJobFacet.json", "processingType": "BATCH",
                "integration": "AIRFLOW", "jobType": "TASK"}
    for run in range(count // 2):
        stage = run % STAGES
        run_id = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        start = t0 + timedelta(seconds=30 * run)
        dataset = {"namespace": "s3://lake", "facets": {"schema": schema}}
        for kind, at, stats in (("START", start, False),
                                ("COMPLETE", start + timedelta(seconds=20), True)):
            output: dict[str, object] = {**dataset, "name": f"stage{stage + 1}/part.parquet"}
            if stats:
                output["outputFacets"] = {"outputStatistics": {
                    "_producer": PRODUCER, "_schemaURL": "https://openlineage.io/spec/"
                    "facets/1-0-2/OutputStatisticsOutputDatasetFacet.json",
                    "rowCount": 10 + run, "size": 4096 + run}}
            yield {"eventType": kind, "eventTime": at.isoformat().replace("+00:00", "Z"),
                   "producer": PRODUCER,
                   "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json"
                                "#/$defs/RunEvent",
                   "run": {"runId": run_id, "facets": {}},
                   "job": {"namespace": "airflow-prod", "name": f"dag.task_{stage}",
                           "facets": {"jobType": job_type}},
                   "inputs": [{**dataset, "name": f"stage{stage}/part.parquet"}],
                   "outputs": [output]}


def write_events(path: Path, count: int, shuffle: bool) -> None:
    lines = (json.dumps(event) + "\n" for event in _events(count))
    with path.open("w", encoding="utf-8") as handle:
        if not shuffle:
            handle.writelines(lines)
            return
        # Shuffled in blocks, so that even 1M events never sit in this process at once.
        rnd, block = random.Random(2), []
        for line in lines:
            block.append(line)
            if len(block) == 20000:
                rnd.shuffle(block)
                handle.writelines(block[::-1])
                block = []
        rnd.shuffle(block)
        handle.writelines(block)


def sample(kind: str, events: Path, store: Path, env: dict[str, str]) -> dict[str, float]:
    for leftover in store.parent.glob(store.name + "*"):
        if leftover.is_file():
            leftover.unlink()
    # cwd: the store's folder, so that ``-c`` finds the package on PYTHONPATH only
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(events), str(store)],
                         env=env, check=True, capture_output=True, text=True,
                         cwd=store.parent).stdout
    result: dict[str, float] = json.loads(out.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="add 1M events")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (3)")
    parser.add_argument("--sizes", help="comma-separated event counts instead")
    parser.add_argument("--shuffle", action="store_true", help="shuffle the lines")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else \
        [10_000, 100_000] + ([1_000_000] if args.full else [])
    here = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    variants = {"json.loads of every line (floor)": ("floor", here),
                "import_openlineage": ("import", here)}
    if args.baseline is not None:
        variants["import_openlineage (baseline)"] = (
            "import", {**here, "PYTHONPATH": str(args.baseline.resolve())})
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            events = Path(tmp) / f"events-{size}.ndjson"
            write_events(events, size, args.shuffle)
            print(f"--- {size:,} events ({events.stat().st_size / 1e6:.0f} MB)"
                  f"{', shuffled' if args.shuffle else ''}", flush=True)
            seconds: dict[str, list[float]] = {name: [] for name in variants}
            cpu: dict[str, list[float]] = {name: [] for name in variants}
            rss: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(args.repeat):
                for name, (kind, env) in variants.items():
                    found = sample(kind, events, Path(tmp) / "store.db", env)
                    seconds[name].append(found["seconds"])
                    cpu[name].append(found["cpu"])
                    rss[name].append(found["rss_mb"])
            floor = next(iter(variants))
            for name in variants:
                report(f"{name}, wall", seconds[name],
                       seconds[floor] if name != floor else None, unit="s")
                report(f"{name}, CPU", cpu[name], cpu[floor] if name != floor else None,
                       unit="s")
                print(f"{'':<48} {size / statistics.median(seconds[name]):9,.0f} events/s, "
                      f"{size / statistics.median(cpu[name]):9,.0f} events/CPU-s, peak RSS "
                      f"{max(rss[name]):7.1f} MB (largest of the rounds)", flush=True)
            events.unlink()


if __name__ == "__main__":
    main()
