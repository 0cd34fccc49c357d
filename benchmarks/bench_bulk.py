"""Bulk paths against their floors, measured in the same run (issue 12).

    python benchmarks/bench_bulk.py [--full]

- ``merge`` of two demo stores of N runs each, N growing, against a raw copy of the same
  rows (``INSERT ... SELECT`` over ``ATTACH``), interleaved round by round (``--repeat``):
  median and p95 of wall and CPU seconds, runs/s, the same merge again (nothing new: the
  cost of reading), and the growth of CPU time against the growth of the input (linear:
  the two alike). ``--merge-sizes 100000 --repeat 3`` is the 2 x 100k goal (< 30 s);
  with ``PYTHONPATH`` on another checkout it measures that one (a baseline);
- ``import-openlineage`` of N synthetic run events (START and COMPLETE with inputs and
  outputs, as JSON lines) in a subprocess, against ``json.loads`` of the same lines:
  events/s and the importer's peak RSS;
- ``demo`` runs/s at one size, by tenths against the first (flat: a ratio near 1).

With no arguments (``make bench``) it runs the quick sizes, in well under a minute.
"""
from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import report, timed  # noqa: E402

from lineage_desktop.demo import write_demo  # noqa: E402

TABLES = ("projects", "runs", "artifact_types", "artifacts", "versions", "manifest",
          "version_tags", "usages", "outputs", "aliases", "alias_history")


def _growth(rows: list[tuple[int, float]]) -> None:
    """CPU seconds per step of the input (steadier than wall time on shared cores)."""
    for (n0, t0), (n1, t1) in zip(rows, rows[1:], strict=False):
        print(f"  {n0:>7} -> {n1:>7}: x{t1 / max(t0, 1e-9):.2f} CPU time for "
              f"x{n1 / n0:.1f} input", flush=True)


# ---------------------------------------------------------------------------- merge
def _copy_floor(target: Path, sources: list[Path]) -> None:
    """The same rows copied by SQLite alone: the floor of any merge."""
    conn = sqlite3.connect(target)
    for number, source in enumerate(sources):
        conn.execute(f"ATTACH ? AS s{number}", (str(source),))
    with conn:
        for table in TABLES:
            conn.execute(f"CREATE TABLE {table} AS SELECT * FROM s0.{table} WHERE 0")
            for number in range(len(sources)):
                conn.execute(f"INSERT INTO {table} SELECT * FROM s{number}.{table}")
    conn.close()


def _cpu_and_wall(call: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_merge(folder: Path, sizes: list[int], repeat: int = 1) -> None:
    """Each round, in turn: the floor (``INSERT ... SELECT``), the merge into a new store
    and the merge again into that store (nothing new); wall and CPU seconds of each
    (CPU: steadier than wall time when other work shares the cores)."""
    from lineage_desktop.interop.merge import merge_stores
    from lineage_desktop.store import Store

    print(f"merge of two stores of N runs each (vs INSERT ... SELECT of the same rows), "
          f"{repeat} rounds")
    rows = []
    for n in sizes:
        a, b = folder / f"a-{n}.db", folder / f"b-{n}.db"
        write_demo(a, runs=n, seed=1)
        write_demo(b, runs=n, seed=2)
        samples: dict[str, list[tuple[float, float]]] = {"floor": [], "merge": [], "again": []}
        for round_ in range(repeat):
            merged = folder / f"m-{n}-{round_}.db"

            def merge(merged: Path = merged, a: Path = a, b: Path = b) -> None:
                with Store.open(merged) as target:
                    merge_stores(target, [a, b])

            floor = folder / f"f-{n}-{round_}.db"
            samples["floor"].append(_cpu_and_wall(
                lambda floor=floor, a=a, b=b: _copy_floor(floor, [a, b])))
            samples["merge"].append(_cpu_and_wall(merge))
            samples["again"].append(_cpu_and_wall(merge))  # all found: reading only
            for path in folder.glob(f"[mf]-{n}-{round_}.db*"):
                path.unlink()
        base = [wall for wall, _ in samples["floor"]]
        base_cpu = [cpu for _, cpu in samples["floor"]]
        for key, label in (("merge", f"merge 2 x {n} runs"),
                           ("again", f"merge 2 x {n} runs again (nothing new)")):
            report(f"{label}, wall", [wall for wall, _ in samples[key]], base, unit="s")
            report(f"{label}, CPU", [cpu for _, cpu in samples[key]], base_cpu, unit="s")
        wall = statistics.median(w for w, _ in samples["merge"])
        print(f"  {2 * n / wall:,.0f} runs/s (floor {2 * n / statistics.median(base):,.0f} "
              f"runs/s, CPU {statistics.median(base_cpu):.1f} s)", flush=True)
        rows.append((n, statistics.median(cpu for _, cpu in samples["merge"])))
    _growth(rows)


# ---------------------------------------------------------------------------- import
def write_events(path: Path, count: int) -> None:
    """``count`` OpenLineage RunEvents: each run a START and a COMPLETE; extract jobs write
    raw tables, transform jobs read one or two and write a clean one, with a version
    facet on some outputs and schema and statistics facets as real producers send."""
    start = datetime(2026, 3, 1, tzinfo=UTC)
    producer = "https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark"
    schema = "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json"
    with path.open("w") as out:
        for number in range(count // 2):
            run_id = str(uuid.UUID(int=number + 1))
            begin = start + timedelta(seconds=30 * number)
            table = number % 40
            if number % 3 == 0:
                job, inputs = f"extract_{table}", []
                outputs = [_dataset("s3://lake", f"raw/t{table}.parquet", schema, number)]
            else:
                job = f"transform_{table}"
                inputs = [_dataset("s3://lake", f"raw/t{table}.parquet", schema, None)]
                if number % 2:
                    inputs.append(_dataset("postgres://db:5432", f"shop.public.t{table % 7}",
                                           schema, None))
                outputs = [_dataset("s3://lake", f"clean/t{table}.parquet", schema,
                                    number if number % 5 else None)]
            for kind, at in (("START", begin), ("COMPLETE", begin + timedelta(seconds=20))):
                event = {
                    "eventType": kind, "eventTime": at.isoformat().replace("+00:00", "Z"),
                    "producer": producer,
                    "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json",
                    "run": {"runId": run_id, "facets": {"nominalTime": {
                        "nominalStartTime": begin.isoformat()}}},
                    "job": {"namespace": "etl", "name": job,
                            "facets": {"jobType": {"processingType": "BATCH",
                                                   "integration": "SPARK"}}},
                    "inputs": inputs,
                    "outputs": outputs if kind == "COMPLETE" else []}
                out.write(json.dumps(event) + "\n")


def _dataset(namespace: str, name: str, schema_url: str, version: int | None) -> dict:
    facets: dict = {"schema": {"_schemaURL": schema_url, "fields": [
        {"name": "id", "type": "BIGINT"}, {"name": "value", "type": "DOUBLE"},
        {"name": "updated_at", "type": "TIMESTAMP"}]}}
    if version is not None:
        facets["version"] = {"datasetVersion": str(version)}
    return {"namespace": namespace, "name": name, "facets": facets}


_IMPORT = """
import resource, sys, time
from lineage_desktop.interop import import_openlineage
from lineage_desktop.store import Store
start = time.perf_counter()
with Store.open(sys.argv[1]) as store:
    report = import_openlineage(store, [sys.argv[2]])
print(time.perf_counter() - start, report.read, len(report.skipped))
"""


def bench_import(folder: Path, sizes: list[int]) -> None:
    print("import-openlineage of N events (vs json.loads of the same lines)")
    rows = []
    for n in sizes:
        events = folder / f"events-{n}.ndjson"
        write_events(events, n)
        lines = events.read_text().splitlines()
        parse = timed(lambda lines=lines: [json.loads(line) for line in lines], 1)
        del lines
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, "-c", _IMPORT, str(folder / f"ol-{n}.db"), str(events)],
            check=True, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        seconds, read, skipped = done.stdout.split()
        samples = [float(seconds)]
        report(f"import-openlineage {n} events", samples, parse, unit="s")
        # ru_maxrss of the children is the largest child so far: say so when it is not this
        rss = (f"{after.ru_maxrss / 1024:.0f} MB" if after.ru_maxrss > before.ru_maxrss
               else f"<= {before.ru_maxrss / 1024:.0f} MB")
        print(f"  {n / samples[0]:,.0f} events/s (json.loads {n / parse[0]:,.0f}/s), "
              f"CPU {cpu:.1f} s ({n / cpu:,.0f} events per CPU second), peak RSS {rss}, "
              f"read {read}, skipped {skipped}", flush=True)
        rows.append((n, cpu))
    _growth(rows)


# ---------------------------------------------------------------------------- demo
def bench_demo(folder: Path, sizes: list[int]) -> None:
    """Runs/s of each tenth of the demo against its first tenth (the store empty: the
    floor of a big one), in wall and CPU time: flat means a ratio near 1."""
    print("demo --runs N, by tenths (ratio: to the first tenth)")
    rows = []
    for n in sizes:
        step = max(1_000, n // 10)
        slices: list[tuple[int, float, float]] = []  # (runs, wall s, CPU s)
        mark = [0, time.perf_counter(), time.process_time()]

        def progress(done: int, _total: int, step: int = step, mark: list = mark,
                     slices: list = slices) -> None:
            if done - mark[0] >= step:
                wall, cpu = time.perf_counter(), time.process_time()
                slices.append((done - mark[0], wall - mark[1], cpu - mark[2]))
                mark[:] = [done, wall, cpu]

        cpu = time.process_time()
        samples = timed(lambda n=n, progress=progress: write_demo(
            folder / f"demo-{n}.db", runs=n, progress=progress), 1)
        cpu = time.process_time() - cpu
        report(f"demo {n} runs", samples, unit="s")
        print(f"  {n / samples[0]:,.0f} runs/s, CPU {cpu:.1f} s", flush=True)
        first_wall, first_cpu = slices[0][0] / slices[0][1], slices[0][0] / slices[0][2]
        done = 0
        for count, wall, used in slices:
            print(f"  runs {done:>9,}-{done + count:<9,} {count / wall:8,.0f} runs/s "
                  f"(x{count / wall / first_wall:4.2f})  {count / used:8,.0f} runs/CPU s "
                  f"(x{count / used / first_cpu:4.2f})", flush=True)
            done += count
        rows.append((n, cpu))
    _growth(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true",
                        help="merge 2 x 10k to 2 x 100k runs, 1M events, a 1M-run demo")
    parser.add_argument("--only", choices=("merge", "import", "demo"),
                        help="run one of the three")
    parser.add_argument("--merge-sizes", help="comma-separated run counts of the merges")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of each merge (1)")
    parser.add_argument("--events", type=int, default=1_000_000,
                        help="the largest import of --full (default 1,000,000)")
    args = parser.parse_args()
    # Quick merges start above demo.FILES_UP_TO: smaller demos copy real files, and the
    # blob copies would be measured instead of the merge.
    sizes = {"merge": [10_000, 25_000, 50_000, 100_000] if args.full else [4_000, 8_000],
             "import": (sorted({10_000, 100_000, args.events}) if args.full
                        else [5_000, 10_000]),
             "demo": [1_000_000] if args.full else [20_000]}
    if args.merge_sizes:
        sizes["merge"] = [int(size) for size in args.merge_sizes.split(",")]
    benches = {"merge": lambda folder, sizes: bench_merge(folder, sizes, args.repeat),
               "import": bench_import, "demo": bench_demo}
    with tempfile.TemporaryDirectory() as tmp:
        for name, bench in benches.items():
            if args.only in (None, name):
                bench(Path(tmp), sizes[name])


if __name__ == "__main__":
    main()
