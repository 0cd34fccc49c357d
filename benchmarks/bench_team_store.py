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
import contextlib
import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import interleaved, report, timed  # noqa: E402

import lineage_desktop as ld  # noqa: E402
from lineage_desktop.demo import write_demo  # noqa: E402
from lineage_desktop.interop import merge_stores  # noqa: E402
from lineage_desktop.store import Store  # noqa: E402


def _database(base: str, template: str | None = None) -> str:
    """A fresh database on ``base``'s server (a copy of ``template`` if given)."""
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:10]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return _named(base, name)


def _named(base: str, name: str) -> str:
    head, _, tail = base.partition("?")
    return head.rsplit("/", 1)[0] + "/" + name + (f"?{tail}" if tail else "")


def _sized_database(base: str, count: int) -> str:
    """A fresh copy of the server's cached store of ``count`` versions (``_stores.build``,
    analysed), built first under a temporary name if the server has none: building 1M
    versions on PostgreSQL takes minutes, copying the template seconds."""
    import psycopg
    from _stores import BUILDER_VERSION, build

    cached = f"bench_sizes_{count}_b{BUILDER_VERSION}"
    with psycopg.connect(base, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             [cached]).fetchone()
    if not found:
        partial = _database(base)
        build(partial, count)
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {partial.rpartition('/')[2].partition('?')[0]} "
                         f"RENAME TO {cached}")
    return _database(base, template=cached)


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
    collection ``model``); the samples of both backends interleaved (a busy machine slows
    both alike)."""
    from _stores import sized_store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["LINEAGE_DESKTOP_BLOB_ROOT"] = str(folder)
        for count in counts:
            pg = _sized_database(base, count)
            targets = {"sqlite": str(sized_store(count)), "postgresql": pg}
            apis = {name: ld.Api(store=target) for name, target in targets.items()}
            calls = {
                "artifact('model:production')": lambda api: api.artifact(
                    "bench/model:production"),
                "lineage depth 3": lambda api: api.lineage(
                    "bench/model:production", upstream=3, downstream=0),
            }
            for label, call in calls.items():
                samples = _interleaved({name: (lambda api=api, call=call: call(api))
                                        for name, api in apis.items()}, 50)
                for name in targets:
                    report(f"{count:>9,} {name:<10} {label}", samples[name],
                           samples["sqlite"] if name != "sqlite" else None)
            for api in apis.values():
                api.close()
            if logs:
                copy = folder / f"copy-{count}.db"
                copy.write_bytes(Path(targets["sqlite"]).read_bytes())
                targets["sqlite"] = str(copy)
                samples = _log_into(targets, folder, logs)
                for name in targets:
                    report(f"{count:>9,} {name:<10} log_artifact into model", samples[name],
                           samples["sqlite"] if name != "sqlite" else None)
    return 0


def _interleaved(calls: dict[str, Callable[[], object]], count: int) -> dict[str, list[float]]:
    """``interleaved`` after one warm-up call of each (connections' first statements)."""
    for call in calls.values():
        call()
    return interleaved(calls, count)


def _log_into(targets: dict[str, str], folder: Path, count: int) -> dict[str, list[float]]:
    """``count`` one-file ``log_artifact`` calls into ``model`` of each store, in turn."""
    source = folder / "one.txt"
    with contextlib.ExitStack() as stack:
        runs = {name: stack.enter_context(ld.init(project="bench", entity="bench",
                                                  store=target))
                for name, target in targets.items()}
        calls = {}
        for name, run in runs.items():
            def log(run: Any = run) -> None:
                source.write_text(f"grow {uuid.uuid4().hex}\n")
                artifact = ld.Artifact("model", "dataset")
                artifact.add_file(str(source), name="data.txt")
                run.log_artifact(artifact)
            calls[name] = log
        return _interleaved(calls, count)


if __name__ == "__main__":
    raise SystemExit(main())
