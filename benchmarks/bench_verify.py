"""``lineage-desktop verify`` against ``sha256sum`` of the same blob files (issue 12).

    python benchmarks/bench_verify.py [--full] [--repeat 5] [--batch-threads]

Two stores, built once and cached under ``~/.cache/lineage_desktop/`` (set
LINEAGE_BENCH_CACHE to move them): many small files (5,000 of 2-14 KiB, half of them in
one-file versions; ``--full``: 50,000) and a few big ones (3 x 64 MB; ``--full``:
4 x 256 MB). For each, ``sha256sum`` over every blob file (one file list, ``xargs -0``)
and our verify, run in turn: the CLI in-process (``verify STORE --quick``: the files and
SQLite's quick check) and the engine on the files alone (``database=None``). All are
measured **warm**: every file is in the page cache after the first pass, so these are
CPU and per-file costs, not the disk's. Prints MB/s (median, and p95 of the time: the
slow tail), the ratio of medians to ``sha256sum``'s throughput, and the same by CPU
seconds used (steadier than wall time when other work shares the cores; it does not
show the gain of hashing big files on several cores). ``--batch-threads`` adds the
engine with the small blobs' batches read on its worker threads
(``audit/verify.py: BATCHES_ON_POOL``), to compare with reading them on the caller's.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import interleaved, p95  # noqa: E402

import lineage_desktop as ld  # noqa: E402
import lineage_desktop.audit.verify as engine_module  # noqa: E402
from lineage_desktop.audit.verify import verify_versions  # noqa: E402
from lineage_desktop.cli.cmd_verify import versions_to_check  # noqa: E402
from lineage_desktop.cli.main import main as cli_main  # noqa: E402

SMALL_PER_ARTIFACT = 500
SMALL_SIZES = (2 << 10, 14 << 10)  # bytes, uniform


def cache_root() -> Path:
    root = Path(os.environ.get("LINEAGE_BENCH_CACHE", Path.home() / ".cache" / "lineage_desktop"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def build_small(store: Path, count: int) -> None:
    """Half the files in versions of ``SMALL_PER_ARTIFACT`` files (folders added at
    once), half as one-file versions of ten collections (a sweep's small outputs): the
    per-version costs count as well as the per-file ones."""
    rng = random.Random(12)
    shards = count // 2
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp, \
            ld.init(project="bench", job_type="ingest", store=store) as run:
        for first in range(0, shards, SMALL_PER_ARTIFACT):
            folder = Path(tmp) / f"part-{first}"
            folder.mkdir()
            for i in range(first, min(first + SMALL_PER_ARTIFACT, shards)):
                (folder / f"f{i:06d}.bin").write_bytes(rng.randbytes(rng.randint(*SMALL_SIZES)))
            artifact = ld.Artifact(f"shard-{first // SMALL_PER_ARTIFACT}", "dataset")
            artifact.add_dir(folder)
            run.log_artifact(artifact)
            shutil.rmtree(folder)
        for i in range(shards, count):
            artifact = ld.Artifact(f"output-{i % 10}", "metrics")
            with artifact.new_file("metrics.bin", mode="wb") as handle:
                handle.write(rng.randbytes(rng.randint(*SMALL_SIZES)))
            run.log_artifact(artifact)


def build_big(store: Path, count: int, size_mb: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-verify-", dir=store.parent) as tmp, \
            ld.init(project="bench", job_type="ingest", store=store) as run:
        for i in range(count):
            path = Path(tmp) / f"big-{i}.bin"
            with open(path, "wb") as handle:
                for _ in range(size_mb):
                    handle.write(os.urandom(1 << 20))
            artifact = ld.Artifact(f"big-{i}", "model")
            artifact.add_file(path, policy="immutable")  # copied in, not snapshot twice
            run.log_artifact(artifact)
            path.unlink()


def cached_store(name: str, build, *args: object) -> Path:
    """The store ``name`` under the cache, built when missing or half-built."""
    folder = cache_root() / name
    store, done = folder / "store.db", folder / "complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        print(f"building {store} ...", flush=True)
        build(store, *args)
        done.write_text("ok\n")
    return store


def blob_files(store: Path) -> tuple[list[str], int]:
    """Every blob file the store's manifests name, once, and their total size."""
    with ld.Api(store=store) as api:
        files = {str(api.store.blobs.path_for(e.digest)): e.size
                 for v in list(versions_to_check(api, None)) for e in api.store.manifest(v.id)}
    return sorted(files), sum(files.values())


def bench(label: str, store: Path, repeat: int, batch_threads: bool = False) -> None:
    files, size = blob_files(store)
    listing = store.parent / "blobs.list"
    listing.write_bytes(b"\0".join(os.fsencode(f) for f in files) + b"\0")
    api = ld.Api(store=store)
    versions = list(versions_to_check(api, None))

    def sha256sum() -> None:
        subprocess.run(["xargs", "-0", "-a", str(listing), "sha256sum"], check=True,
                       stdout=subprocess.DEVNULL)

    def cli() -> None:
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            status = cli_main(["verify", str(store), "--quick"])
        assert status == 0, f"verify found problems in {store}"

    def engine() -> None:
        report = verify_versions(api.store, versions, database=None)
        assert report.ok and report.matching == len(files)

    def engine_batch_threads() -> None:
        engine_module.BATCHES_ON_POOL = True
        try:
            engine()
        finally:
            engine_module.BATCHES_ON_POOL = False

    calls = {"sha256sum (xargs)": sha256sum, "verify --quick (CLI)": cli,
             "verify engine (files only)": engine}
    if batch_threads:
        calls["engine, batches on threads"] = engine_batch_threads
    for call in calls.values():
        call()  # warm: the page cache, imports, the SQLite cache
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    samples = interleaved({name: _cpu_timed(call, cpu[name]) for name, call in calls.items()},
                          repeat)
    api.close()
    mb = size / 1e6
    print(f"\n{label}: {len(files):,} blobs, {mb:,.0f} MB, page cache warm for all (one "
          f"untimed pass of each first), {repeat} interleaved runs", flush=True)
    base = statistics.median(samples["sha256sum (xargs)"])
    base_cpu = statistics.median(cpu["sha256sum (xargs)"])
    for name, times in samples.items():
        median, cpu_median = statistics.median(times), statistics.median(cpu[name])
        # p95 of the time is the slow tail: the 5th-percentile throughput. CPU seconds
        # (all threads, or the sha256sum processes) are steadier on a busy machine.
        print(f"  {name:<28} median {median:6.2f} s {mb / median:7.1f} MB/s  p95 "
              f"{p95(times):6.2f} s {mb / p95(times):7.1f} MB/s"
              f"  x{base / median:5.2f} of sha256sum's throughput"
              f"  (CPU: {mb / cpu_median:7.1f} MB/s, x{base_cpu / cpu_median:5.2f})",
              flush=True)


def _cpu_timed(call: Callable[[], None], into: list[float]) -> Callable[[], None]:
    """``call``, appending the CPU seconds it used (this process's threads and the
    children it waited for) to ``into``."""
    def timed() -> None:
        before = _cpu_now()
        call()
        into.append(_cpu_now() - before)
    return timed


def _cpu_now() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true",
                        help="50,000 small files and 4 x 256 MB (1.4 GB of cache disk)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch-threads", action="store_true",
                        help="also time the engine reading small blobs on worker threads")
    args = parser.parse_args()
    if shutil.which("sha256sum") is None or shutil.which("xargs") is None:
        print("sha256sum or xargs is not installed; nothing to compare with",
              file=sys.stderr)
        return 2
    small, (big_count, big_mb) = (50_000, (4, 256)) if args.full else (5_000, (3, 64))
    bench(f"small files ({small:,})",
          cached_store(f"bench-verify-small-{small}", build_small, small), args.repeat,
          args.batch_threads)
    bench(f"big files ({big_count} x {big_mb} MB)",
          cached_store(f"bench-verify-big-{big_count}x{big_mb}", build_big, big_count, big_mb),
          args.repeat, args.batch_threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
