"""The team store (PostgreSQL) against the SQLite store, in the same run (issue 16).

    LINEAGE_DESKTOP_TEST_PG=postgresql://user@/postgres?host=/run/x python \\
        benchmarks/bench_team_store.py [--runs 2000] [--logs 200]

Both stores get the same demo project (written to SQLite by the demo generator, merged
into a fresh PostgreSQL database), then: ``run.log_artifact`` of a one-file artifact,
``Api.lineage`` of depth 3 around a model, and as baselines one bare round trip to the
server (``SELECT 1``) and SQLite's recursive walk alone. Medians, p95 and ratios.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import report, timed  # noqa: E402

import lineage_desktop as ld  # noqa: E402
from lineage_desktop.demo import write_demo  # noqa: E402
from lineage_desktop.interop import merge_stores  # noqa: E402
from lineage_desktop.store import Store  # noqa: E402


def _database(base: str) -> str:
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:10]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    head, _, tail = base.partition("?")
    return head.rsplit("/", 1)[0] + "/" + name + (f"?{tail}" if tail else "")


def _log_samples(target: str, folder: Path, count: int) -> list[float]:
    source = folder / "one.txt"
    samples: list[float] = []
    with ld.init(project="bench", store=target) as run:
        def log() -> None:
            artifact = ld.Artifact("small", "dataset", metadata={"n": len(samples)})
            artifact.add_file(str(source), name="data.txt")
            run.log_artifact(artifact)
        for index in range(count):
            source.write_text(f"row {index}\n")
            samples.extend(timed(log, 1))
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--logs", type=int, default=200)
    parser.add_argument("--versions", type=int, nargs="*",
                        help="instead: stores of these many versions (bulk-built, e.g. "
                             "10000 1000000), per-call costs as they grow")
    args = parser.parse_args()
    base = os.environ.get("LINEAGE_DESKTOP_TEST_PG")
    if not base:
        print("set LINEAGE_DESKTOP_TEST_PG to a server's URL (make test starts one)")
        return 0
    if args.versions:
        return sizes(base, args.versions, args.logs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sqlite_path = str(write_demo(folder / "demo.db", runs=args.runs, seed=1))
        os.environ["LINEAGE_DESKTOP_BLOB_ROOT"] = str(folder / "blobs")
        (folder / "blobs").mkdir()
        pg = _database(base)
        with Store.open(pg) as target:
            merge_stores(target, [sqlite_path])
        with Store.open(pg, readonly=True) as store:
            versions = store._conn.execute("SELECT count(*) FROM versions").fetchone()[0]
        print(f"demo of {args.runs} runs, {versions} versions, in both stores")
        for name, target in (("sqlite", sqlite_path), ("postgresql", pg)):
            api = ld.Api(store=target)
            graph_ref = "churn-model:production"
            lineage = timed(lambda api=api: api.lineage(graph_ref, upstream=3, downstream=0),
                            50)
            if name == "sqlite":
                sqlite_lineage = lineage
                report("Api.lineage depth 3, sqlite", lineage)
            else:
                report("Api.lineage depth 3, postgresql", lineage, sqlite_lineage)
                raw = api.store._conn._raw  # type: ignore[attr-defined]
                report("  baseline: SELECT 1 round trip", timed(
                    lambda raw=raw: raw.execute("SELECT 1").fetchall(), 200))
            api.close()
        sqlite_logs = _log_samples(sqlite_path, folder, args.logs)
        report("log_artifact, sqlite", sqlite_logs)
        report("log_artifact, postgresql", _log_samples(pg, folder, args.logs),
                     sqlite_logs)
    return 0


def sizes(base: str, counts: list[int], logs: int) -> int:
    """Alias resolution, lineage of depth 3 and ``log_artifact`` into the big collection,
    on both backends, as the store grows (``_stores.build``: half the versions in one
    collection ``model``)."""
    from _stores import build, sized_store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["LINEAGE_DESKTOP_BLOB_ROOT"] = str(folder)
        for count in counts:
            pg = _database(base)
            build(pg, count)
            targets = {"sqlite": str(sized_store(count)), "postgresql": pg}
            baseline: dict[str, list[float]] = {}
            for name, target in targets.items():
                api = ld.Api(store=target)
                calls = {
                    "artifact('model:production')": lambda api=api: api.artifact(
                        "bench/model:production"),
                    "lineage depth 3": lambda api=api: api.lineage(
                        "bench/model:production", upstream=3, downstream=0),
                }
                for label, call in calls.items():
                    samples = timed(call, 50)
                    report(f"{count:>9,} {name:<10} {label}", samples, baseline.get(label))
                    baseline.setdefault(label, samples)
                api.close()
            if count <= 100_000 or logs:
                copy = folder / f"copy-{count}.db"
                copy.write_bytes(Path(targets["sqlite"]).read_bytes())
                targets["sqlite"] = str(copy)
                for name, target in targets.items():
                    samples = _log_into(target, folder, logs)
                    report(f"{count:>9,} {name:<10} log_artifact into model", samples,
                           baseline.get("log"))
                    baseline.setdefault("log", samples)
    return 0


def _log_into(target: str, folder: Path, count: int) -> list[float]:
    source = folder / "one.txt"
    samples: list[float] = []
    with ld.init(project="bench", entity="bench", store=target) as run:
        for index in range(count):
            source.write_text(f"grow {index}\n")
            artifact = ld.Artifact("model", "dataset")
            artifact.add_file(str(source), name="data.txt")
            samples.extend(timed(lambda artifact=artifact: run.log_artifact(artifact), 1))
    return samples


if __name__ == "__main__":
    raise SystemExit(main())
