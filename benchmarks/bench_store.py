"""Store and SDK speed (issue 2), each against a baseline measured in the same run.

    python benchmarks/bench_store.py [--quick | --full]

The default is ``--quick`` (what ``make bench`` runs); ``--full`` takes the sizes of
issue 2 (2,000 logs, a 1 GB file, the 100,000-run demo store).

Prints medians and ratios. The 100,000-run demo store is cached under
``~/.cache/lineage_desktop/bench-100k.db`` (set LINEAGE_BENCH_CACHE to move it).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import lineage_desktop as ld


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_log_artifact(folder: Path, count: int) -> None:
    store = folder / "log.db"
    files = []
    for i in range(count):
        path = folder / f"small-{i}.txt"
        path.write_text(f"row {i}\n")
        files.append(path)
    times = []
    with ld.init(project="bench", store=store) as run:
        for path in files:
            artifact = ld.Artifact("small", "dataset")
            artifact.add_file(path, name="data.txt", policy="immutable")
            start = time.perf_counter()
            run.log_artifact(artifact)
            times.append(time.perf_counter() - start)
    # Baseline: a bare WAL/synchronous=NORMAL commit of one small insert.
    conn = sqlite3.connect(folder / "base.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    base = []
    for i in range(count):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?, ?)", (i, "x"))
        conn.execute("COMMIT")
        base.append(time.perf_counter() - start)
    print(f"log_artifact (1 small file, in a run): median {median_ms(times):.3f} ms "
          f"(budget 0.5 ms; bare SQLite commit {median_ms(base):.3f} ms, "
          f"ratio {median_ms(times) / median_ms(base):.1f}x)")


def bench_init_finish(folder: Path, count: int) -> None:
    store = folder / "runs.db"
    ld.init(project="bench", store=store).finish()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        ld.init(project="bench", store=store).finish()
        times.append(time.perf_counter() - start)
    print(f"init + finish (empty run): median {median_ms(times):.2f} ms (budget 20 ms)")


def bench_hash(folder: Path, size_mb: int) -> None:
    path = folder / "big.bin"
    chunk = random.Random(1).randbytes(1 << 20)
    with open(path, "wb") as handle:
        for _ in range(size_mb):
            handle.write(chunk)
    ours, base = [], []
    for _ in range(3):
        start = time.perf_counter()
        with open(path, "rb") as handle:
            hasher = hashlib.sha256()
            while block := handle.read(1 << 20):
                hasher.update(block)
        base.append(time.perf_counter() - start)
        start = time.perf_counter()
        artifact = ld.Artifact("big", "dataset")
        artifact.add_file(path, policy="immutable")
        ours.append(time.perf_counter() - start)
    rate_base = size_mb / statistics.median(base)
    rate_ours = size_mb / statistics.median(ours)
    print(f"hash {size_mb} MB: Artifact.add_file {rate_ours:.0f} MB/s, plain hashlib "
          f"{rate_base:.0f} MB/s, ratio {rate_ours / rate_base:.2f} (target >= 0.90)")
    path.unlink()


LINEAGE_PROBE = textwrap.dedent("""
    import resource, statistics, sys, time
    import lineage_desktop as ld
    api = ld.Api(store=sys.argv[1])
    counts = {c.name: c.version_count for c in api.artifact_collections()}
    refs = [f"churn-model:v{i}" for i in range(0, counts["churn-model"], 997)]
    refs += [f"raw-customers:v{i}" for i in range(0, counts["raw-customers"], 331)]
    refs += [f"holiday-calendar:v{i}" for i in range(0, counts["holiday-calendar"], 97)]
    results = {}
    for label, kwargs in (("depth 3", dict(upstream=3, downstream=3)),
                          ("full ancestry", dict(downstream=0)),
                          ("full both ways", dict())):
        times, sizes = [], []
        for ref in refs:
            start = time.perf_counter()
            graph = api.lineage(ref, **kwargs)
            times.append(time.perf_counter() - start)
            sizes.append(graph.number_of_nodes())
        results[label] = (statistics.median(times) * 1000, max(times) * 1000,
                          statistics.median(sizes))
    for label, (median, worst, nodes) in results.items():
        print(f"Api.lineage {label}: median {median:.2f} ms, max {worst:.2f} ms, "
              f"median {nodes:.0f} nodes")
    print(f"peak RSS of the reading process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (budget 200 MB)")
""")

NETWORKX_BASELINE = textwrap.dedent("""
    import sqlite3, sys, time, networkx as nx
    start = time.perf_counter()
    conn = sqlite3.connect(sys.argv[1])
    g = nx.DiGraph()
    g.add_edges_from((f"r{r}", f"v{v}") for v, r in conn.execute("SELECT id, run_id FROM versions"))
    usages = conn.execute("SELECT run_id, version_id FROM usages")
    g.add_edges_from((f"v{v}", f"r{r}") for r, v in usages)
    load = time.perf_counter() - start
    start = time.perf_counter()
    nx.ancestors(g, "v1000")
    print(f"baseline: loading the whole store into networkx {load * 1000:.0f} ms, then one "
          f"ancestry {1000 * (time.perf_counter() - start):.2f} ms")
""")


def bench_demo_and_lineage(runs: int) -> None:
    cache = Path(os.environ.get("LINEAGE_BENCH_CACHE", Path.home() / ".cache" / "lineage_desktop"))
    cache.mkdir(parents=True, exist_ok=True)
    store = cache / f"bench-{runs}.db"
    if not store.exists():
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "lineage_desktop.cli.main", "demo", str(store),
                        "--runs", str(runs)], check=True)
        print(f"demo --runs {runs}: {time.perf_counter() - start:.1f} s (budget 180 s)")
    else:
        print(f"demo store cached at {store} (delete it to time the generator)")
    subprocess.run([sys.executable, "-c", LINEAGE_PROBE, str(store)], check=True)
    subprocess.run([sys.executable, "-c", NETWORKX_BASELINE, str(store)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes (the default)")
    parser.add_argument("--full", action="store_true", help="the sizes of issue 2")
    parser.add_argument("--runs", type=int, default=100_000)
    args = parser.parse_args()
    args.quick = not args.full
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_log_artifact(folder, 300 if args.quick else 2000)
        bench_init_finish(folder, 50 if args.quick else 300)
        bench_hash(folder, 100 if args.quick else 1024)
    bench_demo_and_lineage(5_000 if args.quick else args.runs)


if __name__ == "__main__":
    main()
