"""Per-call costs against the store's size (issue 12), each against its floor, interleaved.

    python benchmarks/bench_sizes.py            # = --quick: the 10k store, few repeats
    python benchmarks/bench_sizes.py --sizes 10000 100000
    python benchmarks/bench_sizes.py --full     # 10k, 100k and 1M versions

Stores come from ``_stores.sized_store`` (bulk SQL, cached under
``~/.cache/lineage_desktop/``). The write benchmarks (init + finish, log_artifact) add a
few hundred runs and versions (collection ``bench-log``) to the cached store each time:
next to its size that is noise. Floors:

- ``name:v0`` resolution for alias and ``latest`` resolution (the same records read);
- an empty store for ``init`` + ``finish``;
- raw SQL of the same page for ``Api.runs`` (and a raw ``COUNT`` for ``run_count``);
- a bare WAL commit of one small insert for ``log_artifact``;
- one writer alone for 16 parallel writers (throughput; and their median, p95, worst),
  and the same 16 polling SQLite's lock without the write queue (as before).
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import interleaved, report  # noqa: E402
from _stores import sized_store  # noqa: E402

import lineage_desktop as ld  # noqa: E402

QUICK_SIZES = (10_000,)
FULL_SIZES = (10_000, 100_000, 1_000_000)


def bench_resolution(path: Path, repeat: int) -> None:
    api = ld.Api(store=path, project="bench", entity="bench")
    store = api.store
    digest = store.resolve_version("model", "v7", 1).digest
    with ld.init(project="bench", entity="bench", store=path) as run:
        samples = interleaved({
            "use_artifact model:v0": lambda: run.use_artifact("model:v0"),
            "use_artifact model:latest": lambda: run.use_artifact("model:latest"),
            "use_artifact model:production": lambda: run.use_artifact("model:production"),
            "Api.artifact model:v0": lambda: api.artifact("model:v0"),
            "Api.artifact model:production": lambda: api.artifact("model:production"),
            "version_by_digest": lambda: store.version_by_digest(1, "model", digest),
        }, repeat)
    floor = samples["use_artifact model:v0"]
    for name in ("use_artifact model:v0", "use_artifact model:latest",
                 "use_artifact model:production"):
        report(f"  {name}", samples[name], floor)
    for name in ("Api.artifact model:v0", "Api.artifact model:production",
                 "version_by_digest"):
        report(f"  {name}", samples[name], samples["Api.artifact model:v0"])
    api.close()


def bench_init_finish(path: Path, empty: Path, repeat: int) -> None:
    samples = interleaved({
        "empty": lambda: ld.init(project="bench", entity="bench", store=empty).finish(),
        "sized": lambda: ld.init(project="bench", entity="bench", store=path).finish(),
    }, repeat)
    report("  init + finish, empty store", samples["empty"])
    report("  init + finish", samples["sized"], samples["empty"])


def bench_runs_page(path: Path, repeat: int) -> None:
    api = ld.Api(store=path, project="bench", entity="bench")
    everywhere = ld.Api(store=path)
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    page = ("SELECT * FROM runs WHERE project_id = 1 "
            "ORDER BY started_at DESC, id LIMIT 50")
    samples = interleaved({
        "raw": lambda: raw.execute(page).fetchall(),
        "runs": lambda: api.runs(limit=50),
        "runs (no project)": lambda: everywhere.runs(limit=50),
        "raw count": lambda: raw.execute(
            "SELECT COUNT(*) FROM runs WHERE project_id = 1").fetchone(),
        "run_count": api.run_count,
    }, repeat)
    report("  raw SQL page of 50 runs", samples["raw"])
    report("  Api.runs(limit=50)", samples["runs"], samples["raw"])
    report("  Api.runs(limit=50), no project", samples["runs (no project)"], samples["raw"])
    report("  Api.run_count (grows: a count)", samples["run_count"], samples["raw count"])
    raw.close()
    api.close()
    everywhere.close()


def bench_log_artifact(path: Path, folder: Path, repeat: int) -> None:
    sources = []
    for i in range(repeat):
        source = folder / f"small-{time.time_ns()}-{i}.txt"
        source.write_text(f"row {i} {time.time_ns()}\n")
        sources.append(source)
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (a INTEGER, b TEXT)")

    def bare() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (1, 'x')")
        conn.execute("COMMIT")

    pending = iter(sources)
    with ld.init(project="bench", entity="bench", store=path) as run:
        def log() -> None:
            artifact = ld.Artifact("bench-log", "dataset")
            artifact.add_file(next(pending), name="data.txt", policy="immutable")
            start = time.perf_counter()
            run.log_artifact(artifact)
            times.append(time.perf_counter() - start)

        times: list[float] = []
        samples = interleaved({"bare": bare, "log": log}, repeat)
    conn.close()
    report("  bare WAL commit", samples["bare"])
    # The log call alone (building the artifact and hashing its file is not logging).
    report("  log_artifact, one small file", times, samples["bare"])


WRITER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import lineage_desktop as ld
    store, folder, count, me = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    mode = sys.argv[5]
    from lineage_desktop.store import connection
    if mode != "queue":  # the baseline: polling for SQLite's lock alone, as before
        connection.queue_for = lambda path: None
    baseline = mode == "in COMMIT"  # SQLite's own checkpoints, inside COMMIT
    if baseline:
        connection.CHECKPOINT_ROWS = 1 << 62
    sources = []
    for i in range(count):
        source = folder / f"w{me}-{i}.txt"
        source.write_text(f"writer {me} row {i}\\n")
        sources.append(source)
    times = []
    with ld.init(project="bench", store=store) as run:
        if baseline:
            run.store._conn.execute("PRAGMA wal_autocheckpoint=1000")
        print("ready", flush=True)
        sys.stdin.readline()
        for source in sources:
            artifact = ld.Artifact(f"sweep-{me}", "dataset")
            artifact.add_file(source, name="data.txt", policy="immutable")
            start = time.perf_counter()
            run.log_artifact(artifact)
            times.append(time.perf_counter() - start)
    print(json.dumps(times), flush=True)
""")


def run_writers(store: Path, folder: Path, writers: int, count: int,
                mode: str = "queue") -> tuple[list[float], float]:
    """Per-call seconds of ``writers`` processes logging ``count`` artifacts each into one
    store, started together; and the wall time of the logging. ``mode``: ``queue`` (now:
    writers wait for their turn in the kernel), ``polling`` (the baseline: SQLite's lock
    polled in fine steps, checkpoints before BEGIN), ``in COMMIT`` (polling, and SQLite's
    automatic checkpoints inside COMMIT, as at first)."""
    tag = f"{writers}-{time.time_ns()}"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(store), str(folder),
                               str(count), f"{tag}-{k}", mode],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for k in range(writers)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    times: list[float] = []
    for proc in procs:
        out, _ = proc.communicate()
        times += json.loads(out.strip().splitlines()[-1])
    return times, time.perf_counter() - start


def bench_parallel_writers(folder: Path, count: int, rounds: int = 2,
                           modes: tuple[str, ...] = ("in COMMIT", "polling", "queue")) -> None:
    """16 writers against one writer alone in each ``mode`` (see ``run_writers``); all
    runs interleaved, ``rounds`` times."""
    store = folder / "sweep.db"
    ld.init(project="bench", store=store).finish()
    calls: dict[str, list[float]] = {}
    walls: dict[str, float] = {}
    for _ in range(rounds):
        for mode in modes:
            for writers, each in ((1, count * 4), (16, count)):
                times, wall = run_writers(store, folder, writers, each, mode)
                calls.setdefault(f"{writers} {mode}", []).extend(times)
                walls[f"{writers} {mode}"] = walls.get(f"{writers} {mode}", 0) + wall
    rates = {key: len(calls[key]) / walls[key] for key in calls}
    base = modes[0]
    for mode in modes:
        one, many = calls[f"1 {mode}"], calls[f"16 {mode}"]
        report(f"  {mode}, 1 writer: log_artifact", one)
        report(f"  {mode}, 16 writers: log_artifact", many, one)
        print(f"  {mode}, 16 writers: worst call {max(many) * 1e3:.1f} ms (goal < 50 ms), "
              f"throughput {rates[f'16 {mode}']:.0f}/s = "
              f"x{rates[f'16 {mode}'] / rates[f'1 {mode}']:.2f} of one writer's, "
              f"x{rates[f'16 {mode}'] / rates[f'16 {base}']:.2f} of {base}'s", flush=True)
    for mode in modes[1:]:
        report(f"  16 writers, {mode} vs {base}", calls[f"16 {mode}"], calls[f"16 {base}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 10k store only (default)")
    parser.add_argument("--full", action="store_true", help="10k, 100k and 1M versions")
    parser.add_argument("--sizes", type=int, nargs="+", help="store sizes in versions")
    parser.add_argument("--repeat", type=int, help="calls per measurement")
    args = parser.parse_args()
    sizes = tuple(args.sizes) if args.sizes else FULL_SIZES if args.full else QUICK_SIZES
    quick = not (args.full or args.sizes)
    repeat = args.repeat or (40 if quick else 200)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        empty = folder / "empty.db"
        ld.init(project="bench", entity="bench", store=empty).finish()
        for size in sizes:
            start = time.perf_counter()
            path = sized_store(size)
            print(f"store of {size:,} versions ({time.perf_counter() - start:.1f} s to get it)",
                  flush=True)
            bench_resolution(path, repeat)
            bench_init_finish(path, empty, repeat)
            bench_runs_page(path, repeat)
            bench_log_artifact(path, folder, repeat * 2)
        print("parallel writers (a fresh store)", flush=True)
        bench_parallel_writers(folder, 15 if quick else 40)


if __name__ == "__main__":
    main()
